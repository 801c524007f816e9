"""The pure step engine: which questions a step asks, whether answers are valid, whether a
step may start, and where the case goes next. No files, no prompts, no clock: the date and the
working-day calendar are passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from xsk.core.model import LEVELS, OUTCOME_STATUSES, SATISFACTION, Case
from xsk.procedure.dates import parse_date, parse_datetime
from xsk.procedure.model import Branch, Procedure, Question, Step

YES = ("是", "y", "yes", "true", "1", "对", "有")
NO = ("否", "n", "no", "false", "0", "不", "无")


class WorkCalendar(Protocol):
    def add_workdays(self, start: dt.date, n: int) -> dt.date: ...

    def publicity_end(self, start: dt.date, days: int) -> dt.date: ...


@dataclass(frozen=True)
class Context:
    """What the engine needs to know beyond the procedure: choices and the calendar."""

    today: dt.date
    calendar: WorkCalendar
    categories: tuple[str, ...] = ()
    not_deliberated: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    vote_rules: tuple[str, ...] = ()
    # each vote rule's Chinese name and aliases → its id (a rule may be answered by name)
    vote_rule_names: Mapping[str, str] = field(default_factory=dict)
    publicity_days: int = 5
    procedure_meta: Mapping[str, Any] = field(default_factory=dict)
    # composite answers (meeting ...) are checked by functions registered here, so the engine
    # stays independent of how meetings are stored
    composites: Mapping[str, Callable[[Any, Context], tuple[Any, list[str]]]] = field(
        default_factory=dict
    )


@dataclass(frozen=True)
class AnswerIssue:
    question: str
    message: str

    def format(self, step: Step) -> str:
        q = step.question(self.question.split(".")[0])
        name = f"“{q.prompt}”（{self.question}）" if q else self.question
        return f"步骤 {step.id}（{step.name}）问题 {name}：{self.message}"


@dataclass(frozen=True)
class Transition:
    step: str
    next_step: str
    status: str
    level: str
    result: str = ""
    close_reason: str = ""
    wait_until: dt.date | None = None
    branch: str = ""
    action: str = "next"
    documents: tuple[str, ...] = ()
    case_fields: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


# --- choices and applicability ---------------------------------------------------------------


def choices_for(q: Question, ctx: Context) -> tuple[str, ...]:
    if q.choices:
        return q.choices
    src = q.choices_from
    meta_list = lambda key: tuple(  # noqa: E731
        v for v in ctx.procedure_meta.get(key, ()) if isinstance(v, str)
    )
    if src == "settings.categories":
        return ctx.categories or meta_list("categories")
    if src == "procedure.categories":
        return meta_list("categories")
    if src == "procedure.subjects":
        return meta_list("subjects")
    if src == "settings.not_deliberated":
        return ctx.not_deliberated
    if src == "roster.people":
        return ctx.people
    if src == "roster.orgs":
        return ctx.orgs
    if src == "roster.all":
        return ctx.people + ctx.orgs
    if src == "vote_rules":
        return ctx.vote_rules
    return ()


def applies(q: Question, answers: Mapping[str, Any]) -> bool:
    return q.when is None or q.when.test(answers.get(q.when.question))


def default_for(q: Question, ctx: Context, known: Mapping[str, Any] | None = None) -> Any:
    """The default offered for ``q``: what is already known, else the procedure's default."""
    if known and q.id in known:
        return known[q.id]
    if q.type == "publicity" and q.default is None:
        return {"start": ctx.today, "days": ctx.publicity_days}
    if q.type == "date" and q.default == "today":
        return ctx.today
    return q.default


# --- coercion of one answer ------------------------------------------------------------------


def coerce(q: Question, raw: Any, ctx: Context) -> tuple[Any, str | None]:
    """Convert a raw answer (typed input or TOML value) to its stored form, or explain why not."""
    t = q.type
    if t in ("text", "longtext", "person", "org"):
        if not isinstance(raw, str):
            return None, "应为文本"
        value = raw.strip() if t != "longtext" else raw.strip("\n")
        if q.required and not value.strip():
            return None, "不能为空"
        return value, None
    if t == "choice":
        options = choices_for(q, ctx)
        if q.choices_from == "vote_rules" and isinstance(raw, str) and raw not in options:
            raw = ctx.vote_rule_names.get(raw.strip(), raw)
            names = [k for k, v in ctx.vote_rule_names.items() if v in options]
            if raw not in options:
                shown = "、".join(dict.fromkeys(n for n in names if n not in options)) or "、".join(
                    options
                )
                return None, f"“{raw}”不在可选项中：{shown}"
        if not isinstance(raw, str) or (options and raw not in options):
            return None, f"“{raw}”不在可选项中：{'、'.join(options)}"
        return raw, None
    if t == "multichoice":
        options = choices_for(q, ctx)
        values = [v.strip() for v in raw.split("、")] if isinstance(raw, str) else raw
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return None, "应为选项列表"
        bad = [v for v in values if options and v not in options]
        if bad:
            return None, f"“{bad[0]}”不在可选项中"
        if q.required and not values:
            return None, "至少选择一项"
        return values, None
    if t == "yesno":
        if isinstance(raw, bool):
            return raw, None
        if isinstance(raw, str) and raw.strip().lower() in YES:
            return True, None
        if isinstance(raw, str) and raw.strip().lower() in NO:
            return False, None
        return None, "应为“是”或“否”"
    if t == "date":
        return parse_date(raw, ctx.today)
    if t == "datetime":
        return parse_datetime(raw, ctx.today)
    if t == "number":
        return parse_number(raw, q)
    if t == "records":
        return _records(q, raw, ctx)
    if t == "publicity":
        return _publicity(raw, ctx)
    if t == "outcomes":
        return _outcomes(raw, ctx)
    if t == "visits":
        return _visits(raw)
    if t == "progress":
        return _progress(raw, ctx)
    if t == "ratings":
        return _ratings(raw)
    if t in ctx.composites:
        value, errors = ctx.composites[t](raw, ctx)
        return (value, None) if not errors else (None, "；".join(errors))
    if t == "meeting":
        return (dict(raw), None) if isinstance(raw, Mapping) else (None, "应为会议记录表")
    return None, f"未知的问题类型 {t}"


def parse_number(raw: Any, q: Question | None = None) -> tuple[Any, str | None]:
    if isinstance(raw, bool):
        return None, "应为数字"
    if isinstance(raw, int):
        value: int | str = raw
        number = Decimal(raw)
    else:
        try:
            number = Decimal(str(raw).strip().replace(",", ""))
        except InvalidOperation:
            return None, f"应为数字，实际为“{raw}”"
        if not number.is_finite():
            return None, "应为数字"
        value = int(number) if number == number.to_integral_value() else str(number)
    if q is not None and q.min is not None and number < q.min:
        return None, f"不能小于 {q.min}"
    if q is not None and q.max is not None and number > q.max:
        return None, f"不能大于 {q.max}"
    return value, None


def _records(q: Question, raw: Any, ctx: Context) -> tuple[Any, str | None]:
    if not isinstance(raw, list):
        return None, "应为记录列表（[[...]]）"
    out = []
    for i, rec in enumerate(raw, start=1):
        if not isinstance(rec, Mapping):
            return None, f"第 {i} 条应为表"
        row: dict[str, Any] = {}
        for f in q.fields:
            if f.id not in rec or rec[f.id] in (None, ""):
                if f.required and f.default is None:
                    return None, f"第 {i} 条缺少“{f.prompt}”（{f.id}）"
                if f.default is not None:
                    row[f.id] = f.default
                continue
            value, err = coerce(f, rec[f.id], ctx)
            if err:
                return None, f"第 {i} 条“{f.prompt}”：{err}"
            row[f.id] = value
        out.append(row)
    if q.required and not out:
        return None, "至少需要一条记录"
    return out, None


def _publicity(raw: Any, ctx: Context) -> tuple[Any, str | None]:
    if not isinstance(raw, Mapping):
        return None, "应写成 { start = 日期, days = 工作日数 }"
    start, err = parse_date(raw.get("start", ctx.today))
    if err:
        return None, f"start {err}"
    days = raw.get("days", ctx.publicity_days)
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        return None, "days 应为不小于 1 的整数（工作日）"
    assert start is not None
    try:
        end = ctx.calendar.publicity_end(start, days)
    except ValueError as exc:  # the calendar's RuleError: a date it cannot compute
        return None, str(exc)
    return {"start": start, "days": days, "end": end}, None


def _deadline(rec: Mapping[str, Any], start: dt.date, ctx: Context) -> tuple[Any, str | None]:
    if "deadline" in rec and rec["deadline"] not in (None, ""):
        return parse_date(rec["deadline"])
    days = rec.get("days")
    if isinstance(days, int) and not isinstance(days, bool) and days >= 0:
        try:
            return ctx.calendar.add_workdays(start, days), None
        except ValueError as exc:  # the calendar's RuleError: a date it cannot compute
            return None, str(exc)
    return None, "需要办结时限：deadline（日期）或 days（工作日数）"


def _outcomes(raw: Any, ctx: Context) -> tuple[Any, str | None]:
    if not isinstance(raw, list) or not raw:
        return None, "至少需要一项协商成果（[[...]]，含 item、unit、deadline 或 days）"
    out = []
    for i, rec in enumerate(raw, start=1):
        if not isinstance(rec, Mapping):
            return None, f"第 {i} 项应为表"
        item, unit = rec.get("item"), rec.get("unit")
        if not isinstance(item, str) or not item.strip():
            return None, f"第 {i} 项缺少事项内容（item）"
        if not isinstance(unit, str) or not unit.strip():
            return None, f"第 {i} 项缺少责任单位（unit）"
        deadline, err = _deadline(rec, ctx.today, ctx)
        if err:
            return None, f"第 {i} 项：{err}"
        row = {"no": i, "item": item.strip(), "unit": unit.strip(), "deadline": deadline}
        if isinstance(rec.get("days"), int):
            row["days"] = rec["days"]
            if rec.get("deadline") in (None, ""):  # counted in working days: from today
                row["counted_from"] = ctx.today
        for key in ("claimed", "note", "funding"):
            if key in rec:
                row[key] = rec[key]
        out.append(row)
    return out, None


def _progress(raw: Any, ctx: Context) -> tuple[Any, str | None]:
    if not isinstance(raw, list) or not raw:
        return None, "至少需要一条进度（no = 事项序号, status = 待办/办理中/已办结, note = 说明）"
    out = []
    for i, rec in enumerate(raw, start=1):
        if not isinstance(rec, Mapping):
            return None, f"第 {i} 条应为表"
        no = rec.get("no")
        if not isinstance(no, int) or isinstance(no, bool) or no < 1:
            return None, f"第 {i} 条：事项序号 no 应为正整数"
        status = rec.get("status")
        if status not in OUTCOME_STATUSES:
            return None, f"第 {i} 条：状态应为 {'、'.join(OUTCOME_STATUSES)}"
        date, err = parse_date(rec.get("date", ctx.today))
        if err:
            return None, f"第 {i} 条：{err}"
        out.append({"no": no, "status": status, "note": str(rec.get("note", "")), "date": date})
    return out, None


def _ratings(raw: Any) -> tuple[Any, str | None]:
    if not isinstance(raw, list):
        return None, "应为评议列表（unit = 单位, score = 1–5, comment = 意见）"
    out = []
    for i, rec in enumerate(raw, start=1):
        if not isinstance(rec, Mapping) or not isinstance(rec.get("unit"), str) or not rec["unit"]:
            return None, f"第 {i} 条缺少被评议单位（unit）"
        score = rec.get("score")
        if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
            return None, f"第 {i} 条评分 score 应为 1–5 的整数"
        out.append(
            {
                "unit": rec["unit"],
                "score": score,
                "by": str(rec.get("by", "居民代表")),
                "comment": str(rec.get("comment", "")),
            }
        )
    return out, None


def _visits(raw: Any) -> tuple[Any, str | None]:
    if not isinstance(raw, list) or not raw:
        return None, "至少需要一条回访记录（date、visitor、method、satisfaction）"
    out = []
    for i, rec in enumerate(raw, start=1):
        if not isinstance(rec, Mapping):
            return None, f"第 {i} 条应为表"
        date, err = parse_date(rec.get("date"))
        if err:
            return None, f"第 {i} 条：{err}"
        sat = rec.get("satisfaction")
        if sat not in SATISFACTION:
            return None, f"第 {i} 条满意度应为：{'、'.join(SATISFACTION)}"
        out.append(
            {
                "date": date,
                "visitor": str(rec.get("visitor", "")),
                "method": str(rec.get("method", "电话回访")),
                "satisfaction": sat,
                "comment": str(rec.get("comment", "")),
            }
        )
    return out, None


# --- a whole step ----------------------------------------------------------------------------


def validate(
    step: Step, raw: Mapping[str, Any], ctx: Context
) -> tuple[dict[str, Any], list[AnswerIssue]]:
    """Validate every applicable question of ``step`` against ``raw`` answers."""
    answers: dict[str, Any] = {}
    issues: list[AnswerIssue] = []
    known = {q.id for q in step.questions}
    for key in raw:
        if key not in known:
            issues.append(AnswerIssue(key, "该步骤没有这个问题"))
    for q in step.questions:
        if not applies(q, answers):
            continue
        value = raw.get(q.id)
        if value is None:
            default = default_for(q, ctx)
            if default is None:
                if q.required:
                    issues.append(AnswerIssue(q.id, "缺少答案"))
                continue
            value = default
        converted, err = coerce(q, value, ctx)
        if err:
            issues.append(AnswerIssue(q.id, err))
            continue
        answers[q.id] = converted
    return answers, issues


def guard_failures(proc: Procedure, case: Case, step: Step, today: dt.date) -> list[str]:
    """Why ``step`` may not start yet (empty when it may)."""
    out = []
    for g in step.guards:
        value = _resolve(case, g.ref)
        if g.kind == "after":
            when = value.get("end") if isinstance(value, Mapping) else value
            if isinstance(when, dt.datetime):
                when = when.date()
            if isinstance(when, dt.date) and today <= when:
                msg = g.message or "尚未到可以办理的日期"
                nxt = when + dt.timedelta(days=1)
                out.append(f"{msg}（截至 {fmt_date(when)}），{fmt_date(nxt)} 起可办理")
            elif not isinstance(when, dt.date):
                out.append(f"{g.message or '前置条件未满足'}（缺少 {g.ref}）")
        elif g.kind == "answered" and value in (None, "", [], {}):
            out.append(g.message or f"需要先完成 {g.ref}")
        elif g.kind == "equals" and value != g.value:
            out.append(g.message or f"{g.ref} 应为 {g.value}")
    if case.wait_until and today <= case.wait_until and not step.guards:
        out.append(f"等待至 {fmt_date(case.wait_until)} 后办理")
    return out


def _resolve(case: Case, ref: str) -> Any:
    if ref == "case.wait_until":
        return case.wait_until
    sid, _, qid = ref.partition(".")
    return case.answers.get(sid, {}).get(qid)


def fmt_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def next_in_order(proc: Procedure, step_id: str) -> Step | None:
    idx = proc.index(step_id)
    for s in proc.steps[idx + 1 :]:
        if not s.only_via_branch:
            return s
    return None


def fired_branch(step: Step, answers: Mapping[str, Any]) -> Branch | None:
    for b in step.branches:
        if b.when is None or b.when.test(answers.get(b.when.question)):
            return b
    return None


def advance(proc: Procedure, case: Case, step: Step, answers: Mapping[str, Any]) -> Transition:
    """Where the case goes after ``step`` was answered with ``answers``."""
    fields = {q.field: answers[q.id] for q in step.questions if q.field and q.id in answers}
    level = fields.get("level", case.level)
    branch = fired_branch(step, answers)
    nxt = next_in_order(proc, step.id)
    base = {"step": step.id, "level": level, "case_fields": fields, "documents": step.documents}

    def finished(**kw: Any) -> Transition:
        closed = {
            "next_step": "",
            "status": "closed",
            "result": "resolved",
            "action": "close",
            "notes": ("流程完成，议题办结",),
        }
        return Transition(**{**base, **closed, **kw})

    def moved(target: Step, **kw: Any) -> Transition:
        return Transition(**{**base, "next_step": target.id, "status": "open", **kw})

    if branch is None:
        if step.final or nxt is None:
            return finished()
        return moved(nxt, notes=(f"进入下一步：{nxt.name}",))
    base["documents"] = tuple(dict.fromkeys((*step.documents, *branch.documents)))
    reason = str(answers.get(branch.reason, "")) if branch.reason else ""
    if branch.action == "close":
        return finished(
            result=branch.result or "closed",
            close_reason=reason,
            branch=branch.id,
            notes=(branch.label,),
        )
    if branch.action == "escalate":
        idx = LEVELS.index(level) if level in LEVELS else 2
        base["level"] = LEVELS[min(idx + 1, len(LEVELS) - 1)]
        note = f"{branch.label}：层级升至{base['level']}"
        target = proc.step(branch.target) if branch.target else nxt
        if target is None:
            return finished(
                result="escalated",
                close_reason=reason,
                branch=branch.id,
                action="escalate",
                notes=(note,),
            )
        return moved(
            target,
            close_reason=reason,
            branch=branch.id,
            action="escalate",
            notes=(note, f"进入：{target.name}"),
        )
    if branch.action in ("goto", "vote"):
        target = proc.step(branch.target)
        assert target is not None  # checked when the procedure was loaded
        return moved(
            target,
            close_reason=reason,
            branch=branch.id,
            action=branch.action,
            notes=(f"{branch.label}，进入：{target.name}",),
        )
    if nxt is None:
        return finished(branch=branch.id)
    if branch.action == "wait":
        value = answers.get(branch.until)
        until = value.get("end") if isinstance(value, Mapping) else value
        if not isinstance(until, dt.date):
            return moved(nxt, branch=branch.id, action="wait", notes=(branch.label,))
        return moved(
            nxt,
            wait_until=until,
            branch=branch.id,
            action="wait",
            notes=(f"{branch.label}（至 {fmt_date(until)}）",),
        )
    return moved(nxt, branch=branch.id)  # action "next"


def step_for(proc: Procedure, case: Case) -> Step | None:
    return proc.step(case.step) if case.is_open else None


def visible(step: Step, answers: Mapping[str, Any]) -> Sequence[Question]:
    return [q for q in step.questions if applies(q, answers)]
