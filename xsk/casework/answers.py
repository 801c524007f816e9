"""Answers files for ``xsk step``: TOML with one table per step id.

    [collect]
    description = "……"
    category = "公共设施建设与维护"

    [screen]
    in_scope = true
    ...

A step may appear again after a branch sends the case back (e.g. after an objection): use
``[[<step>]]`` (an array of tables) and each pass takes the next one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xsk.store import tomlio

META = "_meta"  # optional per-step metadata: [<step>._meta] date = 2026-03-02T09:00:00+08:00


@dataclass
class AnswersFile:
    path: Path
    data: dict[str, Any]
    text: str
    used: dict[str, int] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> AnswersFile:
        data, text = tomlio.read(path)
        return cls(path, data, text)

    def has(self, step_id: str) -> bool:
        value = self.data.get(step_id)
        if isinstance(value, list):
            return self.used.get(step_id, 0) < len(value)
        return isinstance(value, Mapping) and self.used.get(step_id, 0) == 0

    def take(self, step_id: str) -> tuple[dict[str, Any], int]:
        """The answers for the next pass of ``step_id`` and that pass's index."""
        value = self.data.get(step_id)
        n = self.used.get(step_id, 0)
        self.used[step_id] = n + 1
        if isinstance(value, list):
            return dict(value[n]), n
        return dict(value or {}), n

    def line(self, step_id: str, question: str, index: int = 0) -> int:
        value = self.data.get(step_id)
        path: tuple[str | int, ...] = (
            (step_id, index, question) if isinstance(value, list) else (step_id, question)
        )
        return tomlio.locate(self.text, path) or tomlio.locate(self.text, path[:-1])


def split_meta(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    meta = raw.pop(META, {})
    return raw, meta if isinstance(meta, Mapping) else {}


def meta_time(meta: Mapping[str, Any], default: dt.datetime) -> dt.datetime:
    value = meta.get("date")
    tz = dt.timezone(dt.timedelta(hours=8))
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, 9, 0, tzinfo=tz)
    return default
