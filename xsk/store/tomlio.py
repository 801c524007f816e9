"""TOML in and out.

Reading uses the standard library's ``tomllib`` (fast, strict); writing uses ``tomlkit`` so that a
hand-edited file keeps its comments, order and formatting after a program write. ``tomlkit`` is
imported lazily: read-only commands never pay for it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from xsk.core.errors import DataError, Problem
from xsk.store import atomic

KeyPath = Sequence[str | int]

_LINE_RE = re.compile(r"at line (\d+), column (\d+)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u0085]")


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as shown in messages: relative to the workspace when possible."""
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)


def read(path: Path, root: Path | None = None) -> tuple[dict[str, Any], str]:
    """Parse ``path``; a syntax error becomes a DataError naming file and line."""
    shown = display_path(path, root)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(Problem(shown, 0, "E001", "文件不存在")) from None
    except OSError as exc:
        raise DataError(Problem(shown, 0, "E001", f"无法读取文件：{exc.strerror}")) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            Problem(shown, line, "E002", "文件不是 UTF-8 编码"), hint="请用 UTF-8 保存"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(syntax_problem(shown, text, exc), hint="请修正该行的 TOML 语法") from None
    return data, text


def syntax_problem(shown: str, text: str, exc: tomllib.TOMLDecodeError) -> Problem:
    msg = str(exc)
    m = _LINE_RE.search(msg)
    if m:
        line = int(m.group(1))
    elif "at end of document" in msg:  # a truncated file: the error is on its last line
        line = text.count("\n") + (0 if text.endswith("\n") else 1)
    else:
        line = 1
    reason = _LINE_RE.sub("", msg).replace("(at end of document)", "").strip(" ()")
    return Problem(shown, line, "E003", f"TOML 语法错误：{_translate(reason)}")


_TRANSLATIONS = {
    "Unterminated string": "字符串缺少结束引号",
    "Invalid value": "值无效",
    "Expected '=' after a key in a key/value pair": "键后缺少“=”",
    "Cannot overwrite a value": "重复的键",
    "Invalid statement": "无效的语句",
    "Illegal character": "非法字符",
    "Expected newline or end of document after a statement": "语句后应换行",
}


def _translate(reason: str) -> str:
    if reason.startswith("Illegal character '\\n'"):
        return "字符串未结束（缺少结束引号）"
    for en, zh in _TRANSLATIONS.items():
        if reason.startswith(en):
            return f"{zh}（{reason}）"
    return reason


def locate(text: str, keypath: KeyPath) -> int:
    """Best-effort line number (1-based) of ``keypath`` in TOML ``text``; 0 if unknown.

    Tracks table headers (``[a.b]``, ``[[a]]`` with their index) and ``key =`` lines; a key
    inside an inline table resolves to the line of the enclosing key.
    """
    target = tuple(keypath)
    current: tuple[str | int, ...] = ()
    array_counts: dict[tuple[str | int, ...], int] = {}
    best = 0
    best_len = -1
    in_multiline: str | None = None
    # TOML counts lines by \n only (str.splitlines would also break at U+2028, \f ...)
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if in_multiline:
            if in_multiline in line:
                in_multiline = None
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith("[["):
            name = _split_key(line[2 : line.find("]]")])
            base: list[str | int] = []
            for part in name[:-1]:
                base.append(part)
                if tuple(base) in array_counts:
                    base.append(array_counts[tuple(base)] - 1)
            key = (*base, name[-1])
            array_counts[key] = array_counts.get(key, 0) + 1
            current = (*key, array_counts[key] - 1)
            if _is_prefix(current, target) and len(current) > best_len:
                best, best_len = lineno, len(current)
            continue
        if line.startswith("["):
            name = _split_key(line[1 : line.find("]")])
            base = []
            for i, part in enumerate(name):
                base.append(part)
                # [a.b] below [[a]] belongs to a's latest element ("a.a" names a twice)
                if tuple(base) in array_counts and i < len(name) - 1:
                    base.append(array_counts[tuple(base)] - 1)
            current = tuple(base)
            if _is_prefix(current, target) and len(current) > best_len:
                best, best_len = lineno, len(current)
            continue
        eq = _find_eq(line)
        if eq < 0:
            continue
        key = (*current, *_split_key(line[:eq]))
        value = line[eq + 1 :].strip()
        for quote in ('"""', "'''"):
            if value.startswith(quote) and value.count(quote) == 1:
                in_multiline = quote
        if key == target[: len(key)] and len(key) > best_len:
            best, best_len = lineno, len(key)
    return best


def _is_prefix(a: tuple[str | int, ...], b: tuple[str | int, ...]) -> bool:
    return len(a) <= len(b) and b[: len(a)] == a


def _find_eq(line: str) -> int:
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "=":
            return i
    return -1


def _split_key(key: str) -> list[str]:
    parts: list[str] = []
    buf = ""
    quote = ""
    for ch in key.strip():
        if quote:
            if ch == quote:
                quote = ""
            else:
                buf += ch
        elif ch in "\"'":
            quote = ch
        elif ch == ".":
            parts.append(buf.strip())
            buf = ""
        else:
            buf += ch
    parts.append(buf.strip())
    return parts


# --- writing -------------------------------------------------------------------------------


def dumps(data: dict[str, Any]) -> str:
    import tomlkit

    return tomlkit.dumps(data)


def write_new(path: Path, data: Any, header: str = "") -> None:
    """Write a new file from plain data (or a tomlkit document)."""
    import tomlkit

    text = tomlkit.dumps(data)
    if header:
        lines = [_CONTROL.sub(" ", h) for h in header.split("\n")]  # a comment holds no controls
        text = "".join(f"# {h}\n" if h else "#\n" for h in lines) + text
    atomic.write_text(path, text)


def update(path: Path, mutate: Callable[[Any], None]) -> None:
    """Load ``path`` with tomlkit, let ``mutate`` change the document, write it atomically.

    Comments, key order and formatting of untouched parts are kept.
    """
    import tomlkit

    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    mutate(doc)
    atomic.write_text(path, tomlkit.dumps(doc))


def set_path(doc: Any, keypath: KeyPath, value: Any) -> None:
    """Set a nested key in a tomlkit document, creating tables on the way."""
    import tomlkit

    node = doc
    for key in keypath[:-1]:
        if isinstance(key, int):
            node = node[key]
            continue
        if key not in node:
            node[key] = tomlkit.table()
        node = node[key]
    node[keypath[-1]] = value
