"""Events appended to a case by many hands: one file each (``events/<stamp>-<kind>-<rand>.toml``).

Kinds: progress, objection, objection_answer, visit, rating, escalation, reply, reopen.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from xsk.store import tomlio

KINDS = {
    "progress": "办理进展",
    "objection": "异议",
    "objection_answer": "异议答复",
    "visit": "回访",
    "rating": "评议（下评上）",
    "escalation": "提请上级协调",
    "reply": "答复提出人",
    "reopen": "重新办理",
}

# what people call them: each kind by its id, its name or one of these
ALIASES = {
    "进展": "progress",
    "答复异议": "objection_answer",
    "评议": "rating",
    "下评上": "rating",
    "提请上级": "escalation",
    "上报": "escalation",
    "答复": "reply",
    "重办": "reopen",
}


def kind_id(text: str) -> str | None:
    """The kind meant by ``text`` (an id, a Chinese name or an alias), or None."""
    text = text.strip()
    if text in KINDS:
        return text
    by_name = {name: kid for kid, name in KINDS.items()}
    return by_name.get(text) or ALIASES.get(text)


def names() -> str:
    """The kinds as a facilitator types them: ``办理进展、异议、…``."""
    return "、".join(KINDS.values())


def folder(case_dir: Path) -> Path:
    return case_dir / "events"


def write(case_dir: Path, kind: str, when: dt.datetime, data: Mapping[str, Any]) -> Path:
    stamp = when.strftime("%Y%m%dT%H%M%S")
    path = folder(case_dir) / f"{stamp}-{kind}-{secrets.token_hex(3)}.toml"
    body = {"kind": kind, "date": when.date(), **{k: v for k, v in data.items() if v is not None}}
    tomlio.write_new(path, body, header=KINDS.get(kind, kind))
    return path


def read_all(case_dir: Path, root: Path | None = None) -> list[dict[str, Any]]:
    d = folder(case_dir)
    if not d.is_dir():
        return []
    out = []
    for p in sorted(d.glob("*.toml")):
        data, _ = tomlio.read(p, root)
        data["_file"] = p.name
        out.append(data)
    return out
