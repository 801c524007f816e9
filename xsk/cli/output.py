"""Printing: plain text when piped, rich when on a terminal (rich is imported only then)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Sequence
from typing import Any


def console_safe() -> None:
    """A console that cannot show a character gets ``?`` instead of a UnicodeEncodeError.

    A Windows console in code page 936 (GBK), or ``PYTHONIOENCODING=gbk``, lacks some
    characters a case may hold (emoji, rare names). Only the screen is affected: files are
    always written as UTF-8.
    """
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", "strict") == "strict" and hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError):  # a stream that cannot change
                stream.reconfigure(errors="replace")


def is_tty() -> bool:
    return sys.stdout.isatty()


def echo(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def warn(text: str) -> None:
    sys.stderr.write(f"提示：{text}\n")


def emit_json(data: Any) -> None:
    """JSON on stdout. A list is written one item per line: readable, and written by the
    C encoder (``indent`` makes the json module fall back to its slow Python encoder, which
    costs a second on 10,000 status rows)."""
    if isinstance(data, list):
        items = [json.dumps(item, ensure_ascii=False, default=_default) for item in data]
        sys.stdout.write(("[\n  " + ",\n  ".join(items) + "\n]\n") if items else "[]\n")
        return
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n")


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str = "") -> None:
    if is_tty() and not os.environ.get("XSK_PLAIN"):
        from rich.console import Console
        from rich.table import Table

        t = Table(title=title or None, show_lines=False, header_style="bold")
        for h in headers:
            t.add_column(h, overflow="fold")
        for row in rows:
            t.add_row(*("" if v is None else str(v) for v in row))
        Console(highlight=False).print(t)
        return
    if title:
        echo(title)
    echo("\t".join(headers))
    for row in rows:
        echo("\t".join("" if v is None else str(v) for v in row))
