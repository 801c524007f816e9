"""``xsk check`` beyond settings and case.toml: every other file a person may edit.

outcomes.toml, the event files, the meeting files, series.toml, the workspace's document
templates and ballot CSVs are read with the same typed validation the commands use (the
parts' own ``validate``), so a file ``check`` passes is a file ``report``, ``due`` and
``docs build`` can read. One :class:`~xsk.core.errors.Problem` per mistake.
"""

from __future__ import annotations

from pathlib import Path

from xsk.core.errors import DataError, Problem
from xsk.parts import events, meetings, outcomes
from xsk.store import tomlio
from xsk.workspace import cases as store
from xsk.workspace import numbering
from xsk.workspace.settings import Workspace


def check_records(ws: Workspace) -> list[Problem]:
    problems: list[Problem] = []
    if ws.cases_dir.is_dir():
        for folder in sorted(p for p in ws.cases_dir.iterdir() if p.is_dir()):
            if not (folder / store.CASE_FILE).is_file():
                continue
            _items, found = outcomes.read(folder, ws.root)
            problems.extend(found)
            for path in sorted(events.folder(folder).glob("*.toml")):
                problems.extend(events.check_file(path, ws.root))
            problems.extend(_csv_problems(ws, folder))
    if ws.meetings_dir.is_dir():
        for path in sorted(ws.meetings_dir.glob("*.toml")):
            found = meetings.check_file(path, ws.root)
            if not found and not meetings.MEETING_ID_RE.match(path.stem):
                found = [
                    Problem(ws.rel(path), 0, "E501", "会议文件名应为会议编号（如 2026-M001.toml）")
                ]
            problems.extend(found)
        problems.extend(_csv_problems(ws, ws.meetings_dir))
    problems.extend(_series_problems(ws))
    problems.extend(_template_problems(ws))
    return problems


def _csv_problems(ws: Workspace, folder: Path) -> list[Problem]:
    out = []
    for path in sorted(folder.rglob("*.csv")):
        try:
            meetings.read_ballots_csv(path)
        except DataError as exc:
            p = exc.problem
            out.append(Problem(ws.rel(path), p.line, p.code, p.message, p.field))
    return out


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
