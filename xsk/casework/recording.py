"""``xsk event``: append an event (progress, objection, visit, rating, ...) to a case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xsk.core.errors import UsageError
from xsk.core.model import OUTCOME_STATUSES, SATISFACTION
from xsk.parts import events, outcomes
from xsk.procedure import loader as procedures
from xsk.workspace import cases as store
from xsk.workspace import journal as txn
from xsk.workspace.settings import Workspace

REQUIRED = {
    "progress": ("no", "status"),
    "objection": ("text",),
    "objection_answer": ("text",),
    "visit": ("satisfaction",),
    "rating": ("unit", "score"),
    "escalation": ("to", "reason"),
    "reply": ("text",),
    "reopen": ("reason",),
}
LABELS = {
    "no": "--no 事项序号",
    "status": "--status 办理状态",
    "text": "--text 内容",
    "satisfaction": "--satisfaction 满意度",
    "unit": "--unit 单位",
    "score": "--score 评分",
    "to": "--to 提请对象",
    "reason": "--reason 理由",
}


@txn.writer
def add(ws: Workspace, cid: str, kind: str, when: dt.datetime, opts: dict[str, Any]) -> list[str]:
    """Record one event (under the workspace lock, in one transaction: all of it or nothing)."""
    typed, kind = kind, events.kind_id(kind) or ""
    if not kind:
        raise UsageError(f"未知的事件类型“{typed}”", hint=f"可选：{events.names()}")
    case = store.load_case(ws, cid)
    opts = {k: v for k, v in opts.items() if v not in (None, "")}
    missing = [LABELS[k] for k in REQUIRED[kind] if k not in opts]
    if missing:
        raise UsageError(f"记录{events.KINDS[kind]}缺少：{'、'.join(missing)}")
    reopened = kind == "reopen" or (
        kind == "visit" and opts.get("reopen") and opts["satisfaction"] == "不满意"
    )
    notes = _published_before(ws, case, when) if kind == "objection" else []
    step_id = ""
    if reopened or opts.get("step"):  # checked before anything is written: a bad --step
        proc = procedures.load(case.procedure, ws.root)  # changes nothing
        step_id = _step_id(proc, opts.get("step")) or _reopen_step(ws, case.procedure)
        if proc.step(step_id) is None:
            raise UsageError(f"程序 {proc.name} 中没有步骤“{step_id}”")
    with txn.transaction(ws.root, ws.state_dir) as tx:
        tx.track(store.case_dir(ws, cid))
        return notes + _record(ws, case, kind, when, opts, step_id if reopened else "")


def _published_before(ws: Workspace, case: Any, when: dt.datetime) -> list[str]:
    """An objection answers something made public: a notice or a result notice of a step done
    on or before its date. Recorded all the same (a resident may object to what was said at
    the door), with a note (reviewer: one came for a case only just registered)."""
    from xsk.core.kinds import PUBLIC_KINDS

    proc = procedures.load(case.procedure, ws.root)
    published = [
        h.done.date()
        for h in case.history
        if (step := proc.step(h.step)) is not None and PUBLIC_KINDS & set(step.documents)
    ]
    if not published:
        return [f"提示：议题 {case.id} 还没有公布任何内容（协商通知或结果公示），异议照常记录"]
    if when.date() < min(published):
        return [
            f"提示：异议日期 {when.date().isoformat()} 早于议题 {case.id} 首次公布的日期"
            f" {min(published).isoformat()}，请核对日期"
        ]
    return []


def _record(
    ws: Workspace, case: Any, kind: str, when: dt.datetime, opts: dict[str, Any], step_id: str
) -> list[str]:
    cid = case.id
    folder = store.case_dir(ws, cid)
    paths = []
    lines = []
    if kind == "progress":
        if opts["status"] not in OUTCOME_STATUSES:
            raise UsageError(f"办理状态应为：{'、'.join(OUTCOME_STATUSES)}")
        up = {
            "no": opts["no"],
            "status": opts["status"],
            "note": opts.get("text", ""),
            "date": when.date(),
        }
        before = {o.no: o.status for o in outcomes.load(folder, ws.root)}
        paths.append(outcomes.apply_progress(folder, [up]))
        undone = before.get(opts["no"]) == "已办结" and opts["status"] != "已办结"
        from xsk.parts.answer_outcomes import next_due

        due = next_due(outcomes.load(folder, ws.root))

        def mutate(doc: Any) -> None:
            if due:
                doc["due"] = due
            elif "due" in doc:
                del doc["due"]

        paths.append(store.update(ws, cid, mutate))
        data = up
    elif kind == "visit":
        if opts["satisfaction"] not in SATISFACTION:
            raise UsageError(f"满意度应为：{'、'.join(SATISFACTION)}")
        data = {
            "visitor": opts.get("by", ws.settings.facilitator),
            "method": opts.get("method", "电话回访"),
            "satisfaction": opts["satisfaction"],
            "comment": opts.get("text", ""),
        }
    elif kind == "rating":
        score = opts["score"]
        if not 1 <= score <= 5:
            raise UsageError("评分应为 1–5")
        units = list(dict.fromkeys(o.unit for o in outcomes.load(folder, ws.root) if o.unit))
        if units and opts["unit"] not in units:  # 下评上 rates the units that took items on
            raise UsageError(
                f"“{opts['unit']}”不是议题 {cid} 的责任单位", hint=f"可选：{'、'.join(units)}"
            )
        data = {
            "unit": opts["unit"],
            "score": score,
            "by": opts.get("by", "居民代表"),
            "comment": opts.get("text", ""),
        }
    elif kind == "escalation":
        data = {"from_level": case.level, "to": opts["to"], "reason": opts["reason"]}
        for key in ("funding_asked", "funding_granted"):
            if key in opts:
                data[key] = opts[key]
        if "text" in opts:
            data["answer"] = opts["text"]
    elif kind == "reopen":
        data = {"reason": opts["reason"]}
    else:
        data = {"text": opts["text"]}
        if kind == "objection":
            data["by"] = opts.get("by", "")
            data["channel"] = opts.get("channel", "")
    # a reopening's event is written with the reopening itself (steps.reopen_files), once
    written = events.write(folder, kind, when, data) if kind != "reopen" else None
    if written is not None:
        paths.append(written)
    label = events.KINDS[kind]
    if kind == "progress" and undone and _past_supervision(ws, case):
        # an item reported done is not done after all: the case goes back to supervision
        opts = {**opts, "reason": f"事项 {opts['no']} 由已办结改为{opts['status']}"}
        proc = procedures.load(case.procedure, ws.root)
        step_id = _step_id(proc, opts.get("step")) or _reopen_step(ws, case.procedure)
    message = f"议题 {cid}：记录{label}"
    if step_id:  # the event and the reopening it causes: one commit, one undo
        from xsk.casework import steps

        reason = opts.get("reason") or "回访不满意"
        reopening = steps.reopen_files(ws, cid, step_id, reason, when)
        paths += reopening
        written = written or reopening[-1]
        if kind != "reopen":
            message += f"，重新办理（{reason}）"
    ws.commit(paths, message, date=when.isoformat())
    assert written is not None
    lines.append(f"已记录{label}：{ws.rel(written)}")
    if step_id:
        proc = procedures.load(case.procedure, ws.root)
        lines.append(f"议题 {cid} 已重新办理，回到步骤“{proc.step(step_id).name}”")
    return lines


def _step_id(proc: Any, typed: str | None) -> str | None:
    """A step given by its id or its name; an unknown one is refused with the names."""
    if not typed:
        return None
    for s in proc.steps:
        if typed.strip() in (s.id, s.name):
            return s.id
    raise UsageError(
        f"程序 {proc.name} 中没有步骤“{typed}”",
        hint=f"可选：{'、'.join(s.name for s in proc.steps)}",
    )


def _past_supervision(ws: Workspace, case: Any) -> bool:
    """Whether the case is closed or stands after its supervision step."""
    if not case.is_open:
        return True
    proc = procedures.load(case.procedure, ws.root)
    return proc.index(case.step) > proc.index(_reopen_step(ws, case.procedure))


def _reopen_step(ws: Workspace, pid: str) -> str:
    proc = procedures.load(pid, ws.root)
    for s in reversed(proc.steps):  # the step the final step's "goto" returns to
        for b in s.branches:
            if b.action == "goto" and b.target and s.final:
                return b.target
    return proc.steps[-1].id
