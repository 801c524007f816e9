"""Documents per second: ``xsk docs build --force`` against pandoc (Markdown -> .docx).

The workspace is the demo (``xsk demo --no-docs``: the 17 sample cases replayed, ~130
documents). For pandoc, every document xsk built is turned into equivalent Markdown (its
paragraphs, headings and tables, read back with python-docx).

Two races:

* per document (goal >= 2x): ``xsk docs build --force`` (the CLI, start-up included) against
  one ``pandoc X.md -o X.docx`` per document, as a script would, run with the same number of
  parallel jobs as xsk;
* content only (goal >= 1x): all documents in one xsk process against one pandoc process.
  Pandoc gets every document's Markdown concatenated into one file, the documents separated
  by a page break (a raw ``{=openxml}`` block ``<w:br w:type="page"/>``), and converts it with
  one ``pandoc all.md -f markdown -o all.docx``; its time is that process's wall time (start-up
  included). The xsk side is a fresh ``python`` process (this script with ``--race-worker``)
  that loads the workspace and plans the jobs (reported as 规划, not counted), reads the
  templates and compiles their Jinja (``documents.docx.warm``: reported as 读模板, not
  counted), then renders every document to its own .docx file exactly as a build does
  (``render_document``: Jinja, layout passes, the leak scan of public documents, an atomic
  write without fsync): that time, from the first document rendered to the last file
  written, is the counted one. The ratio is pandoc's time / xsk's rendering time; the line
  under it also gives pandoc / (读模板 + 渲染). Runs alternate xsk, pandoc, xsk, ...

    python bench/bench_docs.py               # jobs 1 and 2, one run each; race 5 rounds
    python bench/bench_docs.py -r 3          # median of three runs
    python bench/bench_docs.py --race-only -k 7
    python bench/bench_docs.py --keep /tmp/xsk-bench-docs
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_startup import cell, env, machine_info, run_once  # noqa: E402

GOAL = 2.0


def to_markdown(docx_path: Path) -> str:
    """The document's text as Markdown: headings, paragraphs and pipe tables in body order."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = docx.Document(str(docx_path))
    out: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(child, doc)
            text = p.text.strip()
            if not text:
                continue
            style = (p.style.name if p.style is not None else "") or ""
            out.append(("# " if not out or style.startswith(("Title", "Heading")) else "") + text)
        elif tag == "tbl":
            table = Table(child, doc)
            rows = [
                [c.text.replace("\n", " ").replace("|", "\\|").strip() for c in r.cells]
                for r in table.rows
            ]
            if not rows:
                continue
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            out.append("| " + " | ".join(rows[0]) + " |")
            out.append("|" + "---|" * width)
            out.extend("| " + " | ".join(r) + " |" for r in rows[1:])
            out.append("")
    return "\n\n".join(x for x in out) + "\n"


def pandoc_run(pandoc: str, sources: list[Path], outdir: Path, jobs: int) -> float:
    outdir.mkdir(parents=True, exist_ok=True)

    def one(src: Path) -> None:
        dst = outdir / (src.stem + ".docx")
        proc = subprocess.run(
            [pandoc, str(src), "-f", "markdown", "-o", str(dst)], capture_output=True
        )
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.decode(errors="replace"))

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, sources))
    return time.perf_counter() - t0


def api_run(root: Path, jobs: int) -> tuple[float, int]:
    """The render API directly (no CLI start-up): documents.run_jobs(force=True)."""
    from xsk.documents import plan as documents
    from xsk.workspace import cases
    from xsk.workspace import settings as workspace

    ws = workspace.load(root)
    t0 = time.perf_counter()
    job_list = documents.jobs_for_cases(ws, cases.case_ids(ws), None)
    result = documents.run_jobs(ws, job_list, force=True, jobs_n=jobs)
    return time.perf_counter() - t0, len(result.built)


PAGE_BREAK = '\n\n```{=openxml}\n<w:p><w:r><w:br w:type="page"/></w:r></w:p>\n```\n\n'
RACE_GOAL = 1.0


def race_worker(root: Path, out: Path) -> dict[str, float]:
    """One xsk process: plan (not counted), read the templates (not counted), render every
    document to ``out`` as the build does (counted). Returns the times in seconds."""
    from xsk.documents import docx
    from xsk.documents import plan as documents
    from xsk.documents.build import _run_job
    from xsk.workspace import cases
    from xsk.workspace import settings as workspace

    t0 = time.perf_counter()
    ws = workspace.load(root)
    job_list = documents.jobs_for_cases(ws, cases.case_ids(ws), None)
    dirs = documents.template_dirs(ws)
    for job in job_list:
        job.out_path = out / Path(job.out_path).relative_to(root / "out")
        job.out_path.parent.mkdir(parents=True, exist_ok=True)
    t1 = time.perf_counter()
    docx.warm([j.kind for j in job_list], dirs)
    traditional = ws.settings.traditional
    t2, c2 = time.perf_counter(), time.process_time()
    for job in job_list:
        _run_job(job, dirs, traditional)
    t3, c3 = time.perf_counter(), time.process_time()
    return {
        "plan": t1 - t0,
        "prepare": t2 - t1,
        "render": t3 - t2,
        "render_cpu": c3 - c2,
        "docs": len(job_list),
    }


def run_cpu(args: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, from wait4) of one run of ``args``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"失败：{' '.join(args)}\n{err.decode(errors='replace')}")
    return elapsed, usage.ru_utime + usage.ru_stime


def race(
    root: Path, tmp: Path, pandoc: str, rounds: int, overwrite: bool = False
) -> list[tuple[str, float]]:
    """The content-only race, xsk and pandoc alternating ``rounds`` times: the median times.
    Each run writes new files (the last round's are removed first) unless ``overwrite``."""
    docs = sorted((root / "out").rglob("*.docx"))
    if not docs:
        run_once([sys.executable, "-m", "xsk", "-C", str(root), "docs", "build", "--force"])
        docs = sorted((root / "out").rglob("*.docx"))
    src = tmp / "race-all.md"
    src.write_text(PAGE_BREAK.join(to_markdown(d) for d in docs), encoding="utf-8")
    dst = tmp / "race-all.docx"
    out = tmp / "race-out"
    worker = [sys.executable, str(Path(__file__).resolve()), "--race-worker", str(root), str(out)]
    xsk_runs: list[dict[str, float]] = []
    pandoc_runs: list[float] = []
    pandoc_cpu: list[float] = []
    for _ in range(rounds):
        if not overwrite:  # both write new files (not timed: removing the last round's)
            shutil.rmtree(out, ignore_errors=True)
            dst.unlink(missing_ok=True)
        os.sync()  # before each run: none waits for the writeback of what ran before it
        proc = subprocess.run(worker, env=env(), capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"xsk 渲染进程失败：\n{proc.stderr}")
        xsk_runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        os.sync()
        wall, cpu = run_cpu([pandoc, str(src), "-f", "markdown", "-o", str(dst)])
        pandoc_runs.append(wall)
        pandoc_cpu.append(cpu)
    n = int(xsk_runs[0]["docs"])
    if n != len(docs):
        raise SystemExit(f"xsk 渲染了 {n} 份，pandoc 一侧有 {len(docs)} 份")

    def med(key: str) -> float:
        return statistics.median(r[key] for r in xsk_runs)

    return [
        ("docs", float(n)),
        ("md_bytes", float(src.stat().st_size)),
        ("plan", med("plan")),
        ("prepare", med("prepare")),
        ("render", med("render")),
        ("prepare_render", statistics.median(r["prepare"] + r["render"] for r in xsk_runs)),
        ("pandoc", statistics.median(pandoc_runs)),
        ("render_cpu", med("render_cpu")),
        ("pandoc_cpu", statistics.median(pandoc_cpu)),
        ("render_min", min(r["render"] for r in xsk_runs)),
        ("render_max", max(r["render"] for r in xsk_runs)),
        ("pandoc_min", min(pandoc_runs)),
        ("pandoc_max", max(pandoc_runs)),
    ]


def print_race(figures: list[tuple[str, float]], rounds: int, overwrite: bool) -> bool:
    f = dict(figures)
    n = int(f["docs"])
    print()
    print(f"只比内容：一个 xsk 进程渲染全部 {n} 份 / 一个 pandoc 进程转换同样内容的 Markdown")
    print(f"（{f['md_bytes'] / 1024:.0f} KB，一个文件，文书之间分页；交替 {rounds} 轮取中位数；")
    print(
        "  "
        + (
            "每轮覆盖上一轮的文件，先 sync）"
            if overwrite
            else "每轮写新文件，上一轮的先删掉并 sync）"
        )
    )
    print(cell("项目", 46, "<") + cell("秒", 9) + cell("最快", 9) + cell("最慢", 9))
    print("-" * 73)
    rows = [
        ("xsk 规划（读工作区、排文号；不计入）", f["plan"], None, None),
        ("xsk 读模板、编译 Jinja（不计入）", f["prepare"], None, None),
        ("xsk 渲染并写出 .docx（计入）", f["render"], f["render_min"], f["render_max"]),
        ("pandoc 一个进程（含启动）", f["pandoc"], f["pandoc_min"], f["pandoc_max"]),
    ]
    for name, secs, lo, hi in rows:
        extra = cell(f"{lo:.3f}", 9) + cell(f"{hi:.3f}", 9) if lo is not None else ""
        print(cell(name, 46, "<") + cell(f"{secs:.3f}", 9) + extra)
    ratio = f["pandoc"] / f["render"]
    passed = ratio >= RACE_GOAL
    print()
    print(
        f"pandoc / xsk 渲染 = {ratio:.2f} 倍（目标 ≥ {RACE_GOAL:.0f} 倍）"
        f"  {'PASS' if passed else 'FAIL'}"
    )
    print(
        f"（连读模板一起算：pandoc / xsk（读模板 + 渲染）= {f['pandoc'] / f['prepare_render']:.2f} 倍）"
    )
    print(
        f"（CPU 时间：xsk 渲染 {f['render_cpu']:.3f} 秒，pandoc {f['pandoc_cpu']:.3f} 秒，"
        f"{f['pandoc_cpu'] / f['render_cpu']:.2f} 倍；机器繁忙时墙钟时间波动大，CPU 时间较稳）"
    )
    return passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="公文生成速度基准（对比 pandoc）")
    parser.add_argument("-r", "--repeat", type=int, default=1, help="每项运行次数（取中位数）")
    parser.add_argument("-k", "--rounds", type=int, default=5, help="只比内容：交替轮数")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="并行进程数")
    parser.add_argument("--keep", type=Path, help="保留工作目录（默认用临时目录）")
    parser.add_argument("--race-only", action="store_true", help="只比内容（一个进程对一个进程）")
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="只比内容：每轮覆盖上一轮写出的文件（默认先删掉，写新文件）",
    )
    parser.add_argument("--race-worker", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.race_worker:
        print(json.dumps(race_worker(*args.race_worker)))
        return 0
    os.environ.update({k: v for k, v in env().items() if k.startswith("GIT_")})
    tmp = Path(tempfile.mkdtemp(prefix="xsk-bench-docs-")) if args.keep is None else args.keep
    tmp.mkdir(parents=True, exist_ok=True)
    py = sys.executable
    root = tmp / "demo"
    pandoc = shutil.which("pandoc")
    pandoc_version = ""
    rows: list[tuple[str, str, int, int, float]] = []
    race_figures: list[tuple[str, float]] = []
    try:
        if not (root / "xsk.toml").exists():
            t0 = time.perf_counter()
            run_once([py, "-m", "xsk", "demo", str(root), "--no-docs"])
            print(f"（演示工作区已生成：{time.perf_counter() - t0:.1f} 秒）")
        if pandoc:
            pandoc_version = subprocess.run(
                [pandoc, "--version"], capture_output=True, text=True
            ).stdout.splitlines()[0]
        if not args.race_only:
            rows = per_document(root, tmp, pandoc, args.jobs, args.repeat)
        if pandoc:
            race_figures = race(root, tmp, pandoc, args.rounds, args.overwrite)
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)

    print("公文生成速度基准")
    for key, value in machine_info():
        print(f"  {key:<15}{value}")
    print(f"  {'pandoc':<15}{pandoc_version or '未安装（跳过对比）'}")
    if not pandoc:
        print()
        print("未找到 pandoc，跳过对比（apt-get install pandoc）。")
        return 0
    ok = True
    if rows:
        ok = print_per_document(rows, args.jobs, args.repeat)
    ok &= print_race(race_figures, args.rounds, args.overwrite)
    return 0 if ok else 1


def per_document(
    root: Path, tmp: Path, pandoc: str | None, jobs_list: list[int], repeat: int
) -> list[tuple[str, str, int, int, float]]:
    """The per-document race: the CLI and the render API, then pandoc once per document."""
    py = sys.executable
    rows: list[tuple[str, str, int, int, float]] = []
    for jobs in jobs_list:
        cmd = [py, "-m", "xsk", "-C", str(root), "docs", "build", "--force", "--jobs"]
        secs = statistics.median(run_once([*cmd, str(jobs)]) for _ in range(repeat))
        n_docs = len(list((root / "out").rglob("*.docx")))
        rows.append(("cli", "xsk docs build --force（命令行，含启动）", jobs, n_docs, secs))
    for jobs in jobs_list:
        results = [api_run(root, jobs) for _ in range(repeat)]
        secs = statistics.median(r[0] for r in results)
        rows.append(("api", "xsk 渲染接口 documents.run_jobs", jobs, results[0][1], secs))
    if pandoc:
        md_dir = tmp / "markdown"
        shutil.rmtree(md_dir, ignore_errors=True)
        md_dir.mkdir()
        sources = []
        for i, path in enumerate(sorted((root / "out").rglob("*.docx"))):
            src = md_dir / f"{i:04d}-{path.stem}.md"
            src.write_text(to_markdown(path), encoding="utf-8")
            sources.append(src)
        for jobs in jobs_list:
            secs = statistics.median(
                pandoc_run(pandoc, sources, tmp / f"pandoc-out-{jobs}", jobs) for _ in range(repeat)
            )
            rows.append(
                ("pandoc", "pandoc Markdown → docx（每份一个进程）", jobs, len(sources), secs)
            )
    return rows


def print_per_document(
    rows: list[tuple[str, str, int, int, float]], jobs_list: list[int], repeat: int
) -> bool:
    print()
    print(f"每份一个 pandoc 进程（每项 {repeat} 次取中位数）")
    print(
        cell("方式", 42, "<") + cell("进程", 6) + cell("份数", 7) + cell("秒", 9) + cell("份/秒", 9)
    )
    print("-" * 73)
    rate: dict[tuple[str, int], float] = {}
    for tag, name, jobs, docs, secs in rows:
        rate[(tag, jobs)] = docs / secs
        print(
            cell(name, 42, "<")
            + cell(jobs, 6)
            + cell(docs, 7)
            + cell(f"{secs:.2f}", 9)
            + cell(f"{docs / secs:.1f}", 9)
        )
    print()
    ok = True
    for jobs in jobs_list:
        ratio = rate[("cli", jobs)] / rate[("pandoc", jobs)]
        passed = ratio >= GOAL
        ok &= passed
        print(
            f"进程数 {jobs}：xsk 命令行 / pandoc = {ratio:.2f} 倍"
            f"（目标 ≥ {GOAL:.0f} 倍）  {'PASS' if passed else 'FAIL'}"
        )
    return ok


if __name__ == "__main__":
    sys.exit(main())
