"""Sync merges TOML files by field, not by line: a git merge driver for ``*.toml``.

``register`` (run by ``xsk init`` and by every ``xsk sync``) writes ``*.toml merge=xsk-toml``
to ``.gitattributes`` and points this clone's ``merge.xsk-toml.driver`` at
``python -m xsk.workspace.merge %O %A %B %P``. Git then calls :func:`main` for every TOML file
changed on both sides; it merges the parsed files three ways (:func:`merge_values`):

* a key changed on one side only takes that side's value, so edits to different fields never
  conflict, wherever they sit in the file;
* a key changed on both sides to different values is a conflict. Each is written, one JSON
  line, to the file named by ``XSK_MERGE_REPORT`` (case or file, field, both values), and the
  driver fails, so that ``xsk sync`` can undo the sync and name every one of them;
* with ``XSK_MERGE_PREFER=mine`` or ``theirs`` each such field is settled that way instead
  (the other value stays in git history: ``xsk sync`` then records a merge commit).

Which side is "mine" depends on how git merges: in a rebase the local commit being replayed
is ``%B``; in a merge it is ``%A``. ``XSK_MERGE_LOCAL`` (``A`` or ``B``) says which; default A.
The result is written into ``%A`` with tomlkit, keeping the local file's comments and order.
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DRIVER = "xsk-toml"
ATTRIBUTE = f"*.toml merge={DRIVER}"
_MISSING = object()


class Conflict(Exception):
    pass


def merge_values(
    base: Any, ours: Any, theirs: Any, path: tuple[str, ...] = ()
) -> tuple[Any, list[tuple[tuple[str, ...], Any, Any]]]:
    """Three-way merge of two parsed TOML values; returns (merged, conflicts).

    A conflict leaves ``ours`` in the result; each is (key path, ours, theirs)."""
    if ours == theirs:
        return ours, []
    if base == ours:
        return theirs, []
    if base == theirs:
        return ours, []
    if isinstance(ours, Mapping) and isinstance(theirs, Mapping):
        b = base if isinstance(base, Mapping) else {}
        out: dict[str, Any] = {}
        conflicts = []
        for key in [*ours, *(k for k in theirs if k not in ours)]:
            merged, found = merge_values(
                b.get(key, _MISSING),
                ours.get(key, _MISSING),
                theirs.get(key, _MISSING),
                (*path, key),
            )
            conflicts += found
            if merged is not _MISSING:
                out[key] = merged
        return out, conflicts
    return ours, [(path, ours, theirs)]


def _apply(doc: Any, merged: Mapping[str, Any], ours: Mapping[str, Any]) -> None:
    """Make the tomlkit ``doc`` (parsed from ours) hold ``merged``, touching only what changed."""
    import tomlkit

    for key in [k for k in ours if k not in merged]:
        del doc[key]
    for key, value in merged.items():
        old = ours.get(key, _MISSING)
        if old == value:
            continue
        if isinstance(value, Mapping) and isinstance(old, Mapping) and key in doc:
            _apply(doc[key], value, old)
        else:
            doc[key] = tomlkit.item(value)


def _show(value: Any) -> str:
    if value is _MISSING:
        return "（已删除）"
    if isinstance(value, list):
        if value and isinstance(value[0], Mapping):
            return f"（{len(value)} 条记录）"
        return "、".join(map(str, value))
    if isinstance(value, Mapping):
        return "（一组字段）"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value).replace("\n", " ")
    return text if len(text) <= 40 else text[:39] + "…"


def where(rel_path: str) -> str:
    """How a file is named to the facilitator: ``议题 2026-001``, ``会议 2026-M001`` or its path."""
    parts = Path(rel_path).parts
    if len(parts) >= 2 and parts[0] == "cases":
        return f"议题 {parts[1]}"
    if len(parts) == 2 and parts[0] == "meetings":
        return f"会议 {Path(parts[1]).stem}"
    return rel_path


def merge_files(base: Path, ours: Path, theirs: Path, rel_path: str) -> int:
    """The driver: merge into ``ours``; 0 when settled, 1 when fields conflict (reported)."""
    import tomlkit

    try:
        o_text = base.read_text("utf-8") if base.exists() else ""
        a_text, b_text = ours.read_text("utf-8"), theirs.read_text("utf-8")
        o, a, b = tomllib.loads(o_text), tomllib.loads(a_text), tomllib.loads(b_text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return _line_merge(base, ours, theirs)
    local_is_b = os.environ.get("XSK_MERGE_LOCAL", "A").upper() == "B"
    prefer = os.environ.get("XSK_MERGE_PREFER", "")
    merged, conflicts = merge_values(o, a, b)
    report = os.environ.get("XSK_MERGE_REPORT")
    settled = []
    for keypath, a_value, b_value in conflicts:
        mine, other = (b_value, a_value) if local_is_b else (a_value, b_value)
        if prefer in ("mine", "theirs"):
            chosen = mine if prefer == "mine" else other
            _set(merged, keypath, chosen)
        settled.append(
            {
                "file": rel_path,
                "where": where(rel_path),
                "field": ".".join(keypath),
                "mine": _show(mine),
                "theirs": _show(other),
                "settled": prefer if prefer in ("mine", "theirs") else "",
            }
        )
    if report and settled:
        with open(report, "a", encoding="utf-8") as fh:
            for row in settled:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    if conflicts and prefer not in ("mine", "theirs"):
        return 1
    doc = tomlkit.parse(a_text)
    _apply(doc, merged, a)
    from xsk.store import atomic

    atomic.write_text(ours, tomlkit.dumps(doc))
    return 0


def _set(data: dict[str, Any], keypath: tuple[str, ...], value: Any) -> None:
    for key in keypath[:-1]:
        data = data.setdefault(key, {})
    if value is _MISSING:
        data.pop(keypath[-1], None)
    else:
        data[keypath[-1]] = value


def _line_merge(base: Path, ours: Path, theirs: Path) -> int:
    """Not TOML (or unreadable): git's own line merge, conflict markers and all."""
    import subprocess

    r = subprocess.run(["git", "merge-file", str(ours), str(base), str(theirs)], check=False)
    return 0 if r.returncode == 0 else 1


def read_report(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    rows = [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]
    seen, out = set(), []
    for r in rows:  # a rebase may meet the same field in more than one commit
        key = (r["file"], r["field"])
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def describe(rows: list[dict[str, str]], limit: int = 3) -> str:
    parts = [
        f"{r['where']} 的 {r['field']}：本机“{r['mine']}”，远程“{r['theirs']}”"
        for r in rows[:limit]
    ]
    more = f" 等 {len(rows)} 处" if len(rows) > limit else ""
    return "；".join(parts) + more


def pull(
    root: Path,
    state_dir: Path,
    remote: str,
    branch: str,
    prefer: str | None,
    identity: Mapping[str, str],
) -> tuple[Any, list[dict[str, str]]]:
    """``git pull --rebase`` with the field merge; returns (git's result, fields settled).

    Fields changed on both sides: without ``prefer`` the rebase is undone and a UsageError
    names them; with it, the pull is redone as a merge settling each field that way (a merge
    commit, so the other value stays in history). Any other failure is returned to the caller.
    """
    from xsk.core.errors import UsageError
    from xsk.workspace import git as vcs

    report = state_dir / "merge-report.jsonl"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.unlink(missing_ok=True)
    env = {"XSK_MERGE_REPORT": str(report), "XSK_MERGE_LOCAL": "B"}  # rebase: local is B
    pulled = vcs.run_git(["pull", "--rebase", "-q", remote, branch], root, check=False, env=env)
    fields = read_report(report) if pulled.returncode != 0 else []
    report.unlink(missing_ok=True)
    if not fields:
        return pulled, []
    vcs.run_git(["rebase", "--abort"], root, check=False)
    if prefer not in ("mine", "theirs"):
        raise UsageError(
            f"同步冲突：两台电脑改了同一字段，已撤销本次同步，本机内容未变。{describe(fields)}",
            hint="与同事商定后：xsk sync --mine 保留本机的值，或 xsk sync --theirs 采用远程的值"
            "（另一方的值仍保留在 git 历史中）",
        )
    env = {
        "XSK_MERGE_REPORT": str(report),
        "XSK_MERGE_LOCAL": "A",  # merge: local is A
        "XSK_MERGE_PREFER": prefer,
        "GIT_MERGE_AUTOEDIT": "no",
        **identity,
    }
    merged = vcs.run_git(
        ["pull", "--no-rebase", "--no-edit", "-q", remote, branch], root, check=False, env=env
    )
    settled = read_report(report)
    report.unlink(missing_ok=True)
    if merged.returncode != 0:
        vcs.run_git(["merge", "--abort"], root, check=False)
        raise UsageError(
            "同步冲突：有文件无法按字段合并，已撤销本次同步，本机内容未变",
            hint="请用 git status 查看，或与同事商定后在一台电脑上修改",
        )
    if vcs.run_git(["rev-parse", "-q", "--verify", "HEAD^2"], root, check=False).returncode == 0:
        side = "本机" if prefer == "mine" else "远程"
        message = f"同步：冲突字段采用{side}的值（{len(settled)} 处）"
        vcs.run_git(["commit", "--amend", "-q", "-m", message], root, env=env)
    return merged, settled


def register(root: Path) -> bool:
    """Use the field merge in this clone; returns True when ``.gitattributes`` was changed
    (the caller commits it)."""
    from xsk.store import atomic
    from xsk.workspace import git as vcs

    command = f"'{sys.executable}' -m xsk.workspace.merge %O %A %B %P"
    current = vcs.run_git(["config", "--get", f"merge.{DRIVER}.driver"], root, check=False)
    if current.stdout.strip() != command:
        vcs.run_git(["config", f"merge.{DRIVER}.name", "xsk：TOML 文件按字段合并"], root)
        vcs.run_git(["config", f"merge.{DRIVER}.driver", command], root)
    attributes = root / ".gitattributes"
    text = attributes.read_text("utf-8") if attributes.exists() else ""
    if ATTRIBUTE in text.splitlines():
        return False
    atomic.write_text(attributes, (text.rstrip("\n") + "\n" if text else "") + ATTRIBUTE + "\n")
    return True


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        sys.stderr.write("用法：python -m xsk.workspace.merge 基础 本方 对方 路径\n")
        return 2
    base, ours, theirs, rel = argv
    return merge_files(Path(base), Path(ours), Path(theirs), rel)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
