"""Case folders: ``cases/<id>/case.toml`` (+ outcomes.toml, events/*.toml).

Layout of one case folder::

    cases/2026-007/
      case.toml        the case: title, procedure, current step, answers per step, history
      outcomes.toml    agreed items with responsible unit, deadline, status (when any)
      events/          one file per event (progress, objection, visit, rating, reply ...)
                       named <yyyymmddThhmmss>-<kind>-<rand>.toml so two laptops never touch
                       the same file

Meetings live at the workspace level in ``meetings/<meeting-id>.toml`` because one meeting may
cover several cases; each meeting lists its cases and each case's answers name its meeting.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from xsk.core.errors import DataError, NotFoundError, Problem
from xsk.core.model import CASE_ID_RE, Case, Reader, case_from_dict, case_to_dict
from xsk.core.winpath import name_problem
from xsk.store import filememo, tomlio
from xsk.workspace.settings import Workspace

CASE_FILE = "case.toml"


def case_dir(ws: Workspace, cid: str) -> Path:
    return ws.cases_dir / cid


def case_file(ws: Workspace, cid: str) -> Path:
    return ws.cases_dir / cid / CASE_FILE


def case_ids(ws: Workspace) -> list[str]:
    try:
        with os.scandir(ws.cases_dir) as it:
            names = [e.name for e in it]
    except OSError:
        return []
    base = os.fspath(ws.cases_dir)
    return sorted(n for n in names if os.path.isfile(os.path.join(base, n, CASE_FILE)))


def read_case(ws: Workspace, path: Path) -> tuple[Case | None, list[Problem]]:
    """Parse and validate one case.toml; problems are returned, not raised (once per file
    inside :func:`xsk.store.tomlio.read_once`)."""
    return tomlio.once(f"case:{ws.root}", path, lambda: _read_case(ws, path))


def _read_case(ws: Workspace, path: Path) -> tuple[Case | None, list[Problem]]:
    try:
        data, text = tomlio.read(path, ws.root)
    except DataError as exc:
        return None, [exc.problem]
    r = Reader(ws.rel(path), text)
    case = case_from_dict(data, r, folder_id=path.parent.name)
    return (case if not r.problems else None), r.problems


def load_case(ws: Workspace, cid: str) -> Case:
    if not CASE_ID_RE.match(cid) or name_problem(cid):
        raise NotFoundError(f"议题编号格式不对：“{cid}”", hint="例如 2026-007")
    path = case_file(ws, cid)
    if not path.is_file():
        raise NotFoundError(f"找不到议题 {cid}", hint="用 xsk status --all 查看全部议题")
    case, problems = read_case(ws, path)
    if problems:
        raise DataError(problems[0], hint="修正后运行 xsk check")
    assert case is not None
    return case


def iter_cases(ws: Workspace) -> Iterator[Case]:
    """Every case; the first invalid file stops with a DataError (exit 2)."""
    for cid in case_ids(ws):
        case, problems = read_case(ws, case_file(ws, cid))
        if problems:
            raise DataError(problems[0], hint="修正后运行 xsk check")
        assert case is not None
        yield case


def case_facts(ws: Workspace, cid: str) -> dict[str, Any]:
    """What ``xsk check`` needs of one case.toml: its problems (as
    :func:`xsk.store.filememo.problems_out` rows), and when it is valid its uid, procedure,
    step and whether it is open (remembered across runs inside :func:`filememo.active`)."""
    path = os.path.join(ws.cases_dir, cid, CASE_FILE)  # no Path: 10,000 cases, twice

    def make() -> dict[str, Any]:
        case, found = read_case(ws, Path(path))
        facts: dict[str, Any] = {"problems": filememo.problems_out(found), "valid": False}
        if case is not None:
            facts.update(
                valid=True,
                uid=case.uid,
                procedure=case.procedure,
                step=case.step,
                open=bool(case.is_open),
            )
        return facts

    return filememo.remember("case", path, make, deps=[path])


def check_cases(ws: Workspace, seen: dict[str, dict[str, Any]] | None = None) -> list[Problem]:
    """Every case.toml's problems, and uids shared by two cases. ``seen`` gets each case's
    :func:`case_facts` (the rest of ``xsk check`` needs them: one stat per case, not two)."""
    problems: list[Problem] = []
    uids: dict[str, str] = {}
    for cid in case_ids(ws):
        facts = case_facts(ws, cid)
        if seen is not None:
            seen[cid] = facts
        problems.extend(filememo.problems_in(facts["problems"]))
        uid = facts.get("uid")
        if facts["valid"] and uid:
            if uid in uids:
                problems.append(
                    Problem(
                        ws.rel(case_file(ws, cid)),
                        tomlio.locate(case_file(ws, cid).read_text("utf-8"), ("uid",)),
                        "E201",
                        f"与议题 {uids[uid]} 的 uid 相同（文件被复制？）",
                        "uid",
                    )
                )
            uids[uid] = cid
    return problems


def write_new(ws: Workspace, folder: Path, case: Case) -> Path:
    path = folder / CASE_FILE
    tomlio.write_new(path, case_to_dict(case), header=f"议题 {case.id}：{case.title}")
    return path


def update(ws: Workspace, cid: str, mutate: Callable[[Any], None]) -> Path:
    """Apply ``mutate`` to the case's tomlkit document, keeping comments and order."""
    path = case_file(ws, cid)
    tomlio.update(path, mutate)
    return path
