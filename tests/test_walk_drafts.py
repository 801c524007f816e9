"""Drafts of the walk: a meeting interrupted half-way resumes where it stopped.

The walk is driven in-process with the scripted prompter (tests/test_walk_pty.py drives the
real terminal); the case is brought to the meeting step with ``xsk step``.
"""

from __future__ import annotations

import datetime as dt
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
    p = ScriptedPrompter([])
    assert walk.ask_meeting(ws, p, case, step, walk.steps.context(ws, _proc, TODAY), done) == done
    assert p.asked == []
