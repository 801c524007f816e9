"""Withdraw, merge and undo (``xsk/casework/lifecycle.py``), then the documents they change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from xsk.casework import lifecycle
from xsk.workspace.settings import Workspace


def undo(ws: Workspace, cid: str, when: dt.datetime, *, render: bool = True) -> Iterator[str]:
    """Take back the case's last step or event; rebuild the documents of every case it touched."""
    done = lifecycle.undo(ws, cid, when)
    yield f"已撤回：{done.subject}"
    for path in done.paths:
        yield f"  恢复：{ws.rel(path)}"
    if render:
        from xsk.documents import plan as documents  # rendering is imported only when used

        jobs = documents.jobs_for_cases(ws, done.cases, None)
        result = documents.run_jobs(ws, jobs)
        if result.built:
            yield f"  已重新生成文书 {len(result.built)} 份"
