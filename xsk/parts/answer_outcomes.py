"""The outcomes part: the items a meeting decided, each with a unit and a deadline
(``outcomes.toml``); its prompts and how it is stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xsk.core.cnfmt import cn_date
from xsk.parts import meetings, outcomes
from xsk.parts.asking import OTHER, _ask_typed, _loop, _provisional
from xsk.parts.registry import AskJob, DocSource, Part, Saved, SaveJob
from xsk.procedure import engine
from xsk.prompts.base import Prompter
from xsk.workspace.settings import Workspace

SUPERVISOR_KEYS = ("supervisor", "supervisors", "tracker", "supervision", "monitor")


def next_due(items: list[outcomes.Outcome]) -> dt.date | None:
    pending = [o.deadline for o in items if o.status != "已办结" and o.deadline]
    return min(pending) if pending else None  # earliest deadline still pending


def ask_outcomes(ws: Workspace, p: Prompter, ctx: engine.Context, draft: Any) -> list[dict]:
    out: list[dict[str, Any]] = []
    units = [e.name for e in ws.roster if e.kind == "org"]
    while _loop(p, "项协商成果", not out):
        item = _ask_typed(p, "事项内容", "text", None, ctx)
        if units:
            unit = p.select("责任单位（现场认领）", [*units, OTHER])
            if unit == OTHER:
                unit = _ask_typed(p, "责任单位", "text", None, ctx)
        else:
            unit = _ask_typed(p, "责任单位（现场认领）", "text", None, ctx)
        limit = _ask_typed(p, "办结时限：日期（2026-12-31）或工作日数（如 10）", "text", "10", ctx)
        row: dict[str, Any] = {"item": item, "unit": unit}
        if limit.strip().isdigit():
            row["days"] = int(limit)
            until = ctx.calendar.add_workdays(ctx.today, int(limit))
            p.say(f"办结时限：{engine.fmt_date(until)}{_provisional(ctx, ctx.today, until)}")
        else:
            row["deadline"] = _ask_typed(p, "办结日期", "date", limit, ctx)
        out.append(row)
    return out


def save(job: SaveJob, value: Any) -> Saved:
    answers = job.answers
    supervisor = next(
        (str(answers[k]) for k in SUPERVISOR_KEYS if isinstance(answers.get(k), str)), ""
    )
    mids = meetings.case_meeting_ids(job.case.answers)
    items = [{**it, "meeting": mids[-1] if mids else ""} for it in value]
    job.written.append(outcomes.write_items(job.case_dir, items, supervisor))
    return Saved(len(value), due_changed=True)


def ask(job: AskJob) -> Any:
    return ask_outcomes(job.ws, job.p, job.ctx, job.draft)


def context(source: DocSource) -> dict[str, Any]:
    return {
        "items": [
            {"item": o.item, "unit": o.unit, "deadline": cn_date(o.deadline)} for o in source.items
        ]
    }


PART = Part("outcomes", "协商成果", save=save, ask=ask, context=context)
