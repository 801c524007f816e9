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


@pytest.mark.parametrize(
    "sub, after",
    [("update-index", False), ("update-index", True), ("ls-files", False), ("ls-tree", False),
     ("mktree", False), ("mktree", True), ("commit-tree", False), ("update-ref", False)],
)  # fmt: skip
def test_event_killed_at_git_is_rolled_back(
    closed_case: Path, tmp_path: Path, sub: str, after: bool
) -> None:
    """Killed before (or just after) each git command of a commit: nothing of it lands."""
    root = closed_case
    before = git(root, "rev-parse", "HEAD")
    r = run_xsk("-C", str(root), "event", "2026-001", "progress", "--no", "1",
                "--status", "已办结", "--text", "已恢复供水",
                env=shim(tmp_path, sub, after=after))  # fmt: skip
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
                env=shim(tmp_path, "update-index", after=True))  # fmt: skip
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
                "--no-docs", env=shim(tmp_path, "update-ref", after=True))  # fmt: skip
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


# --- sync killed half-way ----------------------------------------------------------------------


@pytest.fixture
def two_clones(tmp_path: Path) -> tuple[Path, Path, Path]:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    a = tmp_path / "a"
    r = run_xsk("init", str(a), "--no-input", "--community", "红桥社区", "--facilitator", "王丽")
    assert r.returncode == 0, r.stderr
    git(a, "remote", "add", "origin", str(remote))
    assert run_xsk("-C", str(a), "sync").returncode == 0
    b = tmp_path / "b"
    git(tmp_path, "clone", "-q", str(remote), str(b))
    assert run_xsk("-C", str(b), "series", "set", "B").returncode == 0
    return remote, a, b


@pytest.mark.parametrize("conflict", [True, False])
def test_sync_killed_after_pull_is_undone_by_the_next_command(
    two_clones: tuple[Path, Path, Path], tmp_path: Path, conflict: bool
) -> None:
    """A rebase stopped half-way (conflict) or finished but not pushed: the next command
    puts the branch back at the pre-sync HEAD, attached, clean; nothing of either side lost."""
    _remote, a, b = two_clones
    for ws, title in ((a, "甲议题"), (b, "乙议题")):
        assert run_xsk("-C", str(ws), "new", "--title", title, "--no-input").returncode == 0
    if conflict:  # both change the same line of xsk.toml
        for ws, name in ((a, "甲"), (b, "乙")):
            text = (ws / "xsk.toml").read_text("utf-8")
            (ws / "xsk.toml").write_text(text.replace("王丽", name, 1), "utf-8")
            git(ws, "commit", "-qam", f"facilitator {name}")
    assert run_xsk("-C", str(a), "sync").returncode == 0
    before = git(b, "rev-parse", "HEAD")
    r = run_xsk("-C", str(b), "sync", env=shim(tmp_path, "pull", after=True))
    assert r.returncode == -9
    if conflict:
        assert (b / ".git" / "rebase-merge").exists() or (b / ".git" / "rebase-apply").exists()
    r = run_xsk("-C", str(b), "status", "--all")  # any command, a reader too
    assert r.returncode == 0, r.stderr
    assert git(b, "rev-parse", "HEAD") == before
    assert git(b, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    assert not (b / ".git" / "rebase-merge").exists() and not (b / ".git" / "rebase-apply").exists()
    settled(b)
    r = run_xsk("-C", str(b), "new", "--title", "丙议题", "--no-input")
    assert r.returncode == 0 and r.stdout.split()[-1] == "2026-B002", r.stdout + r.stderr
    if not conflict:
        assert run_xsk("-C", str(b), "sync").returncode == 0, r.stderr
        assert run_xsk("-C", str(a), "sync").returncode == 0
        titles = sorted(p.parent.name for p in a.glob("cases/*/case.toml"))
        assert titles == ["2026-001", "2026-B001", "2026-B002"]


def lock_shim(tmp_path: Path, sub: str) -> dict[str, str]:
    """PATH with a git that, at ``git SUB``, leaves ``.git/index.lock`` as a git killed while
    refreshing the index would, and kills xsk with it (no journal written yet)."""
    d = tmp_path / f"lockshim-{sub}"
    d.mkdir(exist_ok=True)
    body = f'if [ "$1" = {sub} ]; then : > .git/index.lock; kill -9 $PPID; exit 1; fi\n'
    (d / "git").write_text(f'#!/bin/sh\n{body}exec {REAL_GIT} "$@"\n')
    (d / "git").chmod(0o755)
    return {"PATH": f"{d}{os.pathsep}{os.environ['PATH']}"}


def test_sync_killed_before_its_journal_leaves_git_usable(ws_path: Path, tmp_path: Path) -> None:
    """CI, seed 20260302: ``sync`` killed in its first ``git status`` left index.lock and no
    journal; the next ``sync`` refused. The writer that died holding the lock is known (its PID
    file is still there), so the next writer clears what its git left."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    git(ws_path, "remote", "add", "origin", str(remote))
    assert run_xsk("-C", str(ws_path), "new", "--title", "楼道灯", "--no-input").returncode == 0
    r = run_xsk("-C", str(ws_path), "sync", env=lock_shim(tmp_path, "status"))
    assert r.returncode == -9
    assert (ws_path / ".git" / "index.lock").exists()
    assert (ws_path / ".xsk" / "lock.pid").exists()  # the dead writer's
    r = run_xsk("-C", str(ws_path), "sync")
    assert r.returncode == 0, r.stderr
    assert git(remote, "rev-parse", "main") == git(ws_path, "rev-parse", "HEAD")
    assert not (ws_path / ".xsk" / "lock.pid").exists()  # a clean end removes it
    settled(ws_path)


def test_a_live_gits_lock_is_left_alone(ws_path: Path) -> None:
    """An index.lock while no xsk died holding the workspace lock is someone's git at work:
    xsk says so in Chinese (exit 2) and does not remove it."""
    assert run_xsk("-C", str(ws_path), "new", "--title", "楼道灯", "--no-input").returncode == 0
    lockfile = ws_path / ".git" / "index.lock"
    lockfile.write_bytes(b"")
    r = run_xsk("-C", str(ws_path), "new", "--title", "路灯", "--no-input")
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "index.lock" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert lockfile.exists()
    lockfile.unlink()
    assert not (ws_path / "cases" / "2026-002").exists()
    r = run_xsk("-C", str(ws_path), "new", "--title", "路灯", "--no-input")
    assert r.returncode == 0, r.stderr


def test_ctrl_c_while_git_holds_the_index_lock(closed_case: Path, tmp_path: Path) -> None:
    """CI, seed 20260304: Ctrl-C reached xsk while its ``git add`` (now ``update-index``) held index.lock;
    subprocess.run killed that git, whose lock stayed, and the rollback's ``git reset`` failed on
    it. The git this process killed is remembered, and the rollback clears its lock first."""
    import signal
    import sys
    import time

    root = closed_case
    before = git(root, "rev-parse", "HEAD")
    d = tmp_path / "slowadd"
    d.mkdir()
    body = 'if [ "$1" = update-index ]; then : > .git/index.lock; sleep 30; exit 1; fi\n'
    (d / "git").write_text(f'#!/bin/sh\n{body}exec {REAL_GIT} "$@"\n')
    (d / "git").chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = f"{d}{os.pathsep}{env['PATH']}"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    p = subprocess.Popen(
        [sys.executable, "-m", "xsk", "-C", str(root), "event", "2026-001", "objection",
         "--text", "有异议"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not (root / ".git" / "index.lock").exists():
        assert p.poll() is None and time.monotonic() < deadline, p.communicate()
        time.sleep(0.02)
    os.killpg(p.pid, signal.SIGINT)  # as a terminal's Ctrl-C: xsk and its git
    _out, err = p.communicate(timeout=60)
    assert p.returncode != 0
    assert "git reset 失败" not in err and "Traceback" not in err, err
    assert not (root / ".git" / "index.lock").exists()
    assert git(root, "rev-parse", "HEAD") == before
    settled(root)
    r = run_xsk("-C", str(root), "event", "2026-001", "objection", "--text", "有异议")
    assert r.returncode == 0, r.stderr


def test_sync_killed_while_its_checkout_wrote_a_new_file(
    two_clones: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """CI, seed 20260302, sync trial 5: a rebase killed while checking out the remote's commit
    had written the remote's new case file but not yet the index; the reset back to the
    pre-sync HEAD left it untracked, and the next ``check`` did not put it away."""
    _remote, a, b = two_clones
    for ws, title in ((a, "甲议题"), (b, "乙议题")):
        assert run_xsk("-C", str(ws), "new", "--title", title, "--no-input").returncode == 0
    assert run_xsk("-C", str(a), "sync").returncode == 0
    before = git(b, "rev-parse", "HEAD")
    d = tmp_path / "shim-checkout"
    d.mkdir()
    new = "cases/2026-001/case.toml"
    body = (
        f'if [ "$1" = pull ]; then {REAL_GIT} fetch -q "$4" "$5"; mkdir -p cases/2026-001; '
        f"{REAL_GIT} show FETCH_HEAD:{new} | head -c 40 > {new}; : > .git/index.lock; "
        "kill -9 $PPID; exit 1; fi\n"
    )
    (d / "git").write_text(f'#!/bin/sh\n{body}exec {REAL_GIT} "$@"\n')
    (d / "git").chmod(0o755)
    r = run_xsk("-C", str(b), "sync", env={"PATH": f"{d}{os.pathsep}{os.environ['PATH']}"})
    assert r.returncode == -9
    assert (b / new).exists() and (b / ".git" / "index.lock").exists()
    (b / "notes.txt").write_text("a file of the facilitator's own, made after the crash")
    r = run_xsk("-C", str(b), "check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert git(b, "rev-parse", "HEAD") == before
    assert not (b / new).exists() and not (b / "cases" / "2026-001").exists()
    assert (b / "notes.txt").exists()  # not the sync's: left alone
    (b / "notes.txt").unlink()
    settled(b)
    assert run_xsk("-C", str(b), "sync").returncode == 0
    names = sorted(p.parent.name for p in b.glob("cases/*/case.toml"))
    assert names == ["2026-001", "2026-B001"]
