"""Dates stored in open cases that the current calendar computes differently
(``xsk calendar recheck``).

Three kinds of stored date come from the working-day calendar:

* a publicity period's end: ``answers.<step>.<question> = {start, days, end}`` in case.toml,
  ``end = publicity_end(start, days)``;
* the date a waiting case may go on (``wait_until`` in case.toml, the guard of the step after a
  publicity): the end of the publicity it waits for;
* an outcome item's deadline counted in working days: ``deadline``, ``days`` and
  ``counted_from`` of an item in outcomes.toml (``deadline = add_workdays(counted_from, days)``).
  The case's ``due`` (its earliest pending deadline) follows them.

They were computed with the data of their day, perhaps the provisional calendar. When a year's
official schedule arrives (``calendar/2027.toml``, a newer chinese-calendar) :func:`find` lists
what moves and :func:`apply` writes the new dates in one commit. Generated documents are not
touched: an issued notice stays as issued, and the next ``xsk docs build`` issues a corrected
公示 with its own 文号 (``xsk/documents/frozen.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xsk.core.model import Case
from xsk.parts import outcomes
from xsk.procedure.engine import fmt_date
from xsk.store import tomlio
from xsk.workspace import calendars
from xsk.workspace import cases as store
from xsk.workspace.settings import Workspace

PUBLICITY, WAIT, DEADLINE = "publicity", "wait", "deadline"
KIND_NAMES = {PUBLICITY: "公示截止", WAIT: "等待期满", DEADLINE: "办结时限"}


@dataclass(frozen=True)
class Change:
    case_id: str
    kind: str  # PUBLICITY, WAIT or DEADLINE
    label: str  # what the date is, in Chinese
    old: dt.date
    new: dt.date
    file: str  # "case.toml" or "outcomes.toml", in the case's folder
    keypath: tuple[str | int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "kind": self.kind,
            "label": self.label,
            "old": self.old.isoformat(),
            "new": self.new.isoformat(),
            "file": f"cases/{self.case_id}/{self.file}",
            "field": ".".join(str(k) for k in self.keypath),
        }

    def describe(self) -> str:
        return f"{self.label}：{fmt_date(self.old)} → {fmt_date(self.new)}"


def _publicities(case: Case) -> list[tuple[str, str, Mapping[str, Any]]]:
    out = []
    for sid, answers in case.answers.items():
        for qid, value in answers.items():
            if (
                isinstance(value, Mapping)
                and isinstance(value.get("start"), dt.date)
                and isinstance(value.get("end"), dt.date)
                and isinstance(value.get("days"), int)
                and not isinstance(value.get("days"), bool)
            ):
                out.append((sid, qid, value))
    return out


def find_case(ws: Workspace, case: Case, cal: Any) -> list[Change]:
    """What moves in one case under ``cal``."""
    changes: list[Change] = []
    moved_ends: dict[dt.date, dt.date] = {}
    for sid, qid, pub in _publicities(case):
        new = cal.publicity_end(pub["start"], pub["days"])
        if new != pub["end"]:
            moved_ends[pub["end"]] = new
            label = f"公示截止（{fmt_date(pub['start'])}起{pub['days']}个工作日，{sid}.{qid}）"
            changes.append(
                Change(
                    case.id, PUBLICITY, label, pub["end"], new, "case.toml", ("answers", sid, qid)
                )
            )
    if case.wait_until in moved_ends:
        new = moved_ends[case.wait_until]
        label = "等待期满（公示期满后方可办理下一步）"
        changes.append(Change(case.id, WAIT, label, case.wait_until, new, "case.toml", ()))
    items, _problems = outcomes.read(store.case_dir(ws, case.id), ws.root)
    for i, o in enumerate(items):
        if o.counted_from is None or o.days is None or o.deadline is None:
            continue
        new = cal.add_workdays(o.counted_from, o.days)
        if new != o.deadline:
            label = (
                f"办结时限（事项 {o.no}：{o.item}，{fmt_date(o.counted_from)}起{o.days}个工作日）"
            )
            changes.append(
                Change(case.id, DEADLINE, label, o.deadline, new, outcomes.FILE, ("items", i))
            )
    return changes


def find(ws: Workspace, cal: Any) -> list[Change]:
    """Every date of an open case whose value differs under ``cal``, case by case."""
    out: list[Change] = []
    for case in store.iter_cases(ws):
        if case.is_open:
            out.extend(find_case(ws, case, cal))
    return out


def apply(ws: Workspace, changes: Sequence[Change], when: dt.datetime) -> tuple[list[Path], bool]:
    """Write ``changes`` (all files in one transaction) and commit them once.

    Returns the files written and whether a commit was made.
    """
    from xsk.parts.answer_outcomes import next_due
    from xsk.workspace import journal as txn

    by_case: dict[str, list[Change]] = {}
    for c in changes:
        by_case.setdefault(c.case_id, []).append(c)
    written: list[Path] = []
    with txn.transaction(ws.root, ws.state_dir) as tx:
        for cid, group in by_case.items():
            folder = store.case_dir(ws, cid)
            tx.track(folder)
            deadlines = [c for c in group if c.kind == DEADLINE]
            due: tuple[dt.date | None] | None = None
            if deadlines:
                path = outcomes.path_for(folder)
                tomlio.update(path, lambda doc, d=deadlines: _set_deadlines(doc, d))
                written.append(path)
                due = (next_due(outcomes.load(folder, ws.root)),)
            case_changes = [c for c in group if c.kind != DEADLINE]
            if case_changes or due is not None:
                written.append(
                    store.update(ws, cid, lambda doc, cc=case_changes, d=due: _set(doc, cc, d))
                )
        cids = "、".join(by_case)
        message = f"日历复核：按当前节假日数据更新 {len(changes)} 个日期（议题 {cids}）"
        # the year files the new dates come from go into the same commit (not into the
        # transaction: a rollback must not remove a file the facilitator just added)
        sources = calendars.year_files(ws.root)
        committed = ws.commit([*written, *sources], message, date=when.isoformat())
    return written, committed


def posted_notices(ws: Workspace, changes: Sequence[Change]) -> list[tuple[str, str]]:
    """(case, 文号) of each result notice already issued whose publicity period moves: the
    notice stays as posted, and the next ``docs build`` issues a corrected one."""
    from xsk.workspace import docnumbers

    moved = {c.case_id for c in changes if c.kind == PUBLICITY}
    if not moved:
        return []
    out: list[tuple[str, str]] = []
    for key, number in docnumbers.lookup(ws).items():
        kind, _, rest = key.partition(":")
        cid = rest.split(":", 1)[0]
        if kind == "result" and cid in moved and "更正" not in rest:
            out.append((cid, number))
    return out


def _set_deadlines(doc: Any, changes: Sequence[Change]) -> None:
    items = doc["items"]
    for c in changes:
        items[c.keypath[1]]["deadline"] = c.new


def _set(doc: Any, changes: Sequence[Change], due: tuple[dt.date | None] | None) -> None:
    for c in changes:
        if c.kind == PUBLICITY:
            node = doc
            for key in c.keypath:
                node = node[key]
            node["end"] = c.new
        elif c.kind == WAIT:
            doc["wait_until"] = c.new
    if due is not None:
        if due[0] is not None:
            doc["due"] = due[0]
        elif "due" in doc:
            del doc["due"]
