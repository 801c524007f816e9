"""Two clones of one workspace, working offline and syncing through a bare remote.

The primary clone (where ``xsk init`` ran) numbers 2026-001, 2026-002, ...; the second clone
takes series B with ``xsk series set B`` and numbers 2026-B001, ... . After syncing both ways
nothing is lost, no number collides and no printed number (folder name, ``id``) changes.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT

ANSWERS = ROOT / "sample-cases" / "01-transformer" / "answers.toml"


@pytest.fixture(scope="module", autouse=True)
def _fast_cli():
    """Build typer's click command once instead of at every in-process call (~65 ms each)."""
    from conftest import cached_command

    import xsk.cli.app

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(xsk.cli.app, "command", cached_command())
        yield


def git(root: Path, *args: str, check: bool = True) -> str:
    r = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    if check:
        assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture
def clones(tmp_path, cli):
    """(remote, a, b): a is the primary clone, b a fresh clone of it (no series yet)."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    a = tmp_path / "a"
    r = cli("init", str(a), "--no-input", "--community", "红桥社区", "--facilitator", "王丽")
    assert r.code == 0, r.err
    git(a, "remote", "add", "origin", str(remote))
    assert cli("-C", str(a), "sync").code == 0
    b = tmp_path / "b"
    git(tmp_path, "clone", "-q", str(remote), str(b))
    return remote, a, b


def new(cli, ws: Path, title: str, date: str = "2026-03-02") -> str:
    r = cli("-C", str(ws), "new", "--title", title, "--no-input", "--date", date)
    assert r.code == 0, r.err
    return r.out.split()[-1]


def step(cli, ws: Path, cid: str, answers: Path = ANSWERS) -> None:
    r = cli("-C", str(ws), "step", cid, "--answers", str(answers), "--no-docs")
    assert r.code == 0, r.err


def sync(cli, ws: Path) -> None:
    r = cli("-C", str(ws), "sync")
    assert r.code == 0, r.err


def cases(ws: Path) -> dict[str, bytes]:
    return {p.parent.name: p.read_bytes() for p in sorted(ws.glob("cases/*/case.toml"))}


def files(ws: Path) -> dict[str, bytes]:
    """Every tracked file of the clone with its content."""
    names = git(ws, "ls-files", "-z").split("\0")
    return {n: (ws / n).read_bytes() for n in names if n}


def assert_settled(cli, *clones: Path) -> None:
    for ws in clones:
        assert git(ws, "status", "--porcelain") == "", ws
        r = cli("-C", str(ws), "check")
        assert r.code == 0, r.out + r.err
        for cid, text in cases(ws).items():
            assert tomllib.loads(text.decode("utf-8"))["id"] == cid
    heads = {git(ws, "rev-parse", "HEAD").strip() for ws in clones}
    assert len(heads) == 1, "the clones did not end on the same commit"
    first = files(clones[0])
    for ws in clones[1:]:
        assert files(ws) == first


def test_fresh_clone_must_choose_a_series(clones, cli):
    _remote, _a, b = clones
    r = cli("-C", str(b), "new", "--title", "三号楼加装电梯", "--no-input")
    assert r.code == 2
    assert "xsk series set" in r.err and "Traceback" not in r.err
    lines = [x for x in r.err.splitlines() if x.strip()]
    assert len(lines) == 1, r.err
    assert not list(b.glob("cases/*")) and git(b, "status", "--porcelain") == ""
    r = cli("-C", str(b), "series", "show")
    assert r.code == 0 and "xsk series set" in r.out
    # The letter is checked and a taken letter is refused after a sync.
    assert cli("-C", str(b), "series", "set", "BB").code == 2
    assert cli("-C", str(b), "series", "set", "b").code == 0
    sync(cli, b)
    sync(cli, clones[1])
    c = clones[0].parent / "c"
    git(c.parent, "clone", "-q", str(clones[0]), str(c))
    r = cli("-C", str(c), "series", "set", "B")
    assert r.code == 2 and "已被" in r.err


@pytest.mark.slow
def test_offline_work_on_both_clones_then_sync(clones, cli):
    _remote, a, b = clones
    assert cli("-C", str(b), "series", "set", "B").code == 0
    # Offline on both: new cases, steps (with a meeting each), an edit of an older case.
    a1 = new(cli, a, "小区配电变压器移交电网公司")
    a2 = new(cli, a, "楼道堆物清理", "2026-03-05")
    b1 = new(cli, b, "篮球架维修")
    b2 = new(cli, b, "快递柜太少", "2026-03-06")
    assert (a1, a2, b1, b2) == ("2026-001", "2026-002", "2026-B001", "2026-B002")
    for _ in range(3):  # collect, screen, announce (the last one creates a meeting)
        step(cli, a, a1)
        step(cli, b, b1)
    step(cli, b, b2)
    made = {**cases(a), **cases(b)}
    sync(cli, a)
    sync(cli, b)
    sync(cli, a)
    # Then more work on both sides, and another round.
    a3 = new(cli, a, "广场舞噪音扰民", "2026-03-10")
    step(cli, a, b1)  # a works on b's case (the meeting step) ...
    step(cli, b, a2)  # ... and b on a's
    b3 = new(cli, b, "单元门禁损坏", "2026-03-11")
    assert (a3, b3) == ("2026-003", "2026-B003")
    ca, cb = cases(a), cases(b)
    expected = {a1: ca[a1], a2: cb[a2], a3: ca[a3], b1: ca[b1], b2: cb[b2], b3: cb[b3]}
    sync(cli, b)
    sync(cli, a)
    sync(cli, b)
    assert_settled(cli, a, b)
    final = cases(a)
    assert sorted(final) == ["2026-001", "2026-002", "2026-003", "2026-B001", "2026-B002",
                             "2026-B003"]  # fmt: skip
    # No lost edit: every case is exactly as its last editor left it.
    assert final == expected
    for cid in made:
        assert tomllib.loads(final[cid].decode())["uid"] == tomllib.loads(made[cid].decode())["uid"]
    meetings = sorted(p.name for p in a.glob("meetings/*.toml"))
    assert meetings == ["2026-BM001.toml", "2026-M001.toml"]
    log = git(a, "log", "--format=%s")
    assert log.count("新建议题") == 6
    assert "编号序列：登记序列 B" in log


def test_same_case_different_files_and_lines_merge(clones, cli, tmp_path, monkeypatch):
    """a runs steps of a case; b edits its title and records an event: both survive."""
    _remote, a, b = clones
    assert cli("-C", str(b), "series", "set", "B").code == 0
    cid = new(cli, a, "甲一")
    sync(cli, a)
    sync(cli, b)
    editor = tmp_path / "ed.py"
    editor.write_text(
        "import sys\np = sys.argv[1]\nt = open(p, encoding='utf-8').read()\n"
        "t = t.replace('title = \"甲一\"', 'title = \"甲一改\"')\n"
        "open(p, 'w', encoding='utf-8').write(t)\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    assert cli("-C", str(b), "edit", cid).code == 0
    r = cli("-C", str(b), "event", cid, "objection", "--text", "有居民提出异议", "--date",
            "2026-03-03")  # fmt: skip
    assert r.code == 0, r.err
    step(cli, a, cid)
    step(cli, a, cid)
    sync(cli, a)
    sync(cli, b)
    sync(cli, a)
    assert_settled(cli, a, b)
    case = tomllib.loads((a / "cases" / cid / "case.toml").read_text("utf-8"))
    assert case["title"] == "甲一改" and case["step"] == "announce"
    assert len(list((a / "cases" / cid / "events").glob("*-objection-*.toml"))) == 1


def _conflict(clones, cli, tmp_path) -> tuple[Path, Path, str]:
    """Both clones do the same step of one case with different answers, a syncs first."""
    _remote, a, b = clones
    assert cli("-C", str(b), "series", "set", "B").code == 0
    cid = new(cli, a, "甲一")
    sync(cli, a)
    sync(cli, b)
    other = tmp_path / "answers-b.toml"
    text = ANSWERS.read_text("utf-8")
    other.write_text(text.replace("location = \"红桥花园3号楼配电房\"", "location = \"3号楼\""),
                     encoding="utf-8")  # fmt: skip
    step(cli, a, cid)
    step(cli, b, cid, other)
    sync(cli, a)
    return a, b, cid


def test_conflict_on_one_case_fails_with_exit_2(clones, cli, tmp_path):
    """What xsk does today: exit 2, nothing pushed, nothing of b's lost (it is in the reflog)."""
    a, b, _cid = _conflict(clones, cli, tmp_path)
    mine = git(b, "rev-parse", "HEAD").strip()
    r = cli("-C", str(b), "sync")
    assert r.code == 2 and "Traceback" not in r.err
    assert git(a, "rev-parse", "HEAD") == git(a, "ls-remote", "origin", "main").split()[0] + "\n"
    # b's commit still exists.
    assert git(b, "cat-file", "-t", mine).strip() == "commit"


def test_conflict_on_one_case_leaves_clone_usable(clones, cli, tmp_path):
    _a, b, cid = _conflict(clones, cli, tmp_path)
    before = git(b, "rev-parse", "HEAD")
    r = cli("-C", str(b), "sync")
    assert r.code == 2
    lines = [x for x in r.err.splitlines() if x.strip()]
    assert len(lines) == 1, r.err
    assert "冲突" in r.err and cid in r.err, r.err
    assert "Could not apply" not in r.err
    # Sync is undone: b is as before, with its own step, and still works.
    assert not (b / ".git" / "rebase-merge").exists()
    assert not (b / ".git" / "rebase-apply").exists()
    assert git(b, "rev-parse", "HEAD") == before
    assert git(b, "status", "--porcelain") == ""
    assert cli("-C", str(b), "check").code == 0
    assert cli("-C", str(b), "status").code == 0


def _edit(cli, ws: Path, cid: str, tmp_path: Path, monkeypatch, old: str, new: str) -> None:
    editor = tmp_path / f"ed-{abs(hash((str(ws), old, new)))}.py"
    editor.write_text(
        "import sys\np = sys.argv[1]\nt = open(p, encoding='utf-8').read()\n"
        f"t = t.replace({old!r}, {new!r})\n"
        "open(p, 'w', encoding='utf-8').write(t)\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    r = cli("-C", str(ws), "edit", cid)
    assert r.code == 0 and "已保存" in r.out, r.out + r.err


def test_conflicts_resolved_by_field(clones, cli, tmp_path, monkeypatch):
    """Adjacent fields edited on two clones merge without a word; the same field is named with
    both values; ``sync --theirs`` settles it, the other clone converges, and the losing value
    stays in ``git log -p``."""
    _remote, a, b = clones
    assert cli("-C", str(b), "series", "set", "B").code == 0
    cid = new(cli, a, "甲一")
    sync(cli, a)
    sync(cli, b)
    assert (b / ".gitattributes").read_text("utf-8").count("merge=xsk-toml") == 1
    # adjacent lines (level, category): a line merge conflicts, a field merge does not
    _edit(cli, a, cid, tmp_path, monkeypatch, 'level = "社区"', 'level = "小区"')
    _edit(cli, b, cid, tmp_path, monkeypatch, 'category = ""', 'category = "公共设施"')
    sync(cli, a)
    r = cli("-C", str(b), "sync")
    assert r.code == 0 and r.err == "" and r.out.startswith("已与 origin 同步"), r.out + r.err
    sync(cli, a)
    assert_settled(cli, a, b)
    case = tomllib.loads((a / "cases" / cid / "case.toml").read_text("utf-8"))
    assert case["level"] == "小区" and case["category"] == "公共设施"

    # the same field on both
    _edit(cli, a, cid, tmp_path, monkeypatch, 'title = "甲一"', 'title = "甲一（甲方）"')
    _edit(cli, b, cid, tmp_path, monkeypatch, 'title = "甲一"', 'title = "甲一（乙方）"')
    sync(cli, a)
    before = git(b, "rev-parse", "HEAD")
    for _ in range(2):  # the same message every time, nothing changed
        r = cli("-C", str(b), "sync")
        assert r.code == 2
        line = r.err.strip()
        assert len(line.splitlines()) == 1, r.err
        assert f"议题 {cid}" in line and "title" in line, line
        assert "本机“甲一（乙方）”" in line and "远程“甲一（甲方）”" in line, line
        assert "--mine" in line and "--theirs" in line
        assert git(b, "rev-parse", "HEAD") == before and git(b, "status", "--porcelain") == ""
    r = cli("-C", str(b), "sync", "--theirs")
    assert r.code == 0, r.err
    assert "采用远程的值" in r.out and "title" in r.out
    sync(cli, a)
    assert_settled(cli, a, b)
    for ws in (a, b):
        case = tomllib.loads((ws / "cases" / cid / "case.toml").read_text("utf-8"))
        assert case["title"] == "甲一（甲方）"
        assert case["level"] == "小区" and case["category"] == "公共设施"
    assert "甲一（乙方）" in git(a, "log", "-p")  # the losing value is in history


def test_sync_mine_keeps_the_local_value(clones, cli, tmp_path, monkeypatch):
    _remote, a, b = clones
    assert cli("-C", str(b), "series", "set", "B").code == 0
    cid = new(cli, a, "甲一")
    sync(cli, a)
    sync(cli, b)
    _edit(cli, a, cid, tmp_path, monkeypatch, 'title = "甲一"', 'title = "甲方标题"')
    _edit(cli, b, cid, tmp_path, monkeypatch, 'title = "甲一"', 'title = "乙方标题"')
    sync(cli, a)
    assert cli("-C", str(b), "sync", "--mine").code == 0
    sync(cli, a)
    assert_settled(cli, a, b)
    case = tomllib.loads((a / "cases" / cid / "case.toml").read_text("utf-8"))
    assert case["title"] == "乙方标题"
    assert "甲方标题" in git(a, "log", "-p")


def test_field_merge_of_parsed_values():
    from xsk.workspace.merge import merge_values

    base = {"a": 1, "b": {"x": 1, "y": 2}, "h": [1]}
    ours = {"a": 2, "b": {"x": 1, "y": 3}, "h": [1]}
    theirs = {"a": 1, "b": {"x": 5, "y": 2}, "h": [1], "new": "n"}
    merged, conflicts = merge_values(base, ours, theirs)
    assert merged == {"a": 2, "b": {"x": 5, "y": 3}, "h": [1], "new": "n"} and conflicts == []
    merged, conflicts = merge_values(base, {**ours, "h": [1, 2]}, {**theirs, "h": [1, 3]})
    assert conflicts == [(("h",), [1, 2], [1, 3])]
    _, conflicts = merge_values({"t": "o"}, {}, {"t": "x"})  # deleted here, changed there
    assert len(conflicts) == 1


def test_the_walk_asks_for_the_series_before_any_question(clones):
    """Reviewer (17): in a fresh clone the walk asked the whole new case (or step) and only
    then said the series was missing. It says so before the first question."""
    import pytest

    from xsk.core.errors import UsageError
    from xsk.prompts.base import ScriptedPrompter
    from xsk.walk import walk
    from xsk.workspace import settings

    _remote, _a, b = clones
    ws = settings.load(b)
    p = ScriptedPrompter([walk.NEW])
    with pytest.raises(UsageError, match="编号序列"):
        walk.home(ws, p)
    assert not p.answers and p.asked == ["要做什么？"]
