"""Commands on the roster and this computer's numbering series."""

from __future__ import annotations

from typing import Annotated

import typer

from xsk.cli.common import JsonOpt, NoInput, _prompter, _ws, app

roster_app = typer.Typer(
    help="参与主体名册（个人与单位）。示例：xsk roster list", no_args_is_help=True
)
app.add_typer(roster_app, name="roster")


@roster_app.command("list")
def roster_list(json_: JsonOpt = False) -> None:
    """列出名册（电话打码）。示例：xsk roster list --json"""
    from xsk.casework import roster
    from xsk.cli.output import emit_json, table

    rows = roster.rows(_ws())
    if json_:
        emit_json(rows)
        return
    table(
        ["编号", "名称", "类型", "角色", "主体类型", "单位", "议事权", "表决权"],
        [
            [
                r["id"],
                r["name"],
                "单位" if r["kind"] == "org" else "个人",
                r["role"],
                r["subject_type"],
                r["unit"],
                "有" if r["deliberate"] else "无",
                "有" if r["vote"] else "无",
            ]
            for r in rows
        ],
    )


@roster_app.command("show")
def roster_show(
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="名册编号或名称")],
    json_: JsonOpt = False,
    reveal: Annotated[bool, typer.Option("--reveal", help="显示电话")] = False,
) -> None:
    """查看名册中的一人或一个单位。示例：xsk roster show wangli"""
    from xsk.casework import roster
    from xsk.cli.output import echo, emit_json

    row = roster.find(_ws(), entry_id, reveal=reveal)
    if json_:
        emit_json(row)
        return
    for key, value in row.items():
        echo(f"{roster.LABELS.get(key, key)}：{value}")


@roster_app.command("add")
def roster_add(
    name: Annotated[str | None, typer.Option(help="姓名或单位名称")] = None,
    org: Annotated[bool, typer.Option("--org", help="添加单位（默认添加个人）")] = False,
    entry_id: Annotated[str | None, typer.Option("--id", help="名册编号（默认用名称）")] = None,
    role: Annotated[str | None, typer.Option(help="角色，如 楼长、物业经理")] = None,
    subject_type: Annotated[str | None, typer.Option(help="主体类型，如 居民代表")] = None,
    unit: Annotated[str | None, typer.Option(help="所在单位或部门")] = None,
    phone: Annotated[str | None, typer.Option(help="联系电话（隐私）")] = None,
    vote: Annotated[bool | None, typer.Option("--vote/--no-vote", help="是否有表决权")] = None,
    deliberate: Annotated[
        bool, typer.Option("--deliberate/--no-deliberate", help="是否有议事权")
    ] = True,
    official: Annotated[
        bool, typer.Option("--official", help="干部或单位代表（公示可显示姓名）")
    ] = False,
    consent: Annotated[bool, typer.Option("--consent", help="本人同意在公示中显示姓名")] = False,
    no_input: NoInput = False,
) -> None:
    """向名册添加个人或单位并提交。

    示例：xsk roster add --name 王丽 --role 社区书记 --subject-type 社区党组织 --official --vote
    """
    from xsk.casework import roster
    from xsk.cli.output import echo

    entry = roster.add(
        _ws(),
        _prompter(no_input),
        name=name,
        org=org,
        entry_id=entry_id,
        role=role,
        subject_type=subject_type,
        unit=unit,
        phone=phone,
        vote=vote,
        deliberate=deliberate,
        official=official,
        consent=consent,
    )
    echo(f"已添加到名册：{entry.name}（编号 {entry.id}）")
    if vote is None and not _prompter(no_input).interactive:
        if entry.vote:
            echo("  默认给予表决权（个人默认有表决权；不需要时用 --no-vote 或 xsk roster edit）")
        else:
            echo("  单位默认没有表决权（需要时用 --vote）")


@roster_app.command("edit")
def roster_edit(
    key: Annotated[str, typer.Argument(metavar="名称", help="名册中的姓名、单位名称或编号")],
    name: Annotated[str | None, typer.Option(help="新的姓名或单位名称")] = None,
    role: Annotated[str | None, typer.Option(help="角色，如 楼长、物业经理")] = None,
    subject_type: Annotated[str | None, typer.Option(help="主体类型，如 居民代表")] = None,
    unit: Annotated[str | None, typer.Option(help="所在单位或部门")] = None,
    phone: Annotated[str | None, typer.Option(help="联系电话（隐私）")] = None,
    note: Annotated[str | None, typer.Option(help="备注")] = None,
    vote: Annotated[bool | None, typer.Option("--vote/--no-vote", help="是否有表决权")] = None,
    deliberate: Annotated[
        bool | None, typer.Option("--deliberate/--no-deliberate", help="是否有议事权")
    ] = None,
    official: Annotated[
        bool | None, typer.Option("--official/--not-official", help="干部或单位代表")
    ] = None,
    consent: Annotated[
        bool | None, typer.Option("--consent/--no-consent", help="本人同意在公示中显示姓名")
    ] = None,
    no_input: NoInput = False,
) -> None:
    """修改名册中的一人或一个单位并提交（不带选项时逐项询问）。

    示例：xsk roster edit 王丽 --phone 13912345678 --no-vote
    """
    from xsk.casework import roster
    from xsk.cli.output import echo

    changes = dict(
        name=name,
        role=role,
        subject_type=subject_type,
        unit=unit,
        phone=phone,
        note=note,
        vote=vote,
        deliberate=deliberate,
        official=official,
        consent=consent,
    )
    entry = roster.edit(_ws(), _prompter(no_input), key, changes)
    echo(f"已修改名册：{entry.name}（编号 {entry.id}）")


@roster_app.command("remove")
def roster_remove(
    key: Annotated[str, typer.Argument(metavar="名称", help="名册中的姓名、单位名称或编号")],
) -> None:
    """从名册删除一人或一个单位并提交（仍在进行中的议题上时拒绝，并列出议题编号）。

    示例：xsk roster remove 李四
    """
    from xsk.casework import roster
    from xsk.cli.output import echo

    entry = roster.remove(_ws(), key)
    echo(f"已从名册删除：{entry.name}（编号 {entry.id}）")


series_app = typer.Typer(help="本机的议题编号序列（多台电脑协作时使用）。", no_args_is_help=True)
app.add_typer(series_app, name="series")


@series_app.command("show")
def series_show() -> None:
    """显示本机的编号序列。示例：xsk series show"""
    from xsk.cli.output import echo
    from xsk.workspace import numbering

    ws = _ws()
    letter = numbering.series(ws.root)
    if letter is None:
        echo("本机尚未设定编号序列（xsk series set B）")
    else:
        echo(
            "主序列（2026-001 形式）" if letter == "" else f"序列 {letter}（2026-{letter}001 形式）"
        )


@series_app.command("set")
def series_set(letter: Annotated[str, typer.Argument(help="一个英文字母，每台电脑不同")]) -> None:
    """为本机（本副本）设定议题编号序列字母。示例：xsk series set B"""
    from xsk.cli.output import echo
    from xsk.workspace import series

    echo(series.set_series(_ws(), letter))
