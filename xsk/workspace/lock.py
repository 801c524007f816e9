"""One writer at a time: an OS file lock on ``.xsk/lock``, released by the kernel on death.

Every command that writes the workspace holds :func:`hold` around its whole
read-modify-write-commit (``xsk new`` allocates its number under it, ``xsk event`` reads and
rewrites outcomes.toml under it). A second writer waits up to ``XSK_LOCK_WAIT`` seconds
(default 8), showing "另一个 xsk 正在写入本工作区（PID …）", then exits 2 with that line.
Readers never take the lock.

Backends, chosen once: ``fcntl.flock`` (Linux, macOS), ``msvcrt.locking`` (Windows), and,
where neither exists, an ``O_EXCL`` lock file holding the owner's PID that is taken over when
that PID is no longer alive. The OS locks die with their process, so a ``kill -9`` never leaves
the workspace locked. The holder's PID is written to ``.xsk/lock.pid`` for the message and
removed when the lock is released: a PID file found by the next holder means the last writer
died holding the lock (:func:`crashed_since`), so what its git left behind may be cleared.

The lock is re-entrant within one process (``xsk event … reopen`` runs a step inside the
event's lock; ``step --all`` holds it around every step).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from xsk.core.errors import XskError
from xsk.core.filelock import BACKEND, mtime, pid_alive, release, try_os_lock

LOCK_FILE = "lock"
PID_FILE = "lock.pid"
EXCL_FILE = "lock.excl"
DEFAULT_WAIT = 8.0
POLL = 0.05


class WorkspaceBusy(XskError):
    """Another xsk process is writing this workspace (exit 2)."""


def busy_message(pid: int | None) -> str:
    return f"另一个 xsk 正在写入本工作区（PID {pid if pid else '未知'}）"


# resolved root -> [depth, handle]
_held: dict[str, list] = {}
# resolved root -> when the writer that died holding the lock took it (its PID file's mtime)
_crashed: dict[str, float] = {}


def held(root: Path) -> bool:
    """True when this process holds the lock of ``root``."""
    return _key(root) in _held


def _key(root: Path) -> str:
    return os.path.realpath(root)


def _state(root: Path) -> Path:
    return Path(_key(root)) / ".xsk"


@contextlib.contextmanager
def hold(
    root: Path, *, wait: float | None = None, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the workspace's write lock (waiting ``wait`` seconds at most for another writer)."""
    key = _key(root)
    if key in _held:
        _held[key][0] += 1
        try:
            yield
        finally:
            _held[key][0] -= 1
        return
    handle = acquire(root, wait=wait, on_wait=on_wait)
    _held[key] = [1, handle]
    try:
        yield
    finally:
        del _held[key]
        release_held(handle, root)


def crashed_since(root: Path) -> float | None:
    """When the writer that died holding the lock took it, once, to the holder that found it.

    Set when this process took the lock and found the PID file of another process there (a
    writer that releases the lock removes its PID file first): what that writer's git children
    left (``index.lock`` …) is from a dead command, however it died."""
    return _crashed.pop(_key(root), None)


def try_hold(root: Path) -> contextlib.AbstractContextManager[bool]:
    """Hold the lock if it is free right now (yields True), else yield False at once."""

    @contextlib.contextmanager
    def cm() -> Iterator[bool]:
        if held(root):
            yield True
            return
        try:
            handle = acquire(root, wait=0.0)
        except WorkspaceBusy:
            yield False
            return
        _held[_key(root)] = [1, handle]
        try:
            yield True
        finally:
            del _held[_key(root)]
            release_held(handle, root)

    return cm()


def acquire(
    root: Path,
    *,
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
    backend: str | None = None,
) -> object:
    """Take the lock (polling); returns a handle for :func:`release`."""
    backend = backend or BACKEND
    if wait is None:
        try:
            wait = float(os.environ.get("XSK_LOCK_WAIT", DEFAULT_WAIT))
        except ValueError:
            wait = DEFAULT_WAIT
    state = _state(root)
    state.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + max(wait, 0.0)
    told = False
    while True:
        handle = _try(state, backend)
        if handle is not None:
            _note_crash(root, state)
            _write_pid(state)
            return handle
        if time.monotonic() >= deadline:
            raise WorkspaceBusy(busy_message(owner(root)), hint="请等它完成后再试")
        if not told:
            told = True
            text = busy_message(owner(root)) + "，等待其完成…"
            (on_wait or _stderr)(text)
        time.sleep(POLL)


def release_held(handle: object, root: Path) -> None:
    """Let the lock go, removing the PID file first (a clean end, not a crash)."""
    with contextlib.suppress(OSError):
        (_state(root) / PID_FILE).unlink()
    release(handle)


def owner(root: Path) -> int | None:
    """PID of the process that holds (or last held) the lock."""
    state = _state(root)
    for name in (PID_FILE, EXCL_FILE):
        try:
            text = (state / name).read_text("ascii").strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text.isdigit():
            return int(text)
    return None


def _stderr(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _note_crash(root: Path, state: Path) -> None:
    path = state / PID_FILE
    try:
        text = path.read_text("ascii").strip()
        at = path.stat().st_mtime
    except (OSError, UnicodeDecodeError):
        return
    if text != str(os.getpid()):
        _crashed[_key(root)] = at


def _write_pid(state: Path) -> None:
    with contextlib.suppress(OSError):
        (state / PID_FILE).write_text(str(os.getpid()), "ascii")


def _try(state: Path, backend: str) -> object | None:
    if backend == "excl":
        return _try_excl(state)
    return try_os_lock(state / LOCK_FILE, backend)


def _try_excl(state: Path) -> object | None:
    """Fallback: a lock file created with O_EXCL; a dead owner's file is taken over."""
    path = state / EXCL_FILE
    for _ in range(2):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            try:
                text = path.read_text("ascii").strip()
            except (OSError, UnicodeDecodeError):
                text = ""
            if text.isdigit() and pid_alive(int(text)):
                return None
            if not text and time.time() - mtime(path) < 2:
                return None  # being created right now
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            continue
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(str(os.getpid()))
        return ("excl", str(path))
    return None
