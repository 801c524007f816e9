"""The ratings part: residents' ratings of each responsible unit, each an event."""

from __future__ import annotations

from typing import Any

from xsk.core.model import Case
from xsk.parts import events, outcomes
from xsk.parts.registry import AskJob, DocSource, Part, Saved, SaveJob
from xsk.prompts.base import Prompter
from xsk.workspace import cases as store
from xsk.workspace.settings import Workspace


def ask_ratings(ws: Workspace, p: Prompter, case: Case) -> list[dict]:
    items = outcomes.load(store.case_dir(ws, case.id), ws.root)
    out = []
    for unit in dict.fromkeys(o.unit for o in items):
        if p.confirm(f"对 {unit} 进行评议（下评上）？", default=True):
            score = p.select(f"{unit} 的评分", ["5", "4", "3", "2", "1"], default="5")
            out.append({"unit": unit, "score": int(score)})
    return out


def save(job: SaveJob, value: Any) -> Saved:
    for v in value:
        job.written.append(events.write(job.case_dir, "rating", job.when, v))
    return Saved(len(value))


def ask(job: AskJob) -> Any:
    return ask_ratings(job.ws, job.p, job.case)


def context(source: DocSource) -> dict[str, Any]:
    ratings = [e for e in source.events if e.get("kind") == "rating"]
    return {
        "ratings": [
            {
                "unit": str(r.get("unit", "")),
                "score": str(r.get("score", "")),
                "comment": str(r.get("comment", "")),
            }
            for r in ratings
        ]
    }


PART = Part("ratings", "评议记录", save=save, ask=ask, context=context)
