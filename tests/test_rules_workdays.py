"""Tests for xsk.rules.workdays: official schedule, make-up days, overrides, missing years, and
the provisional calendar (xsk.rules.statutory) for years the package does not know yet."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xsk.rules import RuleError, statutory
from xsk.rules.workdays import (
    FILE,
    PACKAGE,
    PROVISIONAL,
    WEEKENDS,
    Calendar,
    CalendarError,
    YearSchedule,
)

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


def test_past_year_without_data_falls_back_to_weekends_and_warns_once() -> None:
    year = NO_DATA_PAST
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
    assert cal.source(year) == WEEKENDS
    assert not cal.provisional_between(D(year, 1, 1), D(year, 2, 1))


def test_future_year_without_data_is_provisional_and_warns_once() -> None:
    year = NO_DATA_FUTURE
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(year, 1, 6))  # the premise of this test
    cal = Calendar()
    assert cal.is_workday(D(year, 1, 1)) is False  # 元旦, a Tuesday
    assert cal.is_workday(D(year, 1, 2)) is True
    cal.add_workdays(D(year, 3, 1), 40)
    cal.publicity_end(D(year, 6, 1), 5)
    assert len(cal.warnings) == 1
    warning = cal.warnings[0]
    assert warning.startswith(f"{year} 年的国务院节假日安排尚未收录")
    assert "调休上班日未知" in warning and "以国务院公布为准" in warning
    assert f"calendar/{year}.toml" in warning and "xsk calendar recheck" in warning
    assert cal.source(year) == PROVISIONAL and cal.provisional_years == {year}


def test_warnings_are_per_year_and_per_instance() -> None:
    cal = Calendar()
    cal.is_workday(D(2026, 5, 1))
    assert cal.warnings == []
    # from the last days of 2026 into 2030 across three years without data
    cal.add_workdays(D(2026, 12, 25), 260 * 3)
    years = [w[:4] for w in cal.warnings]
    assert years == ["2027", "2028", "2029", "2030"][: len(years)]
    assert len(years) >= 3
    other = Calendar()
    assert other.warnings == []
    other.is_workday(D(NO_DATA_FUTURE, 1, 1))
    other.is_workday(D(NO_DATA_FUTURE, 12, 31))
    assert len(other.warnings) == 1


def test_on_warning_is_called_once_per_new_warning() -> None:
    seen: list[str] = []
    cal = Calendar(on_warning=seen.append)
    cal.add_workdays(D(2026, 12, 20), 30)
    cal.add_workdays(D(2027, 3, 1), 5)
    assert seen == cal.warnings and len(seen) == 1 and seen[0].startswith("2027 ")


def test_overrides_apply_in_a_year_without_data() -> None:
    cal = Calendar(holidays=[D(NO_DATA_FUTURE, 1, 2)], workdays=[D(NO_DATA_FUTURE, 1, 5)])
    assert cal.is_workday(D(NO_DATA_FUTURE, 1, 2)) is False  # a Wednesday
    assert cal.is_workday(D(NO_DATA_FUTURE, 1, 5)) is True  # a Saturday
    assert cal.warnings == []  # only override dates were asked about
    # 01-01 is 元旦, 01-02 the local holiday: 01-03, 01-04, 01-05 (Sat), 01-07, 01-08
    assert cal.publicity_end(D(NO_DATA_FUTURE, 1, 1), 5) == D(NO_DATA_FUTURE, 1, 8)
    assert len(cal.warnings) == 1


# --------------------------------------------------------------------------- provisional 2027

STATUTORY_2027 = {
    D(2027, 1, 1): "元旦",
    D(2027, 2, 5): "春节",  # 除夕
    D(2027, 2, 6): "春节",  # 正月初一
    D(2027, 2, 7): "春节",
    D(2027, 2, 8): "春节",  # 初三
    D(2027, 4, 5): "清明节",
    D(2027, 5, 1): "劳动节",
    D(2027, 5, 2): "劳动节",
    D(2027, 6, 9): "端午节",  # 五月初五
    D(2027, 9, 15): "中秋节",  # 八月十五
    D(2027, 10, 1): "国庆节",
    D(2027, 10, 2): "国庆节",
    D(2027, 10, 3): "国庆节",
}


def test_statutory_holidays_2027() -> None:
    assert dict(statutory.holidays(2027)) == STATUTORY_2027


def test_statutory_holidays_are_13_days_a_year_unless_two_coincide() -> None:
    for year in range(statutory.LAW_SINCE, statutory.LAST_YEAR + 1):
        days = statutory.holidays(year)
        shared = [d for d, name in days.items() if "、" in name]
        assert len(days) + len(shared) == 13, year
        assert all(d.year == year for d in days)
    assert statutory.holidays(2031)[D(2031, 10, 1)] == "中秋节、国庆节"


@pytest.mark.parametrize("year", [2020, 2021, 2022, 2023, 2024, 2025, 2026])
def test_festival_dates_match_the_official_schedules(year: int) -> None:
    """Lunar dates and the solar term 清明, checked against the package's holiday names for
    the years it has. 除夕 and 05-02 are holidays only since 2025."""
    names = {
        "元旦": chinese_calendar.Holiday.new_years_day,
        "春节": chinese_calendar.Holiday.spring_festival,
        "清明节": chinese_calendar.Holiday.tomb_sweeping_day,
        "劳动节": chinese_calendar.Holiday.labour_day,
        "端午节": chinese_calendar.Holiday.dragon_boat_festival,
        "中秋节": chinese_calendar.Holiday.mid_autumn_festival,
        "国庆节": chinese_calendar.Holiday.national_day,
    }
    days = statutory.festival_days(year)
    assert len(days) == 13
    for i, (day, festival) in enumerate(days):
        if year < statutory.LAW_SINCE and (i == 1 or day == D(year, 5, 2)):
            continue  # 除夕 (the first 春节 entry) and 05-02 were not yet statutory
        is_holiday, name = chinese_calendar.get_holiday_detail(day)
        allowed = {names[festival].value}
        if day.month == 10 and day.day <= 3:  # 中秋 on a National Day holiday
            allowed |= {names["国庆节"].value, names["中秋节"].value}
        assert is_holiday and name in allowed, (day, festival, name)


def test_statutory_range() -> None:
    assert statutory.covers(2025) and statutory.covers(2100)
    assert not statutory.covers(2024) and not statutory.covers(2101)
    with pytest.raises(statutory.OutOfRangeError, match="2101"):
        statutory.holidays(2101)
    assert isinstance(statutory.OutOfRangeError("x"), RuleError)


def test_spring_festival_2027_is_provisionally_off() -> None:
    cal = Calendar()
    # Wed 02-03 + 5: Thu 02-04, then 除夕 (Fri) to 初三 (Mon) are off: 02-09 .. 02-12
    assert cal.add_workdays(D(2027, 2, 3), 5) == D(2027, 2, 12)
    assert cal.is_workday(D(2027, 2, 5)) is False
    assert cal.is_workday(D(2027, 2, 8)) is False
    assert cal.is_workday(D(2027, 2, 9)) is True
    assert cal.publicity_end(D(2027, 2, 3), 5) == D(2027, 2, 11)
    assert cal.statutory_name(D(2027, 2, 5)) == "春节"
    assert cal.statutory_name(D(2027, 2, 9)) == ""
    assert cal.statutory_name(D(2026, 2, 17)) == ""  # official years are not "statutory"
    # into 2027 from 2026: New Year's Day 2027 (a Friday) is off
    assert Calendar().add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_provisional_calendar_keeps_weekends_and_no_make_up_days() -> None:
    cal = Calendar()
    day = D(2027, 1, 1)
    while day.year == 2027:
        expected = day.weekday() < 5 and day not in STATUTORY_2027
        assert cal.is_workday(day) is expected, day
        day += timedelta(days=1)


def test_provisional_between() -> None:
    cal = Calendar()
    assert cal.provisional_between(D(2026, 12, 28), D(2027, 1, 5))
    assert cal.provisional_between(D(2027, 1, 5), D(2026, 12, 28))
    assert not cal.provisional_between(D(2026, 3, 2), D(2026, 12, 31))
    assert cal.provisional_years == set()  # asking does not count as using
    with_file = Calendar(schedules=[YearSchedule(2027, frozenset({D(2027, 2, 9)}))])
    assert not with_file.provisional_between(D(2026, 12, 28), D(2027, 3, 5))
    assert with_file.provisional_between(D(2026, 12, 28), D(2028, 1, 5))


def test_year_schedule_wins_over_the_provisional_calendar() -> None:
    schedule = YearSchedule(
        2027,
        holidays=frozenset(D(2027, 2, d) for d in range(5, 13)),  # 除夕 .. 初七, Fri .. Fri
        workdays=frozenset({D(2027, 2, 20)}),  # a make-up Saturday
        origin="calendar/2027.toml",
    )
    cal = Calendar(schedules=[schedule])
    assert cal.source(2027) == FILE
    assert cal.add_workdays(D(2027, 2, 3), 5) == D(2027, 2, 18)  # 02-04, 02-15 .. 02-18
    assert cal.is_workday(D(2027, 2, 20)) is True
    assert cal.is_workday(D(2027, 1, 1)) is True  # the file says nothing of 元旦: it is the file
    assert cal.warnings == [] and cal.provisional_years == set()


def test_year_schedule_wins_over_the_package_and_overrides_win_over_both() -> None:
    schedule = YearSchedule(2026, holidays=frozenset({D(2026, 3, 4)}))
    cal = Calendar(workdays=[D(2026, 3, 4)], schedules=[schedule])
    assert cal.source(2026) == FILE
    assert cal.is_workday(D(2026, 3, 4)) is True  # the single-date override
    assert cal.is_workday(D(2026, 2, 17)) is True  # the file replaces the package's year
    assert Calendar(schedules=[schedule]).is_workday(D(2026, 3, 4)) is False


@pytest.mark.parametrize(
    "make",
    [
        lambda: YearSchedule(2027, holidays=frozenset({D(2026, 12, 31)})),
        lambda: YearSchedule(2027, frozenset({D(2027, 2, 5)}), frozenset({D(2027, 2, 5)})),
        lambda: Calendar(schedules=[YearSchedule(2027), YearSchedule(2027)]),
    ],
)
def test_bad_year_schedules(make) -> None:
    with pytest.raises(CalendarError):
        make()


def test_package_data_wins_as_soon_as_it_has_the_year(monkeypatch) -> None:
    """A newer chinese-calendar with 2027 needs no code change: the year is found per year."""
    real = chinese_calendar.is_workday
    official_2027 = {D(2027, 2, d) for d in range(5, 13)}  # an imagined 2027 schedule

    def newer(day: date) -> bool:
        if day.year == 2027:
            return day.weekday() < 5 and day not in official_2027
        return real(day)

    monkeypatch.setattr(chinese_calendar, "is_workday", newer)
    cal = Calendar()
    assert cal.source(2027) == PACKAGE and cal.source(2028) == PROVISIONAL
    assert cal.add_workdays(D(2027, 2, 3), 5) == D(2027, 2, 18)
    assert cal.warnings == [] and not cal.provisional_between(D(2027, 1, 1), D(2027, 12, 31))
    assert cal.source(2026) == PACKAGE


@pytest.mark.parametrize(
    "call",
    [
        lambda: Calendar().is_workday(D(2101, 1, 3)),
        lambda: Calendar().add_workdays(D(2100, 12, 28), 5),
        lambda: Calendar().publicity_end(D(2150, 6, 1), 5),
        lambda: Calendar().add_workdays(D(9999, 12, 31), 5),
        lambda: Calendar().add_workdays(D(9999, 12, 20), 5),
    ],
)
def test_years_beyond_the_provisional_range_are_calendar_errors(call) -> None:
    with pytest.raises(CalendarError, match="超出"):
        call()


def test_a_year_file_makes_a_later_year_computable() -> None:
    cal = Calendar(schedules=[YearSchedule(2101)])
    assert cal.add_workdays(D(2101, 1, 3), 1) == D(2101, 1, 4)


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


provisional_dates = st.dates(D(2027, 1, 1), D(2100, 10, 31))


@settings(max_examples=100, deadline=None)
@given(provisional_dates, st.integers(-40, 40))
def test_add_and_between_are_inverse_in_provisional_years(start: date, n: int) -> None:
    cal = Calendar()
    end = cal.add_workdays(start, n)
    assert cal.workdays_between(start, end) == n
    if n:
        assert cal.is_workday(end) and end not in statutory.holidays(end.year)
        assert cal.provisional_between(start, end)
