"""Issued documents are frozen (xsk/documents/frozen.py): a document issued under a 文号 says
the same thing after the case moves on; a later state gets a new document with its own number
(a corrected 公示 when ``xsk calendar recheck`` moves a publicity period)."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

from tests.test_calendar_cli import CAL_2027, case_until_publicity, doc_text, write_year


def register(ws: Path) -> list[dict]:
    out: list[dict] = []
    for path in sorted((ws / "register").glob("*.toml")):
        out += tomllib.loads(path.read_text("utf-8")).get("issued", [])
    return out


def git(ws: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=ws, capture_output=True, text=True).stdout


def build(cli, ws: Path, *args: str) -> None:
    r = cli("-C", str(ws), "docs", "build", *args)
    assert r.code == 0, r.err


def texts(ws: Path) -> dict[str, list[str]]:
    return {str(p.relative_to(ws)): doc_text(p) for p in sorted((ws / "out").rglob("*.docx"))}


def test_result_notice_and_lists_keep_what_they_said_after_progress(ws_path, cli, tmp_path):
    cid, _ = case_until_publicity(cli, ws_path, tmp_path)
    build(cli, ws_path, cid)
    entries = {e["key"]: e for e in register(ws_path)}
    result = entries[next(k for k in entries if k.startswith(f"result:{cid}"))]
    # complete at once: frozen at the commit it was built from, with what it said
    assert result["commit"] == git(ws_path, "rev-parse", "HEAD~1").strip()
    assert len(result["digest"]) == 20
    before = texts(ws_path)
    result_file = f"out/{cid}/{cid}-协商结果公示.docx"
    assert before[result_file][0] == "关于配电变压器移交协商结果的公示"

    # the item is done, the title is corrected by hand: the issued documents do not change
    r = cli(
        "-C", str(ws_path), "event", cid, "progress", "--no", "1", "--status", "已办结",
        "--text", "已完成移交", "--date", "2027-02-10",
    )  # fmt: skip
    assert r.code == 0, r.err
    # only the result notice says something else now: its snapshot needs the meeting file too
    build(cli, ws_path, cid)
    assert texts(ws_path)[result_file] == before[result_file]
    case = ws_path / "cases" / cid / "case.toml"
    case.write_text(
        case.read_text("utf-8").replace("配电变压器移交", "配电变压器产权移交"), "utf-8"
    )
    git(ws_path, "commit", "-qam", "改标题")
    build(cli, ws_path, cid)
    after = texts(ws_path)
    for name in (result_file, *(n for n in before if "责任清单" in n)):
        assert after[name] == before[name], name
    # the title it was posted with, and the resolutions of its meeting (read from the snapshot)
    assert after[result_file][0] == "关于配电变压器移交协商结果的公示"
    assert any("开发商先行检测维护配电设施" in t for t in after[result_file])
    # a new document is built from the current state: the registration form follows the edit
    reg = next(n for n in after if "登记表" in n)
    assert any("配电变压器产权移交" in t for t in after[reg])
    # numbers were not allocated again
    assert len(register(ws_path)) == len(entries)
    # --force renders the same frozen text
    build(cli, ws_path, cid, "--force")
    assert texts(ws_path)[result_file] == before[result_file]


def test_documents_follow_uncommitted_files_and_freeze_only_committed_ones(ws_path, cli, tmp_path):
    cid, _ = case_until_publicity(cli, ws_path, tmp_path)
    case = ws_path / "cases" / cid / "case.toml"
    case.write_text(case.read_text("utf-8").replace("配电变压器移交", "配电房移交"), "utf-8")
    build(cli, ws_path, cid, "--kind", "result")
    (entry,) = [e for e in register(ws_path) if e["key"].startswith("result:")]
    assert "commit" not in entry  # built from a hand edit not yet committed: not frozen yet
    git(ws_path, "commit", "-qam", "改标题")
    build(cli, ws_path, cid, "--kind", "result", "--force")
    (entry,) = [e for e in register(ws_path) if e["key"].startswith("result:")]
    assert entry["commit"] == git(ws_path, "rev-parse", "HEAD~1").strip()


def test_recheck_leaves_the_notice_and_issues_a_correction(ws_path, cli, tmp_path):
    cid, _ = case_until_publicity(cli, ws_path, tmp_path)
    build(cli, ws_path, cid)
    out = ws_path / "out" / cid
    original = doc_text(out / f"{cid}-协商结果公示.docx")
    assert any(t.startswith("公示期为2027年2月3日至2027年2月11日") for t in original)
    minutes = {n: t for n, t in texts(ws_path).items() if "会议纪要" in n}
    (number,) = [e["number"] for e in register(ws_path) if e["key"].startswith("result:")]

    write_year(ws_path, CAL_2027)
    r = cli("-C", str(ws_path), "calendar", "recheck", "--yes")
    assert r.code == 0, r.err
    assert "更正公示" in r.out and cid in r.out
    build(cli, ws_path, cid)
    assert doc_text(out / f"{cid}-协商结果公示.docx") == original  # as posted
    assert {n: t for n, t in texts(ws_path).items() if "会议纪要" in n} == minutes
    corrected = doc_text(out / f"{cid}-协商结果公示（更正）.docx")
    assert corrected[0] == "关于配电变压器移交协商结果的更正公示"
    fix = next(t for t in corrected if t.startswith("本社区于"))
    assert f"（{number}）" in fix
    assert "所载公示期为2027年2月3日至2027年2月11日，经复核更正为2027年2月3日至2027年2月17日" in fix
    assert any(t.startswith("公示期为2027年2月3日至2027年2月17日") for t in corrected)
    assert not any("以国务院公布为准" in t for t in corrected)  # 2027 is official now
    entries = register(ws_path)
    (fixed,) = [e for e in entries if "更正" in e["key"]]
    assert fixed["number"] != number and fixed["commit"]
    assert fixed["number"] in "".join(corrected)
    # building again changes nothing and allocates nothing
    before = texts(ws_path)
    build(cli, ws_path, cid)
    assert texts(ws_path) == before and len(register(ws_path)) == len(entries)


# --------------------------------------------------------------------------- issue 20: marks


def test_status_due_ledger_and_supervision_mark_provisional_limits(
    ws_path, cli, tmp_path, monkeypatch
):
    import json

    import openpyxl

    cid, _ = case_until_publicity(cli, ws_path, tmp_path)
    monkeypatch.setenv("XSK_NOW", "2027-02-25T09:00:00+08:00")  # item 1 (02-17) is overdue
    r = cli("-C", str(ws_path), "status", "--json")
    (row,) = [x for x in json.loads(r.out) if x["id"] == cid]
    assert row["due"] == "2027-02-17" and row["due_provisional"] is True
    r = cli("-C", str(ws_path), "status")
    assert "2027-02-17（暂定）" in r.out and "以国务院公布为准" in r.out
    r = cli("-C", str(ws_path), "due", "--json")
    items = [i for v in json.loads(r.out).values() for i in v]
    # item 1 is counted in working days; item 2 has a date typed by people: never provisional
    assert {(i["no"], i["provisional"]) for i in items} == {(1, True)}
    r = cli("-C", str(ws_path), "due")
    assert "2027-02-17（暂定）" in r.out and "暂定节假日" in r.out

    ledger = tmp_path / "台账.xlsx"
    assert cli("-C", str(ws_path), "report", "--xlsx", str(ledger)).code == 0
    wb = openpyxl.load_workbook(ledger)
    cases = list(wb["议题台账"].iter_rows(values_only=True))
    head = cases[0]
    (mine,) = [c for c in cases if c[head.index("议题编号")] == cid]
    assert "暂定节假日" in mine[head.index("备注")]
    outs = list(wb["协商成果"].iter_rows(values_only=True))
    col = outs[0].index("时限说明")
    assert [o[col] or "" for o in outs[1:]] == ["按暂定节假日推算，以国务院公布为准", ""]

    r = cli("-C", str(ws_path), "due", "--notices")
    assert r.code == 0, r.err
    (notice,) = (ws_path / "out" / "督办").glob("督办单-*.docx")
    text = doc_text(notice)
    assert any("办结时限" in t and "以国务院公布为准" in t for t in text), text

    # the schedule arrives: nothing is marked any more
    write_year(ws_path, CAL_2027)
    r = cli("-C", str(ws_path), "status", "--json")
    (row,) = [x for x in json.loads(r.out) if x["id"] == cid]
    assert row["due_provisional"] is False
    r = cli("-C", str(ws_path), "due", "--json")
    assert not any(i["provisional"] for v in json.loads(r.out).values() for i in v)


def test_a_case_closed_again_gets_a_new_reply_with_its_own_number(ws_path, cli, tmp_path):
    from tests.test_steps_cli import ANSWERS, new

    cid = new(cli, ws_path)
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS), "--all", "--no-docs")
    assert r.code == 0, r.err
    build(cli, ws_path, cid, "--kind", "reply")
    reply = ws_path / "out" / cid / f"{cid}-办结回复单.docx"
    first = doc_text(reply)
    (n1,) = [e["number"] for e in register(ws_path) if e["key"].startswith("reply:")]
    r = cli(
        "-C", str(ws_path), "event", cid, "visit", "--satisfaction", "不满意",
        "--text", "仍有噪音", "--reopen", "--date", "2026-05-10",
    )  # fmt: skip
    assert r.code == 0, r.err
    again = tmp_path / "again.toml"
    again.write_text(
        "[supervise]\n_meta = { date = 2026-05-20T09:00:00+08:00 }\n"
        'progress = [{ no = 1, status = "已办结", note = "已加装隔音罩" }]\n'
        "[evaluate]\n_meta = { date = 2026-05-25T09:00:00+08:00 }\n"
        'visits = [{ date = 2026-05-25, visitor = "王丽", method = "入户回访", '
        'satisfaction = "满意", comment = "噪音已消除" }]\n'
        'reply = "已加装隔音罩，复查噪音达标。"\nreopen = false\n',
        "utf-8",
    )
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(again), "--all", "--no-docs")
    assert r.code == 0, r.err
    build(cli, ws_path, cid, "--kind", "reply")
    numbers = [e["number"] for e in register(ws_path) if e["key"].startswith("reply:")]
    assert len(numbers) == 2 and numbers[0] == n1 and numbers[1] != n1
    second = doc_text(reply)
    assert second != first and numbers[1] in "".join(second) and n1 not in "".join(second)


def test_names_found_are_kept_between_runs_so_jieba_is_not_loaded_again(
    ws_path, cli, tmp_path, monkeypatch
):
    """Loading jieba takes seconds: a second planning of the same texts does not need it."""
    from xsk.rules import names, names_cache

    cid, _ = case_until_publicity(cli, ws_path, tmp_path)
    build(cli, ws_path, cid)
    cache = ws_path / ".xsk" / "names-cache.json"
    assert cache.is_file() and len(cache.read_bytes()) > 100
    before = texts(ws_path)
    # a new process: nothing in memory, and jieba cannot be loaded
    monkeypatch.setattr(names_cache, "disk", None)
    names._find_cached.cache_clear()
    names._cut.cache_clear()

    def no_jieba():
        raise AssertionError("jieba loaded although every text is in the cache")

    monkeypatch.setattr(names, "_segmenter", no_jieba)
    build(cli, ws_path, cid, "--force")
    assert texts(ws_path) == before


def test_a_document_that_could_not_be_built_is_not_frozen(ws_path, cli, tmp_path, monkeypatch):
    """A notice refused by the leak scan keeps its number but is not frozen: once the case is
    corrected it is built from the corrected files."""
    from xsk.documents import publiccheck
    from xsk.documents.docx_text import PrivacyLeakError

    cid, _ = case_until_publicity(cli, ws_path, tmp_path)
    real = publiccheck.refuse_leaks

    def leaky(data, context, *, title, out_name, **kw):
        if "会议通知" in out_name:
            raise PrivacyLeakError(
                f"公开文书《{title}》含有未脱敏的个人信息，已停止生成 {out_name}"
            )
        return real(data, context, title=title, out_name=out_name, **kw)

    monkeypatch.setattr(publiccheck, "refuse_leaks", leaky)
    r = cli("-C", str(ws_path), "docs", "build", cid, "--jobs", "1")
    assert r.code == 2 and "Traceback" not in r.err and "已停止生成" in r.err
    (notice,) = [e for e in register(ws_path) if e["key"].startswith("notice:")]
    assert "commit" not in notice and notice["number"]
    assert "取消定稿" in git(ws_path, "log", "-1", "--format=%s")
    assert git(ws_path, "status", "--porcelain") == ""
    monkeypatch.setattr(publiccheck, "refuse_leaks", real)
    build(cli, ws_path, cid, "--jobs", "1")
    (again,) = [e for e in register(ws_path) if e["key"].startswith("notice:")]
    assert again["number"] == notice["number"] and again["commit"]
    assert list((ws_path / "out" / "meetings").glob("*/*会议通知.docx"))
