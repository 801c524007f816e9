"""Command ``calendar recheck``, added to the ``calendar`` group by :func:`register`."""

from __future__ import annotations

from typing import Annotated

import typer

RECHECK_HELP = """按当前节假日数据复核进行中议题的公示截止日、等待期满日和办结时限。

国务院公布某年节假日安排后（写入工作区的 calendar/<年份>.toml，或升级 chinese-calendar），此前按暂定节假日推算的日期可能变化。本命令列出变化的日期（原日期、新日期），确认后一次更新，作为一个 git 提交；已发出的文书不改动，公示期有变的议题随后用 xsk docs build 发布更正公示（另编文号）。

\b
示例：
  xsk calendar recheck          列出变化，在终端中确认后更新
  xsk calendar recheck --yes    不询问，直接更新
  xsk calendar recheck --json   以 JSON 列出变化（不更新，除非同时加 --yes）
"""


def register(group: typer.Typer) -> None:
    """Add ``recheck`` to the ``calendar`` group."""
    group.command("recheck", help=RECHECK_HELP)(recheck)


def recheck(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="不询问，直接更新")] = False,
    json_: Annotated[bool, typer.Option("--json", help="以 JSON 输出")] = False,
) -> None:
    from xsk.casework import recheck
    from xsk.cli import common as cli
    from xsk.cli.output import echo, emit_json, table
    from xsk.core import clock
    from xsk.workspace import settings

    ws = cli._ws()
    cal = settings.calendar(ws)
    changes = recheck.find(ws, cal)
    apply = yes
    if changes and not yes and not json_:
        table(
            ["议题", "项目", "原日期", "新日期"],
            [[c.case_id, c.label, c.old.isoformat(), c.new.isoformat()] for c in changes],
        )
        prompter = cli._prompter(False)
        if prompter.interactive:
            apply = prompter.confirm(f"按当前节假日数据更新以上 {len(changes)} 个日期？")
        else:
            echo(f"共 {len(changes)} 个日期需要更新；确认无误后运行 xsk calendar recheck --yes")
    committed = False
    if changes and apply:
        _written, committed = recheck.apply(ws, changes, clock.now())
    if json_:
        emit_json(
            {
                "changes": [c.to_dict() for c in changes],
                "applied": bool(changes and apply),
                "committed": committed,
            }
        )
        return
    if not changes:
        echo("进行中议题的公示截止日、等待期满日和办结时限与当前节假日数据一致，无需更新。")
        return
    if apply:
        if yes:
            for c in changes:
                echo(f"议题 {c.case_id}：{c.describe()}")
        tail = "，已提交" if committed else ""
        echo(f"已更新 {len(changes)} 个日期{tail}。已发出的文书不改动。")
        for cid, number in recheck.posted_notices(ws, changes):
            echo(
                f"议题 {cid} 的协商结果公示（{number}）已发出，公示期有变：运行 xsk docs build {cid}"
                " 发布更正公示（另编文号）。"
            )
