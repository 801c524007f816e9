"""Withdraw, merge and undo (``xsk/casework/lifecycle.py``), then the documents they change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

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
        for path in stale_documents(ws, done.cases, jobs):
            path.unlink(missing_ok=True)
            yield f"  已删除不再适用的文书：{ws.rel(path)}"


def stale_documents(ws: Workspace, cases: Iterable[str], jobs: Iterable[Any]) -> list[Path]:
    """Documents in the cases' own output folders that their current state no longer has
    (a reply after the final step was taken back): generated output, rebuilt on demand."""
    keep = {Path(j.out_path).resolve() for j in jobs}
    stale = []
    for cid in cases:
        folder = ws.out_dir / cid
        if folder.is_dir():
            stale += [p for p in sorted(folder.glob("*.docx")) if p.resolve() not in keep]
    return stale
