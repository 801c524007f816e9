"""Multi-file changes that either land whole (one commit) or not at all.

A change writes several files (case.toml, a meeting, outcomes, events) and then commits them.
Each file is written atomically, but a crash between two writes, or before the commit, would
leave a half-applied step. So every writer first records the path in a journal
(``.xsk/journal``, fsynced); the commit removes the journal. The next command that writes finds
a leftover journal and rolls the listed paths back to the last commit (new files are deleted),
and clears a stale git index lock left by a killed ``git commit``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from xsk.workspace import git as vcs

JOURNAL = "journal"


class Transaction:
    def __init__(self, root: Path, state_dir: Path) -> None:
        self.root = root
        self.path = state_dir / JOURNAL
        self.paths: list[Path] = []

    def track(self, *paths: Path) -> None:
        """Record files or folders about to be written (before writing them)."""
        new = [p for p in paths if p not in self.paths]
        if not new:
            return
        self.paths.extend(new)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:
            for p in new:
                fh.write(os.path.relpath(p, self.root) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def done(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def recover(root: Path, state_dir: Path) -> list[str]:
    """Roll back an interrupted change; returns the paths restored."""
    journal = state_dir / JOURNAL
    if state_dir.is_dir():  # the index or a manifest being rewritten when a crash came
        remove_stray_temp_files(state_dir)
    if not journal.exists():
        return []
    # a git command killed with us leaves its lock files; no git runs while xsk recovers
    git_dir = root / ".git"
    for lock in (git_dir / "index.lock", git_dir / "HEAD.lock", *git_dir.glob("refs/heads/*.lock")):
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()
    rel = [line.strip() for line in journal.read_text("utf-8").splitlines() if line.strip()]
    restored = []
    for r in dict.fromkeys(rel):
        vcs.run_git(["reset", "-q", "--", r], root, check=False)
        tracked = vcs.run_git(["ls-files", "--error-unmatch", "--", r], root, check=False)
        if tracked.returncode == 0:
            vcs.run_git(["checkout", "HEAD", "--", r], root)
        vcs.run_git(["clean", "-fdq", "--", r], root, check=False)
        restored.append(r)
    remove_stray_temp_files(root)
    journal.unlink()
    return restored


def remove_stray_temp_files(root: Path) -> None:
    """Temp files of atomic writes interrupted by a crash (``.<name>.<random>.tmp``)."""
    for tmp in root.rglob(".*.tmp"):
        if ".git" not in tmp.parts:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


@contextlib.contextmanager
def transaction(root: Path, state_dir: Path) -> Iterator[Transaction]:
    """Recover any earlier interrupted change, then run one; roll back on error."""
    recover(root, state_dir)
    tx = Transaction(root, state_dir)
    try:
        yield tx
    except BaseException:
        recover(root, state_dir)
        raise
    tx.done()
