"""Tests of batch building (xsk.render.build) and PDF conversion."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from xsk.documents import build as build_mod
from xsk.documents.build import (
    ConversionError,
    DocJob,
    ToolMissingError,
    build_documents,
    convert_to_pdf,
)
from xsk.documents.docx import PUBLIC_KINDS, PrivacyLeakError, builtin_templates_dir

try:
    from test_render_samples import sample_context
except ImportError:  # tests collected as a package
    from tests.test_render_samples import sample_context

TEMPLATES = [builtin_templates_dir()]
OFFICE_PHONE = "0931-8123456"


def job(kind: str, out_dir: Path, **ctx_changes: object) -> DocJob:
    ctx = sample_context(kind)
    ctx.update(ctx_changes)
    return DocJob(
        kind=kind,
        context=ctx,
        out_path=out_dir / f"{kind}.docx",
        public=kind in PUBLIC_KINDS,
        case_ids=list(ctx["case_ids"]),
        known_private=["13812345678"] if kind in PUBLIC_KINDS else [],
        allowed_public=[OFFICE_PHONE],
    )


def test_incremental_build_skips_and_force_rebuilds(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    manifest = tmp_path / "manifest.json"
    kinds = ["notice", "minutes", "reply"]
    calls: list[tuple[int, int]] = []

    def run(jobs: list[DocJob], **kw: object) -> build_mod.BuildResult:
        return build_documents(
            jobs,
            template_dirs=TEMPLATES,
            manifest_path=manifest,
            progress=lambda d, t: calls.append((d, t)),
            **kw,  # type: ignore[arg-type]
        )

    first = run([job(k, out) for k in kinds])
    assert first.built == [out / f"{k}.docx" for k in kinds] and first.skipped == []
    assert calls == [(1, 3), (2, 3), (3, 3)]
    entries = json.loads(manifest.read_text(encoding="utf-8"))["entries"]
    assert sorted(entries) == sorted(f"docs/{k}.docx" for k in kinds)

    second = run([job(k, out) for k in kinds])
    assert second.built == [] and len(second.skipped) == 3

    changed = run(
        [job("notice", out, doc_title="新的标题"), job("minutes", out), job("reply", out)]
    )
    assert changed.built == [out / "notice.docx"]
    assert len(changed.skipped) == 2

    (out / "reply.docx").unlink()
    missing = run([job(k, out) for k in kinds])  # notice is back to its first context too
    assert missing.built == [out / "notice.docx", out / "reply.docx"]

    # The traditional flag is part of the key.
    trad = run([job("reply", out)], traditional=True)
    assert trad.built == [out / "reply.docx"]

    forced = run([job(k, out) for k in kinds], force=True)
    assert len(forced.built) == 3 and forced.skipped == []


def test_template_change_triggers_rebuild(tmp_path: Path) -> None:
    override = tmp_path / "override"
    override.mkdir()
    manifest = tmp_path / "m.json"
    dirs = [override, *TEMPLATES]
    jobs = [job("reply", tmp_path)]
    assert build_documents(jobs, template_dirs=dirs, manifest_path=manifest).built
    assert build_documents(jobs, template_dirs=dirs, manifest_path=manifest).skipped
    shutil.copy(TEMPLATES[0] / "reply.docx", override / "reply.docx")
    with zipfile.ZipFile(override / "reply.docx", "a") as z:
        z.writestr("customXml/extra.xml", "<x/>")  # any change to the template bytes
    assert build_documents(jobs, template_dirs=dirs, manifest_path=manifest).built


def test_parallel_build_matches_serial(tmp_path: Path) -> None:
    kinds = ["notice", "signin", "minutes", "result"]
    serial = build_documents(
        [job(k, tmp_path / "s") for k in kinds],
        template_dirs=TEMPLATES,
        manifest_path=tmp_path / "s.json",
    )
    parallel = build_documents(
        [job(k, tmp_path / "p") for k in kinds],
        template_dirs=TEMPLATES,
        manifest_path=tmp_path / "p.json",
        jobs_n=2,
    )
    assert [p.name for p in parallel.built] == [p.name for p in serial.built]
    for a, b in zip(serial.built, parallel.built, strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_failed_job_keeps_others_recorded(tmp_path: Path) -> None:
    bad = job("notice", tmp_path)
    bad.context["meeting"]["contact"] = "手机13812345678"
    manifest = tmp_path / "m.json"
    with pytest.raises(PrivacyLeakError):
        build_documents(
            [job("reply", tmp_path), bad], template_dirs=TEMPLATES, manifest_path=manifest
        )
    entries = json.loads(manifest.read_text(encoding="utf-8"))["entries"]
    assert list(entries) == ["reply.docx"]
    assert not (tmp_path / "notice.docx").exists()


def test_failed_job_in_a_worker_batch_keeps_the_others(tmp_path: Path) -> None:
    """Workers get jobs in batches: one failure costs only its own document, and the error
    (with its details) reaches the caller."""
    bad = job("notice", tmp_path)
    bad.context["meeting"]["contact"] = "手机13812345678"
    good = [job(k, tmp_path / "ok") for k in ("reply", "signin", "minutes", "visit")]
    manifest = tmp_path / "m.json"
    with pytest.raises(PrivacyLeakError) as info:
        build_documents(
            [good[0], good[1], bad, good[2], good[3]],
            template_dirs=TEMPLATES,
            manifest_path=manifest,
            jobs_n=2,
        )
    assert info.value.leaks == ["13812345678"]
    entries = json.loads(manifest.read_text(encoding="utf-8"))["entries"]
    assert sorted(entries) == sorted(f"ok/{j.out_path.name}" for j in good)
    assert not bad.out_path.exists()


def test_corrupt_manifest_means_rebuild(tmp_path: Path) -> None:
    manifest = tmp_path / "m.json"
    manifest.write_text("{not json", encoding="utf-8")
    result = build_documents(
        [job("reply", tmp_path)], template_dirs=TEMPLATES, manifest_path=manifest
    )
    assert result.built == [tmp_path / "reply.docx"]


def test_missing_libreoffice_raises_with_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build_mod.shutil, "which", lambda name: None)
    with pytest.raises(ToolMissingError) as info:
        convert_to_pdf([tmp_path / "a.docx"], tmp_path)
    assert "apt-get install libreoffice-writer-nogui fonts-noto-cjk" in str(info.value)
    assert convert_to_pdf([], tmp_path) == []


def test_libreoffice_copy_replaces_squeezed_character_grid(tmp_path: Path) -> None:
    src = build_documents(
        [job("reply", tmp_path)], template_dirs=TEMPLATES, manifest_path=tmp_path / "m.json"
    ).built[0]
    fixed = build_mod._lo_compatible(src.read_bytes())
    assert fixed is not None
    with zipfile.ZipFile(__import__("io").BytesIO(fixed)) as z:
        document = z.read("word/document.xml").decode()
        styles = z.read("word/styles.xml").decode()
    assert '<w:docGrid w:type="lines" w:linePitch="579"/>' in document
    assert '<w:spacing w:val="-5"/>' in styles
    assert build_mod._lo_compatible(fixed) is None  # nothing left to fix


@pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice 未安装",
)
def test_convert_two_documents_to_pdf(tmp_path: Path) -> None:
    built = build_documents(
        [job("minutes", tmp_path / "docx"), job("result", tmp_path / "docx")],
        template_dirs=TEMPLATES,
        manifest_path=tmp_path / "m.json",
    ).built
    pdfs = convert_to_pdf(built, tmp_path / "pdf")
    assert [p.name for p in pdfs] == ["minutes.pdf", "result.pdf"]
    for pdf in pdfs:
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF")
        assert b"595" in data  # A4 width in points appears in the MediaBox
    with pytest.raises(ConversionError):
        convert_to_pdf([tmp_path / "nope.docx"], tmp_path / "pdf")


def test_documents_are_synced_once_at_the_end_not_each(tmp_path: Path, monkeypatch) -> None:
    import os

    synced: list[set[Path]] = []
    monkeypatch.setattr(build_mod.atomic, "sync_all", lambda paths: synced.append(set(paths)))
    fsyncs: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (fsyncs.append(fd), real(fd))[1])
    jobs = [job(k, tmp_path / "out") for k in ("notice", "minutes", "reply")]
    result = build_documents(jobs, template_dirs=TEMPLATES, manifest_path=tmp_path / "m.json")
    assert len(result.built) == 3
    assert synced == [set(result.built)]  # one sync for all three, before the manifest
    assert len(fsyncs) == 2  # the manifest file and its folder: no document on its own


def test_sync_all_syncs_few_files_each_and_many_at_once(tmp_path: Path, monkeypatch) -> None:
    import os

    from xsk.store import atomic

    files = []
    for i in range(atomic.SYNC_EACH_MAX + 1):
        path = tmp_path / f"{i}.docx"
        atomic.write_bytes(path, b"x", durable=False)
        files.append(path)
    fsyncs: list[int] = []
    syncs: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (fsyncs.append(fd), real(fd))[1])
    monkeypatch.setattr(os, "sync", lambda: syncs.append(1), raising=False)
    atomic.sync_all(files[:2])
    assert len(fsyncs) == 3 and syncs == []  # two files and their folder
    fsyncs.clear()
    atomic.sync_all(files)
    assert syncs == [1] and fsyncs == []
    # Windows has no os.sync: many files are fsynced one by one
    monkeypatch.delattr(os, "sync")
    atomic.sync_all(files)
    assert len(fsyncs) >= len(files)
