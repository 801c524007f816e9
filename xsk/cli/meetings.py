"""Commands on meetings and events."""

from __future__ import annotations

from typing import Annotated

import typer

from xsk.cli.common import JsonOpt, _parse_date, _ws, app

meetings_app = typer.Typer(
    help="会议（一次会议可讨论多个议题）。示例：xsk meetings list", no_args_is_help=True
)
app.add_typer(meetings_app, name="meetings")


@meetings_app.command("list")
def meetings_list(
    json_: JsonOpt = False,
    upcoming: Annotated[
        bool, typer.Option("--upcoming", help="只列出尚未召开的会议（按时间先后）")
    ] = False,
) -> None:
    """列出会议。示例：xsk meetings list --upcoming"""
    from xsk.cli.output import emit_json, table
    from xsk.parts import meetings

    ws = _ws()
    found = meetings.all_meetings(ws.meetings_dir, ws.root)
    if upcoming:
        from xsk.actions import workflow

        found = meetings.upcoming(found, workflow.now())
    rows = [
        {
            "id": m.get("id"),
            "title": m.get("title", ""),
            "form": m.get("form", ""),
            "time": str(m.get("time", "")),
            "venue": m.get("venue", ""),
            "cases": m.get("cases", []),
            "attendees": len(m.get("attendees", [])),
        }
        for m in found
    ]
    if json_:
        emit_json(rows)
        return
    if upcoming and not rows:
        from xsk.cli.output import echo

        echo("没有尚未召开的会议。")
        return
    table(
        ["编号", "名称", "形式", "时间", "地点", "议题", "参会"],
        [
            [
                r["id"],
                r["title"],
                r["form"],
                r["time"],
                r["venue"],
                "、".join(r["cases"]),
                r["attendees"],
            ]
            for r in rows
        ],
    )


@meetings_app.command("show")
def meetings_show(
    meeting_id: Annotated[str, typer.Argument(metavar="ID", help="会议编号")],
    json_: JsonOpt = False,
) -> None:
    """查看一次会议。示例：xsk meetings show 2026-M001"""
    from xsk.cli.output import echo, emit_json
    from xsk.parts import meetings

    ws = _ws()
    m = meetings.load(ws.meetings_dir, meeting_id, ws.root)
    if json_:
        emit_json(m)
        return
    echo(f"{m.get('id')}  {m.get('title', '')}（{m.get('form', '')}）")
    echo(f"  时间：{m.get('time', '')}  地点：{m.get('venue', '')}  主持：{m.get('host', '')}")
    echo(f"  议题：{'、'.join(m.get('cases', []))}")
    for a in m.get("attendees", []):
        echo(f"  {a.get('attendance', '')}：{a['name']}（{a.get('unit', '')}）")


@app.command()
def event(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="议题编号")],
    kind: Annotated[
        str,
        typer.Argument(
            help="事件类型：办理进展、异议、异议答复、回访、评议（下评上）、提请上级协调、"
            "答复提出人、重新办理（也可写 进展、评议、提请上级、答复、重办）"
        ),
    ],
    date: Annotated[
        str | None, typer.Option(help="日期，如 2026-03-05 或 3月5日（默认今天）")
    ] = None,
    text: Annotated[str | None, typer.Option(help="内容、说明或意见")] = None,
    no: Annotated[int | None, typer.Option(help="事项序号（办理进展）")] = None,
    status: Annotated[
        str | None, typer.Option(help="办理状态：待办/办理中/已办结（办理进展）")
    ] = None,
    satisfaction: Annotated[str | None, typer.Option(help="满意/基本满意/不满意（回访）")] = None,
    method: Annotated[str | None, typer.Option(help="回访方式（回访）")] = None,
    unit: Annotated[str | None, typer.Option(help="被评议单位（评议）")] = None,
    score: Annotated[int | None, typer.Option(help="评分 1–5（评议）")] = None,
    by: Annotated[str | None, typer.Option(help="记录人、回访人或异议人")] = None,
    channel: Annotated[str | None, typer.Option(help="异议渠道（异议）")] = None,
    to: Annotated[str | None, typer.Option(help="提请对象（提请上级）")] = None,
    reason: Annotated[str | None, typer.Option(help="理由（提请上级、重新办理）")] = None,
    funding_asked: Annotated[str | None, typer.Option(help="申请经费（元）")] = None,
    funding_granted: Annotated[str | None, typer.Option(help="批准经费（元）")] = None,
    reopen: Annotated[bool, typer.Option("--reopen", help="回访不满意时重新办理")] = False,
    step_id: Annotated[
        str | None, typer.Option("--step", help="重新办理时回到的步骤（步骤名称）")
    ] = None,
) -> None:
    """为议题记录一个事件（进展、异议、回访、评议、提请上级、答复等）。

    示例：xsk event 2026-003 回访 --satisfaction 不满意 --text 积水未根治 --reopen
    """
    import datetime as dt

    from xsk.actions import workflow
    from xsk.casework import recording as eventcmd
    from xsk.cli.output import echo

    when = workflow.now()
    if date:
        d = _parse_date(date, "--date")
        when = dt.datetime.combine(d, dt.time(9, 0), when.tzinfo)
    opts = dict(
        text=text,
        no=no,
        status=status,
        satisfaction=satisfaction,
        method=method,
        unit=unit,
        score=score,
        by=by,
        channel=channel,
        to=to,
        reason=reason,
        funding_asked=funding_asked,
        funding_granted=funding_granted,
        reopen=reopen,
        step=step_id,
    )
    for line in eventcmd.add(_ws(), case_id, kind, when, opts):
        echo(line)
