"""``xsk street report`` over many communities, already pulled (goal: 20 × 1,000 cases ≤ 3 s warm).

Generates N community workspaces (bench/gen_workspace.py), serves them as bare repositories
through ``git daemon`` on 127.0.0.1, runs ``xsk street pull`` once, then times ``xsk street
report --json`` warm, interleaved with ``xsk report --json`` on one community (the floor a
single community costs), and prints the figure, the floor and the ratio.

    python bench/bench_street.py --communities 20 --cases 1000 -n 5
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_startup import run_once
from gen_workspace import generate


def xsk(*args: str) -> list[str]:
    return [sys.executable, "-m", "xsk", *args]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="街道汇总基准：xsk street report")
    parser.add_argument("--communities", type=int, default=20)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("-n", type=int, default=5, help="重复次数（取中位数）")
    args = parser.parse_args(argv)
    os.environ.setdefault("GIT_AUTHOR_NAME", "xsk-bench")
    os.environ.setdefault("GIT_AUTHOR_EMAIL", "bench@xsk.local")
    os.environ.setdefault("GIT_COMMITTER_NAME", "xsk-bench")
    os.environ.setdefault("GIT_COMMITTER_EMAIL", "bench@xsk.local")
    with tempfile.TemporaryDirectory(prefix="xsk-bench-street-") as tmp:
        t = Path(tmp)
        base = t / "server"
        base.mkdir()
        for i in range(args.communities):
            ws = generate(t / "src" / f"c{i:02d}", args.cases, seed=100 + i)
            subprocess.run(
                ["git", "clone", "--quiet", "--bare", str(ws), str(base / f"c{i:02d}.git")],
                check=True,
            )
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        daemon = subprocess.Popen(
            ["git", "daemon", "--export-all", f"--base-path={base}", "--listen=127.0.0.1",
             f"--port={port}", "--reuseaddr", str(base)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            time.sleep(0.5)
            street = t / "street"
            subprocess.run(
                xsk("street", "init", str(street)), check=True, stdout=subprocess.DEVNULL
            )
            for i in range(args.communities):
                subprocess.run(
                    xsk("-C", str(street), "street", "add", f"c{i:02d}", f"git://127.0.0.1:{port}/c{i:02d}.git"),
                    check=True, stdout=subprocess.DEVNULL,
                )  # fmt: skip
            t0 = time.perf_counter()
            subprocess.run(
                xsk("-C", str(street), "street", "pull"), check=True, stdout=subprocess.DEVNULL
            )
            pull = time.perf_counter() - t0
        finally:
            daemon.terminate()
            daemon.wait()
        one = street / "communities" / "c00"
        a_cmd = xsk("-C", str(street), "street", "report", "--json")
        b_cmd = xsk("-C", str(one), "report", "--json")
        run_once(a_cmd), run_once(b_cmd)  # warm the index caches
        a, b = [], []
        for _ in range(args.n):  # interleaved
            a.append(run_once(a_cmd))
            b.append(run_once(b_cmd))
        ma, mb = statistics.median(a), statistics.median(b)
        total = args.communities * args.cases
        print(f"街道汇总：{args.communities} 个社区 × {args.cases} 个议题（共 {total}）")
        print(f"首次 street pull（克隆全部社区）：{pull:.1f} 秒")
        print(
            f"street report --json（热）：{ma:.2f} 秒；目标 ≤ 3 秒：{'PASS' if ma <= 3 else 'FAIL'}"
        )
        print(
            f"单个社区 report --json（热）：{mb:.2f} 秒；比值 {ma / mb:.1f}×（{args.communities} 个社区）"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
