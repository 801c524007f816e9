"""Results of a read-only pass kept from one run to the next, per file (``xsk check``).

Inside :func:`active`, :func:`remember` gives what ``make()`` gave last time for the same tag
and name when every file it depended on still has the same size, mtime, inode and ctime
(a result made from a file changed less than 3 s before is not kept; a missing
file is a dependency too: its appearing makes the result stale), and when the pass's
``context`` is the same (a digest of xsk's own code and of the workspace files every result
depends on: settings, roster, procedures). Dependencies are the files named to
:func:`remember` and every TOML file :func:`xsk.store.tomlio.read` read while ``make()`` ran.
Values are plain data (:func:`problems_out` / :func:`problems_in` for problem lists).
Outside :func:`active` :func:`remember` is simply ``make()``.

The memo lives in one file in the workspace's state folder, in :mod:`marshal` form (plain
data only: dicts, lists, strings, numbers; five times faster to load than JSON for 60,000
entries, and the Python version is part of the context); a file that cannot be read or
written is no memo (same results, no speed).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import marshal
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from xsk.core.errors import Problem

T = TypeVar("T")
VERSION = 1

_ACTIVE: contextvars.ContextVar[_Memo | None] = contextvars.ContextVar(
    "filememo_active", default=None
)
_RECORDING: contextvars.ContextVar[dict[str, list[int] | None] | None] = contextvars.ContextVar(
    "filememo_recording", default=None
)


# A file changed this recently may change again without its stat showing it (timestamps are
# coarser than a nanosecond); a result that read it is not kept (as the index does).
RACY_NS = 3_000_000_000


def stat_of(path: str) -> list[int] | None:
    """Size, mtime, inode and ctime of ``path`` (None when it is missing)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]


def settled(stat: list[int] | None, started_ns: int) -> bool:
    """Whether a file with ``stat`` changed long enough before ``started_ns`` to be trusted
    by its stat next time."""
    return stat is None or max(stat[1], stat[3]) < started_ns - RACY_NS


class _Memo:
    def __init__(self, path: Path, context: str, root: Path | None) -> None:
        self.path = path
        self.context = context
        self.prefix = os.path.join(os.fspath(root), "") if root is not None else None
        self.old: dict[str, Any] = {}
        self.new: dict[str, Any] = {}
        self.stats: dict[str, list[int] | None] = {}
        self.started = time.time_ns()
        try:
            data = marshal.loads(path.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return
        if (
            isinstance(data, dict)
            and data.get("version") == VERSION
            and data.get("context") == context
            and isinstance(data.get("entries"), dict)
        ):
            self.old = data["entries"]

    def stat(self, path: str) -> list[int] | None:
        if path not in self.stats:
            self.stats[path] = stat_of(path)
        return self.stats[path]

    def short(self, path: str) -> str:
        """``path`` as stored: relative to the workspace when inside it."""
        if self.prefix and path.startswith(self.prefix):
            return path[len(self.prefix) :]
        return path

    def full(self, path: str) -> str:
        return path if os.path.isabs(path) or not self.prefix else self.prefix + path

    def fresh(self, name: str, entry: Any) -> bool:
        """``entry`` is ``[value, stat]`` (its one dependency is the file ``name``) or
        ``[value, {file: stat}]``; fresh while every stat is the same."""
        if not isinstance(entry, list) or len(entry) != 2:
            return False
        deps = entry[1]
        if isinstance(deps, dict):
            return all(self.stat(self.full(p)) == st for p, st in deps.items())
        return self.stat(name) == deps

    def store(self, key: str, name: str, value: Any, deps: dict[str, list[int] | None]) -> None:
        if not all(settled(st, self.started) for st in deps.values()):
            return  # made from a file changed a moment ago: made again next time
        if list(deps) == [name]:
            self.new[key] = [value, deps[name]]
        else:
            self.new[key] = [value, {self.short(p): st for p, st in sorted(deps.items())}]

    def save(self) -> None:
        if self.new == self.old:
            return
        from xsk.store import atomic

        data = {"version": VERSION, "context": self.context, "entries": self.new}
        with contextlib.suppress(OSError):
            atomic.write_bytes(self.path, marshal.dumps(data))


@contextlib.contextmanager
def active(path: Path, context: str, root: Path | None = None) -> Iterator[None]:
    """Remember results in ``path`` for this block (saved at its end, when they changed);
    files under ``root`` are stored relative to it."""
    memo = _Memo(path, context, root)
    token = _ACTIVE.set(memo)
    try:
        yield
    finally:
        _ACTIVE.reset(token)
    memo.save()


def is_active() -> bool:
    return _ACTIVE.get() is not None


def record_read(path: Path | str) -> None:
    """Called by the TOML reader before it reads ``path``: a dependency of what is being
    made (its stat is taken now, so a change after this read is a change next time)."""
    deps = _RECORDING.get()
    memo = _ACTIVE.get()
    if deps is not None and memo is not None:
        name = os.fspath(path)
        if name not in deps:
            deps[name] = memo.stat(name)


def remember(tag: str, name: str, make: Callable[[], T], deps: Iterable[Path | str] = ()) -> T:
    """``make()``, or its value from the last run while its dependencies are unchanged
    (``name`` is a path when the result is one file's)."""
    memo = _ACTIVE.get()
    if memo is None:
        return make()
    key = f"{tag}\0{memo.short(name)}"
    entry = memo.old.get(key)
    if memo.fresh(name, entry):
        memo.new[key] = entry
        return entry[0]  # type: ignore[index]
    outer = _RECORDING.get()
    reads: dict[str, list[int] | None] = {os.fspath(p): None for p in deps}
    for p in reads:
        reads[p] = memo.stat(p)
    token = _RECORDING.set(reads)
    try:
        value = make()
    finally:
        _RECORDING.reset(token)
    if outer is not None:
        for p, st in reads.items():
            outer.setdefault(p, st)
    memo.store(key, name, value, reads)
    return value


def problems_out(problems: Iterable[Problem]) -> list[list[Any]]:
    return [[p.path, p.line, p.code, p.message, p.field] for p in problems]


def problems_in(rows: Iterable[list[Any]]) -> list[Problem]:
    return [Problem(*row) for row in rows]


def code_digest(package: Path, extra: Iterable[bytes] = ()) -> str:
    """A digest of the package's Python and TOML files (their code and built-in data), the
    Python version and ``extra``: the context of results that depend on how xsk reads."""
    h = hashlib.sha256(f"{VERSION}\0{sys.version}".encode())
    for root, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".toml")):
                full = os.path.join(root, name)
                h.update(os.path.relpath(full, package).encode())
                with contextlib.suppress(OSError), open(full, "rb") as fh:
                    h.update(fh.read())
    for chunk in extra:
        h.update(b"\0")
        h.update(chunk)
    return h.hexdigest()
