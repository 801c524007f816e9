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

from xsk.core.errors import AnswerError, GuardError, UsageError
from xsk.core.model import Case, HistoryEntry, history_dict
from xsk.parts import events, outcomes, registry
from xsk.parts.answer_outcomes import next_due
from xsk.procedure import engine, exits
from xsk.procedure import loader as procedures
from xsk.procedure.model import Procedure, Step
from xsk.rules import votes
from xsk.workspace import cases as store
from xsk.workspace.settings import Workspace, calendar, vote_rules


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
        vote_rule_names={
            **{a: rid for a, rid in votes.ALIASES.items() if rid in rules},
            **{r.name: rid for rid, r in rules.items()},
        },
        publicity_days=ws.settings.publicity_days,
        procedure_meta=proc.meta,
        composites={
            t: (lambda raw, ctx, check=part.check: check(raw, ctx, base_dir, rules))
            for t, part in registry.parts().items()
            if part.check is not None
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
    by: str = "",
    locate: Any = None,
) -> StepReport:
    """Do the current step of case ``cid`` with ``raw`` answers (already parsed).

    Writes and commits the step under the workspace lock, in one transaction; its documents
    are built by the caller (:func:`xsk.actions.stepping.run_step`), since documents sit above
    case work. A dry run reads only and never waits for the lock.
    """
    if dry_run:
        return _run(ws, cid, raw, when, base_dir, True, by, locate)
    from xsk.workspace import journal as txn

    with txn.writing(ws.root, ws.state_dir):
        return _run(ws, cid, raw, when, base_dir, False, by, locate)


def _run(
    ws: Workspace,
    cid: str,
    raw: Mapping[str, Any],
    when: dt.datetime,
    base_dir: Path | None,
    dry_run: bool,
    by: str,
    locate: Any,
) -> StepReport:
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
    if step.exit_guards:
        trans = check_exit(ws, case, step, answers, trans)
    report = StepReport(cid, step, trans, answers)
    if dry_run:
        return report
    from xsk.workspace import journal as txn

    with txn.transaction(ws.root, ws.state_dir) as tx:
        tx.track(store.case_dir(ws, cid))
        _apply(ws, case, proc, step, answers, trans, report, tx, when, by)
    return report


def standing(ws: Workspace, case: Case, step: Step, answers: Mapping[str, Any]) -> exits.Standing:
    """The case's items and visits as they will be once ``answers`` are saved."""
    case_dir = store.case_dir(ws, case.id)
    items = {
        o.no: exits.ItemState(o.no, o.item, o.status, o.progress)
        for o in outcomes.load(case_dir, ws.root)
    }
    visits: list[Mapping[str, Any]] = []
    for q in step.questions:
        value = answers.get(q.id)
        if q.type == "progress" and isinstance(value, list):
            for up in value:
                old = items.get(up["no"])
                if old is not None:
                    note = up.get("note") or old.note
                    items[up["no"]] = exits.ItemState(old.no, old.item, up["status"], note)
        elif q.type == "visits" and isinstance(value, list):
            visits.extend(value)
    if not any(q.type == "visits" and q.id in answers for q in step.questions):
        # the visits recorded by ``xsk event`` since the case was last reopened
        for ev in events.read_all(case_dir, ws.root):
            if ev.get("kind") == "reopen":
                visits = []
            elif ev.get("kind") == "visit":
                visits.append(ev)
    return exits.Standing(tuple(items[k] for k in sorted(items)), tuple(visits))


def check_exit(
    ws: Workspace,
    case: Case,
    step: Step,
    answers: Mapping[str, Any],
    trans: engine.Transition,
) -> engine.Transition:
    """The step's exit guards (procedure data): refuse, or record why the case goes on."""
    trans, failures, override = exits.check_exit(
        step, trans, answers, standing(ws, case, step, answers)
    )
    if not failures:
        return trans
    closing = trans.status == "closed"
    what = "结案" if closing else f"结束“{step.name}”"
    q = step.question(override) if override else None
    hint = ""
    if q is not None:
        how = "说明理由" if q.type in ("text", "longtext") else "填“是”"
        hint = f"如确需{what}，请在 {override}（{q.prompt}）中{how}"
    raise GuardError(f"议题 {case.id} 不能{what}：{'；'.join(failures)}", hint=hint)


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
        part = registry.get(q.type) if q.id in answers else None
        if part is None:
            continue
        job = registry.SaveJob(
            ws, case, proc, step, q, answers, when, tx, case_dir, written, report.meeting_ids
        )
        saved = part.save(job, answers[q.id])
        stored[q.id] = saved.stored
        if saved.due_changed:
            due, due_changed = next_due(outcomes.load(case_dir, ws.root)), True
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
    from xsk.workspace import journal as txn

    with txn.writing(ws.root, ws.state_dir), txn.transaction(ws.root, ws.state_dir) as tx:
        tx.track(store.case_dir(ws, cid))
        path, ev = reopen_files(ws, cid, step_id, reason, when)
        ws.commit([path, ev], f"议题 {cid}：重新办理（{reason}）", date=when.isoformat())
        return path


def reopen_files(
    ws: Workspace, cid: str, step_id: str, reason: str, when: dt.datetime
) -> list[Path]:
    """Write a reopening (case.toml with its history entry, the reopen event) without
    committing: the caller's transaction commits it with what caused it (``xsk event``)."""
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
    return [path, ev]
