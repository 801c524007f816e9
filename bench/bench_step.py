"""One ``xsk step`` (one commit) in a small and in a large workspace.

Workspaces of 10 and 10,000 synthetic cases come from ``bench/gen_workspace.py`` (or, if that
file is missing, from a minimal generator here: bare case folders committed in one commit).
In each, K fresh cases are registered (not timed) and then ``xsk step ID --answers F`` runs
once per case: the first run (cold caches) and the median of the rest are shown, as the wall
time of the real command (a subprocess, start-up included) and in-process (start-up excluded).

    python bench/bench_step.py                            # 10 and 10,000 cases, K = 7
    python bench/bench_step.py --sizes 10 1000 -k 5
    python bench/bench_step.py --keep /tmp/xsk-bench-step # reuse the generated workspaces
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_startup import cell, env, machine_info, run_once  # noqa: E402

ANSWERS = ROOT / "sample-cases" / "01-transformer" / "answers.toml"


def minimal_generate(target: Path, n: int) -> Path:
    """Bare case folders (one case.toml each), committed in one git commit."""
    from xsk.workspace import git as vcs
    from xsk.workspace import settings as wsmod

    root = wsmod.create(
        target, community="大数据社区", street="", district="", procedure="dongguan-6"
    )
    cases = root / wsmod.CASES_DIR
    for i in range(1, n + 1):
        cid = f"2025-{i:05d}"
        (cases / cid).mkdir(parents=True)
        (cases / cid / "case.toml").write_text(
            f'id = "{cid}"\nuid = "{i:016x}"\ntitle = "议题{i}"\nprocedure = "dongguan-6"\n'
            f'step = "collect"\nstatus = "open"\nlevel = "社区"\ncategory = ""\n'
            f"created = 2025-01-02\n",
            encoding="utf-8",
        )
    vcs.commit(root, [cases], f"生成测试数据：{n} 个议题")
    return root


def generate(target: Path, n: int) -> tuple[Path, str]:
    try:
        import gen_workspace
    except ImportError:
        return minimal_generate(target, n), "bench_step 内置最小生成器"
    return gen_workspace.generate(target, n), "bench/gen_workspace.py"


def in_process(root: Path, cid: str, no_docs: bool) -> float:
    from xsk.__main__ import main

    args = ["-C", str(root), "step", cid, "--answers", str(ANSWERS)]
    args += ["--no-docs"] if no_docs else []
    out, err = io.StringIO(), io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    elapsed = time.perf_counter() - t0
    if code != 0:
        raise SystemExit(f"失败：xsk {' '.join(args)}\n{err.getvalue()}")
    return elapsed


def subprocess_run(root: Path, cid: str, no_docs: bool) -> float:
    args = [sys.executable, "-m", "xsk", "-C", str(root), "step", cid, "--answers", str(ANSWERS)]
    args += ["--no-docs"] if no_docs else []
    return run_once(args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="xsk step 在小/大工作区的耗时")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 10_000], help="议题数量")
    parser.add_argument("-k", type=int, default=7, help="每种方式计时的 step 次数")
    parser.add_argument("--keep", type=Path, help="保留并复用生成的工作区")
    args = parser.parse_args(argv)
    os.environ.update({k: v for k, v in env().items() if k.startswith("GIT_")})
    base = Path(tempfile.mkdtemp(prefix="xsk-bench-step-")) if args.keep is None else args.keep
    base.mkdir(parents=True, exist_ok=True)
    results = []
    source = ""
    try:
        from xsk.actions import workflow
        from xsk.prompts.base import NoInputPrompter
        from xsk.workspace import settings as workspace

        for n in args.sizes:
            target = base / f"ws-{n}"
            if not (target / "xsk.toml").exists():
                shutil.rmtree(target, ignore_errors=True)
                t0 = time.perf_counter()
                root, source = generate(target, n)
                print(f"（已生成 {n} 个议题的工作区：{time.perf_counter() - t0:.1f} 秒）")
            root = target.resolve()
            ws = workspace.load(root)
            when = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
            fresh = [
                workflow.new_case(ws, NoInputPrompter(), title=f"基准议题{i}", when=when).id
                for i in range(3 * args.k)
            ]
            sub = [subprocess_run(root, cid, no_docs=True) for cid in fresh[: args.k]]
            inproc = [in_process(root, cid, True) for cid in fresh[args.k : 2 * args.k]]
            docs = [subprocess_run(root, cid, no_docs=False) for cid in fresh[2 * args.k :]]
            count = len(list((root / "cases").iterdir()))
            results.append((n, count, sub, inproc, docs))
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)

    print("xsk step（一次提交）耗时：小工作区与大工作区")
    for key, value in machine_info():
        print(f"  {key:<15}{value}")
    print(f"  {'generator':<15}{source or '（复用已生成的工作区）'}")
    print(f"  {'answers':<15}{ANSWERS.relative_to(ROOT)}（步骤 collect）")
    print()
    cols = ["命令行 --no-docs", "进程内 --no-docs", "命令行 含文书"]
    print(cell("议题数", 8) + "".join(cell(c, 20) + cell("首次", 9) for c in cols))
    print("-" * 95)
    medians: dict[int, list[float]] = {}
    for n, count, *series in results:
        meds = [statistics.median(s[1:] or s) for s in series]
        medians[n] = meds
        cells = "".join(
            f"{m * 1000:>16.0f}ms{s[0] * 1000:>6.0f}ms" for m, s in zip(meds, series, strict=True)
        )
        print(f"{count:>8}  {cells}")
    if len(results) >= 2:
        small, large = results[0][0], results[-1][0]
        print()
        ratios = "，".join(
            f"{c} {b / a:.2f} 倍"
            for c, a, b in zip(cols, medians[small], medians[large], strict=True)
        )
        print(f"{large} 个议题 / {small} 个议题（中位数）：{ratios}")
    print("（中位数不含首次运行；首次运行时文件系统与 git 缓存是冷的）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
