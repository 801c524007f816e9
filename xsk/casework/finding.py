"""``xsk find``: cases by text, category, responsible unit, person or step.

Text, category, unit and step are matched on the index records (:mod:`xsk.casework.index`,
cached). A person is matched on the names kept in the files themselves (proposers, meeting
hosts and attendees), which the index keeps only masked; those files are read only when
``person`` is given. Every filter given must match (and); text matches as a substring of the
id, 原编号, title, description, category, outcome items and units, and event texts.
"""

from __future__ import annotations

from typing import Any

from xsk.core.model import STATUS_NAMES
from xsk.rules.privacy import mask_numbers
from xsk.workspace.settings import Workspace

_EVENT_TEXT = ("text", "comment", "reason", "answer", "to")


def find(
    ws: Workspace,
    text: str = "",
    *,
    category: str | None = None,
    unit: str | None = None,
    person: str | None = None,
    step: str | None = None,
) -> list[dict[str, Any]]:
    from xsk.casework import index
    from xsk.procedure import loader

    idx = index.load(ws, level="ledger")
    names: dict[str, dict[str, str]] = {}
    hosts = _meeting_people(idx.meetings) if person else {}
    out = []
    text = text.strip()
    for rec in idx.cases:
        procedure = rec["procedure"]
        if procedure not in names:
            names[procedure] = loader.step_names(procedure, ws.root, ws.state_dir)
        step_name = names[procedure].get(rec["step"], "")
        if category and category.strip() != rec["category"]:
            continue
        units = [o["unit"] for o in rec.get("outcomes", [])]
        if unit and not any(unit.strip() in u for u in units):
            continue
        if step and rec["status"] == "open":
            if step.strip() not in (rec["step"], step_name):
                continue
        elif step:
            continue
        if text and text not in _haystack(rec):
            continue
        if person and not _has_person(ws, rec, person.strip(), hosts):
            continue
        out.append(
            {
                "id": rec["id"],
                "original_id": rec.get("original_id", ""),
                "title": mask_numbers(rec["title"]),  # found by the number, shown masked
                "category": rec["category"],
                "step": rec["step"],
                "step_name": step_name if rec["status"] == "open" else "",
                "status": rec["status"],
                "status_name": STATUS_NAMES.get(rec["status"], rec["status"]),
                "units": sorted(set(filter(None, units))),
                "created": rec["created"],
                "due": rec["due"],
            }
        )
    return out


def _haystack(rec: dict[str, Any]) -> str:
    parts = [rec["id"], rec.get("original_id", ""), rec["title"], rec.get("description", "")]
    parts.append(rec["category"])
    for o in rec.get("outcomes", []):
        parts += [o.get("item", ""), o.get("unit", ""), o.get("progress", "")]
    for e in rec.get("events", []):
        parts += [str(e.get(k, "")) for k in _EVENT_TEXT]
    return "\n".join(str(p) for p in parts if p)


def _meeting_people(meetings: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Meeting id → host and attendee names (read from the meeting files)."""
    return {m["id"]: set() for m in meetings}


def _has_person(ws: Workspace, rec: dict[str, Any], person: str, seen: dict[str, set[str]]) -> bool:
    from xsk.parts import meetings
    from xsk.workspace import cases

    case = cases.load_case(ws, rec["id"])
    if any(person in p.name for p in case.proposers):
        return True
    if person in (case.source.received_by or ""):
        return True
    for mid in rec.get("meetings", []):
        if mid not in seen or not seen[mid]:
            try:
                m = meetings.load(ws.meetings_dir, mid, ws.root)
            except Exception:  # a missing meeting file is named by `xsk check`
                continue
            found = {str(m.get("host", ""))}
            found |= {str(a.get("name", "")) for a in m.get("attendees", [])}
            seen[mid] = found
        if any(person in name for name in seen[mid]):
            return True
    return False
