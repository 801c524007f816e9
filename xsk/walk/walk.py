"""``xsk walk``: the guided, interactive walk through a case, one step at a time.

Shows where the case stands, asks the current step's questions (defaults from what is already
known), validates every answer as it is typed and asks again with the reason, confirms, then
saves, commits and renders the step's documents through the same code as ``xsk step``.
Answers given so far in a step are kept as a draft (``.xsk/drafts/<id>.toml``), so Ctrl-C
loses nothing: the draft is offered when the step is resumed. Nothing reaches the case until
the facilitator confirms.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from xsk.actions import workflow
from xsk.actions.stepping import render_step, run_step
from xsk.casework import steps
from xsk.core.errors import GuardError, UsageError
from xsk.core.model import LEVELS, Case
from xsk.parts import registry
from xsk.parts.answer_meeting import PARTIAL, ask_meeting  # noqa: F401  (the walk's drafts)
from xsk.parts.asking import OTHER, _ask_typed, _loop, _provisional, _suggest_rule
from xsk.procedure import engine
from xsk.procedure.model import Procedure, Question, Step
from xsk.prompts.base import PartialText, Prompter
from xsk.store import atomic, tomlio
from xsk.workspace import cases as store
from xsk.workspace.settings import Workspace

NEW = "＋ 登记新议题"
QUIT = "× 退出"
DONE = "（完成）"


# --- drafts ----------------------------------------------------------------------------------


def _draft_path(ws: Workspace, cid: str):
    return ws.state_dir / "drafts" / f"{cid}.toml"


def load_draft(ws: Workspace, cid: str, step_id: str) -> dict[str, Any]:
    path = _draft_path(ws, cid)
    if not path.exists():
        return {}
    try:
        data, _ = tomlio.read(path)
    except Exception:
        return {}
    if data.get("step") != step_id:
        return {}
    answers = data.get("answers", {})
    return dict(answers) if isinstance(answers, Mapping) else {}


_DRAFTED: set[str] = set()  # cases with a draft written by this run (for the Ctrl-C message)


_RENDERING: set[str] = set()  # cases whose step is committed and documents are being built


def rendering() -> list[str]:
    """Cases whose step this run committed while their documents were still being built."""
    return sorted(_RENDERING)


def drafted() -> bool:
    """Whether this run kept answers in a draft (so Ctrl-C can say they are kept)."""
    return bool(_DRAFTED)


def save_draft(ws: Workspace, cid: str, step_id: str, answers: Mapping[str, Any]) -> None:
    _DRAFTED.add(cid)
    atomic.write_text(
        _draft_path(ws, cid),
        tomlio.dumps({"step": step_id, "answers": steps.toml_value(answers)}),
    )


def clear_draft(ws: Workspace, cid: str) -> None:
    _DRAFTED.discard(cid)
    _draft_path(ws, cid).unlink(missing_ok=True)


# --- the home menu ---------------------------------------------------------------------------


def urgency(case: Case, today: dt.date) -> tuple:
    overdue = bool(case.due and case.due < today)
    return (not overdue, case.due or dt.date.max, case.created, case.id)


def home(ws: Workspace, p: Prompter, now: Callable[[], dt.datetime] = workflow.now) -> None:
    while True:
        today = now().date()
        open_cases = sorted(
            (c for c in store.iter_cases(ws) if c.is_open), key=lambda c: urgency(c, today)
        )
        labels = {}
        from xsk.procedure import loader

        names: dict[str, dict[str, str]] = {}
        for c in open_cases:
            if c.procedure not in names:
                names[c.procedure] = loader.step_names(c.procedure, ws.root, ws.state_dir)
            step = names[c.procedure].get(c.step, c.step)
            flag = "【逾期】" if c.due and c.due < today else ""
            due = f" 时限 {c.due.isoformat()}" if c.due else ""
            labels[f"{c.id} {flag}{c.title}（{step}{due}）"] = c.id
        choice = p.select("要做什么？", [NEW, *labels, QUIT], default=NEW)
        if choice == QUIT:
            return
        if choice == NEW:
            from xsk.workspace import numbering

            numbering.require_series(ws.root)  # a clone without its series: said before asking
            case = workflow.new_case(ws, p, title=None, when=now())
            p.say(f"已登记议题 {case.id}")
            cid = case.id
        else:
            cid = labels[choice]
        walk_case(ws, p, cid, now=now)


# --- one case --------------------------------------------------------------------------------


def overview(proc: Procedure, case: Case) -> list[str]:
    done = {h.step for h in case.history}
    lines = [f"议题 {case.id}：{case.title}（{proc.name}，层级：{case.level}）"]
    for s in proc.steps:
        if case.is_open and s.id == case.step:
            mark = "→"
        elif s.id in done:
            mark = "✓"
        else:
            mark = " "
        extra = "（经分支进入）" if s.only_via_branch else ""
        lines.append(f"  {mark} {s.name}{extra}")
    if case.due:
        lines.append(f"  办结时限：{case.due.isoformat()}")
    if case.wait_until:
        lines.append(f"  等待至：{case.wait_until.isoformat()}")
    if not case.is_open:
        lines.append(f"  已办结（{case.closed.isoformat() if case.closed else ''}）")
    return lines


def walk_case(
    ws: Workspace, p: Prompter, cid: str, now: Callable[[], dt.datetime] = workflow.now
) -> None:
    while True:
        case = store.load_case(ws, cid)
        from xsk.procedure import loader

        proc = loader.load(case.procedure, ws.root)
        for line in overview(proc, case):
            p.say(line)
        if not case.is_open:
            return
        step = proc.step(case.step)
        if step is None:
            raise UsageError(f"议题 {cid} 的当前步骤“{case.step}”不在程序中")
        when = now()
        failures = engine.guard_failures(proc, case, step, when.date())
        if failures:
            p.say(f"暂不能办理“{step.name}”：{failures[0]}")
            return
        _series_first(ws, case, proc, step)
        p.say(f"当前步骤：{step.name}")
        if step.help:
            p.say(step.help)
        raw = ask_step(ws, p, case, proc, step, when.date())
        also: tuple[str, ...] = ()
        while True:
            if not review(ws, p, case, proc, step, when.date(), raw, also=also):
                p.say("未保存；已填写的内容保留为草稿，下次继续。")
                return
            try:
                report = run_step(ws, cid, raw, when=when, render=False)
                break
            except GuardError as exc:
                # refused (an unfinished case may not close): said, and back to the review,
                # where the override (a reason to close) can be filled in, or the draft kept
                save_draft(ws, cid, step.id, raw)
                p.say(f"未能保存：{exc.message}" + (f"。{exc.hint}。" if exc.hint else "。"))
                also = tuple(g.override for g in step.exit_guards if g.override)
        clear_draft(ws, cid)  # committed: a Ctrl-C from here on must not speak of a draft
        _RENDERING.add(cid)
        report.documents = render_step(ws, cid, report)
        _RENDERING.discard(cid)
        for note in report.transition.notes:
            p.say(note)
        for doc in report.documents:
            p.say(f"已生成文书：{ws.rel(doc)}")
        if report.transition.status == "closed":
            p.say(f"议题 {cid} 已办结。")
            return
        if not p.confirm("继续办理下一步？", default=True):
            return


def _series_first(ws: Workspace, case: Case, proc: Procedure, step: Step) -> None:
    """A step that may open a new meeting needs this computer's numbering series: in a clone
    without one, say so before the questions, not after the whole step is typed."""
    if not any(q.type == "meeting" for q in step.questions):
        return
    from xsk.parts.answer_meeting import planned_meeting
    from xsk.workspace import numbering

    if planned_meeting(case, proc) is None:
        numbering.require_series(ws.root)


def ask_step(
    ws: Workspace, p: Prompter, case: Case, proc: Procedure, step: Step, today: dt.date
) -> dict[str, Any]:
    ctx = steps.context(ws, proc, today)
    draft = load_draft(ws, case.id, step.id)
    if draft and not p.confirm("发现上次未完成的填写，是否继续使用？", default=True):
        draft = {}
    if any(_plain(q) for q in step.questions):
        p.say(f"（填写时输入 {BACK_KEY} 或选“{BACK_CHOICE}”回到上一题）")
    raw: dict[str, Any] = {}
    asked: list[str] = []  # ids of the questions answered, in order: "back" pops the last
    overrides = {g.override for g in step.exit_guards if g.override}
    i = 0
    questions = list(step.questions)
    while i < len(questions):
        q = questions[i]
        answers = _converted(step, raw, ctx)
        if not engine.applies(q, answers):
            i += 1
            continue
        if q.id in overrides:
            failures = _exit_failures(ws, case, proc, step, answers)
            if not failures:
                i += 1
                continue  # the case may go on: no reason to ask for one
            p.say("注意：" + "；".join(failures))

        def keep(partial: Any, qid: str = q.id) -> None:
            # a long answer (a meeting) is kept part by part: Ctrl-C in the middle of it
            # loses only the part being typed
            save_draft(ws, case.id, step.id, {**raw, qid: partial})

        previous = raw.get(q.id, draft.get(q.id))
        ask_with = Navigating(p, can_back=bool(asked)) if _plain(q) else p
        try:
            value = ask_question(ws, ask_with, case, step, q, ctx, previous, keep)
        except PartialText as exc:  # Ctrl-C in the middle of a text: what was typed is kept
            if q.type in ("text", "longtext") and exc.text.strip():
                save_draft(ws, case.id, step.id, {**raw, q.id: exc.text})
            raise
        except GoBack:
            last = asked.pop()
            draft = {**draft, last: raw.pop(last, draft.get(last))}
            save_draft(ws, case.id, step.id, raw)
            i = next(n for n, x in enumerate(questions) if x.id == last)
            continue
        i += 1
        if value is None:
            raw.pop(q.id, None)
            continue
        raw[q.id] = value
        asked.append(q.id)
        save_draft(ws, case.id, step.id, raw)
    return raw


def _converted(step: Step, raw: Mapping[str, Any], ctx: engine.Context) -> dict[str, Any]:
    out = {}
    for q in step.questions:
        if q.id in raw:
            out[q.id], _ = engine.coerce(q, raw[q.id], ctx)
    return out


def _plain(q: Question) -> bool:
    """A question asked in one prompt (not a meeting, publicity period or records)."""
    return registry.get(q.type) is None and q.type not in ("publicity", "records")


SAVE = "确认无误，保存并提交"
LEAVE = "暂不保存（保留草稿，下次继续）"


def review(
    ws: Workspace,
    p: Prompter,
    case: Case,
    proc: Procedure,
    step: Step,
    today: dt.date,
    raw: dict[str, Any],
    *,
    also: Sequence[str] = (),
) -> bool:
    """Show the answers, then confirm; on 否 pick one to change (or leave, keeping the draft).
    ``also``: questions offered for change even when unanswered (a refused close's reason).

    Returns True to save ``raw`` (changed in place)."""
    ctx = steps.context(ws, proc, today)
    while True:
        shown = [q for q in step.questions if q.id in raw or q.id in also]
        p.say(f"请核对“{step.name}”的填写：")
        rule_names = {rid: name for name, rid in ctx.vote_rule_names.items()}
        for n, q in enumerate(shown, 1):
            if q.id not in raw:
                p.say(f"  {n}. {q.prompt.rstrip('？?：:')}：（未填写）")
                continue
            value = raw[q.id]
            if q.choices_from == "vote_rules" and isinstance(value, str):
                value = rule_names.get(value, value)  # stored by id, shown by name
            p.say(f"  {n}. {q.prompt.rstrip('？?：:')}：{_brief(value, ws)}")
        if p.confirm(f"确认保存“{step.name}”并提交？", default=not also):
            return True
        labels = {f"修改 {n}. {q.prompt}": q for n, q in enumerate(shown, 1)}
        pick = p.select("要修改哪一项？", [*labels, SAVE, LEAVE], default=LEAVE)
        if pick == SAVE:
            return True
        if pick == LEAVE:
            return False
        q = labels[pick]
        value = ask_question(ws, p, case, step, q, ctx, raw.get(q.id), lambda _partial: None)
        if value is None:
            raw.pop(q.id, None)
        else:
            raw[q.id] = value
        save_draft(ws, case.id, step.id, raw)


def _brief(value: Any, ws: Workspace | None = None) -> str:
    from xsk.parts.asking import _show

    if isinstance(value, Mapping):
        shown = dict(value)
        if ws is not None and set(shown) <= {"id"} and shown.get("id"):
            # a meeting joined by its number: what it is, not just the number
            from xsk.parts import meetings

            mid = str(shown["id"])
            with contextlib.suppress(Exception):
                held = meetings.load(ws.meetings_dir, mid, ws.root)
                shown = {"id": f"加入会议 {mid}", **{k: held.get(k) for k in ("title", "time")}}
        parts = [shown.get(k) for k in ("id", "title", "time", "host") if shown.get(k)]
        return (
            "，".join(_when(v) if isinstance(v, str) else _show(v) for v in parts) or "（已填写）"
        )
    if isinstance(value, list):
        return (
            f"{len(value)} 项"
            if value and isinstance(value[0], Mapping)
            else "、".join(map(str, value))
        )
    if isinstance(value, bool):
        return "是" if value else "否"
    text = _show(value) if not isinstance(value, str) else value
    text = text.replace("\n", " ")
    return text if len(text) <= 40 else text[:39] + "…"


def _when(text: str) -> str:
    """An ISO date-time typed or kept in a draft, shown as the walk shows a time (no seconds)."""
    from xsk.parts.asking import _show

    with contextlib.suppress(ValueError):
        if "T" in text or (len(text) > 10 and text[10] == " "):
            return _show(dt.datetime.fromisoformat(text))
    return text


BACK_KEY = "<"
BACK_WORDS = ("<", "＜", "上一题", "上一步")
BACK_CHOICE = "← 上一题"


class GoBack(Exception):
    """The facilitator asked to return to the previous question."""


class Navigating:
    """A prompter for one plain question: typing ``<`` (or 上一题) or picking “← 上一题”
    raises :class:`GoBack`; everything else passes through."""

    def __init__(self, p: Prompter, *, can_back: bool) -> None:
        self.p = p
        self.can_back = can_back
        self.interactive = p.interactive

    def text(self, message: str, *, default: str = "", validate=None, **kw: Any) -> str:
        def check(value: str) -> str | None:
            if self.can_back and value.strip() in BACK_WORDS:
                return None
            return validate(value) if validate else None

        value = self.p.text(message, default=default, validate=check, **kw)
        if self.can_back and value.strip() in BACK_WORDS:
            raise GoBack
        return value

    def select(self, message: str, choices, *, default: str | None = None) -> str:
        if not self.can_back:
            return self.p.select(message, choices, default=default)
        value = self.p.select(message, [*choices, BACK_CHOICE], default=default)
        if value == BACK_CHOICE:
            raise GoBack
        return value

    def checkbox(self, message: str, choices, *, default=()) -> list[str]:
        return self.p.checkbox(message, choices, default=default)

    def confirm(self, message: str, *, default: bool = True) -> bool:
        return self.p.confirm(message, default=default)

    def say(self, message: str) -> None:
        self.p.say(message)


def _exit_failures(
    ws: Workspace, case: Case, proc: Procedure, step: Step, answers: dict[str, Any]
) -> list[str]:
    """What the step's exit guards would refuse with the answers given so far."""
    from xsk.procedure import exits

    trans = engine.advance(proc, case, step, answers)
    standing = steps.standing(ws, case, step, answers)
    return exits.check_exit(step, trans, answers, standing)[1]


# events that imply the answer to a yes/no question of the same meaning
IMPLIED_BY_EVENT = {"objection": "objection"}


def _known(case: Case, q: Question, ws: Workspace | None = None) -> Any:
    """What the case already says for ``q``: an earlier answer, the case field the question
    sets (registered at ``xsk new``), or an event recorded meanwhile (an objection)."""
    for ans in reversed(list(case.answers.values())):
        if q.id in ans and registry.get(q.type) is None:
            return ans[q.id]
    if q.field and q.field != "due":
        value = getattr(case, q.field, None)
        if value not in (None, ""):
            return value
    kind = IMPLIED_BY_EVENT.get(q.id)
    if kind and q.type == "yesno" and ws is not None:
        from xsk.parts import events

        recorded = events.read_all(store.case_dir(ws, case.id), ws.root)
        if any(e.get("kind") == kind for e in recorded):
            return True
    return None


def ask_question(
    ws: Workspace,
    p: Prompter,
    case: Case,
    step: Step,
    q: Question,
    ctx: engine.Context,
    draft: Any,
    keep: Callable[[Any], None] = lambda _partial: None,
) -> Any:
    label = q.prompt + ("" if q.required else "（可留空）")
    default = draft if draft is not None else _known(case, q, ws)
    if default is None and q.choices_from == "vote_rules":
        default = _suggest_rule(ws, case)
    if default is None:
        default = engine.default_for(q, ctx)
    t = q.type
    part = registry.get(t)
    if part is not None:
        return part.ask(registry.AskJob(ws, p, case, step, ctx, draft, keep))
    if t == "publicity":
        d = default if isinstance(default, Mapping) else {}
        start = _ask_typed(p, "公示开始日期", "date", d.get("start", ctx.today), ctx)
        days = _ask_typed(p, "公示期（工作日）", "number", d.get("days", ctx.publicity_days), ctx)
        value = {"start": start, "days": int(days)}
        end = ctx.calendar.publicity_end(start, int(days))
        note = _provisional(ctx, start, end)
        p.say(
            f"公示期：{engine.fmt_date(start)} 至 {engine.fmt_date(end)}（{days} 个工作日）{note}"
        )
        return value
    if t == "records":
        return ask_records(p, q, ctx, draft)
    if t in ("choice",):
        options = list(engine.choices_for(q, ctx))
        if not options:
            return _ask_typed(p, label, "text", default, ctx, q)
        if q.choices_from == "vote_rules":  # shown by name, stored by id
            names = {name: rid for name, rid in ctx.vote_rule_names.items() if rid in options}
            by_id = {rid: name for name, rid in names.items()}  # the full name (after aliases)
            labels = [by_id.get(rid, rid) for rid in options]
            pick = p.select(label, labels, default=by_id.get(default, default))
            return names.get(pick, pick)
        return p.select(label, options, default=default if default in options else None)
    if t == "multichoice":
        options = list(engine.choices_for(q, ctx))
        chosen = p.checkbox(label, options, default=default or [])
        while q.required and not chosen:
            p.say("至少选择一项")
            chosen = p.checkbox(label, options, default=[])
        return chosen
    if t == "yesno":
        return p.confirm(label, default=bool(default) if default is not None else True)
    if t in ("person", "org"):
        names = list(ctx.people if t == "person" else ctx.orgs)
        if names:
            pick = p.select(label, [*names, OTHER], default=default if default in names else None)
            if pick != OTHER:
                return pick
        return _ask_typed(p, label, "text", default, ctx, q)
    value = _ask_typed(p, label, t, default, ctx, q)
    if value in ("", None) and not q.required:
        return None
    return value


def ask_records(p: Prompter, q: Question, ctx: engine.Context, draft: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while _loop(p, "条记录", not out):
        row = {}
        for f in q.fields:
            if f.type == "choice":
                row[f.id] = p.select(f.prompt, list(engine.choices_for(f, ctx)))
            else:
                value = _ask_typed(p, f.prompt, f.type, f.default, ctx, f)
                if value not in ("", None):
                    row[f.id] = value
        out.append(row)
    return out


__all__ = ["LEVELS", "home", "walk_case"]
