"""Commands on cases: init, new, show, status, log, check, edit, sync."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xsk.cli.common import JsonOpt, NoInput, _parse_date, _prompter, _state, _ws, app


@app.command()
def init(
    directory: Annotated[Path | None, typer.Argument(help="工作区目录（默认当前目录）")] = None,
    community: Annotated[str | None, typer.Option(help="社区名称")] = None,
    street: Annotated[str | None, typer.Option(help="街道名称")] = None,
    district: Annotated[str | None, typer.Option(help="区（县）名称")] = None,
    procedure: Annotated[str | None, typer.Option(help="默认协商程序编号")] = None,
    facilitator: Annotated[str | None, typer.Option(help="默认经办人姓名")] = None,
    no_input: NoInput = False,
) -> None:
    """创建工作区：写入 xsk.toml、roster.toml，初始化 git 并提交。

    示例：xsk init 红桥社区 --community 红桥社区 --street 红桥街道 --district 柳南区
    """
    from xsk.actions import workflow
    from xsk.cli.output import echo

    target = directory or _state["dir"] or Path.cwd()
    root = workflow.init_workspace(
        target,
        _prompter(no_input),
        community=community,
        street=street,
        district=district,
        procedure=procedure,
        facilitator=facilitator,
    )
    from xsk.core import bytecode

    bytecode.warm()
    echo(f"已创建工作区：{root}")
    echo("下一步：xsk new --title 议题名称")


@app.command()
def new(
    title: Annotated[str | None, typer.Option("--title", help="议题名称")] = None,
    procedure: Annotated[str | None, typer.Option(help="协商程序编号（默认见 xsk.toml）")] = None,
    category: Annotated[str | None, typer.Option(help="议题类别")] = None,
    level: Annotated[str | None, typer.Option(help="层级：网格/小区/社区/街道/区")] = None,
    channel: Annotated[str | None, typer.Option(help="来源渠道，如 居民反映")] = None,
    proposer: Annotated[str | None, typer.Option(help="提出人姓名（隐私，内部留存）")] = None,
    phone: Annotated[str | None, typer.Option(help="提出人电话（隐私，内部留存）")] = None,
    description: Annotated[str | None, typer.Option(help="问题描述")] = None,
    date: Annotated[
        str | None, typer.Option(help="登记日期，如 2026-03-05 或 3月5日（默认今天）")
    ] = None,
    no_input: NoInput = False,
) -> None:
    """登记新议题并提交；最后一行输出议题编号。

    示例：xsk new --title 三号楼加装电梯 --category 加装电梯 --proposer 张建国 --phone 13912345678
    """
    from xsk.actions import workflow
    from xsk.cli.output import echo

    ws = _ws()
    created = _parse_date(date, "--date") if date else None
    case = workflow.new_case(
        ws,
        _prompter(no_input),
        title=title,
        procedure=procedure,
        category=category,
        level=level,
        channel=channel,
        proposer=proposer,
        phone=phone,
        description=description,
        created=created,
    )
    from xsk.procedure import loader

    proc = loader.load(case.procedure, ws.root)
    step = proc.step(case.step)
    echo(
        f"已登记议题：{case.title}（程序：{proc.name}，当前步骤：{step.name if step else case.step}）"
    )
    echo(case.id)


@app.command()
def show(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="议题编号")],
    json_: JsonOpt = False,
    reveal: Annotated[
        bool, typer.Option("--reveal", help="显示电话、证件号、住址等隐私信息")
    ] = False,
) -> None:
    """查看一个议题：基本信息、办理进度、协商成果、事件、会议、已生成的文书和附件（隐私信息默认打码）。

    示例：xsk show 2026-007 --json
    """
    from xsk.actions import overview
    from xsk.cli.output import emit_json
    from xsk.cli.showing import print_case

    view = overview.overview(_ws(), case_id, reveal=reveal)
    if json_:
        emit_json(view)
        return
    print_case(view)


def _status_zh(status: str) -> str:
    return {"open": "进行中", "closed": "已办结"}.get(status, status)


@app.command()
def status(
    json_: JsonOpt = False,
    all_: Annotated[bool, typer.Option("--all", help="包括已办结的议题")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列出已逾期的议题")] = False,
) -> None:
    """列出议题（默认只列进行中的）。

    示例：xsk status --all --json
    """
    from xsk.casework import status as statusmod
    from xsk.cli.output import echo, emit_json, table

    ws = _ws()
    rows = statusmod.rows(ws, include_closed=all_, overdue_only=overdue)
    if json_:
        emit_json(rows)
        return
    if overdue and rows:
        from xsk.actions import workflow
        from xsk.reports import stats

        for unit, items in stats.overdue_by_unit(ws, workflow.now().date()).items():
            table(
                ["议题编号", "议题", "事项", "办结时限", "逾期（工作日）"],
                [
                    [
                        i["case_id"],
                        i["case_title"],
                        i["item"],
                        i["deadline"].isoformat(),
                        -i["workdays_left"],
                    ]
                    for i in items
                ],
                title=f"{unit}（逾期 {len(items)} 项）",
            )
            echo("")
        echo("生成督办单：xsk due --notices")
        return
    table(
        ["编号", "议题", "程序", "步骤", "状态", "层级", "类别", "时限"],
        [
            [
                r["id"],
                r["title"],
                r.get("procedure_name") or r["procedure"],
                r.get("step_name") or r["step"],
                _status_zh(r["status"]),
                r["level"],
                r["category"],
                (r["due"] or "") + ("（暂定）" if r.get("due_provisional") else ""),
            ]
            for r in rows
        ],
    )
    if any(r.get("due_provisional") for r in rows):
        echo("注：标“暂定”的时限所在年份的节假日安排尚未公布，按工作日推算的时限以国务院公布为准。")


@app.command()
def log(case_id: Annotated[str, typer.Argument(metavar="ID", help="议题编号")]) -> None:
    """查看议题的修改历史（来自 git 记录）。

    示例：xsk log 2026-007
    """
    from xsk.cli.output import echo
    from xsk.workspace import cases
    from xsk.workspace import git as vcs

    ws = _ws()
    cases.load_case(ws, case_id)
    rows = vcs.log(ws.root, f"cases/{case_id}")
    if not rows:
        echo("（尚无提交记录）")
    for short, when, author, subject in rows:
        echo(f"{when[:16].replace('T', ' ')}  {author}  {subject}  [{short}]")


@app.command()
def check(json_: JsonOpt = False) -> None:
    """检查工作区全部文件；每个问题一行：路径:行号: 代码 说明。有问题时退出码为 1。

    示例：xsk check
    """
    from xsk.actions import workflow
    from xsk.cli.output import echo, emit_json
    from xsk.core.errors import ProblemsFound
    from xsk.workspace import journal
    from xsk.workspace.settings import find_root

    root = find_root(_state["dir"])
    journal.recover_if_free(root)  # a crashed change is undone first, as by any command
    problems = workflow.check_workspace(root)
    if json_:
        emit_json({"ok": not problems, "problems": [p.to_dict() for p in problems]})
    else:
        for p in problems:
            echo(p.format())
        if not problems:
            echo("检查通过，没有发现问题。")
    if problems:
        raise typer.Exit(1)
    _ = ProblemsFound


@app.command()
def edit(case_id: Annotated[str, typer.Argument(metavar="ID", help="议题编号")]) -> None:
    """用 $EDITOR 编辑 case.toml；保存后校验，通过则提交，否则恢复原样。

    示例：EDITOR=nano xsk edit 2026-007
    """
    from xsk.actions import workflow
    from xsk.cli.output import echo

    result = workflow.edit_case(_ws(), case_id)
    echo("未修改。" if result == "unchanged" else "已保存并提交。")


@app.command()
def sync(
    mine: Annotated[
        bool, typer.Option("--mine", help="两边改了同一字段时，一律保留本机的值")
    ] = False,
    theirs: Annotated[
        bool, typer.Option("--theirs", help="两边改了同一字段时，一律采用远程的值")
    ] = False,
) -> None:
    """与远程仓库同步：先取回远程的修改（按字段合并），再推送本机的修改。

    两台电脑改了同一议题的不同字段时自动合并；改了同一字段时说明是哪个议题、哪个字段和两边的值，
    商定后用 --mine 或 --theirs 处理（另一方的值仍保留在 git 历史中）。

    示例：xsk sync；xsk sync --theirs
    """
    from xsk.actions import workflow
    from xsk.cli.output import echo
    from xsk.core.errors import UsageError

    if mine and theirs:
        raise UsageError("--mine 和 --theirs 只能选一个")
    echo(workflow.sync(_ws(), "mine" if mine else "theirs" if theirs else None))
