"""Commands on procedures and steps: procedures, step, demo, tally."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xsk.cli.common import JsonOpt, _root_or_none, _ws, app

# --- procedures and steps --------------------------------------------------------------------

procedures_app = typer.Typer(
    help="协商程序（流程模板）。示例：xsk procedures list", no_args_is_help=True
)
app.add_typer(procedures_app, name="procedures")


@procedures_app.command("list")
def procedures_list(json_: JsonOpt = False) -> None:
    """列出可用的协商程序。示例：xsk procedures list --json"""
    from xsk.cli.output import emit_json, table
    from xsk.procedure import views as procview

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
    from xsk.cli.output import echo, emit_json
    from xsk.procedure import views as procview

    data = procview.detail(proc_id, _root_or_none())
    if json_:
        emit_json(data)
        return
    from xsk.core.kinds import DOC_KINDS

    echo(f"{data['id']}  {data['name']}")
    echo("  （括号内为答案文件中使用的编号）")
    if data["summary"]:
        echo(f"  {data['summary']}")
    for i, s in enumerate(data["steps"], start=1):
        echo(
            f"{i}. {s['name']}（{s['id']}）" + ("  [仅经分支进入]" if s["only_via_branch"] else "")
        )
        for q in s["questions"]:
            kind = TYPE_NAMES.get(q["type"], q["type"])
            echo(f"     - {q['prompt']}（{q['id']}，{kind}）")
        for b in s["branches"]:
            echo(
                f"     ↳ 分支：{b['label']}（{ACTION_NAMES.get(b['action'], b['action'])}"
                f"{' → ' + b['target'] if b['target'] else ''}）"
            )
        if s["documents"]:
            echo(f"     文书：{'、'.join(DOC_KINDS.get(d, d) for d in s['documents'])}")


TYPE_NAMES = {
    "text": "文字",
    "longtext": "长文字",
    "choice": "单选",
    "multichoice": "多选",
    "yesno": "是/否",
    "date": "日期",
    "datetime": "日期时间",
    "number": "数字",
    "person": "人员",
    "org": "单位",
    "records": "记录表",
    "publicity": "公示期",
    "meeting": "会议记录",
    "outcomes": "协商成果",
    "progress": "办理进展",
    "visits": "回访记录",
    "ratings": "评议记录",
}
ACTION_NAMES = {
    "close": "结案",
    "escalate": "提请上级",
    "goto": "转到",
    "wait": "等待",
    "next": "下一步",
    "vote": "提交表决",
}


@procedures_app.command("copy")
def procedures_copy(
    proc_id: Annotated[str, typer.Argument(metavar="ID", help="要复制的程序编号")],
    new_id: Annotated[str, typer.Argument(metavar="NEW", help="新程序编号")],
) -> None:
    """复制一个程序到工作区 templates/procedures/，作为本地变体修改。

    示例：xsk procedures copy dongguan-6 hongqiao-6
    """
    from xsk.cli.output import echo
    from xsk.procedure import views as procview

    path = procview.copy(_ws(), proc_id, new_id)
    echo(f"已复制到 {path}，修改后运行 xsk check 检查")


@app.command()
def step(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="议题编号")],
    # text, not Path: typer would import pydantic to make a Path (xsk.cli.lean_params)
    answers: Annotated[str, typer.Option("--answers", help="答案文件（TOML，每个步骤一个表）")],
    all_: Annotated[bool, typer.Option("--all", help="按答案文件一直办理下去")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只校验并显示将发生的变化")] = False,
    no_docs: Annotated[bool, typer.Option("--no-docs", help="不生成本步骤的文书")] = False,
) -> None:
    """不交互地办理议题的当前步骤（答案来自文件）。

    示例：xsk step 2026-007 --answers answers.toml --all
    """
    from xsk.actions import stepfile as stepcmd
    from xsk.cli.output import echo

    for line in stepcmd.run_file(
        _ws(), case_id, Path(answers), all_steps=all_, dry_run=dry_run, render=not no_docs
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
    from xsk.cli import demo as demorun

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
    from xsk.actions import tally as tallycmd
    from xsk.cli.output import echo, emit_json

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
