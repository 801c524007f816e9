"""xsk step / procedures / tally / calendar / event / meetings through the CLI."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ANSWERS = Path(__file__).resolve().parent / "data" / "dongguan-answers.toml"
PROCS = {"dongguan-6", "liunan-246", "xinhua-135", "tianshui-6", "tianxin"}


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True).stdout


def new(cli, ws, title="配电变压器移交", *extra):
    r = cli("-C", str(ws), "new", "--title", title, "--no-input", "--date", "2026-03-02", *extra)
    assert r.code == 0, r.err
    return r.out.split()[-1]


def test_procedures_list_and_show_json(cli):
    rows = json.loads(cli("procedures", "list", "--json").out)
    assert {r["id"] for r in rows} >= PROCS
    for pid in PROCS:
        data = json.loads(cli("procedures", "show", pid, "--json").out)
        assert len(data["steps"]) >= 4
        for s in data["steps"]:
            assert {"id", "name", "questions"} <= set(s) and s["questions"]
    assert cli("procedures", "show", "nope").code == 2


def test_procedures_copy_makes_local_variant(ws_path, cli):
    r = cli("-C", str(ws_path), "procedures", "copy", "dongguan-6", "hongqiao-6")
    assert r.code == 0, r.err
    path = ws_path / "templates" / "procedures" / "hongqiao-6.toml"
    assert 'id = "hongqiao-6"' in path.read_text("utf-8")
    rows = json.loads(cli("-C", str(ws_path), "procedures", "list", "--json").out)
    assert any(r["id"] == "hongqiao-6" and r["source"] == "本地" for r in rows)
    assert git(ws_path, "status", "--porcelain") == ""
    # a broken local procedure is reported by check with file:line
    text = path.read_text("utf-8").replace('type = "longtext"', 'type = "essay"', 1)
    path.write_text(text, "utf-8")
    r = cli("-C", str(ws_path), "check")
    line = next(i for i, x in enumerate(text.splitlines(), 1) if 'type = "essay"' in x)
    assert r.code == 1 and f"templates/procedures/hongqiao-6.toml:{line}:" in r.out


def test_step_all_through_to_close(ws_path, cli):
    cid = new(cli, ws_path)
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS), "--all", "--no-docs")
    assert r.code == 0, r.err
    row = json.loads(cli("-C", str(ws_path), "status", "--all", "--json").out)[0]
    assert row["status"] == "closed" and row["procedure"] == "dongguan-6"
    subjects = git(ws_path, "log", "--format=%s").splitlines()
    assert sum(f"议题 {cid}：完成" in s for s in subjects) == 9
    assert git(ws_path, "status", "--porcelain") == ""


def test_step_one_at_a_time_and_dry_run(ws_path, cli):
    cid = new(cli, ws_path)
    head = git(ws_path, "rev-parse", "HEAD")
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS), "--dry-run")
    assert r.code == 0 and "预演" in r.out and "未写入" in r.out
    assert git(ws_path, "rev-parse", "HEAD") == head
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS), "--no-docs")
    assert r.code == 0
    assert json.loads(cli("-C", str(ws_path), "show", cid, "--json").out)["step"] == "screen"


def test_step_invalid_answer_names_step_question_and_line(ws_path, cli, tmp_path):
    cid = new(cli, ws_path)
    bad = tmp_path / "bad.toml"
    bad.write_text('[collect]\ndescription = "积水"\ncategory = "不存在的类别"\n', "utf-8")
    head = git(ws_path, "rev-parse", "HEAD")
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(bad))
    assert r.code == 2
    line = r.err.strip()
    assert f"{bad}:3:" in line and "collect" in line and "category" in line
    assert git(ws_path, "rev-parse", "HEAD") == head and git(ws_path, "status", "--porcelain") == ""
    missing = tmp_path / "missing.toml"
    missing.write_text('[collect]\ncategory = "物业管理"\n', "utf-8")
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(missing))
    assert r.code == 2 and "description" in r.err and "缺少答案" in r.err
    none = tmp_path / "none.toml"
    none.write_text("[screen]\nin_scope = true\n", "utf-8")
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(none))
    assert r.code == 2 and "collect" in r.err


def test_guard_refuses_and_says_from_when(ws_path, cli, tmp_path):
    cid = new(cli, ws_path)
    text = ANSWERS.read_text("utf-8").replace(
        "2026-03-18T09:00:00+08:00", "2026-03-16T09:00:00+08:00"
    )
    early = tmp_path / "early.toml"
    early.write_text(text, "utf-8")
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(early), "--all", "--no-docs")
    assert r.code == 2 and "公示期尚未结束" in r.err and "2026年3月18日 起可办理" in r.err
    # --all is one unit (issue 13): exit 2 leaves the case where it was, and --dry-run agrees
    assert json.loads(cli("-C", str(ws_path), "show", cid, "--json").out)["step"] == "collect"
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(early), "--all", "--dry-run")
    assert r.code == 2 and "公示期尚未结束" in r.err
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS), "--all", "--no-docs")
    assert r.code == 0, r.err


def test_out_of_scope_close(ws_path, cli, tmp_path):
    cid = new(cli, ws_path, "邻里装修噪音纠纷")
    f = tmp_path / "a.toml"
    f.write_text(
        '[collect]\ndescription = "楼上装修噪音"\ncategory = "矛盾纠纷化解"\n'
        '[screen]\nin_scope = false\nreason = "属于私人纠纷、宜通过调解或诉讼解决的事项"\n'
        'explanation = "建议通过人民调解委员会调解"\n',
        "utf-8",
    )
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(f), "--all", "--no-docs")
    assert r.code == 0, r.err
    view = json.loads(cli("-C", str(ws_path), "show", cid, "--json").out)
    assert view["status"] == "closed" and view["result"] == "out_of_scope"
    assert "调解" in view["close_reason"]


MEETING = """
[collect]
_meta = {{ date = 2026-04-01T09:00:00+08:00 }}
description = "{title}"
category = "物业管理"
[screen]
_meta = {{ date = 2026-04-02T09:00:00+08:00 }}
in_scope = true
level = "小区"
form = "议事会"
subjects = ["物业服务企业"]
[announce]
_meta = {{ date = 2026-04-03T09:00:00+08:00 }}
[announce.meeting]
{meeting}
[meet]
_meta = {{ date = 2026-04-08T17:00:00+08:00 }}
[meet.meeting]
resolutions = ["{unit}现场认领"]
{attendees}
[confirm]
_meta = {{ date = 2026-04-09T09:00:00+08:00 }}
[[confirm.outcomes]]
item = "{title}整改"
unit = "{unit}"
deadline = {deadline}
"""

NEW_MEETING = (
    'title = "多议题协商议事会"\nform = "议事会"\ntime = 2026-04-08T14:30:00\nvenue = "议事厅"'
)
ATTENDEES = "\n".join(
    f'[[meet.meeting.attendees]]\nname = "{n}"\nunit = "{u}"\nattendance = "出席"'
    for n, u in (
        ("王丽", "社区"),
        ("赵强", "业委会"),
        ("钱伟", "物业"),
        ("孙涛", "城管"),
        ("周敏", "供电所"),
    )
)


def test_multi_issue_meeting_four_units_and_overdue(ws_path, cli, tmp_path):
    units = [
        ("楼道照明维修", "红桥物业公司", "2026-04-20"),
        ("占道经营整治", "潭中街道城管中队", "2026-12-30"),
        ("充电桩加装", "柳南供电所", "2026-12-30"),
        ("垃圾分类亭", "红桥社区居委会", "2026-12-30"),
    ]
    ids = []
    for i, (title, unit, deadline) in enumerate(units):
        cid = new(cli, ws_path, title)
        ids.append(cid)
        f = tmp_path / f"{i}.toml"
        f.write_text(
            MEETING.format(
                title=title,
                unit=unit,
                deadline=deadline,
                meeting=NEW_MEETING if i == 0 else 'id = "2026-M001"',
                attendees=ATTENDEES if i == 0 else "",
            ),
            "utf-8",
        )
        r = cli("-C", str(ws_path), "step", cid, "--answers", str(f), "--all", "--no-docs")
        assert r.code == 0, r.err
    meetings = json.loads(cli("-C", str(ws_path), "meetings", "list", "--json").out)
    assert len(meetings) == 1 and meetings[0]["cases"] == ids
    for cid, (title, unit, deadline) in zip(ids, units, strict=True):
        text = (ws_path / "cases" / cid / "outcomes.toml").read_text("utf-8")
        assert unit in text and deadline in text and f"{title}整改" in text
    r = cli("-C", str(ws_path), "status", "--overdue", "--json")
    overdue = json.loads(r.out)
    assert [row["id"] for row in overdue] == [ids[0]]
    r = cli("-C", str(ws_path), "status", "--overdue")
    assert "红桥物业公司（逾期 1 项）" in r.out and "楼道照明维修" in r.out
    r = cli("-C", str(ws_path), "due", "--notices")
    assert r.code == 0, r.err
    notice = ws_path / "out" / "督办" / "督办单-红桥物业公司.docx"
    from docx import Document

    doc = Document(str(notice))
    assert doc.core_properties.title == "督办单" and doc.core_properties.category == "内部"
    assert "楼道照明维修" in "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert len(list((ws_path / "out" / "督办").glob("*.docx"))) == 1


def test_tally_json_and_observer_cannot_vote(ws_path, cli, tmp_path):
    cid = new(cli, ws_path)
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS), "--all", "--no-docs")
    assert r.code == 0, r.err
    data = json.loads(cli("-C", str(ws_path), "tally", cid, "--json").out)
    assert data["passed"] is True and data["rule"] == "majority"
    cond = data["conditions"][0]
    assert {"numerator", "denominator", "threshold"} <= set(cond)
    # a ballot from an observer (列席) is refused with a clear error
    cid2 = new(cli, ws_path, "第二个议题")
    text = ANSWERS.read_text("utf-8").replace(
        "yes = 3\nno = 0\nabstain = 0",
        '[[meet.meeting.vote.ballots]]\nvoter = "孙电"\nchoice = "同意"',
    )
    f = tmp_path / "obs.toml"
    f.write_text(text, "utf-8")
    r = cli("-C", str(ws_path), "step", cid2, "--answers", str(f), "--all", "--no-docs")
    assert r.code == 2 and "孙电" in r.err and "列席" in r.err


def test_calendar_commands(cli):
    r = cli("calendar", "add", "2026-09-28", "5", "--json")
    assert json.loads(r.out)["date"] == "2026-10-10"  # 10-10 is a make-up Saturday
    assert cli("calendar", "add", "2026-02-13", "1").out.strip() == "2026-02-14"
    assert "是工作日" in cli("calendar", "is-workday", "2026-10-10").out
    assert "不是工作日" in cli("calendar", "is-workday", "2026-10-05").out
    r = cli("calendar", "add", "2030-01-04", "1")
    assert r.code == 0 and r.out.strip() == "2030-01-07" and "尚未收录" in r.err
    assert cli("calendar", "add", "2026-13-01", "1").code == 2


def test_calendar_workspace_override(ws_path, cli):
    path = ws_path / "xsk.toml"
    text = path.read_text("utf-8").replace("holidays = []", "holidays = [2026-12-31]")
    path.write_text(text, "utf-8")
    # 12-30, then 12-31 (the override), 2027-01-01 (元旦, provisional) and the weekend are off
    assert cli("-C", str(ws_path), "calendar", "add", "2026-12-29", "2").out.strip() == "2027-01-04"
    assert "不是工作日" in cli("-C", str(ws_path), "calendar", "is-workday", "2026-12-31").out


def test_events_progress_visit_reopen(ws_path, cli):
    cid = new(cli, ws_path)
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS), "--all", "--no-docs")
    assert r.code == 0
    r = cli(
        "-C",
        str(ws_path),
        "event",
        cid,
        "visit",
        "--satisfaction",
        "不满意",
        "--text",
        "仍有噪音",
        "--reopen",
        "--date",
        "2026-05-10",
    )
    assert r.code == 0, r.err
    view = json.loads(cli("-C", str(ws_path), "show", cid, "--json").out)
    assert view["status"] == "open" and view["step"] == "supervise"
    assert cli("-C", str(ws_path), "event", cid, "rating", "--unit", "业委会").code == 2
    r = cli("-C", str(ws_path), "event", cid, "rating", "--unit", "业委会", "--score", "4")
    assert r.code == 0
    # 下评上 rates the case's responsible units: another name is refused, naming them
    r = cli("-C", str(ws_path), "event", cid, "rating", "--unit", "不存在单位", "--score", "4")
    assert r.code == 2 and "不是议题" in r.err and "业委会" in r.err
    assert cli("-C", str(ws_path), "event", cid, "gossip").code == 2
    assert git(ws_path, "status", "--porcelain") == ""


@pytest.mark.parametrize("args", [("series", "set", "1"), ("series", "set", "AB")])
def test_series_letter_validation(ws_path, cli, args):
    assert cli("-C", str(ws_path), *args).code == 2
