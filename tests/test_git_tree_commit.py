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
        tracked = _git(theirs, "ls-files", "-z", "--", *touched).split("\0")
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


# --- found by a reviewer: each commits what git would, or leaves it to git ---------------


def _commit_and_compare(root: Path, *rel: str) -> tuple[bool | None, bytes, bytes]:
    """Run git.commit on a copy and git add --all + git commit on another; return xsk's
    result, the copy's tree listing and git's."""
    theirs = root.parent / (root.name + "-git")
    shutil.copytree(root, theirs, symlinks=True)
    try:
        ours_made: bool | None = git.commit(root, [root / r for r in rel], "改")
    except git.GitError:
        ours_made = None
    r = subprocess.run(["git", "add", "--all", "--", *rel], cwd=theirs, capture_output=True)
    if r.returncode == 0 and _git(theirs, "diff", "--cached", "--name-only"):
        _git(theirs, "commit", "-q", "-m", "改")
    listing = ["git", "ls-tree", "-r", "-t", "-z", "HEAD"]  # as bytes: names need not be UTF-8
    ours = subprocess.run(listing, cwd=root, capture_output=True, check=True).stdout
    return ours_made, ours, subprocess.run(listing, cwd=theirs, capture_output=True).stdout


def test_a_sibling_named_with_a_carriage_return_is_kept(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "cases" / "2026-001" / "Icon\r").write_text("i", "utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "图标")
    (root / "cases" / "2026-001" / "case.toml").write_text("title = 2\n", "utf-8")
    made, ours, theirs = _commit_and_compare(root, "cases/2026-001/case.toml")
    assert made and ours == theirs
    assert _git(root, "status", "--porcelain") == ""


@pytest.mark.skipif(os.name == "nt", reason="file names are Unicode on Windows")
def test_a_sibling_whose_name_is_not_utf8_is_kept(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    with open(os.fsencode(root / "cases" / "2026-001") + b"/caf\xe9", "wb") as fh:
        fh.write(b"x")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "latin-1")
    (root / "cases" / "2026-001" / "case.toml").write_text("title = 2\n", "utf-8")
    made, ours, theirs = _commit_and_compare(root, "cases/2026-001/case.toml")
    assert made and ours == theirs


def test_a_folder_whose_name_starts_with_a_colon_is_not_pathspec_magic(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    for rel, text in ((":c/y", "1"), (":c/z", "1"), ("c/y", "2"), ("c/w", "3")):
        (root / rel).parent.mkdir(exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "冒号")
    (root / ":c" / "y").unlink()
    assert git.commit(root, [root / ":c" / "y"], "删除")
    names = _git(root, "ls-tree", "-r", "--name-only", "HEAD").split()
    assert ":c/z" in names and ":c/y" not in names and "c/y" in names and "c/w" in names
    assert _git(root, "status", "--porcelain") == ""


@pytest.mark.parametrize("flag", ["--skip-worktree", "--assume-unchanged"])
def test_a_file_git_is_told_to_leave_alone_is_left_to_git(tmp_path: Path, flag: str) -> None:
    root = _repo(tmp_path)
    path = root / "cases" / "2026-001" / "case.toml"
    _git(root, "update-index", flag, "cases/2026-001/case.toml")
    index = (root / ".git" / "index").read_bytes()
    path.write_text("title = 2\n", "utf-8")
    if flag == "--skip-worktree":  # git add refuses it: the index stays as it was
        with pytest.raises(git.GitError):
            git.commit(root, [path], "改")
        assert (root / ".git" / "index").read_bytes() == index
        return
    assert git.commit(root, [path], "改") is False  # git add skips it: nothing to commit
    assert _git(root, "ls-files", "-v", "cases/2026-001/case.toml").startswith("h ")


def test_a_clean_filter_runs_once(tmp_path: Path) -> None:
    """A filter whose output differs each run (a time stamp): the commit holds what was
    staged, so the index and HEAD agree."""
    root = _repo(tmp_path)
    _git(root, "config", "filter.stamp.clean", "sh -c 'cat; date +%s%N'")
    (root / ".gitattributes").write_text("*.st filter=stamp\n", "utf-8")
    _git(root, "add", ".gitattributes")
    _git(root, "commit", "-q", "-m", "过滤器")
    (root / "n.st").write_text("2\n", "utf-8")
    assert git.commit(root, [root / "n.st"], "时间戳")
    assert _git(root, "diff", "--cached", "--name-only") == ""
    assert _git(root, "rev-parse", "HEAD:n.st") == _git(root, "rev-parse", ":n.st")


@pytest.mark.skipif(os.name == "nt", reason="no executable bit on Windows")
def test_a_staged_chmod_without_core_filemode_is_committed(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    _git(root, "config", "core.fileMode", "false")
    _git(root, "update-index", "--chmod=+x", "xsk.toml")
    (root / "xsk.toml").write_text('community = "红桥"\n', "utf-8")
    made, ours, theirs = _commit_and_compare(root, "xsk.toml")
    assert made and ours == theirs
    assert _git(root, "ls-tree", "HEAD", "xsk.toml").split()[0] == "100755"
    assert _git(root, "status", "--porcelain") == ""


def test_an_ignored_file_is_refused_as_git_add_refuses_it(tmp_path: Path) -> None:
    """.gitignore of a workspace lists out/ and .xsk/: nothing there is ever committed."""
    root = _repo(tmp_path)
    (root / ".gitignore").write_text("/out/\n*.log\n", "utf-8")
    _git(root, "add", ".gitignore")
    _git(root, "commit", "-q", "-m", "忽略")
    head = _git(root, "rev-parse", "HEAD")
    (root / "out").mkdir()
    (root / "out" / "纪要.docx").write_bytes(b"PK")
    with pytest.raises(git.GitError):
        git.commit(root, [root / "out" / "纪要.docx"], "不应提交")
    assert _git(root, "rev-parse", "HEAD") == head
    assert _git(root, "diff", "--cached", "--name-only") == ""
