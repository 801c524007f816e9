"""``xsk docs``: build and list documents."""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from xsk.core.errors import DataError, Problem, ToolMissingError, UsageError
from xsk.documents import plan as documents
from xsk.documents.docx_text import properties
from xsk.workspace import cases as store
from xsk.workspace.settings import Workspace

KINDS = tuple(documents.KIND_NAMES)


def _map_errors(exc: Exception) -> Exception:
    from xsk.documents import build as rbuild
    from xsk.documents import docx as rdocx

    if isinstance(exc, rdocx.TemplateError):
        return UsageError(str(exc))
    if isinstance(exc, rdocx.PrivacyLeakError):
        return UsageError(str(exc), hint="公开文书不得包含居民电话、证件号")
    if isinstance(exc, rbuild.ToolMissingError):
        return ToolMissingError(str(exc))
    if isinstance(exc, rbuild.ConversionError):
        return UsageError(str(exc))
    return exc


def build(
    ws: Workspace,
    ids: Sequence[str],
    kinds: Sequence[str],
    *,
    pdf: bool = False,
    jobs: int = 2,
    force: bool = False,
    traditional: bool | None = None,
) -> Iterator[str]:
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise UsageError(f"未知的文书种类“{bad[0]}”", hint=f"可选：{'、'.join(KINDS)}")
    if jobs < 1:
        raise UsageError("--jobs 至少为 1")
    ids = list(ids) or store.case_ids(ws)
    for cid in ids:
        store.load_case(ws, cid)
    job_list = documents.jobs_for_cases(ws, ids, kinds or None)
    progress, done = _progress(len(job_list))
    try:
        result = documents.run_jobs(
            ws, job_list, force=force, jobs_n=jobs, traditional=traditional, progress=progress
        )
    except Exception as exc:
        raise _map_errors(exc) from None
    finally:
        done()
    yield f"已生成 {len(result.built)} 份，未变化跳过 {len(result.skipped)} 份：{ws.rel(ws.out_dir)}/"
    if pdf:
        paths = [*result.built, *result.skipped]
        try:
            pdfs = _pdf(paths, ws.out_dir / "pdf")
        except Exception as exc:
            raise _map_errors(exc) from None
        yield f"已转换 PDF {len(pdfs)} 份"
    if result.refused:
        from xsk.documents.refused import open_in_word

        raise open_in_word(ws, result.refused, hint="关闭后重新运行 xsk docs build，其余公文已生成")


def _pdf(paths: list[Path], outdir: Path) -> list[Path]:
    """One batched LibreOffice call; file names are unique (they carry the case/meeting id)."""
    from xsk.documents.build import convert_to_pdf

    outdir.mkdir(parents=True, exist_ok=True)
    return convert_to_pdf(paths, outdir)


def _progress(total: int) -> tuple[Any, Any]:
    if not sys.stderr.isatty() or total < 2:
        return None, lambda: None
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = bar.add_task("生成公文", total=total)
    bar.start()

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return update, bar.stop


def listing(ws: Workspace) -> list[dict[str, Any]]:
    rows = []
    if not ws.out_dir.is_dir():
        return rows
    for p in sorted(ws.out_dir.rglob("*.docx")):
        try:
            props = properties(p)
        except (zipfile.BadZipFile, KeyError):
            raise DataError(Problem(ws.rel(p), 0, "E601", "不是有效的 Word 文件")) from None
        rows.append({"path": ws.rel(p), **props})
    return rows
