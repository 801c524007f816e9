"""The roster of people and organisations (roster.toml)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from xsk.core.errors import NotFoundError, UsageError
from xsk.core.model import RosterEntry, roster_entry_dict
from xsk.prompts.base import Prompter
from xsk.store import tomlio
from xsk.workspace import journal as txn
from xsk.workspace.settings import ROSTER_FILE, Workspace

LABELS = {
    "id": "编号",
    "name": "名称",
    "kind": "类型",
    "role": "角色",
    "subject_type": "主体类型",
    "unit": "单位",
    "deliberate": "议事权",
    "vote": "表决权",
    "official": "干部/单位代表",
    "consent": "同意公示姓名",
    "gender": "性别",
    "phone": "电话",
    "note": "备注",
}


def row(e: RosterEntry, *, reveal: bool = False) -> dict[str, Any]:
    from xsk.rules.privacy import mask_phone

    return {
        "id": e.id,
        "name": e.name,
        "kind": e.kind,
        "role": e.role,
        "subject_type": e.subject_type,
        "unit": e.unit,
        "deliberate": e.deliberate,
        "vote": e.vote,
        "official": e.official,
        "consent": e.consent,
        "gender": e.gender,
        "phone": e.phone if reveal else mask_phone(e.phone),
        "note": e.note,
    }


def rows(ws: Workspace) -> list[dict[str, Any]]:
    return [row(e) for e in ws.roster]


def find(ws: Workspace, key: str, *, reveal: bool = False) -> dict[str, Any]:
    for e in ws.roster:
        if key in (e.id, e.name):
            return row(e, reveal=reveal)
    raise NotFoundError(f"名册中没有“{key}”", hint="xsk roster list 查看名册")


@txn.writer
def add(
    ws: Workspace,
    prompter: Prompter,
    *,
    name: str | None,
    org: bool = False,
    entry_id: str | None = None,
    role: str | None = None,
    subject_type: str | None = None,
    unit: str | None = None,
    phone: str | None = None,
    vote: bool | None = None,
    deliberate: bool = True,
    official: bool = False,
    consent: bool = False,
) -> RosterEntry:
    if name is None:
        name = prompter.text(
            "单位名称" if org else "姓名", validate=lambda v: None if v.strip() else "不能为空"
        )
    name = name.strip()
    if not name:
        raise UsageError("名称不能为空", hint="用 --name 提供")
    if role is None and prompter.interactive:
        role = prompter.text("角色（如 楼长、物业经理，可留空）", default="")
    if subject_type is None and prompter.interactive:
        subject_type = prompter.text("主体类型（如 居民代表、物业服务企业，可留空）", default="")
    if vote is None:
        vote = (
            prompter.confirm("是否有表决权？", default=not org) if prompter.interactive else not org
        )
    eid = entry_id or _slug(name)
    if any(e.id == eid for e in ws.roster):
        raise UsageError(f"名册编号“{eid}”已存在", hint="用 --id 指定另一个编号")
    _check_phone(phone)
    entry = RosterEntry(
        id=eid,
        name=name,
        kind="org" if org else "person",
        role=role or "",
        subject_type=subject_type or "",
        unit=unit or "",
        deliberate=deliberate,
        vote=vote,
        official=official,
        consent=consent,
        phone=phone or "",
    )
    from xsk.workspace import rosterfile

    path = rosterfile.append(ws, entry)
    ws.commit([path], f"名册：添加{'单位' if org else '人员'} {name}")
    return entry


def _check_phone(phone: str | None) -> None:
    from xsk.rules.phones import phone_problem

    problem = phone_problem(phone or "")
    if problem:
        raise UsageError(
            problem, hint="手机 11 位，如 13912345678；固定电话带区号，如 0772-2345678"
        )


def _entry(ws: Workspace, key: str) -> RosterEntry:
    for e in ws.roster:
        if key.strip() in (e.id, e.name):
            return e
    raise NotFoundError(f"名册中没有“{key}”", hint="xsk roster list 查看名册")


EDITABLE = ("name", "role", "subject_type", "unit", "phone", "note")
FLAGS = ("deliberate", "vote", "official", "consent")


def edit(ws: Workspace, prompter: Prompter, key: str, changes: dict[str, Any]) -> RosterEntry:
    """Change fields of one roster entry (``changes``: field → new value; None = unchanged).

    With no change given and a terminal, each field is asked with its current value.
    """
    entry = _entry(ws, key)
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes and prompter.interactive:
        for field in EDITABLE:
            value = prompter.text(f"{LABELS[field]}（回车保留）", default=getattr(entry, field))
            if value != getattr(entry, field):
                changes[field] = value
        for field in FLAGS:
            value = prompter.confirm(f"{LABELS[field]}？", default=getattr(entry, field))
            if value != getattr(entry, field):
                changes[field] = value
    if not changes:
        raise UsageError("没有要修改的内容", hint="如 xsk roster edit 王丽 --phone 13912345678")
    if "name" in changes:
        changes["name"] = str(changes["name"]).strip()
        if not changes["name"]:
            raise UsageError("名称不能为空")
        if any(e.name == changes["name"] and e.id != entry.id for e in ws.roster):
            raise UsageError(f"名册中已有“{changes['name']}”")
    if "phone" in changes:
        _check_phone(changes["phone"])
    new = dataclasses.replace(entry, **changes)
    path = ws.root / ROSTER_FILE

    def mutate(doc: Any) -> None:
        import tomlkit

        for section in ("people", "orgs"):
            for table in doc.get(section, []):
                if table.get("id") == entry.id:
                    fresh = roster_entry_dict(new)
                    for k in [k for k in table if k not in fresh]:
                        del table[k]
                    for k, v in fresh.items():
                        if table.get(k) != v:
                            table[k] = tomlkit.item(v)
                    return

    tomlio.update(path, mutate)
    shown = "、".join(LABELS[k] for k in changes)
    ws.commit([path], f"名册：修改 {entry.name}（{shown}）")
    ws.__dict__.pop("roster", None)
    return new


def open_cases_of(ws: Workspace, entry: RosterEntry) -> list[str]:
    """Open cases the entry takes part in: proposer, responsible unit, meeting host/attendee."""
    from xsk.casework import index
    from xsk.parts import meetings
    from xsk.workspace import cases

    found = []
    people: dict[str, set[str]] = {}
    for rec in index.load(ws, level="ledger").cases:
        if rec["status"] != "open":
            continue
        names: set[str] = {o["unit"] for o in rec.get("outcomes", [])}
        case = cases.load_case(ws, rec["id"])
        names |= {p.name for p in case.proposers}
        for mid in rec.get("meetings", []):
            if mid not in people:
                try:
                    m = meetings.load(ws.meetings_dir, mid, ws.root)
                except NotFoundError:
                    m = {}
                people[mid] = {str(m.get("host", ""))} | {
                    str(a.get("name", "")) for a in m.get("attendees", [])
                }
            names |= people[mid]
        if entry.name in names:
            found.append(rec["id"])
    return found


def remove(ws: Workspace, key: str) -> RosterEntry:
    """Remove an entry; refused while it is on an open case (the case ids are named)."""
    entry = _entry(ws, key)
    busy = open_cases_of(ws, entry)
    if busy:
        raise UsageError(
            f"{entry.name} 还在进行中的议题上：{'、'.join(busy)}，不能从名册删除",
            hint="议题办结后再删除，或用 xsk roster edit 修改",
        )
    path = ws.root / ROSTER_FILE

    def mutate(doc: Any) -> None:
        for section in ("people", "orgs"):
            tables = doc.get(section)
            if tables is None:
                continue
            for i, table in enumerate(tables):
                if table.get("id") == entry.id:
                    del tables[i]
                    return

    tomlio.update(path, mutate)
    ws.commit([path], f"名册：删除{'单位' if entry.kind == 'org' else '人员'} {entry.name}")
    ws.__dict__.pop("roster", None)
    return entry


def _slug(name: str) -> str:
    return re.sub(r"\s+", "-", name.strip())
