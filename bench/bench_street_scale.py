"""Street-office scale (issue 19): every row of the issue's table against its floor.

For each size N (default 1,000 and 10,000; add 50,000 with ``--big``) a workspace is generated
with ``bench/gen_workspace.py``. Each row runs the real command in a subprocess (Python
start-up included) and its floor, also in a subprocess, interleaved A B A B …; the figure is
the median of ``-r`` runs (at least 3). Floors:

* ``stat``: ``os.stat`` of every file under ``cases/`` and ``meetings/`` (Python start-up
  included) — for ``status``, ``report --json`` and ``docs build`` with nothing changed;
* ``tomllib``: parsing every TOML file of the workspace with ``tomllib`` — for ``check`` and
  ``report --xlsx``;
* ``git``: ``git add`` of one changed file and ``git commit`` — for ``xsk new`` and ``xsk step``;
* ``import``: reading the ledger with openpyxl and writing the same folders and files as the
  import (case.toml, outcomes.toml, a visit event) with plain ``open().write``, then one
  ``git add`` and one ``git commit`` — for ``xsk import`` of the 12,888-row ledger
  (tests/test_import.py's generator), into an empty workspace.

Rows that need documents built (``check`` with documents, ``docs build`` with nothing changed,
``step`` with ``out/`` built) run only at the sizes of ``--docs-sizes`` (default 1,000 and
2,000: building every document of 10,000 cases takes long on 2 cores). The peak memory (max
RSS of the command's process) is shown for every xsk row. For each row measured at two or
more sizes the growth exponent is fitted (least squares of log time over log N).

    python bench/bench_street_scale.py                      # 1,000 and 10,000; docs at 1,000/2,000
    python bench/bench_street_scale.py --sizes 1000 --docs-sizes 1000 -r 3
    python bench/bench_street_scale.py --big                # also 50,000 (slow)
    python bench/bench_street_scale.py --keep /tmp/xsk-street  # keep and reuse the workspaces
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

from bench_startup import env, machine_info  # noqa: E402

ANSWERS = ROOT / "sample-cases" / "01-transformer" / "answers.toml"
LEDGER_ROWS, LEDGER_CLOSED = 12888, 12647

STAT = """
import os, sys
n = 0
for top in ("cases", "meetings"):
    for folder, _dirs, files in os.walk(os.path.join(sys.argv[1], top)):
        for f in files:
            os.stat(os.path.join(folder, f))
            n += 1
print(n)
"""
TOMLLIB = """
import os, sys, tomllib
n = 0
for top in ("cases", "meetings"):
    for folder, _dirs, files in os.walk(os.path.join(sys.argv[1], top)):
        for f in files:
            if f.endswith(".toml"):
                with open(os.path.join(folder, f), "rb") as fh:
                    tomllib.load(fh)
                n += 1
print(n)
"""
GIT = """
import subprocess, sys, time
root = sys.argv[1]
with open(f"{root}/bench-floor.txt", "a", encoding="utf-8") as fh:
    fh.write(f"{time.time()}\\n")
subprocess.run(["git", "add", "--", "bench-floor.txt"], cwd=root, check=True)
subprocess.run(["git", "commit", "-q", "--no-verify", "-m", "floor"], cwd=root, check=True)
"""
# the git floor, then the rendering of one stepped case's own documents (xsk's renderer, in the
# same process): the floor the issue states for ``xsk step`` with its documents
GIT_RENDER = (
    GIT
    + """
from xsk.documents import plan
from xsk.workspace import settings
from pathlib import Path
ws = settings.load(Path(root))
plan.run_jobs(ws, plan.jobs_for_cases(ws, [sys.argv[2]]), force=True)
"""
)
IMPORT = """
import os, subprocess, sys
from openpyxl import load_workbook
ledger, root = sys.argv[1], sys.argv[2]
wb = load_workbook(ledger, read_only=True)
rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
wb.close()
cases = os.path.join(root, "cases")
os.makedirs(cases, exist_ok=True)
for r in rows[1:]:
    d = os.path.join(cases, str(r[1]))
    os.mkdir(d)
    with open(os.path.join(d, "case.toml"), "w", encoding="utf-8") as fh:
        fh.write("".join(f'f{i} = "{v}"\\n' for i, v in enumerate(r)))
    with open(os.path.join(d, "outcomes.toml"), "w", encoding="utf-8") as fh:
        fh.write(f'[[items]]\\nno = 1\\nitem = "{r[2]}"\\nunit = "{r[6]}"\\n')
    if r[9]:
        os.mkdir(os.path.join(d, "events"))
        with open(os.path.join(d, "events", "visit.toml"), "w", encoding="utf-8") as fh:
            fh.write(f'kind = "visit"\\nsatisfaction = "{r[9]}"\\n')
subprocess.run(["git", "add", "--all", "--", "cases"], cwd=root, check=True)
subprocess.run(["git", "commit", "-q", "--no-verify", "-m", "floor"], cwd=root, check=True)
"""


# Rows paired with another xsk command, for the goals stated that way (issue 19: at 10,000
# cases each ≤ 2×)
GOAL_BUILD = "docs build（无变化）对热 status"
GOAL_CHECK = "check（已生成文书）对热 report --json"
GOAL_XLSX = "report --xlsx（热）对热 report --json"
GOAL_STEP = "xsk step（含文书）对 git + 渲染本步文书"


def _gnu_time() -> str | None:
    """GNU ``time`` (it reports its child's own peak RSS), if this machine has it."""
    found = shutil.which("time")
    if not found:
        return None
    probe = subprocess.run([found, "-f", "%M", "true"], capture_output=True, text=True)
    return found if probe.returncode == 0 and probe.stderr.strip().isdigit() else None


GNU_TIME = _gnu_time()
MEM_MARK = "" if GNU_TIME else "≤"


def run(args: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one subprocess; a failure stops the benchmark.

    The peak comes from GNU ``time`` started in between: a child this (large) benchmark
    process starts directly inherits its high-water mark through vfork/exec, so ``wait4``'s
    max RSS would show the benchmark's own size for every small command. Without GNU time it
    is that upper bound (printed with "≤").
    """
    fd, out = tempfile.mkstemp(prefix="xsk-bench-rss-")
    os.close(fd)
    wrapped = [GNU_TIME, "-f", "%M", "-o", out, *args] if GNU_TIME else args
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(
            wrapped, cwd=cwd, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        proc.stderr and proc.stderr.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"命令失败（{' '.join(map(str, args))}）：{err.strip()[-800:]}")
        lines = Path(out).read_text().split() if GNU_TIME else []
        kib = int(lines[-1]) if lines and lines[-1].isdigit() else usage.ru_maxrss
        return elapsed, kib / 1024
    finally:
        os.unlink(out)


def xsk(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "xsk", "-C", str(root), *args]


def py(code: str, *args: object) -> list[str]:
    return [sys.executable, "-c", code, *map(str, args)]


def clear_index(root: Path) -> None:
    for name in ("index.json", "stats.json", "details.json"):
        (root / ".xsk" / name).unlink(missing_ok=True)


class Row:
    def __init__(self, name: str, floor: str, n: int) -> None:
        self.name, self.floor, self.n = name, floor, n
        self.a: list[float] = []
        self.b: list[float] = []
        self.mem = 0.0

    @property
    def figure(self) -> float:
        return statistics.median(self.a)

    @property
    def base(self) -> float:
        return statistics.median(self.b)


def paired(row: Row, a, b, reps: int) -> Row:
    """Run ``a`` and ``b`` (callables returning (seconds, MiB)) interleaved ``reps`` times."""
    for _ in range(reps):
        t, mem = a()
        row.a.append(t)
        row.mem = max(row.mem, mem)
        row.b.append(b()[0])
    print(
        f"  {row.n:>6} {row.name}: {row.figure:.2f} 秒，底线 {row.base:.2f} 秒，"
        f"{row.figure / row.base:.2f} 倍，峰值内存 {MEM_MARK}{row.mem:.0f} MiB",
        flush=True,
    )
    return row


def workspace(base: Path, n: int) -> Path:
    from gen_workspace import generate

    target = base / f"ws-{n}"
    if not (target / "xsk.toml").exists():
        shutil.rmtree(target, ignore_errors=True)
        t0 = time.perf_counter()
        generate(target, n)
        print(f"（已生成 {n} 个议题的工作区：{time.perf_counter() - t0:.0f} 秒）", flush=True)
    return target.resolve()


def new_case(root: Path, i: int) -> tuple[float, float]:
    return run(xsk(root, "new", "--title", f"基准议题{i}", "--no-input"), root)


def last_case(root: Path) -> str:
    proc = subprocess.run(
        ["git", "log", "-1", "--format=%s"], cwd=root, capture_output=True, text=True, check=True
    )
    # "新建议题 2026-001：…" is the subject xsk new writes
    return proc.stdout.split()[1].split("：")[0]


def size_rows(root: Path, n: int, reps: int, out: Path) -> list[Row]:
    """The rows that need no documents built."""
    stat = lambda: run(py(STAT, root), root)  # noqa: E731
    toml = lambda: run(py(TOMLLIB, root), root)  # noqa: E731
    git = lambda: run(py(GIT, root), root)  # noqa: E731
    rows: list[Row] = []
    run(xsk(root, "status"), root)  # warm the index (status level)
    run(xsk(root, "report", "--json"), root)
    time.sleep(3.1)  # entries recorded "racily clean" settle
    rows.append(
        paired(Row("status（热）", "stat", n), lambda: run(xsk(root, "status"), root), stat, reps)
    )
    rows.append(
        paired(
            Row("report --json（热）", "stat", n),
            lambda: run(xsk(root, "report", "--json"), root),
            stat,
            reps,
        )
    )
    xlsx = out / f"台账-{n}.xlsx"
    report_xlsx = lambda: run(xsk(root, "report", "--xlsx", str(xlsx)), root)  # noqa: E731
    run(xsk(root, "report", "--xlsx", str(xlsx)), root)
    rows.append(paired(Row("report --xlsx（热）", "tomllib", n), report_xlsx, toml, reps))
    report_json = lambda: run(xsk(root, "report", "--json"), root)  # noqa: E731
    rows.append(paired(Row(GOAL_XLSX, "report --json", n), report_xlsx, report_json, reps))

    def cold_xlsx() -> tuple[float, float]:
        clear_index(root)
        return report_xlsx()

    rows.append(paired(Row("report --xlsx（冷）", "tomllib", n), cold_xlsx, toml, reps))
    check = lambda: run(xsk(root, "check"), root)  # noqa: E731
    rows.append(paired(Row("check（未生成文书）", "tomllib", n), check, toml, reps))
    counter = iter(range(10**6))
    rows.append(paired(Row("xsk new", "git", n), lambda: new_case(root, next(counter)), git, reps))
    rows.append(paired(Row("xsk step（--no-docs）", "git", n), stepper(root, reps), git, reps))
    return rows


def stepper(root: Path, reps: int, *, docs: bool = False):
    """A callable running one ``xsk step`` (collect) on one of ``reps`` fresh cases."""
    fresh = []
    for i in range(reps):
        new_case(root, 10**6 + i + 1000 * docs)
        fresh.append(last_case(root))
    args = ["--answers", str(ANSWERS)] + ([] if docs else ["--no-docs"])
    todo = iter(fresh)
    return lambda: run(xsk(root, "step", next(todo), *args), root)


def docs_rows(root: Path, n: int, reps: int) -> list[Row]:
    """The rows that need every document built (built here first, not timed as a row)."""
    stat = lambda: run(py(STAT, root), root)  # noqa: E731
    toml = lambda: run(py(TOMLLIB, root), root)  # noqa: E731
    git = lambda: run(py(GIT, root), root)  # noqa: E731
    t0 = time.perf_counter()
    run(xsk(root, "docs", "build"), root)
    print(f"（已生成 {n} 个议题的文书：{time.perf_counter() - t0:.0f} 秒）", flush=True)
    run(xsk(root, "check"), root)  # warm
    rows = [
        paired(
            Row("check（已生成文书）", "tomllib", n),
            lambda: run(xsk(root, "check"), root),
            toml,
            reps,
        )
    ]
    report_json = lambda: run(xsk(root, "report", "--json"), root)  # noqa: E731
    check = lambda: run(xsk(root, "check"), root)  # noqa: E731
    rows.append(paired(Row(GOAL_CHECK, "report --json", n), check, report_json, reps))
    build = lambda: run(xsk(root, "docs", "build"), root)  # noqa: E731
    rows.append(paired(Row("docs build（无变化）", "stat", n), build, stat, reps))
    status = lambda: run(xsk(root, "status"), root)  # noqa: E731
    rows.append(paired(Row(GOAL_BUILD, "status", n), build, status, reps))
    step = stepper(root, reps, docs=True)
    new_case(root, 2 * 10**6)  # the case whose documents the render floor builds again
    rendered = last_case(root)
    run(xsk(root, "step", rendered, "--answers", str(ANSWERS)), root)
    run(xsk(root, "docs", "build"), root)  # the fresh cases' documents: out/ is complete
    rows.append(paired(Row("xsk step（含文书，out/ 已生成）", "git", n), step, git, reps))
    step = stepper(root, reps, docs=True)
    run(xsk(root, "docs", "build"), root)
    render = lambda: run(py(GIT_RENDER, root, rendered), root)  # noqa: E731
    rows.append(paired(Row(GOAL_STEP, "git + 渲染本步文书", n), step, render, reps))
    return rows


def import_row(base: Path, reps: int) -> Row:
    from test_import import ledger_rows, write_xlsx

    from xsk.workspace import settings as wsmod

    ledger = base / "2025年台账.xlsx"
    columns = ["序号", "议题编号", "议题名称", "来源", "类别", "层级", "责任单位", "办结时限"]
    columns += ["办理情况", "满意度"]
    if not ledger.exists():
        write_xlsx(ledger, ledger_rows(LEDGER_ROWS, LEDGER_CLOSED), columns=columns)
    empty = base / "import-empty"
    if not (empty / "xsk.toml").exists():
        shutil.rmtree(empty, ignore_errors=True)
        wsmod.create(empty, community="导入社区", street="", district="", procedure="dongguan-6")
    scratch = base / "import-run"

    def fresh() -> Path:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.copytree(empty, scratch, symlinks=True)
        return scratch

    def a() -> tuple[float, float]:
        root = fresh()
        return run(xsk(root, "import", str(ledger)), root)

    def b() -> tuple[float, float]:
        root = fresh()
        return run(py(IMPORT, ledger, root), root)

    row = paired(Row(f"import（{LEDGER_ROWS:,} 行台账）", "import", LEDGER_ROWS), a, b, reps)
    shutil.rmtree(scratch, ignore_errors=True)
    return row


def exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(time) over log(N)."""
    if len({n for n, _ in points}) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def report(rows: list[Row]) -> None:
    print()
    print("| 议题数 | 命令 | 用时（中位数） | 底线 | 比值 | 峰值内存 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(
            f"| {r.n:,} | {r.name} | {r.figure:.2f} 秒 | {r.floor} {r.base:.2f} 秒 | "
            f"{r.figure / r.base:.2f} | {MEM_MARK}{r.mem:.0f} MiB |"
        )
    by_name: dict[str, list[tuple[int, float]]] = {}
    for r in rows:
        if r.name not in (GOAL_BUILD, GOAL_CHECK, GOAL_XLSX, GOAL_STEP):  # the same figures again
            by_name.setdefault(r.name, []).append((r.n, r.figure))
    fits = [(name, exponent(points), points) for name, points in by_name.items()]
    fits = [(name, e, points) for name, e, points in fits if e is not None]
    if fits:
        print()
        print("| 命令 | 增长指数（log-log 最小二乘） | 规模 |")
        print("| --- | --- | --- |")
        for name, e, points in fits:
            sizes = " / ".join(f"{n:,}" for n, _ in points)
            print(f"| {name} | {e:.2f} | {sizes} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="街道规模：issue 19 表中每一行与其底线")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000], help="议题数量")
    parser.add_argument(
        "--docs-sizes", type=int, nargs="*", default=[1000, 2000], help="生成文书后再测的规模"
    )
    parser.add_argument("--big", action="store_true", help="另测 50,000 个议题（很慢）")
    parser.add_argument("-r", "--reps", type=int, default=3, help="每行交替运行次数（≥3）")
    parser.add_argument("--no-import", action="store_true", help="不测导入台账")
    parser.add_argument("--keep", type=Path, help="保留并复用生成的工作区")
    args = parser.parse_args(argv)
    reps = max(3, args.reps)
    os.environ.update({k: v for k, v in env().items() if k.startswith("GIT_")})
    sizes = sorted(set(args.sizes) | ({50000} if args.big else set()))
    base = Path(tempfile.mkdtemp(prefix="xsk-street-")) if args.keep is None else args.keep
    base.mkdir(parents=True, exist_ok=True)
    print("xsk 街道规模基准（issue 19）")
    for key, value in machine_info():
        print(f"  {key:<15}{value}")
    print(f"  {'repetitions':<15}{reps}（A/B 交替，取中位数）")
    rows: list[Row] = []
    try:
        if not args.no_import:
            rows.append(import_row(base, reps))
        for n in sorted(set(sizes) | set(args.docs_sizes)):
            root = workspace(base, n)
            if n in sizes:
                rows += size_rows(root, n, reps, base)
            if n in args.docs_sizes:
                rows += docs_rows(root, n, reps)
    finally:
        report(rows)
        print()
        print(f"  {'load average':<15}{' '.join(f'{x:.2f}' for x in os.getloadavg())}（结束时）")
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
