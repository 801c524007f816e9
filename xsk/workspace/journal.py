"""Multi-file changes that either land whole (one commit) or not at all.

A change writes several files (case.toml, a meeting, outcomes, events) and then commits them.
Each file is written atomically, but a crash between two writes, or before the commit, would
leave a half-applied step. So every writer first records the path in a journal
(``.xsk/journal``, fsynced); the commit removes the journal. The next command that writes finds
a leftover journal and rolls the listed paths back to the last commit (new files are deleted),
and clears the git lock files (``index.lock`` …) a killed writer's git left: the writer that
died holding the workspace lock left its PID file (:func:`xsk.workspace.lock.crashed_since`).
A git lock file while no writer died is a live git's, and is left alone.

Recovery runs only under the workspace lock (:mod:`xsk.workspace.lock`), so it never mistakes
a live writer's journal for a crash. :func:`writing` is the one entry for a command that
writes: it takes the lock, restores whatever a crash left (an interrupted ``xsk sync``
first: its pre-sync HEAD is in ``.xsk/sync``), and holds the lock until the command is done.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from xsk.workspace import git as vcs
from xsk.workspace import lock

T = TypeVar("T")
JOURNAL = "journal"
SYNC = "sync"


@contextlib.contextmanager
def writing(root: Path, state_dir: Path | None = None) -> Iterator[None]:
    """Hold the workspace's write lock and recover an interrupted change first.

    Every command that changes the workspace runs inside this (re-entrant) block, around its
    whole read-modify-write-commit.
    """
    state_dir = state_dir or root / ".xsk"
    for name in WRITTEN_FOLDERS:
        refuse_symlinks(root, root / name, walk=False)
    with lock.hold(root):
        recover(root, state_dir)
        yield


# the folders and files commands write into (each checked for symbolic links before a write)
WRITTEN_FOLDERS = ("cases", "meetings", "templates", "templates/documents", "templates/procedures",
                   "calendar", ".xsk", "xsk.toml", "roster.toml", "series.toml")  # fmt: skip


def refuse_symlinks(root: Path, path: Path, *, walk: bool = True) -> None:
    """UsageError (exit 2) when ``path`` or a folder between ``root`` and it is a symbolic
    link, or (``walk``) a folder inside ``path`` is one: a write would land elsewhere."""
    from xsk.core.errors import UsageError

    try:
        rel = Path(os.path.relpath(path, root))
    except ValueError:  # another drive (Windows)
        rel = Path("..")
    if rel.parts[:1] == ("..",):
        raise UsageError(f"拒绝写入工作区之外的路径：{path}")
    node = root
    for part in rel.parts:
        node = node / part
        if node.is_symlink():
            raise UsageError(
                f"{os.path.relpath(node, root)} 是符号链接，xsk 不会通过它写入",
                hint="请把它换成普通文件夹或文件",
            )
    if walk and path.is_dir():
        for dirpath, dirnames, filenames in os.walk(path):
            for name in (*dirnames, *filenames):
                full = Path(dirpath, name)
                if full.is_symlink():
                    raise UsageError(
                        f"{os.path.relpath(full, root)} 是符号链接，xsk 不会通过它写入",
                        hint="请把它换成普通文件夹或文件",
                    )


def recover_if_free(root: Path, state_dir: Path | None = None) -> None:
    """For readers: restore a crashed change if one is recorded and nobody is writing now."""
    state_dir = state_dir or root / ".xsk"
    if not ((state_dir / JOURNAL).exists() or (state_dir / SYNC).exists()):
        return
    with lock.try_hold(root) as got:
        if got:
            recover(root, state_dir)


class Transaction:
    def __init__(self, root: Path, state_dir: Path) -> None:
        self.root = root
        self.path = state_dir / JOURNAL
        self.paths: list[Path] = []

    def track(self, *paths: Path) -> None:
        """Record files or folders about to be written (before writing them).

        A path that is, or runs through, a symbolic link is refused here, before any write:
        xsk writes only inside the workspace.
        """
        new = [p for p in paths if p not in self.paths]
        if not new:
            return
        for p in new:
            refuse_symlinks(self.root, p)
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
    """Roll back an interrupted change (under the lock); returns the paths restored."""
    with lock.hold(root):
        # the last writer died holding the lock, maybe with no journal yet (a ``git status``
        # refreshing the index before ``sync`` records anything), or this process killed its
        # own git (Ctrl-C): the lock files that git left
        found = [t for t in (lock.crashed_since(root), vcs.take_killed_since()) if t is not None]
        if found:
            _clear_git_locks(root, since=min(found), settle=1.0)
        restored = recover_sync(root, state_dir)
        return restored + _recover_paths(root, state_dir)


def _git_locks(root: Path) -> list[Path]:
    git_dir = root / ".git"
    # index.lock, HEAD.lock, ORIG_HEAD.lock, packed-refs.lock, config.lock, shallow.lock … (a
    # killed fetch or rebase leaves others than a killed commit), and every ref's lock
    found = list(git_dir.glob("*.lock"))
    found += list(git_dir.glob("refs/**/*.lock"))
    found += list(git_dir.glob("logs/**/*.lock"))
    return found


def _clear_git_locks(root: Path, *, since: float, settle: float) -> None:
    """Lock files a git command killed with us leaves (no git runs while xsk recovers).

    ``since``: only those made after that time (the dead writer took the lock then; an older
    one is not its git's). ``settle``: wait that long at most for a git that outlived its xsk to
    finish and remove its own lock first.
    """
    import time

    def stale() -> list[Path]:
        out = []
        for path in _git_locks(root):
            try:
                made = path.stat().st_mtime
            except OSError:
                continue
            if made >= since - 1.0:  # (file-system time stamps are coarse)
                out.append(path)
        return out

    found = stale()
    deadline = time.monotonic() + settle
    while found and time.monotonic() < deadline:
        time.sleep(0.05)
        found = stale()
    for path in found:
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            path.unlink()


# --- sync: the pre-sync HEAD, so a killed pull/rebase can be undone ----------------------------


def begin_sync(root: Path, state_dir: Path, branch: str, head: str) -> None:
    """Record the branch and its HEAD before ``xsk sync`` pulls (fsynced)."""
    from xsk.store import atomic

    atomic.write_text(state_dir / SYNC, f"{branch}\n{head}\n")


def end_sync(state_dir: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (state_dir / SYNC).unlink()


def recover_sync(root: Path, state_dir: Path) -> list[str]:
    """Undo a sync killed half-way: abort its rebase or merge, put the branch back where it was.

    The working tree was clean when the sync began (sync refuses otherwise), so a hard reset to
    the recorded HEAD loses nothing local; the remote's commits stay on the remote.
    """
    path = state_dir / SYNC
    try:
        branch, head = path.read_text("utf-8").split()[:2]
    except (FileNotFoundError, ValueError):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return []
    _abort_and_reset(root, branch, head)
    # git does not die with a killed xsk: a rebase it started may still be finishing. Wait until
    # the repository stays as we left it, resetting again if that git changed it meanwhile.
    import time

    steady = 0
    for _ in range(40):  # at most ~8 s
        time.sleep(0.2)
        if _synced_back(root, head):
            steady += 1
            if steady == 2:
                break
        else:
            steady = 0
            _abort_and_reset(root, branch, head)
    path.unlink()
    return [f"sync {branch}"]


def _synced_back(root: Path, head: str) -> bool:
    git_dir = root / ".git"
    busy = ("rebase-merge", "rebase-apply", "MERGE_HEAD", "index.lock")
    if any((git_dir / name).exists() for name in busy):
        return False
    now = vcs.run_git(["rev-parse", "HEAD"], root, check=False).stdout.strip()
    dirty = vcs.run_git(["status", "--porcelain"], root, check=False).stdout.strip()
    return now == head and not dirty


def _reset_to(root: Path, branch: str, head: str) -> None:
    vcs.run_git(["checkout", "-q", "-f", "-B", branch, head], root, check=False)
    vcs.run_git(["reset", "-q", "--hard", head], root, check=False)
    _remove_fetched_leftovers(root, branch)


def _remove_fetched_leftovers(root: Path, branch: str) -> None:
    """Files a killed checkout of the fetched commits wrote before its index: a hard reset
    leaves them untracked. The tree was clean when the sync began (it refuses otherwise), so an
    untracked file at a path of the fetched tree is the sync's; any other is left alone."""
    listed = vcs.run_git(["ls-files", "--others", "--exclude-standard", "-z"], root, check=False)
    others = [p for p in listed.stdout.split("\0") if p]
    if not others:
        return
    refs = vcs.run_git(["for-each-ref", "--format=%(refname)", "refs/remotes"], root, check=False)
    fetched = [r for r in refs.stdout.split() if r.endswith(f"/{branch}")]
    theirs: set[str] = set()
    for ref in ("FETCH_HEAD", *fetched):
        tree = vcs.run_git(["ls-tree", "-r", "-z", "--name-only", ref], root, check=False)
        if tree.returncode == 0:
            theirs.update(p for p in tree.stdout.split("\0") if p)
    for rel in others:
        if rel not in theirs:
            continue
        path = root / rel
        with contextlib.suppress(FileNotFoundError, IsADirectoryError):
            path.unlink()
        for parent in path.parents:  # the folders it made, once empty
            if parent == root:
                break
            try:
                parent.rmdir()
            except OSError:
                break


def _abort_and_reset(root: Path, branch: str, head: str) -> None:
    """Abort a rebase or merge left in progress and put the branch back at ``head``.

    git lock files are not touched here: a dead writer's were cleared by :func:`recover`; any
    other is a live git's."""
    git_dir = root / ".git"
    if (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists():
        vcs.run_git(["rebase", "--abort"], root, check=False)
    if (git_dir / "MERGE_HEAD").exists():
        vcs.run_git(["merge", "--abort"], root, check=False)
    import shutil

    for leftover in ("rebase-merge", "rebase-apply"):
        shutil.rmtree(git_dir / leftover, ignore_errors=True)
    for leftover in ("MERGE_HEAD", "MERGE_MSG", "MERGE_MODE", "AUTO_MERGE"):
        with contextlib.suppress(FileNotFoundError):
            (git_dir / leftover).unlink()
    _reset_to(root, branch, head)


def _recover_paths(root: Path, state_dir: Path) -> list[str]:
    journal = state_dir / JOURNAL
    if state_dir.is_dir():  # the index or a manifest being rewritten when a crash came
        # The documents' manifest (one file per case, thousands) is walked only when a build
        # was killed: its marker is still there (xsk.documents.uptodate.building).
        killed_build = (state_dir / "docs" / "building").exists()
        remove_stray_temp_files(state_dir, skip=() if killed_build else ("docs/units",))
        import shutil

        for stage in state_dir.glob("import-*"):  # an import's staging folder
            shutil.rmtree(stage, ignore_errors=True)
    if not journal.exists():
        return []
    rel = [line.strip() for line in journal.read_text("utf-8").splitlines() if line.strip()]
    restored = []
    for r in dict.fromkeys(rel):
        vcs.run_git(["reset", "-q", "--", r], root, check=False)
        tracked = vcs.run_git(["ls-files", "--error-unmatch", "--", r], root, check=False)
        if tracked.returncode == 0:
            vcs.run_git(["checkout", "HEAD", "--", r], root)
        vcs.run_git(["clean", "-fdq", "--", r], root, check=False)
        _remove_empty_dirs(root / r)
        restored.append(r)
    remove_stray_temp_files(root)
    journal.unlink()
    return restored


def _remove_empty_dirs(path: Path) -> None:
    """Folders git does not track once empty (a new case's folder made before its file)."""
    if not path.is_dir() or path.is_symlink():
        return
    for sub in sorted((p for p in path.rglob("*") if p.is_dir()), reverse=True):
        with contextlib.suppress(OSError):
            sub.rmdir()
    with contextlib.suppress(OSError):
        path.rmdir()


def remove_stray_temp_files(root: Path, *, skip: tuple[str, ...] = ()) -> None:
    """Temp files of atomic writes interrupted by a crash (``.<name>.<random>.tmp``), not
    under ``.git`` nor under the folders ``skip`` names (relative, ``/``-separated)."""
    for dirpath, dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root).as_posix()
        dirnames[:] = [
            d for d in dirnames if d != ".git" and (d if rel == "." else f"{rel}/{d}") not in skip
        ]
        for name in filenames:
            if name.startswith(".") and name.endswith(".tmp"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(dirpath, name))


@contextlib.contextmanager
def transaction(root: Path, state_dir: Path) -> Iterator[Transaction]:
    """Recover any earlier interrupted change, then run one; roll back on error.

    Runs under the workspace lock (taken here if the caller does not hold it already).
    """
    with lock.hold(root):
        recover(root, state_dir)
        tx = Transaction(root, state_dir)
        try:
            yield tx
        except BaseException:
            recover(root, state_dir)
            raise
        tx.done()


def writer(fn: Callable[..., T]) -> Callable[..., T]:
    """Decorator: run ``fn(ws, ...)`` inside :func:`writing` (the lock, recovery first)."""

    @functools.wraps(fn)
    def wrapped(ws: Any, *args: Any, **kwargs: Any) -> T:
        with writing(ws.root, ws.state_dir):
            return fn(ws, *args, **kwargs)

    return wrapped
