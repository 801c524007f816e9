"""督办单: a supervision notice for each responsible unit with overdue items.

The overdue items come from the statistics (:mod:`xsk.reports.stats`); the notice is a
responsibility list rendered in its supervision form by :mod:`xsk.documents.plan`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xsk.documents import plan
from xsk.parts import outcomes
from xsk.reports import stats
from xsk.workspace import cases
from xsk.workspace.settings import Workspace


def supervision_jobs(ws: Workspace, today: dt.date) -> list[Any]:
    """A 督办单 for each responsible unit with overdue items (``out/督办/督办单-<unit>.docx``)."""
    jobs = []
    for unit, items in stats.overdue_by_unit(ws, today).items():
        rows = []
        for i in items:
            case = cases.load_case(ws, i["case_id"])
            rows.append(
                (
                    case,
                    outcomes.Outcome(
                        no=i["no"],
                        item=i["item"],
                        unit=unit,
                        deadline=i["deadline"],
                        status=i["status"],
                        progress=i.get("progress", ""),
                        supervisor=i.get("supervisor", ""),
                        days=i.get("days"),
                        counted_from=i.get("counted_from"),
                    ),
                )
            )
        ctx = plan.responsibility_ctx(ws, unit, rows, today=today, supervision=True)
        path = ws.out_dir / "督办" / f"督办单-{plan._safe(unit)}.docx"
        jobs.append(plan._job(ws, "responsibility", ctx, path, None))
    return plan.number_jobs(ws, jobs)
