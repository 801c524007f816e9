"""Files attached to a case (photos, scans of signed sign-in sheets): ``cases/<ID>/attachments/``.

Each file is copied under its own name (``-2``, ``-3`` … when the name is taken) and listed in
``attachments/attachments.toml`` with its note, date and size; both are kept in git. Files over
:data:`MAX_BYTES` are refused: git keeps every version of every file for ever, and each
clone copies them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xsk.core.errors import UsageError
from xsk.store import atomic, tomlio

FOLDER = "attachments"
INDEX = "attachments.toml"
MAX_BYTES = 10 * 1024 * 1024
MAX_TEXT = "10 MB"


def folder(case_dir: Path) -> Path:
    return case_dir / FOLDER


def listing(case_dir: Path) -> list[dict[str, Any]]:
    """The attached files, oldest first: name, note, added, size, path (relative to the case)."""
    index = folder(case_dir) / INDEX
    if not index.is_file():
        return []
    data, _ = tomlio.read(index)
    out = []
    for row in data.get("files", []):
        if not isinstance(row, dict) or not row.get("name"):
            continue
        out.append(
            {
                "name": str(row["name"]),
                "note": str(row.get("note", "")),
                "added": _iso(row.get("added")),
                "size": int(row.get("size", 0) or 0),
                "path": f"{FOLDER}/{row['name']}",
            }
        )
    return out


def check_sources(files: Sequence[Path]) -> None:
    """Refuse missing, non-regular or too large files before anything is copied."""
    if not files:
        raise UsageError("没有指定要附加的文件")
    for f in files:
        if not f.is_file():
            raise UsageError(f"找不到文件：{f}")
        size = f.stat().st_size
        if size > MAX_BYTES:
            raise UsageError(
                f"文件 {f.name} 有 {size / 1024 / 1024:.1f} MB，超过上限 {MAX_TEXT}",
                hint="附件保存在 git 中，每台电脑都会保留全部历史版本；请压缩图片或扫描为较小的 PDF",
            )


def add(case_dir: Path, files: Sequence[Path], note: str, today: dt.date) -> list[Path]:
    """Copy ``files`` into the case and list them; returns the paths written (for the commit)."""
    check_sources(files)
    target = folder(case_dir)
    target.mkdir(parents=True, exist_ok=True)
    index = target / INDEX
    rows = [
        {k: v for k, v in r.items() if k != "path"} | {"added": dt.date.fromisoformat(r["added"])}
        for r in listing(case_dir)
    ]
    written = []
    for f in files:
        name = _free_name(target, f.name)
        dest = target / name
        atomic.write_bytes(dest, f.read_bytes())  # at most MAX_BYTES
        written.append(dest)
        rows.append({"name": name, "note": note, "added": today, "size": dest.stat().st_size})
    tomlio.write_new(index, {"files": rows}, header="附件：照片、扫描件（文件在同一文件夹）")
    return [*written, index]


def _free_name(target: Path, name: str) -> str:
    if name in (INDEX,) or name.startswith("."):
        name = "附件-" + name.lstrip(".")
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, n = name, 1
    while (target / candidate).exists():
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    return candidate


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
