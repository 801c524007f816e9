"""documents/orphans.py without PR_SET_PDEATHSIG (its fallback, the only way on Windows and
macOS): a worker whose parent dies notices within a poll and exits."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from conftest import ROOT

PARENT = """
import os, subprocess, sys
child = subprocess.Popen([sys.executable, "-c", sys.argv[1], str(os.getpid())],
                         stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
print(child.pid, flush=True)
"""
CHILD = """
import sys, time
from xsk.documents import orphans
orphans.watch_parent(int(sys.argv[1]), main_thread=False)  # as the pool passes it
time.sleep(60)
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as fh:
            state = next(x for x in fh if x.startswith("State"))
        return "Z" not in state.split()[1]
    except OSError:
        return False


def test_a_worker_exits_when_its_parent_is_gone() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", PARENT, CHILD], capture_output=True, text=True,
                       env=env, timeout=60)  # fmt: skip
    child = int(r.stdout.split()[0])  # the parent has exited already
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and alive(child):
        time.sleep(0.05)
    still = alive(child)
    if still:
        os.kill(child, 9)
    assert not still, "the worker outlived its parent"
