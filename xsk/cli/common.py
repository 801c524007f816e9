"""The typer app object, the global options and the helpers every command module shares.

The command modules (``cli/cases.py`` …) register their commands on :data:`app` when
:mod:`xsk.cli.app` imports them.
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
    directory: Annotated[  # text, not Path: typer would import pydantic to make a Path
        str | None,
        typer.Option("-C", help="在指定的工作区目录中运行（如同先 cd 到该目录）", metavar="DIR"),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本号")
    ] = False,
) -> None:
    """社区协商议事工具。"""
    _state["dir"] = Path(directory) if directory is not None else None


def command(argv: list[str] | None = None):
    """The click command for ``argv``: with a subcommand named, only that one is built.

    typer analyses every command's signature when it builds the tree; for ``xsk status``
    that was a third of the start-up. ``--help``, completion and unknown names get them all.
    Every tree is put into Chinese (:mod:`xsk.cli.zh`).
    """
    from xsk.cli import lean_params
    from xsk.cli.zh import localize

    lean_params.install()
    name = _subcommand(sys.argv[1:] if argv is None else argv)
    if name is None:
        return localize(typer.main.get_command(app))
    commands = [c for c in app.registered_commands if _name(c) == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return localize(typer.main.get_command(app))
    lean = typer.Typer(**_APP_SETTINGS)
    lean.registered_callback = app.registered_callback
    lean.registered_commands = commands
    lean.registered_groups = groups
    return localize(typer.main.get_command(lean))


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
    from xsk.workspace import journal
    from xsk.workspace import settings as workspace

    root = workspace.find_root(_state["dir"])
    # a crash (or a killed sync, which may leave conflict markers in xsk.toml) is undone
    # before any command reads a file, unless a writer is busy
    journal.recover_if_free(root)
    return workspace.load(root)


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


def _parse_date(value: str, name: str):
    """A date option, typed as people type dates (the parser answers use too)."""
    from xsk.core.errors import UsageError
    from xsk.procedure.dates import parse_date

    day, err = parse_date(value)
    if err:
        raise UsageError(f"{name}：{err}") from None
    return day


def _root_or_none():
    from xsk.core.errors import WorkspaceError
    from xsk.workspace.settings import find_root

    try:
        return find_root(_state["dir"])
    except WorkspaceError:
        if _state["dir"] is not None:
            raise
        return None
