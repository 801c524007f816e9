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
        from xsk.casework.steps import calendar

        return calendar(_ws())
    except WorkspaceError:
        if _state["dir"] is not None:
            raise
        from xsk.workspace.calendars import standalone

        return standalone()


def _flush_warnings(cal) -> None:
    from xsk.core import notices

    for w in getattr(cal, "warnings", []):
        notices.add(w)  # printed once, at the end of the run


# ignore_unknown_options: "-3" is read as the number N (and refused), not as an option
@calendar_app.command("add", context_settings={"ignore_unknown_options": True})
def calendar_add(
    date: Annotated[str, typer.Argument(help="起始日期，如 2026-09-28 或 9月28日")],
    n: Annotated[int, typer.Argument(help="工作日数（0 或正整数）")],
    json_: JsonOpt = False,
) -> None:
    """输出 DATE 之后第 N 个工作日的日期。示例：xsk calendar add 2026-09-28 5"""
    from xsk.cli.output import echo, emit_json
    from xsk.core.errors import UsageError

    start = _parse_date(date, "日期")
    if n < 0:
        raise UsageError(f"天数不能为负数：{n}", hint="N 为 DATE 之后的工作日数，0 或正整数")
    cal = _calendar()
    result = cal.add_workdays(start, n)
    _flush_warnings(cal)
    if json_:
        emit_json(
            {
                "start": start.isoformat(),
                "workdays": n,
                "date": result.isoformat(),
                "provisional": cal.provisional_between(start, result),
                "warnings": list(getattr(cal, "warnings", [])),
            }
        )
        return
    echo(result.isoformat())


@calendar_app.command("is-workday")
def calendar_is_workday(
    date: Annotated[str, typer.Argument(help="日期，如 2026-10-10 或 10月10日")],
    json_: JsonOpt = False,
) -> None:
    """判断某天是否为工作日。示例：xsk calendar is-workday 2026-10-10"""
    from xsk.cli.output import echo, emit_json

    day = _parse_date(date, "日期")
    cal = _calendar()
    result = cal.is_workday(day)
    _flush_warnings(cal)
    name = cal.statutory_name(day)  # a statutory holiday in a provisional year
    provisional = cal.provisional_between(day, day)
    if json_:
        emit_json(
            {
                "date": day.isoformat(),
                "workday": result,
                "provisional": provisional,
                **({"holiday": name} if name else {}),
            }
        )
        return
    why = f"（{name}，暂定）" if name else "（暂定）" if provisional else ""
    echo(f"{day.isoformat()} {'是工作日' if result else '不是工作日'}{why}")


from xsk.cli.calendar_recheck import register as _register_recheck  # noqa: E402

_register_recheck(calendar_app)
