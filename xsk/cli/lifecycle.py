"""Commands on a case's life: withdraw (撤销), merge (合并重复议题), undo (撤回上一步)."""

from __future__ import annotations

from typing import Annotated

import typer

from xsk.cli.common import _ws, app

Reason = Annotated[str, typer.Option("--reason", help="理由（记入议题历史和 git 提交）")]


@app.command()
def withdraw(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="议题编号")],
    reason: Reason,
) -> None:
    """撤销误登记或已不需要办理的议题：保留在 git 和台账中，不计入各项比率。

    示例：xsk withdraw 2026-007 --reason 重复登记
    """
    from xsk.actions import workflow
    from xsk.casework import lifecycle
    from xsk.cli.output import echo

    for line in lifecycle.withdraw(_ws(), case_id, reason, workflow.now()):
        echo(line)


@app.command()
def merge(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="重复的议题编号")],
    into: Annotated[str, typer.Option("--into", help="继续办理的议题编号")],
    reason: Reason,
) -> None:
    """把重复议题并入另一议题：提出人和事件随之转入，重复议题指向继续办理的议题。

    示例：xsk merge 2026-008 --into 2026-003 --reason 同一楼栋同一问题
    """
    from xsk.actions import workflow
    from xsk.casework import lifecycle
    from xsk.cli.output import echo

    for line in lifecycle.merge(_ws(), case_id, into, reason, workflow.now()):
        echo(line)


@app.command()
def undo(
    case_id: Annotated[str, typer.Argument(metavar="ID", help="议题编号")],
    no_docs: Annotated[bool, typer.Option("--no-docs", help="不重新生成文书")] = False,
) -> None:
    """撤回议题最近一次的步骤、事件、撤销或合并：作为新的提交恢复原文件，不改写历史。

    之后的操作依赖它时（例如其他议题已使用同一次会议，或已有文书以文号发出）拒绝并说明原因。
    示例：xsk undo 2026-007
    """
    from xsk.actions import lifecycle, workflow
    from xsk.cli.output import echo

    for line in lifecycle.undo(_ws(), case_id, workflow.now(), render=not no_docs):
        echo(line)
