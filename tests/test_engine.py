"""The pure step engine on every shipped procedure: start to close, every branch."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from xsk.core.model import LEVELS, Case
from xsk.procedure import engine, loader
from xsk.procedure.model import Branch, Procedure, Question, Step
from xsk.rules.workdays import Calendar

PROCEDURES = ["dongguan-6", "liunan-246", "xinhua-135", "tianshui-6", "tianxin"]
START = dt.date(2026, 3, 2)


def ctx_for(proc: Procedure, today: dt.date) -> engine.Context:
    return engine.Context(
        today=today,
        calendar=Calendar(),
        not_deliberated=("属于私人纠纷、宜通过调解或诉讼解决的事项",),
        people=("王丽",),
        orgs=("红桥物业公司",),
        vote_rules=(
            "consensus",
            "majority",
            "two-thirds",
            "residents-meeting",
            "village-reps",
            "owners-ordinary",
            "owners-major",
        ),
        procedure_meta=proc.meta,
    )


def sample(q: Question, ctx: engine.Context):
    t = q.type
    if q.default is not None and t not in ("meeting",):
        return q.default
    if t in ("text", "longtext", "person", "org"):
        return "测试内容"
    if t == "choice":
        return engine.choices_for(q, ctx)[0]
    if t == "multichoice":
        return list(engine.choices_for(q, ctx)[:1])
    if t == "date":
        return ctx.today
    if t == "datetime":
        return dt.datetime.combine(ctx.today, dt.time(14, 30))
    if t == "number":
        return 1
    if t == "yesno":
        return False
    if t == "records":
        return [{f.id: sample(f, ctx) for f in q.fields}]
    if t == "meeting":
        return {"time": dt.datetime.combine(ctx.today, dt.time(14, 30)), "venue": "议事厅"}
    if t == "outcomes":
        return [{"item": "清理垃圾", "unit": "物业公司", "days": 5}]
    if t == "progress":
        return [{"no": 1, "status": "已办结", "note": "完成"}]
    if t == "visits":
        return [{"date": ctx.today, "visitor": "王丽", "satisfaction": "满意"}]
    if t == "ratings":
        return [{"unit": "物业公司", "score": 5}]
    if t == "publicity":
        return {"start": ctx.today, "days": 5}
    raise AssertionError(t)


def satisfy(b: Branch):
    assert b.when is not None
    return satisfy_condition(b.when)


def satisfy_condition(c):
    if c.op == "equals":
        return c.value
    if c.op == "in":
        return c.value[0]
    if c.op == "answered":
        return "有"
    if c.op == "not_equals":
        return not c.value if isinstance(c.value, bool) else f"非{c.value}"
    if c.op == "contains":  # in the procedures: visits holding a 不满意
        return [{"date": START, "visitor": "王丽", "satisfaction": c.value}]
    raise AssertionError(c.op)


def answers_for(step: Step, ctx, force: Branch | None = None) -> dict:
    """Answers that fire ``force`` (or no conditional branch at all)."""
    raw = {q.id: sample(q, ctx) for q in step.questions}
    if force is not None and force.when is not None:
        cond = force.when
        while cond is not None:  # the forced answer's question may itself be conditional
            raw[cond.question] = satisfy_condition(cond)
            q = step.question(cond.question)
            cond = q.when if q else None
        return raw
    for _ in range(5):
        answers, issues = engine.validate(step, raw, ctx)
        assert not issues, [i.format(step) for i in issues]
        fired = engine.fired_branch(step, answers)
        if fired is None or fired.when is None or fired == force or fired.action == "next":
            return raw
        q = step.question(fired.when.question)
        cur = raw[fired.when.question]
        if isinstance(cur, bool):
            raw[fired.when.question] = not cur
        else:
            options = [c for c in engine.choices_for(q, ctx) if c != cur] if q else []
            raw[fired.when.question] = options[0] if options else f"非{cur}"
    return raw


def new_case(proc: Procedure) -> Case:
    return Case(
        id="2026-001",
        uid="x",
        title="测试议题",
        procedure=proc.id,
        step=proc.first.id,
        status="open",
        level="社区",
        category="",
        created=START,
    )


def apply(proc: Procedure, case: Case, step: Step, answers: dict, t: engine.Transition) -> Case:
    new_answers = {**case.answers, step.id: answers}
    return replace(
        case,
        step=t.next_step or step.id,
        status=t.status,
        level=t.level,
        answers=new_answers,
        wait_until=t.wait_until,
        result=t.result,
    )


def run(proc: Procedure, force: tuple[str, str] | None = None, limit: int = 40):
    """Walk a case to the end; ``force`` = (step id, branch id) fires once."""
    case = new_case(proc)
    today = START
    fired: list[tuple[str, str]] = []
    used = False
    for _ in range(limit):
        if case.status == "closed":
            return case, fired
        step = proc.step(case.step)
        assert step is not None
        for _ in range(60):
            if not engine.guard_failures(proc, case, step, today):
                break
            today += dt.timedelta(days=1)
        assert not engine.guard_failures(proc, case, step, today)
        ctx = ctx_for(proc, today)
        branch = None
        if force and not used and step.id == force[0]:
            branch = next(b for b in step.branches if b.id == force[1])
            used = True
        raw = answers_for(step, ctx, branch)
        answers, issues = engine.validate(step, raw, ctx)
        assert not issues, [i.format(step) for i in issues]
        t = engine.advance(proc, case, step, answers)
        if t.branch:
            fired.append((step.id, t.branch))
            if t.action == "escalate":
                before = answers.get("level", case.level)
                assert LEVELS.index(t.level) == min(LEVELS.index(before) + 1, 4)
                fired.append(("escalated", t.level))
        case = apply(proc, case, step, answers, t)
        today += dt.timedelta(days=1)
    raise AssertionError(f"{proc.id} did not close; stuck at {case.step}")


@pytest.mark.parametrize("pid", PROCEDURES)
def test_procedure_loads_with_four_steps_and_questions(pid):
    proc = loader.load(pid, None)
    assert len(proc.steps) >= 4
    assert all(s.questions for s in proc.steps)
    assert proc.steps[-1].final


@pytest.mark.parametrize("pid", PROCEDURES)
def test_plain_path_closes_resolved(pid):
    proc = loader.load(pid, None)
    case, _ = run(proc)
    assert case.status == "closed" and case.result == "resolved"


def _branches():
    for pid in PROCEDURES:
        proc = loader.load(pid, None)
        for s in proc.steps:
            for b in s.branches:
                if b.when is not None:
                    yield pytest.param(pid, s.id, b.id, id=f"{pid}:{s.id}:{b.id}")


@pytest.mark.parametrize(("pid", "step_id", "branch_id"), list(_branches()))
def test_every_branch(pid, step_id, branch_id):
    proc = loader.load(pid, None)
    step = proc.step(step_id)
    branch = next(b for b in step.branches if b.id == branch_id)
    # reach the step on the plain path, fire the branch there, then finish
    case, fired = run(proc, force=(step_id, branch_id))
    assert (step_id, branch_id) in fired
    assert case.status == "closed"
    if branch.action == "close":
        assert case.result == (branch.result or "closed")
    if branch.action == "escalate":
        assert any(f[0] == "escalated" for f in fired)


def test_guard_refuses_before_publicity_end():
    proc = loader.load("dongguan-6", None)
    step = proc.step("decide")
    case = replace(
        new_case(proc),
        step="decide",
        answers={
            "publish": {
                "publicity": {"start": dt.date(2026, 9, 28), "days": 5, "end": dt.date(2026, 10, 9)}
            }
        },
    )
    msgs = engine.guard_failures(proc, case, step, dt.date(2026, 10, 9))
    assert msgs and "公示期尚未结束" in msgs[0] and "2026年10月10日" in msgs[0]
    assert not engine.guard_failures(proc, case, step, dt.date(2026, 10, 10))


def test_invalid_answers_are_reported_per_question():
    proc = loader.load("dongguan-6", None)
    step = proc.step("screen")
    ctx = ctx_for(proc, START)
    _, issues = engine.validate(step, {"in_scope": "也许", "level": "月球", "bogus": 1}, ctx)
    found = {i.question for i in issues}
    assert {"in_scope", "bogus"} <= found
    _, issues = engine.validate(step, {"in_scope": False}, ctx)
    assert {i.question for i in issues} == {"reason", "explanation"}


def test_publicity_end_counts_working_days_over_national_day():
    proc = loader.load("dongguan-6", None)
    q = proc.step("publish").question("publicity")
    value, err = engine.coerce(q, {"start": dt.date(2026, 9, 28), "days": 5}, ctx_for(proc, START))
    assert err is None
    # 9-28, 9-29, 9-30 are working days; 10-1..10-7 holiday; 10-8, 10-9 complete five
    assert value["end"] == dt.date(2026, 10, 9)


def test_outcome_deadline_in_working_days():
    proc = loader.load("dongguan-6", None)
    q = proc.step("confirm").question("outcomes")
    ctx = ctx_for(proc, dt.date(2026, 2, 13))
    value, err = engine.coerce(q, [{"item": "清理", "unit": "物业", "days": 1}], ctx)
    assert err is None and value[0]["deadline"] == dt.date(2026, 2, 14)  # make-up Saturday
