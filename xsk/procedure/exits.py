"""Leaving a step: its exit guards (``[[steps.exit_guards]]`` in the procedure file).

Pure, like the engine: the case's items and visits are passed in as a :class:`Standing`. A
final step may close only when every item is settled and no visit is 不满意; 督促落实 may move
on only when no item is still 待办 — unless the facilitator answers the guard's ``override``
question (a reason, or 是), which is recorded on the transition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from xsk.procedure.engine import Transition, fmt_date
from xsk.procedure.model import ExitGuard, Step


@dataclass(frozen=True)
class ItemState:
    """An outcome item as the exit guards see it (after the step's progress answers)."""

    no: int
    item: str
    status: str
    note: str = ""


@dataclass(frozen=True)
class Standing:
    """Where a case stands for its exit guards: its items and the visits that count."""

    items: tuple[ItemState, ...] = ()
    visits: tuple[Mapping[str, Any], ...] = ()  # date, visitor, satisfaction


def _guard_failures(g: ExitGuard, standing: Standing) -> list[str]:
    out = []
    if g.kind == "items_done":
        for it in standing.items:
            settled = it.status == "已办结" or (it.status == "不具备实施条件" and it.note.strip())
            if not settled:
                why = "（未说明原因）" if it.status == "不具备实施条件" else ""
                out.append(f"事项 {it.no}“{it.item}”{it.status}{why}")
    elif g.kind == "items_started":
        out = [f"事项 {it.no}“{it.item}”仍为待办" for it in standing.items if it.status == "待办"]
    elif g.kind == "visits_satisfied":
        for v in standing.visits:
            if v.get("satisfaction") == "不满意":
                day = v.get("date")
                when = fmt_date(day) if isinstance(day, dt.date) else "回访"
                who = f"（{v['visitor']}）" if v.get("visitor") else ""
                out.append(f"{when}回访{who}：不满意")
    return [f"{g.message}：{x}" if g.message else x for x in out]


def _overridden(value: Any) -> bool:
    return value is True or (isinstance(value, str) and bool(value.strip()))


def check_exit(
    step: Step, trans: Transition, answers: Mapping[str, Any], standing: Standing
) -> tuple[Transition, list[str], str]:
    """Apply the step's exit guards to ``trans``.

    Returns the transition (with a closing reason or carry-forward recorded when an override
    was given), what stops the case (empty when it may go on) and the override question the
    facilitator should answer to go on anyway.
    """
    closing = trans.status == "closed"
    failures: list[str] = []
    override_needed = ""
    used: dict[str, list[str]] = {}
    for g in step.exit_guards:
        if (g.closing and not closing) or trans.action not in ("next", "wait", "close"):
            continue  # a branch back (reopen, reconsult, vote) is always allowed
        found = _guard_failures(g, standing)
        if not found:
            continue
        if g.override and _overridden(answers.get(g.override)):
            used.setdefault(g.override, []).extend(found)
            continue
        failures.extend(found)
        override_needed = override_needed or g.override
    if failures or not used:
        return trans, failures, override_needed
    notes = list(trans.notes)
    reason = trans.close_reason
    result = trans.result
    for qid, found in used.items():
        value = answers[qid]
        if closing and isinstance(value, str):
            reason, result = value.strip(), "closed_with_reason"
            notes = [f"说明理由后结案：{reason}（{'；'.join(found)}）"]
        else:
            notes.append(f"结转：{'；'.join(found)}")
    fields = {"close_reason": reason, "result": result, "notes": tuple(notes)}
    return Transition(**{**trans.__dict__, **fields}), [], ""
