"""``git.commit`` commits exactly the paths it is given. Named files: a commit built from
HEAD's trees (update-index, ls-files, ls-tree, mktree, commit-tree and a compare-and-swap
of HEAD: fast at 10,000 cases), the same tree ``git add`` + ``git commit`` would make
(property-tested), a person's own staged change left staged. Folders: ``git add`` and the
index as it is when nothing else is staged (write-tree …), ``commit -- PATHS`` when a person
staged something else. During a merge and in a repository without a commit yet: ``git
commit``. Also from a workspace inside a larger repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from xsk.workspace import git


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.name", "测试")
    _git(tmp_path, "config", "user.email", "t@example.org")
    (tmp_path / "a.toml").write_text("a = 1\n", "utf-8")
    _git(tmp_path, "add", "a.toml")
    _git(tmp_path, "commit", "-q", "-m", "first")
    return tmp_path


def _spy(monkeypatch) -> list[list[str]]:
    calls: list[list[str]] = []
    real = git.run_git

    def spy(args, cwd, **kw):
        calls.append(list(args))
        return real(args, cwd, **kw)

    monkeypatch.setattr(git, "run_git", spy)
    return calls


def _last_commit_files(root: Path) -> list[str]:
    return _git(
        root, "-c", "core.quotePath=false", "show", "--name-only", "--format=", "HEAD"
    ).split()


def test_nothing_else_staged_commits_the_index(repo, monkeypatch):
    calls = _spy(monkeypatch)
    (repo / "cases" / "2026-001").mkdir(parents=True)
    (repo / "cases" / "2026-001" / "case.toml").write_text('title = "楼道灯"\n', "utf-8")
    head = _git(repo, "rev-parse", "HEAD").strip()
    assert git.commit(repo, [repo / "cases" / "2026-001"], "登记议题")
    assert not [c for c in calls if c[0] == "commit"]  # no lstat of every tracked file
    assert [c[0] for c in calls if c[0] in ("commit-tree", "update-ref")] == [
        "commit-tree",
        "update-ref",
    ]
    assert _last_commit_files(repo) == ["cases/2026-001/case.toml"]
    # what ``git commit`` would have made: parent, author, message, reflog, a clean tree
    assert _git(repo, "rev-parse", "HEAD~1").strip() == head
    who = "--format=%an <%ae>|%cn <%ce>"
    assert _git(repo, "log", "-1", who, "HEAD") == _git(repo, "log", "-1", who, "HEAD~1")
    assert _git(repo, "log", "-1", "--format=%B", "HEAD") == "登记议题\n\n"
    assert _git(repo, "reflog", "-1", "--format=%gs").strip() == "commit: 登记议题"
    assert _git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip() in ("master", "main")
    assert _git(repo, "status", "--porcelain") == ""


def test_something_else_staged_stays_staged_and_out_of_the_commit(repo, monkeypatch):
    calls = _spy(monkeypatch)
    (repo / "a.toml").write_text("a = 2\n", "utf-8")
    _git(repo, "add", "a.toml")  # a person's own staged change
    (repo / "b.toml").write_text("b = 1\n", "utf-8")
    assert git.commit(repo, [repo / "b.toml"], "b")
    assert not [c for c in calls if c[0] == "commit"]  # built from HEAD's trees
    assert _last_commit_files(repo) == ["b.toml"]
    assert _git(repo, "diff", "--cached", "--name-only").split() == ["a.toml"]
    # a folder is staged with git add: the person's change still stays out
    (repo / "d").mkdir()
    (repo / "d" / "x.toml").write_text("x = 1\n", "utf-8")
    calls.clear()
    assert git.commit(repo, [repo / "d"], "d")
    commit = [c for c in calls if c[0] == "commit"]
    assert commit[0][-2:] == ["--", "d"]
    assert _last_commit_files(repo) == ["d/x.toml"]
    assert _git(repo, "diff", "--cached", "--name-only").split() == ["a.toml"]


def test_nothing_changed_commits_nothing(repo):
    head = _git(repo, "rev-parse", "HEAD")
    assert not git.commit(repo, [repo / "a.toml"], "nothing")
    assert _git(repo, "rev-parse", "HEAD") == head


def test_a_workspace_inside_a_larger_repository(repo, monkeypatch):
    ws = repo / "社区" / "红桥"
    ws.mkdir(parents=True)
    (ws / "xsk.toml").write_text('community = "红桥社区"\n', "utf-8")
    assert git.commit(ws, [ws / "xsk.toml"], "工作区")
    assert _last_commit_files(repo) == ["社区/红桥/xsk.toml"]
    (repo / "a.toml").write_text("a = 3\n", "utf-8")
    _git(repo, "add", "a.toml")  # staged outside the workspace
    (ws / "roster.toml").write_text("", "utf-8")
    (ws / "xsk.toml").write_text('community = "红桥社区居委会"\n', "utf-8")
    assert git.commit(ws, [ws / "roster.toml", ws / "xsk.toml"], "名册")
    assert sorted(_last_commit_files(repo)) == ["社区/红桥/roster.toml", "社区/红桥/xsk.toml"]
    assert _git(repo, "diff", "--cached", "--name-only").split() == ["a.toml"]
    # the whole workspace folder as one path
    (ws / "roster.toml").write_text("# 名册\n", "utf-8")
    assert git.commit(ws, [ws], "全部")
    assert _last_commit_files(repo) == ["社区/红桥/roster.toml"]


def test_the_message_is_stored_as_git_commit_m_stores_it(repo):
    message = "\n\n标题  \n\n\n正文第一行\t\n第二行\n\n"
    (repo / "b.toml").write_text("b = 1\n", "utf-8")
    assert git.commit(repo, [repo / "b.toml"], message)
    ours = _git(repo, "log", "-1", "--format=%B")
    (repo / "c.toml").write_text("c = 1\n", "utf-8")
    _git(repo, "add", "c.toml")
    _git(repo, "commit", "-q", "-m", message)
    assert ours == _git(repo, "log", "-1", "--format=%B")


def test_no_commit_yet_and_a_merge_in_progress_use_git_commit(tmp_path, monkeypatch):
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.name", "测试")
    _git(tmp_path, "config", "user.email", "t@example.org")
    calls = _spy(monkeypatch)
    (tmp_path / "a.toml").write_text("a = 1\n", "utf-8")
    assert git.commit(tmp_path, [tmp_path / "a.toml"], "first")
    assert [c for c in calls if c[0] == "commit"]
    assert _last_commit_files(tmp_path) == ["a.toml"]
    # a merge stopped by a conflict elsewhere: ``git commit`` makes the merge commit
    _git(tmp_path, "checkout", "-q", "-b", "other")
    (tmp_path / "a.toml").write_text("a = 2\n", "utf-8")
    _git(tmp_path, "commit", "-qam", "other")
    _git(tmp_path, "checkout", "-q", "-")
    (tmp_path / "b.toml").write_text("b = 1\n", "utf-8")
    _git(tmp_path, "add", "b.toml")
    _git(tmp_path, "commit", "-qm", "b")
    _git(tmp_path, "merge", "-q", "--no-commit", "--no-ff", "other")
    calls.clear()
    head = _git(tmp_path, "rev-parse", "HEAD")
    (tmp_path / "c.toml").write_text("c = 1\n", "utf-8")
    with pytest.raises(git.GitError, match="merge"):  # as before: git refuses, nothing moves
        git.commit(tmp_path, [tmp_path / "c.toml"], "c")
    assert not [c for c in calls if c[0] == "commit-tree"]
    assert _git(tmp_path, "rev-parse", "HEAD") == head


def test_nothing_staged_at_all_commits_nothing_and_moves_nothing(repo, monkeypatch):
    calls = _spy(monkeypatch)
    head = _git(repo, "rev-parse", "HEAD")
    (repo / "a.toml").write_text("a = 1\n", "utf-8")  # the same bytes
    assert not git.commit(repo, [repo / "a.toml"], "nothing")
    assert _git(repo, "rev-parse", "HEAD") == head
    assert not [c for c in calls if c[0] in ("commit", "commit-tree", "update-ref")]


def test_signed_commits_are_left_to_git_commit(repo, monkeypatch):
    """commit-tree does not sign: where commit.gpgSign asks for signatures, git commit (which
    signs) makes the commit; here a fake signing program records that it was asked."""
    signer = repo.parent / "fake-gpg"
    signer.write_text('#!/bin/sh\necho called >> "$0.log"\nexit 1\n', "utf-8")
    signer.chmod(0o755)
    _git(repo, "config", "commit.gpgSign", "true")
    _git(repo, "config", "gpg.program", str(signer))
    calls = _spy(monkeypatch)
    (repo / "b.toml").write_text("b = 2\n", "utf-8")
    with pytest.raises(git.GitError):  # the fake signer refuses: git commit tried to sign
        git.commit(repo, [repo / "b.toml"], "签名")
    assert [c[0] for c in calls if c[0] in ("commit", "commit-tree")] == ["commit"]
    assert (repo.parent / "fake-gpg.log").read_text("utf-8").strip() == "called"


def test_identity_read_in_one_config_call(repo, monkeypatch):
    _git(repo, "config", "--unset", "user.name")
    _git(repo, "config", "--unset", "user.email")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    calls = _spy(monkeypatch)
    (repo / "b.toml").write_text("b = 2\n", "utf-8")
    assert git.commit(repo, [repo / "b.toml"], "无作者配置", fallback_name="王丽")
    assert len([c for c in calls if c[0] == "config"]) == 1
    assert _git(repo, "log", "-1", "--format=%an <%ae>").strip() == "王丽 <xsk@localhost>"
