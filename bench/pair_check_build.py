"""Paired, interleaved runs of issue 19's two document goals on a workspace whose documents
are built: warm ``check`` against warm ``report --json``, and a no-change ``docs build``
against warm ``status`` (one warm-up each, then 7 alternating runs; medians and ratio).

Usage: python bench/pair_check_build.py WORKSPACE [-n 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, stdin=subprocess.DEVNULL)
    took = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} 退出码 {r.returncode}：{r.stderr.decode()[-300:]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description="check / 无变化 docs build 与其底线交替运行")
    parser.add_argument("workspace")
    parser.add_argument("-n", type=int, default=7, help="每条命令运行次数")
    args = parser.parse_args()
    xsk = [sys.executable, "-m", "xsk", "-C", args.workspace]
    pairs = [
        ("check（已生成文书）", [*xsk, "check"], "report --json", [*xsk, "report", "--json"]),
        ("docs build（无变化）", [*xsk, "docs", "build"], "status", [*xsk, "status"]),
    ]
    for a_name, a, b_name, b in pairs:
        timed(a)
        timed(b)
        ra, rb = [], []
        for _ in range(args.n):
            ra.append(timed(a))
            rb.append(timed(b))
        ma, mb = statistics.median(ra), statistics.median(rb)
        print(f"{a_name}：{ma:.2f} 秒；{b_name}：{mb:.2f} 秒；比值 {ma / mb:.2f}")


if __name__ == "__main__":
    main()
