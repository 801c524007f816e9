"""The current time in China, or a fixed one for rehearsals and tests (``XSK_NOW``)."""

from __future__ import annotations

import datetime as dt
import os

from xsk.core.errors import UsageError

CHINA = dt.timezone(dt.timedelta(hours=8))


def now() -> dt.datetime:
    """The current time in China (UTC+8); tests and replays pass their own.

    ``XSK_NOW`` (ISO date or date-time) fixes the clock, for rehearsals and terminal tests.
    """
    fixed = os.environ.get("XSK_NOW")
    if fixed:
        try:
            value = dt.datetime.fromisoformat(fixed)
        except ValueError:
            raise UsageError(f"环境变量 XSK_NOW 不是有效的日期时间：“{fixed}”") from None
        return value if value.tzinfo else value.replace(tzinfo=CHINA)
    return dt.datetime.now(CHINA).replace(microsecond=0)
