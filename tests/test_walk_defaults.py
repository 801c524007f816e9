"""The walk starts from what is known (issue 15): registered values, earlier answers and
recorded events are the defaults; questions that make no sense are not asked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from xsk.procedure import loader
from xsk.prompts.base import ScriptedPrompter
from xsk.walk import walk
from xsk.workspace import cases as store
from xsk.workspace import settings as workspace

ANSWERS = Path(__file__).resolve().parent / "data" / "dongguan-answers.toml"
TODAY = dt.date(2026, 3, 3)


def _case(ws_path, cid):
    ws = workspace.load(ws_path)
    case = store.load_case(ws, cid)
    proc = loader.load(case.procedure, ws.root)
    return ws, case, proc, proc.step(case.step)


def test_registered_values_are_the_defaults(ws_path, cli):
    r = cli(
        "-C", str(ws_path), "new", "--title", "小区停车难", "--no-input", "--date", "2026-03-02",
        "--description", "晚间车位不足，消防通道被占", "--category", "物业管理", "--level", "小区",
    )  # fmt: skip
    assert r.code == 0, r.err
    cid = r.out.split()[-1]
    ws, case, proc, step = _case(ws_path, cid)
    p = ScriptedPrompter([None, None, None])  # Enter on description, category, location
    raw = walk.ask_step(ws, p, case, proc, step, TODAY)
    assert raw["description"] == "晚间车位不足，消防通道被占"
    assert raw["category"] == "物业管理"
    walk.clear_draft(ws, cid)
    # the level registered at new is the screening default
    f = ANSWERS.parent / "dongguan-answers.toml"
    assert cli("-C", str(ws_path), "step", cid, "--answers", str(f), "--no-docs").code == 0
    ws, case, proc, step = _case(ws_path, cid)
    assert step.id == "screen"
    p = ScriptedPrompter([None, None, None, None, ["业主委员会"], None])
    raw = walk.ask_step(ws, p, case, proc, step, TODAY)
    assert raw["level"] == "小区"


def test_screening_rule_carries_into_the_meeting_vote(ws_path, cli, tmp_path):
    from xsk.parts.asking import _suggest_rule

    r = cli("-C", str(ws_path), "new", "--title", "加装电梯", "--no-input", "--date", "2026-03-02")
    cid = r.out.split()[-1]
    text = ANSWERS.read_text("utf-8").replace('rule = "majority"', 'rule = "owners-major"', 1)
    f = tmp_path / "a.toml"
    f.write_text(text, "utf-8")
    for _ in range(2):
        assert cli("-C", str(ws_path), "step", cid, "--answers", str(f), "--no-docs").code == 0
    ws, case, _proc, _step = _case(ws_path, cid)
    assert _suggest_rule(ws, case) == "owners-major"


def test_objection_event_is_the_default_and_reopen_not_asked_after_satisfied(ws_path, cli):
    r = cli("-C", str(ws_path), "new", "--title", "配电", "--no-input", "--date", "2026-03-02")
    cid = r.out.split()[-1]
    for _ in range(6):
        assert (
            cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS), "--no-docs").code == 0
        )
    assert cli("-C", str(ws_path), "event", cid, "objection", "--text", "反对").code == 0
    ws, case, proc, step = _case(ws_path, cid)
    assert step.id == "decide"
    p = ScriptedPrompter([None, "已答复", False, None])
    raw = walk.ask_step(ws, p, case, proc, step, dt.date(2026, 3, 18))
    assert raw["objection"] is True and raw["objection_answer"] == "已答复"
    walk.clear_draft(ws, cid)
    for _ in range(2):
        assert (
            cli("-C", str(ws_path), "step", cid, "--answers", str(ANSWERS), "--no-docs").code == 0
        )
    ws, case, proc, step = _case(ws_path, cid)
    assert step.id == "evaluate"
    p = ScriptedPrompter(
        [
            True, None, None, None, None, None, False,  # one satisfied visit
            False, False,  # no ratings of the two units
            "已移交",  # reply
        ]
    )  # fmt: skip
    raw = walk.ask_step(ws, p, case, proc, step, dt.date(2026, 5, 6))
    assert "reopen" not in raw and "close_reason" not in raw
    assert not any("重新督办" in q for q in p.asked)


def test_new_checks_the_category_at_once(ws_path, cli):
    r = cli("-C", str(ws_path), "new", "--title", "x", "--no-input", "--category", "不存在的类别")
    assert r.code == 2 and "不存在的类别" in r.err and "物业管理" in r.err
    assert "Traceback" not in r.err
