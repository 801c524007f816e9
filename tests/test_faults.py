"""Fault injection (issue 8): a killed or interrupted command leaves a usable workspace.

* ``xsk step ID --answers F --all`` killed with SIGKILL at random moments spread over its run
  time; the next write command rolls the interrupted change back through the journal.
* ``xsk docs build --force`` killed at random moments: no partial .docx, and a rerun gives the
  bytes of an uninterrupted build.
* Ctrl-C (SIGINT to the process group, as a terminal sends it) to ``xsk step``.
* A crash (``os._exit``) before every git call, rename and journal write of one step, in a
  forked copy of this process: deterministic coverage of every crash point.

Every trial starts from a copy (``shutil.copytree``) of a workspace prepared once per module.
The random delays come from ``XSK_FAULT_SEED`` (printed on failure) so a failure can be replayed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

ANSWERS = ROOT / "sample-cases" / "01-transformer" / "answers.toml"
CID = "2026-001"
SEED = int(os.environ.get("XSK_FAULT_SEED", "20260302"))
STEP_KILLS = 34
DOCS_KILLS = 16
SIGINTS = 6
STEP_RE = re.compile(r"议题 (\S+)：完成“(.+?)”(?: → (.+?)|(，结案))?（.+）")
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


@pytest.fixture(scope="module", autouse=True)
def _fast_cli():
    """Build typer's click command once instead of at every in-process call (~65 ms each)."""
    from conftest import cached_command

    import xsk.cli.app

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(xsk.cli.app, "command", cached_command())
        yield


# --- helpers ---------------------------------------------------------------------------------


def xsk_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "xsk", *args]


def xsk(*args: str) -> tuple[int, str, str]:
    """Run xsk in this process (fast); returns exit code, stdout, stderr."""
    from xsk.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=check)


@dataclass
class Interrupted:
    code: int
    out: str
    err: str
    signalled: bool  # False when the command had finished before the signal was due


def interrupt(args: list[str], delay: float, sig: int) -> Interrupted:
    """Start ``args`` in its own process group and send ``sig`` to the group after ``delay``."""
    p = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        start_new_session=True,
    )
    try:
        out, err = p.communicate(timeout=delay)
        return Interrupted(p.returncode, out, err, False)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, sig)
        out, err = p.communicate(timeout=120)
        # the command may have finished between the timeout and the signal (a zombie still
        # takes the signal): a clean exit means it was not interrupted
        return Interrupted(p.returncode, out, err, p.returncode != 0)


def timed(args: list[str]) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(args, capture_output=True, text=True, env=ENV, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    return time.perf_counter() - t0


def spread(rnd: random.Random, n: int, lo: float, hi: float) -> list[float]:
    """``n`` random delays, one in each of ``n`` equal slices of [lo, hi], shuffled."""
    width = (hi - lo) / n
    out = [lo + width * (i + rnd.random()) for i in range(n)]
    rnd.shuffle(out)
    return out


def stray_tmp(root: Path, *, include_out: bool = True) -> list[str]:
    found = []
    for p in root.rglob(".*.tmp"):
        rel = p.relative_to(root)
        if rel.parts[0] == ".git" or (not include_out and rel.parts[0] == "out"):
            continue
        found.append(str(rel))
    return found


def assert_no_partial_files(root: Path) -> None:
    """Every case/meeting TOML parses; every .docx is a complete zip."""
    for path in [*root.glob("cases/**/*.toml"), *root.glob("meetings/*.toml")]:
        try:
            tomllib.loads(path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:  # pragma: no cover
            pytest.fail(f"partial or broken file {path.relative_to(root)}: {exc}")
    for path in root.glob("out/**/*.docx"):
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None, path


def assert_fsck(root: Path) -> None:
    r = git(root, "fsck", "--strict", "--no-progress", check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    bad = [x for x in (r.stdout + r.stderr).splitlines() if not x.startswith("dangling ")]
    assert not bad, bad


def ref_locks(root: Path) -> list[Path]:
    """Lock files of HEAD and the branches that a killed git may leave behind."""
    git_dir = root / ".git"
    return [p for p in [git_dir / "HEAD.lock", *git_dir.glob("refs/**/*.lock")] if p.exists()]


def step_names(root: Path) -> dict[str, str]:
    from xsk.procedure import loader

    return {s.id: s.name for s in loader.load("dongguan-6", root).steps}


def assert_consistent(root: Path, names: dict[str, str], cid: str = CID) -> None:
    """case.toml (working tree) is the committed one and its step agrees with the last commit."""
    path = root / "cases" / cid / "case.toml"
    assert git(root, "show", f"HEAD:cases/{cid}/case.toml").stdout == path.read_text("utf-8")
    case = tomllib.loads(path.read_text("utf-8"))
    subjects = git(root, "log", "--format=%s", "--", f"cases/{cid}").stdout.splitlines()
    history = case["history"]
    assert len(history) == len(subjects), (subjects, history)
    last = subjects[0]
    if last.startswith("新建议题"):
        assert case["step"] == next(iter(names)) and case["status"] == "open"
        return
    m = STEP_RE.fullmatch(last)
    assert m and m.group(1) == cid, last
    done, nxt, closed = m.group(2), m.group(3), m.group(4)
    assert names[history[-1]["step"]] == done, (last, history[-1])
    if closed:
        assert case["status"] == "closed", last
    else:
        assert case["status"] == "open" and names[case["step"]] == nxt, (last, case["step"])
    for mid in {v["meeting"] for v in case.get("answers", {}).values() if "meeting" in v}:
        meeting = root / "meetings" / f"{mid}.toml"
        assert cid in tomllib.loads(meeting.read_text("utf-8"))["cases"]


def case_snapshot(root: Path, cid: str = CID) -> dict[str, object]:
    """What a finished case looks like on disk (event files have random names: compare bodies)."""
    folder = root / "cases" / cid
    return {
        "case": (folder / "case.toml").read_bytes(),
        "outcomes": (folder / "outcomes.toml").read_bytes(),
        "events": sorted(p.read_bytes() for p in (folder / "events").glob("*.toml")),
        "meetings": {p.name: p.read_bytes() for p in (root / "meetings").glob("*.toml")},
    }


def docx_digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.glob("out/**/*.docx"))
    }


# --- the prepared workspaces -----------------------------------------------------------------


@dataclass
class Prepared:
    base: Path
    fresh: Path  # one new case at the first step
    done: Path  # the same case after an uninterrupted ``step --all`` (documents built)
    names: dict[str, str]
    step_time: float
    step_nodocs_time: float
    docs_time: float
    startup: float
    final: dict[str, object]
    docs: dict[str, str]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Prepared:
    from xsk.workspace import settings as workspace

    base = tmp_path_factory.mktemp("faults")
    fresh = workspace.create(
        base / "fresh",
        community="红桥社区",
        street="潭中街道",
        district="柳南区",
        procedure="dongguan-6",
        facilitator="王丽",
    )
    code, out, err = xsk("-C", str(fresh), "new", "--title", "小区配电变压器移交电网公司",
                         "--proposer", "张建国", "--phone", "13812345678",
                         "--date", "2026-03-02", "--no-input")  # fmt: skip
    assert code == 0 and out.split()[-1] == CID, err
    done = base / "done"
    shutil.copytree(fresh, done, symlinks=True)
    nodocs = trial_dir_plain(fresh, base / "nodocs")
    step_nodocs_time = timed(
        xsk_cmd("-C", str(nodocs), "step", CID, "--answers", str(ANSWERS), "--all", "--no-docs")
    )
    shutil.rmtree(nodocs)
    step_time = timed(xsk_cmd("-C", str(done), "step", CID, "--answers", str(ANSWERS), "--all"))
    assert tomllib.loads((done / "cases" / CID / "case.toml").read_text("utf-8"))["status"] == (
        "closed"
    )
    ref = base / "docs-ref"
    shutil.copytree(done, ref, symlinks=True)
    docs_time = timed(xsk_cmd("-C", str(ref), "docs", "build", "--force"))
    startup = timed([sys.executable, "-c", "pass"])
    return Prepared(
        base=base,
        fresh=fresh,
        done=done,
        names=step_names(fresh),
        step_time=step_time,
        step_nodocs_time=step_nodocs_time,
        docs_time=docs_time,
        startup=startup,
        final=case_snapshot(done),
        docs=docx_digests(ref),
    )


def trial_dir_plain(source: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, symlinks=True)
    return target


def trial_dir(prep: Prepared, source: Path, name: str) -> Path:
    return trial_dir_plain(source, prep.base / name)


# --- (a) SIGKILL during xsk step -------------------------------------------------------------


def kill_at(
    prep: Prepared, source: Path, name: str, args: list[str], delay: float
) -> tuple[Path, float]:
    """Copy ``source`` to a trial folder and SIGKILL ``xsk -C <trial> ARGS`` after ``delay``.

    On a busy machine a run can finish before its delay: it is then redone on a fresh copy with
    a shorter delay, so that every trial is a real kill. Returns the folder and the delay used.
    """
    for _ in range(6):
        d = trial_dir(prep, source, name)
        r = interrupt(xsk_cmd("-C", str(d), *args), delay, signal.SIGKILL)
        if r.signalled:
            assert r.code == -signal.SIGKILL, (r.code, r.err)
            return d, delay
        assert r.code == 0, r.err
        delay *= 0.6
    pytest.fail(f"{args} always finished before it could be killed")


def test_kill_step_at_random_moments(prepared: Prepared) -> None:
    rnd = random.Random(SEED)
    delays = spread(rnd, STEP_KILLS, 0.05, prepared.step_time)
    for i, delay in enumerate(delays):
        # Every other run without documents: shorter, so its kills land in the steps' writes.
        args = ["step", CID, "--answers", str(ANSWERS), "--all", *(["--no-docs"] if i % 2 else [])]
        if i % 2:
            delay *= prepared.step_nodocs_time / prepared.step_time
        d, used = kill_at(prepared, prepared.fresh, f"kill-step-{i}", args, delay)
        note = f"seed={SEED} trial={i} delay={used:.3f}s"
        # Right after the crash: no partial file, git objects intact.
        assert_no_partial_files(d)
        assert_fsck(d)
        # KNOWN BUG (test_commit_killed_while_updating_the_branch): a kill while git commit
        # holds the branch's lock leaves it behind and recovery does not clear it. Remove it
        # here, as the user would have to, so that the rest of the trial is still checked.
        for lock in ref_locks(d):
            lock.unlink()
        # The next write command rolls the interrupted change back (and does not let an
        # abandoned case folder take a number).
        code, out, err = xsk("-C", str(d), "new", "--title", "楼道灯不亮", "--no-input",
                             "--date", "2026-03-20")  # fmt: skip
        assert code == 0, f"{note}: {err}"
        assert out.split()[-1] == "2026-002", note
        assert not (d / ".xsk" / "journal").exists(), note
        assert not (d / ".git" / "index.lock").exists(), note
        assert git(d, "status", "--porcelain").stdout == "", note
        # (The documents' manifest may leave a temp file in .xsk/: see
        # test_stray_temp_files_removed_by_next_write.)
        assert [p for p in stray_tmp(d, include_out=False) if not p.startswith(".xsk/")] == []
        assert_consistent(d, prepared.names)
        assert xsk("-C", str(d), "check")[0] == 0, note
        assert_fsck(d)
        # The case then runs to its end exactly as an uninterrupted run does.
        code, _out, err = xsk("-C", str(d), "step", CID, "--answers", str(ANSWERS), "--all",
                              "--no-docs")  # fmt: skip
        assert code == 0, f"{note}: {err}"
        assert case_snapshot(d) == prepared.final, note
        assert_consistent(d, prepared.names)
        assert xsk("-C", str(d), "check")[0] == 0, note
        shutil.rmtree(d)


# --- (b) SIGKILL during xsk docs build --force -----------------------------------------------


def test_kill_docs_build_at_random_moments(prepared: Prepared) -> None:
    import docx

    rnd = random.Random(SEED + 1)
    delays = spread(rnd, DOCS_KILLS, 0.05, prepared.docs_time)
    for i, delay in enumerate(delays):
        source = prepared.done
        if i % 2:
            # Half the trials build from nothing; the others over the documents the steps
            # left, one of which (the minutes) is out of date.
            source = prepared.base / "done-without-docs"
            if not source.exists():
                shutil.copytree(prepared.done, source, symlinks=True)
                shutil.rmtree(source / "out")
                shutil.rmtree(source / ".xsk" / "docs")  # the manifest, one file per case
        args = ["docs", "build", "--force"]
        d, used = kill_at(prepared, source, f"kill-docs-{i}", args, delay)
        note = f"seed={SEED + 1} trial={i} delay={used:.3f}s"
        for path in d.glob("out/**/*.docx"):
            with zipfile.ZipFile(path) as z:
                assert z.testzip() is None, f"{note}: {path}"
            docx.Document(str(path))
        code, _out, err = xsk("-C", str(d), "docs", "build", "--jobs", "1")
        assert code == 0, f"{note}: {err}"
        assert docx_digests(d) == prepared.docs, note
        assert git(d, "status", "--porcelain").stdout == "", note
        shutil.rmtree(d)


# --- (c) Ctrl-C during xsk step --------------------------------------------------------------


def test_ctrl_c_during_step(prepared: Prepared) -> None:
    rnd = random.Random(SEED + 2)
    # From well after interpreter start-up (a Ctrl-C inside Python's own start-up is Python's
    # traceback, not ours) to the end of the run.
    lo = 2 * prepared.startup + 0.05
    delays = spread(rnd, SIGINTS, lo, prepared.step_time)
    interrupted = 0
    for i, delay in enumerate(delays):
        note = f"seed={SEED + 2} trial={i} delay={delay:.3f}s"
        d = trial_dir(prepared, prepared.fresh, f"sigint-{i}")
        args = xsk_cmd("-C", str(d), "step", CID, "--answers", str(ANSWERS), "--all")
        r = interrupt(args, delay, signal.SIGINT)
        assert "Traceback" not in r.err, f"{note}: {r.err}"
        if r.signalled and r.code != 0:
            interrupted += 1
            # 130, or killed by SIGINT (which the shell also reports as 130): Python does the
            # latter when the interrupt lands while xsk is still being imported.
            assert r.code in (130, -signal.SIGINT), f"{note}: {r.code} {r.err}"
        else:
            assert r.code == 0, f"{note}: {r.err}"
        # Nothing half-written, without waiting for a later command to clean up.
        assert not (d / ".xsk" / "journal").exists(), note
        assert git(d, "status", "--porcelain").stdout == "", note
        assert stray_tmp(d) == [], note
        assert_no_partial_files(d)
        assert_consistent(d, prepared.names)
        assert xsk("-C", str(d), "check")[0] == 0, note
        shutil.rmtree(d)
    assert interrupted >= SIGINTS // 2


def test_ctrl_c_says_interrupted(prepared: Prepared, tmp_path: Path) -> None:
    """A Ctrl-C in the middle of a step: "已中断", exit 130. ``step --all`` is one unit and
    prints its lines at the end, so the moment is made certain by a git that waits at
    ``git commit-tree`` (and says so in a file) rather than by reading the output."""
    d = trial_dir(prepared, prepared.fresh, "sigint-message")
    real = shutil.which("git")
    assert real is not None
    shim = tmp_path / "shim"
    shim.mkdir()
    mark = tmp_path / "committing"
    (shim / "git").write_text(
        f'#!/bin/sh\nif [ "$1" = commit-tree ]; then : > "{mark}"; sleep 30; fi\nexec "{real}" "$@"\n'
    )
    (shim / "git").chmod(0o755)
    env = {**ENV, "PYTHONUNBUFFERED": "1", "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"}
    p = subprocess.Popen(
        xsk_cmd("-C", str(d), "step", CID, "--answers", str(ANSWERS), "--all", "--no-docs"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not mark.exists() and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert mark.exists(), "the step never reached git commit"
    os.killpg(p.pid, signal.SIGINT)
    _out, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert "已中断" in err
    assert git(d, "status", "--porcelain").stdout == ""  # nothing half-written


# --- deterministic crash points --------------------------------------------------------------


def crash_in_fork(root: Path, args: list[str], at: int) -> int:
    """Run ``xsk ARGS`` in a forked child that dies (``os._exit``) just before its ``at``-th
    I/O point: a git call, an atomic rename, a journal write or the journal's removal.
    Returns the number of I/O points reached (for ``at=0``: all of them)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os.close(read_fd)
        count = 0
        code = 3

        def tick() -> None:
            nonlocal count
            count += 1
            if count == at:
                os._exit(99)

        try:
            from xsk.workspace import git as vcs
            from xsk.workspace import journal as txn

            def wrap(fn):
                def inner(*a, **k):
                    tick()
                    return fn(*a, **k)

                return inner

            vcs.run_git = wrap(vcs.run_git)
            os.replace = wrap(os.replace)
            txn.Transaction.track = wrap(txn.Transaction.track)
            txn.Transaction.done = wrap(txn.Transaction.done)
            from xsk.__main__ import main

            with (
                open(os.devnull, "w") as null,
                contextlib.redirect_stdout(null),
                contextlib.redirect_stderr(null),
            ):
                code = main(["-C", str(root), *args])
        finally:
            os.write(write_fd, f"{count}".encode())
            os._exit(0 if code == 0 else 3)
    os.close(write_fd)
    with os.fdopen(read_fd) as fh:
        reached = fh.read()
    _pid, status = os.waitpid(pid, 0)
    if at == 0:
        assert os.waitstatus_to_exitcode(status) == 0
    return int(reached or at)


@pytest.fixture(scope="module")
def at_announce(prepared: Prepared) -> Path:
    """The case after ``collect`` and ``screen``: its next step writes a meeting file too."""
    d = trial_dir(prepared, prepared.fresh, "at-announce")
    for _ in ("collect", "screen"):  # without --all, one step per run
        code, _out, err = xsk("-C", str(d), "step", CID, "--answers", str(ANSWERS), "--no-docs")
        assert code == 0, err
    case = tomllib.loads((d / "cases" / CID / "case.toml").read_text("utf-8"))
    assert case["step"] == "announce"
    return d


def test_crash_at_every_io_point_of_a_step(prepared: Prepared, at_announce: Path) -> None:
    args = ["step", CID, "--answers", str(ANSWERS)]
    probe = trial_dir(prepared, at_announce, "crash-probe")
    total = crash_in_fork(probe, args, 0)
    assert total >= 8, total
    for at in range(1, total + 1):
        d = trial_dir(prepared, at_announce, f"crash-{at}")
        assert crash_in_fork(d, args, at) == at
        assert_no_partial_files(d)
        assert_fsck(d)
        code, _out, err = xsk("-C", str(d), "new", "--title", "楼道灯不亮", "--no-input",
                              "--date", "2026-03-20")  # fmt: skip
        assert code == 0, f"crash point {at}: {err}"
        assert git(d, "status", "--porcelain").stdout == "", at
        # Temp files of the documents and their manifest (untracked) may stay behind: see
        # test_stray_temp_files_removed_by_next_write.
        assert [p for p in stray_tmp(d, include_out=False) if not p.startswith(".xsk/")] == []
        assert_consistent(d, prepared.names)
        assert xsk("-C", str(d), "check")[0] == 0, at
        shutil.rmtree(d)


def test_step_again_after_a_crash_between_write_and_commit(
    prepared: Prepared, at_announce: Path
) -> None:
    d = trial_dir(prepared, at_announce, "crash-before-commit")
    args = ["step", CID, "--answers", str(ANSWERS), "--no-docs"]
    # Find the crash point where case.toml is written but not committed.
    for at in range(1, 40):
        shutil.rmtree(d)
        shutil.copytree(at_announce, d, symlinks=True)
        crash_in_fork(d, args, at)
        case = tomllib.loads((d / "cases" / CID / "case.toml").read_text("utf-8"))
        if case["step"] != "announce" and (d / ".xsk" / "journal").exists():
            break
    else:  # pragma: no cover
        pytest.fail("no crash point between writing case.toml and the commit")
    code, _out, err = xsk("-C", str(d), "step", CID, "--answers", str(ANSWERS), "--all",
                          "--no-docs")  # fmt: skip
    assert code == 0, err
    assert case_snapshot(d) == prepared.final


def test_commit_killed_while_updating_the_branch(prepared: Prepared, at_announce: Path) -> None:
    args = ["step", CID, "--answers", str(ANSWERS), "--no-docs"]
    d = prepared.base / "ref-lock"
    # Crash just before the step's git commit (the journal is there), then add the lock a
    # SIGKILL during the commit's ref update leaves (seen in test_kill_step_at_random_moments).
    for at in range(1, 40):
        trial_dir(prepared, at_announce, "ref-lock")
        crash_in_fork(d, args, at)
        if git(d, "status", "--porcelain").stdout and (d / ".xsk" / "journal").exists():
            log = git(d, "diff", "--cached", "--name-only").stdout
            if log:  # staged: the next I/O point is the commit
                break
    else:  # pragma: no cover
        pytest.fail("no crash point just before the commit")
    (d / ".git" / "refs" / "heads" / "main.lock").write_text("0" * 40 + "\n")
    code, _out, err = xsk("-C", str(d), "new", "--title", "楼道灯不亮", "--no-input")
    assert code == 0, err
    assert ref_locks(d) == []
    assert_consistent(d, prepared.names)


def test_stray_temp_files_removed_by_next_write(prepared: Prepared, at_announce: Path) -> None:
    args = ["step", CID, "--answers", str(ANSWERS)]
    d = prepared.base / "stray-tmp"
    # The last I/O points of the step are the document's and the manifest's renames.
    total = crash_in_fork(trial_dir(prepared, at_announce, "stray-tmp"), args, 0)
    for at in range(total, 0, -1):
        trial_dir(prepared, at_announce, "stray-tmp")
        crash_in_fork(d, args, at)
        if stray_tmp(d):
            break
    else:  # pragma: no cover
        pytest.fail("no crash point leaves a temp file")
    code, _out, err = xsk("-C", str(d), "new", "--title", "楼道灯不亮", "--no-input")
    assert code == 0, err
    assert stray_tmp(d) == []
