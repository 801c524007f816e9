"""``xsk street``: a street office's view over its communities' repositories."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from xsk.cli.common import JsonOpt, _state, app

street_app = typer.Typer(
    help="街道汇总：拉取各社区的工作区仓库（只读），跨社区统计与督办。示例：xsk street pull",
    no_args_is_help=True,
)
app.add_typer(street_app, name="street")


def _street():
    from xsk.actions import street

    return street.load(_state["dir"])


@street_app.command("init")
def street_init(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="街道汇总目录")],
    name: Annotated[str | None, typer.Option("--name", help="街道名称（默认为目录名）")] = None,
) -> None:
    """新建街道汇总目录。示例：xsk street init 潭中街道汇总 --name 潭中街道"""
    from xsk.actions import street
    from xsk.cli.output import echo

    root = street.init(directory, name)
    echo(f"已建立街道汇总目录：{root}")
    echo(f"下一步：cd {root} && xsk street add 社区名称 仓库地址")


@street_app.command("add")
def street_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="社区名称")],
    url: Annotated[str, typer.Argument(metavar="URL", help="社区工作区仓库地址（git）")],
) -> None:
    """登记一个社区的工作区仓库。示例：xsk street add 红桥社区 https://git.example/红桥社区.git"""
    from xsk.actions import street
    from xsk.cli.output import echo

    c = street.add(_street(), name, url)
    echo(f"已登记：{c.name}（{c.url}）；运行 xsk street pull 拉取")


@street_app.command("pull")
def street_pull(
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="同时拉取的社区数", min=1, max=16)] = 4,
    json_: JsonOpt = False,
) -> None:
    """并行拉取（更新）各社区的工作区，只读，不向社区仓库写入任何内容。"""
    import sys

    from xsk.actions import street
    from xsk.cli.output import echo, emit_json, is_tty, warn

    st = _street()
    progress = None
    if is_tty() and not json_:
        from rich.progress import Progress

        progress = Progress(transient=True)
    if progress is not None:
        with progress:
            task = progress.add_task("拉取社区", total=len(st.communities))
            results = street.pull(st, jobs=jobs, on_done=lambda _r: progress.advance(task))
    else:
        results = street.pull(st, jobs=jobs)
    failed = [r for r in results if not r.ok]
    if json_:
        emit_json(
            [
                {"name": r.community.name, "ok": r.ok, "message": r.message, "cases": r.cases}
                for r in results
            ]
        )
    else:
        for r in results:
            echo(f"{r.community.name}：{r.message}（{r.cases} 个议题）")
    for r in failed:
        warn(f"社区“{r.community.name}”{r.message}；汇总时使用上次拉取的内容（如有）")
    if len(failed) == len(results):
        sys.exit(1)


@street_app.command("report")
def street_report(
    from_: Annotated[
        str | None,
        typer.Option("--from", help="统计起始日期（含），如 2026-01-01 或 1月1日", metavar="日期"),
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="统计截止日期（含），如 2026-12-31", metavar="日期")
    ] = None,
    json_: JsonOpt = False,
    docx: Annotated[
        str | None,
        typer.Option(
            "--docx", help="生成统计报告（.docx，含图表）；只写文件名时存入 out/", metavar="文件"
        ),
    ] = None,
    xlsx: Annotated[
        str | None,
        typer.Option("--xlsx", help="导出台账（.xlsx）；只写文件名时存入 out/", metavar="文件"),
    ] = None,
) -> None:
    """跨社区统计（每个社区一列），基于最近一次 xsk street pull。"""
    from xsk.cli.reports import _parse_date, print_report
    from xsk.core.errors import UsageError
    from xsk.reports import stats
    from xsk.reports.report_doc import StreetScope

    start, end = _parse_date(from_, "--from"), _parse_date(to, "--to")
    if start and end and start > end:
        raise UsageError("--from 不能晚于 --to")
    with _opened() as (st, opened, left_out):
        scope = StreetScope(
            st.name,
            tuple(c.name for c, _ws, _data in opened),
            tuple(f"{c.name}（{why.split('：')[0]}）" for c, why in left_out),
            st.root / "out",
        )
        extra = {
            "street": st.name,
            "missing": [c.name for c, _why in left_out],
            "left_out": [{"name": c.name, "reason": why} for c, why in left_out],
        }
        print_report(
            [ws for _c, ws, _data in opened],
            stats.Period(start, end),
            json_=json_,
            docx=docx,
            xlsx=xlsx,
            extra_json=extra,
            street=scope,
            datasets=[data for _c, _ws, data in opened],
        )


@contextlib.contextmanager
def _opened() -> Iterator[tuple]:
    """The street, its readable communities, and those left out (each said on stderr), with
    the street's lock held so that no pull rewrites a clone while it is read."""
    from xsk.actions import street
    from xsk.cli.output import warn
    from xsk.core.errors import UsageError

    st = _street()
    if not st.communities:
        raise UsageError("街道汇总中还没有社区", hint="xsk street add 名称 仓库地址")
    with street.holding(st, wait=street.READ_WAIT, doing="汇总"):
        opened, left_out = street.open_communities(st)
        for c, why in left_out:
            if why == "未能拉取":
                warn(f"社区“{c.name}”尚未拉取，不在汇总中")
            else:
                warn(f"社区“{c.name}”{why}；不在汇总中")
        if not opened:
            raise UsageError("还没有可汇总的社区工作区", hint="先运行 xsk street pull")
        yield st, opened, left_out


@street_app.command("due")
def street_due(
    within: Annotated[
        int | None, typer.Option("--within", help="列出 N 个工作日内到期的事项", min=0, max=3650)
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """跨社区列出逾期（及即将到期）的事项，按社区、责任单位分组。"""
    from xsk.casework import status
    from xsk.cli.output import echo, emit_json, table
    from xsk.reports import stats

    with _opened() as (st, opened, left_out):
        today = status.today()
        out: dict[str, dict] = {}
        for c, ws, _data in opened:
            groups = stats.due_by_unit(ws, today, within) if within is not None else None
            out[c.name] = groups if groups is not None else stats.overdue_by_unit(ws, today)
        missing = [c.name for c, _why in left_out]
        if json_:
            emit_json(
                {
                    "street": st.name,
                    "communities": out,
                    "missing": missing,
                    "left_out": [{"name": c.name, "reason": why} for c, why in left_out],
                }
            )
            return
        rows = [
            [
                name,
                unit,
                i["case_id"],
                i["item"],
                i["deadline"].isoformat(),
                "逾期" if i["overdue"] else i["status"],
            ]
            for name, groups in out.items()
            for unit, items in groups.items()
            for i in items
        ]
        scope = f"已汇总的 {len(out)} 个社区" if missing else "各社区"
        if not rows:
            echo(
                f"{scope}均没有逾期事项。"
                if within is None
                else f"{scope} {within} 个工作日内没有到期事项。"
            )
            if missing:
                echo("未纳入：" + "、".join(missing))
            return
        late = sum(r[5] == "逾期" for r in rows)
        echo(f"{st.name}：{len(out)} 个社区共 {len(rows)} 项事项，其中逾期 {late} 项")
        table(["社区", "责任单位", "议题编号", "事项", "办结时限", "状态"], rows)
        if missing:
            echo("未纳入：" + "、".join(missing))
