"""typer's and click's own words in Chinese: help headings, usage line, option help, usage errors.

typer 0.29 ships its own copy of click (``typer._click``) whose strings are plain f-strings,
not gettext calls, so a translation catalogue cannot reach them. Instead, at start-up:

* :func:`install` replaces the few hooks that produce help text: the ``_`` that
  ``typer.core`` calls for section names, ``default:`` and ``required``; the usage prefix and
  the section heading of click's ``HelpFormatter``; the help of the ``--help`` option; the
  ``<str>``/``<int>``/``<path>`` type labels.
* :func:`localize` walks the command tree once: ``[OPTIONS]``/``COMMAND [ARGS]...`` in usage
  lines, argument names shown as labels, the help of the completion options.
* :func:`usage_message` turns click's usage-error messages into one Chinese line.

All of it is attribute assignment on modules typer has already imported: no start-up cost.
"""

from __future__ import annotations

import re
from typing import Any

HELP_OPTION = "显示帮助并退出"
INSTALL_COMPLETION = "为当前 shell 安装命令补全（按 Tab 键补全命令和选项），安装后重开终端生效"
SHOW_COMPLETION = "显示当前 shell 的补全脚本，可复制后自行安装"

# the strings typer.core passes to gettext's ``_``
_WORDS = {
    "Arguments": "参数",
    "Options": "选项",
    "Commands": "命令",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "Aborted!": "已中断。",
    "Missing command.": "缺少子命令。",
    "No such command {name!r}.": "No such command {name!r}.",  # translated with its hint below
}

# the type labels typer shows after a parameter: ``<str>`` …
_TYPES = {
    "str": "文本",
    "int": "整数",
    "float": "数字",
    "path": "路径",
    "file": "文件",
    "directory": "目录",
    "bool": "是/否",
    "list[str]": "文本…",
    "list[path]": "路径…",
    "datetime": "日期时间",
}

# argument names typer shows as labels (``kind <str>``) and in ``缺少参数 …``
ARGUMENT_NAMES = {
    "directory": "目录",
    "kind": "事件类型",
    "date": "日期",
    "n": "工作日数",
    "letter": "字母",
    "name": "名称",
    "file": "文件",
    "files": "文件",
    "text": "文字",
}

_installed = False


def _word(text: str) -> str:
    return _WORDS.get(text, text)


def install() -> None:
    """Put the Chinese hooks in place (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    import typer.core as tcore
    from typer._click import core as ccore
    from typer._click import formatting

    tcore._ = _word

    write_usage = formatting.HelpFormatter.write_usage

    def _write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, "用法：" if prefix is None else prefix)

    def _write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    formatting.term_len = display_width  # columns line up with Chinese labels
    formatting.HelpFormatter.write_usage = _write_usage
    formatting.HelpFormatter.write_heading = _write_heading

    get_help_option = ccore.Command.get_help_option

    def _get_help_option(self, ctx):
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option

    ccore.Command.get_help_option = _get_help_option

    display_type = tcore._TyperParameter.display_type

    def _display_type(self, ctx) -> str:
        label = display_type(self, ctx)
        inner = label[1:-1] if label.startswith("<") and label.endswith(">") else label
        return f"<{_TYPES[inner]}>" if inner in _TYPES else label

    tcore._TyperParameter.display_type = _display_type


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: CJK characters take two."""
    import unicodedata

    from typer._click._compat import strip_ansi

    text = strip_ansi(text)
    return len(text) + sum(1 for c in text if unicodedata.east_asian_width(c) in "WF")


def localize(command: Any) -> Any:
    """Chinese usage pieces and labels on ``command`` and everything under it."""
    install()
    stack = [command]
    while stack:
        cmd = stack.pop()
        if getattr(cmd, "options_metavar", None) == "[OPTIONS]":
            cmd.options_metavar = "[选项]"
        if hasattr(cmd, "subcommand_metavar"):
            cmd.subcommand_metavar = "命令 [参数]..."
        for param in cmd.params:
            if param.name == "install_completion":
                param.help = INSTALL_COMPLETION
            elif param.name == "show_completion":
                param.help = SHOW_COMPLETION
            elif param.param_type_name == "argument" and param.metavar is None:
                param.metavar = ARGUMENT_NAMES.get(param.name)
        stack.extend(getattr(cmd, "commands", {}).values())
    return command


_TYPE_WORDS = {
    "int": "整数",
    "float": "数字",
    "integer": "整数",
    "str": "文本",
    "bool": "是/否",
    "number": "数字",
}

_QUOTED = re.compile(r"'([^']+)'")

# click's usage errors, in the order tried; each pattern may match part of the message
_USAGE = [
    (re.compile(r"No such command '(.+?)'\.?"), r"没有命令“\1”（xsk --help 查看全部命令）"),
    (re.compile(r"\.? Did you mean (.+)\?"), lambda m: f"；您是不是要找 {_names(m[1])}？"),
    (re.compile(r"No such option: (\S+)"), r"没有选项 \1"),
    (re.compile(r" ?\(Possible options: (.+)\)"), lambda m: f"（可选项：{_names(m[1])}）"),
    (re.compile(r"Did you mean (.+)\?"), lambda m: f"您是不是要找 {_names(m[1])}？"),
    (re.compile(r"Missing argument '(.+)'\."), r"缺少参数 \1"),
    (re.compile(r"Missing option '(.+)'\."), r"缺少选项 \1"),
    (re.compile(r"Missing command\."), "缺少子命令（加 --help 查看可用的子命令）"),
    (re.compile(r"Option '(.+)' requires an argument\."), r"选项 \1 需要一个值"),
    (re.compile(r"Option '(.+)' requires (\d+) arguments\."), r"选项 \1 需要 \2 个值"),
    (re.compile(r"Option '(.+)' does not take a value\."), r"选项 \1 不需要值"),
    # "Invalid value for '--jobs' / '-j': …" names an option by all its spellings
    (
        re.compile(r"Invalid value for ((?:'[^']+'(?: / )?)+): "),
        lambda m: f"参数 {' / '.join(_QUOTED.findall(m[1]))} 的值无效：",
    ),
    (re.compile(r"Invalid value: "), "值无效："),
    (
        re.compile(r"Input should be a valid (\w+)(, unable to parse string as an? \w+)?"),
        lambda m: f"应为{_TYPE_WORDS.get(m[1], m[1])}",
    ),
    # typer's range checks (pydantic's wording), e.g. --within -5
    (re.compile(r"Input should be greater than or equal to (\S+)"), r"应不小于 \1"),
    (re.compile(r"Input should be greater than (\S+)"), r"应大于 \1"),
    (re.compile(r"Input should be less than or equal to (\S+)"), r"应不大于 \1"),
    (re.compile(r"Input should be less than (\S+)"), r"应小于 \1"),
    (re.compile(r"(-?\d+) is not in the range (.+?)\.?$"), r"\1 不在范围 \2 内"),
    (re.compile(r"Value (.+) is not a valid (\w+)\."), lambda m: _not_valid(m)),
    (re.compile(r"(.+) is not a valid (\w+)\."), lambda m: _not_valid(m)),
    (re.compile(r"(.+) is not one of (.+)\."), r"\1 不是可选值之一（可选：\2）"),
    (re.compile(r"(File|Directory|Path) '(.+)' does not exist\."), r"“\2”不存在"),
    (re.compile(r"(File|Directory|Path) '(.+)' is a directory\."), r"“\2”是目录"),
    (re.compile(r"Got unexpected extra arguments? \((.+)\)"), r"多余的参数：\1"),
    (re.compile(r"Got unexpected extra argument\(s\) \((.+)\)"), r"多余的参数：\1"),
]


def _names(text: str) -> str:
    return "、".join("“" + n.strip().strip("'\"") + "”" for n in text.split(","))


def _not_valid(m: re.Match) -> str:
    return f"{m.group(1)} 不是有效的{_TYPE_WORDS.get(m.group(2), m.group(2))}"


def usage_message(text: str) -> str:
    """click's usage-error message (``exc.format_message()``) in Chinese."""
    for pattern, zh in _USAGE:
        text = pattern.sub(zh, text)
    return text
