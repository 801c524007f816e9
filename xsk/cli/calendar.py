"""The working-day calendar commands."""

from __future__ import annotations

from typing import Annotated

import typer

from xsk.cli.common import JsonOpt, _parse_date, _state, _ws, app

calendar_app = typer.Typer(
    help="工作日计算（含法定节假日与调休）。示例：xsk calendar add 2026-09-28 5",
    no_args_is_help=True,
)
app.add_typer(calendar_app, name="calendar")


def _calendar():
    from xsk.core.errors import WorkspaceError

    try:
        from xsk.workspace.settings import calendar

        return calendar(_ws())
    except WorkspaceError:
        if _state["dir"] is not None:
            raise
        from xsk.rules.workdays import Calendar

        return Calendar()


def _flush_warnings(cal) -> None:
    from xsk.cli.output import warn

    for w in getattr(cal, "warnings", []):
        warn(w)


@calendar_app.command("add")
def calendar_add(
    date: Annotated[str, typer.Argument(help="起始日期 YYYY-MM-DD")],
    n: Annotated[int, typer.Argument(help="工作日数（可为负）")],
    json_: JsonOpt = False,
) -> None:
    """输出 DATE 之后第 N 个工作日的日期。示例：xsk calendar add 2026-09-28 5"""
    from xsk.cli.output import echo, emit_json

    start = _parse_date(date, "DATE")
    cal = _calendar()
    result = cal.add_workdays(start, n)
    _flush_warnings(cal)
    if json_:
        emit_json(
            {
                "start": start.isoformat(),
                "workdays": n,
                "date": result.isoformat(),
                "warnings": list(getattr(cal, "warnings", [])),
            }
        )
        return
    echo(result.isoformat())


@calendar_app.command("is-workday")
def calendar_is_workday(
    date: Annotated[str, typer.Argument(help="日期 YYYY-MM-DD")],
    json_: JsonOpt = False,
) -> None:
    """判断某天是否为工作日。示例：xsk calendar is-workday 2026-10-10"""
    from xsk.cli.output import echo, emit_json

    day = _parse_date(date, "DATE")
    cal = _calendar()
    result = cal.is_workday(day)
    _flush_warnings(cal)
    if json_:
        emit_json({"date": day.isoformat(), "workday": result})
        return
    echo(f"{day.isoformat()} {'是工作日' if result else '不是工作日'}")
