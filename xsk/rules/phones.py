"""Phone numbers as people write them: an 11-digit mobile or a landline with its area code.

Accepted: ``13912345678``, ``139 1234 5678``, ``139-1234-5678``, ``+86 139…``; landlines
``0772-2345678``, ``(0772)2345678``, ``0772 234 5678``, ``010-12345678`` (area code 0 + 2–3
digits, number 7–8 digits), optionally with an extension ``转 123`` / ``-123``; service
numbers ``12345`` / ``95598`` style (5 digits starting with 1 or 9).
"""

from __future__ import annotations

import re

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}[2-9]\d{6,7}")
_SERVICE = re.compile(r"(?:12\d{3}|9\d{4})")
_EXT = re.compile(r"(?:转|分机|ext\.?)\s*\d{1,5}$", re.I)
_SEPARATORS = re.compile(r"[\s\-()（）]")


def _digits(text: str) -> str:
    digits = _SEPARATORS.sub("", text)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            return digits[len(prefix) :]
    return digits


def _valid(digits: str) -> bool:
    return any(p.fullmatch(digits) for p in (_MOBILE, _LANDLINE, _SERVICE))


def phone_problem(text: str) -> str | None:
    """None when ``text`` is a plausible phone number, else why not (one Chinese line)."""
    raw = text.strip()
    if not raw:
        return None
    body = _EXT.sub("", raw).strip()
    digits = _digits(body)
    if "-" in body and not _valid(digits):  # 0772-2345678-123: an extension after a dash
        head, _, tail = body.rpartition("-")
        if tail.strip().isdigit() and len(tail.strip()) <= 5 and _LANDLINE.fullmatch(_digits(head)):
            return None
    if not digits.isdigit():
        return f"电话号码“{raw}”含有数字以外的字符"
    if _valid(digits):
        return None
    if digits.startswith("1"):
        return f"手机号码“{raw}”应为 11 位（现为 {len(digits)} 位）"
    if digits.startswith("0"):
        return f"固定电话“{raw}”的位数不对：区号 3–4 位，号码 7–8 位，如 0772-2345678"
    return f"电话号码“{raw}”无效：手机为 11 位，固定电话需带区号，如 0772-2345678"
