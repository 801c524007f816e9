"""Listing, showing and copying procedures (for ``xsk procedures``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from xsk.core.errors import UsageError
from xsk.core.paths import builtin_templates
from xsk.core.winpath import check_name
from xsk.procedure import loader
from xsk.procedure.model import Question
from xsk.store import atomic
from xsk.workspace import journal as txn
from xsk.workspace.settings import Workspace


def listing(root: Path | None) -> list[dict[str, Any]]:
    rows = []
    builtin = builtin_templates() / "procedures"
    for pid, path in loader.available(root).items():
        proc = loader.load(pid, root)
        rows.append(
            {
                "id": pid,
                "name": proc.name,
                "summary": proc.summary,
                "origin": proc.origin,
                "steps": len(proc.steps),
                "source": "内置" if path.parent == builtin else "本地",
                "path": str(path),
            }
        )
    return rows


def _question(q: Question) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": q.id,
        "prompt": q.prompt,
        "type": q.type,
        "required": q.required,
    }
    if q.default is not None:
        d["default"] = q.default
    if q.choices:
        d["choices"] = list(q.choices)
    if q.choices_from:
        d["choices_from"] = q.choices_from
    if q.help:
        d["help"] = q.help
    if q.when:
        d["when"] = {"question": q.when.question, q.when.op: q.when.value}
    if q.fields:
        d["fields"] = [_question(f) for f in q.fields]
    return d


def detail(pid: str, root: Path | None) -> dict[str, Any]:
    proc = loader.load(pid, root)
    return {
        "id": proc.id,
        "name": proc.name,
        "summary": proc.summary,
        "origin": proc.origin,
        "categories": list(proc.meta.get("categories", [])),
        "subjects": list(proc.meta.get("subjects", [])),
        "steps": [
            {
                "id": s.id,
                "name": s.name,
                "help": s.help,
                "final": s.final,
                "only_via_branch": s.only_via_branch,
                "documents": list(s.documents),
                "questions": [_question(q) for q in s.questions],
                "guards": [{"kind": g.kind, "ref": g.ref, "message": g.message} for g in s.guards],
                "branches": [
                    {
                        "id": b.id,
                        "label": b.label,
                        "action": b.action,
                        "target": b.target,
                        "when": {"question": b.when.question, b.when.op: b.when.value}
                        if b.when
                        else None,
                        "documents": list(b.documents),
                    }
                    for b in s.branches
                ],
            }
            for s in proc.steps
        ],
    }


@txn.writer
def copy(ws: Workspace, pid: str, new_id: str) -> Path:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,40}", new_id):
        raise UsageError(f"程序编号“{new_id}”无效", hint="用小写字母、数字和连字符，如 hongqiao-6")
    check_name(new_id, "程序编号")  # con, nul, com1 … are Windows device names
    available = loader.available(ws.root)
    if pid not in available:
        loader.load(pid, ws.root)  # raises the usual not-found error
    if new_id in available:
        raise UsageError(f"程序“{new_id}”已存在")
    text = available[pid].read_text("utf-8")
    text = re.sub(r'^id = ".*"$', f'id = "{new_id}"', text, count=1, flags=re.M)
    text = f"# 由 {pid} 复制而来，可按本社区实际修改\n" + text
    target = ws.root / "templates" / "procedures" / f"{new_id}.toml"
    atomic.write_text(target, text)
    loader.load(new_id, ws.root)
    ws.commit([target], f"协商程序：由 {pid} 复制为 {new_id}")
    return target
