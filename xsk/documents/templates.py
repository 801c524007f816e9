"""``xsk templates``: list the document templates and export one for editing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from xsk.core.errors import UsageError
from xsk.documents.plan import KIND_NAMES, PUBLIC_KINDS
from xsk.workspace import journal as txn
from xsk.workspace.settings import Workspace

EXTRA = {"report": "统计报告"}


def _builtin() -> Path:
    from xsk.core.paths import builtin_templates

    return builtin_templates() / "documents"


def listing(root: Path | None) -> list[dict[str, Any]]:
    rows = []
    names = {**KIND_NAMES, **EXTRA}
    for kind, name in names.items():
        local = root / "templates" / "documents" / f"{kind}.docx" if root else None
        path = local if local and local.exists() else _builtin() / f"{kind}.docx"
        rows.append(
            {
                "kind": kind,
                "name": name,
                "public": kind in PUBLIC_KINDS,
                "source": "本地" if local and local.exists() else "内置",
                "path": str(path),
            }
        )
    return rows


@txn.writer
def export(ws: Workspace, name: str, *, force: bool = False) -> Path:
    names = {**KIND_NAMES, **EXTRA}
    kind = next((k for k, v in names.items() if name in (k, v)), None)
    if kind is None:
        raise UsageError(f"没有名为“{name}”的模板", hint=f"可选：{'、'.join(names)}")
    target = ws.templates_dir / "documents" / f"{kind}.docx"
    if target.exists() and not force:
        raise UsageError(f"{ws.rel(target)} 已存在", hint="加 --force 覆盖")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_builtin() / f"{kind}.docx", target)
    ws.commit([target], f"公文模板：导出 {names[kind]}（{kind}）供本地修改")
    return target
