"""``xsk street`` as a street clerk and a hostile tester used it (reviewer, stop 15): one
broken community leaves only itself out, every figure is labelled by the name registered in
the street, outputs stay in the street folder, and the street's report is the street's."""

from __future__ import annotations

import json
import shutil

import pytest
from test_street import _git

from xsk.workspace import settings as workspace

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="需要 git")


@pytest.fixture
def street(tmp_path, cli):
    """A street with 红桥社区 (2 cases) and 青石社区 (1 case), both calling their street
    潭中街道, served as bare repositories by path; pulled."""
    for name, n in (("红桥社区", 2), ("青石社区", 1)):
        ws = workspace.create(tmp_path / "src" / name, community=name, street="潭中街道",
                              district="柳南区", procedure="dongguan-6")  # fmt: skip
        for i in range(n):
            assert (
                cli("-C", str(ws), "new", "--title", f"{name}议题{i + 1}", "--no-input").code == 0
            )
        _git("clone", "-q", "--bare", str(ws), str(tmp_path / "srv" / f"{name}.git"), cwd=tmp_path)
    root = tmp_path / "街道"
    assert cli("street", "init", str(root), "--name", "潭中街道").code == 0
    for name in ("红桥社区", "青石社区"):
        r = cli("-C", str(root), "street", "add", name, str(tmp_path / "srv" / f"{name}.git"))
        assert r.code == 0, r.err
    assert cli("-C", str(root), "street", "pull").code == 0
    return root


def test_a_broken_community_is_left_out_and_named(street, tmp_path, cli):
    src = tmp_path / "src" / "青石社区"
    (src / "xsk.toml").write_text("community = [1,2\n", "utf-8")
    _git("commit", "-qam", "broken", cwd=src)
    _git("push", "-q", str(tmp_path / "srv" / "青石社区.git"), "HEAD:main", cwd=src)
    assert cli("-C", str(street), "street", "pull").code == 0
    r = cli("-C", str(street), "street", "report", "--json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["total"]["cases"] == 2 and list(data["communities"]) == ["红桥社区"]
    assert data["missing"] == ["青石社区"]
    assert "青石社区" in r.err and "xsk.toml" in r.err and "数据有误" in r.err
    r = cli("-C", str(street), "street", "due", "--json")
    assert r.code == 0, r.err
    assert list(json.loads(r.out)["communities"]) == ["红桥社区"]


def test_figures_are_labelled_by_the_registered_name(street, tmp_path, cli):
    """Two workspaces that call themselves 红桥社区 stay two columns (before: one JSON
    entry, the other's cases lost from it but counted in the total)."""
    other = workspace.create(tmp_path / "src" / "东门", community="红桥社区", street="潭中街道",
                             district="柳南区", procedure="dongguan-6")  # fmt: skip
    for i in range(3):
        assert cli("-C", str(other), "new", "--title", f"东门议题{i}", "--no-input").code == 0
    assert cli("-C", str(street), "street", "add", "东门社区", str(other)).code == 0
    assert cli("-C", str(street), "street", "pull").code == 0
    r = cli("-C", str(street), "street", "report", "--json")
    data = json.loads(r.out)
    counts = {k: v["cases"] for k, v in data["communities"].items()}
    assert counts == {"红桥社区": 2, "青石社区": 1, "东门社区": 3}
    assert data["total"]["cases"] == 6
    r = cli("-C", str(street), "street", "report", "--xlsx", "汇总.xlsx")
    assert r.code == 0, r.err
    from openpyxl import load_workbook

    book = load_workbook(street / "out" / "汇总.xlsx", read_only=True)
    rows = list(book["议题台账"].iter_rows(values_only=True))
    col = rows[0].index("所属社区")
    assert {row[col] for row in rows[1:]} == {"红桥社区", "青石社区", "东门社区"}
    for sheet in book.worksheets:  # case numbers repeat across communities: every sheet says whose
        header = next(sheet.iter_rows(values_only=True))
        assert header[-1] == "所属社区", (sheet.title, header)


def test_the_same_repository_or_an_option_cannot_be_added(street, tmp_path, cli):
    srv = tmp_path / "srv" / "青石社区.git"
    for url in (str(srv) + "/", str(srv)[:-4], "../srv/青石社区.git"):
        r = cli("-C", str(street), "street", "add", "南门社区", url)
        assert r.code == 2 and "已登记为社区“青石社区”" in r.err, (url, r.err)
    r = cli("-C", str(street), "street", "add", "注入", "--", "--upload-pack=/tmp/x.sh")
    assert r.code == 2 and "不能以“-”开头" in r.err


def test_street_outputs_stay_in_the_street_folder(street, tmp_path, cli, monkeypatch):
    r = cli("-C", str(street), "street", "report", "--docx", "汇总.docx", "--xlsx", "汇总.xlsx")
    assert r.code == 0, r.err
    assert (street / "out" / "汇总.docx").is_file() and (street / "out" / "汇总.xlsx").is_file()
    assert not list((street / "communities").rglob("汇总.*"))  # nothing in a clone
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    r = cli("-C", str(street), "street", "report", "--xlsx", "./当前.xlsx")
    assert r.code == 0, r.err
    assert (here / "当前.xlsx").is_file()


def test_the_street_report_is_signed_by_the_street_and_says_who_is_missing(street, tmp_path, cli):
    assert (
        cli("-C", str(street), "street", "add", "失联社区", str(tmp_path / "nowhere.git")).code == 0
    )
    assert cli("-C", str(street), "street", "pull").code == 0
    r = cli("-C", str(street), "street", "pull", "--json")
    lost = next(x for x in json.loads(r.out) if x["name"] == "失联社区")
    assert "找不到远程仓库" in lost["message"] and "英文" not in r.err, r.err
    r = cli("-C", str(street), "street", "report", "--docx", "汇总.docx")
    assert r.code == 0, r.err
    from docx import Document

    text = "\n".join(p.text for p in Document(str(street / "out" / "汇总.docx")).paragraphs)
    assert "潭中街道社区协商议事工作统计报告" in text
    assert "潭中街道办事处" in text and "红桥社区居民委员会" not in text
    assert "未纳入本次统计的社区：失联社区（未能拉取）" in text


def test_due_with_nothing_pulled_is_not_an_all_clear(tmp_path, cli):
    root = tmp_path / "空街道"
    assert cli("street", "init", str(root)).code == 0
    r = cli("-C", str(root), "street", "due")
    assert r.code == 2 and "还没有社区" in r.err
    assert cli("-C", str(root), "street", "add", "甲社区", str(tmp_path / "none.git")).code == 0
    r = cli("-C", str(root), "street", "due")
    assert r.code == 2 and "没有逾期" not in r.out and "street pull" in r.err


def test_a_renamed_default_branch_an_empty_and_a_plain_repository(street, tmp_path, cli):
    srv = tmp_path / "srv" / "青石社区.git"
    _git("branch", "-m", "main", "master", cwd=srv)
    _git("symbolic-ref", "HEAD", "refs/heads/master", cwd=srv)
    src = tmp_path / "src" / "青石社区"
    assert cli("-C", str(src), "new", "--title", "改名后的议题", "--no-input").code == 0
    _git("push", "-q", str(srv), "HEAD:master", cwd=src)
    empty = tmp_path / "srv" / "empty.git"
    _git("init", "-q", "--bare", str(empty), cwd=tmp_path)
    plain = tmp_path / "plain"
    _git("init", "-q", str(plain), cwd=tmp_path)
    (plain / "readme.txt").write_text("x")
    _git("add", ".", cwd=plain)
    _git("-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "x", cwd=plain)
    assert cli("-C", str(street), "street", "add", "空社区", str(empty)).code == 0
    assert cli("-C", str(street), "street", "add", "普通仓库", str(plain)).code == 0
    for _ in range(2):  # the second pull updates what the first cloned
        r = cli("-C", str(street), "street", "pull", "--json")
        got = {x["name"]: x for x in json.loads(r.out)}
        assert got["青石社区"]["ok"] and got["青石社区"]["cases"] == 2, got["青石社区"]
        assert not got["空社区"]["ok"] and "空的" in got["空社区"]["message"]
        assert not got["普通仓库"]["ok"] and "不是 xsk 工作区" in got["普通仓库"]["message"]
        assert "英文" not in r.err


def test_a_pull_or_report_never_runs_beside_another_pull(street, tmp_path, cli, monkeypatch):
    """Two pulls cloning the same community would remove each other's half-made clone, and a
    report read during a pull's checkout would count a half-written community: the street
    folder's lock lets one run; the other is refused in Chinese, with nothing changed."""
    import subprocess
    import sys

    from xsk.actions import street as street_mod

    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\n"
         "from pathlib import Path\n"
         "from xsk.core.filelock import file_lock\n"
         "with file_lock(Path(sys.argv[1]), wait=0) as held:\n"
         "    print('held' if held else 'free', flush=True)\n"
         "    sys.stdin.readline()\n",
         str(street / street_mod.LOCK_FILE)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        before = sorted(p.name for p in (street / "communities").iterdir())
        r = cli("-C", str(street), "street", "pull")
        assert r.code == 2
        assert "另一个 xsk street 命令正在使用" in r.err and "拉取未执行" in r.err
        assert "Traceback" not in r.err
        monkeypatch.setattr(street_mod, "READ_WAIT", 0.2)
        for args in (("report", "--json"), ("due",), ("add", "白塔社区", str(tmp_path / "x"))):
            r = cli("-C", str(street), "street", *args)
            assert r.code == 2 and "另一个 xsk street 命令正在使用" in r.err, (args, r.err)
        assert sorted(p.name for p in (street / "communities").iterdir()) == before
        assert "白塔社区" not in (street / "street.toml").read_text("utf-8")
    finally:
        holder.communicate("\n", timeout=30)
    assert cli("-C", str(street), "street", "pull").code == 0
    r = cli("-C", str(street), "street", "report", "--json")
    assert r.code == 0 and json.loads(r.out)["total"]["cases"] == 3
