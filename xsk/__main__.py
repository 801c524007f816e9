"""Entry point: run the CLI and turn every error into one Chinese line and an exit code."""

from __future__ import annotations

import os
import re
import sys

# click's usage messages (typer ships its own copy of click) in Chinese
_USAGE = [
    (re.compile(r"No such command '(.+)'\."), r"没有命令“\1”（xsk --help 查看全部命令）"),
    (re.compile(r"No such option: (\S+)"), r"没有选项 \1"),
    (re.compile(r"Missing argument '(.+)'\."), r"缺少参数 \1"),
    (re.compile(r"Missing option '(.+)'\."), r"缺少选项 \1"),
    (re.compile(r"Option '(.+)' requires an argument\."), r"选项 \1 需要一个值"),
    (re.compile(r"Invalid value for '(.+)': (.+)"), r"参数 \1 的值无效：\2"),
    (re.compile(r"Got unexpected extra arguments? \((.+)\)"), r"多余的参数：\1"),
]


def _usage_message(text: str) -> str:
    for pattern, zh in _USAGE:
        if pattern.search(text):
            return pattern.sub(zh, text)
    return text


def main(argv: list[str] | None = None) -> int:
    from xsk.cli.output import console_safe, warn
    from xsk.core import notices

    console_safe()
    notices.start(None)  # warnings of this run (e.g. the provisional calendar), each once
    code = _run(argv)
    if code == 0:  # after a failure they would only hide the error line
        for text in notices.seen():
            warn(text)
    return code


def _run(argv: list[str] | None) -> int:
    from xsk.core.errors import EXIT_INTERRUPTED, EXIT_USAGE, XskError, one_line
    from xsk.rules import RuleError

    debug = bool(os.environ.get("XSK_DEBUG"))
    try:
        from xsk.cli.app import command

        rv = command(argv).main(args=argv, prog_name="xsk", standalone_mode=False)
        if rv == EXIT_INTERRUPTED:  # typer turns Ctrl-C into Exit(130) itself
            sys.stderr.write("\n已中断，未完成的修改没有写入。\n")
        if isinstance(rv, int):
            return rv
    except XskError as exc:
        if debug:
            raise
        sys.stderr.write(f"错误：{exc.format()}\n")
        return exc.exit_code
    except RuleError as exc:  # bad input to a rule (a date beyond the calendar): exit 2
        if debug:
            raise
        sys.stderr.write(f"错误：{one_line(str(exc))}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        if debug:
            raise
        sys.stderr.write("\n已中断，未完成的修改没有写入。\n")
        return EXIT_INTERRUPTED
    except PermissionError as exc:  # on Windows: a file open in Word/WPS/Excel
        if debug:
            raise
        where = one_line(str(exc.filename or ""))
        sys.stderr.write(
            f"错误：无法写入 {where}：文件正在使用或只读（如已在 Word/WPS/Excel 中打开，请先关闭）\n"
        )
        return EXIT_USAGE
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except Exception as exc:
        name = type(exc).__name__
        if name == "Abort":  # click's Ctrl-C / EOF at a prompt
            sys.stderr.write("\n已中断，未完成的修改没有写入。\n")
            return EXIT_INTERRUPTED
        if hasattr(exc, "exit_code") and hasattr(exc, "format_message"):  # click usage errors
            if debug:
                raise
            sys.stderr.write(f"错误：{_usage_message(exc.format_message())}\n")
            code = exc.exit_code
            return code if isinstance(code, int) and code else EXIT_USAGE
        if debug:
            raise
        sys.stderr.write(f"内部错误：{name}: {exc}（设置 XSK_DEBUG=1 可查看详细信息）\n")
        return 70
    return 0


if __name__ == "__main__":
    sys.exit(main())
