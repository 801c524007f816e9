"""The masked ledger of a workspace that did not change, kept for the next ``report --xlsx``.

Writing the ledger of 10,000 cases means reading every record's ledger fields and masking
every text; when nothing it depends on changed since the last one, the last workbook is
copied instead. Its key: the index's signature of every case folder and meeting file
(:attr:`xsk.casework.index.Index.signature`), the period, today's date (the 逾期 and 办理中
columns depend on it), the settings, roster and procedure files, and xsk's own code. Only
the masked ledger of one workspace is kept (in ``.xsk/ledger-cache.bin``): the internal
one (``--reveal``) holds residents' names and phones and is never copied anywhere but where
it was asked for. A cached workbook is the same file, so its document properties keep the
time it was first written (the same day).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Any

CACHE_FILE = "ledger-cache.bin"


def key(ws: Any, signature: str, period: Any, today: dt.date) -> str | None:
    """The cache key of the masked ledger of ``ws``, or None when it cannot be cached."""
    if not signature:
        return None
    from xsk.procedure import loader
    from xsk.store import filememo
    from xsk.workspace.settings import ROSTER_FILE, SETTINGS_FILE

    extra = [signature.encode(), repr(period).encode(), today.isoformat().encode()]
    for path in [
        ws.root / SETTINGS_FILE,
        ws.root / ROSTER_FILE,
        *loader.available(ws.root).values(),
    ]:
        try:
            extra.append(str(path).encode() + b"\0" + path.read_bytes())
        except OSError:
            extra.append(str(path).encode())
    package = Path(__file__).resolve().parent.parent
    return filememo.code_digest(package, extra)


def restore(ws: Any, cache_key: str | None, out_path: Path) -> bool:
    """Copy the cached ledger to ``out_path`` when it was kept under ``cache_key``."""
    if cache_key is None:
        return False
    try:
        data = (ws.state_dir / CACHE_FILE).read_bytes()
    except OSError:
        return False
    head, _, workbook = data.partition(b"\n")
    if head != cache_key.encode("utf-8") or not workbook:
        return False
    from xsk.store import atomic

    atomic.write_bytes(Path(out_path), workbook)
    return True


def store(ws: Any, cache_key: str | None, out_path: Path) -> None:
    """Keep the ledger just written to ``out_path`` under ``cache_key`` (one file: the key's
    line, then the workbook)."""
    if cache_key is None:
        return
    from xsk.store import atomic

    with contextlib.suppress(OSError):
        data = cache_key.encode("utf-8") + b"\n" + Path(out_path).read_bytes()
        atomic.write_bytes(ws.state_dir / CACHE_FILE, data)
