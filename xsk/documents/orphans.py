"""Pool workers exit when their parent dies (a killed ``xsk docs build`` leaves none behind).

A ``ProcessPoolExecutor`` worker waits on a queue whose pipe it shares with its siblings, so
a parent killed with SIGKILL gives it no end-of-file: it would keep rendering, then wait for
ever. Each worker therefore runs :func:`watch_parent` at start: on Linux the kernel sends it
SIGKILL when the parent dies (``PR_SET_PDEATHSIG``), and everywhere a daemon thread checks
every :data:`POLL` seconds that the parent is still its parent and exits at once if not.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

POLL = 0.25
PR_SET_PDEATHSIG = 1


def initargs() -> tuple[int, bool]:
    """Arguments for :func:`watch_parent`, taken in the parent that starts the pool.

    PR_SET_PDEATHSIG fires when the *thread* that forked the worker ends, so it is used only
    when that thread is the main thread (which lives as long as the process).
    """
    return os.getpid(), threading.current_thread() is threading.main_thread()


def watch_parent(parent: int, main_thread: bool = False) -> None:
    """Worker initializer: die with ``parent`` (its PID as the parent saw it)."""
    if sys.platform.startswith("linux") and main_thread:
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if not _alive(parent):  # died before the line above
        os._exit(1)
    threading.Thread(target=_poll, args=(parent,), name="xsk-parent-watch", daemon=True).start()


def _alive(parent: int) -> bool:
    if os.name == "nt":  # getppid() is the creator's PID for the whole life of the process
        return _windows_alive(parent)
    return os.getppid() == parent


def _windows_alive(pid: int) -> bool:  # pragma: no cover - Windows
    import ctypes

    synchronize, wait_timeout = 0x00100000, 0x00000102
    handle = ctypes.windll.kernel32.OpenProcess(synchronize, False, pid)
    if not handle:
        return False
    try:
        return ctypes.windll.kernel32.WaitForSingleObject(handle, 0) == wait_timeout
    finally:
        ctypes.windll.kernel32.CloseHandle(handle)


def _poll(parent: int) -> None:
    while True:
        time.sleep(POLL)
        if not _alive(parent):
            os._exit(1)
