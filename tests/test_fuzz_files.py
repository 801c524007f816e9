"""Every file kind, mutated (issue 13): broken TOML, wrong types, BOM, GBK, NUL, huge and deep
values, through ``check``, ``status``, ``show``, ``report --json``, ``due`` and ``docs build``.

Exit codes are only 0, 1 or 2, stderr is one line without a traceback, and no command changes
a tracked file. Each example mutates one file of every kind (ten files), so the default 100
examples make 1,000 mutated files; ``XSK_FUZZ_EXAMPLES`` sets another count.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ANSWERS = ROOT / "sample-cases" / "01-transformer" / "answers.toml"
EXAMPLES = int(os.environ.get("XSK_FUZZ_EXAMPLES", "100"))
CID = "2026-001"

VALUES = ['[1]', '{x = 1}', '"下午三点"', '[]', '[["x"]]', "9999-12-31", "2026-05-31T25:00:00",
          "-1", "100000000000", "1e400", "true", '""', '"' + "长" * 200_000 + '"',
          "[" * 300 + "]" * 300, "nan", "0"]  # fmt: skip


def mutate(data: bytes, rnd: random.Random) -> bytes:
    how = rnd.randrange(9)
    text = data.decode("utf-8")
    lines = text.splitlines(keepends=True)
    if how == 0:  # truncated
        return data[: rnd.randrange(len(data) + 1)]
    if how == 1:  # a value of another type
        idx = [i for i, x in enumerate(lines) if " = " in x and not x.lstrip().startswith("#")]
        if idx:
            i = rnd.choice(idx)
            lines[i] = lines[i].split(" = ")[0] + " = " + rnd.choice(VALUES) + "\n"
        return "".join(lines).encode("utf-8")
    if how == 2:
        return b"\xef\xbb\xbf" + data
    if how == 3:
        return text.encode("gbk", errors="replace")
    if how == 4:
        pos = rnd.randrange(len(data) + 1)
        return data[:pos] + b"\x00" + data[pos:]
    if how == 5:  # a random byte
        pos = rnd.randrange(len(data) + 1)
        return data[:pos] + bytes([rnd.randrange(256)]) + data[pos:]
    if how == 6:  # a line removed
        if lines:
            del lines[rnd.randrange(len(lines))]
        return "".join(lines).encode("utf-8")
    if how == 7:  # a huge or deep value added
        return data + f"\nzz = {rnd.choice(VALUES[-4:])}\n".encode()
    return data  # unchanged: the valid file passes too


_NAMES: list[str] = []


def tracked(root: Path) -> dict[str, str]:
    """Digest of every tracked file (the list is taken once: the commands add none)."""
    if not _NAMES:
        names = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True,
                               text=True).stdout.split("\0")  # fmt: skip
        _NAMES.extend(n for n in names if n)
    return {n: hashlib.sha256((root / n).read_bytes()).hexdigest() for n in _NAMES
            if (root / n).is_file()}  # fmt: skip


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    from test_faults import xsk

    from xsk.workspace import settings as wsmod

    root = wsmod.create(tmp_path_factory.mktemp("fz") / "ws", community="红桥社区",
                        street="潭中街道", district="柳南区", procedure="dongguan-6",
                        facilitator="王丽")  # fmt: skip
    assert xsk("-C", str(root), "new", "--title", "变压器", "--date", "2026-03-02",
               "--no-input")[0] == 0  # fmt: skip
    code, _o, err = xsk("-C", str(root), "step", CID, "--answers", str(ANSWERS), "--all",
                        "--no-docs")  # fmt: skip
    assert code == 0, err
    (root / "series.toml").write_text('[series.B]\nnote = "二号电脑"\n', "utf-8")
    (root / "calendar").mkdir(exist_ok=True)
    (root / "calendar" / "2031.toml").write_text(
        "year = 2031\nholidays = [2031-01-01]\nworkdays = []\n", "utf-8"
    )
    (root / "meetings" / "ballots.csv").write_text("单元,业主,面积,意见\n1-101,张三,85.30,同意\n")
    assert xsk("-C", str(root), "procedures", "copy", "dongguan-6", "hongqiao-6")[0] == 0
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "fuzz base"], cwd=root, check=True)
    return root


def kinds(root: Path) -> list[Path]:
    case = root / "cases" / CID
    found = [root / "xsk.toml", root / "roster.toml", case / "case.toml", case / "outcomes.toml",
             next((case / "events").glob("*.toml")), next((root / "meetings").glob("*.toml")),
             root / "templates" / "procedures" / "hongqiao-6.toml", root / "meetings" / "ballots.csv",
             root / "calendar" / "2031.toml", root / "series.toml"]  # fmt: skip
    return [p for p in found if p.exists()]


COMMANDS = [["check"], ["status", "--all"], ["show", CID], ["report", "--json"], ["due"]]


@pytest.fixture(scope="module", autouse=True)
def _fast_cli():
    from conftest import cached_command

    import xsk.cli.app

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(xsk.cli.app, "command", cached_command())
        yield


def run(root: Path, args: list[str]) -> tuple[int, str]:
    from xsk.__main__ import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["-C", str(root), *args])
    return code, err.getvalue()


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(seed=st.integers(0, 2**32 - 1), docs=st.integers(0, 9))
def test_mutated_files_never_crash(workspace: Path, seed: int, docs: int) -> None:
    rnd = random.Random(seed)
    files = kinds(workspace)
    assert len(files) == 10  # so 100 examples mutate 1,000 files
    originals = {p: p.read_bytes() for p in files}
    try:
        for p in files:
            p.write_bytes(mutate(originals[p], rnd))
        before = tracked(workspace)
        commands = list(COMMANDS)
        if docs == 0:  # a document build for one example in ten (it is the slow one)
            commands.append(["docs", "build", CID, "--kind", "minutes"])
        for args in commands:
            code, err = run(workspace, args)
            assert code in (0, 1, 2), (args, code, err)
            assert "Traceback" not in err and "内部错误" not in err, (args, err)
            assert len(err.strip().splitlines()) <= 1, (args, err)
            assert tracked(workspace) == before, args
    finally:
        for p, data in originals.items():
            p.write_bytes(data)
        shutil.rmtree(workspace / "out", ignore_errors=True)
