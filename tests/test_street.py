"""``xsk street`` against a real git server on 127.0.0.1 (``git daemon``), with three
communities that answer and one that does not."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from xsk.workspace import settings as workspace

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="需要 git")

COMMUNITIES = {"红桥社区": 2, "青石社区": 1, "幸福社区": 3}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def server(tmp_path, cli):
    """Bare repositories of three community workspaces served by ``git daemon``."""
    base = tmp_path / "server"
    base.mkdir()
    for name, n in COMMUNITIES.items():
        ws = workspace.create(
            tmp_path / "src" / name,
            community=name,
            street="潭中街道",
            district="柳南区",
            procedure="dongguan-6",
        )
        for i in range(n):
            r = cli("-C", str(ws), "new", "--title", f"{name}议题{i + 1}", "--no-input")
            assert r.code == 0, r.err
        _git("clone", "--quiet", "--bare", str(ws), str(base / f"{name}.git"), cwd=tmp_path)
    port = _free_port()
    daemon = subprocess.Popen(
        ["git", "daemon", "--export-all", f"--base-path={base}", "--listen=127.0.0.1",
         f"--port={port}", "--reuseaddr", "--informative-errors", str(base)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    else:
        daemon.kill()
        pytest.fail("git daemon did not start")
    yield base, f"git://127.0.0.1:{port}", tmp_path / "src"
    daemon.terminate()
    daemon.wait(timeout=10)


def _refs(base: Path) -> dict[str, str]:
    return {p.name: _git("for-each-ref", cwd=p) for p in sorted(base.iterdir())}


def test_street_pulls_reports_and_due_across_communities(server, cli, tmp_path):
    base, url, src = server
    before = _refs(base)
    street = tmp_path / "潭中街道 汇总"
    r = cli("street", "init", str(street), "--name", "潭中街道")
    assert r.code == 0, r.err
    for name in COMMUNITIES:
        r = cli("-C", str(street), "street", "add", name, f"{url}/{name}.git")
        assert r.code == 0, r.err
    dead = _free_port()  # nothing listens there
    r = cli("-C", str(street), "street", "add", "失联社区", f"git://127.0.0.1:{dead}/x.git")
    assert r.code == 0, r.err

    r = cli("-C", str(street), "street", "pull", "--json")
    assert r.code == 0, r.err
    pulled = {x["name"]: x for x in json.loads(r.out)}
    assert {n: pulled[n]["cases"] for n in COMMUNITIES} == COMMUNITIES
    assert all(pulled[n]["ok"] for n in COMMUNITIES)
    assert pulled["失联社区"]["ok"] is False and "失联社区" in r.err
    assert "连接被拒绝" in pulled["失联社区"]["message"] and "英文" not in r.err, r.err

    r = cli("-C", str(street), "street", "report", "--json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["street"] == "潭中街道" and data["missing"] == ["失联社区"]
    assert set(data["communities"]) == set(COMMUNITIES)
    assert data["total"]["cases"] == sum(COMMUNITIES.values())
    for name, n in COMMUNITIES.items():
        assert data["communities"][name]["cases"] == n

    r = cli("-C", str(street), "street", "report")  # text: one column per community
    assert r.code == 0, r.err
    assert all(name in r.out for name in COMMUNITIES)

    r = cli("-C", str(street), "street", "due", "--json")
    assert r.code == 0, r.err
    assert set(json.loads(r.out)["communities"]) == set(COMMUNITIES)

    # a new case in one community arrives with the next pull
    cli("-C", str(src / "青石社区"), "new", "--title", "新议题", "--no-input")
    _git(
        "push", "--quiet", str(base / "青石社区.git"), "HEAD:refs/heads/main", cwd=src / "青石社区"
    )
    before["青石社区.git"] = _refs(base)["青石社区.git"]
    r = cli("-C", str(street), "street", "pull", "--json")
    assert {x["name"]: x["cases"] for x in json.loads(r.out)}["青石社区"] == 2

    # the street never wrote to a community's repository, and cannot push
    assert _refs(base) == before
    clone = street / "communities" / "红桥社区"
    push = subprocess.run(["git", "push"], cwd=clone, capture_output=True, text=True)
    assert push.returncode != 0


def test_street_refuses_bad_names_and_folders(tmp_path, cli):
    street = tmp_path / "街道"
    assert cli("street", "init", str(street)).code == 0
    for bad in ["a/b", "CON", "名称.", "x:y"]:
        r = cli("-C", str(street), "street", "add", bad, "git://127.0.0.1/x.git")
        assert r.code == 2 and "社区名称" in r.err, (bad, r.err)
    r = cli("-C", str(tmp_path), "street", "report")
    assert r.code == 2 and "street.toml" in r.err
    r = cli("-C", str(street), "street", "pull")
    assert r.code == 2 and "还没有社区" in r.err
