"""From cases to documents: which documents a case has, their contexts, and building them.

Contexts are plain dicts (see ``xsk/render/docx.py`` for the keys each template uses). Public
documents (notice, result) get their context only through the *public view*
(``xsk/publicview.py``): every string of the context is scrubbed of phones, ID numbers,
addresses, WeChat/QQ ids, plates and residents' names (officials and consenting people in the
roster stay). The renderer scans the finished document again with the same scrubber.

Output layout (under the workspace's ``out/``, not tracked by git)::

    out/<case id>/<case id>-议题登记表.docx          case documents
    out/meetings/<meeting id>/<meeting id>-会议纪要.docx   meeting documents (one set per
                                                      meeting, covering every case it discussed)
    out/督办/督办单-<unit>.docx                        supervision notices per unit

Why this module is long: each document kind's context is a short function next to the others, and they share the public view; one kind is found by its name here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xsk.core.cnfmt import cn_date, cn_time

# kind -> Chinese name, and the kinds that go on a public board: one table, the renderer's
from xsk.core.kinds import KIND_NAMES, PUBLIC_KINDS
from xsk.core.model import Case
from xsk.core.winpath import safe_name

# the public view: a public document's context can only be made by PublicView.context
from xsk.documents import titles
from xsk.documents.publicview import PublicContext, PublicView
from xsk.parts import events, meetings, outcomes, registry
from xsk.parts.registry import DocSource
from xsk.procedure import loader as procedures
from xsk.workspace import cases as store
from xsk.workspace.settings import Workspace

MEETING_KINDS = ("notice", "signin", "minutes")
SIGNIN_ROWS_PER_SHEET = 8  # 10 mm rows that fit one A4 sheet with the heading and sign-off


def _safe(name: str) -> str:
    """A unit's name as part of a file name that Windows accepts too; a unit typed at
    length must not make a file name too long for the file system."""
    return safe_name(name, max_len=40)


# --- privacy ---------------------------------------------------------------------------------


# --- gathering -------------------------------------------------------------------------------


@dataclass
class CaseData:
    case: Case
    items: list[outcomes.Outcome]
    events: list[dict[str, Any]]
    meeting_ids: list[str]


# While documents are planned, a case or meeting is read once: a meeting's documents read
# every case it discussed, and each of those cases reads its meetings again.
_MEMO: dict[tuple[str, ...], Any] | None = None


@contextlib.contextmanager
def reading_once() -> Iterator[None]:
    """Within this block, ``gather`` and ``load_meeting`` read each file once (the files must
    not change inside the block)."""
    global _MEMO
    outer = _MEMO
    if outer is None:
        _MEMO = {}
    try:
        yield
    finally:
        _MEMO = outer


def _once(key: tuple[str, ...], read: Callable[[], Any]) -> Any:
    """``read()``, or inside ``reading_once`` what it gave the first time for ``key``."""
    if _MEMO is None:
        return read()
    if key not in _MEMO:
        _MEMO[key] = read()
    return _MEMO[key]


def gather(ws: Workspace, cid: str) -> CaseData:
    def read() -> CaseData:
        case = store.load_case(ws, cid)
        folder = store.case_dir(ws, cid)
        mids = meetings.case_meeting_ids(case.answers)
        return CaseData(
            case, outcomes.load(folder, ws.root), events.read_all(folder, ws.root), mids
        )

    return _once(("case", str(ws.root), cid), read)


def load_meeting(ws: Workspace, mid: str) -> dict[str, Any]:
    """``meetings.load`` for this workspace, read once inside ``reading_once``."""
    return _once(
        ("meeting", str(ws.root), mid), lambda: meetings.load(ws.meetings_dir, mid, ws.root)
    )


def _common(ws: Workspace, kind: str, case_ids: Sequence[str], date: dt.date | None) -> dict:
    return {
        "doc_title": KIND_NAMES[kind],
        "issued_on": date,
        "issuer": ws.settings.issuing_body,
        "date": cn_date(date),
        "case_ids": list(case_ids),
        "community": ws.settings.community,
        "office_contact": ws.settings.office_contact,
    }


def _step_date(case: Case, step: str) -> dt.date | None:
    dates = [h.done.date() for h in case.history if h.step == step]
    return dates[-1] if dates else None


def _provisional_note(ws: Workspace, **dates: Any) -> str:
    """ "（节假日安排以国务院公布为准）" when a printed date rests on the provisional calendar."""
    from xsk.workspace import calendars

    return calendars.doc_note(calendars.for_workspace(ws), **dates)


def _items(items: Sequence[outcomes.Outcome]) -> list[dict[str, str]]:
    return _part("outcomes", DocSource(items=list(items)))["items"]


def _part(qtype: str, source: DocSource) -> dict[str, Any]:
    """What the composite part ``qtype`` contributes to a document's context."""
    part = registry.get(qtype)
    assert part is not None and part.context is not None, qtype
    return part.context(source)


def _procedure_name(ws: Workspace, pid: str) -> str:
    try:
        return procedures.load(pid, ws.root).name
    except Exception:
        return pid


def _summary(case: Case, view: PublicView | None) -> str:
    text = case.description or case.title
    return view.text(text) if view else text


def _resolutions(ws: Workspace, data: CaseData) -> list[str]:
    """The resolutions of the latest meeting that decided this case (a re-consultation
    supersedes the earlier meeting's)."""
    for mid in reversed(data.meeting_ids):
        try:
            m = load_meeting(ws, mid)
        except Exception:
            continue
        for t in m.get("topics", []):
            if t.get("case") == data.case.id and t.get("resolutions"):
                return [str(r) for r in t["resolutions"]]
    return []


def _outcomes_date(ws: Workspace, case: Case) -> dt.date:
    """The date the outcome items were confirmed (the step with the outcomes question)."""
    try:
        proc = procedures.load(case.procedure, ws.root)
    except Exception:
        return case.created
    for s in proc.steps:
        if any(q.type == "outcomes" for q in s.questions):
            found = _step_date(case, s.id)
            if found:
                return found
    return case.created


# --- contexts per kind -----------------------------------------------------------------------


def registration_ctx(ws: Workspace, d: CaseData) -> dict[str, Any]:
    c = d.case
    ctx = _common(ws, "registration", [c.id], c.created)
    ctx["case"] = {
        "id": c.id,
        "title": c.title,
        "channel": c.source.channel,
        "received_date": cn_date(c.source.date or c.created),
        "received_by": c.source.received_by,
        "category": c.category,
        "level": c.level,
        "procedure_name": _procedure_name(ws, c.procedure),
        "description": c.description,
        "proposers": [
            {"name": p.name, "phone": p.phone, "address": p.address} for p in c.proposers
        ],
    }
    return ctx


def _meeting_cases(ws: Workspace, m: Mapping[str, Any]) -> list[CaseData]:
    out = []
    for cid in m.get("cases", []):
        try:
            out.append(gather(ws, cid))
        except Exception:
            continue
    return out


def meeting_ctx(ws: Workspace, kind: str, m: Mapping[str, Any]) -> dict[str, Any]:
    cases = _meeting_cases(ws, m)
    ids = [d.case.id for d in cases]
    when = m.get("time")
    date = when.date() if isinstance(when, dt.datetime) else when
    view = (
        PublicView(ws, [d.case for d in cases], m.get("attendees", []))
        if kind in PUBLIC_KINDS
        else None
    )
    if kind == "notice":
        first_announce = [_step_date(d.case, "announce") for d in cases]
        dates = [x for x in first_announce if x]
        ctx = _common(ws, kind, ids, min(dates) if dates else date)
    else:
        ctx = _common(ws, kind, ids, date)
    title = m.get("title") or f"{ws.settings.community}{m.get('form', '协商议事')}"
    # doc_title is not scrubbed by the public view (it is ours): scrub the matter in it here
    ctx["doc_title"] = titles.meeting_title(kind, view.text(title) if view else title)
    base = {
        "title": title,
        "time": cn_time(when),
        "venue": m.get("venue", ""),
        "form": m.get("form", ""),
        "host": (view.name(m.get("host", "")) if view else m.get("host", "")),
    }
    attendees = list(m.get("attendees", []))
    if kind == "notice":
        regs = [
            str(d.case.answers.get(s, {}).get("registration", ""))
            for d in cases
            for s in d.case.answers
        ]
        participants = list(m.get("participants", []))
        if not participants:
            for d in cases:
                for s in d.case.answers.values():
                    for p in s.get("subjects", []) if isinstance(s.get("subjects"), list) else []:
                        if p not in participants:
                            participants.append(p)
        assert view is not None
        ctx["meeting"] = {
            **base,
            "topics": [
                {
                    "case_id": d.case.id,
                    "title": view.text(d.case.title),
                    "summary": _summary(d.case, view),
                }
                for d in cases
            ],
            "participants": [view.text(p) for p in participants],
            "registration": view.text(next((r for r in regs if r), "请于会前到社区居委会报名")),
            # the office's phone follows as 监督电话 (the template): not printed twice
            "contact": f"{ws.settings.community}居民委员会",
        }
        return view.context(ctx)
    if kind == "signin":
        # a sheet people sign: names pre-printed, attendance left to the signatures; someone
        # who sent word of leave gets no signature box
        ctx["meeting"] = base
        ctx["rows"] = [
            {
                "no": i,
                "name": a["name"],
                "unit": titles.unit_role(a.get("unit", ""), a.get("role", "")),
            }
            for i, a in enumerate((a for a in attendees if a.get("attendance") != "请假"), start=1)
        ]
        # spare rows for walk-ins, as many as still fit the sheet (at least two)
        ctx["blank_rows"] = max(2, SIGNIN_ROWS_PER_SHEET - len(ctx["rows"]))
        return ctx
    # minutes
    rules = _rules(ws)
    topics = []
    for d in cases:
        t = next((t for t in m.get("topics", []) if t.get("case") == d.case.id), {})
        vote = _part("meeting", DocSource(case=d.case, meeting=m, rules=rules))["vote"]
        topics.append(
            {
                "case_id": d.case.id,
                "title": d.case.title,
                "background": t.get("background") or d.case.description,
                "speeches": [dict(s) for s in t.get("speeches", [])],
                "vote": vote,
                "resolutions": list(t.get("resolutions", [])),
                "items": _items([o for o in d.items if not o.meeting or o.meeting == m.get("id")]),
                "provisional_note": _provisional_note(
                    ws, items=[o for o in d.items if not o.meeting or o.meeting == m.get("id")]
                ),
            }
        )
    ctx["meeting"] = {
        **base,
        "recorder": m.get("recorder", ""),
        **_part("meeting", DocSource(meeting=m))["attendance"],
        "topics": topics,
    }
    return ctx


def _rules(ws: Workspace) -> dict[str, Any]:
    from xsk.workspace.settings import vote_rules

    return vote_rules(ws)


def result_ctx(ws: Workspace, d: CaseData) -> dict[str, Any]:
    c = d.case
    view = PublicView(ws, [c])
    pub = None
    for ans in c.answers.values():
        if isinstance(ans.get("publicity"), Mapping):
            pub = ans["publicity"]
    start = pub.get("start") if pub else _step_date(c, "publish")
    ctx = _common(ws, "result", [c.id], start)
    ctx["doc_title"] = f"关于{view.text(c.title)}协商结果的公示"
    ctx["topics"] = [
        {
            "case_id": c.id,
            "title": view.text(c.title),
            "summary": _summary(c, view),
            "resolutions": [view.text(r) for r in _resolutions(ws, d)],
            "items": [
                {**it, "status": o.status, "progress": o.progress}
                for it, o in zip(_items(d.items), d.items, strict=True)
            ],
        }
    ]
    ctx["publicity"] = {
        "start": cn_date(pub.get("start")) if pub else "",
        "end": cn_date(pub.get("end")) if pub else "",
        "days": pub.get("days", ws.settings.publicity_days) if pub else ws.settings.publicity_days,
    }
    ctx["provisional_note"] = _provisional_note(ws, publicity=pub, items=d.items)
    ctx["objection_channel"] = view.text(_objection_sentence(ws))
    ctx["objections"] = _objections(d)
    return view.context(ctx)


def _objection_sentence(ws: Workspace) -> str:
    """How to object, as a sentence of the notice: the workspace's channel ("社区居委会意见箱")
    put into "如有异议，请于公示期内通过…反映" unless it is a sentence of its own already."""
    channel = ws.settings.objection_channel.strip().rstrip("。")
    if not channel:
        return f"如有异议，请于公示期内向{ws.settings.community}居民委员会书面或当面提出"
    if channel.startswith(("如有异议", "如对", "对公示", "居民如有")):
        return channel
    return f"如有异议，请于公示期内通过{channel}反映"


def _objections(d: CaseData) -> list[dict[str, str]]:
    """Objections raised during publicity and the answers given (for templates that show
    them; scrubbed with the rest of the result notice)."""
    out: list[dict[str, str]] = []
    for e in d.events:
        if e.get("kind") == "objection":
            out.append(
                {"date": cn_date(e.get("date")), "text": str(e.get("text", "")), "answer": ""}
            )
        elif e.get("kind") == "objection_answer" and out:
            out[-1]["answer"] = str(e.get("text", ""))
    return out


def responsibility_ctx(
    ws: Workspace,
    unit: str,
    rows: Sequence[tuple[Case, outcomes.Outcome]],
    *,
    today: dt.date,
    supervision: bool,
) -> dict[str, Any]:
    ids = sorted({c.id for c, _ in rows})
    ctx = _common(ws, "responsibility", ids, today)
    ctx["doc_title"] = titles.responsibility_title(
        sorted({c.title for c, _ in rows}), supervision=supervision
    )
    supervisors = [o.supervisor for _, o in rows if o.supervisor]
    from xsk.workspace.settings import calendar

    reply_by = calendar(ws).add_workdays(today, 3)
    ctx.update(
        {
            "unit": unit,
            "higher": titles.is_higher_body(unit),
            "supervision": supervision,
            "items": [
                {
                    "case_id": c.id,
                    "title": c.title,
                    "item": o.item,
                    "deadline": cn_date(o.deadline),
                    "status": o.shown_status(today) if supervision else _status_on(o, today),
                    "overdue": o.overdue(today),
                }
                for c, o in rows
            ],
            "supervisor": supervisors[0] if supervisors else "居务监督委员会",
            "reply_by": cn_date(reply_by),
            "provisional_note": _provisional_note(
                ws, items=[o for _, o in rows], spans=[(today, reply_by)]
            ),
        }
    )
    return ctx


def _status_on(o: outcomes.Outcome, day: dt.date) -> str:
    """An item's status as a list issued on ``day`` showed it (a later 办结 is not known yet)."""
    if o.status == "已办结" and o.done is not None and o.done <= day:
        return "已办结"
    return "逾期" if o.deadline is not None and o.deadline < day else "待办"


def reply_ctx(ws: Workspace, d: CaseData) -> dict[str, Any]:
    c = d.case
    date = c.closed or (c.history[-1].done.date() if c.history else c.created)
    ctx = _common(ws, "reply", [c.id], date)
    proposer = c.proposers[0].name if c.proposers else "居民"
    greeting = f"{proposer}同志" if c.proposers else "居民朋友"
    if c.result == "out_of_scope":
        screen = next((a for a in c.answers.values() if "reason" in a), {})
        reason = str(screen.get("reason", "不予协商的事项")).removeprefix("属于")
        result = (
            f"经社区协商议事委员会研究，您反映的“{c.title}”属于“{reason}”，不纳入社区协商议事范围。"
        )
        handling = [c.close_reason] if c.close_reason else []
    else:
        done = [o for o in d.items if o.status == "已办结"]
        result = f"您反映的“{c.title}”已经社区协商议事，形成协商成果{len(d.items)}项，已办结{len(done)}项。"
        # the template numbers the items
        note = lambda o: _provisional_note(ws, items=[o])  # noqa: E731
        handling = [
            f"{o.item}（责任单位：{o.unit}，办结时限：{cn_date(o.deadline)}{note(o)}，"
            f"办理情况：{o.status}{'，' + o.progress if o.progress else ''}）"
            for o in d.items
        ]
        replies = [e for e in d.events if e.get("kind") == "reply"]
        if replies and str(replies[-1].get("text", "")).strip():
            # the facilitator's own answer follows the summary, as a paragraph of its own; its
            # salutation becomes the letter's one greeting, its thanks the letter's one thanks
            own, salutation = _own_reply(str(replies[-1]["text"]), proposer)
            greeting = salutation or greeting
            if own:
                result += "\n" + own
        if c.result == "closed_with_reason" and c.close_reason:
            # closed although items are open or a resident was not satisfied: say so and why
            result += f"\n尚有事项未全部办结或居民不满意，经说明理由后结案，理由：{c.close_reason}"
    settled = c.result != "closed_with_reason" and all(o.status == "已办结" for o in d.items)
    ctx["opening"] = "已办理完毕" if settled else "已答复办理情况"
    # a case closed again after a reopening gets a new reply (with its own 文号)
    ctx["reissue"] = any(e.get("kind") == "reopen" for e in d.events)
    ctx["case"] = {"id": c.id, "title": c.title}
    ctx["doc_title"] = titles.reply_title(c.title)
    ctx["proposer"] = proposer
    ctx["greeting"] = greeting
    ctx["result"] = result
    ctx["handling"] = [h for h in handling if h]
    ctx["contact"] = f"{ws.settings.community}居民委员会" + (
        f"，电话 {ws.settings.office_contact}" if ws.settings.office_contact else ""
    )
    return ctx


_THANKS = re.compile(r"(?:非常|十分)?(?:感谢|谢谢)(?:您|居民|大家|各位)[^。！!]{0,20}[。！!]?")


def _own_reply(text: str, proposer: str) -> tuple[str, str]:
    """The facilitator's reply without its own salutation and thanks (the letter has one of
    each), and that salutation ("钟海燕女士") if it had one."""
    text = text.strip()
    salutation = ""
    m = re.match(rf"({re.escape(proposer)}[^：:，。\s]{{0,4}})[：:]\s*", text) if proposer else None
    if m:
        salutation, text = m.group(1), text[m.end() :]
    from xsk.rules.wording import sentence

    return sentence(_THANKS.sub("", text).strip()), salutation


def visit_ctx(ws: Workspace, d: CaseData) -> dict[str, Any]:
    c = d.case
    visits = [e for e in d.events if e.get("kind") == "visit"]
    last = visits[-1]["date"] if visits else c.closed
    ctx = _common(ws, "visit", [c.id], last)
    ctx["case"] = {"id": c.id, "title": c.title}
    source = DocSource(case=c, events=list(d.events))
    ctx.update(_part("visits", source))
    ctx.update(_part("ratings", source))
    return ctx


# --- jobs ------------------------------------------------------------------------------------


def _job(ws: Workspace, kind: str, ctx: dict[str, Any], out: Path, view: PublicView | None):
    from xsk.documents.build import DocJob

    public = kind in PUBLIC_KINDS
    if public and (view is None or not isinstance(ctx, PublicContext)):
        raise TypeError(f"public document {kind} needs a context made by PublicView.context")
    return DocJob(
        kind=kind,
        context=ctx,
        out_path=out,
        public=public,
        case_ids=list(ctx.get("case_ids", [])),
        known_private=view.known_private if view else [],
        allowed_public=view.allowed if view else [],
        scan=view.spec() if view else None,
    )


def available_kinds(d: CaseData) -> list[str]:
    c = d.case
    kinds = ["registration"]
    if d.meeting_ids:
        kinds += list(MEETING_KINDS)
    if d.items:
        kinds.append("responsibility")
    if any(isinstance(a.get("publicity"), Mapping) for a in c.answers.values()):
        kinds.append("result")
    if c.status == "closed":
        kinds.append("reply")
    if any(e.get("kind") == "visit" for e in d.events):
        kinds.append("visit")
    return kinds


def jobs_for_cases(
    ws: Workspace, ids: Iterable[str], kinds: Iterable[str] | None = None
) -> list[Any]:
    with reading_once():
        jobs = _jobs_for_cases(ws, ids, kinds)
    jobs = number_jobs(ws, jobs)
    from xsk.rules import names_cache

    names_cache.save_cache()  # the names found in the public texts, for the next run
    return jobs


# kinds an office issues under a 文号; forms (登记表, 签到表, 回访评议表) and the report carry none
NUMBERED_KINDS = ("notice", "minutes", "result", "responsibility", "reply")


def _number_key(job: Any) -> str:
    """What a document is issued for, as the register records it: the kind, the meeting or case,
    the unit; a 督办单, a 公示 and a reply also by their date (a later one is a new document),
    a correction by the period it gives."""
    ctx = job.context
    subject = (
        job.out_path.parent.name
        if job.kind in MEETING_KINDS
        else "、".join(ctx.get("case_ids", []))
    )
    kind = "supervision" if ctx.get("supervision") else job.kind
    key = f"{kind}:{subject}"
    if job.kind == "responsibility":
        key += f":{ctx.get('unit', '')}"
    if kind in ("supervision", "result"):
        key += f":{ctx.get('date', '')}"
    if kind == "reply" and ctx.get("reissue"):
        key += f":{ctx.get('date', '')}"
    if ctx.get("correction_of"):
        key += f":更正:{ctx.get('publicity', {}).get('end', '')}"
    return key


def number_jobs(ws: Workspace, jobs: list[Any], *, freeze: bool = True) -> list[Any]:
    """Give each issued document its 文号 from the workspace's register (allocated once, kept
    on every rebuild; see ``xsk/workspace/docnumbers.py``); ``doc_number`` in its context.

    With ``freeze``, an issued document whose case has moved on since is planned from the
    commit it was issued at (``xsk/documents/frozen.py``), and a complete document not yet
    frozen records its commit and digest with its number."""
    from xsk.workspace import docnumbers

    if not any(j.kind in NUMBERED_KINDS for j in jobs):
        return jobs
    done = docnumbers.frozen(ws) if freeze else {}
    if done:
        from xsk.documents import frozen

        numbers = docnumbers.lookup(ws)
        jobs = frozen.replace_frozen(
            ws,
            jobs,
            key=lambda j: _number_key(j) if j.kind in NUMBERED_KINDS else "",
            replan=_replan,
            inputs=_inputs,
            frozen=done,
            extra=lambda live, old: _corrections(ws, live, old, numbers),
        )
    numbered = [j for j in jobs if j.kind in NUMBERED_KINDS]
    freezing = _to_freeze(ws, [j for j in numbered if _number_key(j) not in done]) if freeze else {}
    requests = [
        docnumbers.Request(
            key=_number_key(j),
            kind=j.kind,
            title=str(j.context.get("doc_title", "")),
            date=j.context.get("issued_on"),
            freeze=freezing.get(_number_key(j)),
        )
        for j in numbered
    ]
    numbers = docnumbers.assign(ws, requests)
    for j, r in zip(numbered, requests, strict=True):
        j.context["doc_number"] = numbers[r.key]
    return jobs


def _inputs(job: Any) -> tuple[list[str], list[str]]:
    """The cases and meetings a job's document reads (meetings of its cases included)."""
    cases = list(job.context.get("case_ids", []))
    mids = [job.out_path.parent.name] if job.kind in MEETING_KINDS else []
    return cases, mids


def _replan(snap: Workspace, job: Any) -> Any | None:
    """The job with ``job``'s key, planned in the workspace ``snap`` (None: it had none)."""
    key = _number_key(job)
    cases, _ = _inputs(job)
    for cid in cases:
        if not (snap.cases_dir / cid).is_dir():
            continue
        from xsk.core import notices

        try:
            with reading_once(), notices.muted():
                found = _jobs_for_cases(snap, [cid], [job.kind])
        except Exception:  # a file git has that this version cannot read: the live job
            return None
        for j in found:
            if _number_key(j) == key:
                return j
    return None


def _complete(ws: Workspace, job: Any) -> bool:
    """Whether a document says all it will say: a meeting's notice once the meeting is held,
    its minutes once every case it discussed has gone on past it (the outcome items are in);
    every other kind as soon as it is issued."""
    if job.kind not in MEETING_KINDS:
        return True
    mid = job.out_path.parent.name
    try:
        m = load_meeting(ws, mid)
    except Exception:
        return False
    if not m.get("attendees"):
        return False
    if job.kind == "notice":
        return True
    for cid in job.context.get("case_ids", []):
        try:
            c = gather(ws, cid).case
        except Exception:
            return False
        if not _past_meeting(c, mid):
            return False
    return True


def _past_meeting(c: Case, mid: str) -> bool:
    """The case has a step done after the step that recorded meeting ``mid`` (or is closed)."""
    if c.status == "closed":
        return True
    steps = {s for s, a in c.answers.items() if mid in a.values()}
    last = max((i for i, h in enumerate(c.history) if h.step in steps), default=None)
    return last is not None and last < len(c.history) - 1


def _to_freeze(ws: Workspace, jobs: Sequence[Any]) -> dict[str, tuple[str, str]]:
    """key -> (HEAD, digest) for the complete jobs whose input files are all committed."""
    from xsk.documents.frozen import digest
    from xsk.workspace import git

    pending = [j for j in jobs if _complete(ws, j)]
    if not pending:
        return {}
    head = git.head(ws.root)
    if head is None:
        return {}
    shared = ["xsk.toml", "roster.toml", "calendar", "templates", "meetings"]
    cases = sorted({c for j in pending for c in _inputs(j)[0]})
    dirty = git.dirty_paths(ws.root, [*shared, *(f"cases/{c}" for c in cases)])
    shared_dirty = any(not d.startswith("cases/") for d in dirty)  # what every document reads
    out: dict[str, tuple[str, str]] = {}
    for j in pending:
        prefixes = [f"cases/{c}/" for c in _inputs(j)[0]]
        if shared_dirty or any(d.startswith(p) for d in dirty for p in prefixes):
            continue
        out[_number_key(j)] = (head, digest(j.context))
    return out


def _corrections(ws: Workspace, live: Any, old: Any, numbers: Mapping[str, str]) -> list[Any]:
    """A corrected 公示 when the live result notice gives another publicity period than the
    one issued (``xsk calendar recheck`` moved it, or it was corrected by hand)."""
    if live.kind != "result" or live.context.get("publicity") == old.context.get("publicity"):
        return []
    import dataclasses

    was, now = old.context.get("publicity", {}), live.context.get("publicity", {})
    number = numbers.get(_number_key(old), "")
    ctx = PublicContext(live.context)
    ctx["correction_of"] = number
    ctx["doc_title"] = str(live.context.get("doc_title", "")).removesuffix("的公示") + "的更正公示"
    ctx["correction"] = (
        f"本社区于{old.context.get('date', '')}发布的《{old.context.get('doc_title', '')}》"
        f"{f'（{number}）' if number else ''}所载公示期为{was.get('start', '')}至"
        f"{was.get('end', '')}，经复核更正为{now.get('start', '')}至{now.get('end', '')}，"
        "原公示其余内容不变。"
    )
    stem = live.out_path.stem
    return [
        dataclasses.replace(
            live, context=ctx, out_path=live.out_path.with_name(f"{stem}（更正）.docx")
        )
    ]


def _jobs_for_cases(ws: Workspace, ids: Iterable[str], kinds: Iterable[str] | None) -> list[Any]:
    wanted = set(kinds) if kinds else None
    jobs = []
    done_meetings: set[str] = set()
    out = ws.out_dir
    for cid in ids:
        d = gather(ws, cid)
        c = d.case
        folder = out / cid
        for kind in available_kinds(d):
            if wanted is not None and kind not in wanted:
                continue
            name = KIND_NAMES[kind]
            if kind in MEETING_KINDS:
                for mid in d.meeting_ids:
                    key = f"{mid}:{kind}"
                    if key in done_meetings:
                        continue
                    done_meetings.add(key)
                    try:
                        m = load_meeting(ws, mid)
                    except Exception:
                        continue
                    if kind in ("signin", "minutes") and not m.get("attendees"):
                        continue
                    ctx = meeting_ctx(ws, kind, m)
                    cases = [
                        gather(ws, x).case
                        for x in m.get("cases", [])
                        if (ws.cases_dir / x).is_dir()
                    ]
                    view = (
                        PublicView(ws, cases, m.get("attendees", []))
                        if kind in PUBLIC_KINDS
                        else None
                    )
                    path = out / "meetings" / mid / f"{mid}-{name}.docx"
                    jobs.append(_job(ws, kind, ctx, path, view))
            elif kind == "registration":
                jobs.append(
                    _job(ws, kind, registration_ctx(ws, d), folder / f"{cid}-{name}.docx", None)
                )
            elif kind == "result":
                view = PublicView(ws, [c])
                jobs.append(_job(ws, kind, result_ctx(ws, d), folder / f"{cid}-{name}.docx", view))
            elif kind == "reply":
                jobs.append(_job(ws, kind, reply_ctx(ws, d), folder / f"{cid}-{name}.docx", None))
            elif kind == "visit":
                jobs.append(_job(ws, kind, visit_ctx(ws, d), folder / f"{cid}-{name}.docx", None))
            elif kind == "responsibility":
                units: dict[str, list[tuple[Case, outcomes.Outcome]]] = {}
                for o in d.items:
                    units.setdefault(o.unit, []).append((c, o))
                date = _outcomes_date(ws, c)
                for unit, rows in units.items():
                    ctx = responsibility_ctx(ws, unit, rows, today=date, supervision=False)
                    path = folder / f"{cid}-{name}-{_safe(unit)}.docx"
                    jobs.append(_job(ws, kind, ctx, path, None))
    return jobs


def template_dirs(ws: Workspace) -> list[Path]:
    from xsk.documents.docx import builtin_templates_dir

    return [ws.templates_dir / "documents", builtin_templates_dir()]


def run_jobs(
    ws: Workspace,
    jobs: list[Any],
    *,
    force: bool = False,
    jobs_n: int = 1,
    traditional: bool | None = None,
    progress: Any = None,
    manifest: Any = None,
) -> Any:
    """Build ``jobs`` into the workspace's manifest (one file per case:
    :class:`xsk.documents.uptodate.UnitManifest`, or ``manifest``)."""
    from xsk.documents import uptodate
    from xsk.documents.build import build_documents

    try:
        with uptodate.building(ws):  # removes the temp files of a build that was killed
            result = build_documents(
                jobs,
                template_dirs=template_dirs(ws),
                jobs_n=jobs_n,
                force=force,
                traditional=ws.settings.traditional if traditional is None else traditional,
                manifest=manifest if manifest is not None else uptodate.UnitManifest(ws),
                progress=progress,
            )
    except Exception:
        _unfreeze_unbuilt(ws, jobs)
        raise
    from xsk.rules import names_cache

    names_cache.save_cache()  # what the leak scan of the rendered documents found, too
    return result


def _unfreeze_unbuilt(ws: Workspace, jobs: Sequence[Any]) -> None:
    """A numbered document that could not be built (a leak found in it, a broken template)
    is not frozen: once the facilitator has corrected the case, it is built from the
    corrected files, not from the commit it failed at."""
    from xsk.workspace import docnumbers

    keys = [_number_key(j) for j in jobs if j.kind in NUMBERED_KINDS and not j.out_path.exists()]
    if keys:
        with contextlib.suppress(Exception):  # the build's own error is the one to report
            docnumbers.unfreeze(ws, keys)


def build_for_step(ws: Workspace, cid: str, kinds: Sequence[str]) -> list[Path]:
    """Build the documents a step just produced (called after the step's commit)."""
    result = _run_for_step(ws, cid, jobs_for_cases(ws, [cid], kinds))
    return [*result.built, *result.skipped]


def _run_for_step(ws: Workspace, cid: str, jobs: list[Any]) -> Any:
    """``run_jobs`` after a committed step: a leak or a document open in Word is one Chinese
    line saying the step itself is saved."""
    from xsk.documents.docx import PrivacyLeakError

    try:
        result = run_jobs(ws, jobs)
    except PrivacyLeakError as exc:
        from xsk.core.errors import UsageError

        raise UsageError(
            f"{exc}（本步骤已保存并提交）",
            hint=f"公开文书不得包含居民电话、证件号、住址、姓名；修改后运行 xsk docs build {cid}",
        ) from None
    if result.refused:
        from xsk.documents.refused import open_in_word

        raise open_in_word(
            ws, result.refused, hint=f"本步骤已保存并提交；关闭后运行 xsk docs build {cid}"
        )
    return result


def refresh_for_step(ws: Workspace, cid: str, kinds: Sequence[str]) -> list[Path]:
    """After a step: its documents, and every other document of the case whose inputs
    changed (the manifest skips the rest), so minutes gain the outcomes table once the
    outcomes are confirmed. Returns the step's documents and the others rebuilt."""
    own = build_for_step(ws, cid, kinds) if kinds else []
    result = _run_for_step(ws, cid, jobs_for_cases(ws, [cid], None))
    return [*own, *(p for p in result.built if p not in own)]
