"""The meeting part of a step: who met, what was said, the vote; its prompts and how it is stored
(one ``meetings/<id>.toml`` shared by every case the meeting discussed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from xsk.core.errors import AnswerError
from xsk.core.model import ATTENDANCE, Case
from xsk.parts import meetings
from xsk.parts.asking import _ask_typed, _loop, _show, _suggest_rule
from xsk.parts.registry import AskJob, DocSource, Part, Saved, SaveJob
from xsk.procedure import engine
from xsk.procedure.model import Procedure, Question, Step
from xsk.prompts.base import Prompter
from xsk.workspace import numbering
from xsk.workspace.settings import Workspace, vote_rules

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
        d = correct_meeting(p, ctx, d)
        if not d.get(PARTIAL):
            return d
    d.pop(PARTIAL, None)
    answer: dict[str, Any] = {}

    def kept(**more: Any) -> None:
        keep({**answer, **more, PARTIAL: True})

    planned = planned_meeting(case, loader.load(case.procedure, ws.root))
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
    if is_announcing(step):
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
    if roster and not attendees:
        attendees = pick_from_roster(p, ws)
        kept(attendees=attendees)
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
    strangers = [a for a in attendees if a["name"] not in roster]
    if strangers and p.confirm(
        f"把名册外的 {len(strangers)} 人（{'、'.join(a['name'] for a in strangers)}）加入名册？",
        default=False,
    ):
        for a in strangers:
            add_to_roster(ws, a["name"], a["unit"], a["vote"])
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


def _roster_label(e: Any) -> str:
    about = "·".join(x for x in (e.unit, e.role) if x)
    return f"{e.name}（{about}）" if about else e.name


def pick_from_roster(p: Prompter, ws: Workspace) -> list[dict[str, Any]]:
    """Attendees picked from the roster in one multi-select: each present (出席), with the
    roster's unit, role and vote; the others are added one by one afterwards."""
    entries = {_roster_label(e): e for e in ws.roster if e.kind == "person"}
    if not entries:
        return []
    picked = p.checkbox("从名册勾选参会人员（名册外的人员随后逐个添加）", list(entries))
    return [
        {
            "name": entries[label].name,
            "unit": entries[label].unit,
            "attendance": "出席",
            "vote": entries[label].vote,
            "role": entries[label].role,
        }
        for label in picked
    ]


def add_to_roster(ws: Workspace, name: str, unit: str, vote: bool) -> None:
    """A typed attendee added to the roster at the facilitator's request (its own commit)."""
    import re

    from xsk.core.model import RosterEntry
    from xsk.workspace import rosterfile

    entry = RosterEntry(
        id=re.sub(r"\s+", "-", name.strip()), name=name.strip(), unit=unit, vote=vote
    )
    if any(e.id == entry.id for e in ws.roster):
        return
    path = rosterfile.append(ws, entry)
    ws.commit([path], f"名册：添加人员 {entry.name}（会议中录入）")


KEEP = "沿用草稿中的会议记录"
_SCALARS = (
    ("title", "会议名称", "text"),
    ("form", "会议形式", "choice"),
    ("time", "会议时间（如 2026-11-28 14:30）", "datetime"),
    ("venue", "会议地点", "text"),
    ("host", "主持人", "text"),
    ("recorder", "记录人", "text"),
    ("background", "议题背景", "longtext"),
)
_LISTS = (
    ("attendees", "参会人员"),
    ("speeches", "发言"),
    ("vote", "表决情况"),
    ("resolutions", "协商意见"),
)


def correct_meeting(p: Prompter, ctx: engine.Context, d: dict[str, Any]) -> dict[str, Any]:
    """A finished meeting kept in a draft: keep it, or change any part of it.

    A single field is asked again with its value as the default; a list (attendees,
    speeches, the vote, resolutions) is entered again: the answer goes back to partial and
    the meeting's prompts resume with the rest offered as defaults."""
    while True:
        shown = [
            f"{label.split('（')[0]}：{_show(d[key])}" for key, label, _ in _SCALARS if d.get(key)
        ]
        shown += [
            f"{label}：{len(d[key]) if isinstance(d[key], list) else '已录入'}"
            for key, label in _LISTS
            if d.get(key)
        ]
        p.say("草稿中已填写完的会议记录：" + "；".join(shown))
        options = {KEEP: None}
        for key, label, kind in _SCALARS:
            if key in d:
                options[f"修改{label.split('（')[0]}"] = (key, label, kind)
        for key, label in _LISTS:
            if key in d:
                options[f"重新录入{label}"] = (key, label, "list")
        pick = p.select("沿用，还是修改其中一项？", list(options), default=KEEP)
        if options[pick] is None:
            return d
        key, label, kind = options[pick]
        if kind == "list":
            d = {**{k: v for k, v in d.items() if k != key}, PARTIAL: True}
            return d
        if kind == "choice":
            d[key] = p.select(label, list(meetings.FORMS), default=d.get(key))
        else:
            q = Question(id=key, prompt=label, type=kind, required=key != "background")
            d[key] = _ask_typed(p, label, kind, d.get(key), ctx, q)


def ask_vote(
    ws: Workspace, p: Prompter, case: Case, ctx: engine.Context, attendees: list[dict]
) -> dict[str, Any]:
    rules = vote_rules(ws)
    suggested = _suggest_rule(ws, case) or "majority"
    names = [r.name for r in rules.values()]
    labels = {
        (r.name if names.count(r.name) == 1 else f"{r.name}（{rid}）"): rid
        for rid, r in rules.items()
    }
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
        while True:
            for key, label in (("yes", "同意"), ("no", "反对"), ("abstain", "弃权")):
                vote[key] = int(_ask_typed(p, f"{label}人数", "number", 0, ctx))
                vote[f"{key}_area"] = str(_ask_typed(p, f"{label}面积（㎡）", "number", 0, ctx))
            if _counts_ok(ws, p, vote, attendees):
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
    while True:
        for key, label in (("yes", "同意"), ("no", "反对"), ("abstain", "弃权")):
            vote[key] = int(_ask_typed(p, f"{label}票数", "number", 0, ctx))
        if _counts_ok(ws, p, vote, attendees):
            return vote


AGAIN = "重新录入票数"
KEEP = "保留（保存时按整场会议的到会人员核对）"


def _counts_ok(ws: Workspace, p: Prompter, vote: dict[str, Any], attendees: list[dict]) -> bool:
    """The totals counted at once with the attendees typed (a vote of 7 with 5 present is
    said now, not after the resolutions). A meeting joined by several cases has attendees
    recorded before, so the facilitator may keep the counts for the check at saving."""
    try:
        meetings.tally(vote, attendees, vote_rules(ws))
    except (ValueError, KeyError) as exc:
        p.say(f"表决票数有误：{exc}")
        return p.select("怎么办？", [AGAIN, KEEP], default=AGAIN) == KEEP
    return True


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


def save(job: SaveJob, value: Any) -> Saved:
    mid = _meeting_id(job.ws, job.case, job.proc, value, job.when)
    if "vote" in value:
        _check_vote(job.ws, mid, value, job.step, job.question.id)
    job.tx.track(meetings.meeting_path(job.ws.meetings_dir, mid))
    job.written.append(meetings.save(job.ws.meetings_dir, mid, job.case.id, value))
    job.meeting_ids.append(mid)
    return Saved(mid)


def ask(job: AskJob) -> Any:
    return ask_meeting(job.ws, job.p, job.case, job.step, job.ctx, job.draft, job.keep)


def _person_line(a: Mapping[str, Any], m: Mapping[str, Any]) -> str:
    from xsk.rules.wording import person_line

    return person_line(a, host=str(m.get("host", "")), recorder=str(m.get("recorder", "")))


def _record(vote: Mapping[str, Any], result: Any, attendees: list[Mapping[str, Any]]) -> str:
    """The minutes' one-sentence vote record (应到/实到/同意/反对/弃权, whole percentages)."""
    from xsk.rules.vote_record import record_line
    from xsk.rules.votes import parse_area

    entitled = vote.get("entitled", len([a for a in attendees if a.get("vote")]))
    area = vote.get("entitled_area")
    return record_line(
        result, entitled=int(entitled), entitled_area=parse_area(area) if area else None
    )


def context(source: DocSource) -> dict[str, Any]:
    """Who attended the meeting and, for one case, the vote on it as the minutes print it."""
    m = source.meeting or {}
    attendees = list(m.get("attendees", []))
    by = {k: [_person_line(a, m) for a in attendees if a.get("attendance") == z]
          for k, z in (("present", "出席"), ("observers", "列席"), ("leave", "请假"))}  # fmt: skip
    vote = None
    cid = source.case.id if source.case is not None else None
    t = next((t for t in m.get("topics", []) if t.get("case") == cid), {})
    if isinstance(t.get("vote"), Mapping):
        rules = source.rules or {}
        try:
            result = meetings.tally(t["vote"], attendees, rules)
            vote = {
                "rule_name": rules[t["vote"].get("rule", "majority")].name,
                "passed": result.passed,
                "lines": list(result.lines),
                "record": _record(t["vote"], result, attendees),
            }
        except Exception as exc:  # shown, not hidden: the minutes say the vote is invalid
            typed = str(t["vote"].get("rule", ""))
            vote = {
                "rule_name": getattr(rules.get(typed), "name", typed),  # a name, not an id
                "passed": False,
                "lines": [f"表决数据有误：{exc}"],
                "record": f"表决数据有误：{exc}。",
            }
    return {"attendance": by, "vote": vote}


PART = Part("meeting", "会议记录", save=save, ask=ask, check=meetings.check_answer, context=context)
