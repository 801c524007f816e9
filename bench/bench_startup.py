"""Start-up time of xsk against a bare two-command typer app in the same Python.

Runs, interleaved, N times each (wall clock, a fresh process every time):

* ``python -m xsk --help``           vs  ``python bare.py --help``
* ``python -m xsk -C DIR status``    vs  ``python bare.py status``   (a trivial command)

and prints the medians, the ratios and PASS/FAIL against the goal (ratio <= 1.25). The bare
app uses typer's defaults (rich help and rich tracebacks); a second, lean baseline configured
like xsk (``rich_markup_mode=None``, ``pretty_exceptions_enable=False``) is shown for
information.

    python bench/bench_startup.py            # 30 runs each
    python bench/bench_startup.py -n 100
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOAL = 1.25

BARE = '''\
"""A bare typer app with two commands: the baseline for xsk's start-up."""

import typer

app = typer.Typer(help="基准程序"{options})


@app.command()
def status(json_: bool = typer.Option(False, "--json", help="JSON")) -> None:
    """列出议题。"""
    print("编号\\t议题")


@app.command()
def show(case_id: str) -> None:
    """查看议题。"""
    print(case_id)


if __name__ == "__main__":
    app()
'''


def width(text: str) -> int:
    """Display width in a terminal (CJK characters take two columns)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def cell(text: object, size: int, align: str = ">") -> str:
    """``text`` padded to ``size`` terminal columns."""
    text = str(text)
    fill = " " * max(0, size - width(text))
    return fill + text if align == ">" else text + fill


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e["XSK_PLAIN"] = "1"
    e.setdefault("GIT_AUTHOR_NAME", "xsk-bench")
    e.setdefault("GIT_AUTHOR_EMAIL", "bench@xsk.local")
    e.setdefault("GIT_COMMITTER_NAME", "xsk-bench")
    e.setdefault("GIT_COMMITTER_EMAIL", "bench@xsk.local")
    return e


def run_once(args: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(args, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"失败：{' '.join(args)}\n{proc.stderr.decode(errors='replace')}")
    return elapsed


def machine_info() -> list[tuple[str, str]]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import typer

        typer_version = typer.__version__
    except Exception:  # pragma: no cover
        typer_version = "?"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return [
        ("machine", f"{platform.system()} {platform.release()} {platform.machine()}"),
        ("cpu", f"{cpu} ({os.cpu_count()} cores)"),
        ("python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("typer", typer_version),
        ("load average", load),
    ]


def prepare_workspace(folder: Path) -> Path:
    """A small workspace with three cases (status has something to list)."""
    os.environ.update({k: v for k, v in env().items() if k.startswith("GIT_")})
    from xsk.actions import workflow
    from xsk.prompts.base import NoInputPrompter
    from xsk.workspace import settings as workspace

    root = workspace.create(
        folder / "ws",
        community="红桥社区",
        street="潭中街道",
        district="柳南区",
        procedure="dongguan-6",
        facilitator="王丽",
    )
    ws = workspace.load(root)
    for title in ("三号楼加装电梯", "小区东门建筑垃圾清运", "快递柜数量不足"):
        workflow.new_case(ws, NoInputPrompter(), title=title)
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="xsk 启动时间基准")
    parser.add_argument("-n", type=int, default=30, help="每项运行次数（取中位数）")
    args = parser.parse_args(argv)
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="xsk-bench-startup-") as tmp:
        tmpdir = Path(tmp)
        root = prepare_workspace(tmpdir)
        bare = tmpdir / "bare.py"
        bare.write_text(BARE.format(options=""), encoding="utf-8")
        lean = tmpdir / "lean.py"
        lean.write_text(
            BARE.format(options=", rich_markup_mode=None, pretty_exceptions_enable=False"),
            encoding="utf-8",
        )
        pairs = {
            "--help": (
                [py, "-m", "xsk", "--help"],
                [py, str(bare), "--help"],
                [py, str(lean), "--help"],
            ),
            "status": (
                [py, "-m", "xsk", "-C", str(root), "status"],
                [py, str(bare), "status"],
                [py, str(lean), "status"],
            ),
        }
        times: dict[str, tuple[list[float], ...]] = {k: ([], [], []) for k in pairs}
        for cmds in pairs.values():  # warm the OS caches and .pyc files
            for cmd in cmds:
                run_once(cmd)
        for _ in range(args.n):
            for name, cmds in pairs.items():
                for i, cmd in enumerate(cmds):
                    times[name][i].append(run_once(cmd))
        baseline = statistics.median(run_once([py, "-c", "pass"]) for _ in range(args.n))

    print(f"xsk 启动时间基准（中位数，每项 {args.n} 次，交替运行）")
    for key, value in machine_info():
        print(f"  {key:<15}{value}")
    print(f"  {'python -c pass':<15}{baseline * 1000:.0f} ms")
    print()
    heads = ["xsk", "typer 默认", "比值", "目标", "结果", "typer 精简", "比值"]
    sizes = [9, 12, 7, 7, 6, 12, 7]
    print(cell("命令", 20, "<") + "".join(cell(h, n) for h, n in zip(heads, sizes, strict=True)))
    print("-" * 80)
    ok = True
    for name, (t_xsk, t_bare, t_lean) in times.items():
        m_xsk, m_bare, m_lean = (statistics.median(t) for t in (t_xsk, t_bare, t_lean))
        ratio = m_xsk / m_bare
        passed = ratio <= GOAL
        ok &= passed
        label = f"xsk {name}" if name == "--help" else "xsk -C DIR status"
        values = [
            f"{m_xsk * 1000:.0f}ms",
            f"{m_bare * 1000:.0f}ms",
            f"{ratio:.2f}",
            f"≤{GOAL}",
            "PASS" if passed else "FAIL",
            f"{m_lean * 1000:.0f}ms",
            f"{m_xsk / m_lean:.2f}",
        ]
        print(
            cell(label, 20, "<") + "".join(cell(v, n) for v, n in zip(values, sizes, strict=True))
        )
    print()
    print("typer 默认：typer.Typer() 默认设置（rich 帮助与 rich 回溯）；")
    print(
        "typer 精简：与 xsk 相同的设置（rich_markup_mode=None, pretty_exceptions_enable=False）。"
    )
    print(f"总体（对 typer 默认，目标 ≤ {GOAL:.2f}）：" + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
