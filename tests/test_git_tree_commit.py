"""A commit built from HEAD's trees (xsk.workspace.gittree) holds exactly the tree that
``git add --all -- FILES`` + ``git commit`` makes, and leaves the index and status as git
would: checked on random sequences of writes and deletions in nested folders, side by side
with a clone committed by git itself."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xsk.workspace import git

NAMES = ["case.toml", "outcomes.toml", "a b.toml", "议题.toml", "x"]
FOLDERS = ["", "cases", "cases/2026-001", "cases/2026-001/events", "cases/2026-002", "meetings"]


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def _init(root: Path) -> None:
    root.mkdir(parents=True)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.name", "测试")
    _git(root, "config", "user.email", "t@example.org")
    (root / "xsk.toml").write_text('community = "红桥社区"\n', "utf-8")
    (root / "cases" / "2026-001").mkdir(parents=True)
    (root / "cases" / "2026-001" / "case.toml").write_text('title = "楼道灯"\n', "utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "first")


# one change: (folder, name, text) writes a file, (folder, name, None) deletes it
changes = st.lists(
    st.tuples(st.sampled_from(FOLDERS), st.sampled_from(NAMES),
              st.one_of(st.none(), st.sampled_from(["1\n", "2\n", "三\n"]))),
    min_size=1, max_size=6,
)  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rounds=st.lists(changes, min_size=1, max_size=3))
def test_the_tree_is_the_one_git_commit_makes(tmp_path_factory, rounds) -> None:
    base = tmp_path_factory.mktemp("tree")
    ours, theirs = base / "ours", base / "theirs"
    _init(ours)
    shutil.copytree(ours, theirs)
    for batch in rounds:
        touched = []
        for folder, name, text in batch:
            rel = f"{folder}/{name}" if folder else name
            for root in (ours, theirs):
                path = root / rel
                if text is None:
                    if path.is_file():
                        path.unlink()
                elif not path.parent.is_file():
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(text, "utf-8")
            if not (ours / rel).is_dir():
                touched.append(rel)
        touched = [r for r in dict.fromkeys(touched) if not (ours / r).parent.is_file()]
        if not touched:
            continue
        made = git.commit(ours, [ours / r for r in touched], "一批")
        tracked = _git(theirs, "ls-files", "--", *touched).split("\n")
        present = [r for r in touched if (theirs / r).is_file() or r in tracked]
        if present:
            _git(theirs, "add", "--all", "--", *present)
        status = _git(theirs, "diff", "--cached", "--name-only")
        if status:
            _git(theirs, "commit", "-q", "-m", "一批")
        assert made == bool(status)
        assert _git(ours, "rev-parse", "HEAD^{tree}") == _git(theirs, "rev-parse", "HEAD^{tree}")
        assert _git(ours, "status", "--porcelain", "--untracked-files=all") == _git(
            theirs, "status", "--porcelain", "--untracked-files=all"
        )
        assert _git(ours, "diff", "--cached", "--name-only") == ""
    fsck = subprocess.run(["git", "fsck", "--strict"], cwd=ours, capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stderr


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    _init(root)
    return root


def test_the_last_file_of_a_folder_deleted_drops_the_folder(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "cases" / "2026-001" / "case.toml").unlink()
    assert git.commit(root, [root / "cases" / "2026-001" / "case.toml"], "删除")
    assert _git(root, "ls-tree", "-r", "--name-only", "HEAD").split() == ["xsk.toml"]
    assert _git(root, "status", "--porcelain") == ""


@pytest.mark.skipif(os.name == "nt", reason="no executable bit on Windows")
def test_the_executable_bit_follows_core_filemode(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    run = root / "run.sh"
    run.write_text("echo 1\n", "utf-8")
    run.chmod(0o755)
    assert git.commit(root, [run], "脚本")
    assert _git(root, "ls-tree", "HEAD", "run.sh").split()[0] == "100755"
    _git(root, "config", "core.fileMode", "false")
    other = root / "other.sh"
    other.write_text("echo 2\n", "utf-8")
    other.chmod(0o755)
    assert git.commit(root, [other], "不记可执行位")
    assert _git(root, "ls-tree", "HEAD", "other.sh").split()[0] == "100644"
    assert _git(root, "status", "--porcelain") == ""


def test_a_file_that_was_a_folder_is_left_to_git(tmp_path: Path, monkeypatch) -> None:
    root = _repo(tmp_path)
    shutil.rmtree(root / "cases" / "2026-001")
    (root / "cases" / "2026-001").write_text("not a folder\n", "utf-8")
    calls: list[str] = []
    real = git.run_git
    monkeypatch.setattr(git, "run_git", lambda a, c, **k: calls.append(a[0]) or real(a, c, **k))
    assert git.commit(root, [root / "cases" / "2026-001"], "改成文件")
    assert "add" in calls  # the general path decides
    assert _git(root, "ls-tree", "-r", "--name-only", "HEAD").split() == [
        "cases/2026-001",
        "xsk.toml",
    ]
