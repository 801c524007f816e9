"""Everyday commands on cases: find a case, attach photos and scans to it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xsk.cli.common import JsonOpt, _ws, app


@app.command()
def find(
    text: Annotated[
        str, typer.Argument(metavar="文字", help="在编号（含原编号）、名称、描述、成果、事件中查找")
    ] = "",
    category: Annotated[str | None, typer.Option("--category", help="议题类别")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="责任单位（包含即可）")] = None,
    person: Annotated[
        str | None, typer.Option("--person", help="提出人、受理人、会议主持人或参会人")
    ] = None,
    step: Annotated[str | None, typer.Option("--step", help="当前步骤（名称或编号）")] = None,
    json_: JsonOpt = False,
) -> None:
    """查找议题：按文字、类别、责任单位、人员或当前步骤（条件同时满足）。

    示例：xsk find 电梯 --category 公共设施 --unit 物业
    """
    from xsk.casework import finding
    from xsk.cli.output import echo, emit_json, table

    rows = finding.find(_ws(), text, category=category, unit=unit, person=person, step=step)
    if json_:
        emit_json(rows)
        return
    if not rows:
        echo("没有找到符合条件的议题。")
        return
    table(
        ["编号", "议题", "类别", "步骤", "状态", "责任单位", "时限"],
        [
            [
                r["id"] + (f"（原编号 {r['original_id']}）" if r.get("original_id") else ""),
                r["title"],
                r["category"],
                r["step_name"],
                r["status_name"],
                "、".join(r["units"]),
                r["due"] or "",
            ]
            for r in rows
        ],
    )
    echo(f"共 {len(rows)} 个议题")


@app.command()
def attach(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="议题编号")],
    files: Annotated[list[Path], typer.Argument(metavar="文件", help="照片、扫描件等，可多个")],
    note: Annotated[str, typer.Option("--note", help="说明，如 签到表扫描件")] = "",
) -> None:
    """把照片、扫描件附加到议题（存入议题文件夹并提交；单个文件不超过 10 MB）。

    示例：xsk attach 2026-007 签到表.jpg 现场.jpg --note 第一次协商会
    """
    from xsk.actions import workflow
    from xsk.cli.output import echo
    from xsk.workspace import attachments, cases

    ws = _ws()
    cases.load_case(ws, case_id)
    attachments.check_sources(files)
    paths = attachments.add(cases.case_dir(ws, case_id), files, note, workflow.now().date())
    names = "、".join(p.name for p in paths[:-1])
    ws.commit(paths, f"议题 {case_id}：附加 {names}" + (f"（{note}）" if note else ""))
    for p in paths[:-1]:
        echo(f"已附加：{ws.rel(p)}")
