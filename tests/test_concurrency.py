"""Two writers at once on one workspace (issue 13): 20 rounds each of ``event`` ∥ ``event`` on
one case, ``new`` ∥ ``new`` and ``step --all`` ∥ ``new``, as two real processes.

Every write that exited 0 is in HEAD, every write that exited 2 left nothing, and
``git status`` is clean after each round. Before the workspace lock, both events exited 0
and one item's change was lost (read-modify-write of outcomes.toml), and two ``new`` crashed
with ``FileNotFoundError …/.xsk/journal``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

ANSWERS = ROOT / "sample-cases" / "01-transformer" / "answers.toml"
ROUNDS = 20
ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    "XSK_LOCK_WAIT": "20",
}


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def both(root: Path, a: list[str], b: list[str]) -> list[tuple[int, str, str]]:
    """Start two xsk processes at the same moment; their exit codes and output."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "xsk", "-C", str(root), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=ENV,
        )
        for args in (a, b)
    ]
    out = []
    for p in procs:
        o, e = p.communicate(timeout=180)
        out.append((p.returncode, o, e))
    return out


def assert_round(root: Path, results: list[tuple[int, str, str]]) -> None:
    for code, _out, err in results:
        assert code in (0, 2), err
        assert "Traceback" not in err and "内部错误" not in err, err
        if code == 2:
            assert "另一个 xsk 正在写入本工作区（PID" in err, err
    assert git(root, "status", "--porcelain") == ""
    assert not (root / ".xsk" / "journal").exists()


def head_toml(root: Path, rel: str) -> dict:
    return tomllib.loads(git(root, "show", f"HEAD:{rel}"))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    from xsk.workspace import settings

    root = settings.create(
        tmp_path_factory.mktemp("conc") / "ws",
        community="红桥社区",
        street="潭中街道",
        district="柳南区",
        procedure="dongguan-6",
        facilitator="王丽",
    )
    run = [sys.executable, "-m", "xsk", "-C", str(root)]
    for title in ["小区配电变压器移交电网公司", *(f"议题{i}" for i in range(ROUNDS))]:
        subprocess.run([*run, "new", "--title", title, "--date", "2026-03-02", "--no-input"],
                       check=True, env=ENV, capture_output=True)  # fmt: skip
    subprocess.run([*run, "step", "2026-001", "--answers", str(ANSWERS), "--all", "--no-docs"],
                   check=True, env=ENV, capture_output=True)  # fmt: skip
    return root


def test_event_and_event_on_one_case(workspace: Path) -> None:
    rel = "cases/2026-001/outcomes.toml"
    assert len(head_toml(workspace, rel)["items"]) >= 2
    for i in range(ROUNDS):
        args = [["event", "2026-001", "progress", "--no", str(no), "--status", "办理中",
                 "--text", f"{who}{i}"] for no, who in ((1, "甲"), (2, "乙"))]  # fmt: skip
        results = both(workspace, *args)
        assert_round(workspace, results)
        items = {it["no"]: it for it in head_toml(workspace, rel)["items"]}
        for (code, _o, err), no, who in zip(results, (1, 2), ("甲", "乙"), strict=True):
            progress = str(items[no].get("progress", ""))
            if code == 0:
                assert f"{who}{i}" in progress, (i, no, items[no], err)
            else:
                assert f"{who}{i}" not in progress and f"{who}{i}" not in git(workspace, "log")


def _case_titles(root: Path) -> dict[str, str]:
    names = git(root, "ls-tree", "--name-only", "HEAD", "cases/").split()
    return {Path(n).name: head_toml(root, f"{n}/case.toml")["title"] for n in names}


def test_new_and_new(workspace: Path) -> None:
    for i in range(ROUNDS):
        titles = [f"甲楼道灯{i}", f"乙楼道灯{i}"]
        results = both(
            workspace,
            *[["new", "--title", t, "--no-input", "--date", "2026-04-01"] for t in titles],
        )
        assert_round(workspace, results)
        cases = _case_titles(workspace)
        for (code, out, err), title in zip(results, titles, strict=True):
            if code == 0:
                cid = out.split()[-1]
                assert cases.get(cid) == title, (cid, title, err)
            else:
                assert title not in cases.values()
    ids = [s.split("：")[0].split()[-1] for s in git(workspace, "log", "--format=%s").splitlines()
           if s.startswith("新建议题")]  # fmt: skip
    assert len(ids) == len(set(ids)), "a case number was given twice"


def test_step_all_and_new(workspace: Path) -> None:
    for i in range(ROUNDS):
        cid = f"2026-{i + 2:03d}"
        title = f"丙楼道灯{i}"
        results = both(
            workspace,
            ["step", cid, "--answers", str(ANSWERS), "--all", "--no-docs"],
            ["new", "--title", title, "--no-input", "--date", "2026-04-01"],
        )
        assert_round(workspace, results)
        (scode, _o, serr), (ncode, nout, _e) = results
        status = head_toml(workspace, f"cases/{cid}/case.toml")["status"]
        if scode == 0:
            assert status == "closed", serr
        else:
            assert status == "open" and head_toml(workspace, f"cases/{cid}/case.toml")["step"] == (
                "collect"
            )
        cases = _case_titles(workspace)
        if ncode == 0:
            assert cases.get(nout.split()[-1]) == title
        else:
            assert title not in cases.values()
