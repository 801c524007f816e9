"""Dates and times the way people type them (issue 17, acceptance 2)."""

from __future__ import annotations

import datetime as dt

import pytest

from xsk.procedure.dates import parse_date, parse_datetime

TODAY = dt.date(2026, 6, 1)
D = dt.date(2026, 3, 5)


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-05",
        "2026-3-5",
        "2026/3/5",
        "2026/03/05",
        "2026.3.5",
        "2026年3月5日",
        "2026年3月5号",
        " 2026 年 3 月 5 日 ",
        "3月5日",
        "3月5号",
        "3/5",
    ],
)
def test_date_forms(text):
    assert parse_date(text, TODAY) == (D, None)


@pytest.mark.parametrize(
    "text", ["2026-13-01", "2026-02-30", "上周三", "3月", "2026-03-05 15:00", ""]
)
def test_bad_dates_say_why_in_chinese(text):
    day, err = parse_date(text, TODAY)
    assert day is None and err and "例如" in err


@pytest.mark.parametrize(
    "text,when",
    [
        ("2026-03-05 15:00", (15, 0)),
        ("2026-03-05T15:00", (15, 0)),
        ("2026-03-05 15:00:00", (15, 0)),
        ("2026/3/5 15:00", (15, 0)),
        ("2026.3.5 15:00", (15, 0)),
        ("2026年3月5日 15:00", (15, 0)),
        ("2026年3月5日15:00", (15, 0)),
        ("2026年3月5日 下午3点", (15, 0)),
        ("2026年3月5日下午3点半", (15, 30)),
        ("3月5日 下午3点", (15, 0)),
        ("3月5日 15点30分", (15, 30)),
        ("3月5日 15点30", (15, 30)),
        ("2026-03-05 上午9点", (9, 0)),
        ("2026-03-05 晚上7:30", (19, 30)),
        ("2026-03-05 中午12点", (12, 0)),
        ("2026-03-05 15：00", (15, 0)),
    ],
)
def test_datetime_forms(text, when):
    assert parse_datetime(text, TODAY) == (dt.datetime(2026, 3, 5, *when), None)


@pytest.mark.parametrize("text", ["2026-03-05", "3月5日", "2026年3月5日"])
def test_meeting_time_needs_time_of_day(text):
    when, err = parse_datetime(text, TODAY)
    assert when is None and "缺少时刻" in err
    assert parse_datetime(text, TODAY, need_time=False) == (dt.datetime(2026, 3, 5), None)


def test_a_toml_date_is_no_meeting_time():
    when, err = parse_datetime(D, TODAY)
    assert when is None and "缺少时刻" in err


@pytest.mark.parametrize(
    "text", ["2026-03-05 25:00", "2026-03-05 上午15点", "2026-03-05 下午", "2026-03-05 随便"]
)
def test_bad_times(text):
    when, err = parse_datetime(text, TODAY)
    assert when is None and err


def test_cli_date_options_take_the_same_forms(cli):
    for text in ("2026-09-28", "2026/9/28", "2026.9.28", "2026年9月28日"):
        r = cli("calendar", "add", text, "5")
        assert r.code == 0, (text, r.err)
        assert (
            r.out.strip().splitlines()[0]
            == cli("calendar", "add", "2026-09-28", "5").out.strip().splitlines()[0]
        )
    r = cli("calendar", "add", "2026-13-01", "1")
    assert r.code == 2 and "DATE" not in r.err and "日期" in r.err


def test_meeting_answer_without_time_of_day_is_refused():
    from xsk.parts import meetings
    from xsk.procedure.engine import Context
    from xsk.rules.workdays import Calendar

    ctx = Context(today=TODAY, calendar=Calendar())
    out, errors = meetings.check_answer({"time": "2026-03-05", "host": "王丽"}, ctx)
    assert out is None and any("缺少时刻" in e for e in errors)
    out, errors = meetings.check_answer({"time": "3月5日 下午3点", "host": "王丽"}, ctx)
    assert errors == [] and out["time"] == dt.datetime(2026, 3, 5, 15, 0)


@pytest.mark.parametrize(
    "title,needle",
    [("三号楼\n加装电梯", "一行"), ("长" * 61, "最多 60 个字"), ("   ", "不能为空")],
)
def test_titles_are_one_line_of_at_most_60(ws_path, cli, title, needle):
    r = cli("-C", str(ws_path), "new", "--title", title, "--no-input")
    assert r.code == 2 and needle in r.err
    assert len([x for x in r.err.splitlines() if x.strip()]) == 1


def test_title_of_60_is_accepted(ws_path, cli):
    assert cli("-C", str(ws_path), "new", "--title", "长" * 60, "--no-input").code == 0


def test_ratings_listed_best_first_with_their_meaning(ws, monkeypatch):
    from xsk.parts import answer_ratings
    from xsk.parts.outcomes import Outcome
    from xsk.prompts.base import ScriptedPrompter

    assert answer_ratings.SCORES[0].startswith("5 很满意")
    assert answer_ratings.SCORES[-1].startswith("1 很不满意")
    items = [Outcome(no=1, item="修灯", unit="物业公司", deadline=None)]
    monkeypatch.setattr(answer_ratings.outcomes, "load", lambda *a: items)
    seen = []

    class P(ScriptedPrompter):
        def select(self, message, choices, *, default=None):
            seen.append(list(choices))
            return super().select(message, choices, default=default)

    case = type("C", (), {"id": "2026-001"})()
    out = answer_ratings.ask_ratings(ws, P([True, "4 满意"]), case)
    assert out == [{"unit": "物业公司", "score": 4}]
    assert seen[0] == list(answer_ratings.SCORES)


def test_a_deadline_typed_as_a_date_is_not_asked_again(ws):
    from xsk.parts.answer_outcomes import ask_outcomes
    from xsk.procedure.engine import Context
    from xsk.prompts.base import ScriptedPrompter
    from xsk.rules.workdays import Calendar

    ctx = Context(today=TODAY, calendar=Calendar())
    p = ScriptedPrompter(
        [True, "修灯", "物业公司", "2026年6月30日", True, "清杂物", "物业公司", "10", False]
    )
    out = ask_outcomes(ws, p, ctx, None)
    assert out[0]["deadline"] == dt.date(2026, 6, 30) and "days" not in out[0]
    assert out[1]["days"] == 10
    assert [m for m in p.asked if "办结" in m and "时限" not in m] == []  # no second prompt
    p = ScriptedPrompter([True, "修灯", "物业公司", "下周", "2026-06-30", False])
    ask_outcomes(ws, p, ctx, None)
    assert p.errors and "工作日数" in p.errors[0]


def test_report_from_and_to_take_dates_as_date_does(ws_path, cli):
    """Reviewer (15): --from/--to took ISO dates only, --date also 3月5日 and 2026/3/5."""
    import json

    cli("-C", str(ws_path), "new", "--title", "楼道灯不亮", "--no-input", "--date", "2026-03-05")
    iso = cli("-C", str(ws_path), "report", "--json", "--from", "2026-03-01", "--to", "2026-03-31")
    typed = cli(
        "-C", str(ws_path), "report", "--json", "--from", "2026/3/1", "--to", "2026年3月31日"
    )
    assert iso.code == typed.code == 0, typed.err
    assert json.loads(iso.out) == json.loads(typed.out)
    bad = cli("-C", str(ws_path), "report", "--from", "13月1日")
    assert bad.code == 2 and "--from" in bad.err and "13月1日" in bad.err
