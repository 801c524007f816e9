"""How worker processes start: the one place that chooses the multiprocessing context.

Windows has only the ``spawn`` start method (a fresh interpreter that imports xsk again and
inherits nothing), Linux defaults to ``fork``. Every process pool in xsk takes its context
from :func:`context`, so what a worker needs must come by argument, and the tests can force
``spawn`` on Linux with ``XSK_MP_START=spawn`` to prove it does.
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.context import BaseContext

from xsk.core.errors import UsageError

ENV = "XSK_MP_START"


def context() -> BaseContext:
    """The platform's default context, or the start method named by ``XSK_MP_START``."""
    method = os.environ.get(ENV, "").strip() or None
    if method is not None and method not in multiprocessing.get_all_start_methods():
        choices = "、".join(multiprocessing.get_all_start_methods())
        raise UsageError(f"环境变量 {ENV}={method} 无效", hint=f"可选：{choices}")
    return multiprocessing.get_context(method)


def forks(ctx: BaseContext) -> bool:
    """Whether workers of ``ctx`` start as copies of this process (memory warmed here is
    shared with them)."""
    return ctx.get_start_method() == "fork"
