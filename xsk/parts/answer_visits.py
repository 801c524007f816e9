"""The visits part: follow-up visits to the residents, each an event."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from xsk.core.cnfmt import cn_date
from xsk.core.model import SATISFACTION
from xsk.parts import events
from xsk.parts.asking import _ask_typed, _loop, _show
from xsk.parts.registry import AskJob, DocSource, Part, Saved, SaveJob
from xsk.procedure import engine
from xsk.procedure.model import Question
from xsk.prompts.base import Prompter
from xsk.workspace.settings import Workspace


def ask_visits(
    ws: Workspace,
    p: Prompter,
    ctx: engine.Context,
    draft: Any = None,
    keep: Callable[[Any], None] | None = None,
) -> list[dict]:
    """The visits, one after another; those kept in the draft (a walk interrupted, or an
    answer being changed) are shown first and kept unless the facilitator says otherwise."""
    out: list[dict[str, Any]] = []
    kept = [dict(v) for v in draft if isinstance(v, Mapping)] if isinstance(draft, list) else []
    if kept:
        p.say(f"已填写的回访记录 {len(kept)} 条：")
        for n, v in enumerate(kept, 1):
            p.say(f"  {n}. " + "，".join(_show(v.get(k)) for k in _SHOWN if v.get(k)))
        if p.confirm("保留这些回访记录？", default=True):
            out = kept
    while _loop(p, "条回访记录", not out):
        out.append(
            {
                "date": _ask_typed(p, "回访日期", "date", ctx.today, ctx),
                "visitor": _ask_typed(p, "回访人", "text", ws.settings.facilitator or None, ctx),
                "method": p.select(
                    "回访方式", ["电话回访", "入户回访", "微信回访", "座谈回访"], default="电话回访"
                ),
                "satisfaction": p.select("满意度", list(SATISFACTION), default="满意"),
                "comment": _ask_typed(
                    p,
                    "意见（可留空）",
                    "text",
                    "",
                    ctx,
                    Question(id="c", prompt="意见", required=False),
                ),
            }
        )
        if keep is not None:
            keep(out)  # Ctrl-C at the next visit loses only that one
    return out


_SHOWN = ("date", "visitor", "method", "satisfaction", "comment")


def save(job: SaveJob, value: Any) -> Saved:
    for v in value:
        job.written.append(events.write(job.case_dir, "visit", job.when, v))
    return Saved(len(value))


def ask(job: AskJob) -> Any:
    return ask_visits(job.ws, job.p, job.ctx, job.draft, job.keep)


def context(source: DocSource) -> dict[str, Any]:
    visits = [e for e in source.events if e.get("kind") == "visit"]
    return {
        "visits": [
            {
                "date": cn_date(v.get("date")),
                "visitor": str(v.get("visitor", "")),
                "method": str(v.get("method", "")),
                "satisfaction": str(v.get("satisfaction", "")),
                "comment": str(v.get("comment", "")),
            }
            for v in visits
        ]
    }


PART = Part("visits", "回访记录", save=save, ask=ask, context=context)
