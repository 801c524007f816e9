"""Writing roster.toml: append one entry (people or orgs), keeping the file's comments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xsk.core.model import RosterEntry, roster_entry_dict
from xsk.store import atomic, tomlio
from xsk.workspace.settings import ROSTER_FILE, Workspace


def append(ws: Workspace, entry: RosterEntry) -> Path:
    """Add ``entry`` to roster.toml (not committed: the caller commits the path returned)."""
    path = ws.root / ROSTER_FILE
    section = "orgs" if entry.kind == "org" else "people"

    def mutate(doc: Any) -> None:
        import tomlkit

        if section not in doc:
            doc.append(section, tomlkit.aot())
        table = tomlkit.table()
        for key, value in roster_entry_dict(entry).items():
            table[key] = value
        doc[section].append(table)

    if not path.exists():
        atomic.write_text(path, "")
    tomlio.update(path, mutate)
    ws.__dict__.pop("roster", None)
    return path
