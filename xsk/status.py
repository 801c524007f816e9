"""Rows for ``xsk status``: one per case, most urgent first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xsk.store import cases as store
from xsk.workspace import Workspace


def today() -> dt.date:
    from xsk.workflow import now

    return now().date()


def rows(
    ws: Workspace,
    *,
    include_closed: bool = False,
    overdue_only: bool = False,
    on: dt.date | None = None,
) -> list[dict[str, Any]]:
    from xsk.procedure import loader

    on = on or today()
    names: dict[str, dict[str, str]] = {}
    out = []
    for case in store.iter_cases(ws):
        if not include_closed and not overdue_only and case.status != "open":
            continue
        if case.procedure not in names:
            try:
                proc = loader.load(case.procedure, ws.root)
                names[case.procedure] = {s.id: s.name for s in proc.steps}
            except Exception:  # an unknown procedure is reported by check
                names[case.procedure] = {}
        from xsk.workflow import status_row

        row = status_row(case, names[case.procedure].get(case.step, ""))
        row["overdue"] = bool(case.is_open and case.due and case.due < on)
        if overdue_only and not row["overdue"]:
            continue
        out.append(row)
    out.sort(key=lambda r: (r["status"] != "open", r["due"] or "9999", r["id"]))
    return out
