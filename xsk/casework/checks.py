"""``xsk check`` beyond settings and case.toml: every other file a person may edit.

outcomes.toml, the event files, the meeting files, series.toml, the workspace's document
templates and ballot CSVs are read with the same typed validation the commands use (the
parts' own ``validate``), so a file ``check`` passes is a file ``report``, ``due`` and
``docs build`` can read. One :class:`~xsk.core.errors.Problem` per mistake.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from xsk.core.errors import DataError, Problem
from xsk.parts import events, meetings, outcomes
from xsk.store import filememo, tomlio
from xsk.workspace import cases as store
from xsk.workspace import numbering
from xsk.workspace.settings import Workspace


def check_records(ws: Workspace) -> list[Problem]:
    problems: list[Problem] = []
    if ws.cases_dir.is_dir():
        for folder, names, event_files, csvs in _case_folders(ws.cases_dir):
            if store.CASE_FILE not in names:
                continue
            problems.extend(_folder_problems(ws, folder, event_files, csvs))
    if ws.meetings_dir.is_dir():
        for path in sorted(ws.meetings_dir.glob("*.toml")):
            found = _remembered("meeting", str(path), meetings.check_file, ws.root)
            if not found and not meetings.MEETING_ID_RE.match(path.stem):
                found = [
                    Problem(ws.rel(path), 0, "E501", "会议文件名应为会议编号（如 2026-M001.toml）")
                ]
            problems.extend(found)
        for path in _csv_under(str(ws.meetings_dir)):
            problems.extend(_remembered("ballots", path, _csv_file(ws), ws.root))
    problems.extend(_series_problems(ws))
    problems.extend(_register_problems(ws))
    problems.extend(_template_problems(ws))
    return problems


def _folder_problems(
    ws: Workspace, folder: str, event_files: list[str], csvs: list[str]
) -> list[Problem]:
    """A case folder's outcomes, events and ballots, remembered as one while none of those
    files changed and the folder lists the same ones (10,000 lookups, not 56,000)."""
    listing = hashlib.blake2b("\0".join([*event_files, *csvs]).encode(), digest_size=8)

    def make() -> list[list[Any]]:
        found = _outcome_problems(ws, folder)
        for path in event_files:
            found.extend(_remembered("event", path, events.check_file, ws.root))
        for path in csvs:
            found.extend(_remembered("ballots", path, _csv_file(ws), ws.root))
        return filememo.problems_out(found)

    deps = [os.path.join(folder, outcomes.FILE), *event_files, *csvs]
    rows = filememo.remember("casefolder", f"{folder}\0{listing.hexdigest()}", make, deps=deps)
    return filememo.problems_in(rows)


def _case_folders(cases_dir: Path) -> Iterator[tuple[str, set[str], list[str], list[str]]]:
    """Each case folder in name order: its path, the names of the files in it, the paths of
    its events' .toml files (sorted) and of its CSV files at any depth (in
    ``sorted(rglob("*.csv"))`` order): one ``os.scandir`` per folder (10,000 cases)."""
    with os.scandir(cases_dir) as it:
        folders = sorted((e.name, e.path) for e in it if e.is_dir())
    for _name, full in folders:
        tree = _tree(full)
        if tree is None:
            continue
        files, subdirs = tree
        csvs = [((n,), p) for n, p in files.items() if n.endswith(".csv")]
        event_files: list[str] = []
        for sub, (_sub_path, sub_tree) in sorted(subdirs.items()):
            csvs.extend(((sub, *parts), q) for parts, q in _csv_parts(sub_tree))
            if sub == "events":
                event_files = [p for n, p in sorted(sub_tree[0].items()) if n.endswith(".toml")]
        if "events" not in subdirs and os.path.isdir(os.path.join(full, "events")):
            event_files = sorted(  # a symlinked events folder: read, not entered for CSVs
                os.path.join(full, "events", n)
                for n in os.listdir(os.path.join(full, "events"))
                if n.endswith(".toml")
            )
        csvs.sort()
        yield full, set(files), event_files, [q for _k, q in csvs]


_Tree = tuple[dict[str, str], dict[str, tuple[str, "_Tree"]]]


def _tree(folder: str) -> _Tree | None:
    """The files (name -> path) and folders (name -> (path, tree)) under ``folder``; like
    rglob, folders that are symlinks are not entered."""
    try:
        with os.scandir(folder) as it:
            entries = [(e.name, e.path, e.is_dir(follow_symlinks=False), e) for e in it]
    except OSError:
        return None
    files: dict[str, str] = {}
    dirs: dict[str, tuple[str, _Tree]] = {}
    for n, p, real_dir, e in entries:
        if real_dir:
            sub = _tree(p)
            if sub is not None:
                dirs[n] = (p, sub)
        elif not (e.is_symlink() and e.is_dir()):
            files[n] = p
    return files, dirs


def _csv_parts(tree: _Tree) -> list[tuple[tuple[str, ...], str]]:
    files, dirs = tree
    out = [((n,), p) for n, p in files.items() if n.endswith(".csv")]
    for n, (_p, sub) in dirs.items():
        out.extend(((n, *parts), q) for parts, q in _csv_parts(sub))
    return out


def _csv_under(folder: str) -> list[str]:
    tree = _tree(folder)
    return [q for _k, q in sorted(_csv_parts(tree))] if tree else []


def _remembered(
    tag: str, path: str, check: Callable[[Path, Path], list[Problem]], root: Path
) -> list[Problem]:
    """``check(path, root)``, remembered while ``path`` is unchanged (:mod:`filememo`)."""
    rows = filememo.remember(
        tag, path, lambda: filememo.problems_out(check(Path(path), root)), deps=[path]
    )
    return filememo.problems_in(rows)


def _outcome_problems(ws: Workspace, folder: str) -> list[Problem]:
    path = os.path.join(folder, outcomes.FILE)
    rows = filememo.remember(
        "outcomes",
        path,
        lambda: filememo.problems_out(outcomes.read(Path(folder), ws.root)[1]),
        deps=[path],
    )
    return filememo.problems_in(rows)


def _csv_file(ws: Workspace) -> Callable[[Path, Path], list[Problem]]:
    def check(path: Path, _root: Path) -> list[Problem]:
        try:
            meetings.read_ballots_csv(path)
        except DataError as exc:
            p = exc.problem
            return [Problem(ws.rel(path), p.line, p.code, p.message, p.field)]
        return []

    return check


def _register_problems(ws: Workspace) -> list[Problem]:
    """A 文号 register file (register/*.toml) that cannot be read stops every build of a
    numbered document: its syntax, with the line. Remembered while the file is unchanged:
    at 10,000 cases the register holds tens of thousands of entries."""
    from xsk.workspace.docnumbers import REGISTER_DIR, REGISTER_MAX_BYTES

    def syntax(path: Path, root: Path) -> list[Problem]:
        return tomlio.check_file(path, root, lambda _d, _r: None, max_bytes=REGISTER_MAX_BYTES)

    folder = ws.root / REGISTER_DIR
    paths = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    return [p for path in paths for p in _remembered("register", str(path), syntax, ws.root)]


def _series_problems(ws: Workspace) -> list[Problem]:
    path = ws.root / numbering.SERIES_FILE
    if not path.exists():
        return []
    try:
        data, text = tomlio.read(path, ws.root)
    except DataError as exc:
        return [exc.problem]
    table = data.get("series", {})
    if not isinstance(table, dict):
        return [Problem(ws.rel(path), tomlio.locate(text, ("series",)), "E102", "series 应为表")]
    out = []
    for letter, value in table.items():
        if len(letter) != 1 or not letter.isascii() or not letter.isupper():
            line = tomlio.locate(text, ("series", letter))
            out.append(Problem(ws.rel(path), line, "E104", f"序列“{letter}”应为一个大写英文字母"))
        elif not isinstance(value, dict):
            line = tomlio.locate(text, ("series", letter))
            out.append(Problem(ws.rel(path), line, "E102", f"序列 {letter} 应为表"))
    return out


def _template_problems(ws: Workspace) -> list[Problem]:
    """Workspace templates (templates/documents/*.docx): a Word file that opens."""
    import zipfile

    folder = ws.templates_dir / "documents"
    out = []
    for path in sorted(folder.glob("*.docx")) if folder.is_dir() else []:
        try:
            with zipfile.ZipFile(path) as z:
                if "word/document.xml" not in z.namelist():
                    raise zipfile.BadZipFile
        except (zipfile.BadZipFile, OSError):
            out.append(Problem(ws.rel(path), 0, "E601", "不是有效的 Word 模板（.docx）"))
    return out
