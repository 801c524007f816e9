"""Limits for rendering one document from a template a person may have edited.

A template is code: ``{{ 'a' * 10**9 }}`` exhausts memory, nested ``range(100000)`` loops run
for minutes, a 2.6 MB .docx can hold a 2.5 GiB part. The Jinja environment
(:class:`xsk.documents.docx._DocEnvironment`) calls these checks on every operator, call,
attribute and range; the renderer checks part sizes before inflating and the size of what
it made. A breach is a ``SecurityError`` (a TemplateError naming the template, exit 2).
"""

from __future__ import annotations

import time
from typing import Any

from jinja2.exceptions import SecurityError

RENDER_SECONDS = 20.0  # one document
MAX_OUTPUT = 50 * 1024 * 1024  # bytes of one rendered document
MAX_VALUE = 10_000_000  # characters of one string (items of one list) made in a template
MAX_RANGE_ITEMS = 1_000_000  # items of all range() calls in one document
MAX_PART = 64 * 1024 * 1024  # uncompressed bytes of one template part, checked before inflating
MAX_POWER = 64  # exponent of ** on integers
_budget = {"deadline": float("inf"), "items": 0.0}


def start(seconds: float = RENDER_SECONDS) -> None:
    """A new document: the clock and the loop budget start again."""
    _budget["deadline"] = time.monotonic() + seconds
    _budget["items"] = 0


def stop() -> None:
    _budget["deadline"] = float("inf")


def tick() -> None:
    if time.monotonic() > _budget["deadline"]:
        raise SecurityError(f"渲染超过 {RENDER_SECONDS:.0f} 秒，已停止")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_binop(operator: str, left: Any, right: Any) -> None:
    tick()
    big_power = _is_int(left) and _is_int(right) and right > MAX_POWER and abs(left) > 1
    if operator == "**" and big_power:
        raise SecurityError(f"乘方结果过大（{left} ** {right}）")
    if operator == "*":
        n, seq = (right, left) if _is_int(right) else (left, right)
        if _is_int(n) and isinstance(seq, (str, list, tuple)) and len(seq) * n > MAX_VALUE:
            raise SecurityError("模板中的文本或列表过长")


def check_value(value: Any) -> None:
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_VALUE:
        raise SecurityError("模板中的文本或列表过长")


def bounded_range(*args: int) -> range:
    """``range`` for templates: all ranges of one document together stay under a budget."""
    tick()
    rng = range(*args)
    _budget["items"] += len(rng)
    if _budget["items"] > MAX_RANGE_ITEMS:
        raise SecurityError("模板中的循环次数过多")
    return rng
