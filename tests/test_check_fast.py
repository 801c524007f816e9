"""``xsk check`` at street scale (issue 19): the public-document scan takes the public flag
from the docs manifest and the file name, builds each private set once and keeps each
document's findings in ``.xsk/check-scan.json``; its results are those of the full scan
(every .docx opened and scanned), in the same order, cold and warm."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from xsk.actions import workflow
from xsk.documents import publiccheck
from xsk.workspace import settings as workspace


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A generated workspace of 40 cases with every document built (shared, copied per test)."""
    target = tmp_path_factory.mktemp("gen") / "ws"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen_workspace.py"), "--cases", "40", str(target)],
        check=True,
        capture_output=True,
    )
    from xsk.documents import plan

    ws = workspace.load(target)
    result = plan.run_jobs(ws, plan.jobs_for_cases(ws, [c.name for c in ws.cases_dir.iterdir()]))
    assert result.built
    return target


@pytest.fixture(autouse=True)
def settled_at_once(monkeypatch):
    """Files written a moment ago count as settled (else nothing is kept for 3 s)."""
    from xsk.store import filememo

    monkeypatch.setattr(filememo, "RACY_NS", 0)


@pytest.fixture
def gen_ws(built, tmp_path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(built, target, symlinks=True)
    return target


def _notices(root: Path) -> list[Path]:
    return sorted((root / "out" / "meetings").rglob("*-会议通知.docx"))


def _plant(path: Path, text: str) -> None:
    from docx import Document

    doc = Document(str(path))
    doc.paragraphs[2].add_run(text)
    doc.save(str(path))


def _scan(root: Path, *, cache: bool = True) -> list:
    return workflow.check_public_documents(workspace.load(root), cache=cache)


def test_cached_scan_gives_the_full_scans_problems_in_order(gen_ws):
    notices = _notices(gen_ws)
    assert len(notices) >= 3
    _plant(notices[0], "联系人139 8765 4321，住幸福小区5栋1单元302室")
    _plant(notices[2], "身份证 450202199001011234")
    # a public document the manifest does not know (copied by hand): read by its properties
    extra = gen_ws / "out" / "meetings" / "副本" / "通知副本.docx"
    extra.parent.mkdir()
    shutil.copy(notices[0], extra)
    # an internal document renamed by hand is not the manifest's either: opened, not scanned
    reg = next((gen_ws / "out").glob("*/*-议题登记表.docx"))
    shutil.copy(reg, reg.with_name("登记表（打印）.docx"))
    (gen_ws / "out" / "坏文件.docx").write_bytes(b"not a zip")
    reference = _scan(gen_ws, cache=False)
    assert {p.code for p in reference} == {"E701", "E602"}
    assert any(p.path.endswith("通知副本.docx") for p in reference)
    cold = _scan(gen_ws)
    assert (gen_ws / ".xsk" / publiccheck.SCAN_CACHE).is_file()
    warm = _scan(gen_ws)
    assert cold == reference
    assert warm == reference
    # the whole check too: same lines, twice
    first = [p.format() for p in workflow.check_workspace(gen_ws)]
    again = [p.format() for p in workflow.check_workspace(gen_ws)]
    assert first == again
    assert [p.format() for p in reference] == [
        x for x in first if " E701 " in x or " E602 " in x or ": E701" in x or ": E602" in x
    ]
    # no private value is kept in the cache in the clear
    cache_text = (gen_ws / ".xsk" / publiccheck.SCAN_CACHE).read_text("utf-8")
    assert "98765" not in cache_text and "450202199001011234" not in cache_text


def test_a_warm_check_does_not_open_documents(gen_ws, monkeypatch):
    assert _scan(gen_ws) == []
    opened: list[str] = []
    real = Path.read_bytes

    def spy(self: Path) -> bytes:
        if self.suffix == ".docx":
            opened.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    import zipfile

    monkeypatch.setattr(zipfile, "ZipFile", None)  # properties() would fail: E602
    assert _scan(gen_ws) == []
    assert opened == []


def test_a_document_changed_after_a_warm_run_is_scanned_again(gen_ws):
    assert _scan(gen_ws) == []
    assert _scan(gen_ws) == []
    notice = _notices(gen_ws)[1]
    _plant(notice, "联系电话 13987654321")
    found = _scan(gen_ws)
    assert [p.code for p in found] == ["E701"]
    assert found[0].path == notice.relative_to(gen_ws).as_posix()
    assert found == _scan(gen_ws, cache=False)


def test_a_phone_added_to_the_roster_or_a_case_makes_the_cache_stale(gen_ws):
    notices = _notices(gen_ws)
    # numbers no pattern takes for a phone: private only once the workspace records them
    _plant(notices[0], "服务热线编号95566")
    _plant(notices[1], "编号 96677 号")
    assert _scan(gen_ws) == []
    roster = gen_ws / "roster.toml"
    roster.write_text(
        roster.read_text("utf-8") + '\n[[people]]\nid = "zsf"\nname = "张三丰"\nphone = "95566"\n',
        encoding="utf-8",
    )
    found = _scan(gen_ws)
    assert [p.path for p in found] == [notices[0].relative_to(gen_ws).as_posix()]
    assert found == _scan(gen_ws, cache=False)
    # a case's proposer: only the documents of that case's meeting
    import tomllib

    import tomli_w

    mid = notices[1].parent.name
    meeting = tomllib.loads((gen_ws / "meetings" / f"{mid}.toml").read_text("utf-8"))
    cid = meeting["cases"][0]
    case_toml = gen_ws / "cases" / cid / "case.toml"
    data = tomllib.loads(case_toml.read_text("utf-8"))
    data.setdefault("proposers", []).append({"name": "李四光", "phone": "96677"})
    case_toml.write_text(tomli_w.dumps(data), encoding="utf-8")
    found = _scan(gen_ws)
    assert found == _scan(gen_ws, cache=False)
    assert notices[1].relative_to(gen_ws).as_posix() in {p.path for p in found}


def _reference(root: Path) -> list[str]:
    """The whole check without anything remembered (each file read as often as before)."""
    return [p.format() for p in workflow._check_workspace(root)]


def _check(root: Path) -> list[str]:
    return [p.format() for p in workflow.check_workspace(root)]


def test_remembered_file_results_are_the_checks_of_the_files_as_they_are_now(gen_ws):
    assert _check(gen_ws) == _reference(gen_ws) == []
    assert (gen_ws / ".xsk" / "check-files.bin").is_file()
    cases = sorted(p for p in (gen_ws / "cases").iterdir() if p.is_dir())
    # changed after a warm run: an open case's step, an event, a new event, a copied case
    case_toml = next(
        p / "case.toml" for p in cases if 'status = "open"' in (p / "case.toml").read_text("utf-8")
    )
    text = case_toml.read_text("utf-8")
    case_toml.write_text(text.replace('step = "', 'step = "没有这一步', 1), encoding="utf-8")
    event = sorted((gen_ws / "cases").glob("*/events/*.toml"))[0]
    event.write_text(event.read_text("utf-8") + "\n[[[broken\n", encoding="utf-8")
    (cases[2] / "events").mkdir(exist_ok=True)
    (cases[2] / "events" / "20260301T100000-rating-zzzz.toml").write_text(
        'kind = "rating"\ndate = 2026-03-01\nunit = "区民政局"\nscore = 9\n', encoding="utf-8"
    )
    copy = gen_ws / "cases" / "2099-001"
    shutil.copytree(cases[3], copy)
    text = (copy / "case.toml").read_text("utf-8")
    (copy / "case.toml").write_text(
        text.replace(f'id = "{cases[3].name}"', 'id = "2099-001"'), encoding="utf-8"
    )
    (cases[4] / "票.csv").write_text("voter,choice\n", encoding="utf-8")
    (gen_ws / "meetings" / "错误的名字.toml").write_text("[[x]\n", encoding="utf-8")
    warm = _check(gen_ws)
    assert warm == _reference(gen_ws)
    assert any("E302" in x for x in warm) and any("E201" in x for x in warm)
    assert any("评分应为" in x for x in warm) and any(event.name in x for x in warm)
    assert any("错误的名字" in x for x in warm)
    assert _check(gen_ws) == warm
    # a case folder is remembered whole: a file removed from it, or edited in place, counts
    broken = event.read_text("utf-8")
    event.unlink()
    assert not any(event.name in x for x in _check(gen_ws))
    event.write_text(broken, encoding="utf-8")
    outcomes = next(p / "outcomes.toml" for p in cases if (p / "outcomes.toml").is_file())
    kept = outcomes.read_text("utf-8")
    outcomes.write_text(kept + "\n[[[broken\n", encoding="utf-8")
    assert any(f"{outcomes.parent.name}/outcomes.toml" in x for x in _check(gen_ws))
    outcomes.write_text(kept, encoding="utf-8")
    assert _check(gen_ws) == warm
    # a procedure of the workspace's own without the step an open case is at
    import tomllib

    other = next(
        data
        for p in cases
        if p / "case.toml" != case_toml
        for data in [tomllib.loads((p / "case.toml").read_text("utf-8"))]
        if data.get("status") == "open"
    )
    from xsk.procedure import loader

    procs = gen_ws / "templates" / "procedures"
    procs.mkdir(parents=True, exist_ok=True)
    builtin = loader.available(None)[other["procedure"]]
    step = other["step"]
    (procs / builtin.name).write_text(
        builtin.read_text("utf-8").replace(f'id = "{step}"', f'id = "{step}2"'), "utf-8"
    )
    changed = _check(gen_ws)
    assert changed == _reference(gen_ws)
    assert changed != warm


def test_filememo_dependencies_and_context(tmp_path):
    from xsk.store import filememo, tomlio

    memo = tmp_path / "memo.json"
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text("x = 1\n", encoding="utf-8")
    calls: list[str] = []

    def make() -> int:
        calls.append("made")
        total = tomlio.read(a)[0]["x"]
        if b.exists():
            total += tomlio.read(b)[0]["x"]
        return total

    def run(context: str = "c1") -> int:
        with filememo.active(memo, context, root=tmp_path):
            return filememo.remember("sum", "a+b", make, deps=[b])

    assert run() == 1 and run() == 1 and len(calls) == 1
    b.write_text("x = 2\n", encoding="utf-8")  # a missing dependency appears
    assert run() == 3 and len(calls) == 2
    a.write_text("x = 10\n", encoding="utf-8")  # a file read inside make() changes
    assert run() == 12 and len(calls) == 3
    assert run("c2") == 12 and len(calls) == 4  # another context: nothing remembered
    assert filememo.remember("sum", "a+b", make) == 12 and len(calls) == 5  # not active


def test_a_result_made_from_a_file_changed_a_moment_ago_is_not_kept(tmp_path, monkeypatch):
    from xsk.store import filememo, tomlio

    monkeypatch.setattr(filememo, "RACY_NS", 3_000_000_000)
    memo = tmp_path / "memo.json"
    a = tmp_path / "a.toml"
    a.write_text("x = 1\n", encoding="utf-8")
    calls: list[int] = []

    def run() -> int:
        with filememo.active(memo, "c"):
            return filememo.remember("x", str(a), lambda: calls.append(1) or tomlio.read(a)[0]["x"])

    assert run() == 1 and run() == 1
    assert len(calls) == 2  # a.toml is 0 s old: its stat may not show the next change


def test_a_cold_check_parses_each_file_once_and_keeps_no_parsed_files(gen_ws, monkeypatch):
    """Every TOML file of the cases is parsed at most once by a cold ``check`` (the case is
    made once and shared by its passes), and no parsed file is kept beyond what the passes
    share: at 10,000 cases keeping them all doubled the peak memory."""
    from collections import Counter

    from xsk.store import tomlio

    parsed: Counter[str] = Counter()
    real_read = tomlio._read

    def counting(path, root=None, max_bytes=tomlio.MAX_BYTES):
        parsed[str(path)] += 1
        return real_read(path, root, max_bytes)

    kept: list[dict] = []
    real_once = tomlio.once

    def watching(tag, path, make):
        memo = tomlio._MEMO.get()
        kept.append(memo if memo is not None else {})
        return real_once(tag, path, make)

    monkeypatch.setattr(tomlio, "_read", counting)
    monkeypatch.setattr(tomlio, "once", watching)
    assert workflow.check_workspace(gen_ws) == []
    cases = {p: n for p, n in parsed.items() if "/cases/" in p}
    assert len(cases) > 100
    assert max(cases.values()) == 1, [p for p, n in cases.items() if n > 1][:5]
    memo = kept[-1]
    assert memo and {key[0].split(":")[0] for key in memo} == {"case"}
