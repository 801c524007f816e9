"""Atomic file writes: temp file in the same folder, fsync, rename.

A text file keeps its own line ending: in a clone with ``core.autocrlf=true`` (git for
Windows' default) every file in the work tree has CRLF, and rewriting one with LF would make
every line differ from what git checked out.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path


def write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file.

    ``durable=False`` (rebuildable output, synced once by the caller: :func:`sync_all`)
    skips the two fsyncs; the write is still atomic (temp file, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; a file is 0644 like any other
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable:
        _fsync_dir(path.parent)


SYNC_EACH_MAX = 32  # up to this many files, each is fsynced; more: one sync() of everything


def sync_all(paths: list[Path]) -> None:
    """Make files written with ``durable=False`` durable at once: a few (a step's documents)
    by an fsync of each file and of each folder holding them, many by one ``sync()`` where
    the system has it."""
    if not paths:
        return
    if len(paths) > SYNC_EACH_MAX and hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:
        try:
            fd = os.open(path, os.O_RDWR if os.name == "nt" else os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)
    if os.name != "nt":  # a folder cannot be opened on Windows
        for folder in dict.fromkeys(Path(p).parent for p in paths):
            _fsync_dir(folder)


_UMASK: list[int] = []


def _umask() -> int:
    """The process umask (read once: reading it means setting it)."""
    if not _UMASK:
        mask = os.umask(0o022)
        os.umask(mask)
        _UMASK.append(mask)
    return _UMASK[0]


_new_files_crlf = False  # set from the workspace (see set_new_files_crlf)


def new_files_crlf() -> bool:
    """Whether new text files get CRLF line endings (see :func:`set_new_files_crlf`)."""
    return _new_files_crlf


def set_new_files_crlf(crlf: bool) -> None:
    """New text files get CRLF too when the workspace's files have it (git would check them
    out so), LF otherwise. Called whenever a workspace is loaded."""
    global _new_files_crlf
    _new_files_crlf = crlf


class ReplaceRefused(PermissionError):
    """An output that cannot be replaced: Word/WPS holds it open (Windows refuses to replace
    an open file), or the file or its folder is read-only. ``filename`` is the target."""


def write_output(path: Path, data: bytes, *, durable: bool = True) -> None:
    """:func:`write_bytes` for a document a user may have open; refusal is ReplaceRefused.

    Windows refuses to replace a read-only file, Linux would not: the target's own write
    permission is checked first so that a read-only file is left alone on every platform
    (and so a file open in Word can be simulated on Linux, even as root).
    """
    try:
        st = os.stat(path)
    except OSError:
        pass
    else:
        if not st.st_mode & stat.S_IWUSR:
            raise ReplaceRefused(errno.EACCES, "文件只读", str(path))
    folder = path.parent
    # a read-only attribute on a Windows folder only marks it customised (桌面): no check there
    if os.name != "nt" and folder.is_dir() and not os.stat(folder).st_mode & stat.S_IWUSR:
        raise ReplaceRefused(errno.EACCES, "文件夹只读", str(path))
    try:
        write_bytes(path, data, durable=durable)
    except PermissionError as exc:
        raise ReplaceRefused(exc.errno or errno.EACCES, exc.strerror, str(path)) from exc


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text; ``\n`` becomes ``\r\n`` when the file being replaced used CRLF
    (a new file: when the workspace does)."""
    if uses_crlf(path) if path.exists() else _new_files_crlf:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    write_bytes(path, text.encode("utf-8"))


def uses_crlf(path: Path) -> bool:
    """Whether the existing file's first line ends with CRLF (False for a new file)."""
    try:
        with open(path, "rb") as fh:
            return fh.readline(1 << 16).endswith(b"\r\n")
    except OSError:
        return False


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def stray_temp_files(root: Path) -> list[Path]:
    """Temp files left by an interrupted write (they are harmless and safe to delete)."""
    return [p for p in root.rglob(".*.tmp") if ".git" not in p.parts]
