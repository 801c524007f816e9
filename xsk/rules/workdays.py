"""Working-day calendar for deadlines and publicity periods.

China moves working days with the official holiday schedule: holidays fall on weekdays and some
Saturdays or Sundays become make-up working days (调休). The schedule comes from the
``chinese_calendar`` package; a workspace may override single dates. For a year the package has
no data for, weekends-only is used and a warning is recorded (once per year) in
:attr:`Calendar.warnings`.

Counting conventions (all pure, dates are passed in):

* :meth:`Calendar.add_workdays` — "n working days after start": start itself is not counted.
* :meth:`Calendar.workdays_between` — working days in ``(a, b]``.
* :meth:`Calendar.publicity_end` — a period of n working days that starts on ``start``,
  counting ``start`` itself when it is a working day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import chinese_calendar

from xsk.rules import RuleError

_ONE_DAY = timedelta(days=1)


class CalendarError(RuleError):
    """Bad input to the working-day calendar."""


def _as_date(value: object, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise CalendarError(f"{what}应为日期，而不是 {value!r}")


def _as_count(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CalendarError(f"{what}应为整数，而不是 {value!r}")
    return value


class Calendar:
    """Working days per the official schedule, with workspace overrides.

    ``holidays``: dates that are never working days (e.g. a local holiday).
    ``workdays``: dates that are always working days (e.g. a make-up day the package lacks).
    Overrides win over the package; a date may not be in both.
    """

    def __init__(self, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> None:
        self._holidays = frozenset(_as_date(d, "节假日设置") for d in holidays)
        self._workdays = frozenset(_as_date(d, "调休工作日设置") for d in workdays)
        clash = sorted(self._holidays & self._workdays)
        if clash:
            days = "、".join(d.isoformat() for d in clash)
            raise CalendarError(f"以下日期同时被设为节假日和工作日：{days}")
        self.warnings: list[str] = []
        self._warned_years: set[int] = set()

    def _official_workday(self, day: date) -> bool:
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year not in self._warned_years:
                self._warned_years.add(day.year)
                self.warnings.append(
                    f"{day.year} 年的法定节假日安排尚未收录，按周末计算工作日"
                    "（可在工作区设置中补充该年的节假日和调休工作日）"
                )
            return day.weekday() < 5

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day (overrides first, then the official schedule)."""
        day = _as_date(day, "日期")
        if day in self._holidays:
            return False
        if day in self._workdays:
            return True
        return self._official_workday(day)

    def add_workdays(self, start: date, n: int) -> date:
        """The date that is ``n`` working days after ``start`` (``start`` is not counted).

        ``n == 0`` returns ``start`` unchanged (even on a holiday); negative ``n`` counts
        backwards, so ``add_workdays(d, -1)`` is the last working day before ``d``.
        """
        day = _as_date(start, "起始日期")
        n = _as_count(n, "工作日天数")
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        remaining = abs(n)
        try:
            while remaining:
                day += step
                if self.is_workday(day):
                    remaining -= 1
        except OverflowError as exc:
            raise CalendarError("日期超出可计算范围") from exc
        return day

    def workdays_between(self, a: date, b: date) -> int:
        """Number of working days in ``(a, b]``; 0 when ``a == b``.

        When ``b`` is before ``a`` the result is minus the number of working days in
        ``[b, a)``, so that ``workdays_between(d, add_workdays(d, n)) == n`` for every ``n``.
        """
        a = _as_date(a, "起始日期")
        b = _as_date(b, "结束日期")
        if b < a:
            return -sum(self.is_workday(b + timedelta(days=i)) for i in range((a - b).days))
        return sum(self.is_workday(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))

    def publicity_end(self, start: date, days: int) -> date:
        """Last day of a publicity period (公示期) of ``days`` working days starting on ``start``.

        The period begins on ``start``: if ``start`` is a working day it is day 1, otherwise day 1
        is the first working day after it. The result is the date of day ``days``. So a notice
        posted on a Monday for 5 working days ends that Friday (in a week without holidays), and
        one posted on a Saturday ends the following Friday.
        """
        start = _as_date(start, "公示开始日期")
        days = _as_count(days, "公示天数")
        if days < 1:
            raise CalendarError(f"公示期至少为 1 个工作日，而不是 {days}")
        if self.is_workday(start):
            return self.add_workdays(start, days - 1)
        return self.add_workdays(start, days)
