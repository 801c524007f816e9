"""A meeting's print packet: one PDF with bookmarks (``xsk docs packet MEETING``).

In the order a clerk files them: the notice, the sign-in sheet, the minutes, then for every case
of the meeting its result notice(s) and its responsibility lists. The documents are built (or
found up to date), converted in one batched LibreOffice call, and merged with pypdf, each part
a bookmark named for what it is ("会议纪要", "2026-003 协商结果公示", "2026-003 责任清单：物业").
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from xsk.core.errors import UsageError
from xsk.core.kinds import KIND_NAMES
from xsk.documents import plan
from xsk.store import atomic
from xsk.workspace.settings import Workspace

ORDER = ("notice", "signin", "minutes", "result", "responsibility")


def _parts(ws: Workspace, mid: str) -> list[tuple[str, Any]]:
    """(bookmark, job) in packet order."""
    m = plan.load_meeting(ws, mid)
    case_ids = [c for c in m.get("cases", []) if (ws.cases_dir / c).is_dir()]
    if not case_ids:
        raise UsageError(f"会议 {mid} 没有关联的议题，无法生成会议材料")
    jobs = plan.jobs_for_cases(ws, case_ids, ORDER)
    meeting = [j for j in jobs if j.kind in plan.MEETING_KINDS and j.out_path.parent.name == mid]
    parts: list[tuple[str, Any]] = []
    for kind in plan.MEETING_KINDS:
        parts += [(KIND_NAMES[kind], j) for j in meeting if j.kind == kind]
    for cid in case_ids:
        for kind in ("result", "responsibility"):
            for j in jobs:
                if j.kind != kind or j.context.get("case_ids") != [cid]:
                    continue
                name = f"{cid} {KIND_NAMES[kind]}"
                if kind == "responsibility":
                    name += f"：{j.context.get('unit', '')}"
                parts.append((name, j))
    return parts


def build_packet(ws: Workspace, mid: str, out: Path | None = None) -> tuple[Path, list[str]]:
    """Write the packet PDF; returns its path and the bookmarks in order."""
    from pypdf import PdfReader, PdfWriter

    from xsk.documents.build import convert_to_pdf

    parts = _parts(ws, mid)
    if not parts:
        raise UsageError(f"会议 {mid} 还没有可打印的文书", hint="请先完成会议通知或会议记录的步骤")
    result = plan.run_jobs(ws, [j for _, j in parts])
    ready = {*result.built, *result.skipped}
    parts = [(name, j) for name, j in parts if j.out_path in ready]
    target = out or ws.out_dir / "meetings" / mid / f"{mid}-会议材料.pdf"
    writer = PdfWriter()
    with tempfile.TemporaryDirectory(prefix="xsk-packet-") as tmp:
        pdfs = convert_to_pdf([j.out_path for _, j in parts], Path(tmp))
        by_stem = {p.stem: p for p in pdfs}
        for name, j in parts:
            writer.append(PdfReader(by_stem[j.out_path.stem]), outline_item=name)
    writer.add_metadata({"/Title": f"{mid} 会议材料", "/Producer": "xsk"})
    buf = io.BytesIO()
    writer.write(buf)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_bytes(target, buf.getvalue())
    return target, [name for name, _ in parts]
