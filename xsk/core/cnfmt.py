"""Dates and times as Chinese documents and screens write them (GB/T 9704: Arabic numerals,
no leading zeros): ``2026年3月2日``, ``2026年3月2日（星期一）14:30``."""

from __future__ import annotations

import datetime as dt
from typing import Any

WEEKDAYS = "一二三四五六日"


def cn_date(d: dt.date | None) -> str:
    if d is None:
        return ""
    return f"{d.year}年{d.month}月{d.day}日"


def cn_time(t: Any) -> str:
    if isinstance(t, dt.datetime):
        return f"{cn_date(t.date())}（星期{WEEKDAYS[t.weekday()]}）{t:%H:%M}"
    if isinstance(t, dt.date):
        return cn_date(t)
    return str(t or "")
