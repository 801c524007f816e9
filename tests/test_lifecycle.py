"""A case's life that tells the truth (issue 15): closing guards, later progress, withdraw,
merge, undo."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ANSWERS = Path(__file__).resolve().parent / "data" / "dongguan-answers.toml"
DONE_2 = '{ no = 2, status = "已办结", note = "已移交" }'
OPEN_2 = '{ no = 2, status = "办理中", note = "等待电网公司验收" }'
SATISFIED = 'satisfaction = "满意", comment = "隐患消除"'
UNSATISFIED = 'satisfaction = "不满意", comment = "移交还没办完"'


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True).stdout


def new(cli, ws, title="配电变压器移交", *extra):
    r = cli("-C", str(ws), "new", "--title", title, "--no-input", "--date", "2026-03-02", *extra)
    assert r.code == 0, r.err
    return r.out.split()[-1]


def answers(tmp_path: Path, *, extra: str = "", name: str = "a.toml", **swap: str) -> Path:
    """The sample answers with item 2 still 办理中 and an unsatisfied visit (or as swapped)."""
    text = ANSWERS.read_text("utf-8").replace(DONE_2, swap.get("item2", OPEN_2))
    text = text.replace(SATISFIED, swap.get("visit", UNSATISFIED))
    if extra:
        text = text.replace("reopen = false", f"reopen = false\n{extra}")
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def docx_text(path: Path) -> str:
    import docx

    doc = docx.Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def show(cli, ws, cid):
    return json.loads(cli("-C", str(ws), "show", cid, "--json").out)


def refused_all_then_steps(cli, ws, cid, f):
    """``step --all`` refused: it changed nothing (issue 13: --all is one unit); then the
    steps one at a time up to the refused one, which is returned."""
    head = git(ws, "rev-parse", "HEAD")
    r = cli("-C", str(ws), "step", cid, "--answers", str(f), "--all", "--no-docs")
    assert r.code == 2, r.out + r.err
    assert git(ws, "rev-parse", "HEAD") == head and show(cli, ws, cid)["step"] == "collect"
    for _ in range(20):
        one = cli("-C", str(ws), "step", cid, "--answers", str(f), "--no-docs")
        if one.code:
            assert one.err.splitlines()[-1] == r.err.splitlines()[-1]
            return one
    raise AssertionError("the steps one at a time were never refused")


def test_unfinished_unsatisfied_case_does_not_close(ws_path, cli, tmp_path, monkeypatch):
    cid = new(cli, ws_path)
    f = answers(tmp_path)
    r = refused_all_then_steps(cli, ws_path, cid, f)
    assert "事项 2" in r.err and "办理中" in r.err and "不满意" in r.err and "close_reason" in r.err
    view = show(cli, ws_path, cid)
    assert view["status"] == "open" and view["step"] == "evaluate"
    assert git(ws_path, "status", "--porcelain") == ""
    head = git(ws_path, "rev-parse", "HEAD")
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(f), "--no-docs")
    assert r.code == 2 and git(ws_path, "rev-parse", "HEAD") == head
    # the overdue item stays in xsk due
    monkeypatch.setenv("XSK_NOW", "2026-05-07T09:00:00")
    r = cli("-C", str(ws_path), "due", "--json")
    assert r.code == 0, r.err
    assert "办理移交手续" in r.out


def test_close_reason_closes_and_is_said(ws_path, cli, tmp_path):
    cid = new(cli, ws_path)
    f = answers(tmp_path, extra='close_reason = "电网公司验收排期至年底，居民同意先行结案"')
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(f), "--all")
    assert r.code == 0, r.err
    view = show(cli, ws_path, cid)
    assert view["status"] == "closed"
    case = (ws_path / "cases" / cid / "case.toml").read_text("utf-8")
    assert "电网公司验收排期至年底" in case and 'result = "closed_with_reason"' in case
    text = docx_text(next((ws_path / "out").rglob(f"{cid}-*办结回复单*.docx")))
    assert "电网公司验收排期至年底" in text and "已办结1项" in text
    rep = json.loads(cli("-C", str(ws_path), "report", "--json").out)
    assert rep["closed"] == 1 and rep["closed_with_reason"] == 1
    r = cli("-C", str(ws_path), "report")
    assert "说明理由结案1个" in r.out


def test_supervise_refuses_pending_items_unless_carried_forward(ws_path, cli, tmp_path):
    cid = new(cli, ws_path)
    pending = '{ no = 2, status = "待办", note = "" }'
    f = answers(tmp_path, item2=pending, visit=SATISFIED)
    r = refused_all_then_steps(cli, ws_path, cid, f)
    assert r.code == 2 and "事项 2" in r.err and "待办" in r.err
    assert show(cli, ws_path, cid)["step"] == "supervise"
    lines = f.read_text("utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("progress = "))
    lines.insert(at + 1, "carry_forward = true")
    f.write_text("\n".join(lines) + "\n", "utf-8")
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(f), "--no-docs")
    assert r.code == 0, r.err
    assert show(cli, ws_path, cid)["step"] == "evaluate"


def test_satisfied_and_done_closes_without_reason(ws_path, cli, tmp_path):
    cid = new(cli, ws_path)
    f = answers(tmp_path, item2=DONE_2, visit=SATISFIED)
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(f), "--all", "--no-docs")
    assert r.code == 0, r.err
    assert show(cli, ws_path, cid)["status"] == "closed"


def test_progress_after_closing_reopens_at_supervision(ws_path, cli, tmp_path):
    cid = new(cli, ws_path)
    f = answers(tmp_path, item2=DONE_2, visit=SATISFIED)
    assert cli("-C", str(ws_path), "step", cid, "--answers", str(f), "--all", "--no-docs").code == 0
    # progress that keeps an item done changes the item only
    r = cli(
        "-C",
        str(ws_path),
        "event",
        cid,
        "progress",
        "--no",
        "1",
        "--status",
        "已办结",
        "--text",
        "复查合格",
        "--date",
        "2026-05-08",
    )
    assert r.code == 0, r.err
    assert show(cli, ws_path, cid)["status"] == "closed"
    r = cli(
        "-C",
        str(ws_path),
        "event",
        cid,
        "progress",
        "--no",
        "2",
        "--status",
        "办理中",
        "--text",
        "电网公司退回移交材料",
        "--date",
        "2026-05-09",
    )
    assert r.code == 0, r.err
    view = show(cli, ws_path, cid)
    assert view["status"] == "open" and view["step"] == "supervise"
    case = (ws_path / "cases" / cid / "case.toml").read_text("utf-8")
    assert 'action = "reopen"' in case and "事项 2 由已办结改为办理中" in case
    items = (ws_path / "cases" / cid / "outcomes.toml").read_text("utf-8")
    assert "电网公司退回移交材料" in items
    assert git(ws_path, "status", "--porcelain") == ""


def report(cli, ws) -> dict:
    r = cli("-C", str(ws), "report", "--json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def commits(ws) -> int:
    return len(git(ws, "log", "--format=%H").splitlines())


def tree(ws) -> str:
    return git(ws, "rev-parse", "HEAD^{tree}")


def closed_case(cli, ws, tmp_path, title="配电变压器移交", *extra):
    cid = new(cli, ws, title, *extra)
    f = answers(tmp_path, item2=DONE_2, visit=SATISFIED, name=f"{cid}.toml")
    assert cli("-C", str(ws), "step", cid, "--answers", str(f), "--all", "--no-docs").code == 0
    return cid


def test_withdraw_one_commit_out_of_rates_and_undo(ws_path, cli, tmp_path):
    done = closed_case(cli, ws_path, tmp_path)
    mistake = new(cli, ws_path, "误登记的议题")
    before = report(cli, ws_path)
    # by hand: 2 cases, 1 closed -> 50 %
    assert (before["cases"], before["closed"], before["resolved_rate"]) == (2, 1, 50.0)
    n, t = commits(ws_path), tree(ws_path)
    r = cli("-C", str(ws_path), "withdraw", mistake, "--reason", "重复登记")
    assert r.code == 0, r.err
    assert commits(ws_path) == n + 1 and git(ws_path, "status", "--porcelain") == ""
    after = report(cli, ws_path)
    # by hand: the withdrawn case leaves every count and rate: 1 case, 1 closed -> 100 %
    assert (after["cases"], after["closed"], after["resolved_rate"]) == (1, 1, 100.0)
    assert after["withdrawn"] == 1
    assert "撤销议题1个" in cli("-C", str(ws_path), "report").out
    rows = json.loads(cli("-C", str(ws_path), "status", "--all", "--json").out)
    assert {r["id"] for r in rows} == {done, mistake}  # still kept
    assert cli("-C", str(ws_path), "withdraw", mistake, "--reason", "再次").code == 2
    r = cli("-C", str(ws_path), "undo", mistake)
    assert r.code == 0, r.err
    assert "撤销" in r.out
    assert commits(ws_path) == n + 2 and tree(ws_path) == t
    assert report(cli, ws_path)["resolved_rate"] == 50.0


def test_merge_moves_proposers_and_events_and_undo(ws_path, cli, tmp_path):
    keep = new(cli, ws_path, "3号楼漏水", "--proposer", "张建国", "--phone", "13912345678")
    dup = new(cli, ws_path, "三号楼屋顶漏水", "--proposer", "李秀英", "--phone", "13800001111")
    r = cli("-C", str(ws_path), "event", dup, "objection", "--text", "漏水影响五楼")
    assert r.code == 0, r.err
    before = report(cli, ws_path)
    assert (before["cases"], before["closed"]) == (2, 0)
    n, t = commits(ws_path), tree(ws_path)
    r = cli("-C", str(ws_path), "merge", dup, "--into", keep, "--reason", "同一问题")
    assert r.code == 0, r.err
    assert commits(ws_path) == n + 1 and git(ws_path, "status", "--porcelain") == ""
    dup_toml = (ws_path / "cases" / dup / "case.toml").read_text("utf-8")
    assert f'merged_into = "{keep}"' in dup_toml and 'result = "merged"' in dup_toml
    keep_toml = (ws_path / "cases" / keep / "case.toml").read_text("utf-8")
    assert "李秀英" in keep_toml and f"并入重复议题 {dup}" in keep_toml
    assert "李秀英" not in dup_toml
    assert not list((ws_path / "cases" / dup / "events").glob("*.toml"))
    assert len(list((ws_path / "cases" / keep / "events").glob("*objection*.toml"))) == 1
    after = report(cli, ws_path)
    # by hand: the duplicate is not a case of its own: 1 case, 0 closed, 1 merged
    assert (after["cases"], after["closed"], after["merged"]) == (1, 0, 1)
    r = cli("-C", str(ws_path), "undo", dup)
    assert r.code == 0, r.err
    assert commits(ws_path) == n + 2 and tree(ws_path) == t


def test_undo_step_and_event_then_refuse_registration(ws_path, cli, tmp_path):
    cid = new(cli, ws_path)
    t0 = tree(ws_path)
    assert cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS)).code == 0
    t1 = tree(ws_path)
    assert show(cli, ws_path, cid)["step"] == "screen"
    r = cli("-C", str(ws_path), "event", cid, "objection", "--text", "有人反对")
    assert r.code == 0
    r = cli("-C", str(ws_path), "undo", cid)
    assert r.code == 0 and "记录异议" in r.out
    assert tree(ws_path) == t1
    r = cli("-C", str(ws_path), "undo", cid)
    assert r.code == 0 and "征集和提出协商议题" in r.out, r.out
    assert tree(ws_path) == t0 and show(cli, ws_path, cid)["step"] == "collect"
    r = cli("-C", str(ws_path), "undo", cid)
    assert r.code == 2 and "登记" in r.err
    assert git(ws_path, "status", "--porcelain") == ""


def test_undo_refused_when_another_case_used_the_meeting(ws_path, cli, tmp_path):
    a = new(cli, ws_path)
    b = new(cli, ws_path, "二号楼配电")
    f = tmp_path / "a.toml"
    text = ANSWERS.read_text("utf-8")
    f.write_text(text, "utf-8")
    for cid in (a, b):
        for _ in range(2):
            assert cli("-C", str(ws_path), "step", cid, "--answers", str(f), "--no-docs").code == 0
    assert cli("-C", str(ws_path), "step", a, "--answers", str(f), "--no-docs").code == 0
    mid = next(p.stem for p in (ws_path / "meetings").glob("*.toml"))
    g = tmp_path / "b.toml"
    g.write_text(f'[announce]\nregistration = "报名"\nmeeting = "{mid}"\n', "utf-8")
    r = cli("-C", str(ws_path), "step", b, "--answers", str(g), "--no-docs")
    assert r.code == 0, r.err
    head = git(ws_path, "rev-parse", "HEAD")
    r = cli("-C", str(ws_path), "undo", a)
    assert r.code == 2 and f"meetings/{mid}.toml" in r.err and b in r.err
    assert git(ws_path, "rev-parse", "HEAD") == head


def test_minutes_after_confirm_list_the_outcome_items(ws_path, cli, tmp_path):
    cid = new(cli, ws_path)
    for _ in range(5):  # collect .. confirm, documents built as the steps go
        assert cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS)).code == 0
    assert show(cli, ws_path, cid)["step"] == "publish"
    minutes = next((ws_path / "out").rglob("*会议纪要*.docx"))
    text = docx_text(minutes)
    assert "检测维护配电设施" in text and "办理移交手续" in text
    assert "无需分解" not in text


def test_undo_of_a_visit_removes_the_form_it_no_longer_has(ws_path, cli, tmp_path):
    cid = new(cli, ws_path)
    while show(cli, ws_path, cid)["step"] != "evaluate":  # up to the visit, no visit yet
        r = cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS), "--no-docs")
        assert r.code == 0, r.err
    assert cli("-C", str(ws_path), "docs", "build").code == 0  # the numbers, before the visit
    assert not any((ws_path / "out" / cid).glob("*回访*.docx"))
    r = cli("-C", str(ws_path), "event", cid, "visit", "--satisfaction", "满意", "--text", "好")
    assert r.code == 0, r.err
    assert cli("-C", str(ws_path), "docs", "build").code == 0
    forms = sorted((ws_path / "out" / cid).glob("*回访*.docx"))
    assert forms
    r = cli("-C", str(ws_path), "undo", cid)
    assert r.code == 0, r.err
    assert "不再适用" in r.out
    assert not any(p.exists() for p in forms)
    assert any((ws_path / "out" / cid).glob("*议题登记表.docx"))  # the others are kept


def register_entries(ws: Path) -> dict[str, str]:
    import tomllib

    path = ws / "register" / "primary.toml"
    if not path.is_file():
        return {}
    return {e["key"]: e["number"] for e in tomllib.loads(path.read_text("utf-8"))["issued"]}


def test_undo_refused_when_a_document_number_depends_on_the_step(ws_path, cli, tmp_path):
    cid = new(cli, ws_path)
    for _ in range(2):  # collect, screen: no numbered document (the 登记表 has no 文号)
        assert cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS)).code == 0
    assert register_entries(ws_path) == {}
    t = tree(ws_path)
    # the announce step issues the meeting notice under 红桥议〔2026〕1号
    assert cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS)).code == 0
    mid = next(p.stem for p in (ws_path / "meetings").glob("*.toml"))
    assert register_entries(ws_path) == {f"notice:{mid}": "红桥议〔2026〕1号"}
    err = refused(cli, ws_path, "undo", cid)
    assert len(err.strip().splitlines()) == 1
    assert "红桥议〔2026〕1号" in err and "协商议事会的通知" in err
    assert show(cli, ws_path, cid)["step"] == "meet"
    # an event after the number: nothing numbered depends on it, so it can be taken back
    n, t = commits(ws_path), tree(ws_path)
    assert cli("-C", str(ws_path), "event", cid, "objection", "--text", "有人反对").code == 0
    r = cli("-C", str(ws_path), "undo", cid)
    assert r.code == 0, r.err
    assert tree(ws_path) == t and commits(ws_path) == n + 2
    # still the step itself is not
    refused(cli, ws_path, "undo", cid)


def test_undo_of_a_step_without_numbered_documents_works(ws_path, cli, tmp_path):
    cid = new(cli, ws_path)
    assert cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS)).code == 0
    t = tree(ws_path)
    assert cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS)).code == 0
    assert register_entries(ws_path) == {}
    r = cli("-C", str(ws_path), "undo", cid)
    assert r.code == 0, r.err
    assert tree(ws_path) == t and show(cli, ws_path, cid)["step"] == "screen"


def test_undo_of_the_final_step_refused_once_the_reply_is_numbered(ws_path, cli, tmp_path):
    cid = new(cli, ws_path)
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS), "--all")
    assert r.code == 0, r.err
    number = register_entries(ws_path)[f"reply:{cid}"]
    err = refused(cli, ws_path, "undo", cid)
    assert number in err and "办理情况的答复" in err
    assert show(cli, ws_path, cid)["status"] == "closed"
    assert any((ws_path / "out" / cid).glob("*办结回复单.docx"))


def test_progress_that_reopens_is_one_commit_and_one_undo(ws_path, cli, tmp_path):
    cid = closed_case(cli, ws_path, tmp_path)
    n, t = commits(ws_path), tree(ws_path)
    r = cli(
        "-C",
        str(ws_path),
        *("event", cid, "progress", "--no", "2", "--status", "办理中"),
        *("--text", "电网公司退回移交材料", "--date", "2026-05-09"),
    )
    assert r.code == 0, r.err
    assert show(cli, ws_path, cid)["step"] == "supervise"
    # event, reopen and the history entry: one commit
    assert commits(ws_path) == n + 1 and git(ws_path, "status", "--porcelain") == ""
    changed = git(ws_path, "show", "--name-only", "--format=", "HEAD").split()
    assert any("progress" in p for p in changed) and any("reopen" in p for p in changed)
    assert f"cases/{cid}/case.toml" in changed
    r = cli("-C", str(ws_path), "undo", cid, "--no-docs")
    assert r.code == 0, r.err
    assert commits(ws_path) == n + 2 and tree(ws_path) == t
    view = show(cli, ws_path, cid)
    assert view["status"] == "closed"


def test_unsatisfied_visit_that_reopens_is_one_commit(ws_path, cli, tmp_path):
    cid = closed_case(cli, ws_path, tmp_path)
    n, t = commits(ws_path), tree(ws_path)
    r = cli(
        "-C",
        str(ws_path),
        *("event", cid, "visit", "--satisfaction", "不满意", "--text", "积水未根治", "--reopen"),
    )
    assert r.code == 0, r.err
    assert show(cli, ws_path, cid)["status"] == "open"
    assert commits(ws_path) == n + 1
    assert cli("-C", str(ws_path), "undo", cid, "--no-docs").code == 0
    assert tree(ws_path) == t


def refused(cli, ws, *args: str) -> str:
    """The command exits 2 with one Chinese line and changes nothing."""
    head = git(ws, "rev-parse", "HEAD")
    r = cli("-C", str(ws), *args)
    assert r.code == 2, r.out + r.err
    assert git(ws, "rev-parse", "HEAD") == head and git(ws, "status", "--porcelain") == ""
    assert "Traceback" not in r.err
    return r.err


def test_withdraw_of_a_closed_case_is_refused(ws_path, cli, tmp_path):
    cid = closed_case(cli, ws_path, tmp_path)
    err = refused(cli, ws_path, "withdraw", cid, "--reason", "登记错了")
    assert f"议题 {cid} 已办结" in err and "xsk undo" in err and "重新办理" in err
    assert show(cli, ws_path, cid)["status"] == "closed"
    assert report(cli, ws_path)["withdrawn"] == 0


def test_merge_of_or_into_a_closed_or_set_aside_case_is_refused(ws_path, cli, tmp_path):
    done = closed_case(cli, ws_path, tmp_path)
    a = new(cli, ws_path, "3号楼漏水")
    b = new(cli, ws_path, "三号楼屋顶漏水")
    gone = new(cli, ws_path, "误登记的议题")
    assert cli("-C", str(ws_path), "withdraw", gone, "--reason", "误登记").code == 0
    # a closed case is no duplicate, and a duplicate cannot carry on in a closed case
    err = refused(cli, ws_path, "merge", done, "--into", a, "--reason", "重复")
    assert f"议题 {done} 已办结" in err
    err = refused(cli, ws_path, "merge", a, "--into", done, "--reason", "重复")
    assert f"议题 {done} 已办结" in err and "重新办理" in err
    # nor into or of a withdrawn one
    err = refused(cli, ws_path, "merge", a, "--into", gone, "--reason", "重复")
    assert f"议题 {gone} 已撤销" in err
    err = refused(cli, ws_path, "merge", gone, "--into", a, "--reason", "重复")
    assert f"议题 {gone} 已撤销" in err
    # into a merged one: the message names the case it went into
    assert cli("-C", str(ws_path), "merge", b, "--into", a, "--reason", "重复").code == 0
    c = new(cli, ws_path, "3号楼顶漏雨")
    err = refused(cli, ws_path, "merge", c, "--into", b, "--reason", "重复")
    assert f"议题 {b} 已合并至议题 {a}" in err and f"--into {a}" in err


def test_reopen_event_writes_one_event_in_one_commit(ws_path, cli, tmp_path):
    cid = closed_case(cli, ws_path, tmp_path)
    n = commits(ws_path)
    before = set((ws_path / "cases" / cid / "events").glob("*.toml"))
    r = cli("-C", str(ws_path), "event", cid, "reopen", "--reason", "居民再次反映积水")
    assert r.code == 0, r.err
    new = set((ws_path / "cases" / cid / "events").glob("*.toml")) - before
    assert [p.name.split("-")[-2] for p in new] == ["reopen"] and commits(ws_path) == n + 1
    assert show(cli, ws_path, cid)["status"] == "open"
    subject = git(ws_path, "log", "-1", "--format=%s").strip()
    assert subject.count("重新办理") == 1, subject


def test_a_refused_close_in_the_walk_goes_back_to_the_review_for_a_reason(
    ws_path, cli, tmp_path, monkeypatch
):
    """Reviewer (7): the walk said the refusal and ended, exit 0, the reason left blank. It
    now goes back to the review, where the reason (unanswered) is offered; filled, it closes."""
    import datetime as dt
    import tomllib

    from xsk.prompts.base import ScriptedPrompter
    from xsk.walk import walk
    from xsk.workspace import settings

    cid = new(cli, ws_path)
    f = answers(tmp_path)
    refused_all_then_steps(cli, ws_path, cid, f)
    raw = {k: v for k, v in tomllib.loads(f.read_text("utf-8"))["evaluate"].items() if k != "_meta"}
    monkeypatch.setattr(walk, "ask_step", lambda *a, **k: dict(raw))
    ws = settings.load(ws_path)
    from xsk.procedure import loader

    step = loader.load(show(cli, ws_path, cid)["procedure"], ws_path).step("evaluate")
    shown = [q for q in step.questions if q.id in raw or q.id == "close_reason"]
    n = next(i for i, q in enumerate(shown, 1) if q.id == "close_reason")
    p = ScriptedPrompter(
        [
            True,  # save: refused (item 2 办理中, an unsatisfied visit)
            False,  # not as it is
            f"修改 {n}. {step.question('close_reason').prompt}",
            "电网公司验收排期至年底，居民同意先行结案",
            True,  # save
        ]
    )
    walk.walk_case(ws, p, cid, now=lambda: dt.datetime(2026, 5, 6, 9, 0))
    assert any(s.startswith("未能保存：") and "事项 2" in s for s in p.said), p.said
    assert any("（未填写）" in s for s in p.said)
    view = show(cli, ws_path, cid)
    assert view["status"] == "closed" and view["result"] == "closed_with_reason", view
    assert not p.answers


def test_a_time_limit_before_the_meeting_is_refused(ws_path, cli, tmp_path):
    """Reviewer (12): an item decided at the meeting of 2026-03-09 with the time limit
    2026-01-05 was accepted."""
    cid = new(cli, ws_path)
    f = tmp_path / "early.toml"
    f.write_text(
        ANSWERS.read_text("utf-8").replace("deadline = 2026-04-30", "deadline = 2026-01-05")
    )
    head = git(ws_path, "rev-parse", "HEAD")
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(f), "--all", "--no-docs")
    assert r.code == 2, r.out + r.err
    assert "办结时限 2026年1月5日 早于协商会议" in r.err, r.err
    assert git(ws_path, "rev-parse", "HEAD") == head
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS), "--all", "--no-docs")
    assert r.code == 0, r.err


def test_an_objection_before_anything_was_published_is_noted(ws_path, cli, tmp_path):
    """Reviewer (12): an objection to a case only just registered said nothing. It is
    recorded all the same (exit 0, the same last line), with a note; after the notice, none."""
    cid = new(cli, ws_path)
    r = cli(
        "-C", str(ws_path), "event", cid, "objection", "--text", "不同意", "--date", "2026-03-03"
    )
    assert r.code == 0, r.err
    assert "还没有公布任何内容" in r.out and r.out.strip().splitlines()[-1].startswith("已记录异议")
    for _ in ("collect", "screen", "announce"):
        assert (
            cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS), "--no-docs").code == 0
        )
    r = cli(
        "-C", str(ws_path), "event", cid, "objection", "--text", "不同意", "--date", "2026-03-05"
    )
    assert r.code == 0, r.err
    assert "提示" not in r.out
    r = cli(
        "-C", str(ws_path), "event", cid, "objection", "--text", "不同意", "--date", "2026-03-03"
    )
    assert r.code == 0 and "早于议题" in r.out, r.out
