"""Working-day calendar for deadlines and publicity periods.

China moves working days with the official holiday schedule: holidays fall on weekdays and some
Saturdays or Sundays become make-up working days (调休). Where a date's answer comes from, first
match wins:

1. the workspace's single-date overrides (``holidays`` / ``workdays``);
2. a year schedule the workspace holds (:class:`YearSchedule`, e.g. the State Council's notice
   for a year the package does not know yet, shared as ``calendar/2027.toml``);
3. the ``chinese_calendar`` package, for every year it has data for (found out per year, so a
   newer release is used as soon as it is installed);
4. for later years up to :data:`statutory.LAST_YEAR`, a *provisional* calendar: the statutory
   holidays fixed by law (:mod:`xsk.rules.statutory`) and weekends, make-up days unknown. Every
   date computed from it is provisional (:meth:`Calendar.provisional_between`), and a warning is
   recorded once per year in :attr:`Calendar.warnings`;
5. for earlier years without data (before 2004), weekends only, also with a warning.

Years after :data:`statutory.LAST_YEAR` without data are a :class:`CalendarError`.

Counting conventions (all pure, dates are passed in):

* :meth:`Calendar.add_workdays` — "n working days after start": start itself is not counted.
* :meth:`Calendar.workdays_between` — working days in ``(a, b]``.
* :meth:`Calendar.publicity_end` — a period of n working days that starts on ``start``,
  counting ``start`` itself when it is a working day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import chinese_calendar

from xsk.rules import RuleError, statutory

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


def _clash(holidays: frozenset[date], workdays: frozenset[date]) -> None:
    clash = sorted(holidays & workdays)
    if clash:
        days = "、".join(d.isoformat() for d in clash)
        raise CalendarError(f"以下日期同时被设为节假日和工作日：{days}")


# where the working days of a year come from (Calendar.source)
FILE, PACKAGE, PROVISIONAL, WEEKENDS = "file", "package", "provisional", "weekends"


@dataclass(frozen=True)
class YearSchedule:
    """The official holiday schedule of one year, held by the workspace.

    ``holidays``: days off (weekdays among them are what matters); ``workdays``: Saturdays or
    Sundays that are worked (调休). Every other weekday is a working day. ``origin`` names where
    the schedule came from (a file), for messages.
    """

    year: int
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    origin: str = ""

    def __post_init__(self) -> None:
        for d in (*self.holidays, *self.workdays):
            if _as_date(d, "节假日安排中的日期").year != self.year:
                raise CalendarError(f"{self.year} 年的节假日安排中不能有 {d.isoformat()}")
        _clash(self.holidays, self.workdays)

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


class Calendar:
    """Working days per the official schedule, with workspace overrides.

    ``holidays``: dates that are never working days (e.g. a local holiday).
    ``workdays``: dates that are always working days (e.g. a make-up day the package lacks).
    Overrides win over everything else; a date may not be in both.
    ``schedules``: whole-year official schedules (:class:`YearSchedule`); they win over the
    package and the provisional calendar for their year.
    ``on_warning`` is called with each new warning as it is recorded (a CLI shows it).
    """

    def __init__(
        self,
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
        *,
        schedules: Iterable[YearSchedule] = (),
        on_warning: Callable[[str], None] | None = None,
    ) -> None:
        self._holidays = frozenset(_as_date(d, "节假日设置") for d in holidays)
        self._workdays = frozenset(_as_date(d, "调休工作日设置") for d in workdays)
        _clash(self._holidays, self._workdays)
        self._schedules: dict[int, YearSchedule] = {}
        for s in schedules:
            if s.year in self._schedules:
                raise CalendarError(f"{s.year} 年的节假日安排重复")
            self._schedules[s.year] = s
        self._on_warning = on_warning
        self._sources: dict[int, str] = {}
        self.warnings: list[str] = []
        self.provisional_years: set[int] = set()  # years the provisional calendar answered for
        self._warned_years: set[int] = set()

    def _warn(self, year: int, text: str) -> None:
        if year in self._warned_years:
            return
        self._warned_years.add(year)
        self.warnings.append(text)
        if self._on_warning is not None:
            self._on_warning(text)

    def source(self, year: int) -> str:
        """Where the working days of ``year`` come from: ``FILE``, ``PACKAGE``, ``PROVISIONAL``
        or ``WEEKENDS`` (see the module's docstring). A later year without data is an error."""
        if year in self._sources:
            return self._sources[year]
        if year in self._schedules:
            found = FILE
        else:
            try:
                chinese_calendar.is_workday(date(year, 1, 1))
                found = PACKAGE
            except NotImplementedError:
                if statutory.covers(year):
                    found = PROVISIONAL
                elif year < statutory.LAW_SINCE:
                    found = WEEKENDS
                else:
                    raise CalendarError(
                        f"{year} 年超出可推算范围：尚无该年的节假日安排，"
                        f"暂定节假日只推算到 {statutory.LAST_YEAR} 年"
                    ) from None
        self._sources[year] = found
        return found

    def _official_workday(self, day: date) -> bool:
        source = self.source(day.year)
        if source == FILE:
            return self._schedules[day.year].is_workday(day)
        if source == PACKAGE:
            return bool(chinese_calendar.is_workday(day))
        if source == PROVISIONAL:
            self.provisional_years.add(day.year)
            self._warn(
                day.year,
                f"{day.year} 年的国务院节假日安排尚未收录：暂按法定节假日推算工作日"
                "（元旦、春节除夕至初三、清明、劳动节、端午、中秋、国庆），调休上班日未知，"
                "由此算出的日期均为暂定，节假日安排以国务院公布为准"
                f"（公布后写入工作区的 calendar/{day.year}.toml，再运行 xsk calendar recheck）",
            )
            return day.weekday() < 5 and day not in statutory.holidays(day.year)
        self._warn(
            day.year,
            f"{day.year} 年的法定节假日安排尚未收录，按周末计算工作日"
            "（可在工作区设置中补充该年的节假日和调休工作日）",
        )
        return day.weekday() < 5

    def provisional_between(self, a: date, b: date) -> bool:
        """Whether a date counted from ``a`` to ``b`` (either order) may rest on the provisional
        calendar: some year from ``a`` to ``b`` has neither official data nor a schedule."""
        a = _as_date(a, "起始日期")
        b = _as_date(b, "结束日期")
        lo, hi = min(a.year, b.year), max(a.year, b.year)
        return any(self.source(y) == PROVISIONAL for y in range(lo, hi + 1))

    def statutory_name(self, day: date) -> str:
        """The statutory holiday ``day`` is in a provisional year (``""`` otherwise, and for
        days the workspace overrides)."""
        day = _as_date(day, "日期")
        if day in self._holidays or day in self._workdays:
            return ""
        if self.source(day.year) != PROVISIONAL:
            return ""
        return statutory.holidays(day.year).get(day, "")

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
