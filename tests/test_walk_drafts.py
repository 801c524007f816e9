"""Drafts of the walk: a meeting interrupted half-way resumes where it stopped.

The walk is driven in-process with the scripted prompter (tests/test_walk_pty.py drives the
real terminal); the case is brought to the meeting step with ``xsk step``.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from xsk.procedure import loader
from xsk.prompts.base import ScriptedPrompter
from xsk.walk import walk
from xsk.workspace import cases as store
from xsk.workspace import settings as workspace

ANSWERS = Path(__file__).resolve().parent / "data" / "dongguan-answers.toml"
TODAY = dt.date(2026, 3, 9)


@pytest.fixture
def at_meeting(ws_path, cli):
    r = cli(
        "-C", str(ws_path), "new", "--title", "配电变压器移交", "--no-input", "--date", "2026-03-02"
    )
    cid = r.out.split()[-1]
    for _ in ("collect", "screen", "announce"):
        r = cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS), "--no-docs")
        assert r.code == 0, r.err
    ws = workspace.load(ws_path)
    case = store.load_case(ws, cid)
    assert case.step == "meet"
    proc = loader.load(case.procedure, ws.root)
    return ws, case, proc, proc.step("meet")


def test_meeting_interrupted_after_two_attendees_resumes_there(at_meeting) -> None:
    ws, case, proc, step = at_meeting
    first = ScriptedPrompter(
        [
            "李明",  # recorder
            True, "王丽", "红桥社区党委", "出席", True,  # first attendee
            True, "赵强", "业委会", "出席", True,  # second attendee
            True, KeyboardInterrupt(),  # Ctrl-C while typing the third name
        ]
    )  # fmt: skip
    with pytest.raises(KeyboardInterrupt):
        walk.ask_step(ws, first, case, proc, step, TODAY)
    draft = walk.load_draft(ws, case.id, step.id)["meeting"]
    assert draft[walk.PARTIAL] is True
    assert draft["recorder"] == "李明"
    assert [a["name"] for a in draft["attendees"]] == ["王丽", "赵强"]

    second = ScriptedPrompter(
        [
            True,  # use the draft
            None,  # recorder: the draft's 李明
            False,  # no more attendees
            False,  # the two typed ones not into the roster
            None,  # background: the case's description
            True, "赵强", "业委会", "希望尽快移交，消除隐患。", False,  # one speech
            False,  # no vote
            True, "业委会牵头办理移交手续", False,  # one resolution
        ]
    )  # fmt: skip
    raw = walk.ask_step(ws, second, case, proc, step, TODAY)
    meeting = raw["meeting"]
    assert walk.PARTIAL not in meeting
    assert meeting["recorder"] == "李明"
    assert [a["name"] for a in meeting["attendees"]] == ["王丽", "赵强"]
    assert meeting["speeches"][0]["summary"] == "希望尽快移交，消除隐患。"
    assert meeting["resolutions"] == ["业委会牵头办理移交手续"]
    assert "姓名" not in second.asked  # nobody typed twice
    assert any("已录入参会人员 2 位" in s for s in second.said)
    assert not second.answers  # every scripted answer was asked for

    # the resumed answer is accepted by the step like any other
    from xsk.casework import steps

    report = steps.run(ws, case.id, raw, when=dt.datetime(2026, 3, 9, 17, 0))
    assert report.transition is not None


def test_a_finished_meeting_in_the_draft_is_not_asked_again(at_meeting) -> None:
    ws, case, _proc, step = at_meeting
    done = {"recorder": "李明", "attendees": [], "speeches": [], "resolutions": ["甲"]}
    p = ScriptedPrompter([None])  # the default: keep it
    assert walk.ask_meeting(ws, p, case, step, walk.steps.context(ws, _proc, TODAY), done) == done
    assert p.asked == ["沿用，还是修改其中一项？"]


def test_any_part_of_a_finished_meeting_in_the_draft_can_be_corrected(at_meeting) -> None:
    ws, case, proc, step = at_meeting
    ctx = walk.steps.context(ws, proc, TODAY)
    done = {
        "title": "协商会",
        "time": dt.datetime(2026, 3, 9, 14, 30),
        "host": "王丽",
        "recorder": "李明",
        "attendees": [{"name": "赵强", "unit": "业委会", "attendance": "出席", "vote": True}],
        "speeches": [],
        "resolutions": ["甲"],
    }
    p = ScriptedPrompter(["修改主持人", "张华", "修改会议时间", "3月9日 下午4点", None])
    out = walk.ask_meeting(ws, p, case, step, ctx, dict(done))
    assert out["host"] == "张华" and out["time"] == dt.datetime(2026, 3, 9, 16, 0)
    assert out["attendees"] == done["attendees"] and out["recorder"] == "李明"
    # a list is entered again; the rest is offered as the defaults
    p = ScriptedPrompter(
        ["重新录入协商意见", None, False, False, None, False, False, True, "乙", False]
    )  # fmt: skip
    out = walk.ask_meeting(ws, p, case, step, ctx, dict(done))
    assert out["resolutions"] == ["乙"] and out["recorder"] == "李明"


def _screen(ws_path, cli):
    r = cli(
        "-C", str(ws_path), "new", "--title", "楼道堆物清理", "--no-input", "--date", "2026-03-02"
    )
    cid = r.out.split()[-1]
    assert cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS), "--no-docs").code == 0
    ws = workspace.load(ws_path)
    case = store.load_case(ws, cid)
    proc = loader.load(case.procedure, ws.root)
    return ws, case, proc, proc.step(case.step)


def test_back_from_a_choice_to_the_previous_question(ws_path, cli) -> None:
    from xsk.procedure.model import Question, Step

    ws, case, proc, _step = _screen(ws_path, cli)
    step = Step(
        id="t",
        name="测试",
        questions=(
            Question(id="a", prompt="甲", type="text"),
            Question(id="b", prompt="乙", type="choice", choices=("x", "y")),
        ),
    )
    p = ScriptedPrompter(["一", walk.BACK_CHOICE, None, "y"])
    raw = walk.ask_step(ws, p, case, proc, step, TODAY)
    assert raw == {"a": "一", "b": "y"}  # None: the earlier answer offered as the default
    assert p.asked == ["甲", "乙", "甲", "乙"]
    assert any("回到上一题" in s for s in p.said)


def test_typing_back_at_a_text_question(ws_path, cli) -> None:
    from xsk.procedure.model import Question, Step

    ws, case, proc, _step = _screen(ws_path, cli)
    step = Step(
        id="t",
        name="测试",
        questions=(
            Question(id="a", prompt="甲", type="text"),
            Question(id="b", prompt="乙", type="text"),
        ),
    )
    p = ScriptedPrompter(["一", "<", "二", "三"])
    raw = walk.ask_step(ws, p, case, proc, step, TODAY)
    assert raw == {"a": "二", "b": "三"}
    assert p.asked == ["甲", "乙", "甲", "乙"]


def test_review_picks_an_answer_to_change(ws_path, cli) -> None:
    from xsk.procedure.model import Question, Step

    ws, case, proc, _step = _screen(ws_path, cli)
    step = Step(
        id="t",
        name="测试",
        questions=(
            Question(id="a", prompt="甲", type="text"),
            Question(id="b", prompt="乙", type="text"),
        ),
    )
    raw = {"a": "一", "b": "二"}
    p = ScriptedPrompter([False, "修改 1. 甲", "改过", True])
    assert walk.review(ws, p, case, proc, step, TODAY, raw) is True
    assert raw == {"a": "改过", "b": "二"}
    assert any("1. 甲：一" in s for s in p.said) and any("1. 甲：改过" in s for s in p.said)
    p = ScriptedPrompter([False, walk.LEAVE])
    assert walk.review(ws, p, case, proc, step, TODAY, raw) is False


def test_attendees_picked_from_the_roster_and_typed_ones_added(at_meeting, cli) -> None:
    ws, case, proc, step = at_meeting
    for name, unit in (("王丽", "社区党委"), ("赵强", "业委会"), ("钱伟", "物业公司")):
        r = cli("-C", str(ws.root), "roster", "add", "--name", name, "--unit", unit, "--no-input")
        assert r.code == 0, r.err
    ws = workspace.load(ws.root)
    ctx = walk.steps.context(ws, proc, TODAY)
    p = ScriptedPrompter(
        [
            "李明",  # recorder
            ["王丽（社区党委）", "钱伟（物业公司）"],  # picked in one go
            True, "孙芳", "居民代表", "出席", True,  # one more, typed
            False,  # no more
            True,  # add 孙芳 to the roster
            None, False, False, True, "甲", False,
        ]
    )  # fmt: skip
    answer = walk.ask_meeting(ws, p, case, step, ctx, None)
    assert [a["name"] for a in answer["attendees"]] == ["王丽", "钱伟", "孙芳"]
    assert (
        answer["attendees"][0]["unit"] == "社区党委"
        and answer["attendees"][0]["attendance"] == "出席"
    )
    assert "孙芳" in {e.name for e in workspace.load(ws.root).roster}
    log = subprocess.run(
        ["git", "log", "-1", "--format=%s"], cwd=ws.root, capture_output=True, text=True
    )
    assert "孙芳" in log.stdout


def test_ctrl_c_while_documents_are_built_after_the_commit_leaves_no_draft(
    ws_path, cli, monkeypatch
) -> None:
    """Ctrl-C after 确认保存 said 已保存草稿 although the step was committed, and left the
    draft of a step already done."""
    import tomllib

    r = cli(
        "-C", str(ws_path), "new", "--title", "配电变压器移交", "--no-input", "--date", "2026-03-02"
    )
    cid = r.out.split()[-1]
    ws = workspace.load(ws_path)
    raw = dict(tomllib.loads(ANSWERS.read_text("utf-8"))["collect"])
    raw.pop("_meta", None)

    def asked(ws_, p, case, proc, step, today):
        walk.save_draft(ws_, case.id, step.id, raw)
        return dict(raw)

    def interrupted(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(walk, "ask_step", asked)
    monkeypatch.setattr(walk, "review", lambda *a, **k: True)
    monkeypatch.setattr(walk, "render_step", interrupted)
    when = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with pytest.raises(KeyboardInterrupt):
        walk.walk_case(ws, ScriptedPrompter([]), cid, now=lambda: when)
    assert store.load_case(ws, cid).step != "collect"  # committed
    assert not walk._draft_path(ws, cid).exists()
    assert walk.rendering() == [cid] and not walk.drafted()
    walk._RENDERING.clear()


def test_vote_totals_are_counted_when_typed(at_meeting) -> None:
    """Reviewer (5): 7 votes with 5 present was refused only after the whole meeting had been
    typed. The totals are counted at once; typed again, or kept for the check at saving."""
    from xsk.casework import steps
    from xsk.parts import answer_meeting

    ws, case, proc, _step = at_meeting
    ctx = steps.context(ws, proc, TODAY)
    attendees = [
        {"name": n, "unit": "居民", "attendance": "出席", "vote": True}
        for n in ("甲一", "乙二", "丙三", "丁四", "戊五")
    ]
    p = ScriptedPrompter(
        [
            None, None, None,  # rule, motion, 应到 (5)
            "只录合计",
            "7", "0", "0",  # more votes than voters present
            answer_meeting.AGAIN,
            "4", "1", "0",
        ]
    )  # fmt: skip
    vote = answer_meeting.ask_vote(ws, p, case, ctx, attendees)
    assert (vote["yes"], vote["no"], vote["abstain"]) == (4, 1, 0)
    assert any(s.startswith("表决票数有误：") for s in p.said), p.said
    assert not p.answers
    kept = ScriptedPrompter([None, None, None, "只录合计", "7", "0", "0", answer_meeting.KEEP])
    assert answer_meeting.ask_vote(ws, kept, case, ctx, attendees)["yes"] == 7


def test_a_drafted_visit_is_shown_and_kept_on_resume(at_meeting) -> None:
    """Reviewer (5): a visit kept in the draft was not shown on resume, and answering 否 to
    "添加一条回访记录？" dropped it. It is shown, kept, and each new one is kept as typed."""
    from xsk.casework import steps
    from xsk.parts import answer_visits

    ws, _case, proc, _step = at_meeting
    ctx = steps.context(ws, proc, TODAY)
    drafted = [{"date": dt.date(2026, 5, 6), "visitor": "王丽", "method": "入户回访",
                "satisfaction": "不满意", "comment": "还有积水"}]  # fmt: skip
    p = ScriptedPrompter([None, None])  # keep them (是), add another (否)
    got = answer_visits.ask_visits(ws, p, ctx, drafted, None)
    assert got == drafted
    assert any("入户回访" in s and "不满意" in s and "还有积水" in s for s in p.said), p.said
    kept: list = []
    p = ScriptedPrompter([False, None, "2026-05-07", "李明", "电话回访", "满意", "", False])
    got = answer_visits.ask_visits(ws, p, ctx, drafted, kept.append)
    assert [v["visitor"] for v in got] == ["李明"] and kept and kept[-1] == got
    assert not p.answers


def test_the_review_shows_a_joined_meeting_and_times_without_seconds(at_meeting) -> None:
    """Reviewer (16): the review showed a joined meeting by its number only, and a time kept
    in the draft with its seconds."""
    ws, _case, _proc, _step = at_meeting
    shown = walk._brief({"id": "2026-M001"}, ws)
    assert shown.startswith("加入会议 2026-M001，") and "协商议事会" in shown, shown
    assert ":00:00" not in shown and "14:30" in shown
    assert (
        walk._brief({"title": "议事会", "time": "2026-03-09T14:30:00"})
        == "议事会，2026-03-09 14:30"
    )
