"""``xsk walk``: the guided, interactive walk through a case, one step at a time.

Shows where the case stands, asks the current step's questions (defaults from what is already
known), validates every answer as it is typed and asks again with the reason, confirms, then
saves, commits and renders the step's documents through the same code as ``xsk step``.
Answers given so far in a step are kept as a draft (``.xsk/drafts/<id>.toml``), so Ctrl-C
loses nothing: the draft is offered when the step is resumed. Nothing reaches the case until
the facilitator confirms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from xsk import meetings, outcomes, steps, workflow
from xsk.errors import GuardError, UsageError
from xsk.model import ATTENDANCE, LEVELS, SATISFACTION, Case
from xsk.procedure import engine
from xsk.procedure.model import Procedure, Question, Step
from xsk.prompts.base import Prompter
from xsk.store import atomic, tomlio
from xsk.store import cases as store
from xsk.workspace import Workspace

NEW = "＋ 登记新议题"
QUIT = "× 退出"
OTHER = "（其他，手工输入）"
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


def save_draft(ws: Workspace, cid: str, step_id: str, answers: Mapping[str, Any]) -> None:
    atomic.write_text(
        _draft_path(ws, cid),
        tomlio.dumps({"step": step_id, "answers": steps.toml_value(answers)}),
    )


def clear_draft(ws: Workspace, cid: str) -> None:
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
        for c in open_cases:
            flag = "【逾期】" if c.due and c.due < today else ""
            due = f" 时限 {c.due.isoformat()}" if c.due else ""
            labels[f"{c.id} {flag}{c.title}（{c.step}{due}）"] = c.id
        choice = p.select("要做什么？", [NEW, *labels, QUIT], default=NEW)
        if choice == QUIT:
            return
        if choice == NEW:
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
        p.say(f"当前步骤：{step.name}")
        if step.help:
            p.say(step.help)
        raw = ask_step(ws, p, case, proc, step, when.date())
        if not p.confirm(f"确认保存“{step.name}”并提交？", default=True):
            p.say("未保存；已填写的内容保留为草稿，下次继续。")
            return
        try:
            report = steps.run(ws, cid, raw, when=when)
        except GuardError as exc:
            p.say(exc.message)
            return
        clear_draft(ws, cid)
        for note in report.transition.notes:
            p.say(note)
        for doc in report.documents:
            p.say(f"已生成文书：{ws.rel(doc)}")
        if report.transition.status == "closed":
            p.say(f"议题 {cid} 已办结。")
            return
        if not p.confirm("继续办理下一步？", default=True):
            return


def ask_step(
    ws: Workspace, p: Prompter, case: Case, proc: Procedure, step: Step, today: dt.date
) -> dict[str, Any]:
    ctx = steps.context(ws, proc, today)
    draft = load_draft(ws, case.id, step.id)
    if draft and not p.confirm("发现上次未完成的填写，是否继续使用？", default=True):
        draft = {}
    raw: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for q in step.questions:
        if not engine.applies(q, answers):
            continue

        def keep(partial: Any, qid: str = q.id) -> None:
            # a long answer (a meeting) is kept part by part: Ctrl-C in the middle of it
            # loses only the part being typed
            save_draft(ws, case.id, step.id, {**raw, qid: partial})

        value = ask_question(ws, p, case, step, q, ctx, draft.get(q.id), keep)
        if value is None:
            continue
        raw[q.id] = value
        converted, _ = engine.coerce(q, value, ctx)
        answers[q.id] = converted
        save_draft(ws, case.id, step.id, raw)
    return raw


def _known(case: Case, q: Question) -> Any:
    for ans in reversed(list(case.answers.values())):
        if q.id in ans and q.type not in ("meeting", "outcomes", "progress", "visits", "ratings"):
            return ans[q.id]
    return None


def _suggest_rule(ws: Workspace, case: Case) -> str | None:
    return ws.settings.category_rules.get(case.category)


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
    default = draft if draft is not None else _known(case, q)
    if default is None and q.choices_from == "vote_rules":
        default = _suggest_rule(ws, case)
    if default is None:
        default = engine.default_for(q, ctx)
    t = q.type
    if t == "meeting":
        return ask_meeting(ws, p, case, step, ctx, draft, keep)
    if t == "outcomes":
        return ask_outcomes(ws, p, ctx, draft)
    if t == "progress":
        return ask_progress(ws, p, case, ctx)
    if t == "visits":
        return ask_visits(ws, p, ctx)
    if t == "ratings":
        return ask_ratings(ws, p, case)
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


def _ask_typed(
    p: Prompter, label: str, kind: str, default: Any, ctx: engine.Context, q: Question | None = None
) -> Any:
    """Ask for text and convert it by ``kind``; the validator re-asks with the reason."""
    question = q or Question(id="_", prompt=label, type=kind)

    def check(text: str) -> str | None:
        if not text.strip() and not question.required:
            return None
        _, err = engine.coerce(question, _parse_input(kind, text), ctx)
        return err

    shown = _show(default)
    text = p.text(label, default=shown, validate=check, multiline=kind == "longtext")
    if not text.strip() and not question.required:
        return ""
    value, _ = engine.coerce(question, _parse_input(kind, text), ctx)
    return value


def _parse_input(kind: str, text: str) -> Any:
    if kind in ("text", "longtext"):
        return text
    if kind == "number":
        return text.strip()
    return text.strip()


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _loop(p: Prompter, what: str, first: bool = True) -> bool:
    return p.confirm(f"添加{'一' if first else '下一'}{what}？", default=first)


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


PARTIAL = "_partial"  # marks a meeting answer kept in a draft before it was finished


def ask_meeting(
    ws: Workspace,
    p: Prompter,
    case: Case,
    step: Step,
    ctx: engine.Context,
    draft: Any,
    keep: Callable[[Any], None] = lambda _partial: None,
) -> dict[str, Any]:
    """The meeting: when, where, who came, what was said, the vote and the resolutions.

    After each part (and each attendee, speech and resolution) the answer so far goes to
    ``keep`` (the step's draft); resumed from a draft, what was entered is offered again.
    """
    from xsk.procedure import loader

    d = dict(draft) if isinstance(draft, Mapping) else {}
    if d and not d.get(PARTIAL):
        p.say("沿用草稿中已填写完的会议记录。")
        return d
    d.pop(PARTIAL, None)
    answer: dict[str, Any] = {}

    def kept(**more: Any) -> None:
        keep({**answer, **more, PARTIAL: True})

    planned = steps.planned_meeting(case, loader.load(case.procedure, ws.root))
    if planned:
        mid = planned
        m = meetings.load(ws.meetings_dir, mid, ws.root)
        p.say(f"会议 {mid}：{m.get('title', '')}，{_show(m.get('time'))}，{m.get('venue', '')}")
        answer["id"] = mid
    else:
        existing = [
            m
            for m in meetings.all_meetings(ws.meetings_dir, ws.root)
            if isinstance(m.get("time"), dt.datetime) and m["time"].date() >= ctx.today
        ]
        options = [f"{m['id']} {m.get('title', '')}（{_show(m.get('time'))}）" for m in existing]
        new = "新建会议"
        pick = (
            p.select(
                "新建会议，还是并入已安排的会议（一次会议协商多个议题）？",
                [new, *options],
                default=new,
            )
            if options
            else new
        )
        if pick != new:
            answer["id"] = pick.split()[0]
            return answer
        answer["title"] = _ask_typed(
            p, "会议名称", "text", d.get("title", f"{ws.settings.community}协商议事会"), ctx
        )
        screen_form = next((a.get("form") for a in case.answers.values() if a.get("form")), None)
        form = d.get("form", screen_form)
        form = form if form in meetings.FORMS else "议事会"
        answer["form"] = p.select("会议形式", list(meetings.FORMS), default=form)
        answer["time"] = _ask_typed(
            p,
            "会议时间（如 2026-11-28 14:30）",
            "datetime",
            d.get("time", dt.datetime.combine(ctx.today, dt.time(14, 30))),
            ctx,
        )
        answer["venue"] = _ask_typed(p, "会议地点", "text", d.get("venue", "社区议事厅"), ctx)
        host = d.get("host", ws.settings.facilitator or "")
        answer["host"] = _ask_typed(p, "主持人", "text", host, ctx)
    if steps.is_announcing(step):
        return answer  # announcing: attendance is recorded at the meeting itself
    kept()
    recorder = d.get("recorder", ws.settings.facilitator or "")
    answer["recorder"] = _ask_typed(p, "记录人", "text", recorder, ctx)
    kept()
    attendees = [a for a in d.get("attendees", []) if isinstance(a, Mapping)]
    if attendees:
        names = "、".join(str(a.get("name", "")) for a in attendees)
        p.say(f"草稿中已录入参会人员 {len(attendees)} 位：{names}")
    roster = {e.name: e for e in ws.roster}
    while _loop(p, "位参会人员", not attendees):
        name = _ask_typed(p, "姓名", "text", None, ctx)
        entry = roster.get(name)
        unit = _ask_typed(
            p,
            "单位/身份",
            "text",
            entry.unit if entry else "",
            ctx,
            Question(id="unit", prompt="单位", required=False),
        )
        attendance = p.select("出席情况", list(ATTENDANCE), default="出席")
        vote = attendance == "出席" and p.confirm(
            "是否有表决权？", default=entry.vote if entry else True
        )
        attendees.append(
            {
                "name": name,
                "unit": unit or "",
                "attendance": attendance,
                "vote": vote,
                "role": entry.role if entry else "",
            }
        )
        kept(attendees=attendees)
    answer["attendees"] = attendees
    answer["background"] = _ask_typed(
        p,
        "议题背景",
        "longtext",
        d.get("background", case.description),
        ctx,
        Question(id="bg", prompt="背景", required=False),
    )
    kept()
    speeches = [x for x in d.get("speeches", []) if isinstance(x, Mapping)]
    if speeches:
        p.say(f"草稿中已录入发言 {len(speeches)} 条")
    while _loop(p, "条发言", not speeches):
        speeches.append(
            {
                "speaker": _ask_typed(p, "发言人", "text", None, ctx),
                "side": p.select("发言方", list(meetings.SIDES), default="居民"),
                "summary": _ask_typed(p, "发言要点", "longtext", None, ctx),
            }
        )
        kept(speeches=speeches)
    answer["speeches"] = speeches
    if isinstance(d.get("vote"), Mapping):
        p.say("沿用草稿中的表决情况。")
        answer["vote"] = d["vote"]
    elif p.confirm("是否进行表决？", default=False):
        answer["vote"] = ask_vote(ws, p, case, ctx, attendees)
    kept()
    resolutions = [str(r) for r in d.get("resolutions", []) if r]
    if resolutions:
        p.say(f"草稿中已录入协商意见 {len(resolutions)} 条")
    while _loop(p, "条协商意见（决议）", not resolutions):
        resolutions.append(_ask_typed(p, "协商意见", "text", None, ctx))
        kept(resolutions=resolutions)
    answer["resolutions"] = resolutions
    return answer


def ask_vote(
    ws: Workspace, p: Prompter, case: Case, ctx: engine.Context, attendees: list[dict]
) -> dict[str, Any]:
    rules = steps.vote_rules(ws)
    suggested = _suggest_rule(ws, case) or "majority"
    labels = {f"{r.name}（{rid}）": rid for rid, r in rules.items()}
    default = next((k for k, v in labels.items() if v == suggested), None)
    rid = labels[p.select("表决规则", list(labels), default=default)]
    vote: dict[str, Any] = {"rule": rid}
    vote["motion"] = _ask_typed(p, "表决事项", "text", case.title, ctx)
    voters = [a for a in attendees if a["vote"] and a["attendance"] == "出席"]
    if rules[rid].basis == "owners":
        vote["entitled"] = int(_ask_typed(p, "业主总人数", "number", None, ctx))
        vote["entitled_area"] = str(_ask_typed(p, "专有部分总面积（㎡）", "number", None, ctx))
        if (
            p.select(
                "计票方式",
                ["从 CSV 导入选票（单元,业主,面积,意见）", "只录合计"],
                default="只录合计",
            )
            != "只录合计"
        ):
            from pathlib import Path

            def readable(text: str) -> str | None:
                try:
                    meetings.read_ballots_csv(Path(text.strip()).expanduser())
                except Exception as exc:  # shown to the facilitator, who types another path
                    return str(exc)
                return None

            path = p.text("选票 CSV 文件路径", validate=readable)
            vote["ballots"] = meetings.read_ballots_csv(Path(path.strip()).expanduser())
            return vote
        for key, label in (("yes", "同意"), ("no", "反对"), ("abstain", "弃权")):
            vote[key] = int(_ask_typed(p, f"{label}人数", "number", 0, ctx))
            vote[f"{key}_area"] = str(_ask_typed(p, f"{label}面积（㎡）", "number", 0, ctx))
        return vote
    vote["entitled"] = int(
        _ask_typed(p, "应到（有表决权）人数", "number", len(voters) or None, ctx)
    )
    if voters and p.select("计票方式", ["逐人记录", "只录合计"], default="逐人记录") == "逐人记录":
        vote["ballots"] = [
            {
                "voter": a["name"],
                "choice": p.select(f"{a['name']} 的意见", ["同意", "反对", "弃权"], default="同意"),
            }
            for a in voters
        ]
        return vote
    for key, label in (("yes", "同意"), ("no", "反对"), ("abstain", "弃权")):
        vote[key] = int(_ask_typed(p, f"{label}票数", "number", 0, ctx))
    return vote


def ask_outcomes(ws: Workspace, p: Prompter, ctx: engine.Context, draft: Any) -> list[dict]:
    out: list[dict[str, Any]] = []
    units = [e.name for e in ws.roster if e.kind == "org"]
    while _loop(p, "项协商成果", not out):
        item = _ask_typed(p, "事项内容", "text", None, ctx)
        if units:
            unit = p.select("责任单位（现场认领）", [*units, OTHER])
            if unit == OTHER:
                unit = _ask_typed(p, "责任单位", "text", None, ctx)
        else:
            unit = _ask_typed(p, "责任单位（现场认领）", "text", None, ctx)
        limit = _ask_typed(p, "办结时限：日期（2026-12-31）或工作日数（如 10）", "text", "10", ctx)
        row: dict[str, Any] = {"item": item, "unit": unit}
        if limit.strip().isdigit():
            row["days"] = int(limit)
            until = ctx.calendar.add_workdays(ctx.today, int(limit))
            p.say(f"办结时限：{engine.fmt_date(until)}{_provisional(ctx, ctx.today, until)}")
        else:
            row["deadline"] = _ask_typed(p, "办结日期", "date", limit, ctx)
        out.append(row)
    return out


def ask_progress(ws: Workspace, p: Prompter, case: Case, ctx: engine.Context) -> list[dict]:
    items = outcomes.load(store.case_dir(ws, case.id), ws.root)
    out = []
    for o in items:
        p.say(
            f"{o.no}. {o.item}（{o.unit}，时限 {_show(o.deadline)}，当前：{o.shown_status(ctx.today)}）"
        )
        status = p.select(f"事项 {o.no} 办理状态", ["待办", "办理中", "已办结"], default=o.status)
        note = _ask_typed(
            p,
            "进展说明（可留空）",
            "text",
            "",
            ctx,
            Question(id="note", prompt="说明", required=False),
        )
        out.append({"no": o.no, "status": status, "note": note or ""})
    return out


def ask_visits(ws: Workspace, p: Prompter, ctx: engine.Context) -> list[dict]:
    out: list[dict[str, Any]] = []
    while _loop(p, "条回访记录", not out):
        out.append(
            {
                "date": _ask_typed(p, "回访日期", "date", ctx.today, ctx),
                "visitor": _ask_typed(p, "回访人", "text", ws.settings.facilitator or None, ctx),
                "method": p.select(
                    "回访方式", ["电话回访", "入户回访", "微信回访", "座谈回访"], default="电话回访"
                ),
                "satisfaction": p.select("满意度", list(SATISFACTION), default="满意"),
                "comment": _ask_typed(
                    p,
                    "意见（可留空）",
                    "text",
                    "",
                    ctx,
                    Question(id="c", prompt="意见", required=False),
                ),
            }
        )
    return out


def ask_ratings(ws: Workspace, p: Prompter, case: Case) -> list[dict]:
    items = outcomes.load(store.case_dir(ws, case.id), ws.root)
    out = []
    for unit in dict.fromkeys(o.unit for o in items):
        if p.confirm(f"对 {unit} 进行评议（下评上）？", default=True):
            score = p.select(f"{unit} 的评分", ["5", "4", "3", "2", "1"], default="5")
            out.append({"unit": unit, "score": int(score)})
    return out


def _provisional(ctx: engine.Context, start: dt.date, end: dt.date) -> str:
    """A mark for a date counted on the provisional calendar (years without official data)."""
    from xsk.calendars import note

    return "（暂定，节假日安排以国务院公布为准）" if note(ctx.calendar, start, end) else ""


__all__ = ["LEVELS", "home", "walk_case"]
