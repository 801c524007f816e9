"""``xsk show``: the whole case in one view (text and ``--json`` share it).

Head (the masked case view), where it stands in its procedure (step names, not ids), the
agreed outcomes with their progress, the events, the meetings it was discussed at, the
documents built for it under ``out/<ID>/`` and the files attached to it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xsk.actions import workflow
from xsk.core.model import STATUS_NAMES
from xsk.parts import events, meetings, outcomes
from xsk.procedure import loader as procedures
from xsk.workspace import attachments
from xsk.workspace import cases as store
from xsk.workspace.settings import Workspace

_ACTIONS = {"create": "登记议题", "reopen": "重新办理", "import": "导入台账"}
_EVENT_TEXT = ("text", "comment", "reason", "note", "answer", "satisfaction", "to")


def overview(ws: Workspace, cid: str, *, reveal: bool = False) -> dict[str, Any]:
    case = store.load_case(ws, cid)
    view = workflow.case_view(case, reveal=reveal)
    proc = procedures.load(case.procedure, ws.root)
    names = {s.id: s.name for s in proc.steps}
    view["procedure_name"] = proc.name
    view["step_name"] = names.get(case.step, case.step) if case.is_open else ""
    view["status_name"] = STATUS_NAMES.get(case.status, case.status)
    done = {h.step for h in case.history}
    view["progress"] = {
        "steps": [
            {
                "id": s.id,
                "name": s.name,
                "state": (
                    "当前"
                    if case.is_open and s.id == case.step
                    else ("已完成" if s.id in done else "未办")
                ),
            }
            for s in proc.steps
        ],
        "history": [
            {
                "step": h.step,
                "step_name": names.get(h.step) or _ACTIONS.get(h.action, h.step),
                "done": h.done.isoformat(),
                "by": h.by,
                "note": h.note,
            }
            for h in case.history
        ],
    }
    folder = store.case_dir(ws, cid)
    view["outcomes"] = [
        {
            "no": o.no,
            "item": o.item,
            "unit": o.unit,
            "deadline": o.deadline.isoformat() if o.deadline else None,
            "status": o.status,
            "progress": o.progress,
            "done": o.done.isoformat() if o.done else None,
        }
        for o in outcomes.load(folder, ws.root)
    ]
    view["events"] = [
        {
            "kind": e.get("kind", ""),
            "kind_name": events.KINDS.get(e.get("kind", ""), e.get("kind", "")),
            "date": _iso(e.get("date")),
            "text": next((str(e[k]) for k in _EVENT_TEXT if e.get(k)), ""),
            "file": e.get("_file", ""),
        }
        for e in events.read_all(folder, ws.root)
    ]
    found = []
    for mid in meetings.case_meeting_ids(case.answers):
        try:
            m = meetings.load(ws.meetings_dir, mid, ws.root)
        except Exception:  # a meeting file missing: show the id, `xsk check` names the problem
            m = {}
        found.append(
            {
                "id": mid,
                "title": m.get("title", ""),
                "form": m.get("form", ""),
                "time": _iso(m.get("time")),
                "venue": m.get("venue", ""),
                "host": m.get("host", ""),
                "attendees": len(m.get("attendees", [])),
            }
        )
    view["meetings"] = found
    out = ws.out_dir / cid
    view["documents"] = (
        [ws.rel(p) for p in sorted(out.rglob("*")) if p.suffix in (".docx", ".pdf", ".xlsx")]
        if out.is_dir()
        else []
    )
    view["attachments"] = attachments.listing(folder)
    if not reveal:
        _mask_texts(ws, case, view)
    return view


# what residents typed or what was typed about them: masked as on a public notice
_FREE_TEXT = ("title", "description", "close_reason", "answers", "events", "outcomes")


def _mask_texts(ws: Workspace, case: Any, view: dict[str, Any]) -> None:
    """Phones, ID numbers, addresses and residents' names in the free texts of ``view``
    masked by the case's public view (the proposers are private there too)."""
    from xsk.documents.publicview import PublicView

    pv = PublicView(ws, [case])

    def mask(value: Any) -> Any:
        if isinstance(value, str):
            return pv.text(value)
        if isinstance(value, list):
            return [mask(v) for v in value]
        if isinstance(value, dict):
            return {k: mask(v) for k, v in value.items()}
        return value

    for key in _FREE_TEXT:
        if key in view:
            view[key] = mask(view[key])


def _iso(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value
