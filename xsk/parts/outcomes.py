"""Outcome items of a case (``cases/<id>/outcomes.toml``): what was agreed, who does it, by when.

Status 待办/办理中/已办结 is stored; 逾期 (overdue) is derived from the deadline and today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xsk.core.errors import DataError, Problem
from xsk.core.model import OUTCOME_STATUSES, Reader
from xsk.store import tomlio

FILE = "outcomes.toml"


@dataclass(frozen=True)
class Outcome:
    no: int
    item: str
    unit: str
    deadline: dt.date | None
    status: str = "待办"
    progress: str = ""
    done: dt.date | None = None
    supervisor: str = ""
    meeting: str = ""
    # a deadline counted in working days: how many, and from which date (for calendar recheck)
    days: int | None = None
    counted_from: dt.date | None = None

    def overdue(self, today: dt.date) -> bool:
        return self.status != "已办结" and self.deadline is not None and self.deadline < today

    def shown_status(self, today: dt.date) -> str:
        return "逾期" if self.overdue(today) else self.status

    def on_time(self) -> bool | None:
        if self.status != "已办结" or self.done is None or self.deadline is None:
            return None
        return self.done <= self.deadline


def path_for(case_dir: Path) -> Path:
    return case_dir / FILE


def read(case_dir: Path, root: Path | None = None) -> tuple[list[Outcome], list[Problem]]:
    path = path_for(case_dir)
    if not path.exists():
        return [], []
    try:
        data, text = tomlio.read(path, root)
    except DataError as exc:
        return [], [exc.problem]
    r = Reader(tomlio.display_path(path, root), text)
    out = []
    for i, it in enumerate(r.items(data, ("items",))):
        kp = ("items", i)
        if not isinstance(it, Mapping):
            r.problem(kp, "E102", "应为表")
            continue
        out.append(
            Outcome(
                no=r.get(it, (*kp, "no"), "int", default=i + 1),
                item=r.get(it, (*kp, "item"), "str", required=True, default=""),
                unit=r.get(it, (*kp, "unit"), "str", required=True, default=""),
                deadline=r.get(it, (*kp, "deadline"), "date"),
                status=r.get(it, (*kp, "status"), "str", default="待办", choices=OUTCOME_STATUSES),
                progress=r.get(it, (*kp, "progress"), "str", default=""),
                done=r.get(it, (*kp, "done"), "date"),
                supervisor=r.get(it, (*kp, "supervisor"), "str", default=""),
                meeting=r.get(it, (*kp, "meeting"), "str", default=""),
                days=r.get(it, (*kp, "days"), "int"),
                counted_from=r.get(it, (*kp, "counted_from"), "date"),
            )
        )
    return out, r.problems


def load(case_dir: Path, root: Path | None = None) -> list[Outcome]:
    items, problems = read(case_dir, root)
    if problems:
        raise DataError(problems[0])
    return items


def write_items(case_dir: Path, items: Sequence[Mapping[str, Any]], supervisor: str = "") -> Path:
    """Write the agreed items (replacing earlier ones: a re-confirmation supersedes them)."""
    import tomlkit

    path = path_for(case_dir)
    doc = tomlkit.document()
    doc.add(tomlkit.comment("协商成果：事项、责任单位、办结时限和办理状态（状态可手工更新）"))
    aot = tomlkit.aot()
    for it in items:
        row = {
            "no": it["no"],
            "item": it["item"],
            "unit": it["unit"],
            "deadline": it["deadline"],
            "status": it.get("status", "待办"),
        }
        for key in ("progress", "done", "meeting"):
            if it.get(key):
                row[key] = it[key]
        if it.get("counted_from") and isinstance(it.get("days"), int):
            # deadline = days working days after counted_from (xsk calendar recheck)
            row["days"] = it["days"]
            row["counted_from"] = it["counted_from"]
        if supervisor:
            row["supervisor"] = supervisor
        aot.append(row)
    doc["items"] = aot
    from xsk.store import atomic

    atomic.write_text(path, tomlkit.dumps(doc))
    return path


def apply_progress(case_dir: Path, updates: Sequence[Mapping[str, Any]]) -> Path:
    """Update status and progress of items by number, keeping the file's comments."""
    path = path_for(case_dir)
    if not path.exists():
        raise DataError(Problem(str(path), 0, "E501", "该议题还没有协商成果（outcomes.toml）"))

    def mutate(doc: Any) -> None:
        items = doc.get("items", [])
        by_no = {int(it["no"]): it for it in items}
        for up in updates:
            it = by_no.get(int(up["no"]))
            if it is None:
                raise DataError(Problem(str(path), 0, "E502", f"没有序号为 {up['no']} 的事项"))
            it["status"] = up["status"]
            if up.get("note"):
                it["progress"] = up["note"]
            if up["status"] == "已办结":
                it["done"] = up.get("date")
            elif "done" in it:
                del it["done"]

    tomlio.update(path, mutate)
    return path
