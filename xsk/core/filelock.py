"""OS file locks that die with their process: ``fcntl.flock`` (Linux, macOS),
``msvcrt.locking`` (Windows), else an ``O_EXCL`` file. The backend for the workspace's one-writer
lock (:mod:`xsk.workspace.lock`) and :func:`file_lock`, a short lock around a cache file that
several processes save."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
try:
    import msvcrt
except ImportError:
    msvcrt = None  # type: ignore[assignment]

BACKEND = "fcntl" if fcntl is not None else "msvcrt" if msvcrt is not None else "excl"
POLL = 0.01


def release(handle: object) -> None:
    """Let go of a lock taken by this module or :mod:`xsk.workspace.lock`."""
    backend, obj = handle  # type: ignore[misc]
    if backend == "excl":
        with contextlib.suppress(FileNotFoundError):
            os.unlink(obj)
        return
    fd = obj
    try:
        if backend == "fcntl":
            fcntl.flock(fd, fcntl.LOCK_UN)
        else:  # pragma: no cover - Windows
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    finally:
        os.close(fd)


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid() or os.name == "nt":  # (os.kill would terminate it on Windows)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:  # pragma: no cover - Windows raises OSError for a gone process
        return False
    return True


@contextlib.contextmanager
def file_lock(path: Path, *, wait: float = 10.0) -> Iterator[bool]:
    """A short exclusive lock on ``path`` (created) between processes, for a read-merge-write
    of a cache file that several processes save (a build's workers). Yields whether it was
    taken: after ``wait`` seconds the caller goes on without it (a cache, not the workspace)."""
    handle = None
    deadline = time.monotonic() + wait
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
    while handle is None:
        with contextlib.suppress(OSError):
            handle = _try_file(path)
        if handle is None:
            if time.monotonic() >= deadline:
                break
            time.sleep(POLL)
    try:
        yield handle is not None
    finally:
        if handle is not None:
            release(handle)


def _try_file(path: Path) -> object | None:
    if BACKEND == "excl":
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            if time.time() - mtime(path) > 30:  # left by a process that died holding it
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
            return None
        os.close(fd)
        return ("excl", str(path))
    return try_os_lock(path, BACKEND)


def try_os_lock(path: Path, backend: str) -> object | None:
    """The OS lock (``fcntl`` or ``msvcrt``) on ``path`` if free now, else None."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if backend == "fcntl":
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # pragma: no cover - Windows
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        os.close(fd)
        return None
    return (backend, fd)


def mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
