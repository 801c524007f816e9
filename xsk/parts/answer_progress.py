"""The progress part: how far each outcome item has come (an event per update, the item's
status in ``outcomes.toml``)."""

from __future__ import annotations

from typing import Any

from xsk.core.model import OUTCOME_STATUSES, Case
from xsk.parts import events, outcomes
from xsk.parts.asking import _ask_typed, _show
from xsk.parts.registry import AskJob, Part, Saved, SaveJob
from xsk.procedure import engine
from xsk.procedure.model import Question
from xsk.prompts.base import Prompter
from xsk.workspace import cases as store
from xsk.workspace.settings import Workspace


def ask_progress(ws: Workspace, p: Prompter, case: Case, ctx: engine.Context) -> list[dict]:
    items = outcomes.load(store.case_dir(ws, case.id), ws.root)
    out = []
    for o in items:
        p.say(
            f"{o.no}. {o.item}（{o.unit}，时限 {_show(o.deadline)}，当前：{o.shown_status(ctx.today)}）"
        )
        status = p.select(f"事项 {o.no} 办理状态", list(OUTCOME_STATUSES), default=o.status)
        note = _ask_typed(
            p,
            "进展说明（可留空）",
            "text",
            "",
            ctx,
            Question(id="note", prompt="说明", required=False),
        )
        out.append({"no": o.no, "status": status, "note": note or ""})
    return out


def save(job: SaveJob, value: Any) -> Saved:
    job.written.append(outcomes.apply_progress(job.case_dir, value))
    for up in value:
        job.written.append(events.write(job.case_dir, "progress", job.when, up))
    return Saved(len(value), due_changed=True)


def ask(job: AskJob) -> Any:
    return ask_progress(job.ws, job.p, job.case, job.ctx)


PART = Part("progress", "办理进展", save=save, ask=ask)
