"""Dates and times the way people type them: one parser for CLI options and answers.

Dates: ``2026-03-05``, ``2026/3/5``, ``2026.3.5``, ``2026年3月5日``, ``3月5日`` and ``3/5``
(this year). Times of day: ``15:00``, ``15:30:00``, ``15点``, ``15点30分``, ``3点半``,
``下午3点``, ``晚上7点30``, ``上午9:00``. A date and a time may be separated by a space, a
``T`` or nothing (``2026年3月5日下午3点``). A meeting time needs its time of day:
:func:`parse_datetime` refuses a bare date unless ``need_time=False``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

DATE_EXAMPLE = "例如 2026-03-05、2026/3/5、2026年3月5日 或 3月5日"
TIME_EXAMPLE = "例如 2026-03-05 15:00、2026年3月5日 下午3点 或 3月5日 15点30分"

_FULL = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_SHORT = re.compile(r"(\d{1,2})\s*(?:月\s*(\d{1,2})\s*[日号]?|/\s*(\d{1,2}))")
_PERIOD = {
    "凌晨": 0,
    "早上": 0,
    "早晨": 0,
    "上午": 0,
    "中午": 12,
    "下午": 12,
    "傍晚": 12,
    "晚上": 12,
    "晚间": 12,
}
_TIME = re.compile(
    r"(?P<period>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|晚间)?\s*"
    r"(?P<h>\d{1,2})\s*(?:(?P<colon>[:：])\s*(?P<m>\d{2})(?:\s*[:：]\s*(?P<s>\d{2}))?"
    r"|(?P<dian>点|时)\s*(?:(?P<half>半)|(?P<m2>\d{1,2})\s*分?)?)"
)


def _today(today: dt.date | None) -> dt.date:
    if today is not None:
        return today
    from xsk.core.clock import now

    return now().date()


def _split_date(text: str, today: dt.date | None) -> tuple[dt.date | None, str, str | None]:
    """(date, rest of the text, error) for a text that starts with a date."""
    s = text.strip()
    m = _FULL.match(s)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = _SHORT.match(s)
        if not m:
            return None, s, f"日期格式不对：“{text.strip()}”（{DATE_EXAMPLE}）"
        y, mo, d = _today(today).year, int(m[1]), int(m[2] or m[3])
    try:
        day = dt.date(y, mo, d)
    except ValueError:
        return None, s, f"没有这一天：“{m[0].strip()}”（{DATE_EXAMPLE}）"
    return day, s[m.end() :].strip().lstrip("T").strip(), None


def _time_of_day(text: str) -> tuple[dt.time | None, str | None]:
    m = _TIME.fullmatch(text.strip())
    if not m:
        return None, f"时刻看不懂：“{text.strip()}”（如 15:00、下午3点、15点30分）"
    if not m["colon"] and not m["dian"]:
        return None, f"时刻看不懂：“{text.strip()}”（如 15:00、下午3点、15点30分）"
    hour = int(m["h"])
    minute = int(m["m"] or m["m2"] or (30 if m["half"] else 0))
    second = int(m["s"] or 0)
    period = m["period"]
    if period:
        if hour > 12:
            if _PERIOD[period] == 0:
                return None, f"“{text.strip()}”：{period}没有 {hour} 点"
        elif _PERIOD[period] == 12 and hour < 12:
            if not (period == "中午" and hour >= 11):
                hour += 12
        elif period in ("凌晨", "早上", "早晨") and hour == 12:
            hour = 0
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
        return None, f"没有这个时刻：“{text.strip()}”"
    return dt.time(hour, minute, second), None


def parse_date(raw: Any, today: dt.date | None = None) -> tuple[dt.date | None, str | None]:
    """A date from a TOML value or typed text; (date, None) or (None, Chinese message)."""
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, dt.date):
        return raw, None
    if not isinstance(raw, str):
        return None, f"日期格式不对：“{raw}”（{DATE_EXAMPLE}）"
    day, rest, err = _split_date(raw, today)
    if err:
        return None, err
    if rest:
        return None, f"日期后面多了“{rest}”（{DATE_EXAMPLE}）"
    return day, None


def parse_datetime(
    raw: Any, today: dt.date | None = None, *, need_time: bool = True
) -> tuple[dt.datetime | None, str | None]:
    """A date and time of day (naive, China time); a bare date only with ``need_time=False``."""
    if isinstance(raw, dt.datetime):
        return raw.replace(tzinfo=None), None
    if isinstance(raw, dt.date):
        if need_time:
            return None, f"“{raw.isoformat()}”缺少时刻（{TIME_EXAMPLE}）"
        return dt.datetime(raw.year, raw.month, raw.day), None
    if not isinstance(raw, str):
        return None, f"时间格式不对：“{raw}”（{TIME_EXAMPLE}）"
    day, rest, err = _split_date(raw, today)
    if err:
        return None, f"时间格式不对：“{raw.strip()}”（{TIME_EXAMPLE}）"
    if not rest:
        if need_time:
            return None, f"“{raw.strip()}”缺少时刻，会议时间要写几点（{TIME_EXAMPLE}）"
        return dt.datetime.combine(day, dt.time()), None
    when, err = _time_of_day(rest)
    if err:
        return None, err
    return dt.datetime.combine(day, when), None
