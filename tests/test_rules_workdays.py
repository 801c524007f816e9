"""Tests for xsk.rules.workdays: official schedule, make-up days, overrides, missing years."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xsk.rules import RuleError
from xsk.rules.workdays import Calendar, CalendarError

D = date
CAL = Calendar()

# Years the package will never have data for (it starts in 2004) and one it does not have yet.
NO_DATA_PAST = 2003
NO_DATA_FUTURE = 2030


# --------------------------------------------------------------------------- is_workday

SCHEDULE_2026 = [
    # Spring Festival: holidays 2026-02-15..23, make-up working Saturdays 02-14 and 02-28
    (D(2026, 2, 13), True),  # Fri
    (D(2026, 2, 14), True),  # Sat, make-up day
    (D(2026, 2, 15), False),
    (D(2026, 2, 16), False),  # Mon
    (D(2026, 2, 17), False),
    (D(2026, 2, 18), False),
    (D(2026, 2, 19), False),
    (D(2026, 2, 20), False),  # Fri
    (D(2026, 2, 21), False),
    (D(2026, 2, 22), False),
    (D(2026, 2, 23), False),  # Mon
    (D(2026, 2, 24), True),  # Tue
    (D(2026, 2, 28), True),  # Sat, make-up day
    (D(2026, 3, 1), False),  # Sun
    # National Day: holidays 10-01..07, make-up days Sun 09-20 and Sat 10-10
    (D(2026, 9, 19), False),  # Sat
    (D(2026, 9, 20), True),  # Sun, make-up day
    (D(2026, 9, 30), True),
    (D(2026, 10, 1), False),
    (D(2026, 10, 2), False),
    (D(2026, 10, 5), False),  # Mon
    (D(2026, 10, 6), False),
    (D(2026, 10, 7), False),  # Wed
    (D(2026, 10, 8), True),  # Thu
    (D(2026, 10, 9), True),
    (D(2026, 10, 10), True),  # Sat, make-up day
    (D(2026, 10, 11), False),  # Sun
    # an ordinary week
    (D(2026, 3, 6), True),  # Fri
    (D(2026, 3, 7), False),  # Sat
    (D(2026, 3, 8), False),  # Sun
]


@pytest.mark.parametrize(("day", "workday"), SCHEDULE_2026)
def test_is_workday_2026(day: date, workday: bool) -> None:
    assert CAL.is_workday(day) is workday
    # the table above is checked against the package, not just trusted
    assert chinese_calendar.is_workday(day) is workday


def test_calendar_agrees_with_package_for_all_of_2026() -> None:
    cal = Calendar()
    day = D(2026, 1, 1)
    while day.year == 2026:
        assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
    assert cal.warnings == []


def test_datetime_is_accepted_as_its_date() -> None:
    assert CAL.is_workday(datetime(2026, 2, 14, 9, 30)) is True


# --------------------------------------------------------------------------- add_workdays


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 3, 2), 0, D(2026, 3, 2)),
        (D(2026, 2, 16), 0, D(2026, 2, 16)),  # n=0 returns start even on a holiday
        (D(2026, 3, 2), 1, D(2026, 3, 3)),
        (D(2026, 3, 6), 1, D(2026, 3, 9)),  # Fri -> Mon
        (D(2026, 3, 7), 1, D(2026, 3, 9)),  # Sat -> Mon
        (D(2026, 3, 2), 5, D(2026, 3, 9)),
        # Spring Festival
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # make-up Saturday
        (D(2026, 2, 14), 1, D(2026, 2, 24)),  # over the whole holiday
        (D(2026, 2, 12), 3, D(2026, 2, 24)),
        (D(2026, 2, 16), 1, D(2026, 2, 24)),  # from inside the holiday
        (D(2026, 2, 24), 4, D(2026, 2, 28)),  # Tue + 4 = make-up Saturday
        (D(2026, 2, 24), 5, D(2026, 3, 2)),
        (D(2026, 2, 24), -1, D(2026, 2, 14)),
        (D(2026, 2, 24), -2, D(2026, 2, 13)),
        (D(2026, 2, 20), -1, D(2026, 2, 14)),
        # National Day
        (D(2026, 9, 18), 1, D(2026, 9, 20)),  # Fri -> make-up Sunday
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 10, 9), 1, D(2026, 10, 10)),
        (D(2026, 10, 10), 1, D(2026, 10, 12)),
        (D(2026, 9, 28), 10, D(2026, 10, 16)),  # 29, 30, Oct 8, 9, 10, 12..16
        (D(2026, 10, 8), -1, D(2026, 9, 30)),
        (D(2026, 12, 30), 1, D(2026, 12, 31)),
    ],
)
def test_add_workdays(start: date, n: int, expected: date) -> None:
    assert CAL.add_workdays(start, n) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (D(2026, 3, 2), D(2026, 3, 2), 0),
        (D(2026, 3, 2), D(2026, 3, 6), 4),  # (Mon, Fri]
        (D(2026, 3, 1), D(2026, 3, 8), 5),
        (D(2026, 2, 13), D(2026, 2, 24), 2),  # 02-14 (make-up) and 02-24
        (D(2026, 2, 14), D(2026, 2, 23), 0),
        (D(2026, 2, 24), D(2026, 2, 13), -2),  # backwards: [02-13, 02-24) has 02-13, 02-14
        (D(2026, 9, 30), D(2026, 10, 8), 1),
        (D(2026, 9, 30), D(2026, 10, 12), 4),  # 10-08, 10-09, 10-10, 10-12
    ],
)
def test_workdays_between(a: date, b: date, expected: int) -> None:
    assert CAL.workdays_between(a, b) == expected


# --------------------------------------------------------------------------- publicity_end


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2026, 3, 2), 5, D(2026, 3, 6)),  # posted Monday, 5 working days: ends Friday
        (D(2026, 3, 2), 1, D(2026, 3, 2)),  # one day: the day it is posted
        (D(2026, 3, 6), 2, D(2026, 3, 9)),  # Friday + Monday
        (D(2026, 3, 7), 5, D(2026, 3, 13)),  # posted Saturday: day 1 is Monday
        (D(2026, 3, 2), 7, D(2026, 3, 10)),
        # Spring Festival: 02-12, 02-13, 02-14 (make-up), 02-24, 02-25
        (D(2026, 2, 12), 5, D(2026, 2, 25)),
        (D(2026, 2, 14), 1, D(2026, 2, 14)),  # make-up Saturday counts
        (D(2026, 2, 15), 5, D(2026, 2, 28)),  # posted during the holiday
        # National Day: 09-28, 09-29, 09-30, 10-08, 10-09, 10-10 (make-up), 10-12
        (D(2026, 9, 28), 5, D(2026, 10, 9)),
        (D(2026, 9, 28), 7, D(2026, 10, 12)),
        (D(2026, 10, 1), 3, D(2026, 10, 10)),
    ],
)
def test_publicity_end(start: date, days: int, expected: date) -> None:
    assert CAL.publicity_end(start, days) == expected


@pytest.mark.parametrize("days", [0, -3])
def test_publicity_needs_at_least_one_day(days: int) -> None:
    with pytest.raises(CalendarError, match="至少为 1 个工作日"):
        CAL.publicity_end(D(2026, 3, 2), days)


# --------------------------------------------------------------------------- overrides


def test_workspace_overrides_win() -> None:
    cal = Calendar(
        holidays=[D(2026, 3, 4)],  # a local holiday on a Wednesday
        workdays=[D(2026, 3, 7), D(2026, 10, 5)],  # a working Saturday; a National Day Monday
    )
    assert cal.is_workday(D(2026, 3, 4)) is False
    assert cal.is_workday(D(2026, 3, 7)) is True
    assert cal.is_workday(D(2026, 10, 5)) is True
    assert cal.is_workday(D(2026, 3, 5)) is True  # untouched days follow the package
    assert cal.publicity_end(D(2026, 3, 2), 5) == D(2026, 3, 7)  # 2, 3, 5, 6, 7
    assert cal.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 5)
    assert cal.workdays_between(D(2026, 3, 1), D(2026, 3, 8)) == 5


def test_override_holiday_beats_make_up_day() -> None:
    cal = Calendar(holidays=[D(2026, 2, 14)])
    assert cal.is_workday(D(2026, 2, 14)) is False
    assert cal.add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 24)


def test_same_date_in_both_overrides_is_an_error() -> None:
    with pytest.raises(CalendarError, match="2026-03-04") as info:
        Calendar(holidays=[D(2026, 3, 4)], workdays=[D(2026, 3, 4)])
    assert isinstance(info.value, RuleError) and isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "call",
    [
        lambda: Calendar(holidays=["2026-03-04"]),
        lambda: CAL.is_workday("2026-03-04"),
        lambda: CAL.add_workdays(D(2026, 3, 4), 1.0),
        lambda: CAL.add_workdays(D(2026, 3, 4), True),
        lambda: CAL.workdays_between(D(2026, 3, 4), None),
    ],
)
def test_bad_input(call) -> None:
    with pytest.raises(CalendarError):
        call()


def test_date_overflow_is_a_calendar_error() -> None:
    cal = Calendar(workdays=[date.max - timedelta(days=i) for i in range(3)])
    with pytest.raises(CalendarError, match="超出"):
        cal.add_workdays(date.max - timedelta(days=2), 5)


# --------------------------------------------------------------------------- years without data


@pytest.mark.parametrize("year", [NO_DATA_PAST, NO_DATA_FUTURE])
def test_year_without_data_falls_back_to_weekends_and_warns_once(year: int) -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(year, 1, 6))  # the premise of this test
    cal = Calendar()
    jan = [D(year, 1, d) for d in range(1, 32)]
    assert [cal.is_workday(d) for d in jan] == [d.weekday() < 5 for d in jan]
    cal.add_workdays(D(year, 3, 1), 40)
    cal.publicity_end(D(year, 6, 1), 5)
    assert cal.warnings == [
        f"{year} 年的法定节假日安排尚未收录，按周末计算工作日"
        "（可在工作区设置中补充该年的节假日和调休工作日）"
    ]


def test_warnings_are_per_year_and_per_instance() -> None:
    cal = Calendar()
    cal.is_workday(D(2026, 5, 1))
    assert cal.warnings == []
    # from the last days of 2026 into 2030 across three years without data
    cal.add_workdays(D(2026, 12, 25), 260 * 3)
    years = [w[:4] for w in cal.warnings]
    assert years == ["2027", "2028", "2029", "2030"][: len(years)]
    assert len(years) >= 3
    # into a year without data: weekends only, so New Year's Day 2027 (a Friday) counts
    assert Calendar().add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 1)
    other = Calendar()
    assert other.warnings == []
    other.is_workday(D(NO_DATA_FUTURE, 1, 1))
    other.is_workday(D(NO_DATA_FUTURE, 12, 31))
    assert len(other.warnings) == 1


def test_overrides_apply_in_a_year_without_data() -> None:
    cal = Calendar(holidays=[D(NO_DATA_FUTURE, 1, 1)], workdays=[D(NO_DATA_FUTURE, 1, 5)])
    assert cal.is_workday(D(NO_DATA_FUTURE, 1, 1)) is False  # a Tuesday
    assert cal.is_workday(D(NO_DATA_FUTURE, 1, 5)) is True  # a Saturday
    assert cal.warnings == []  # only override dates were asked about
    assert cal.publicity_end(D(NO_DATA_FUTURE, 1, 1), 5) == D(NO_DATA_FUTURE, 1, 7)
    assert len(cal.warnings) == 1


# --------------------------------------------------------------------------- properties

dates = st.dates(D(2025, 1, 1), D(2026, 12, 31))


@settings(max_examples=100, deadline=None)
@given(dates, st.integers(-40, 40))
def test_add_and_between_are_inverse(start: date, n: int) -> None:
    end = CAL.add_workdays(start, n)
    assert CAL.workdays_between(start, end) == n
    if n:
        assert CAL.is_workday(end)
        assert (end > start) is (n > 0)


@settings(max_examples=100, deadline=None)
@given(dates, st.integers(1, 30))
def test_publicity_period_has_exactly_the_working_days(start: date, days: int) -> None:
    end = CAL.publicity_end(start, days)
    assert CAL.is_workday(end)
    # working days in [start, end] == days
    assert CAL.workdays_between(start - timedelta(days=1), end) == days
