"""The outcomes part: the items a meeting decided, each with a unit and a deadline
(``outcomes.toml``); its prompts and how it is stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xsk.core.cnfmt import cn_date
from xsk.core.errors import AnswerError
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
        limit = p.text(
            "办结时限：日期（如 2026-12-31、12月31日）或工作日数（如 10）",
            default="10",
            validate=_limit_problem,
        ).strip()
        row: dict[str, Any] = {"item": item, "unit": unit}
        if limit.isdigit():
            row["days"] = int(limit)
            until = ctx.calendar.add_workdays(ctx.today, int(limit))
        else:  # one prompt: a date typed here is taken as it is, not asked again
            until, _ = engine.parse_date(limit, ctx.today)
            row["deadline"] = until
        p.say(f"办结时限：{engine.fmt_date(until)}{_provisional(ctx, ctx.today, until)}")
        out.append(row)
    return out


def _limit_problem(text: str) -> str | None:
    text = text.strip()
    if text.isdigit():
        return None
    _, err = engine.parse_date(text)
    return None if err is None else "请写日期（如 2026-12-31）或工作日数（如 10）"


def save(job: SaveJob, value: Any) -> Saved:
    answers = job.answers
    supervisor = next(
        (str(answers[k]) for k in SUPERVISOR_KEYS if isinstance(answers.get(k), str)), ""
    )
    mids = meetings.case_meeting_ids(job.case.answers)
    _deadlines_after_decision(job, value, mids[-1] if mids else "")
    items = [{**it, "meeting": mids[-1] if mids else ""} for it in value]
    job.written.append(outcomes.write_items(job.case_dir, items, supervisor))
    return Saved(len(value), due_changed=True)


def _deadlines_after_decision(job: SaveJob, items: list[dict[str, Any]], mid: str) -> None:
    """A time limit written as a date is not before the meeting that decided the item, nor
    before the day it is recorded (reviewer: 2026-01-05 for an item decided 2026-03-09)."""
    floor, what = job.when.date(), "登记日期"
    if mid and meetings.meeting_path(job.ws.meetings_dir, mid).exists():
        held = meetings.load(job.ws.meetings_dir, mid, job.ws.root).get("time")
        if isinstance(held, dt.datetime) and held.date() < floor:
            floor, what = held.date(), f"协商会议（{mid}）日期"
    for n, it in enumerate(items, 1):
        until = it.get("deadline")
        if isinstance(until, dt.datetime):
            until = until.date()
        if isinstance(until, dt.date) and until < floor:
            raise AnswerError(
                f"步骤 {job.step.id}（{job.step.name}）问题 {job.question.id}：第 {n} 项"
                f"“{it.get('item', '')}”的办结时限 {cn_date(until)} 早于{what}"
                f" {cn_date(floor)}"
            )


def ask(job: AskJob) -> Any:
    return ask_outcomes(job.ws, job.p, job.ctx, job.draft)


def context(source: DocSource) -> dict[str, Any]:
    return {
        "items": [
            {"item": o.item, "unit": o.unit, "deadline": cn_date(o.deadline)} for o in source.items
        ]
    }


PART = Part("outcomes", "协商成果", save=save, ask=ask, context=context)
