"""A document open in Word/WPS (on Windows it cannot be replaced), simulated on Linux with a
read-only target file or folder: skipped with a message, the rest built, exit 2, retried."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

ANSWERS = ROOT / "sample-cases" / "01-transformer" / "answers.toml"


@pytest.fixture
def stepped(ws_path, cli):
    r = cli("-C", str(ws_path), "new", "--title", "配电变压器移交", "--no-input", "--date", "2026-03-02")  # fmt: skip
    assert r.code == 0, r.err
    r = cli("-C", str(ws_path), "step", "2026-001", "--answers", str(ANSWERS), "--all", "--no-docs")  # fmt: skip
    assert r.code == 0, r.err
    r = cli("-C", str(ws_path), "docs", "build")
    assert r.code == 0, r.err
    yield ws_path
    for p in (ws_path / "out").rglob("*"):  # let pytest clean up
        p.chmod(p.stat().st_mode | stat.S_IWUSR)


def _manifest(ws: Path) -> dict[str, str]:
    """Output key -> job hash, from every unit of the manifest (.xsk/docs/*.json)."""
    entries: dict[str, str] = {}
    for path in (ws / ".xsk" / "docs").rglob("*.json"):
        data = json.loads(path.read_text("utf-8"))
        entries.update({k: v[0] for k, v in data.get("jobs", {}).items()})
    return entries


def _key(ws: Path, path: Path) -> str:
    return path.relative_to(ws / "out").as_posix()


def _minutes(ws: Path) -> Path:
    (found,) = (ws / "out").rglob("*会议纪要.docx")
    return found


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_read_only_target_is_skipped_and_retried(stepped, cli, jobs):
    ws = stepped
    minutes = _minutes(ws)
    rel = minutes.relative_to(ws).as_posix()
    others = [p for p in (ws / "out").rglob("*.docx") if p != minutes]
    assert len(others) >= 4
    before = {p: p.stat().st_mtime_ns for p in others}
    old = minutes.read_bytes()
    minutes.chmod(0o444)
    r = cli("-C", str(ws), "docs", "build", "--force", "--jobs", jobs)
    assert r.code == 2, r.err
    assert f"请先在 Word/WPS 中关闭 {rel}" in r.err and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert f"已生成 {len(others)} 份" in r.out
    assert all(p.stat().st_mtime_ns != before[p] for p in others)  # the rest were rebuilt
    assert minutes.read_bytes() == old
    assert _key(ws, minutes) not in _manifest(ws)  # recorded as not built
    assert not list((ws / "out").rglob(".*.tmp"))
    minutes.chmod(0o644)
    r = cli("-C", str(ws), "docs", "build")
    assert r.code == 0, r.err
    assert "已生成 1 份" in r.out and _key(ws, minutes) in _manifest(ws)


def test_read_only_folder_is_skipped(stepped, cli):
    ws = stepped
    folder = ws / "out" / "2026-001"
    inside = sorted(folder.glob("*.docx"))
    assert inside
    folder.chmod(0o555)
    r = cli("-C", str(ws), "docs", "build", "--force", "--jobs", "2")
    assert r.code == 2, r.err
    from xsk.documents.refused import SHOWN

    named = [p for p in inside if f"请先在 Word/WPS 中关闭 {p.relative_to(ws).as_posix()}" in r.err]
    assert len(named) == min(len(inside), SHOWN)
    assert len(inside) <= SHOWN or f"另有 {len(inside) - SHOWN} 份" in r.err
    assert f"已生成 {len(list((ws / 'out').rglob('*.docx'))) - len(inside)} 份" in r.out
    entries = _manifest(ws)
    assert not any(_key(ws, p) in entries for p in inside)


def test_step_whose_document_is_open_is_saved_and_says_so(ws_path, cli):
    r = cli("-C", str(ws_path), "new", "--title", "配电变压器移交", "--no-input", "--date", "2026-03-02")  # fmt: skip
    assert r.code == 0, r.err
    reg = ws_path / "out" / "2026-001" / "2026-001-议题登记表.docx"
    reg.parent.mkdir(parents=True)
    reg.write_bytes(b"open in Word")
    reg.chmod(0o444)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ws_path, capture_output=True).stdout
    try:
        r = cli("-C", str(ws_path), "step", "2026-001", "--answers", str(ANSWERS))  # collect
    finally:
        reg.chmod(0o644)
    assert r.code == 2 and "请先在 Word/WPS 中关闭 out/2026-001/2026-001-议题登记表.docx" in r.err
    assert "本步骤已保存并提交" in r.err
    git = ["git", "-C", str(ws_path)]
    assert subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True).stdout != head
    assert subprocess.run([*git, "status", "--porcelain"], capture_output=True).stdout == b""
    assert reg.read_bytes() == b"open in Word"
    r = cli("-C", str(ws_path), "docs", "build", "2026-001")
    assert r.code == 0 and "已生成 1 份" in r.out, r.out + r.err


def test_permission_error_anywhere_is_one_line_exit_2(ws_path, cli, monkeypatch):
    from xsk.documents import outputs

    def refuse(*_a, **_k):
        raise PermissionError(13, "Permission denied", str(ws_path / "out" / "台账.xlsx"))

    monkeypatch.setattr(outputs, "build", refuse)
    r = cli("-C", str(ws_path), "docs", "build")
    assert r.code == 2 and "台账.xlsx" in r.err and "请先关闭" in r.err
    assert "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1
