"""Batch building of documents: incremental, optionally parallel, and PDF conversion.

Why this module is long: the batch builder (job hash, manifest, process pool, one sync at the
end) and the PDF conversion of what it built (LibreOffice, its layout fixes and fonts) are
the two halves of ``docs build``; each half is short and reads top to bottom.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any

from lxml import etree

from xsk.core import mpstart
from xsk.documents.builtin import BuildResult
from xsk.documents.docx import (
    RENDERER_VERSION,
    _atomic_write,
    find_template,
    image_holders,
    render_document,
    warm,
)
from xsk.store import atomic
from xsk.store.atomic import ReplaceRefused

__all__ = [
    "BuildResult",
    "ConversionError",
    "DocJob",
    "Manifest",
    "Templates",
    "ToolMissingError",
    "build_documents",
    "convert_to_pdf",
    "find_soffice",
    "job_hash",
]

MANIFEST_VERSION = 1
INSTALL_HINT = (
    "Linux：apt-get install libreoffice-writer-nogui fonts-noto-cjk；"
    "Windows：从 https://zh-cn.libreoffice.org/download/ 下载安装，"
    "或把环境变量 XSK_SOFFICE 设为 soffice.exe 的完整路径"
)
SOFFICE_ENV = "XSK_SOFFICE"


class ToolMissingError(Exception):
    """An external program (LibreOffice) needed for the task is not installed."""


class ConversionError(Exception):
    """LibreOffice ran but did not produce the expected PDF files."""


@dataclass
class DocJob:
    """One document to build. ``context`` must be plain, picklable data."""

    kind: str
    context: dict[str, Any]
    out_path: Path
    public: bool
    case_ids: list[str] = field(default_factory=list)
    known_private: list[str] = field(default_factory=list)
    allowed_public: list[str] = field(default_factory=list)
    scan: dict[str, Any] | None = None  # the public view's names (xsk.publicview.spec)


def _job_context(job: DocJob) -> dict[str, Any]:
    ctx = dict(job.context)
    if job.case_ids and not ctx.get("case_ids"):
        ctx["case_ids"] = list(job.case_ids)
    return ctx


def _image_digests(value: Any) -> list[str]:
    """Chart images are part of the output: hash their bytes too."""
    out = []
    for holder in image_holders(value):
        p = Path(holder["image_path"])
        digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "missing"
        out.append(f"{p}:{digest}")
    return out


class Templates:
    """Each kind's template found and read once per build (``job_hash`` of many jobs)."""

    def __init__(self, template_dirs: Sequence[Path]) -> None:
        self.dirs = list(template_dirs)
        self._bytes: dict[str, bytes] = {}

    def bytes_of(self, kind: str) -> bytes:
        data = self._bytes.get(kind)
        if data is None:
            data = self._bytes[kind] = find_template(kind, self.dirs).read_bytes()
        return data


def job_hash(
    job: DocJob,
    template_dirs: Sequence[Path],
    traditional: bool,
    *,
    templates: Templates | None = None,
) -> str:
    """Cache key of a job: context, template bytes, kind, flags and renderer version.
    ``templates`` (one per build) reads each kind's template once instead of per job."""
    ctx = _job_context(job)
    template = (templates or Templates(template_dirs)).bytes_of(job.kind)
    images = _image_digests(ctx)
    h = hashlib.sha256()
    payload = {
        "renderer": RENDERER_VERSION,
        "kind": job.kind,
        "traditional": bool(traditional),
        "public": bool(job.public),
        "known_private": sorted(str(k) for k in job.known_private),
        "allowed_public": sorted(str(k) for k in job.allowed_public),
        **({"scan": job.scan} if job.scan else {}),
        "images": images,
        "context": ctx,
    }
    h.update(
        json.dumps(
            payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        ).encode("utf-8")
    )
    h.update(b"\0template\0")
    h.update(template)
    return h.hexdigest()


def _run_job(job: DocJob, template_dirs: Sequence[Path], traditional: bool) -> Path:
    return render_document(
        job.kind,
        _job_context(job),
        Path(job.out_path),
        template_dirs=list(template_dirs),
        public=job.public,
        traditional=traditional,
        known_private=list(job.known_private),
        allowed_public=list(job.allowed_public),
        scan=job.scan,
        durable=False,  # rebuildable output: build_documents syncs once at the end
    )


def _run_batch(
    jobs: Sequence[DocJob], template_dirs: Sequence[Path], traditional: bool
) -> list[Path | Exception]:
    """Run jobs in a worker; a failed job gives its exception, the others still run."""
    out: list[Path | Exception] = []
    for job in jobs:
        try:
            out.append(_run_job(job, template_dirs, traditional))
        except Exception as exc:
            out.append(exc)
    from xsk.rules import names_cache

    names_cache.save_cache()  # a worker's finds too (workers do not run exit handlers)
    return out


def _manifest_key(out_path: Path, manifest_path: Path) -> str:
    out = Path(out_path).resolve()
    base = Path(manifest_path).resolve().parent
    try:
        return out.relative_to(base).as_posix()
    except ValueError:
        return out.as_posix()


class Manifest:
    """What was built: output key -> job hash. This one is a single JSON file
    (``manifest_path``); a workspace keeps one file per case instead
    (:class:`xsk.documents.uptodate.UnitManifest`, same methods)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._base = self.path.resolve().parent  # resolved once, not per job
        self.entries = _load_manifest(self.path)

    def key(self, out_path: Path) -> str:
        out = Path(out_path).resolve()
        try:
            return out.relative_to(self._base).as_posix()
        except ValueError:
            return out.as_posix()

    def get(self, key: str) -> str | None:
        return self.entries.get(key)

    def record(self, key: str, digest: str, path: Path) -> None:
        self.entries[key] = digest

    def drop(self, key: str) -> None:
        self.entries.pop(key, None)

    def save(self) -> None:
        _save_manifest(self.path, self.entries)


def _load_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return {}
    entries = data.get("entries")
    if not isinstance(entries, dict):
        return {}
    return {str(k): str(v) for k, v in entries.items()}


def _save_manifest(path: Path, entries: Mapping[str, str]) -> None:
    data = {"version": MANIFEST_VERSION, "entries": dict(sorted(entries.items()))}
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    _atomic_write(Path(path), text.encode("utf-8"))


def _pool(workers: int, ctx: BaseContext) -> ProcessPoolExecutor:
    """The build's process pool. Workers get jobs, template folders and flags by argument
    (``_run_batch``), nothing from this process's globals, so any start method works.
    Each worker dies with this process (:mod:`xsk.documents.orphans`)."""
    from xsk.documents import orphans

    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=orphans.watch_parent,
        initargs=orphans.initargs(),
    )


def build_documents(
    jobs: Iterable[DocJob],
    *,
    template_dirs: Sequence[Path],
    jobs_n: int = 1,
    force: bool = False,
    traditional: bool = False,
    manifest_path: Path | None = None,
    manifest: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Build every job whose output is missing or out of date.

    A job is skipped when its output exists and the manifest records the same hash (see
    ``job_hash``); ``force`` rebuilds everything. With ``jobs_n > 1`` the jobs run in a process
    pool. ``progress(done, total)`` is called in this process after each job (skipped ones
    included). When a job fails, the manifest still records the jobs that succeeded and the
    first error is raised. An output that cannot be replaced (open in Word/WPS, read-only)
    is not an error here: it is listed in ``result.refused`` and left out of the manifest.

    The manifest is ``manifest`` (a :class:`Manifest` or
    :class:`xsk.documents.uptodate.UnitManifest`) or the file ``manifest_path``. Documents
    are written without fsync, atomically; all of them are synced once at the end, before
    the manifest records them (a crash cannot leave a recorded but unwritten document).
    """
    job_list = list(jobs)
    total = len(job_list)
    if manifest is None:
        assert manifest_path is not None, "build_documents needs a manifest"
        manifest = Manifest(manifest_path)
    templates = Templates(template_dirs)
    result = BuildResult()
    done = 0
    todo: list[tuple[DocJob, str, str]] = []
    for job in job_list:
        key = manifest.key(job.out_path)
        digest = job_hash(job, template_dirs, traditional, templates=templates)
        if not force and manifest.get(key) == digest and Path(job.out_path).is_file():
            result.skipped.append(Path(job.out_path))
            done += 1
            if progress:
                progress(done, total)
            manifest.record(key, digest, Path(job.out_path))
        else:
            todo.append((job, key, digest))

    errors: list[BaseException] = []
    built: dict[str, Path] = {}

    def finished(key: str, digest: str, path: Path) -> None:
        nonlocal done
        built[key] = path
        done += 1
        if progress:
            progress(done, total)

    def failed(key: str, exc: BaseException) -> None:
        nonlocal done
        manifest.drop(key)  # not built: the next build tries again
        if isinstance(exc, ReplaceRefused):  # open in Word: build the rest, report at the end
            result.refused.append(Path(exc.filename))
        else:
            errors.append(exc)
        done += 1
        if progress:
            progress(done, total)

    try:
        if jobs_n > 1 and len(todo) > 1:
            workers = min(jobs_n, len(todo))
            ctx = mpstart.context()
            if mpstart.forks(ctx):  # spawned workers would not inherit the warmed templates
                warm((job.kind for job, _, _ in todo), template_dirs)
            # Jobs go to the workers in small batches: one round trip per document cost
            # more than rendering a short one.
            size = max(1, math.ceil(len(todo) / (workers * 6)))
            batches = [todo[i : i + size] for i in range(0, len(todo), size)]
            with _pool(workers, ctx) as pool:
                futures = {
                    pool.submit(
                        _run_batch, [job for job, _, _ in batch], list(template_dirs), traditional
                    ): batch
                    for batch in batches
                }
                for fut in as_completed(futures):
                    batch = futures[fut]
                    try:
                        outcomes = fut.result()
                    except Exception as exc:  # the worker died
                        outcomes = [exc] * len(batch)
                    for (_job, key, digest), outcome in zip(batch, outcomes, strict=True):
                        if isinstance(outcome, BaseException):
                            failed(key, outcome)
                        else:
                            finished(key, digest, outcome)
        else:
            for job, key, digest in todo:
                try:
                    finished(key, digest, _run_job(job, template_dirs, traditional))
                except Exception as exc:
                    failed(key, exc)
    finally:
        # one sync for every document written, then the manifest records them
        atomic.sync_all(list(built.values()))
        for _job, key, digest in todo:
            if key in built:
                manifest.record(key, digest, built[key])
        manifest.save()

    # Keep the job order in the result, whatever order the pool finished in.
    for _job, key, _ in todo:
        if key in built:
            result.built.append(built[key])
    order = {str(job.out_path): i for i, (job, _, _) in enumerate(todo)}
    result.refused.sort(key=lambda p: order.get(str(p), len(order)))
    if errors:
        raise errors[0]
    return result


# --------------------------------------------------------------------------------------
# PDF conversion
# --------------------------------------------------------------------------------------


def find_soffice() -> str | None:
    """Path of the LibreOffice executable, or None: ``XSK_SOFFICE``, then ``soffice`` on
    PATH (``soffice.exe`` on Windows), then where the Windows installer puts it."""
    chosen = os.environ.get(SOFFICE_ENV, "").strip().strip('"')
    if chosen:
        return chosen if Path(chosen).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in windows_soffice_paths(os.environ):
        if candidate.is_file():
            return str(candidate)
    return None


def windows_soffice_paths(env: Mapping[str, str], *, windows: bool | None = None) -> list[Path]:
    """``…\\LibreOffice\\program\\soffice.exe`` under Program Files (64-bit, then x86);
    the built-in ``C:\\`` defaults only on Windows."""
    roots = [env.get(k) for k in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")]
    if sys.platform == "win32" if windows is None else windows:
        roots += [r"C:\Program Files", r"C:\Program Files (x86)"]
    return [
        Path(root, "LibreOffice", "program", "soffice.exe")
        for root in dict.fromkeys(r for r in roots if r)
    ]


_DOCGRID_RE = re.compile(rb"<w:docGrid\b[^>]*/>")
_ATTR_RE = re.compile(rb'w:(type|linePitch|charSpace)="([^"]*)"')


def _lo_compatible(data: bytes) -> bytes | None:
    """A copy of a .docx that LibreOffice lays out like Word, or None if none is needed.

    GB/T 9704 asks for 28 characters of 16 pt per 156 mm line, so Word's character grid
    squeezes each character by about 0.2 pt (a negative ``w:charSpace``). LibreOffice instead
    gives every character that no longer fits one grid cell two cells, doubling the spacing.
    For LibreOffice the character grid is replaced by a line grid plus the same squeeze as
    character spacing on the document defaults.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        if "word/document.xml" not in names:
            return None
        doc = z.read("word/document.xml")
        squeeze: list[int] = []

        def fix(m: re.Match[bytes]) -> bytes:
            attrs = {k.decode(): v.decode() for k, v in _ATTR_RE.findall(m.group(0))}
            try:
                space = int(attrs.get("charSpace", "0"))
            except ValueError:
                return m.group(0)
            if attrs.get("type") not in ("linesAndChars", "snapToChars") or space >= 0:
                return m.group(0)
            squeeze.append(space)
            pitch = attrs.get("linePitch", "360")
            return f'<w:docGrid w:type="lines" w:linePitch="{pitch}"/>'.encode()

        new_doc = _DOCGRID_RE.sub(fix, doc)
        if not squeeze:
            return None
        # charSpace is in 1/4096 pt; w:spacing in 1/20 pt, rounded towards more squeeze.
        twips = math.floor(min(squeeze) * 20 / 4096)
        styles = z.read("word/styles.xml") if "word/styles.xml" in names else None
        if styles is not None:
            root = etree.fromstring(styles)
            w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
            rpr = root.find(f"{{{w}}}docDefaults/{{{w}}}rPrDefault/{{{w}}}rPr")
            if rpr is not None and rpr.find(f"{{{w}}}spacing") is None:
                sp = etree.Element(f"{{{w}}}spacing")
                sp.set(f"{{{w}}}val", str(twips))
                # w:spacing comes after color and before w/kern/position/sz in CT_RPr.
                later = {
                    f"{{{w}}}{t}"
                    for t in (
                        "w",
                        "kern",
                        "position",
                        "sz",
                        "szCs",
                        "highlight",
                        "u",
                        "effect",
                        "bdr",
                        "shd",
                        "fitText",
                        "vertAlign",
                        "rtl",
                        "cs",
                        "em",
                        "lang",
                        "eastAsianLayout",
                    )
                }
                idx = next((i for i, c in enumerate(rpr) if c.tag in later), len(rpr))
                rpr.insert(idx, sp)
                styles = etree.tostring(
                    root, xml_declaration=True, encoding="UTF-8", standalone=True
                )
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for name in names:
                blob = z.read(name)
                if name == "word/document.xml":
                    blob = new_doc
                elif name == "word/styles.xml" and styles is not None:
                    blob = styles
                dst.writestr(name, blob)
    return out.getvalue()


# Fallbacks for the GB/T 9704 fonts where they are not installed (typical on Linux): the
# Windows names first, then Noto CJK from Debian's fonts-noto-cjk. ``accept`` only applies when
# the requested family itself is missing.
_FONT_FALLBACKS = {
    "方正小标宋简体": ["方正小标宋_GBK", "华文中宋", "STZhongsong", "Noto Serif CJK SC"],
    "仿宋_GB2312": ["仿宋", "FangSong", "Noto Serif CJK SC"],
    "楷体_GB2312": ["楷体", "KaiTi", "AR PL UKai CN", "Noto Serif CJK SC"],
    "黑体": ["SimHei", "Noto Sans CJK SC"],
    "宋体": ["SimSun", "Noto Serif CJK SC"],
}


def _fontconfig_file(workdir: Path) -> Path | None:
    """A private fontconfig file adding CJK fallbacks to the user's configuration."""
    base = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    if not Path(base).is_file():
        return None
    from xml.sax.saxutils import escape

    parts = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
        "<fontconfig>",
        f'  <include ignore_missing="yes">{escape(base)}</include>',
    ]
    for family, fallbacks in _FONT_FALLBACKS.items():
        accept = "".join(f"<family>{escape(f)}</family>" for f in fallbacks)
        parts.append(
            f'  <alias binding="same"><family>{escape(family)}</family>'
            f"<accept>{accept}</accept></alias>"
        )
    parts.append("</fontconfig>")
    path = workdir / "fonts.conf"
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path


def convert_to_pdf(
    paths: Sequence[Path], outdir: Path, *, timeout: float | None = None
) -> list[Path]:
    """Convert .docx files to PDF with one headless LibreOffice call; return the PDF paths.

    Uses a private, temporary LibreOffice profile so it works while LibreOffice is open on the
    desktop. Raises ToolMissingError when LibreOffice is not installed and ConversionError when
    it fails.
    """
    files = [Path(p).resolve() for p in paths]
    if not files:
        return []
    soffice = find_soffice()
    if soffice is None and os.environ.get(SOFFICE_ENV, "").strip():
        raise ToolMissingError(
            f"环境变量 {SOFFICE_ENV} 指向的 {os.environ[SOFFICE_ENV]} 不存在，无法转换为 PDF"
        )
    if soffice is None:
        raise ToolMissingError(
            f"未找到 LibreOffice（soffice），无法转换为 PDF。请先安装：{INSTALL_HINT}"
        )
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise ConversionError("要转换的文件不存在：" + "、".join(missing))
    stems: dict[str, Path] = {}
    for f in files:
        if f.stem in stems and stems[f.stem] != f:
            raise ConversionError(
                f"{stems[f.stem]} 与 {f} 文件名相同，转换后的 PDF 会互相覆盖，请分别转换"
            )
        stems[f.stem] = f
    files = list(stems.values())
    out = Path(outdir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    if timeout is None:
        timeout = 120 + 30 * len(files)
    profile = Path(tempfile.mkdtemp(prefix="xsk-lo-profile-"))
    try:
        inputs: list[Path] = []
        staging = profile / "input"
        staging.mkdir()
        for f in files:
            fixed = _lo_compatible(f.read_bytes()) if f.suffix.lower() == ".docx" else None
            if fixed is None:
                inputs.append(f)
            else:
                copy = staging / f.name
                copy.write_bytes(fixed)
                inputs.append(copy)
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *[str(f) for f in inputs],
        ]
        env = dict(os.environ)
        env.setdefault("HOME", str(profile))
        fc = _fontconfig_file(profile)
        if fc is not None:
            env["FONTCONFIG_FILE"] = str(fc)
        try:
            proc = subprocess.run(
                cmd,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ConversionError(f"LibreOffice 转换超时（{timeout:.0f} 秒）") from exc
        if proc.returncode != 0:
            raise ConversionError(
                f"LibreOffice 转换失败（退出码 {proc.returncode}）：{proc.stderr.strip()[-500:]}"
            )
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(profile)
    pdfs = [out / f"{f.stem}.pdf" for f in files]
    absent = [str(p) for p in pdfs if not p.is_file()]
    if absent:
        raise ConversionError("LibreOffice 未生成以下 PDF 文件：" + "、".join(absent))
    return pdfs


def built_outputs(manifest_path: Path) -> set[str]:
    """The outputs the manifest at ``manifest_path`` records (resolved paths, with ``/``)."""
    base = Path(manifest_path).resolve().parent.as_posix()
    entries = _load_manifest(manifest_path)
    return {key if os.path.isabs(key) else f"{base}/{key}" for key in entries}
