"""Where a key stands in TOML text: the line of a key path, for messages that name the line.

Pure text scanning, no parsing library: the data model (``core.model``) and the TOML store
(``store.tomlio``) both use it.
"""

from __future__ import annotations

from collections.abc import Sequence

KeyPath = Sequence[str | int]


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
