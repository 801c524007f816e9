"""Input edges that used to give exit 70 or write where they should not (issue 13)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, run_xsk

ANSWERS = ROOT / "sample-cases" / "01-transformer" / "answers.toml"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True).stdout


def no_internal_error(r) -> None:
    assert "内部错误" not in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) <= 2, r.stderr  # the wait notice and one line


@pytest.fixture
def one_case(ws_path: Path) -> Path:
    r = run_xsk("-C", str(ws_path), "new", "--title", "变压器", "--date", "2026-03-02",
                "--no-input")  # fmt: skip
    assert r.returncode == 0, r.stderr
    return ws_path


def test_a_symlinked_events_folder_is_refused_before_any_write(one_case: Path, tmp_path: Path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (one_case / "cases" / "2026-001" / "events").symlink_to(outside, target_is_directory=True)
    before = git(one_case, "rev-parse", "HEAD")
    r = run_xsk("-C", str(one_case), "event", "2026-001", "objection", "--text", "有异议")
    assert r.returncode == 2 and "符号链接" in r.stderr, r.stderr
    no_internal_error(r)
    assert list(outside.iterdir()) == []
    assert git(one_case, "rev-parse", "HEAD") == before


def test_a_symlinked_meetings_folder_is_refused(one_case: Path, tmp_path: Path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (one_case / "meetings").symlink_to(outside, target_is_directory=True)
    r = run_xsk("-C", str(one_case), "step", "2026-001", "--answers", str(ANSWERS), "--all",
                "--no-docs")  # fmt: skip
    assert r.returncode == 2 and "符号链接" in r.stderr, r.stderr
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("value", ["../x", ".git", "cases", "/tmp/xsk-out", "out/../cases"])
def test_documents_output_is_confined_to_out(ws_path: Path, value: str):
    path = ws_path / "xsk.toml"
    text = path.read_text("utf-8")
    path.write_text(text.replace('output = "out"', f'output = "{value}"'), "utf-8")
    r = run_xsk("-C", str(ws_path), "check")
    assert r.returncode == 1 and "xsk.toml:" in r.stdout and "documents.output" in r.stdout
    r = run_xsk("-C", str(ws_path), "docs", "build")
    assert r.returncode == 2 and "documents.output" in r.stderr, r.stderr
    assert not (ws_path / "x").exists() and not Path("/tmp/xsk-out").exists()


def test_out_subfolder_is_fine(ws_path: Path):
    path = ws_path / "xsk.toml"
    path.write_text(path.read_text("utf-8").replace('output = "out"', 'output = "out/2026"'))
    assert run_xsk("-C", str(ws_path), "check").returncode == 0


@pytest.mark.parametrize(
    "args",
    [
        ["calendar", "add", "9999-12-31", "5"],
        ["calendar", "add", "2026-01-01", "100000000000"],
        ["due", "--within", "100000000000"],
        ["show", "2026-001\n"],
        ["event", "2026-001\n", "objection", "--text", "x"],
        ["log", "../../etc"],
    ],
)
def test_options_out_of_range_are_exit_2(one_case: Path, args: list[str]):
    r = run_xsk("-C", str(one_case), *args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    no_internal_error(r)
    assert git(one_case, "status", "--porcelain") == ""


def test_an_import_cell_over_the_csv_limit(one_case: Path, tmp_path: Path):
    big = tmp_path / "big.csv"
    big.write_text("标题,日期\n" + "甲" * 140_000 + ",2026-01-01\n", "utf-8")
    r = run_xsk("-C", str(one_case), "import", str(big))
    assert r.returncode == 2 and "big.csv 第 2 行" in r.stderr, r.stderr
    no_internal_error(r)


def test_a_meeting_id_with_a_newline_is_not_an_id(one_case: Path, tmp_path: Path):
    text = ANSWERS.read_text("utf-8")
    first = text.split("\n[meet]")[0]
    (tmp_path / "a.toml").write_text(first, "utf-8")
    r = run_xsk("-C", str(one_case), "step", "2026-001", "--answers", str(tmp_path / "a.toml"),
                "--all", "--no-docs")  # fmt: skip
    assert r.returncode == 0, r.stderr
    meet = text.split("\n[meet]")[1].split("\n[confirm]")[0]
    (tmp_path / "b.toml").write_text('[meet]\nmeeting = { id = "2026-M001\\n" }\n', "utf-8")
    r = run_xsk("-C", str(one_case), "step", "2026-001", "--answers", str(tmp_path / "b.toml"),
                "--no-docs")  # fmt: skip
    no_internal_error(r)
    names = [p.name for p in (one_case / "meetings").glob("*")]
    assert all("\n" not in n for n in names), names
    assert meet
