"""The 文号 register (xsk/workspace/docnumbers.py): 红桥议〔2026〕N号 on each issued document,
kept on rebuilds, recorded with what it was issued for, never repeated across two clones."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from test_two_clones import clones, git, new, step, sync  # noqa: F401  (fixture)

from xsk.core.errors import DataError
from xsk.documents.docx import extract_text
from xsk.workspace import docnumbers
from xsk.workspace import settings as wsmod

NUMBER = re.compile(r"^红桥议〔(\d{4})〕([A-Z]?)([1-9]\d*)号$")


def _issue(cli, ws: Path, title: str, date: str) -> str:
    cid = new(cli, ws, title, date)
    for _ in range(3):  # collect, screen, announce: the announce step issues the 通知
        step(cli, ws, cid)
    r = cli("-C", str(ws), "docs", "build", cid)
    assert r.code == 0, r.err
    return cid


def _numbers(ws: Path) -> list[str]:
    out = []
    for path in sorted((ws / docnumbers.REGISTER_DIR).glob("*.toml")):
        out += [e["number"] for e in tomllib.loads(path.read_text("utf-8")).get("issued", [])]
    return out


def test_format_and_prefix() -> None:
    assert docnumbers.format_number("红桥议", 2026, "", 7) == "红桥议〔2026〕7号"
    assert docnumbers.format_number("红桥议", 2026, "B", 12) == "红桥议〔2026〕B12号"
    from xsk.core.model import Settings

    assert Settings(community="红桥社区").doc_prefix == "红桥议"
    assert Settings(community="红桥社区", number_prefix="红居议").doc_prefix == "红居议"


def test_two_clones_never_issue_the_same_number(clones, cli):  # noqa: F811
    _remote, a, b = clones
    assert cli("-C", str(b), "series", "set", "B").code == 0
    _issue(cli, a, "小区配电变压器移交电网公司", "2026-03-02")
    _issue(cli, b, "篮球架维修", "2026-03-03")
    na, nb = _numbers(a), _numbers(b)
    assert na and nb
    assert all(NUMBER.match(n) and not NUMBER.match(n).group(2) for n in na)
    assert all(NUMBER.match(n) and NUMBER.match(n).group(2) == "B" for n in nb)
    sync(cli, a)
    sync(cli, b)
    sync(cli, a)
    for ws in (a, b):
        assert git(ws, "status", "--porcelain") == ""
        every = _numbers(ws)
        assert len(every) == len(set(every)) == len(na) + len(nb)
    # each entry says what it was issued for; the notice prints its number under the title
    entries = docnumbers.entries(wsmod.load(a))
    notice = next(e for e in entries if e["kind"] == "notice" and not e["series"])
    assert notice["key"].startswith("notice:") and notice["title"].startswith("关于召开")
    path = next((a / "out" / "meetings").rglob("*会议通知.docx"))
    lines = extract_text(path).splitlines()
    assert lines[0].startswith("关于召开") and lines[1] == notice["number"]


def test_rebuild_keeps_the_number_and_register_is_committed(clones, cli):  # noqa: F811
    _remote, a, _b = clones
    cid = _issue(cli, a, "楼道堆物清理", "2026-03-05")
    before = _numbers(a)
    assert git(a, "status", "--porcelain") == ""
    assert "发文登记" in git(a, "log", "--format=%s")
    r = cli("-C", str(a), "docs", "build", cid, "--force")
    assert r.code == 0, r.err
    assert _numbers(a) == before  # same documents, same numbers, nothing new issued
    ws = wsmod.load(a)
    first, later = "result:x:2026年3月9日", "result:x:2026年4月1日"
    n1 = docnumbers.assign(ws, [docnumbers.Request(first, "result", "t", None)])[first]
    assert docnumbers.assign(ws, [docnumbers.Request(first, "result", "t", None)])[first] == n1
    n2 = docnumbers.assign(ws, [docnumbers.Request(later, "result", "t", None)])[later]
    assert n1 != n2  # a later 公示 is a new document with its own number
    assert len(_numbers(a)) == len(before) + 2


def test_a_large_register_is_read_from_its_json_copy_while_unchanged(ws_path):
    """A street-scale register (tens of thousands of entries) takes tomllib seconds; its JSON
    copy in .xsk/ is used while the file's stat is unchanged, and never when it changed."""
    import datetime as dt

    ws = wsmod.load(ws_path)
    reqs = [
        docnumbers.Request(f"result:2026-{i:04d}:2026年3月1日", "result", "t", dt.date(2026, 3, 1))
        for i in range(600)
    ]
    numbers = docnumbers.assign(ws, reqs)
    copy = ws_path / ".xsk" / "register-cache" / "primary.json"
    docnumbers._READ.clear()
    assert docnumbers.lookup(ws) == numbers and copy.is_file()
    docnumbers._READ.clear()
    assert docnumbers.lookup(ws) == numbers  # from the copy
    assert all(isinstance(e["date"], dt.date) for e in docnumbers.entries(ws))
    more = docnumbers.Request("result:2026-9999:2026年4月1日", "result", "t", None)
    extra = docnumbers.assign(ws, [more])
    docnumbers._READ.clear()
    assert docnumbers.lookup(ws) == {**numbers, **extra}  # the copy was stale: not used


def test_a_register_broken_by_hand_is_named_in_chinese_by_build_and_check(ws_path, cli):
    ws = wsmod.load(ws_path)
    docnumbers.assign(ws, [docnumbers.Request("result:2026-001:x", "result", "t", None)])
    path = ws_path / docnumbers.REGISTER_DIR / "primary.toml"
    lines = path.read_text("utf-8").count("\n")
    with path.open("a", encoding="utf-8") as fh:
        fh.write('[[issued]\nnumber = "x"\n')
    docnumbers._READ.clear()
    with pytest.raises(DataError) as exc:
        docnumbers.lookup(ws)
    assert str(exc.value).startswith(f"register/primary.toml:{lines + 1}: E003")
    assert "Expected" not in str(exc.value)
    r = cli("-C", str(ws_path), "check")
    assert r.code == 1 and f"register/primary.toml:{lines + 1}: E003" in r.out


def test_the_register_grows_by_text_as_tomlkit_would_write_it(ws_path, monkeypatch):
    """Issuing a number re-read the whole register with tomlkit (about 1.7 s a MB: 80 s at
    50,000 cases). New entries and later freeze marks go in as text; the file reads back
    exactly as the tomlkit path's, and an entry that is not flat takes the tomlkit path."""
    import datetime as dt

    from xsk.store import tomlio

    ws = wsmod.load(ws_path)
    day = dt.date(2026, 3, 1)
    first = [docnumbers.Request(f"result:2026-{i:03d}:x", "result", "标题", day) for i in range(3)]
    second = [
        docnumbers.Request("result:2026-001:x", "result", "标题", day, ("c" * 40, "d" * 20)),
        docnumbers.Request("notice:2026-M001", "notice", "通知“甲”", day),
    ]

    def run(fast: bool) -> dict:
        path = ws_path / docnumbers.REGISTER_DIR / "primary.toml"
        path.unlink(missing_ok=True)
        docnumbers._READ.clear()
        if not fast:
            monkeypatch.setattr(docnumbers, "_append", lambda p, n, f, whole: whole())
        docnumbers.assign(ws, first, commit=False)
        docnumbers._READ.clear()
        docnumbers.assign(ws, second, commit=False)
        monkeypatch.undo()
        return tomllib.loads(path.read_text("utf-8"))

    fast, slow = run(True), run(False)
    assert fast == slow and len(fast["issued"]) == 4
    # what was written is remembered with the file's new stat: not parsed again
    monkeypatch.setattr(docnumbers, "_parse", lambda *a: pytest.fail("the register re-parsed"))
    assert len(docnumbers.lookup(ws)) == 4 and docnumbers.frozen(ws)
    monkeypatch.undo()
    assert fast["issued"][1]["commit"] == "c" * 40 and "commit" not in fast["issued"][0]
    # an entry with a table inside: the text path steps aside
    path = ws_path / docnumbers.REGISTER_DIR / "primary.toml"
    path.write_text(path.read_text("utf-8") + '[issued.note]\ntext = "手工"\n', "utf-8")
    used: list[bool] = []
    real = tomlio.update
    monkeypatch.setattr(tomlio, "update", lambda *a, **k: (used.append(True), real(*a, **k)))
    docnumbers._READ.clear()
    freeze = docnumbers.Request("notice:2026-M001", "notice", "通知", day, ("e" * 40, "f" * 20))
    docnumbers.assign(ws, [freeze], commit=False)
    assert used and tomllib.loads(path.read_text("utf-8"))["issued"][3]["commit"] == "e" * 40


def test_a_register_larger_than_a_hand_edited_file_is_not_refused(ws_path, monkeypatch):
    """At 50,000 cases the register passed the 32 MB limit of a hand-edited TOML file and
    `xsk check` exited 1 (E005); the register has its own, larger limit."""
    import datetime as dt

    from xsk.casework import checks
    from xsk.store import tomlio

    ws = wsmod.load(ws_path)
    docnumbers.assign(
        ws, [docnumbers.Request("result:2026-001:x", "result", "t", dt.date(2026, 3, 1))]
    )
    monkeypatch.setattr(tomlio, "MAX_BYTES", 64)  # the register is larger than this
    assert checks._register_problems(ws) == []
