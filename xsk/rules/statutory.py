"""The public holidays fixed by law, for years whose official schedule is not published yet.

国务院《全国年节及纪念日放假办法》as revised by 国务院令第798号 (in force since 2025-01-01) gives
everyone 13 days a year:

- 元旦 1 day: 01-01
- 春节 4 days: 农历除夕 to 正月初三 (除夕 since the 2025 revision)
- 清明节 1 day: the day of the solar term 清明
- 劳动节 2 days: 05-01, 05-02
- 端午节 1 day: 农历五月初五
- 中秋节 1 day: 农历八月十五
- 国庆节 3 days: 10-01 to 10-03

What the law does not fix is the State Council's yearly notice: which weekdays next to these
are also off and which Saturdays or Sundays are worked instead (调休). Those cannot be derived,
so a calendar built from this module knows the statutory days and the weekends only.

The lunar dates and the solar term come from tyme4py (pure Python, MIT, no dependencies),
imported only when a year is asked for. Results are computed once per year.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType

from xsk.rules import RuleError

LAW_SINCE = 2025  # the 2024 revision (除夕 and 05-02 became holidays) applies from this year
LAST_YEAR = 2100  # the furthest year this module computes (the law may well change before)

NEW_YEAR = "元旦"
SPRING = "春节"
QINGMING = "清明节"
LABOUR = "劳动节"
DRAGON_BOAT = "端午节"
MID_AUTUMN = "中秋节"
NATIONAL = "国庆节"


class OutOfRangeError(RuleError):
    """A year outside ``LAW_SINCE .. LAST_YEAR``."""


def covers(year: int) -> bool:
    """Whether :func:`holidays` can answer for ``year``."""
    return LAW_SINCE <= year <= LAST_YEAR


@functools.cache
def holidays(year: int) -> Mapping[date, str]:
    """The statutory holidays of ``year``: date -> name (read-only).

    When two festivals fall on one day (中秋 on 10-03 in 2028, on 10-01 in 2031) the day carries
    both names and the year has fewer distinct holiday dates: the law adds no day for that.
    """
    if not covers(year):
        raise OutOfRangeError(f"法定节假日只能推算 {LAW_SINCE}—{LAST_YEAR} 年，而不是 {year} 年")
    out: dict[date, str] = {}
    for day, name in festival_days(year):
        out[day] = f"{out[day]}、{name}" if day in out else name
    return MappingProxyType(dict(sorted(out.items())))


def festival_days(year: int) -> list[tuple[date, str]]:
    """The days the current law makes holidays in ``year``, with their festival, in order of
    the year (one entry per day and festival). No range check: the tests compare earlier
    years' lunar dates and solar terms with the official schedules."""
    from tyme4py.lunar import LunarDay
    from tyme4py.solar import SolarTerm

    def lunar(month: int, day: int) -> date:
        s = LunarDay.from_ymd(year, month, day).get_solar_day()
        return date(s.get_year(), s.get_month(), s.get_day())

    term = SolarTerm.from_name(year, "清明").get_julian_day().get_solar_day()
    spring = lunar(1, 1)
    return [
        (date(year, 1, 1), NEW_YEAR),
        *((spring + timedelta(days=i), SPRING) for i in range(-1, 3)),  # 除夕 .. 初三
        (date(term.get_year(), term.get_month(), term.get_day()), QINGMING),
        (date(year, 5, 1), LABOUR),
        (date(year, 5, 2), LABOUR),
        (lunar(5, 5), DRAGON_BOAT),
        (lunar(8, 15), MID_AUTUMN),
        *((date(year, 10, d), NATIONAL) for d in (1, 2, 3)),
    ]
