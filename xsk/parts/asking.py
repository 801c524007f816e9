"""Asking for typed values through the prompter: the helpers the walk and every part's prompts share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xsk.core.model import Case
from xsk.procedure import engine
from xsk.procedure.model import Question
from xsk.prompts.base import Prompter
from xsk.workspace.settings import Workspace

OTHER = "（其他，手工输入）"


def _ask_typed(
    p: Prompter, label: str, kind: str, default: Any, ctx: engine.Context, q: Question | None = None
) -> Any:
    """Ask for text and convert it by ``kind``; the validator re-asks with the reason."""
    question = q or Question(id="_", prompt=label, type=kind)

    def check(text: str) -> str | None:
        if not text.strip() and not question.required:
            return None
        _, err = engine.coerce(question, _parse_input(kind, text), ctx)
        return err

    shown = _show(default)
    text = p.text(label, default=shown, validate=check, multiline=kind == "longtext")
    if not text.strip() and not question.required:
        return ""
    value, _ = engine.coerce(question, _parse_input(kind, text), ctx)
    return value


def _parse_input(kind: str, text: str) -> Any:
    if kind in ("text", "longtext"):
        return text
    if kind == "number":
        return text.strip()
    return text.strip()


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _provisional(ctx: engine.Context, start: dt.date, end: dt.date) -> str:
    """A mark for a date counted on the provisional calendar (years without official data)."""
    from xsk.workspace.calendars import note

    return "（暂定，节假日安排以国务院公布为准）" if note(ctx.calendar, start, end) else ""


def _loop(p: Prompter, what: str, first: bool = True) -> bool:
    return p.confirm(f"添加{'一' if first else '下一'}{what}？", default=first)


def _suggest_rule(ws: Workspace, case: Case) -> str | None:
    """The vote rule chosen at an earlier step (screening), else the category's rule."""
    for ans in reversed(list(case.answers.values())):
        rule = ans.get("rule")
        if isinstance(rule, str) and rule:
            return rule
    return ws.settings.category_rules.get(case.category)
