"""File and folder names that Windows can hold.

Most community offices run Windows, where a name may not contain ``<>:"/\\|?*`` or a control
character, may not end in a dot or a space, and may not be a device name (CON, PRN, AUX, NUL,
COM1–COM9, LPT1–LPT9, with or without an extension: ``nul.txt`` is the device too). A case
folder or meeting file with such a name could be committed on Linux and then never be checked
out on a colleague's Windows laptop, so xsk refuses such names wherever it makes a file or
folder from user input (:func:`check_name`), builds output names that are always valid
(:func:`safe_name`), and checks every path before it is committed (:func:`path_problem`).

Pure string functions, the same on every platform: the rules apply on Linux too, because the
workspace is shared through git.
"""

from __future__ import annotations

import re

from xsk.core.errors import UsageError

_INVALID = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_UNSAFE_RUN = re.compile(r'[<>:"/\\|?*\s\x00-\x1f\x7f]+')  # whitespace too: names stay one word
_SUPERSCRIPTS = "¹²³"  # Windows treats COM¹ … LPT³ as devices as well
RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{dev}{n}" for dev in ("COM", "LPT") for n in (*"123456789", *_SUPERSCRIPTS)}
)


def name_problem(name: str) -> str | None:
    """Why ``name`` (one path component) cannot exist on Windows, in Chinese; None if it can."""
    if not name or name in (".", ".."):
        return "名称不能为空"
    bad = _INVALID.search(name)
    if bad:
        ch = bad.group()
        shown = f"“{ch}”" if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
        return f'含有 Windows 不允许的字符 {shown}（不能用 < > : " / \\ | ? * 和控制字符）'
    if name[-1] in ". ":
        return "末尾不能是句点或空格（Windows 会去掉它们）"
    device = name.split(".", 1)[0].rstrip(" ").upper()
    if device in RESERVED:
        return f"“{device}”是 Windows 的保留设备名，不能用作文件名"
    return None


def check_name(name: str, what: str) -> str:
    """``name`` itself, or a UsageError (exit 2) naming ``what`` it was meant to be."""
    problem = name_problem(name)
    if problem:
        raise UsageError(f"{what}“{name}”无效：{problem}", hint="请换一个名称")
    return name


def path_problem(rel: str) -> str | None:
    """The first component of a relative path (``/`` or ``\\`` separated) Windows refuses."""
    for part in re.split(r"[/\\]", rel):
        problem = name_problem(part)
        if problem:
            return f"“{part}”{problem}"
    return None


def safe_name(name: str, fallback: str = "未命名", *, max_len: int | None = None) -> str:
    """A valid file name made from free text (a unit's name in an output file name), at
    most ``max_len`` characters."""
    text = _UNSAFE_RUN.sub("_", name).strip("_")[:max_len].rstrip(". ").strip("_")
    if not text:
        return fallback
    if text.split(".", 1)[0].rstrip(" ").upper() in RESERVED:
        text = f"_{text}"[:max_len].rstrip("._ ")
    return text or fallback
