"""Entry point: run the CLI and turn every XskError into one Chinese line and an exit code."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    from xsk.errors import EXIT_INTERRUPTED, XskError

    try:
        from xsk.cli import command

        rv = command().main(args=argv, prog_name="xsk", standalone_mode=False)
        if isinstance(rv, int):
            return rv
    except XskError as exc:
        if os.environ.get("XSK_DEBUG"):
            raise
        sys.stderr.write(f"错误：{exc.format()}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        if os.environ.get("XSK_DEBUG"):
            raise
        sys.stderr.write("\n已中断，未完成的修改没有写入。\n")
        return EXIT_INTERRUPTED
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except Exception as exc:  # click usage errors and anything unexpected
        import click

        if isinstance(exc, click.exceptions.Abort):
            sys.stderr.write("\n已中断，未完成的修改没有写入。\n")
            return EXIT_INTERRUPTED
        if isinstance(exc, click.ClickException):
            if os.environ.get("XSK_DEBUG"):
                raise
            exc.show()
            return 2
        if os.environ.get("XSK_DEBUG"):
            raise
        sys.stderr.write(
            f"内部错误：{type(exc).__name__}: {exc}（设置 XSK_DEBUG=1 可查看详细信息）\n"
        )
        return 70
    return 0


if __name__ == "__main__":
    sys.exit(main())
