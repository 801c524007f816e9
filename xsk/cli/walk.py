"""The interactive walk command."""

from __future__ import annotations

from typing import Annotated

import typer

from xsk.cli.common import _ws, app


@app.command()
def walk(
    case_id: Annotated[
        str | None, typer.Argument(metavar="ID", help="议题编号（省略则进入主菜单）")
    ] = None,
) -> None:
    """交互式办理：显示议题进度，逐项提问、校验、确认后保存提交并生成文书。

    示例：xsk walk 2026-007
    """
    import sys as _sys

    from xsk.core.errors import UsageError
    from xsk.walk import walk as walkmod

    if not (_sys.stdin.isatty() and _sys.stdout.isatty()):
        raise UsageError(
            "xsk walk 需要在终端中交互运行", hint="非交互办理请用 xsk step ID --answers 文件"
        )
    from xsk.prompts.tty import TerminalPrompter

    ws = _ws()
    prompter = TerminalPrompter()
    try:
        if case_id is None:
            walkmod.home(ws, prompter)
        else:
            walkmod.walk_case(ws, prompter, case_id)
    except KeyboardInterrupt:
        pending = walkmod.rendering()
        if pending:
            ids = "、".join(pending)
            _sys.stderr.write(
                f"\n已中断：议题 {ids} 的本步骤已保存并提交，文书尚未生成完；"
                f"运行 xsk docs build {pending[0]} 生成。\n"
            )
        elif walkmod.drafted():
            _sys.stderr.write("\n已中断：已保存草稿，下次办理时可继续。\n")
        else:
            _sys.stderr.write("\n已中断，没有修改任何内容。\n")
        raise SystemExit(130) from None
