"""The workspace write lock (issue 13): one writer at a time, readers never wait, the kernel
releases it when its holder dies, recovery never touches a live writer's journal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, run_xsk

from xsk.workspace import journal, lock

HOLDER = """
import sys, time
from pathlib import Path
from xsk.workspace import lock
with lock.hold(Path(sys.argv[1])):
    if len(sys.argv) > 2:
        Path(sys.argv[1], ".xsk", "journal").write_text(sys.argv[2] + "\\n", "utf-8")
    print("held", flush=True)
    time.sleep(60)
"""


def start_holder(root: Path, journal_line: str = "") -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-c", HOLDER, str(root), *([journal_line] if journal_line else [])]
    p = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env)
    assert p.stdout is not None and p.stdout.readline().strip() == "held"
    return p


@pytest.fixture
def holder(ws_path: Path):
    p = start_holder(ws_path)
    yield p
    p.kill()
    p.wait()


def head(root: Path) -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True
    ).stdout


def test_second_writer_waits_then_exits_2_naming_the_holder(ws_path, holder):
    before = head(ws_path)
    t0 = time.monotonic()
    r = run_xsk("-C", str(ws_path), "new", "--title", "楼道灯", "--no-input",
                env={"XSK_LOCK_WAIT": "1"})  # fmt: skip
    waited = time.monotonic() - t0
    line = f"另一个 xsk 正在写入本工作区（PID {holder.pid}）"
    assert r.returncode == 2, r.stderr
    assert line in r.stderr.splitlines()[0]  # shown while waiting
    assert r.stderr.splitlines()[-1].startswith(f"错误：{line}")
    assert "Traceback" not in r.stderr
    assert waited >= 1.0
    assert head(ws_path) == before and not (ws_path / "cases" / "2026-001").exists()


def test_readers_never_wait(ws_path, holder):
    t0 = time.monotonic()
    r = run_xsk("-C", str(ws_path), "status", env={"XSK_LOCK_WAIT": "30"})
    assert r.returncode == 0, r.stderr
    assert time.monotonic() - t0 < 10 and "另一个" not in r.stderr


def test_the_kernel_releases_the_lock_of_a_killed_holder(ws_path):
    p = start_holder(ws_path)
    p.send_signal(signal.SIGKILL)
    p.wait()
    r = run_xsk("-C", str(ws_path), "new", "--title", "楼道灯", "--no-input",
                env={"XSK_LOCK_WAIT": "0"})  # fmt: skip
    assert r.returncode == 0, r.stderr


def test_recovery_never_touches_a_live_writers_journal(ws_path):
    """The old recover() took a live writer's journal for a crash and rolled it back."""
    (ws_path / "cases" / "2026-009").mkdir(parents=True)
    (ws_path / "cases" / "2026-009" / "case.toml").write_text("# being written\n", "utf-8")
    p = start_holder(ws_path, "cases/2026-009")
    try:
        r = run_xsk("-C", str(ws_path), "status", "--all")  # a reader: recovers only when free
        assert (ws_path / "cases" / "2026-009" / "case.toml").exists(), r.stderr
        assert (ws_path / ".xsk" / "journal").exists()
    finally:
        p.kill()
        p.wait()
    # the holder is dead now: its half-written case is a crash, and the next command undoes it
    r = run_xsk("-C", str(ws_path), "status", "--all")
    assert r.returncode == 0, r.stderr
    assert not (ws_path / "cases" / "2026-009").exists()
    assert not (ws_path / ".xsk" / "journal").exists()


def test_hold_is_reentrant_in_one_process(tmp_path):
    with lock.hold(tmp_path):
        with lock.hold(tmp_path):
            assert lock.held(tmp_path)
        assert lock.held(tmp_path)
        with journal.transaction(tmp_path, tmp_path / ".xsk"):
            pass
    assert not lock.held(tmp_path)


@pytest.mark.parametrize("backend", [lock.BACKEND, "excl"])
def test_backends_exclude_a_second_holder(tmp_path, backend):
    """The OS lock and the fallback for a platform without fcntl or msvcrt."""
    first = lock.acquire(tmp_path, wait=0, backend=backend)
    messages: list[str] = []
    with pytest.raises(lock.WorkspaceBusy) as exc:
        lock.acquire(tmp_path, wait=0.2, backend=backend, on_wait=messages.append)
    assert f"PID {os.getpid()}" in exc.value.message
    assert messages and "另一个 xsk 正在写入本工作区" in messages[0]
    lock.release(first)
    lock.release(lock.acquire(tmp_path, wait=0, backend=backend))


def test_fallback_takes_over_the_file_of_a_dead_holder(tmp_path):
    p = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                       capture_output=True, text=True)  # fmt: skip
    dead = int(p.stdout)
    (tmp_path / ".xsk").mkdir()
    (tmp_path / ".xsk" / lock.EXCL_FILE).write_text(str(dead), "ascii")
    lock.release(lock.acquire(tmp_path, wait=0, backend="excl"))
    assert not (tmp_path / ".xsk" / lock.EXCL_FILE).exists()


@pytest.mark.parametrize("backend", [lock.BACKEND, "excl"])
def test_the_cache_file_lock_excludes_a_second_holder(tmp_path, monkeypatch, backend) -> None:
    """core.filelock.file_lock (the names cache's read-merge-write) on every backend: a second
    holder waits, then goes on without it; released, it is free again."""
    from xsk.core import filelock

    monkeypatch.setattr(filelock, "BACKEND", backend)
    path = tmp_path / "cache.lock"
    with filelock.file_lock(path) as got:
        assert got
        held = filelock._try_file(path)
        assert held is None  # (flock: a second descriptor of this process is refused too)
        with filelock.file_lock(path, wait=0.05) as second:
            assert not second
    with filelock.file_lock(path, wait=0.05) as again:
        assert again
