"""Setting this clone's case-number series (see xsk.numbering for the design)."""

from __future__ import annotations

from typing import Any

from xsk.core.errors import UsageError
from xsk.store import tomlio
from xsk.workspace import journal as txn
from xsk.workspace import numbering
from xsk.workspace.settings import Workspace


def registered(ws: Workspace) -> dict[str, str]:
    path = ws.root / numbering.SERIES_FILE
    if not path.exists():
        return {}
    data, _text = tomlio.read(path, ws.root)
    table = data.get("series", {})
    if not isinstance(table, dict):
        return {}
    return {k: str(v.get("note", "")) if isinstance(v, dict) else "" for k, v in table.items()}


@txn.writer
def set_series(ws: Workspace, letter: str, note: str = "") -> str:
    letter = numbering.validate_letter(letter)
    current = numbering.series(ws.root)
    if current == letter:
        return f"本机已使用序列 {letter}"
    taken = registered(ws)
    if letter in taken:
        raise UsageError(
            f"序列 {letter} 已被另一台电脑使用（见 {numbering.SERIES_FILE}）",
            hint="请换一个字母；如确属本机，请先删除该登记",
        )
    if current is not None and any(
        numbering.pattern(y, current).fullmatch(p.name)
        for p in ws.cases_dir.glob("*")
        for y in range(2000, 2100)
        if p.name.startswith(str(y))
    ):
        raise UsageError(f"本机已用序列“{current or '主序列'}”登记过议题，不能更换")
    path = ws.root / numbering.SERIES_FILE

    def mutate(doc: Any) -> None:
        import tomlkit

        if "series" not in doc:
            doc["series"] = tomlkit.table()
        doc["series"][letter] = {"note": note or "副本"}

    if not path.exists():
        from xsk.store import atomic

        atomic.write_text(path, "# 各台电脑（工作区副本）使用的议题编号序列\n")
    tomlio.update(path, mutate)
    numbering.vcs.config_set_local(ws.root, numbering.CONFIG_KEY, letter)
    ws.commit([path], f"编号序列：登记序列 {letter}")
    return f"本机议题编号将使用序列 {letter}（如 2026-{letter}001）"
