"""Events appended to a case by many hands: one file each (``events/<stamp>-<kind>-<rand>.toml``).

Kinds: progress, objection, objection_answer, visit, rating, escalation, reply, reopen.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from xsk.core.errors import DataError, Problem
from xsk.core.model import OUTCOME_STATUSES, SATISFACTION, Reader
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


# the typed fields of each kind (the commands, the index and ``xsk check`` all use these)
_TEXT = ("text", "by", "channel", "answer", "reason", "note", "comment", "visitor", "method",
         "unit", "to", "from_level", "to_level", "step", "status")  # fmt: skip


def validate(data: Mapping[str, Any], r: Reader) -> None:
    """Type-check one event file's values (problems go to ``r``)."""
    kind = r.get(data, ("kind",), "str", required=True, default="", choices=tuple(KINDS))
    r.get(data, ("date",), "date", required=True)
    for key in _TEXT:
        r.get(data, (key,), "str")
    if kind == "visit":
        r.get(data, ("satisfaction",), "str", required=True, default="", choices=SATISFACTION)
    elif kind == "rating":
        r.get(data, ("unit",), "str", required=True, default="")
        score = r.get(data, ("score",), "int", required=True)
        if score is not None and not 1 <= score <= 5:
            r.problem(("score",), "E104", f"评分应为 1–5 的整数，实际为 {score}")
    elif kind == "progress":
        r.get(data, ("no",), "int", required=True)
        r.get(data, ("status",), "str", required=True, default="", choices=OUTCOME_STATUSES)


def check_file(path: Path, root: Path | None = None) -> list[Problem]:
    return tomlio.check_file(path, root, validate)


def read_all(case_dir: Path, root: Path | None = None) -> list[dict[str, Any]]:
    d = folder(case_dir)
    if not d.is_dir():
        return []
    out = []
    for p in sorted(d.glob("*.toml")):
        data, text = tomlio.read(p, root)
        r = Reader(tomlio.display_path(p, root), text)
        validate(data, r)
        if r.problems:
            raise DataError(r.problems[0], hint="修正后运行 xsk check")
        data["_file"] = p.name
        out.append(data)
    return out
