"""TOML in and out.

Reading uses the standard library's ``tomllib`` (fast, strict); writing uses ``tomlkit`` so that a
hand-edited file keeps its comments, order and formatting after a program write. ``tomlkit`` is
imported lazily: read-only commands never pay for it.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from xsk.core.errors import DataError, Problem
from xsk.core.tomlpos import KeyPath, locate
from xsk.store import atomic, filememo

__all__ = ["KeyPath", "locate"]  # re-exported: where a key stands in TOML text


MAX_BYTES = 32 * 1024 * 1024  # a hand-edited TOML file; anything larger is a mistake
MAX_DEPTH = 24  # tables and arrays inside one another; deeper is never a real file
NOT_UTF8 = "文件不是 UTF-8 编码（可能是用记事本/WPS 另存为 GBK）"
_LINE_RE = re.compile(r"at line (\d+), column (\d+)")
_SUFFIX_RE = re.compile(r"\s*\(at (?:line \d+, column \d+|end of document)\)$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u0085]")


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as shown in messages: relative to the workspace when possible, with ``/``
    on every platform (as git shows it; Windows accepts it too)."""
    if root is not None:
        if path.is_absolute() and root.is_absolute() and ".." not in path.parts:
            try:  # the usual case, without two resolve() calls (a check of 5,000 cases)
                return str(path.relative_to(root))
            except ValueError:
                pass
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


T = TypeVar("T")
_MEMO: contextvars.ContextVar[dict[tuple[Any, ...], Any] | None] = contextvars.ContextVar(
    "tomlio_memo", default=None
)


@contextlib.contextmanager
def read_once() -> Iterator[None]:
    """Within this block what :func:`once` makes is remembered per file (``xsk check`` needs
    a case for the case checks, the record checks and the public-document scan): a second
    call for a file with the same size, mtime and inode gives the same objects, which the
    callers must not change. Only for read-only passes."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def once(tag: str, path: Path, make: Callable[[], T]) -> T:
    """``make()``, remembered per file (by ``tag``, path and stat) inside :func:`read_once`;
    outside it simply ``make()``."""
    memo = _MEMO.get()
    if memo is None:
        return make()
    try:
        st = os.stat(path)
    except OSError:
        return make()
    key = (tag, os.fspath(path), st.st_size, st.st_mtime_ns, st.st_ino)
    if key not in memo:
        memo[key] = make()
    return memo[key]


def read(
    path: Path, root: Path | None = None, *, max_bytes: int = MAX_BYTES
) -> tuple[dict[str, Any], str]:
    """Parse ``path``; a syntax error becomes a DataError naming file and line. ``max_bytes``:
    larger is refused (E005); files xsk itself grows with the workspace pass a higher one."""
    filememo.record_read(path)
    # Not remembered inside read_once: within ``check`` each TOML file is parsed once anyway;
    # keeping every parsed dict of 10,000 cases alive doubled its memory (339 → 137 MiB).
    return _read(path, root, max_bytes)


def _read(path: Path, root: Path | None, max_bytes: int = MAX_BYTES) -> tuple[dict[str, Any], str]:
    shown = display_path(path, root)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(Problem(shown, 0, "E001", "文件不存在")) from None
    except OSError as exc:
        raise DataError(Problem(shown, 0, "E001", f"无法读取文件：{exc.strerror}")) from None
    if len(raw) > max_bytes:
        raise DataError(Problem(shown, 0, "E005", f"文件过大（超过 {max_bytes // 2**20} MB）"))
    text = decode(raw, shown)
    return parse(text, shown), text


def decode(raw: bytes, shown: str) -> str:
    """UTF-8 text (a BOM, as Notepad writes it, is dropped); other bytes are a DataError."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(Problem(shown, line, "E002", NOT_UTF8), hint="请另存为 UTF-8") from None


def parse(text: str, shown: str) -> dict[str, Any]:
    """``tomllib.loads`` with every failure (syntax, nesting depth) as a DataError."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(syntax_problem(shown, text, exc), hint="请修正该行的 TOML 语法") from None
    except RecursionError:
        raise DataError(Problem(shown, 1, "E004", "嵌套层数过多")) from None
    if (line := _too_deep(data, text)) is not None:
        raise DataError(Problem(shown, line, "E004", f"嵌套层数过多（最多 {MAX_DEPTH} 层）"))
    return data


def _too_deep(data: Any, text: str) -> int | None:
    """Line of the first value nested deeper than MAX_DEPTH (iterative: no recursion)."""
    stack: list[tuple[Any, int, tuple[str | int, ...]]] = [(data, 0, ())]
    while stack:
        value, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            return locate(text, tuple(p for p in path[:1])) or 1
        if isinstance(value, dict):
            stack.extend((v, depth + 1, (*path, k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, depth + 1, (*path, i)) for i, v in enumerate(value))
    return None


def check_file(
    path: Path,
    root: Path | None,
    validate: Callable[[dict[str, Any], Any], None],
    *,
    max_bytes: int = MAX_BYTES,
) -> list[Problem]:
    """Read one TOML file and run ``validate(data, reader)`` on it: the problems, with lines."""
    from xsk.core.model import Reader

    try:
        data, text = read(path, root, max_bytes=max_bytes)
    except DataError as exc:
        return [exc.problem]
    r = Reader(display_path(path, root), text)
    validate(data, r)
    return r.problems


def syntax_problem(shown: str, text: str, exc: tomllib.TOMLDecodeError) -> Problem:
    msg = str(exc)
    m = _LINE_RE.search(msg)
    if m:
        line = int(m.group(1))
    elif "at end of document" in msg:  # a truncated file: the error is on its last line
        line = text.count("\n") + (0 if text.endswith("\n") else 1)
    else:
        line = 1
    reason = _SUFFIX_RE.sub("", msg).strip()
    return Problem(shown, line, "E003", f"TOML 语法错误：{_translate(reason)}")


def _key(text: str) -> str:
    """``('表', '乙')`` (tomllib's repr of a key) as people write it: ``表.乙``."""
    import ast

    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    if isinstance(value, tuple):
        return ".".join(str(v) for v in value)
    return str(value)


def _character(text: str) -> str:
    """The character tomllib names (its repr, ``'\\x01'``), in words."""
    import ast

    try:
        char = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        char = ""
    if char == "\n":
        return "字符串未结束（缺少结束引号）"
    if char == "\r":
        return "有单独的回车符（请把换行统一为一种）"
    code = f"（编码 {ord(char)}）" if isinstance(char, str) and len(char) == 1 else ""
    return f"有看不见的控制字符{code}，请删除"


# every reason tomllib gives (Python 3.11, Lib/tomllib/_parser.py), in a facilitator's words;
# those naming a key or a character take it from the match. First match wins.
_TRANSLATIONS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(pattern), say)
    for pattern, say in (
        (r"Invalid statement", lambda m: "无效的语句（应为“键 = 值”或“[表名]”，中文键名须加引号）"),
        (r"Expected newline or end of document after a statement", lambda m: "一行只能写一项，该项之后应换行"),
        (r"Expected \"'''\"", lambda m: "多行字符串缺少结束的三个单引号"),
        (r"Expected \"'\"", lambda m: "字符串缺少结束的单引号"),
        (r"Found invalid character (.+)", lambda m: _character(m[1])),
        (r"Illegal character (.+)", lambda m: _character(m[1])),
        (r"Cannot declare (.+) twice", lambda m: f"表 [{_key(m[1])}] 重复声明"),
        (r"Cannot overwrite a value", lambda m: "重复的键（该键已有值）"),
        (r"Expected '\]' at the end of a table declaration", lambda m: "表名缺少结束的“]”"),
        (r"Expected '\]\]' at the end of an array declaration", lambda m: "表数组名缺少结束的“]]”"),
        (r"Cannot mutate immutable namespace (.+)", lambda m: f"{_key(m[1])} 已在行内表或数组中写定，不能再添加内容"),
        (r"Cannot redefine namespace (.+)", lambda m: f"{_key(m[1])} 已声明为表，不能再用带点的键定义"),
        (r"Expected '=' after a key in a key/value pair", lambda m: "键后缺少“=”"),
        (r"Invalid initial character for a key part", lambda m: "键名无效（带点的键名每段都不能为空，中文键名须加引号）"),
        (r"Unclosed array", lambda m: "数组缺少结束的“]”（或元素之间缺少逗号）"),
        (r"Duplicate inline table key (.+)", lambda m: f"行内表中的键 {_key(m[1])} 重复"),
        (r"Unclosed inline table", lambda m: "行内表缺少结束的“}”（或元素之间缺少逗号；行内表须写在一行内）"),
        (r"Unescaped '\\' in a string", lambda m: "字符串中的反斜杠“\\”未转义（路径请写成“\\\\”或用单引号）"),
        (r"Invalid hex value", lambda m: "字符串中的转义编码不是有效的十六进制数"),
        (r"Escaped character is not a Unicode scalar value", lambda m: "字符串中的转义编码不是有效的字符"),
        (r"Unterminated string", lambda m: "字符串缺少结束引号"),
        (r"Invalid date or datetime", lambda m: "日期或时间不存在（月份、日期或时刻超出范围）"),
        (r"Invalid value", lambda m: "值无效（文字须加引号，日期写成 2026-03-02）"),
    )
)  # fmt: skip


def _translate(reason: str) -> str:
    for pattern, say in _TRANSLATIONS:
        if m := pattern.fullmatch(reason):
            return say(m)
    return reason  # a reason of a later tomllib: shown as it is rather than hidden


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


def update(path: Path, mutate: Callable[[Any], None], *, max_bytes: int = MAX_BYTES) -> None:
    """Load ``path`` with tomlkit, let ``mutate`` change the document, write it atomically.

    Comments, key order and formatting of untouched parts are kept.
    """
    import tomlkit

    read(
        path, max_bytes=max_bytes
    )  # the same checks (encoding, syntax, depth) as every reader, as a DataError
    doc = tomlkit.parse(decode(path.read_bytes(), str(path)))
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
