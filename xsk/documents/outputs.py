"""``xsk docs``: build and list documents."""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from xsk.core.errors import DataError, Problem, ToolMissingError, UsageError
from xsk.core.kinds import KIND_NAMES
from xsk.workspace import cases as store
from xsk.workspace.settings import Workspace

KINDS = tuple(KIND_NAMES)


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
    extra: Callable[[], list[Path]] | None = None,
) -> Iterator[str]:
    """Build the documents of ``ids`` (all cases by default); with ``pdf`` convert them in one
    LibreOffice call, together with what ``extra`` builds (the report and the 督办单)."""
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise UsageError(f"未知的文书种类“{bad[0]}”", hint=f"可选：{'、'.join(KINDS)}")
    if jobs < 1:
        raise UsageError("--jobs 至少为 1")
    whole = not ids
    check = None
    if not kinds:  # the units whose inputs and outputs are unchanged are not planned again
        from xsk.documents import uptodate

        flag = ws.settings.traditional if traditional is None else traditional
        check = uptodate.check(ws, list(ids) or None, traditional=flag, force=force)
        ids = check.to_plan
    else:
        ids = list(ids) or store.case_ids(ws)
    result, planned_paths = _plan_and_build(
        ws, ids, kinds, check, force=force, jobs=jobs, traditional=traditional
    )
    unplanned: list[Path] = []  # up to date without planning (counted; paths for --pdf)
    n_unplanned = 0
    if check is not None:
        from xsk.documents.uptodate import unit_of

        check.finish(whole=whole)
        planned = {unit_of(check.manifest.key(p)) for p in planned_paths}
        n_unplanned = check.skipped_count(planned)
        if pdf:
            unplanned = check.skipped(planned)
    skipped = n_unplanned + len(result.skipped)
    yield f"已生成 {len(result.built)} 份，未变化跳过 {skipped} 份：{ws.rel(ws.out_dir)}/"
    if pdf:
        paths = [*result.built, *unplanned, *result.skipped]
        if extra is not None:
            try:
                paths += extra()
            except Exception as exc:
                raise _map_errors(exc) from None
        try:
            pdfs = _pdf(paths, ws.out_dir / "pdf")
        except Exception as exc:
            raise _map_errors(exc) from None
        yield f"已转换 PDF {len(pdfs)} 份"
    if result.refused:
        from xsk.documents.refused import open_in_word

        raise open_in_word(ws, result.refused, hint="关闭后重新运行 xsk docs build，其余公文已生成")


def _plan_and_build(
    ws: Workspace,
    ids: Sequence[str],
    kinds: Sequence[str],
    check: Any,
    *,
    force: bool,
    jobs: int,
    traditional: bool | None,
) -> tuple[Any, list[Any]]:
    """Plan ``ids`` (each unit whole, recorded in ``check``'s manifest) and build the jobs;
    the result and the planned jobs' output paths."""
    from xsk.documents.builtin import BuildResult

    if not ids:  # nothing to plan: every document is up to date
        if check is not None:
            check.manifest.save()
        return BuildResult(), []
    from xsk.documents import plan as documents  # the planner, imported only when used

    for cid in ids:
        store.load_case(ws, cid)  # every case readable before anything is built
    # Planned and built a slice of cases at a time: the jobs' contexts and the files read for
    # them are let go after each slice (a first build of 50,000 cases held them all: GiBs).
    # A unit is planned whole within one slice; a meeting of cases in two slices is planned
    # in both, and built once (the second finds its output up to date).
    step = CHUNK if check is not None else max(len(ids), 1)
    result = BuildResult()
    out_paths: list[Any] = []
    seen: set[Any] = set()
    progress, done = _progress(len(ids) * 5)  # (about five documents a case; grows if more)
    try:
        for start in range(0, len(ids), step):
            part = list(ids[start : start + step])
            with documents.reading_once():
                job_list = documents.jobs_for_cases(ws, part, kinds or None)
                if check is not None:
                    check.planned(job_list, documents, part)
            offset = len(out_paths)  # the jobs of the slices before

            def moved(n: int, total: int, offset: int = offset) -> None:
                if progress is not None:
                    progress(offset + n, max(offset + total, len(ids) * 5))

            try:
                got = documents.run_jobs(
                    ws,
                    job_list,
                    force=force,
                    jobs_n=jobs,
                    traditional=traditional,
                    progress=moved,
                    manifest=check.manifest if check is not None else None,
                )
            except Exception as exc:
                raise _map_errors(exc) from None
            for attr in ("built", "skipped", "refused"):  # a meeting's outputs come once
                for path in getattr(got, attr):
                    if path not in seen:
                        seen.add(path)
                        getattr(result, attr).append(path)
            out_paths += [j.out_path for j in job_list]
    finally:
        done()
    return result, out_paths


CHUNK = 1000  # cases planned and built at a time


def packet(ws: Workspace, mid: str, out: Path | None = None) -> tuple[Path, list[str]]:
    """``xsk docs packet``: the meeting's documents in one PDF with bookmarks."""
    from xsk.documents.packet import build_packet

    plan_meeting = ws.meetings_dir / f"{mid}.toml"
    if not plan_meeting.is_file():
        raise UsageError(f"找不到会议 {mid}", hint="用 xsk meetings list 查看会议")
    try:
        return build_packet(ws, mid, out)
    except Exception as exc:
        raise _map_errors(exc) from None


def image(ws: Workspace, ident: str, kind: str, out: Path | None = None) -> Path:
    """``xsk docs image``: the public notice as a phone-sized PNG."""
    from xsk.documents.image import public_image

    try:
        return public_image(ws, ident, kind, out)[0]
    except Exception as exc:
        raise _map_errors(exc) from None


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
            props = _properties(p)
        except (zipfile.BadZipFile, KeyError):
            raise DataError(Problem(ws.rel(p), 0, "E601", "不是有效的 Word 文件")) from None
        rows.append({"path": ws.rel(p), **props})
    return rows


def _properties(path: Path) -> dict[str, str]:
    from xsk.documents.docx_text import properties  # lxml: only when documents are listed

    return properties(path)
