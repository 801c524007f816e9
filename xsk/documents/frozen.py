"""Issued documents are frozen: a document posted on a step says the same thing ever after.

A document with a 文号 (:data:`xsk.documents.plan.NUMBERED_KINDS`) is *issued*. Once it is
*complete* (a notice or minutes once the meeting is held and its cases have moved on; every
other kind at once), the 文号 register (:mod:`xsk.workspace.docnumbers`) records with its
number the commit its inputs were read from (HEAD, when the case and meeting files are
committed) and a digest of its context.

Later, when a case has moved on (progress, an edit by hand, ``xsk calendar recheck``), the live
context of that document differs from the digest. The document is then rendered from the case
*as it was* at the recorded commit: the files it reads (``xsk.toml``, the roster, calendars,
the case folders and meeting files) are taken from git into a snapshot folder and planned
there with the same code. So a rebuild gives the same text, and a later state gets a new
document (a 督办单, a corrected 公示 with its own number), never a changed old one.

When git does not have the commit (a shallow clone, a rewritten history), the document is
built from the current files, as before freezing existed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from xsk.workspace import git
from xsk.workspace.settings import CASES_DIR, MEETINGS_DIR, Workspace

# top-level entries of a workspace that no document reads (the case folders are taken one by
# one; every meeting file is taken: a result notice prints the resolutions of its meetings)
_NOT_INPUTS = {CASES_DIR, "out", ".xsk", ".gitignore", ".gitattributes"}


def digest(ctx: dict[str, Any]) -> str:
    """What a document says, as a short hash of its context (its 文号 left out)."""
    body = {k: v for k, v in ctx.items() if k != "doc_number"}
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


class Snapshots:
    """Workspaces as they were at given commits, extracted from git into temporary folders
    (each commit once; more case folders added as they are asked for)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._dirs: dict[str, Path] = {}
        self._have: dict[str, set[str]] = {}
        self._spaces: dict[str, Workspace | None] = {}
        self._tmp: Path | None = None

    def close(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def _extract(self, commit: str, paths: Sequence[str]) -> bool:
        have = self._have.setdefault(commit, set())
        wanted = [p for p in paths if p not in have]
        if not wanted:
            return True
        have.update(wanted)
        present = git.tree_paths(self.ws.root, commit, wanted)
        if not present:
            return commit in self._dirs
        data = git.archive(self.ws.root, commit, present)
        if data is None:
            return False
        if self._tmp is None:
            self.ws.state_dir.mkdir(parents=True, exist_ok=True)
            self._tmp = Path(tempfile.mkdtemp(prefix="frozen-", dir=self.ws.state_dir))
        folder = self._dirs.setdefault(commit, self._tmp / commit[:16])
        folder.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(folder, filter="data")
        return True

    def workspace(
        self, commit: str, case_ids: Sequence[str], meeting_ids: Sequence[str]
    ) -> Workspace | None:
        """The workspace at ``commit`` with at least these cases and meetings (and the
        cases those meetings discussed), or None when git does not have it."""
        if commit not in self._have:
            top = git.run_git(["ls-tree", "--name-only", "-z", commit], self.ws.root, check=False)
            if top.returncode != 0:
                self._have[commit] = set()
                self._spaces[commit] = None
                return None
            shared = [p for p in top.stdout.split("\0") if p and p not in _NOT_INPUTS]
            if not self._extract(commit, shared):
                self._spaces[commit] = None
                return None
        if commit in self._spaces and self._spaces[commit] is None:
            return None
        meeting_files = [f"{MEETINGS_DIR}/{m}.toml" for m in meeting_ids]  # in ``shared``
        folder = self._dirs.get(commit)
        if folder is None:
            return None
        more = list(case_ids)
        for m in meeting_files:
            more += _meeting_cases(folder / m)
        self._extract(commit, [f"{CASES_DIR}/{c}" for c in dict.fromkeys(more)])
        if commit not in self._spaces:
            self._spaces[commit] = _load(folder)
        return self._spaces[commit]


def _meeting_cases(path: Path) -> list[str]:
    import tomllib

    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    cases = data.get("cases", [])
    return [str(c) for c in cases] if isinstance(cases, list) else []


def _load(folder: Path) -> Workspace | None:
    from xsk.core.errors import XskError
    from xsk.store import atomic
    from xsk.workspace import settings

    crlf = atomic.new_files_crlf()
    try:
        return settings.load(folder)
    except (XskError, OSError):
        return None
    finally:
        atomic.set_new_files_crlf(crlf)


@contextlib.contextmanager
def snapshots(ws: Workspace) -> Iterator[Snapshots]:
    snaps = Snapshots(ws)
    try:
        yield snaps
    finally:
        snaps.close()


def moved_to(job: Any, ws: Workspace, snap: Workspace) -> Any:
    """A job planned in the snapshot, writing where the live job writes."""
    rel = job.out_path.relative_to(snap.out_dir)
    return dataclasses.replace(job, out_path=ws.out_dir / rel)


def replace_frozen(
    ws: Workspace,
    jobs: list[Any],
    *,
    key: Callable[[Any], str],
    replan: Callable[[Workspace, Any], Any | None],
    inputs: Callable[[Any], tuple[list[str], list[str]]],
    frozen: dict[str, tuple[str, str]],
    extra: Callable[[Any, Any], list[Any]] | None = None,
) -> list[Any]:
    """Each job whose key is frozen and whose live context says something else, replaced by
    the job planned from the workspace at the frozen commit (plus what ``extra`` adds for the
    pair: a correction notice)."""
    out: list[Any] = []
    with snapshots(ws) as snaps:
        for job in jobs:
            entry = frozen.get(key(job))
            if entry is None or digest(job.context) == entry[1]:
                out.append(job)
                continue
            case_ids, meeting_ids = inputs(job)
            snap = snaps.workspace(entry[0], case_ids, meeting_ids)
            old = replan(snap, job) if snap is not None else None
            if old is None:
                out.append(job)  # git no longer has it: the current files
                continue
            old = moved_to(old, ws, snap)
            # a public view checked against what is private now as well as then
            if job.public:
                old = dataclasses.replace(
                    old,
                    known_private=list(dict.fromkeys([*old.known_private, *job.known_private])),
                )
            out.append(old)
            if extra is not None:
                out.extend(extra(job, old))
    return out
