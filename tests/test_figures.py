"""Each report figure against its written definition (xsk/reports/definitions.py), on a small
hand-built set of records where the right figure is worked out by hand."""

from __future__ import annotations

import datetime as dt

from xsk.reports import stats
from xsk.reports.definitions import DEFINITIONS

TODAY = dt.date(2026, 4, 1)


def case(cid: str, **kw) -> dict:
    rec = {
        "id": cid,
        "created": "2026-03-02",
        "status": "open",
        "result": "",
        "escalated": False,
        "vote_action": False,
        "category": "物业管理",
        "level": "社区",
        "channel": "居民反映",
        "procedure": "dongguan-6",
        "items": [],
        "visits": [],
        "ratings": [],
    }
    return rec | kw


def meeting(day: str, present: int, *, voted: str = "") -> dict:
    topics = [{"case": voted, "voted": True}] if voted else []
    return {"date": day, "attendance": {"出席": present, "列席": 0}, "topics": topics}


def figures(cases, meetings=()) -> dict:
    return stats.compute([stats.Dataset("红桥社区", list(cases), list(meetings))], today=TODAY)


DONE = ["物业", "已办结", "2026-03-20", "2026-03-18"]  # done two days early
LATE = ["物业", "已办结", "2026-03-20", "2026-03-25"]
PENDING = ["业委会", "办理中", "2026-05-01", None]  # deadline not reached
NO_DEADLINE = ["业委会", "待办", None, None]


def test_meetings_held_are_past_and_attended():
    # by hand: one past meeting with 5 present; a future one (2026-04-10) and a past one
    # without attendance recorded are not held -> 1 meeting, 5 participants
    f = figures(
        [case("A")],
        [meeting("2026-03-09", 5), meeting("2026-04-10", 0), meeting("2026-03-20", 0)],
    )
    assert (f["meetings"], f["participants"]) == (1, 5)
    f = figures([case("A")], [meeting("2026-04-10", 3)])  # scheduled, attendance planned
    assert f["meetings"] == 0


def test_direct_means_implemented_without_a_vote():
    # by hand: A has items, not voted -> direct; B has items and a vote -> voted;
    # C and D were never consulted (no items) -> neither: direct = 1, voted = 1
    recs = [case("A", items=[DONE]), case("B", items=[DONE]), case("C"), case("D")]
    f = figures(recs, [meeting("2026-03-09", 4, voted="B")])
    assert (f["direct"], f["voted"]) == (1, 1)


def test_resolved_rate_leaves_out_withdrawn_and_merged():
    # by hand: 4 cases registered, one withdrawn and one merged -> 2 cases, 1 closed: 50 %
    recs = [
        case("A", status="closed", result="resolved"),
        case("B"),
        case("C", status="closed", result="withdrawn"),
        case("D", status="closed", result="merged"),
    ]
    f = figures(recs)
    assert (f["cases"], f["closed"], f["resolved_rate"]) == (2, 1, 50.0)
    assert (f["withdrawn"], f["merged"]) == (1, 1)
    assert sum(f["by_category"].values()) == 2
    assert any("撤销议题1个" in line for line in stats.summary_lines(f))


def test_on_time_rate_is_over_items_with_a_deadline():
    # by hand: 4 items, 3 with a deadline; 1 done by it -> 1/3 = 33.33 %
    f = figures([case("A", items=[DONE, LATE, PENDING, NO_DEADLINE])])
    assert f["on_time_rate"] == 33.33
    assert f["by_unit"]["物业"]["on_time_rate"] == 50.0  # 1 of its 2
    assert f["by_unit"]["业委会"]["on_time_rate"] == 0.0  # 0 of its 1 with a deadline


def test_satisfied_rate_is_over_visits():
    # by hand: 3 visits (满意, 基本满意, 不满意) on 2 cases -> 2/3 = 66.67 %
    recs = [
        case("A", visits=[["2026-03-20", "满意"], ["2026-03-28", "不满意"]]),
        case("B", visits=[["2026-03-21", "基本满意"]]),
    ]
    sat = figures(recs)["satisfaction"]
    assert (sat["visits"], sat["cases_visited"], sat["satisfied_rate"]) == (3, 2, 66.67)


def test_definitions_are_printed_in_help_and_report(cli, ws_path):
    r = cli("report", "--help")
    assert r.code == 0
    flat = "".join(r.out.split())
    for d in DEFINITIONS:
        assert "".join(d.split())[:20] in flat
    r = cli("-C", str(ws_path), "report")
    assert "说明" in r.out and DEFINITIONS[2][:10] in r.out
