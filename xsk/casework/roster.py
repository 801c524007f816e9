"""The roster of people and organisations (roster.toml)."""

from __future__ import annotations

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
    if phone and not re.fullmatch(r"[\d\- ]{7,15}", phone):
        raise UsageError(f"电话号码“{phone}”无效")
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
    path = ws.root / ROSTER_FILE
    section = "orgs" if org else "people"

    def mutate(doc: Any) -> None:
        import tomlkit

        if section not in doc:
            doc.append(section, tomlkit.aot())
        table = tomlkit.table()
        for key, value in roster_entry_dict(entry).items():
            table[key] = value
        doc[section].append(table)

    if not path.exists():
        from xsk.store import atomic

        atomic.write_text(path, "")
    tomlio.update(path, mutate)
    ws.commit([path], f"名册：添加{'单位' if org else '人员'} {name}")
    ws.__dict__.pop("roster", None)
    return entry


def _slug(name: str) -> str:
    return re.sub(r"\s+", "-", name.strip())
