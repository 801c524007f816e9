"""Shared fixtures: temp workspaces and an in-process CLI runner."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("GIT_AUTHOR_NAME", "测试员")
os.environ.setdefault("GIT_AUTHOR_EMAIL", "test@xsk.local")
os.environ.setdefault("GIT_COMMITTER_NAME", "测试员")
os.environ.setdefault("GIT_COMMITTER_EMAIL", "test@xsk.local")
os.environ.pop("XSK_WORKSPACE", None)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _names_cache_per_test():
    """Each test starts without the names cache of an earlier test's workspace (the cache is
    a per-process setting of xsk.rules.names, set by the first public view)."""
    yield
    from xsk.rules import names_cache

    names_cache.save_cache()
    names_cache.disk = None


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run ``xsk ARGS`` in-process; returns exit code, stdout and stderr."""
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)

    def run(*args: str) -> Result:
        from xsk.__main__ import main

        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def run_xsk(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: int = 120):
    """Run xsk in a subprocess (for start-up, tracebacks and signals)."""
    full = dict(os.environ)
    full["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "xsk", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=full,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    from xsk.workspace import settings as workspace

    return workspace.create(
        tmp_path / "ws",
        community="红桥社区",
        street="红桥街道",
        district="柳南区",
        procedure="dongguan-6",
        facilitator="王丽",
    )


@pytest.fixture
def ws(ws_path: Path):
    from xsk.workspace import settings as workspace

    return workspace.load(ws_path)


WHEN = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def cached_command():
    """``xsk.cli.app.command`` built once per subcommand (typer's tree costs ~40 ms per call)."""
    import xsk.cli.app

    original = xsk.cli.app.command
    built: dict = {}

    def command(argv=None):
        key = xsk.cli.app._subcommand(list(argv or []))
        if key not in built:
            built[key] = original(argv)
        return built[key]

    return command
