"""Documents that could not be replaced because Word/WPS has them open (or they are read-only).

On Windows a .docx open in Word or WPS cannot be replaced. A build skips such files, builds
the rest, and then ends with this one error (exit 2) naming each file to close; the manifest
does not record them, so the next build retries them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from xsk.core.errors import UsageError
from xsk.workspace.settings import Workspace

SHOWN = 3  # files named in the message; the rest are counted


def close_first(path: str) -> str:
    return f"请先在 Word/WPS 中关闭 {path}"


def open_in_word(ws: Workspace, paths: Sequence[Path], *, hint: str) -> UsageError:
    """The error for outputs ``paths`` that could not be replaced."""
    names = [close_first(ws.rel(Path(p))) for p in paths[:SHOWN]]
    more = f"（另有 {len(paths) - SHOWN} 份）" if len(paths) > SHOWN else ""
    return UsageError("；".join(names) + more, hint=hint)
