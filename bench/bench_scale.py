"""Time ``xsk status`` and ``xsk report --json`` at 1,000 and 10,000 cases, cold and warm.

Each time is the wall-clock time of the real command in a subprocess (Python start-up
included), and is also shown as a ratio against reading the same files raw with ``tomllib``
(also in a subprocess): ``status`` reads the case.toml files, ``report`` every case file,
outcome, event and meeting. Cold = no index cache; warm = best of three runs with the cache.

    python bench/bench_scale.py                 # 1,000 and 10,000 cases, in a temp folder
    python bench/bench_scale.py --sizes 2000 --keep /tmp/xsk-bench
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

RAW = """
import glob, sys, tomllib
root = sys.argv[1]
patterns = sys.argv[2:]
n = 0
for pattern in patterns:
    for path in glob.glob(f"{root}/{pattern}"):
        with open(path, "rb") as fh:
            tomllib.load(fh)
        n += 1
print(n)
"""
STATUS_FILES = ["cases/*/case.toml"]
REPORT_FILES = [
    "cases/*/case.toml",
    "cases/*/outcomes.toml",
    "cases/*/events/*.toml",
    "meetings/*.toml",
]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["XSK_PLAIN"] = "1"
    return env


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        args, cwd=cwd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"命令失败（{' '.join(args)}）：{proc.stderr.strip()}")
    return elapsed


def xsk(*args: str) -> list[str]:
    return [sys.executable, "-m", "xsk", *args]


def measure(root: Path, command: list[str], raw_patterns: list[str]) -> tuple[float, float, float]:
    """(cold, warm, raw) seconds."""
    raw = min(timed([sys.executable, "-c", RAW, str(root), *raw_patterns], root) for _ in range(2))
    shutil.rmtree(root / ".xsk", ignore_errors=True)
    cold = timed(command, root)
    time.sleep(3.1)  # let entries recorded "racily clean" (files changed < 3 s before) settle
    timed(command, root)
    warm = min(timed(command, root) for _ in range(3))
    return cold, warm, raw


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="xsk 规模测试：status 与 report 的耗时")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="议题数量")
    parser.add_argument("--keep", type=Path, help="把生成的工作区保留在此目录")
    args = parser.parse_args(argv)
    os.environ.setdefault("GIT_AUTHOR_NAME", "xsk-bench")
    os.environ.setdefault("GIT_AUTHOR_EMAIL", "bench@xsk.local")
    os.environ.setdefault("GIT_COMMITTER_NAME", "xsk-bench")
    os.environ.setdefault("GIT_COMMITTER_EMAIL", "bench@xsk.local")
    from gen_workspace import generate

    base = args.keep or Path(tempfile.mkdtemp(prefix="xsk-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for n in args.sizes:
            target = base / f"ws-{n}"
            if not (target / "xsk.toml").exists():
                t0 = time.perf_counter()
                generate(target, n)
                print(f"已生成 {n} 个议题（{time.perf_counter() - t0:.1f} 秒）", flush=True)
            for name, command, patterns in (
                ("status", xsk("status"), STATUS_FILES),
                ("report --json", xsk("report", "--json"), REPORT_FILES),
            ):
                cold, warm, raw = measure(target, command, patterns)
                results.append((n, name, cold, warm, raw))
                print(f"  {n} {name}: 冷 {cold:.2f} 秒，热 {warm:.2f} 秒", flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    print()
    header = ("议题数", "命令", "冷(秒)", "热(秒)", "原始读取(秒)", "冷/原始", "热/原始")
    print("\t".join(header))
    for n, name, cold, warm, raw in results:
        print(f"{n}\t{name}\t{cold:.2f}\t{warm:.2f}\t{raw:.2f}\t{cold / raw:.2f}\t{warm / raw:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
