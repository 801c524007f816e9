"""Documents per second: ``xsk docs build --force`` against pandoc (Markdown -> .docx).

The workspace is the demo (``xsk demo --no-docs``: the 17 sample cases replayed, ~130
documents). For pandoc, every document xsk built is turned into equivalent Markdown (its
paragraphs, headings and tables, read back with python-docx) and converted with one
``pandoc X.md -o X.docx`` per document, as a script would; run with the same number of
parallel jobs as xsk. Pandoc is skipped (with a note) when it is not installed.

    python bench/bench_docs.py               # jobs 1 and 2, one run each
    python bench/bench_docs.py -r 3          # median of three runs
    python bench/bench_docs.py --keep /tmp/xsk-bench-docs
"""

from __future__ import annotations

import argparse
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="公文生成速度基准（对比 pandoc）")
    parser.add_argument("-r", "--repeat", type=int, default=1, help="每项运行次数（取中位数）")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="并行进程数")
    parser.add_argument("--keep", type=Path, help="保留工作目录（默认用临时目录）")
    args = parser.parse_args(argv)
    os.environ.update({k: v for k, v in env().items() if k.startswith("GIT_")})
    tmp = Path(tempfile.mkdtemp(prefix="xsk-bench-docs-")) if args.keep is None else args.keep
    tmp.mkdir(parents=True, exist_ok=True)
    py = sys.executable
    root = tmp / "demo"
    try:
        if not (root / "xsk.toml").exists():
            t0 = time.perf_counter()
            run_once([py, "-m", "xsk", "demo", str(root), "--no-docs"])
            print(f"（演示工作区已生成：{time.perf_counter() - t0:.1f} 秒）")
        rows: list[tuple[str, str, int, int, float]] = []
        n_docs = 0
        for jobs in args.jobs:
            cmd = [py, "-m", "xsk", "-C", str(root), "docs", "build", "--force", "--jobs"]
            secs = statistics.median(run_once([*cmd, str(jobs)]) for _ in range(args.repeat))
            n_docs = len(list((root / "out").rglob("*.docx")))
            rows.append(("cli", "xsk docs build --force（命令行，含启动）", jobs, n_docs, secs))
        for jobs in args.jobs:
            results = [api_run(root, jobs) for _ in range(args.repeat)]
            secs = statistics.median(r[0] for r in results)
            rows.append(("api", "xsk 渲染接口 documents.run_jobs", jobs, results[0][1], secs))
        pandoc = shutil.which("pandoc")
        pandoc_version = ""
        if pandoc:
            pandoc_version = subprocess.run(
                [pandoc, "--version"], capture_output=True, text=True
            ).stdout.splitlines()[0]
            md_dir = tmp / "markdown"
            shutil.rmtree(md_dir, ignore_errors=True)
            md_dir.mkdir()
            sources = []
            for i, path in enumerate(sorted((root / "out").rglob("*.docx"))):
                src = md_dir / f"{i:04d}-{path.stem}.md"
                src.write_text(to_markdown(path), encoding="utf-8")
                sources.append(src)
            for jobs in args.jobs:
                secs = statistics.median(
                    pandoc_run(pandoc, sources, tmp / f"pandoc-out-{jobs}", jobs)
                    for _ in range(args.repeat)
                )
                rows.append(
                    ("pandoc", "pandoc Markdown → docx（每份一个进程）", jobs, len(sources), secs)
                )
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)

    print("公文生成速度基准")
    for key, value in machine_info():
        print(f"  {key:<15}{value}")
    print(f"  {'pandoc':<15}{pandoc_version or '未安装（跳过对比）'}")
    print(f"  {'runs':<15}每项 {args.repeat} 次取中位数")
    print()
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
    if not pandoc:
        print("未找到 pandoc，跳过对比（apt-get install pandoc）。")
        return 0
    ok = True
    for jobs in args.jobs:
        ratio = rate[("cli", jobs)] / rate[("pandoc", jobs)]
        passed = ratio >= GOAL
        ok &= passed
        print(
            f"进程数 {jobs}：xsk 命令行 / pandoc = {ratio:.2f} 倍"
            f"（目标 ≥ {GOAL:.0f} 倍）  {'PASS' if passed else 'FAIL'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
