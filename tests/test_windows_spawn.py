"""Process pools under the ``spawn`` start method (the only one on Windows), forced on Linux
with XSK_MP_START: the same bytes as with ``fork``."""

from __future__ import annotations

import concurrent.futures
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from xsk.core import mpstart

SAMPLES = ROOT / "sample-cases"


def test_context_follows_the_environment(monkeypatch):
    monkeypatch.setenv(mpstart.ENV, "spawn")
    assert mpstart.context().get_start_method() == "spawn"
    assert not mpstart.forks(mpstart.context())
    monkeypatch.setenv(mpstart.ENV, "fork")
    assert mpstart.forks(mpstart.context())
    monkeypatch.setenv(mpstart.ENV, "windows")
    with pytest.raises(Exception) as exc:
        mpstart.context()
    assert exc.value.exit_code == 2 and "XSK_MP_START" in exc.value.format()


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}  # fmt: skip


def test_docs_build_spawn_equals_fork(ws_path, cli, monkeypatch):
    from xsk.documents import build

    for n, answers in enumerate(sorted(SAMPLES.glob("0[1-3]-*/answers.toml")), start=1):
        r = cli("-C", str(ws_path), "new", "--title", f"议题{n}", "--no-input", "--date", "2026-03-02")  # fmt: skip
        assert r.code == 0, r.err
        r = cli("-C", str(ws_path), "step", f"2026-00{n}", "--answers", str(answers), "--all", "--no-docs")  # fmt: skip
        assert r.code == 0, r.err
    methods: list[str] = []
    original = build._pool

    def spy(workers, ctx):
        methods.append(ctx.get_start_method())
        return original(workers, ctx)

    monkeypatch.setattr(build, "_pool", spy)
    trees = {}
    for method in ("fork", "spawn"):
        monkeypatch.setenv(mpstart.ENV, method)
        r = cli("-C", str(ws_path), "docs", "build", "--force", "--jobs", "2")
        assert r.code == 0, r.err
        trees[method] = _tree(ws_path / "out")
    assert methods == ["fork", "spawn"]
    assert len(trees["fork"]) >= 10
    assert trees["spawn"] == trees["fork"]


@pytest.mark.slow
def test_cold_index_build_of_2000_cases_spawn_equals_fork(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "bench"))
    import gen_workspace

    from xsk.casework import index
    from xsk.workspace import settings

    root = gen_workspace.generate(tmp_path / "ws", 2000, commit=False)
    ws = settings.load(root)
    monkeypatch.setattr(index, "RACY_NS", 0)  # both builds mark the same entries as racy
    pools: list[str] = []
    original = concurrent.futures.ProcessPoolExecutor

    class Spy(original):
        def __init__(self, *args, **kwargs):
            pools.append(kwargs["mp_context"].get_start_method())
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Spy)
    outputs = {}
    for method in ("fork", "spawn"):
        monkeypatch.setenv(mpstart.ENV, method)
        for name in (index.INDEX_FILE, index.STATS_FILE, index.DETAILS_FILE):
            (ws.state_dir / name).unlink(missing_ok=True)
        loaded = index.load(ws, level="ledger")
        assert loaded.parsed >= 2000
        outputs[method] = {
            name: (ws.state_dir / name).read_bytes()
            for name in (index.INDEX_FILE, index.STATS_FILE, index.DETAILS_FILE)
        }
    assert pools == ["fork", "spawn"]
    assert outputs["spawn"] == outputs["fork"]
