"""``git.commit`` commits exactly the paths it is given: the index as it is when nothing
else is staged (fast at 10,000 cases), ``commit -- PATHS`` when a person staged something
else, and from a workspace inside a larger repository."""

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
    assert git.commit(repo, [repo / "cases" / "2026-001"], "登记议题")
    commit = [c for c in calls if c[0] == "commit"]
    assert commit and "--" not in commit[0]
    assert _last_commit_files(repo) == ["cases/2026-001/case.toml"]


def test_something_else_staged_stays_staged_and_out_of_the_commit(repo, monkeypatch):
    calls = _spy(monkeypatch)
    (repo / "a.toml").write_text("a = 2\n", "utf-8")
    _git(repo, "add", "a.toml")  # a person's own staged change
    (repo / "b.toml").write_text("b = 1\n", "utf-8")
    assert git.commit(repo, [repo / "b.toml"], "b")
    commit = [c for c in calls if c[0] == "commit"]
    assert commit[0][-2:] == ["--", "b.toml"]
    assert _last_commit_files(repo) == ["b.toml"]
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
