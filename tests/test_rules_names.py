"""Names in free text (xsk.rules.names) and the bench set's recall and precision."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from xsk.rules.names import find_names, looks_like_name, names_in

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_names", ROOT / "bench" / "bench_names.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_bench_set_meets_the_goal() -> None:
    bench = _bench()
    rows = bench.load()
    assert len(rows) >= 200
    result = bench.evaluate(rows)
    print(result)
    assert result["residents"] >= 200
    assert result["recall"] >= 0.95
    assert result["precision"] >= 0.8


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("居民张建国反映楼道灯坏了", ["张建国"]),
        ("业主赵小燕提出增设充电桩", ["赵小燕"]),
        ("会上，覃德明、韦秀英等居民代表先后发言。", ["覃德明", "韦秀英"]),
        ("欧阳明辉反映，小区东门的路灯坏了。", ["欧阳明辉"]),
        ("退休教师蒙国华被推选为楼栋长", ["蒙国华"]),  # 蒙 + 国华 joined
        ("张家村的老旧房屋改造纳入了民生实事。", []),
        ("早晚高峰人流密集，何时开工要写清楚。", []),
        ("社区把文明养犬写进了居民公约。", []),
        ("张某反映，李女士提出，王先生表示同意。", []),  # masked forms are not names
        ("王书记和李阿姨一起去了", []),  # titles and kinship words are not full names
        ("柳石路口的路灯坏了，住在柳石路的张伟反映", ["张伟"]),  # a road is not a person
        ("文昌大道和建华村之间", []),
        ("王芳路过小区门口", ["王芳"]),  # 路过 is a verb, not a road
    ],
)
def test_find_names(text: str, names: list[str]) -> None:
    assert [text[a:b] for a, b in find_names(text)] == names


def test_allowed_names_are_left_out() -> None:
    assert names_in("社区党委书记王丽介绍，居民李秀英反映", ["王丽"]) == ["李秀英"]


def test_looks_like_name() -> None:
    assert looks_like_name("张建国") and looks_like_name("欧阳娜娜") and looks_like_name("李娜")
    assert not looks_like_name("张某") and not looks_like_name("王书记")
    assert not looks_like_name("兴全小苑") and not looks_like_name("abc")


def test_processes_saving_the_names_cache_at_once_lose_nothing(tmp_path) -> None:
    """A build's workers save the cache at their exit, side by side (CI: a second build of the
    same texts had to load jieba). Each merges under a file lock what the others saved."""
    import subprocess
    import sys
    import time

    from conftest import ROOT

    path = tmp_path / "names-cache.json"
    go = tmp_path / "go"
    code = (
        "import sys, time, pathlib\n"
        "from xsk.rules.names_cache import DiskCache, RULES_VERSION\n"
        "n = int(sys.argv[1]); go = pathlib.Path(sys.argv[3])\n"
        "c = DiskCache(pathlib.Path(sys.argv[2]), RULES_VERSION)\n"
        "for i in range(300):\n"
        "    c.find(f'p{n}-{i}', lambda t: ((0, 1),))\n"
        "while not go.exists():\n"
        "    time.sleep(0.001)\n"
        "c.save()\n"
    )
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(n), str(path), str(go)], env=env)
        for n in range(6)
    ]
    time.sleep(1.0)
    go.touch()
    assert all(p.wait(timeout=60) == 0 for p in procs)
    from xsk.rules.names_cache import RULES_VERSION, DiskCache

    c = DiskCache(path, RULES_VERSION)
    c._load()
    assert len(c.found) == 6 * 300
