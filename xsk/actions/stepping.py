"""Run one step of a case and build the documents that step issues."""

from __future__ import annotations

from typing import Any

from xsk.casework import steps
from xsk.workspace.settings import Workspace


def run_step(
    ws: Workspace, cid: str, raw: Any, *, render: bool = True, **options: Any
) -> steps.StepReport:
    """:func:`xsk.casework.steps.run`, then the step's documents unless ``render`` is off."""
    report = steps.run(ws, cid, raw, **options)
    if render and not options.get("dry_run"):
        report.documents = render_step(ws, cid, report)
    return report


def render_step(ws: Workspace, cid: str, report: steps.StepReport) -> list[Any]:
    """The documents of a committed step (its own, and the case's others whose inputs changed)."""
    from xsk.documents import plan as documents  # rendering is imported only when used
    from xsk.documents.uptodate import own_register_appends

    with own_register_appends(ws):
        return documents.refresh_for_step(ws, cid, report.transition.documents)
