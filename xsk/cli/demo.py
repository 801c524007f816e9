"""The ``xsk demo`` command: build the demo workspace, then its documents, report and ledger."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from xsk.actions import samples as demo
from xsk.cli.output import echo


def run(target: Path, *, render: bool = True) -> None:
    start = time.monotonic()
    from xsk.core import bytecode

    bytecode.warm()
    quiet = not sys.stdout.isatty()
    ws = demo.build(target, say=(lambda s: None) if quiet else echo)
    from xsk.workspace import cases as store

    ids = store.case_ids(ws)
    echo(f"已重放 {len(ids)} 个示例议题（每一步一次提交）。")
    outputs: list[str] = []
    if render:
        from xsk.documents import plan as documents

        jobs = documents.jobs_for_cases(ws, ids)
        result = documents.run_jobs(ws, jobs, jobs_n=2)
        echo(f"已生成文书 {len(result.built) + len(result.skipped)} 份：{ws.rel(ws.out_dir)}/")
        outputs.extend(_reports(ws))
    elapsed = time.monotonic() - start
    echo("")
    echo(f"演示工作区：{ws.root}（用时 {elapsed:.1f} 秒）")
    for line in outputs:
        echo(line)
    echo("建议先打开：")
    meetings_dir = ws.out_dir / "meetings"
    minutes = sorted(meetings_dir.glob("*/*会议纪要.docx")) if meetings_dir.is_dir() else []
    results = sorted(ws.out_dir.glob("*/*协商结果公示.docx"))
    if minutes:
        echo(f"  会议纪要：{ws.rel(minutes[0])}")
    if results:
        echo(f"  结果公示：{ws.rel(results[0])}")
    echo("接着可以试试：")
    xsk = _invocation()
    echo(f"  {xsk} -C {target} status --all        # 全部议题")
    echo(f"  {xsk} -C {target} show 2026-001        # 一个议题（隐私已打码）")
    echo(f"  {xsk} -C {target} report              # 统计数字")
    echo(f"  {xsk} -C {target} walk                # 交互式办理")


def _invocation() -> str:
    """How to run xsk again from here: ``xsk`` when it is on PATH, else the path of this
    install's script (``.venv/bin/xsk`` after the README's install), else ``python -m xsk``."""
    import os
    import shlex
    import shutil
    import sys

    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    on_path = shutil.which("xsk")
    if on_path and script and script.name == "xsk" and Path(on_path).resolve() == script.resolve():
        return "xsk"
    if script and script.name == "xsk" and script.is_file():
        try:
            return shlex.quote(os.path.relpath(script))
        except ValueError:
            return shlex.quote(str(script))
    return f"{shlex.quote(sys.executable)} -m xsk"


def _reports(ws) -> list[str]:
    lines = []
    try:
        from xsk.reports import stats  # noqa: F401
    except ImportError:
        return lines
    try:
        from xsk.casework import status
        from xsk.reports.bundle import demo_outputs

        lines.extend(demo_outputs(ws, status.today()))
    except ImportError:
        pass
    return lines
