"""Commands on templates and documents."""

from __future__ import annotations

from typing import Annotated

import typer

from xsk.cli.common import JsonOpt, _root_or_none, _ws, app

templates_app = typer.Typer(help="公文模板。示例：xsk templates list", no_args_is_help=True)
app.add_typer(templates_app, name="templates")


@templates_app.command("list")
def templates_list(json_: JsonOpt = False) -> None:
    """列出公文模板（本地覆盖优先）。示例：xsk templates list"""
    from xsk.cli.output import emit_json, table
    from xsk.documents import templates as templatecmd

    rows = templatecmd.listing(_root_or_none())
    if json_:
        emit_json(rows)
        return
    table(
        ["种类", "名称", "公开", "来源", "路径"],
        [
            [r["kind"], r["name"], "是" if r["public"] else "否", r["source"], r["path"]]
            for r in rows
        ],
    )


@templates_app.command("export")
def templates_export(
    name: Annotated[str, typer.Argument(help="模板种类，如 minutes")],
    force: Annotated[bool, typer.Option("--force", help="覆盖已有的本地模板")] = False,
) -> None:
    """把内置模板复制到工作区 templates/documents/ 供在 Word/WPS 中修改。

    示例：xsk templates export minutes
    """
    from xsk.cli.output import echo
    from xsk.documents import templates as templatecmd

    path = templatecmd.export(_ws(), name, force=force)
    echo(f"已导出到 {path}，在 Word/WPS 中修改后，xsk docs build 将使用它")


docs_app = typer.Typer(help="生成公文（Word）。示例：xsk docs build", no_args_is_help=True)
app.add_typer(docs_app, name="docs")


@docs_app.command("build")
def docs_build(
    ids: Annotated[
        list[str] | None, typer.Argument(metavar="[ID]...", help="议题编号（默认全部）")
    ] = None,
    kind: Annotated[list[str] | None, typer.Option("--kind", help="只生成某种文书，可重复")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="同时转换为 PDF（需要 LibreOffice）")] = False,
    jobs: Annotated[int, typer.Option("--jobs", help="并行进程数")] = 2,
    force: Annotated[bool, typer.Option("--force", help="全部重新生成")] = False,
    traditional: Annotated[bool, typer.Option("--traditional", help="输出繁体中文")] = False,
) -> None:
    """生成议题的公文（增量：未变化的不重新生成）。

    示例：xsk docs build 2026-001 --kind minutes --pdf
    """
    from xsk.cli.output import echo
    from xsk.documents import outputs as docscmd

    ws = _ws()

    def report_and_supervision() -> list:
        from xsk.casework import status
        from xsk.reports.bundle import report_and_supervision

        return report_and_supervision(ws, status.today())

    for line in docscmd.build(
        ws,
        ids or [],
        kind or [],
        pdf=pdf,
        jobs=jobs,
        force=force,
        traditional=traditional or None,
        # the whole workspace as PDF: the statistics report and the 督办单 too
        extra=report_and_supervision if pdf and not ids and not kind else None,
    ):
        echo(line)


@docs_app.command("packet")
def docs_packet(
    meeting: Annotated[str, typer.Argument(metavar="MEETING", help="会议编号，如 2026-M001")],
    out: Annotated[
        str | None, typer.Option("--out", help="PDF 文件（默认 out/meetings/会议编号/）")
    ] = None,
) -> None:
    """一次会议的打印材料：通知、签到表、纪要、结果公示、责任清单合为一个带书签的 PDF。

    示例：xsk docs packet 2026-M001 --out 会议材料.pdf
    """
    from pathlib import Path

    from xsk.cli.output import echo
    from xsk.documents import outputs as docscmd

    ws = _ws()
    path, parts = docscmd.packet(ws, meeting, Path(out) if out else None)
    echo(f"已生成会议材料 {ws.rel(path) if path.is_relative_to(ws.root) else path}")
    echo("书签：" + "、".join(parts))


@docs_app.command("image")
def docs_image(
    ident: Annotated[str, typer.Argument(metavar="ID", help="会议编号（通知）或议题编号（公示）")],
    kind: Annotated[str, typer.Option("--kind", help="notice（会议通知）或 result（结果公示）")],
    out: Annotated[str | None, typer.Option("--out", help="PNG 文件（默认 out/images/）")] = None,
) -> None:
    """公开文书的手机图片（宽 1080 像素、大字、无页边距），可直接发到居民微信群。

    示例：xsk docs image 2026-003 --kind result --out 公示.png
    """
    from pathlib import Path

    from xsk.cli.output import echo
    from xsk.documents import outputs as docscmd

    ws = _ws()
    path = docscmd.image(ws, ident, kind, Path(out) if out else None)
    echo(f"已生成图片 {ws.rel(path) if path.is_relative_to(ws.root) else path}")


@docs_app.command("list")
def docs_list(json_: JsonOpt = False) -> None:
    """列出已生成的公文。示例：xsk docs list --json"""
    from xsk.cli.output import emit_json, table
    from xsk.documents import outputs as docscmd

    rows = docscmd.listing(_ws())
    if json_:
        emit_json(rows)
        return
    table(
        ["文件", "种类", "公开", "议题"],
        [[r["path"], r["title"], r["category"], r["keywords"]] for r in rows],
    )
