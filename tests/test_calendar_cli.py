"""xsk calendar: the provisional calendar for years without official data, the workspace's
year files (calendar/<year>.toml), out-of-range input, and ``xsk calendar recheck``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_xsk

PROVISIONAL = "2027 年的国务院节假日安排尚未收录"


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("错误：") and "Traceback" not in err
    return lines[0]


# --------------------------------------------------------------------------- provisional


def test_spring_festival_2027_is_off_with_one_provisional_warning(cli):
    r = cli("calendar", "add", "2027-02-03", "5")
    assert r.code == 0 and r.out.strip() == "2027-02-12"
    assert r.err.count(PROVISIONAL) == 1 and "调休上班日未知" in r.err
    assert "以国务院公布为准" in r.err
    r = cli("calendar", "is-workday", "2027-02-05")
    assert r.code == 0 and r.out.strip() == "2027-02-05 不是工作日（春节，暂定）"
    r = cli("calendar", "is-workday", "2027-02-09", "--json")
    assert json.loads(r.out) == {"date": "2027-02-09", "workday": True, "provisional": True}
    r = cli("calendar", "add", "2027-02-03", "5", "--json")
    data = json.loads(r.out)
    assert data["date"] == "2027-02-12" and data["provisional"] is True
    assert len(data["warnings"]) == 1 and r.err.count(PROVISIONAL) == 1


def test_2026_is_unchanged_and_not_provisional(cli):
    r = cli("calendar", "add", "2026-09-28", "5", "--json")
    assert json.loads(r.out)["date"] == "2026-10-10" and json.loads(r.out)["provisional"] is False
    assert r.err == ""
    r = cli("calendar", "is-workday", "2026-10-05")
    assert r.out.strip() == "2026-10-05 不是工作日" and r.err == ""
    assert cli("calendar", "add", "2026-02-13", "1").out.strip() == "2026-02-14"


def test_warning_once_per_run_not_once_per_process(cli):
    assert cli("calendar", "add", "2027-03-01", "1").err.count(PROVISIONAL) == 1
    assert cli("calendar", "add", "2027-03-01", "1").err.count(PROVISIONAL) == 1


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("calendar", "add", "2026-01-05", "-3"), "天数不能为负数"),
        (("calendar", "add", "2026-01-05", "--", "-3"), "天数不能为负数"),
        (("calendar", "add", "9999-12-31", "5"), "超出"),
        (("calendar", "add", "2100-12-28", "5"), "2101 年超出可推算范围"),
        (("calendar", "is-workday", "2150-06-01"), "2150 年超出可推算范围"),
        (("calendar", "add", "2026-13-01", "1"), "没有这一天"),
    ],
)
def test_out_of_range_is_one_chinese_line_and_exit_2(cli, args, needle):
    r = cli(*args)
    assert r.code == 2, (r.out, r.err)
    assert needle in one_error_line(r.err)


def test_negative_count_without_a_traceback_in_a_real_process():
    r = run_xsk("calendar", "add", "2026-01-05", "-3")
    assert r.returncode == 2 and "天数不能为负数" in one_error_line(r.stderr)
    r = run_xsk("calendar", "add", "9999-12-31", "5")
    assert r.returncode == 2 and "超出" in one_error_line(r.stderr)


# --------------------------------------------------------------------------- year files

CAL_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知（示例）
source = "示例"
holidays = [
  2027-01-01,
  2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11,
  2027-02-12,
]
workdays = [2027-02-20]
"""


def write_year(ws_path: Path, text: str, name: str = "2027.toml") -> Path:
    folder = ws_path / "calendar"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def test_year_file_wins_over_the_provisional_calendar(ws_path, cli):
    write_year(ws_path, CAL_2027)
    r = cli("-C", str(ws_path), "calendar", "add", "2027-02-03", "5")
    assert r.code == 0 and r.out.strip() == "2027-02-18"  # 02-04, then 02-15 .. 02-18
    assert r.err == ""  # official: no provisional warning
    r = cli("-C", str(ws_path), "calendar", "is-workday", "2027-02-20")
    assert r.out.strip() == "2027-02-20 是工作日"
    # outside the workspace the same question is still provisional
    assert cli("calendar", "add", "2027-02-03", "5").out.strip() == "2027-02-12"


def test_xsk_toml_dates_win_over_the_year_file(ws_path, cli):
    write_year(ws_path, CAL_2027)
    path = ws_path / "xsk.toml"
    text = path.read_text("utf-8").replace("workdays = []", "workdays = [2027-02-12]")
    path.write_text(text, "utf-8")
    r = cli("-C", str(ws_path), "calendar", "add", "2027-02-03", "2")
    assert r.out.strip() == "2027-02-12"


def test_xsk_toml_dates_in_a_provisional_year_stay_provisional(ws_path, cli):
    path = ws_path / "xsk.toml"
    text = path.read_text("utf-8").replace("holidays = []", "holidays = [2027-02-09]")
    path.write_text(text, "utf-8")
    r = cli("-C", str(ws_path), "calendar", "add", "2027-02-03", "5")
    assert r.out.strip() == "2027-02-15" and r.err.count(PROVISIONAL) == 1


@pytest.mark.parametrize(
    ("name", "text", "needle"),
    [
        ("2027.toml", "holidays = [2026-12-31]\n", "calendar/2027.toml:1: E803"),
        ("2027.toml", "holiday = [2027-02-05]\n", "E804"),
        ("2027.toml", 'holidays = ["2027-02-05"]\n', "E802"),
        ("2027.toml", "holidays = [2027-02-05]\nworkdays = [2027-02-05]\n", "E805"),
        ("2027.toml", "holidays = [2027-02-05\n", "calendar/2027.toml"),
        ("next.toml", "holidays = []\n", "E801"),
    ],
)
def test_bad_year_file_is_one_line_with_file_and_line(ws_path, cli, name, text, needle):
    write_year(ws_path, text, name)
    r = cli("-C", str(ws_path), "calendar", "add", "2027-02-03", "5")
    assert r.code == 2 and needle in one_error_line(r.err)
    r = cli("-C", str(ws_path), "check")
    assert r.code == 1 and needle in r.out + r.err


def test_same_date_twice_in_xsk_toml_is_a_data_error(ws_path, cli):
    path = ws_path / "xsk.toml"
    text = path.read_text("utf-8").replace("holidays = []", "holidays = [2026-03-04]")
    text = text.replace("workdays = []", "workdays = [2026-03-04]")
    path.write_text(text, "utf-8")
    r = cli("-C", str(ws_path), "calendar", "add", "2026-03-02", "5")
    assert r.code == 2 and "2026-03-04" in one_error_line(r.err)


# --------------------------------------------------------------------------- recheck

ANSWERS = Path(__file__).resolve().parent / "data" / "dongguan-answers.toml"

# the sample answers moved to the weeks around the Spring Festival of 2027, up to the result
# notice: outcomes confirmed on Mon 2027-02-01 (item 1 due in 10 working days, item 2 on a
# fixed date), publicity from Wed 2027-02-03 for 5 working days
SHIFT = [
    ("2026-03-02T", "2027-01-25T"),
    ("2026-03-03T", "2027-01-26T"),
    ("2026-03-04T", "2027-01-27T"),
    ("2026-03-09T", "2027-01-29T"),
    ("2026-03-10T", "2027-02-01T"),
    ("2026-03-11T", "2027-02-03T"),
    ("start = 2026-03-11", "start = 2027-02-03"),
    ("deadline = 2026-04-30", "deadline = 2027-04-30"),
]


def git(root: Path, *args: str) -> str:
    import subprocess

    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True).stdout


def case_until_publicity(cli, ws_path: Path, tmp_path: Path, shift=SHIFT, date="2027-01-25"):
    text = ANSWERS.read_text("utf-8")
    text = text[: text.index("[decide]")]
    for old, new in shift:
        assert old in text, old
        text = text.replace(old, new)
    answers = tmp_path / f"answers-{date}.toml"
    answers.write_text(text, "utf-8")
    r = cli("-C", str(ws_path), "new", "--title", "配电变压器移交", "--no-input", "--date", date)
    assert r.code == 0, r.err
    cid = r.out.split()[-1]
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(answers), "--all", "--no-docs")
    assert r.code == 0, r.err
    return cid, r


def read_toml(path: Path) -> dict:
    import tomllib

    return tomllib.loads(path.read_text("utf-8"))


def test_provisional_publicity_and_deadline_are_stored_as_computed(ws_path, cli, tmp_path):
    cid, r = case_until_publicity(cli, ws_path, tmp_path)
    assert "（至 2027年2月11日）" in r.out  # 02-03, 02-04, then 除夕 .. 初三, 02-09 .. 02-11
    assert r.err.count(PROVISIONAL) == 1
    case = read_toml(ws_path / "cases" / cid / "case.toml")
    pub = case["answers"]["publish"]["publicity"]
    assert (pub["start"].isoformat(), pub["days"], pub["end"].isoformat()) == (
        "2027-02-03",
        5,
        "2027-02-11",
    )
    assert case["wait_until"].isoformat() == "2027-02-11"
    items = read_toml(ws_path / "cases" / cid / "outcomes.toml")["items"]
    assert items[0]["deadline"].isoformat() == "2027-02-17"  # 10 working days after 02-01
    assert items[0]["days"] == 10 and items[0]["counted_from"].isoformat() == "2027-02-01"
    assert "days" not in items[1] and "counted_from" not in items[1]  # a fixed date
    assert case["due"].isoformat() == "2027-02-17"


def test_recheck_lists_exactly_the_dates_an_override_moves(ws_path, cli, tmp_path):
    cid, _ = case_until_publicity(cli, ws_path, tmp_path)
    # a 2026 case on the same workspace: official data, nothing moves
    other, _ = case_until_publicity(
        cli,
        ws_path,
        tmp_path,
        shift=[("start = 2026-03-11", "start = 2026-03-11")],
        date="2026-03-02",
    )
    r = cli("-C", str(ws_path), "calendar", "recheck", "--json")
    assert r.code == 0 and json.loads(r.out)["changes"] == []
    head = git(ws_path, "rev-parse", "HEAD")

    # the State Council's schedule arrives: 02-05 .. 02-12 off, Saturday 02-20 worked
    write_year(ws_path, CAL_2027)
    r = cli("-C", str(ws_path), "calendar", "recheck", "--json")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["applied"] is False and data["committed"] is False
    moved = {(c["case"], c["kind"], c["old"], c["new"]) for c in data["changes"]}
    assert moved == {
        (cid, "publicity", "2027-02-11", "2027-02-17"),  # 02-03, 02-04, 02-15, 02-16, 02-17
        (cid, "wait", "2027-02-11", "2027-02-17"),
        (cid, "deadline", "2027-02-17", "2027-02-22"),  # ... 02-19, 02-20 (worked), 02-22
    }
    assert len(data["changes"]) == 3
    assert PROVISIONAL not in r.err  # 2027 is official now

    # without --yes and without a terminal: listed, not changed
    r = cli("-C", str(ws_path), "calendar", "recheck")
    assert r.code == 0
    rows = [line.split("\t") for line in r.out.splitlines() if line.startswith(cid)]
    assert [(row[2], row[3]) for row in rows] == [
        ("2027-02-11", "2027-02-17"),
        ("2027-02-11", "2027-02-17"),
        ("2027-02-17", "2027-02-22"),
    ]
    assert "--yes" in r.out and git(ws_path, "rev-parse", "HEAD") == head

    r = cli("-C", str(ws_path), "calendar", "recheck", "--yes")
    assert r.code == 0, r.err
    assert "已更新 3 个日期，已提交" in r.out
    assert git(ws_path, "rev-list", "--count", f"{head.strip()}..HEAD").strip() == "1"
    subject, *changed = git(ws_path, "show", "--name-only", "--format=%s", "HEAD").split("\n")
    assert subject.startswith("日历复核")
    assert set(filter(None, changed)) == {
        f"cases/{cid}/case.toml",
        f"cases/{cid}/outcomes.toml",
        "calendar/2027.toml",
    }
    assert git(ws_path, "status", "--porcelain") == ""
    case = read_toml(ws_path / "cases" / cid / "case.toml")
    assert case["answers"]["publish"]["publicity"]["end"].isoformat() == "2027-02-17"
    assert case["wait_until"].isoformat() == "2027-02-17"
    assert case["due"].isoformat() == "2027-02-22"
    items = read_toml(ws_path / "cases" / cid / "outcomes.toml")["items"]
    assert [i["deadline"].isoformat() for i in items] == ["2027-02-22", "2027-04-30"]
    untouched = read_toml(ws_path / "cases" / other / "case.toml")
    assert untouched["answers"]["publish"]["publicity"]["end"].isoformat() == "2026-03-17"

    # the guard of the next step follows the new end
    decide = tmp_path / "decide.toml"
    decide.write_text("[decide]\n_meta = { date = 2027-02-17T10:00:00+08:00 }\n", "utf-8")
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(decide), "--no-docs")
    assert r.code == 2 and "2027年2月17日" in r.err

    # nothing left to do
    r = cli("-C", str(ws_path), "calendar", "recheck")
    assert r.code == 0 and "无需更新" in r.out


def test_recheck_asks_on_a_terminal(ws_path, cli, tmp_path, monkeypatch):
    from xsk.cli import common as climod
    from xsk.prompts.base import ScriptedPrompter

    case_until_publicity(cli, ws_path, tmp_path)
    write_year(ws_path, CAL_2027)
    head = git(ws_path, "rev-parse", "HEAD")
    said_no = ScriptedPrompter([False])
    monkeypatch.setattr(climod, "_prompter", lambda no_input: said_no)
    r = cli("-C", str(ws_path), "calendar", "recheck")
    assert r.code == 0 and said_no.asked and "3 个日期" in said_no.asked[0]
    assert git(ws_path, "rev-parse", "HEAD") == head
    said_yes = ScriptedPrompter([True])
    monkeypatch.setattr(climod, "_prompter", lambda no_input: said_yes)
    r = cli("-C", str(ws_path), "calendar", "recheck")
    assert r.code == 0 and "已更新 3 个日期" in r.out
    assert git(ws_path, "rev-parse", "HEAD") != head


def test_recheck_after_an_xsk_toml_override(ws_path, cli, tmp_path):
    """A single local holiday in xsk.toml moves only what it touches."""
    case_until_publicity(cli, ws_path, tmp_path)
    path = ws_path / "xsk.toml"
    path.write_text(
        path.read_text("utf-8").replace("holidays = []", "holidays = [2027-02-16]"), "utf-8"
    )
    data = json.loads(cli("-C", str(ws_path), "calendar", "recheck", "--json").out)
    # the publicity (ends 02-11) is not touched; the deadline 02-17 moves to 02-18
    assert [(c["kind"], c["old"], c["new"]) for c in data["changes"]] == [
        ("deadline", "2027-02-17", "2027-02-18")
    ]


def test_recheck_skips_closed_cases_and_needs_a_workspace(ws_path, cli, tmp_path):
    cid, _ = case_until_publicity(cli, ws_path, tmp_path)
    case_path = ws_path / "cases" / cid / "case.toml"
    text = case_path.read_text("utf-8").replace('status = "open"', 'status = "closed"')
    case_path.write_text(text, "utf-8")
    write_year(ws_path, CAL_2027)
    data = json.loads(cli("-C", str(ws_path), "calendar", "recheck", "--json").out)
    assert data["changes"] == []
    r = cli("-C", str(tmp_path / "nowhere"), "calendar", "recheck")
    assert r.code == 2 and one_error_line(r.err)


# --------------------------------------------------------------------------- documents

NOTE = "（节假日安排以国务院公布为准）"


def doc_text(path: Path) -> list[str]:
    import docx

    d = docx.Document(str(path))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return [p.text for p in d.paragraphs] + cells


def test_documents_mark_provisional_dates_until_the_schedule_arrives(ws_path, cli, tmp_path):
    cid, _ = case_until_publicity(cli, ws_path, tmp_path)
    r = cli("-C", str(ws_path), "docs", "build", cid, "--kind", "result", "--kind", "minutes")
    assert r.code == 0, r.err
    assert "已注明“（节假日安排以国务院公布为准）”" in r.err
    r = cli("-C", str(ws_path), "docs", "build", cid, "--kind", "responsibility", "--kind", "reply")
    assert r.code == 0, r.err
    out = ws_path / "out" / cid
    result = doc_text(out / f"{cid}-协商结果公示.docx")
    i = next(i for i, t in enumerate(result) if t.startswith("公示期为2027年2月3日至2027年2月11日"))
    assert result[i + 1] == f"注：公示期和办结时限按工作日推算{NOTE}。"  # right under it
    minutes = doc_text(next((ws_path / "out" / "meetings").glob("*/*会议纪要.docx")))
    assert f"注：表中办结时限按工作日推算{NOTE}。" in minutes
    for path in out.glob(f"{cid}-责任清单-*.docx"):  # reply_by is counted in working days
        assert f"注：办结时限和反馈日期按工作日推算{NOTE}。" in doc_text(path)

    write_year(ws_path, CAL_2027)
    assert cli("-C", str(ws_path), "calendar", "recheck", "--yes").code == 0
    r = cli("-C", str(ws_path), "docs", "build", cid, "--kind", "result", "--kind", "minutes")
    assert r.code == 0 and "已注明" not in r.err
    # issued documents stay as posted (tests/test_frozen_docs.py); the corrected notice
    # gives the official period without the note
    result = doc_text(out / f"{cid}-协商结果公示.docx")
    assert result[i + 1] == f"注：公示期和办结时限按工作日推算{NOTE}。"
    corrected = doc_text(out / f"{cid}-协商结果公示（更正）.docx")
    assert any(t.startswith("公示期为2027年2月3日至2027年2月17日") for t in corrected)
    assert not any(NOTE in t for t in corrected)
    minutes = doc_text(next((ws_path / "out" / "meetings").glob("*/*会议纪要.docx")))
    assert f"注：表中办结时限按工作日推算{NOTE}。" in minutes


def test_documents_of_official_years_carry_no_note(ws_path, cli, tmp_path):
    cid, _ = case_until_publicity(
        cli,
        ws_path,
        tmp_path,
        shift=[("start = 2026-03-11", "start = 2026-03-11")],
        date="2026-03-02",
    )
    r = cli("-C", str(ws_path), "docs", "build", cid)
    assert r.code == 0 and r.err == ""
    for path in (ws_path / "out").rglob("*.docx"):
        assert not any(NOTE in t or "按工作日推算" in t for t in doc_text(path)), path


def test_reply_marks_a_provisional_deadline_inline(ws_path, cli, tmp_path):
    cid, _ = case_until_publicity(cli, ws_path, tmp_path)
    case_path = ws_path / "cases" / cid / "case.toml"
    text = case_path.read_text("utf-8").replace('status = "open"', 'status = "closed"')
    case_path.write_text(text, "utf-8")
    r = cli("-C", str(ws_path), "docs", "build", cid, "--kind", "reply")
    assert r.code == 0, r.err
    reply = doc_text(ws_path / "out" / cid / f"{cid}-办结回复单.docx")
    assert any(f"办结时限：2027年2月17日{NOTE}，" in t for t in reply)  # counted: marked
    assert any("办结时限：2027年4月30日，" in t for t in reply)  # a fixed date: not marked
