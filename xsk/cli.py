"""The typer app: parse options, pick a prompter, call the core, print. Nothing else.

Heavy modules (questionary, python-docx, openpyxl, matplotlib) are imported inside the
commands that need them, never at module level, so ``--help`` and ``status`` start fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from xsk import __version__

_APP_SETTINGS = dict(
    name="xsk",
    help="社区协商议事工具：议题登记、协商流程引导、公文生成、台账与统计。\n\n"
    "示例：xsk init 红桥社区 --community 红桥社区 && cd 红桥社区 && xsk new --title 三号楼加装电梯",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app = typer.Typer(**_APP_SETTINGS)

_state: dict[str, Path | None] = {"dir": None}


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"xsk {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    directory: Annotated[
        Path | None,
        typer.Option("-C", help="在指定的工作区目录中运行（如同先 cd 到该目录）", metavar="DIR"),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本号")
    ] = False,
) -> None:
    """社区协商议事工具。"""
    _state["dir"] = directory


def command(argv: list[str] | None = None):
    """The click command for ``argv``: with a subcommand named, only that one is built.

    typer analyses every command's signature when it builds the tree; for ``xsk status``
    that was a third of the start-up. ``--help``, completion and unknown names get them all.
    """
    name = _subcommand(sys.argv[1:] if argv is None else argv)
    if name is None:
        return typer.main.get_command(app)
    commands = [c for c in app.registered_commands if _name(c) == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return typer.main.get_command(app)
    lean = typer.Typer(**_APP_SETTINGS)
    lean.registered_callback = app.registered_callback
    lean.registered_commands = commands
    lean.registered_groups = groups
    return typer.main.get_command(lean)


def _name(info) -> str:
    return info.name or typer.main.get_command_name(info.callback.__name__)


def _subcommand(argv: list[str]) -> str | None:
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "-C":
            i += 2
            continue
        if arg.startswith("-C") or arg.startswith("--"):
            if arg.startswith(("--help", "--version", "--install-completion", "--show-completion")):
                return None
            i += 1
            continue
        if arg.startswith("-"):
            return None
        return arg
    return None


def _ws():
    from xsk import workspace

    return workspace.load(_state["dir"])


def _prompter(no_input: bool):
    if no_input or not (sys.stdin.isatty() and sys.stdout.isatty()):
        from xsk.prompts.base import NoInputPrompter

        return NoInputPrompter()
    from xsk.prompts.tty import TerminalPrompter

    return TerminalPrompter()


NoInput = Annotated[
    bool, typer.Option("--no-input", help="不交互：缺少必需值时报错退出（退出码 2）")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="以 JSON 输出")]


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
    from xsk import workflow
    from xsk.output import echo

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
    from xsk import bytecode

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
    date: Annotated[str | None, typer.Option(help="登记日期 YYYY-MM-DD（默认今天）")] = None,
    no_input: NoInput = False,
) -> None:
    """登记新议题并提交；最后一行输出议题编号。

    示例：xsk new --title 三号楼加装电梯 --category 公共设施 --proposer 张建国 --phone 13912345678
    """
    from xsk import workflow
    from xsk.output import echo

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
    echo(f"已登记议题：{case.title}（程序 {case.procedure}，当前步骤 {case.step}）")
    echo(case.id)


def _parse_date(value: str, name: str):
    import datetime as dt

    from xsk.errors import UsageError

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{name} 日期格式不对：“{value}”", hint="例如 2026-11-23") from None


@app.command()
def show(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="议题编号")],
    json_: JsonOpt = False,
    reveal: Annotated[
        bool, typer.Option("--reveal", help="显示电话、证件号、住址等隐私信息")
    ] = False,
) -> None:
    """查看一个议题（隐私信息默认打码）。

    示例：xsk show 2026-007 --json
    """
    from xsk import workflow
    from xsk.output import echo, emit_json
    from xsk.store import cases

    ws = _ws()
    view = workflow.case_view(cases.load_case(ws, case_id), reveal=reveal)
    if json_:
        emit_json(view)
        return
    echo(f"{view['id']}  {view['title']}")
    echo(
        f"  程序：{view['procedure']}  当前步骤：{view['step']}  状态：{_status_zh(view['status'])}"
    )
    echo(f"  层级：{view['level']}  类别：{view['category'] or '—'}  登记：{view['created']}")
    if view["due"]:
        echo(f"  办结时限：{view['due']}")
    src = view["source"]
    echo(f"  来源：{src['channel'] or '—'}  受理人：{src['received_by'] or '—'}")
    for p in view["proposers"]:
        echo(f"  提出人：{p['name']}  电话：{p['phone'] or '—'}")
    if view["description"]:
        echo(f"  描述：{view['description']}")
    if view["close_reason"]:
        echo(f"  办结/关闭说明：{view['close_reason']}")
    if view["masked"]:
        echo("  （隐私信息已打码；--reveal 显示）")


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
    from xsk import status as statusmod
    from xsk.output import emit_json, table

    ws = _ws()
    rows = statusmod.rows(ws, include_closed=all_, overdue_only=overdue)
    if json_:
        emit_json(rows)
        return
    if overdue and rows:
        from xsk import workflow
        from xsk.output import echo
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
                r["procedure"],
                r.get("step_name") or r["step"],
                _status_zh(r["status"]),
                r["level"],
                r["category"],
                r["due"] or "",
            ]
            for r in rows
        ],
    )


@app.command()
def log(case_id: Annotated[str, typer.Argument(metavar="ID", help="议题编号")]) -> None:
    """查看议题的修改历史（来自 git 记录）。

    示例：xsk log 2026-007
    """
    from xsk import vcs
    from xsk.output import echo
    from xsk.store import cases

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
    from xsk import workflow
    from xsk.errors import ProblemsFound
    from xsk.output import echo, emit_json
    from xsk.workspace import find_root

    root = find_root(_state["dir"])
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
    from xsk import workflow
    from xsk.output import echo

    result = workflow.edit_case(_ws(), case_id)
    echo("未修改。" if result == "unchanged" else "已保存并提交。")


@app.command()
def sync() -> None:
    """与远程仓库同步（git pull --rebase 后 push）。

    示例：xsk sync
    """
    from xsk import workflow
    from xsk.output import echo

    echo(workflow.sync(_ws()))


roster_app = typer.Typer(
    help="参与主体名册（个人与单位）。示例：xsk roster list", no_args_is_help=True
)
app.add_typer(roster_app, name="roster")


@roster_app.command("list")
def roster_list(json_: JsonOpt = False) -> None:
    """列出名册（电话打码）。示例：xsk roster list --json"""
    from xsk import roster
    from xsk.output import emit_json, table

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
    from xsk import roster
    from xsk.output import echo, emit_json

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
    from xsk import roster
    from xsk.output import echo

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


series_app = typer.Typer(help="本机的议题编号序列（多台电脑协作时使用）。", no_args_is_help=True)
app.add_typer(series_app, name="series")


@series_app.command("show")
def series_show() -> None:
    """显示本机的编号序列。示例：xsk series show"""
    from xsk import numbering
    from xsk.output import echo

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
    from xsk import series
    from xsk.output import echo

    echo(series.set_series(_ws(), letter))


# --- procedures and steps --------------------------------------------------------------------

procedures_app = typer.Typer(
    help="协商程序（流程模板）。示例：xsk procedures list", no_args_is_help=True
)
app.add_typer(procedures_app, name="procedures")


@procedures_app.command("list")
def procedures_list(json_: JsonOpt = False) -> None:
    """列出可用的协商程序。示例：xsk procedures list --json"""
    from xsk import procview
    from xsk.output import emit_json, table

    rows = procview.listing(_root_or_none())
    if json_:
        emit_json(rows)
        return
    table(
        ["编号", "名称", "步骤数", "来源", "说明"],
        [[r["id"], r["name"], r["steps"], r["source"], r["summary"]] for r in rows],
    )


@procedures_app.command("show")
def procedures_show(
    proc_id: Annotated[str, typer.Argument(metavar="ID", help="程序编号")],
    json_: JsonOpt = False,
) -> None:
    """查看程序的步骤和问题。示例：xsk procedures show dongguan-6"""
    from xsk import procview
    from xsk.output import echo, emit_json

    data = procview.detail(proc_id, _root_or_none())
    if json_:
        emit_json(data)
        return
    echo(f"{data['id']}  {data['name']}")
    if data["summary"]:
        echo(f"  {data['summary']}")
    for i, s in enumerate(data["steps"], start=1):
        echo(
            f"{i}. {s['name']}（{s['id']}）" + ("  [仅经分支进入]" if s["only_via_branch"] else "")
        )
        for q in s["questions"]:
            echo(f"     - {q['prompt']}（{q['id']}，{q['type']}）")
        for b in s["branches"]:
            echo(
                f"     ↳ 分支：{b['label']}（{b['action']}{' → ' + b['target'] if b['target'] else ''}）"
            )
        if s["documents"]:
            echo(f"     文书：{'、'.join(s['documents'])}")


@procedures_app.command("copy")
def procedures_copy(
    proc_id: Annotated[str, typer.Argument(metavar="ID", help="要复制的程序编号")],
    new_id: Annotated[str, typer.Argument(metavar="NEW", help="新程序编号")],
) -> None:
    """复制一个程序到工作区 templates/procedures/，作为本地变体修改。

    示例：xsk procedures copy dongguan-6 hongqiao-6
    """
    from xsk import procview
    from xsk.output import echo

    path = procview.copy(_ws(), proc_id, new_id)
    echo(f"已复制到 {path}，修改后运行 xsk check 检查")


def _root_or_none():
    from xsk.errors import WorkspaceError
    from xsk.workspace import find_root

    try:
        return find_root(_state["dir"])
    except WorkspaceError:
        if _state["dir"] is not None:
            raise
        return None


@app.command()
def step(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="议题编号")],
    answers: Annotated[Path, typer.Option("--answers", help="答案文件（TOML，每个步骤一个表）")],
    all_: Annotated[bool, typer.Option("--all", help="按答案文件一直办理下去")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只校验并显示将发生的变化")] = False,
    no_docs: Annotated[bool, typer.Option("--no-docs", help="不生成本步骤的文书")] = False,
) -> None:
    """不交互地办理议题的当前步骤（答案来自文件）。

    示例：xsk step 2026-007 --answers answers.toml --all
    """
    from xsk import stepcmd
    from xsk.output import echo

    for line in stepcmd.run_file(
        _ws(), case_id, answers, all_steps=all_, dry_run=dry_run, render=not no_docs
    ):
        echo(line)


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="演示工作区目录")] = Path("xsk-demo"),
    no_docs: Annotated[
        bool, typer.Option("--no-docs", help="不生成文书、报告和台账（更快）")
    ] = False,
) -> None:
    """用内置示例议题生成演示工作区：逐步重放每个议题，生成全部文书、统计报告和台账。

    示例：xsk demo xsk-demo
    """
    from xsk import demorun

    demorun.run(directory, render=not no_docs)


@app.command()
def tally(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="议题编号")],
    meeting: Annotated[
        str | None, typer.Option("--meeting", help="会议编号（默认最近一次表决）")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """重新计票并逐条说明是否达到法定比例。

    示例：xsk tally 2026-003 --json
    """
    from xsk import tallycmd
    from xsk.output import echo, emit_json

    result = tallycmd.tally(_ws(), case_id, meeting)
    if json_:
        emit_json(result)
        return
    echo(f"议题 {result['case']}  会议 {result['meeting']}  规则：{result['rule_name']}")
    if result.get("motion"):
        echo(f"表决事项：{result['motion']}")
    for line in result["lines"]:
        echo(f"  {line}")
    echo("结论：" + ("通过" if result["passed"] else "未通过"))


calendar_app = typer.Typer(
    help="工作日计算（含法定节假日与调休）。示例：xsk calendar add 2026-09-28 5",
    no_args_is_help=True,
)
app.add_typer(calendar_app, name="calendar")


def _calendar():
    from xsk.errors import WorkspaceError

    try:
        from xsk.steps import calendar

        return calendar(_ws())
    except WorkspaceError:
        if _state["dir"] is not None:
            raise
        from xsk.calendars import standalone

        return standalone()


def _flush_warnings(cal) -> None:
    from xsk import notices

    for w in getattr(cal, "warnings", []):
        notices.add(w)  # printed once, at the end of the run


# ignore_unknown_options: "-3" is read as the number N (and refused), not as an option
@calendar_app.command("add", context_settings={"ignore_unknown_options": True})
def calendar_add(
    date: Annotated[str, typer.Argument(help="起始日期 YYYY-MM-DD")],
    n: Annotated[int, typer.Argument(help="工作日数（0 或正整数）")],
    json_: JsonOpt = False,
) -> None:
    """输出 DATE 之后第 N 个工作日的日期。示例：xsk calendar add 2026-09-28 5"""
    from xsk.errors import UsageError
    from xsk.output import echo, emit_json

    start = _parse_date(date, "DATE")
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
    date: Annotated[str, typer.Argument(help="日期 YYYY-MM-DD")],
    json_: JsonOpt = False,
) -> None:
    """判断某天是否为工作日。示例：xsk calendar is-workday 2026-10-10"""
    from xsk.output import echo, emit_json

    day = _parse_date(date, "DATE")
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


meetings_app = typer.Typer(
    help="会议（一次会议可讨论多个议题）。示例：xsk meetings list", no_args_is_help=True
)
app.add_typer(meetings_app, name="meetings")


@meetings_app.command("list")
def meetings_list(json_: JsonOpt = False) -> None:
    """列出会议。示例：xsk meetings list --json"""
    from xsk import meetings
    from xsk.output import emit_json, table

    ws = _ws()
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
        for m in meetings.all_meetings(ws.meetings_dir, ws.root)
    ]
    if json_:
        emit_json(rows)
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
    from xsk import meetings
    from xsk.output import echo, emit_json

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
            help="progress/objection/objection_answer/visit/rating/escalation/reply/reopen"
        ),
    ],
    date: Annotated[str | None, typer.Option(help="日期 YYYY-MM-DD（默认今天）")] = None,
    text: Annotated[str | None, typer.Option(help="内容、说明或意见")] = None,
    no: Annotated[int | None, typer.Option(help="事项序号（progress）")] = None,
    status: Annotated[
        str | None, typer.Option(help="办理状态：待办/办理中/已办结（progress）")
    ] = None,
    satisfaction: Annotated[str | None, typer.Option(help="满意/基本满意/不满意（visit）")] = None,
    method: Annotated[str | None, typer.Option(help="回访方式（visit）")] = None,
    unit: Annotated[str | None, typer.Option(help="被评议单位（rating）")] = None,
    score: Annotated[int | None, typer.Option(help="评分 1–5（rating）")] = None,
    by: Annotated[str | None, typer.Option(help="记录人、回访人或异议人")] = None,
    channel: Annotated[str | None, typer.Option(help="异议渠道（objection）")] = None,
    to: Annotated[str | None, typer.Option(help="提请对象（escalation）")] = None,
    reason: Annotated[str | None, typer.Option(help="理由（escalation/reopen）")] = None,
    funding_asked: Annotated[str | None, typer.Option(help="申请经费（元）")] = None,
    funding_granted: Annotated[str | None, typer.Option(help="批准经费（元）")] = None,
    reopen: Annotated[bool, typer.Option("--reopen", help="回访不满意时重新办理")] = False,
    step_id: Annotated[str | None, typer.Option("--step", help="重新办理时回到的步骤")] = None,
) -> None:
    """为议题记录一个事件（进展、异议、回访、评议、提请上级、答复等）。

    示例：xsk event 2026-003 visit --satisfaction 不满意 --text 积水未根治 --reopen
    """
    import datetime as dt

    from xsk import eventcmd, workflow
    from xsk.output import echo

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


templates_app = typer.Typer(help="公文模板。示例：xsk templates list", no_args_is_help=True)
app.add_typer(templates_app, name="templates")


@templates_app.command("list")
def templates_list(json_: JsonOpt = False) -> None:
    """列出公文模板（本地覆盖优先）。示例：xsk templates list"""
    from xsk import templatecmd
    from xsk.output import emit_json, table

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
    from xsk import templatecmd
    from xsk.output import echo

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
    from xsk import docscmd
    from xsk.output import echo

    for line in docscmd.build(
        _ws(),
        ids or [],
        kind or [],
        pdf=pdf,
        jobs=jobs,
        force=force,
        traditional=traditional or None,
    ):
        echo(line)


@docs_app.command("list")
def docs_list(json_: JsonOpt = False) -> None:
    """列出已生成的公文。示例：xsk docs list --json"""
    from xsk import docscmd
    from xsk.output import emit_json, table

    rows = docscmd.listing(_ws())
    if json_:
        emit_json(rows)
        return
    table(
        ["文件", "种类", "公开", "议题"],
        [[r["path"], r["title"], r["category"], r["keywords"]] for r in rows],
    )


@app.command()
def walk(
    case_id: Annotated[
        str | None, typer.Argument(metavar="[ID]", help="议题编号（省略则进入主菜单）")
    ] = None,
) -> None:
    """交互式办理：显示议题进度，逐项提问、校验、确认后保存提交并生成文书。

    示例：xsk walk 2026-007
    """
    import sys as _sys

    from xsk import walk as walkmod
    from xsk.errors import UsageError

    if not (_sys.stdin.isatty() and _sys.stdout.isatty()):
        raise UsageError(
            "xsk walk 需要在终端中交互运行", hint="非交互办理请用 xsk step ID --answers 文件"
        )
    from xsk.prompts.tty import TerminalPrompter

    ws = _ws()
    prompter = TerminalPrompter()
    if case_id is None:
        walkmod.home(ws, prompter)
    else:
        walkmod.walk_case(ws, prompter, case_id)


from xsk.cli_reports import register as _register_reports  # noqa: E402

_register_reports(app)
from xsk.calendarcmd import register as _register_calendar  # noqa: E402

_register_calendar(calendar_app)
