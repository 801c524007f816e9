"""The figures people report, computed exactly from the index records.

What each figure means, in Chinese, is :data:`xsk.reports.definitions.DEFINITIONS` (printed
in ``xsk report --help`` and in the report's 说明 section). In detail:

* Withdrawn cases (result ``withdrawn``) and duplicates merged into another case (result
  ``merged``) are counted in ``withdrawn`` and ``merged`` only: they are not in ``cases`` nor
  in any other figure or rate.
* ``meetings`` counts meetings *held*: their time is on or before today and at least one
  attendee is marked 出席 or 列席. ``direct``: cases that reached implementation (they have
  outcome items) without a vote. ``on_time_rate``: items done by their deadline / items with
  a deadline.

* A case is in the period by its ``created`` date; a meeting by the date of its ``time``.
  Without ``--from``/``--to`` everything counts.
* ``cases``: cases in the period. ``closed``: those of them whose status is closed (for any
  result: resolved, explained and closed as out of scope, ...). ``closed_with_reason``: those
  closed with items still open or a resident not satisfied, on a reason the facilitator gave
  (result ``closed_with_reason``; counted in ``closed`` and shown on their own).
* ``resolved_rate``: closed / cases × 100, computed with fractions and rounded half up to two
  decimals (``xsk.rules.votes.percent``); a number such as ``98.13``, ``null`` without cases.
* ``meetings``: meetings held in the period (see above). ``participants`` (人次): attendees
  marked 出席 or 列席, summed over those meetings.
* ``escalated``: cases with an escalation event or a history entry with action "escalate"
  (transferred or escalated to a higher level). ``on_site``: closed cases without any
  escalation (resolved at their own level).
* ``voted``: cases whose topic in a meeting file has a ``vote`` table, or whose history has
  action "vote". ``direct``: cases with outcome items that were not voted.
* ``by_category``, ``by_level``, ``by_source`` (the source channel) and ``by_procedure``:
  case counts; each sums to ``cases`` (an empty value counts as 未分类 / 未注明).
* ``by_unit``: per responsible unit, from the outcome items of the cases in the period:
  ``items``, ``done`` (已办结), ``overdue`` (not done, deadline before today), ``on_time``
  (done on or before the deadline), ``on_time_rate`` = on_time / items with a deadline × 100,
  ``ratings`` (下评上 rating events naming the
  unit) and ``average_rating`` (mean score, two decimals).
* ``satisfaction``: follow-up visits (回访) of the cases in the period: ``visits``,
  ``cases_visited``, ``counts`` per 满意/基本满意/不满意 and ``satisfied_rate`` =
  (满意 + 基本满意) / visits × 100.

Rates are exact decimal strings turned into numbers only for output (``float("98.13")``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from xsk.core.cnfmt import cn_date
from xsk.core.model import LEVELS, SATISFACTION, SET_ASIDE
from xsk.rules.votes import percent

KEYS = (
    "cases",
    "closed",
    "closed_with_reason",
    "resolved_rate",
    "withdrawn",
    "merged",
    "meetings",
    "participants",
    "on_site",
    "escalated",
    "voted",
    "direct",
    "on_time_rate",
    "by_category",
    "by_level",
    "by_source",
    "by_procedure",
    "by_unit",
    "satisfaction",
)
NO_CATEGORY = "未分类"
NO_SOURCE = "未注明"
RESULT_LABELS = {
    "resolved": "已办结",
    "out_of_scope": "不予协商",
    "not_feasible": "不具备实施条件",
    "escalated": "提请上级处理",
    "closed": "已办结",
    "closed_with_reason": "说明理由结案",
    "withdrawn": "已撤销",
    "merged": "已合并（重复议题）",
}


@dataclass(frozen=True)
class Period:
    """Inclusive date range; an open end is unbounded."""

    start: dt.date | None = None
    end: dt.date | None = None

    def contains(self, iso: str | None) -> bool:
        """Whether an ISO date (or datetime) string falls in the period."""
        if self.start is None and self.end is None:
            return True
        if not iso:
            return False
        day = iso[:10]
        if self.start is not None and day < self.start.isoformat():
            return False
        return not (self.end is not None and day > self.end.isoformat())

    def label(self) -> str:
        if self.start is None and self.end is None:
            return "全部议题"
        start = cn_date(self.start) if self.start else "建档以来"
        if self.end is None:
            return f"{start}至今"
        return f"{start}至{cn_date(self.end)}"


@dataclass
class Dataset:
    """The records of one workspace (one community)."""

    name: str
    cases: list[dict[str, Any]]
    meetings: list[dict[str, Any]] = field(default_factory=list)
    procedure_names: dict[str, str] = field(default_factory=dict)
    # years whose working days rest on the provisional calendar (ledger marks those deadlines)
    provisional_years: frozenset[int] = frozenset()
    signature: str = ""  # the index's (xsk.casework.index.Index.signature)


def load_dataset(ws: Any, *, ledger: bool = False) -> Dataset:
    """Read one workspace through the index cache (with every field for the ledger)."""
    from xsk.casework import index
    from xsk.procedure import loader

    idx = index.load(ws, level="ledger" if ledger else "report")
    names: dict[str, str] = {}
    for proc_id in {r["procedure"] for r in idx.cases}:
        try:
            names[proc_id] = loader.load(proc_id, ws.root).name
        except Exception:  # an unknown procedure is reported by check
            names[proc_id] = proc_id
    years: frozenset[int] = frozenset()
    if ledger:
        from xsk.workspace import calendars

        items = [it for r in idx.cases for it in r.get("outcomes", ()) if it.get("days")]
        if items:
            years = calendars.provisional_years(calendars.for_workspace(ws), items)
    return Dataset(ws.settings.community, idx.cases, idx.meetings, names, years, idx.signature)


class Rate(float):
    """A rate as a number for output (``82.35``: the exact percentage rounded half up to two
    decimals, what ``--json`` writes) that keeps the exact fraction it came from, so the
    Word report can round it once, exactly, its own way (:func:`office_pct`)."""

    exact: Fraction

    def __new__(cls, value: float | str, exact: Fraction) -> Rate:
        obj = super().__new__(cls, value)
        obj.exact = exact
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (Rate, (float(self), self.exact))


def rate(numerator: int, denominator: int) -> float | None:
    """Exact percentage rounded half up to two decimals, as a number for output; None when
    there is nothing to divide by."""
    if not denominator:
        return None
    return Rate(percent(numerator, denominator), Fraction(numerator * 100, denominator))


def average(total: int, count: int) -> float | None:
    """Exact mean rounded half up to two decimals (percent of total / (count × 100))."""
    return float(percent(total, count * 100)) if count else None


def _sorted_counts(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def voted_cases(meetings: Iterable[Mapping[str, Any]]) -> set[str]:
    return {t["case"] for m in meetings for t in m.get("topics", ()) if t.get("voted")}


def is_escalated(rec: Mapping[str, Any]) -> bool:
    """An escalation event, or a history entry with action "escalate"."""
    return bool(rec["escalated"])


def is_voted(rec: Mapping[str, Any], voted_ids: set[str]) -> bool:
    """A vote table in the case's meeting topic, or a history entry with action "vote"."""
    return bool(rec["vote_action"]) or rec["id"] in voted_ids


def compute(
    datasets: Sequence[Dataset], period: Period | None = None, today: dt.date | None = None
) -> dict[str, Any]:
    """The report figures (keys exactly :data:`KEYS`) for one or more workspaces."""
    period = period or Period()
    today_iso = (today or dt.date.today()).isoformat()
    cases = closed = with_reason = on_site = escalated = voted = direct = 0
    set_aside: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    by_level: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    by_procedure: Counter[str] = Counter()
    units: dict[str, dict[str, int]] = {}
    scores: dict[str, list[int]] = {}
    sat: Counter[str] = Counter()
    cases_visited = 0
    meetings = participants = 0
    for data in datasets:
        voted_ids = voted_cases(data.meetings)
        for rec in data.cases:
            if not period.contains(rec["created"]):
                continue
            if rec["result"] in SET_ASIDE:
                set_aside[rec["result"]] += 1
                continue
            cases += 1
            is_closed = rec["status"] == "closed"
            closed += is_closed
            with_reason += is_closed and rec["result"] == "closed_with_reason"
            esc = rec["escalated"]
            escalated += esc
            on_site += is_closed and not esc
            was_voted = rec["vote_action"] or rec["id"] in voted_ids
            voted += was_voted
            direct += bool(rec["items"]) and not was_voted
            by_category[rec["category"] or NO_CATEGORY] += 1
            by_level[rec["level"]] += 1
            by_source[rec["channel"] or NO_SOURCE] += 1
            by_procedure[rec["procedure"]] += 1
            for unit, status, deadline, done in rec["items"]:
                u = units.get(unit)
                if u is None:
                    u = units[unit] = _unit_counts()
                u["items"] += 1
                u["decided"] += bool(deadline)  # the denominator: items with a deadline
                if status == "已办结":
                    u["done"] += 1
                    u["on_time"] += bool(deadline and done and done <= deadline)
                elif deadline and deadline < today_iso:
                    u["overdue"] += 1
            visits = rec["visits"]
            for _day, satisfaction in visits:
                sat[satisfaction] += 1
            for unit, score in rec["ratings"]:
                scores.setdefault(unit, []).append(score)
            cases_visited += bool(visits)
        for m in data.meetings:
            if not period.contains(m.get("date")):
                continue
            att = m.get("attendance", {})
            present = att.get("出席", 0) + att.get("列席", 0)
            if not m.get("date") or m["date"] > today_iso or not present:
                continue  # not held (yet): in the future, or no attendance recorded
            meetings += 1
            participants += present
    for unit in scores:
        units.setdefault(unit, _unit_counts())
    items_due = sum(u["decided"] for u in units.values())
    items_on_time = sum(u["on_time"] for u in units.values())
    by_unit = {}
    for unit in sorted(units, key=lambda u: (-units[u]["items"], u)):
        u = units[unit]
        s = scores.get(unit, [])
        by_unit[unit] = {
            "items": u["items"],
            "done": u["done"],
            "overdue": u["overdue"],
            "on_time": u["on_time"],
            "on_time_rate": rate(u["on_time"], u["decided"]),
            "ratings": len(s),
            "average_rating": average(sum(s), len(s)),
        }
    visits = sum(sat.values())
    level_order = {lv: i for i, lv in enumerate(LEVELS)}
    return {
        "cases": cases,
        "closed": closed,
        "closed_with_reason": with_reason,
        "resolved_rate": rate(closed, cases),
        "withdrawn": set_aside["withdrawn"],
        "merged": set_aside["merged"],
        "meetings": meetings,
        "participants": participants,
        "on_site": on_site,
        "escalated": escalated,
        "voted": voted,
        "direct": direct,
        "on_time_rate": rate(items_on_time, items_due),
        "by_category": _sorted_counts(by_category),
        "by_level": dict(sorted(by_level.items(), key=lambda kv: level_order.get(kv[0], 99))),
        "by_source": _sorted_counts(by_source),
        "by_procedure": _sorted_counts(by_procedure),
        "by_unit": by_unit,
        "satisfaction": {
            "visits": visits,
            "cases_visited": cases_visited,
            "counts": {s: sat.get(s, 0) for s in SATISFACTION},
            "satisfied_rate": rate(sat.get("满意", 0) + sat.get("基本满意", 0), visits),
        },
    }


def _top_units(
    by_unit: Mapping[str, Mapping[str, Any]], max_rows: int | None
) -> list[tuple[str, Mapping[str, Any]]]:
    units = list(by_unit.items())
    if max_rows is None or len(units) <= max_rows:
        return units
    rest = units[max_rows - 1 :]
    merged: dict[str, Any] = {
        k: sum(u[k] for _, u in rest) for k in ("items", "done", "overdue", "on_time", "ratings")
    }
    merged["on_time_rate"] = merged["average_rating"] = None
    return [*units[: max_rows - 1], (f"其他 {len(rest)} 个单位", merged)]


def _unit_counts() -> dict[str, int]:
    return {"items": 0, "done": 0, "overdue": 0, "on_time": 0, "decided": 0}


# --- presentation ----------------------------------------------------------------------------


def pct(value: float | None) -> str:
    """``98.13`` -> ``"98.13%"``; no value -> ``"—"`` (the screen: as ``--json`` has it)."""
    return "—" if value is None else f"{value:.2f}%"


def office_number(value: float | Fraction | None) -> str:
    """A percentage as an office writes it, without the sign: whole when it is whole at one
    decimal ("100", "75", "0"), else one decimal ("82.4", "66.7"); rounded half up once,
    from the exact fraction when the value carries it (:class:`Rate`); no value -> "—"."""
    if value is None:
        return "—"
    exact = value if isinstance(value, Fraction) else getattr(value, "exact", None)
    if exact is not None:
        shown = Decimal(percent(exact, 100, 1))
    else:
        shown = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{shown:f}".removesuffix(".0")


def office_pct(value: float | Fraction | None) -> str:
    """``office_number`` with its sign: "82.4%", "100%", "—"."""
    text = office_number(value)
    return text if text == "—" else f"{text}%"


def num(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def summary_lines(report: Mapping[str, Any], *, office: bool = False) -> list[str]:
    """The overview paragraph of the report, one sentence per line (``office``: percentages
    as the Word report writes them, :func:`office_pct`)."""
    fmt = office_pct if office else pct
    sat = report["satisfaction"]
    reason = report.get("closed_with_reason", 0)
    lines = [
        f"共受理协商议题{report['cases']}个，已办结{report['closed']}个"
        + (f"（其中说明理由结案{reason}个）" if reason else "")
        + f"，办结率{fmt(report['resolved_rate'])}。",
        f"召开协商会议{report['meetings']}场，参与群众和各方代表{report['participants']}人次。",
        f"在本级解决{report['on_site']}个，转交或提请上级协调{report['escalated']}个；"
        f"提交居民（代表）会议等表决{report['voted']}个，直接组织实施{report['direct']}个。",
    ]
    if report.get("withdrawn") or report.get("merged"):
        lines.append(
            f"另有撤销议题{report.get('withdrawn', 0)}个、并入其他议题的重复议题"
            f"{report.get('merged', 0)}个，不计入以上各项和比率。"
        )
    if report.get("on_time_rate") is not None:
        lines.append(f"有办结时限的事项按时办结率{fmt(report['on_time_rate'])}。")
    if sat["visits"]:
        c = sat["counts"]
        lines.append(
            f"回访{sat['visits']}次（涉及议题{sat['cases_visited']}个），满意{c['满意']}次、"
            f"基本满意{c['基本满意']}次、不满意{c['不满意']}次，"
            f"满意率（含基本满意）{fmt(sat['satisfied_rate'])}。"
        )
    return lines


def tables(
    report: Mapping[str, Any],
    procedure_names: Mapping[str, str] | None = None,
    per_workspace: Sequence[tuple[str, Mapping[str, Any]]] = (),
    *,
    max_rows: int | None = None,
    office: bool = False,
) -> list[dict[str, Any]]:
    """The report's tables as text: ``[{heading, columns, rows}]`` (for screen, .docx).

    With ``max_rows`` (the printed report) a longer count table keeps its largest rows and
    sums the rest into one 其他 row; the complete lists are in the ledger. ``office``:
    percentages as the Word report writes them (:func:`office_pct`).
    """
    fmt = office_pct if office else pct
    total = report["cases"]
    names = procedure_names or {}

    def share(n: int) -> str:
        return fmt(rate(n, total))

    def count_table(heading: str, label: str, counts: Mapping[str, int], rename=None):
        items = [(rename(k) if rename else k, v) for k, v in counts.items()]
        if max_rows is not None and len(items) > max_rows:
            rest = items[max_rows - 1 :]
            items = [*items[: max_rows - 1], (f"其他（{len(rest)} 项）", sum(v for _, v in rest))]
        rows = [[k, str(v), share(v)] for k, v in items]
        return {"heading": heading, "columns": [label, "议题数", "占比"], "rows": rows}

    out = []
    if len(per_workspace) > 1:
        out.append(
            {
                "heading": "各社区情况",
                "columns": ["社区", "议题数", "已办结", "办结率", "协商会议", "参与人次"],
                "rows": [
                    [
                        name,
                        str(r["cases"]),
                        str(r["closed"]),
                        fmt(r["resolved_rate"]),
                        str(r["meetings"]),
                        str(r["participants"]),
                    ]
                    for name, r in per_workspace
                ],
            }
        )
    out += [
        count_table("议题类别", "类别", report["by_category"]),
        count_table("协商层级", "层级", report["by_level"]),
        count_table("议题来源", "来源", report["by_source"]),
        count_table(
            "协商程序",
            "协商程序",
            report["by_procedure"],
            lambda p: names.get(p, p) if max_rows or names.get(p, p) == p else f"{names[p]}（{p}）",
        ),
        {
            "heading": "责任单位办理情况",
            "columns": [
                "责任单位",
                "事项数",
                "已办结",
                "逾期",
                "按时办结率",
                "评议次数",
                "平均评分",
            ],
            "rows": [
                [
                    unit,
                    str(u["items"]),
                    str(u["done"]),
                    str(u["overdue"]),
                    fmt(u["on_time_rate"]),
                    str(u["ratings"]),
                    num(u["average_rating"]),
                ]
                for unit, u in _top_units(report["by_unit"], max_rows)
            ],
        },
    ]
    sat = report["satisfaction"]
    if sat["visits"]:
        out.append(
            {
                "heading": "群众满意度",
                "columns": ["满意度", "回访次数", "占比"],
                "rows": [
                    [k, str(v), fmt(rate(v, sat["visits"]))] for k, v in sat["counts"].items()
                ],
            }
        )
    return out


# --- supervision (督办) ------------------------------------------------------------------------


def due_by_unit(
    ws: Any, today: dt.date, within: int | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Pending outcome items of open cases, grouped by responsible unit.

    Overdue items (deadline before ``today``) are always included; with ``within`` also the
    items due within that many working days (the workspace calendar, 调休 included). Each
    item: case_id, case_title, no, item, unit, deadline (date), status, progress, supervisor,
    meeting, overdue (bool), workdays_left (negative when overdue), days and counted_from (a
    deadline counted in working days) and provisional (counted on the provisional calendar). Units are sorted by
    name, items by deadline then case.
    """
    from xsk.casework import index
    from xsk.workspace import calendars

    cal = calendars.for_workspace(ws)
    limit = cal.add_workdays(today, within) if within is not None else today - dt.timedelta(days=1)
    limit_iso = limit.isoformat()
    today_iso = today.isoformat()
    groups: dict[str, list[dict[str, Any]]] = {}
    workdays = WorkdayCounter(cal)
    for rec in index.load(ws, level="ledger").cases:
        if rec["status"] != "open":
            continue
        for it in rec.get("outcomes", ()):
            deadline = it["deadline"]
            if it["status"] == "已办结" or not deadline:
                continue
            overdue = deadline < today_iso
            if not overdue and deadline > limit_iso:
                continue
            day = dt.date.fromisoformat(deadline)
            counted_from = it.get("counted_from")
            start = dt.date.fromisoformat(counted_from) if counted_from else None
            groups.setdefault(it["unit"], []).append(
                {
                    "case_id": rec["id"],
                    "case_title": rec["title"],
                    "no": it["no"],
                    "item": it["item"],
                    "unit": it["unit"],
                    "deadline": day,
                    "status": it["status"],
                    "progress": it["progress"],
                    "supervisor": it["supervisor"],
                    "meeting": it["meeting"],
                    "overdue": overdue,
                    "workdays_left": workdays.between(today, day),
                    "days": it.get("days"),
                    "counted_from": start,
                    # counted in working days on the provisional calendar (issue 20)
                    "provisional": bool(
                        it.get("days") is not None and calendars.note(cal, start, day)
                    ),
                }
            )
    for items in groups.values():
        items.sort(key=lambda i: (i["deadline"], i["case_id"], i["no"]))
    return dict(sorted(groups.items()))


class WorkdayCounter:
    """``Calendar.workdays_between`` for many dates: each day is looked up once and counts
    come from running totals (an item overdue for a year costs one subtraction, not 365
    calendar look-ups)."""

    def __init__(self, cal: Any) -> None:
        self.cal = cal
        self.start = dt.date.max
        self.totals: list[int] = []  # totals[i]: working days in [start, start + i]

    def _cover(self, lo: dt.date, hi: dt.date) -> None:
        if lo < self.start:  # rebuild from an earlier start (rare: a month's margin)
            end = self.start + dt.timedelta(days=len(self.totals) - 1) if self.totals else hi
            self.start, self.totals = lo - dt.timedelta(days=31), []
            hi = max(hi, end)
        day = self.start + dt.timedelta(days=len(self.totals))
        total = self.totals[-1] if self.totals else 0
        while day <= hi:
            total += self.cal.is_workday(day)
            self.totals.append(total)
            day += dt.timedelta(days=1)

    def _total(self, day: dt.date) -> int:
        return self.totals[(day - self.start).days]

    def between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b]; minus those in [b, a) when b is before a."""
        one = dt.timedelta(days=1)
        self._cover(min(a, b) - one, max(a, b))
        if b >= a:
            return self._total(b) - self._total(a)
        return -(self._total(a - one) - self._total(b - one))


def overdue_by_unit(ws: Any, today: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Overdue items of open cases grouped by responsible unit (one 督办单 per unit).

    Same item fields as :func:`due_by_unit`; ``workdays_left`` is negative (working days
    overdue).
    """
    return due_by_unit(ws, today, None)
