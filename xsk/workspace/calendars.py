"""The workspace's working-day calendar: its overrides, its year files, and the marks on dates
that rest on the provisional calendar.

Where a workspace says which days are worked::

    xsk.toml  [calendar] holidays / workdays   single dates: a local holiday, a make-up day
    calendar/2027.toml                         the State Council's schedule for a whole year
                                               (e.g. shared by the street office):
        holidays = [2027-02-05, 2027-02-06, ...]   # 放假的日期
        workdays = [2027-02-20]                    # 调休上班的周六、周日
        source = "国办发明电〔2026〕X号"            # optional: where it was published

A year file is the official schedule of its year: it wins over the holiday package and over the
provisional calendar (``xsk.rules.workdays``); the single dates in xsk.toml win over both.
Warnings (a year computed provisionally) go to :mod:`xsk.notices`, shown once per run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from xsk.core import notices
from xsk.core.errors import DataError, Problem
from xsk.core.model import Reader
from xsk.rules.workdays import Calendar, CalendarError, YearSchedule
from xsk.store import tomlio

CALENDAR_DIR = "calendar"
NOTE = "（节假日安排以国务院公布为准）"
KEYS = ("holidays", "workdays", "source")
_YEAR_FILE = re.compile(r"(\d{4})\.toml")


def year_files(root: Path) -> list[Path]:
    folder = root / CALENDAR_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".toml" and p.is_file())


def _dates(r: Reader, data: Mapping[str, Any], key: str, year: int) -> frozenset[dt.date]:
    values = data.get(key, [])
    if not isinstance(values, list):
        r.problem((key,), "E802", "应为日期列表，如 [2027-02-05, 2027-02-06]")
        return frozenset()
    out = set()
    for i, v in enumerate(values):
        if not isinstance(v, dt.date) or isinstance(v, dt.datetime):
            r.problem((key, i), "E802", f"应为日期（如 {year}-02-05），实际为 {v!r}")
        elif v.year != year:
            r.problem((key, i), "E803", f"{v.isoformat()} 不在 {year} 年内")
        else:
            out.add(v)
    return frozenset(out)


def read_schedule(path: Path, root: Path) -> tuple[YearSchedule | None, list[Problem]]:
    """One ``calendar/<year>.toml``; problems are returned, not raised."""
    shown = tomlio.display_path(path, root)
    m = _YEAR_FILE.fullmatch(path.name)
    if not m:
        return None, [Problem(shown, 0, "E801", "文件名应为年份，如 calendar/2027.toml")]
    year = int(m.group(1))
    try:
        data, text = tomlio.read(path, root)
    except DataError as exc:
        return None, [exc.problem]
    r = Reader(shown, text)
    for key in data:
        if key not in KEYS:
            r.problem((key,), "E804", f"未知的字段“{key}”（可用：{'、'.join(KEYS)}）")
    if "holidays" not in data:
        r.problem(("holidays",), "E101", "缺少必填字段“holidays”（该年放假的日期）")
    holidays = _dates(r, data, "holidays", year)
    workdays = _dates(r, data, "workdays", year)
    source = data.get("source", "")
    if not isinstance(source, str):
        r.problem(("source",), "E102", "应为文本")
    for day in sorted(holidays & workdays):
        i = data["workdays"].index(day)
        r.problem(("workdays", i), "E805", f"{day.isoformat()} 同时出现在 holidays 和 workdays 中")
    if r.problems:
        return None, r.problems
    return YearSchedule(year, holidays, workdays, origin=shown), []


def check(root: Path) -> list[Problem]:
    """Every problem of the workspace's year files (for ``xsk check``)."""
    return [p for path in year_files(root) for p in read_schedule(path, root)[1]]


def load_schedules(root: Path) -> list[YearSchedule]:
    out = []
    for path in year_files(root):
        schedule, problems = read_schedule(path, root)
        if problems:
            raise DataError(problems[0], hint="修正后运行 xsk check")
        assert schedule is not None
        out.append(schedule)
    return out


def for_workspace(ws: Any) -> Calendar:
    """The calendar of workspace ``ws``: its overrides and year files; warnings to notices."""
    try:
        return Calendar(
            ws.settings.calendar_holidays,
            ws.settings.calendar_workdays,
            schedules=load_schedules(ws.root),
            on_warning=notices.add,
        )
    except CalendarError as exc:  # the same date as holiday and workday in xsk.toml
        raise DataError(Problem("xsk.toml", 0, "E806", f"[calendar]：{exc}")) from None


def standalone() -> Calendar:
    """The calendar outside any workspace: the package and the provisional calendar."""
    return Calendar(on_warning=notices.add)


def year_source(cal: Any, year: int) -> str:
    """Where ``cal`` takes ``year``'s working days from (``xsk.rules.workdays.PROVISIONAL``
    for the provisional calendar); a year beyond any calendar counts as provisional."""
    from xsk.rules.workdays import PROVISIONAL

    try:
        return str(cal.source(year))
    except CalendarError:
        return PROVISIONAL


def provisional_years(cal: Any, items: Iterable[Mapping[str, Any]]) -> frozenset[int]:
    """The years of the index's outcome items counted in working days (``days`` and
    ``counted_from`` set) that rest on the provisional calendar."""
    from xsk.rules.workdays import PROVISIONAL

    years: set[int] = set()
    for it in items:
        start, end = it.get("counted_from"), it.get("deadline")
        if it.get("days") is None or not start or not end:
            continue
        years.update(range(int(start[:4]), int(end[:4]) + 1))
    return frozenset(y for y in years if year_source(cal, y) == PROVISIONAL)


def item_provisional(years: frozenset[int], it: Mapping[str, Any]) -> bool:
    """Whether an index outcome item's deadline was counted on the provisional calendar."""
    start, end = it.get("counted_from"), it.get("deadline")
    if it.get("days") is None or not start or not end or not years:
        return False
    return any(y in years for y in range(int(start[:4]), int(end[:4]) + 1))


def note(cal: Any, start: dt.date | None, end: dt.date | None) -> str:
    """:data:`NOTE` when a date counted from ``start`` to ``end`` is provisional, else ``""``."""
    provisional = getattr(cal, "provisional_between", None)  # a stand-in calendar has none
    if provisional is None or not isinstance(start, dt.date) or not isinstance(end, dt.date):
        return ""
    try:
        return NOTE if provisional(start, end) else ""
    except CalendarError:
        return NOTE  # beyond what can be computed: certainly not official


def outcome_note(cal: Any, item: Any) -> str:
    """:data:`NOTE` for an outcome item whose deadline was counted in working days on the
    provisional calendar (an explicit date typed by people is never provisional)."""
    start = getattr(item, "counted_from", None)
    if start is None or getattr(item, "days", None) is None:
        return ""
    return note(cal, start, item.deadline)


DOC_NOTICE = "文书中按暂定节假日推算的日期已注明“（节假日安排以国务院公布为准）”"


def doc_note(
    cal: Any,
    *,
    publicity: Mapping[str, Any] | None = None,
    items: Iterable[Any] = (),
    spans: Iterable[tuple[dt.date | None, dt.date | None]] = (),
) -> str:
    """:data:`NOTE` for a document that prints a date resting on the provisional calendar: a
    publicity period (``{start, end}``), outcome items counted in working days, or other dates
    counted from ``start`` to ``end``; ``""`` otherwise. The run is told once."""
    pairs = list(spans)
    if isinstance(publicity, Mapping):
        pairs.append((publicity.get("start"), publicity.get("end")))
    found = any(note(cal, a, b) for a, b in pairs) or any(outcome_note(cal, o) for o in items)
    if found:
        notices.add(DOC_NOTICE)
    return NOTE if found else ""
