"""Rows for ``xsk status``: one per case, most urgent first.

The rows come from the index cache (:mod:`xsk.index`), so a workspace of 10,000 cases lists in
well under a second once the cache is warm; the cache re-reads every changed file and raises
the same ``file:line`` error as loading the case directly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xsk.rules.privacy import mask_numbers
from xsk.workspace.settings import Workspace


def today() -> dt.date:
    from xsk.core.clock import now

    return now().date()


def rows(
    ws: Workspace,
    *,
    include_closed: bool = False,
    overdue_only: bool = False,
    on: dt.date | None = None,
) -> list[dict[str, Any]]:
    from xsk.casework import index
    from xsk.procedure import loader

    on = on or today()
    on_iso = on.isoformat()
    names: dict[str, dict[str, str]] = {}
    out = []
    for rec in index.load(ws, level="status").cases:
        status = rec["status"]
        if not include_closed and not overdue_only and status != "open":
            continue
        due = rec["due"]
        overdue = bool(status == "open" and due and due < on_iso)
        if overdue_only and not overdue:
            continue
        procedure = rec["procedure"]
        if procedure not in names:  # an unknown procedure is reported by check
            names[procedure] = loader.step_names(procedure, ws.root, ws.state_dir)
        out.append(
            {
                "id": rec["id"],
                "title": mask_numbers(rec["title"]),  # as `show` does (`show --reveal` has it)
                "procedure": procedure,
                "procedure_name": names[procedure].get("", procedure),
                "step": rec["step"],
                "step_name": names[procedure].get(rec["step"], ""),
                "status": status,
                "level": rec["level"],
                "category": rec["category"],
                "created": rec["created"],
                "due": due,
                "overdue": overdue,
            }
        )
    _mark_provisional(ws, out, on)
    out.sort(key=lambda r: (r["status"] != "open", r["due"] or "9999", r["id"]))
    return out


def _mark_provisional(ws: Workspace, out: list[dict[str, Any]], on: dt.date) -> None:
    """``due_provisional``: the time limit lies in a year whose holiday schedule is not
    official yet (the provisional calendar), so a limit counted in working days may move
    when it arrives (``xsk calendar recheck``). The calendar is read only when some open
    case has a limit this year or later."""
    years = {int(r["due"][:4]) for r in out if r["status"] == "open" and r["due"]}
    years = {y for y in years if y >= on.year}
    provisional: set[int] = set()
    if years:
        from xsk.rules.workdays import PROVISIONAL
        from xsk.workspace import calendars

        cal = calendars.for_workspace(ws)
        provisional = {y for y in years if calendars.year_source(cal, y) == PROVISIONAL}
    for r in out:
        r["due_provisional"] = bool(
            r["status"] == "open" and r["due"] and int(r["due"][:4]) in provisional
        )
