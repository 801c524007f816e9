"""Running one step of a case: guard, validate, transition, write, commit, render.

Used by ``xsk step`` (answers from a file), ``xsk walk`` (answers typed at prompts) and the
demo (sample answers files). The decisions are the pure engine's; this module does the I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xsk import events, meetings, numbering, outcomes
from xsk.errors import AnswerError, GuardError, UsageError
from xsk.model import Case, HistoryEntry, history_dict
from xsk.procedure import engine
from xsk.procedure import loader as procedures
from xsk.procedure.model import Procedure, Step
from xsk.store import cases as store
from xsk.workspace import Workspace

SUPERVISOR_KEYS = ("supervisor", "supervisors", "tracker", "supervision", "monitor")


@dataclass
class StepReport:
    case_id: str
    step: Step
    transition: engine.Transition
    answers: dict[str, Any]
    written: list[Path] = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)
    committed: bool = False
    meeting_ids: list[str] = field(default_factory=list)


def calendar(ws: Workspace):
    from xsk import calendars

    return calendars.for_workspace(ws)


def vote_rules(ws: Workspace) -> dict[str, Any]:
    from xsk.rules import votes

    try:
        return votes.load_rules(ws.settings.vote_rules)
    except votes.VoteError as exc:
        raise UsageError(f"xsk.toml [votes.rules]：{exc}") from None


def context(
    ws: Workspace, proc: Procedure, today: dt.date, base_dir: Path | None = None
) -> engine.Context:
    rules = vote_rules(ws)
    people = tuple(e.name for e in ws.roster if e.kind == "person")
    orgs = tuple(e.name for e in ws.roster if e.kind == "org")
    return engine.Context(
        today=today,
        calendar=calendar(ws),
        categories=ws.settings.categories,
        not_deliberated=ws.settings.not_deliberated,
        people=people,
        orgs=orgs,
        vote_rules=tuple(rules),
        publicity_days=ws.settings.publicity_days,
        procedure_meta=proc.meta,
        composites={
            "meeting": lambda raw, ctx: meetings.check_answer(raw, ctx, base_dir, rules),
        },
    )


def current(ws: Workspace, cid: str) -> tuple[Case, Procedure, Step]:
    case = store.load_case(ws, cid)
    if not case.is_open:
        raise UsageError(f"议题 {cid} 已办结（{case.close_reason or case.result or '已关闭'}）")
    proc = procedures.load(case.procedure, ws.root)
    step = proc.step(case.step)
    if step is None:
        raise UsageError(
            f"议题 {cid} 的当前步骤“{case.step}”不在程序 {proc.id} 中",
            hint="用 xsk edit 修正 step 字段",
        )
    return case, proc, step


def check_guards(proc: Procedure, case: Case, step: Step, today: dt.date) -> None:
    failures = engine.guard_failures(proc, case, step, today)
    if failures:
        raise GuardError(f"议题 {case.id} 暂不能办理“{step.name}”：{failures[0]}")


def run(
    ws: Workspace,
    cid: str,
    raw: Mapping[str, Any],
    *,
    when: dt.datetime,
    base_dir: Path | None = None,
    dry_run: bool = False,
    render: bool = True,
    by: str = "",
    locate: Any = None,
) -> StepReport:
    """Do the current step of case ``cid`` with ``raw`` answers (already parsed)."""
    if not dry_run:
        from xsk import txn

        txn.recover(ws.root, ws.state_dir)
    case, proc, step = current(ws, cid)
    today = when.date()
    check_guards(proc, case, step, today)
    ctx = context(ws, proc, today, base_dir)
    answers, issues = engine.validate(step, raw, ctx)
    if issues:
        first = issues[0]
        line = locate(step.id, first.question) if locate else 0
        where = f"{line}: " if line else ""
        raise AnswerError(f"{where}{first.format(step)}" if where else first.format(step))
    trans = engine.advance(proc, case, step, answers)
    report = StepReport(cid, step, trans, answers)
    if dry_run:
        return report
    from xsk import txn

    with txn.transaction(ws.root, ws.state_dir) as tx:
        tx.track(store.case_dir(ws, cid))
        _apply(ws, case, proc, step, answers, trans, report, tx, when, by)
    if render and trans.documents:
        from xsk import documents

        report.documents = documents.build_for_step(ws, cid, trans.documents)
    return report


def _apply(
    ws: Workspace,
    case: Case,
    proc: Procedure,
    step: Step,
    answers: dict[str, Any],
    trans: engine.Transition,
    report: StepReport,
    tx: Any,
    when: dt.datetime,
    by: str,
) -> None:
    cid = case.id
    today = when.date()
    case_dir = store.case_dir(ws, cid)
    stored = dict(answers)
    written: list[Path] = []
    due: dt.date | None = case.due
    due_changed = False
    for q in step.questions:
        if q.id not in answers:
            continue
        value = answers[q.id]
        if q.type == "meeting":
            mid = _meeting_id(ws, case, proc, value, when)
            if "vote" in value:
                _check_vote(ws, mid, value, step, q.id)
            tx.track(meetings.meeting_path(ws.meetings_dir, mid))
            written.append(meetings.save(ws.meetings_dir, mid, cid, value))
            stored[q.id] = mid
            report.meeting_ids.append(mid)
        elif q.type == "outcomes":
            supervisor = next(
                (str(answers[k]) for k in SUPERVISOR_KEYS if isinstance(answers.get(k), str)), ""
            )
            mids = meetings.case_meeting_ids(case.answers)
            items = [{**it, "meeting": mids[-1] if mids else ""} for it in value]
            written.append(outcomes.write_items(case_dir, items, supervisor))
            stored[q.id] = len(value)
            due, due_changed = next_due(outcomes.load(case_dir, ws.root)), True
        elif q.type == "progress":
            written.append(outcomes.apply_progress(case_dir, value))
            for up in value:
                written.append(events.write(case_dir, "progress", when, up))
            stored[q.id] = len(value)
            due, due_changed = next_due(outcomes.load(case_dir, ws.root)), True
        elif q.type == "ratings":
            for v in value:
                written.append(events.write(case_dir, "rating", when, v))
            stored[q.id] = len(value)
        elif q.type == "visits":
            for v in value:
                written.append(events.write(case_dir, "visit", when, v))
            stored[q.id] = len(value)
    if trans.action == "escalate":
        b = next(b for b in step.branches if b.id == trans.branch)
        esc = {
            "from_level": case.level,
            "to_level": trans.level,
            "to": str(answers.get("escalate_to", answers.get("to", ""))),
            "reason": trans.close_reason or str(answers.get(b.reason, "")),
        }
        for key in ("funding_asked", "funding_granted", "answer"):
            if key in answers:
                esc[key] = answers[key]
        written.append(events.write(case_dir, "escalation", when, esc))
    if "objection_answer" in answers:
        written.append(
            events.write(
                case_dir, "objection_answer", when, {"answer": answers["objection_answer"]}
            )
        )
    if "reply" in answers and step.final:
        written.append(events.write(case_dir, "reply", when, {"text": answers["reply"]}))
    path = _update_case(ws, case, step, trans, stored, when, due if due_changed else case.due, by)
    written.append(path)
    report.written = written
    target = engine.fmt_date(today)
    nxt = proc.step(trans.next_step)
    tail = f" → {nxt.name}" if nxt else "，结案" if trans.status == "closed" else ""
    message = f"议题 {cid}：完成“{step.name}”{tail}（{target}）"
    report.committed = ws.commit(written, message, date=when.isoformat())


def _meeting_id(
    ws: Workspace, case: Case, proc: Procedure, value: Mapping[str, Any], when: dt.datetime
) -> str:
    if "id" in value:
        mid = value["id"]
        if not meetings.meeting_path(ws.meetings_dir, mid).exists() and "time" not in value:
            raise AnswerError(f"会议 {mid} 不存在；新会议请提供 time 等信息")
        return mid
    planned = planned_meeting(case, proc)
    if planned:
        return planned
    if "time" not in value:
        raise AnswerError("新会议需要会议时间（time），或用 id 加入已有会议")
    letter = numbering.require_series(ws.root)
    ws.meetings_dir.mkdir(exist_ok=True)
    year = value["time"].year if "time" in value else when.year
    return meetings.allocate_id(ws.meetings_dir, year, letter)


def planned_meeting(case: Case, proc: Procedure) -> str | None:
    """The meeting this case announced (in a step that only publishes a notice) and has not
    held yet: that is the meeting being held now. A meeting the case already held is
    history, and a later meeting (a vote, a re-consultation) is a new one."""
    last: tuple[str, str] | None = None
    for h in case.history:
        for value in case.answers.get(h.step, {}).values():
            if isinstance(value, str) and meetings.MEETING_ID_RE.match(value):
                last = (h.step, value)
    if last is None:
        return None
    step = proc.step(last[0])
    return last[1] if step is not None and is_announcing(step) else None


def is_announcing(step: Step) -> bool:
    """A step that publishes a meeting notice but does not hold the meeting."""
    docs = {*step.documents, *(d for b in step.branches for d in b.documents)}
    return "notice" in docs and not docs & {"minutes", "signin"}


def _check_vote(ws: Workspace, mid: str, value: Mapping[str, Any], step: Step, qid: str) -> None:
    """Count the vote with the attendees of the whole meeting (joined meetings too)."""
    path = meetings.meeting_path(ws.meetings_dir, mid)
    existing = meetings.load(ws.meetings_dir, mid, ws.root) if path.exists() else {}
    people = {a["name"]: a for a in existing.get("attendees", [])}
    people.update({a["name"]: a for a in value.get("attendees", [])})
    try:
        meetings.tally(value["vote"], list(people.values()), vote_rules(ws))
    except (ValueError, KeyError) as exc:
        raise AnswerError(f"步骤 {step.id}（{step.name}）问题 {qid}：表决：{exc}") from None


def next_due(items: list[outcomes.Outcome]) -> dt.date | None:
    pending = [o.deadline for o in items if o.status != "已办结" and o.deadline]
    return min(pending) if pending else None  # earliest deadline still pending


def toml_value(value: Any) -> Any:
    """Plain data TOML can hold: tables and arrays without None values."""
    if isinstance(value, Mapping):
        return {k: toml_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [toml_value(v) for v in value]
    return value


def _update_case(
    ws: Workspace,
    case: Case,
    step: Step,
    trans: engine.Transition,
    stored: Mapping[str, Any],
    when: dt.datetime,
    due: dt.date | None,
    by: str,
) -> Path:
    import tomlkit

    def mutate(doc: Any) -> None:
        if "answers" not in doc:
            doc["answers"] = tomlkit.table(is_super_table=True)
        table = tomlkit.table()
        for key, value in stored.items():
            table[key] = toml_value(value)
        doc["answers"][step.id] = table
        doc["step"] = trans.next_step or step.id
        doc["status"] = trans.status
        doc["level"] = trans.level
        for key, value in trans.case_fields.items():
            if key != "level":
                doc[key] = toml_value(value)
        if due is not None:
            doc["due"] = due
        elif "due" in doc:
            del doc["due"]
        if trans.wait_until is not None:
            doc["wait_until"] = trans.wait_until
        elif "wait_until" in doc:
            del doc["wait_until"]
        if trans.status == "closed":
            doc["closed"] = when.date()
            doc["result"] = trans.result
            if trans.close_reason:
                doc["close_reason"] = trans.close_reason
        if "history" not in doc:
            doc["history"] = tomlkit.aot()
        entry = HistoryEntry(
            step=step.id,
            done=when,
            by=by or ws.settings.facilitator,
            action=trans.action,
            note="；".join(trans.notes),
        )
        doc["history"].append(toml_value(history_dict(entry)))

    return store.update(ws, case.id, mutate)


def reopen(ws: Workspace, cid: str, step_id: str, reason: str, when: dt.datetime) -> Path:
    """Reopen a closed case at ``step_id`` (e.g. after an unsatisfied follow-up visit)."""
    import tomlkit

    case = store.load_case(ws, cid)
    proc = procedures.load(case.procedure, ws.root)
    if proc.step(step_id) is None:
        raise UsageError(f"程序 {proc.id} 中没有步骤“{step_id}”")

    def mutate(doc: Any) -> None:
        doc["status"] = "open"
        doc["step"] = step_id
        for key in ("closed", "result", "close_reason"):
            if key in doc:
                del doc[key]
        if "history" not in doc:
            doc["history"] = tomlkit.aot()
        doc["history"].append(
            toml_value(
                history_dict(HistoryEntry(step_id, when, ws.settings.facilitator, "reopen", reason))
            )
        )

    path = store.update(ws, cid, mutate)
    ev = events.write(store.case_dir(ws, cid), "reopen", when, {"step": step_id, "reason": reason})
    ws.commit([path, ev], f"议题 {cid}：重新办理（{reason}）", date=when.isoformat())
    return path
