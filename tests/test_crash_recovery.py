"""Crashes at a git call and commands that exit 2 (issue 13): the last commit's state, always.

A git wrapper first on PATH kills xsk (``kill -9 $PPID``) when xsk runs a given git
subcommand; the next command (even ``xsk check``) rolls the interrupted change back, so
nothing is left untracked, staged or swept into a later commit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, run_xsk

ANSWERS = ROOT / "sample-cases" / "01-transformer" / "answers.toml"
REAL_GIT = shutil.which("git")


def git(root: Path, *args: str, check: bool = True) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=check
    ).stdout


def shim(tmp_path: Path, sub: str, *, after: bool = False) -> dict[str, str]:
    """PATH with a git that kills its caller at ``git SUB`` (before it runs, or after)."""
    d = tmp_path / f"shim-{sub}-{int(after)}"
    d.mkdir(exist_ok=True)
    if after:
        body = f'if [ "$1" = {sub} ]; then {REAL_GIT} "$@"; kill -9 $PPID; exit 1; fi\n'
    else:
        body = f'if [ "$1" = {sub} ]; then kill -9 $PPID; exit 1; fi\n'
    (d / "git").write_text(f'#!/bin/sh\n{body}exec {REAL_GIT} "$@"\n')
    (d / "git").chmod(0o755)
    return {"PATH": f"{d}{os.pathsep}{os.environ['PATH']}"}


def settled(root: Path) -> None:
    """What every command must leave: check passes, nothing pending, git consistent."""
    r = run_xsk("-C", str(root), "check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
    assert not (root / ".git" / "index.lock").exists()
    assert not (root / ".xsk" / "journal").exists()
    fsck = subprocess.run(["git", "fsck", "--strict", "--no-progress"], cwd=root,
                          capture_output=True, text=True)  # fmt: skip
    assert fsck.returncode == 0, fsck.stderr


@pytest.fixture
def closed_case(ws_path: Path) -> Path:
    r = run_xsk("-C", str(ws_path), "new", "--title", "小区配电变压器移交电网公司",
                "--date", "2026-03-02", "--no-input")  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = run_xsk("-C", str(ws_path), "step", "2026-001", "--answers", str(ANSWERS), "--all",
                "--no-docs")  # fmt: skip
    assert r.returncode == 0, r.stderr
    return ws_path


@pytest.mark.parametrize("sub", ["add", "commit"])
def test_event_killed_at_git_is_rolled_back(closed_case: Path, tmp_path: Path, sub: str) -> None:
    root = closed_case
    before = git(root, "rev-parse", "HEAD")
    r = run_xsk("-C", str(root), "event", "2026-001", "progress", "--no", "1",
                "--status", "已办结", "--text", "已恢复供水", env=shim(tmp_path, sub))  # fmt: skip
    assert r.returncode == -9
    settled(root)
    assert git(root, "rev-parse", "HEAD") == before
    assert "已恢复供水" not in (root / "cases/2026-001/outcomes.toml").read_text("utf-8")
    # the next command's commit holds only its own change
    r = run_xsk("-C", str(root), "event", "2026-001", "objection", "--text", "有异议")
    assert r.returncode == 0, r.stderr
    changed = git(root, "show", "--name-only", "--format=", "HEAD").split()
    assert all("objection" in p for p in changed), changed


def test_new_killed_at_git_leaves_no_folder(ws_path: Path, tmp_path: Path) -> None:
    r = run_xsk("-C", str(ws_path), "new", "--title", "楼道灯", "--no-input",
                env=shim(tmp_path, "add"))  # fmt: skip
    assert r.returncode == -9
    settled(ws_path)
    assert not (ws_path / "cases" / "2026-001").exists()
    r = run_xsk("-C", str(ws_path), "new", "--title", "楼道灯", "--no-input")
    assert r.returncode == 0 and r.stdout.split()[-1] == "2026-001", r.stderr


def test_step_all_killed_at_second_commit(ws_path: Path, tmp_path: Path) -> None:
    r = run_xsk("-C", str(ws_path), "new", "--title", "变压器", "--date", "2026-03-02",
                "--no-input")  # fmt: skip
    assert r.returncode == 0
    r = run_xsk("-C", str(ws_path), "step", "2026-001", "--answers", str(ANSWERS), "--all",
                "--no-docs", env=shim(tmp_path, "commit", after=True))  # fmt: skip
    assert r.returncode == -9
    settled(ws_path)


def test_reopen_with_an_unknown_step_changes_nothing(closed_case: Path) -> None:
    root = closed_case
    before = git(root, "rev-parse", "HEAD")
    r = run_xsk("-C", str(root), "event", "2026-001", "reopen", "--reason", "回访不满意",
                "--step", "nosuch")  # fmt: skip
    assert r.returncode == 2 and "nosuch" in r.stderr, r.stderr
    assert git(root, "rev-parse", "HEAD") == before
    settled(root)


def test_a_step_dated_9999_changes_nothing(ws_path: Path, tmp_path: Path) -> None:
    r = run_xsk("-C", str(ws_path), "new", "--title", "变压器", "--date", "2026-03-02",
                "--no-input")  # fmt: skip
    before = git(ws_path, "rev-parse", "HEAD")
    text = ANSWERS.read_text("utf-8")
    far = tmp_path / "far.toml"
    far.write_text(text.replace("2026-03-", "9999-12-"), "utf-8")
    for extra in ([], ["--all"], ["--all", "--dry-run"]):
        r = run_xsk("-C", str(ws_path), "step", "2026-001", "--answers", str(far), *extra,
                    "--no-docs")  # fmt: skip
        assert r.returncode == 2, (extra, r.stdout, r.stderr)
        assert "内部错误" not in r.stderr and "Traceback" not in r.stderr
        assert git(ws_path, "rev-parse", "HEAD") == before, extra
        settled(ws_path)


def test_step_all_failing_late_changes_nothing_and_dry_run_agrees(
    ws_path: Path, tmp_path: Path
) -> None:
    run_xsk("-C", str(ws_path), "new", "--title", "变压器", "--date", "2026-03-02", "--no-input")
    before = git(ws_path, "rev-parse", "HEAD")
    text = ANSWERS.read_text("utf-8")
    assert 'satisfaction = "满意"' in text
    bad = tmp_path / "bad.toml"  # the last step's answer is invalid: seven steps pass first
    bad.write_text(text.replace('satisfaction = "满意"', 'satisfaction = "还行"'), "utf-8")
    dry = run_xsk("-C", str(ws_path), "step", "2026-001", "--answers", str(bad), "--all",
                  "--dry-run")  # fmt: skip
    real = run_xsk("-C", str(ws_path), "step", "2026-001", "--answers", str(bad), "--all",
                   "--no-docs")  # fmt: skip
    assert dry.returncode == real.returncode == 2, (dry.stderr, real.stderr)
    assert dry.stderr.splitlines()[-1] == real.stderr.splitlines()[-1]
    assert "bad.toml:115:" in real.stderr and "满意度" in real.stderr, real.stderr
    assert git(ws_path, "rev-parse", "HEAD") == before
    settled(ws_path)
