"""Case numbers: short, sequential per year, never colliding across clones, never changing.

Design (see README, "议题编号"):

* A case's number is its folder name (``cases/2026-007``). It is chosen once, when the case is
  created, and never renamed, so a number printed on a document stays true.
* Every clone of a workspace numbers from its own *series*. The clone where ``xsk init`` ran is
  the primary series and writes ``2026-001, 2026-002, ...``. Any other clone (another laptop)
  takes a letter once with ``xsk series set B`` and writes ``2026-B001, 2026-B002, ...``.
  Two series never produce the same number, so two clones that create cases offline cannot
  collide when they sync, and no number has to be changed afterwards.
* The series lives in the clone's local git config (``xsk.series``), which ``git clone`` does
  not copy; a fresh clone therefore cannot silently reuse the primary series. The letters in
  use are recorded in the tracked ``series.toml`` so that ``xsk series set`` refuses a letter
  another clone already took (after a sync) and ``xsk check`` reports a clash.
"""

from __future__ import annotations

import os
import re
import string
from pathlib import Path

from xsk.core.errors import UsageError
from xsk.workspace import git as vcs

CONFIG_KEY = "xsk.series"
PRIMARY = "primary"
SERIES_FILE = "series.toml"


def claim_primary(root: Path) -> None:
    vcs.config_set_local(root, CONFIG_KEY, PRIMARY)


def series(root: Path) -> str | None:
    """'' for the primary series, a letter for another clone, None when not chosen yet."""
    value = vcs.config_get(root, CONFIG_KEY)
    if value is None:
        return None
    return "" if value == PRIMARY else value


def validate_letter(letter: str) -> str:
    letter = letter.strip().upper()
    if len(letter) != 1 or letter not in string.ascii_uppercase:
        raise UsageError(f"编号序列应为一个英文字母（A–Z），不是“{letter}”")
    return letter


def format_id(year: int, letter: str, n: int) -> str:
    return f"{year}-{letter}{n:03d}"


def pattern(year: int, letter: str) -> re.Pattern[str]:
    return re.compile(rf"{year}-{re.escape(letter)}(\d{{3,}})")


def next_id(cases_dir: Path, year: int, letter: str) -> str:
    """The next number of this series: one above every folder of the series (call it under
    the workspace lock; a number once committed is never given again, even after a gap)."""
    return format_id(year, letter, _top(_names(cases_dir), year, letter) + 1)


def _names(cases_dir: Path) -> list[str]:
    """The names in ``cases/`` (plain strings: at 10,000 cases a Path each costs more than
    the listing)."""
    try:
        return os.listdir(cases_dir)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _top(names: list[str], year: int, letter: str) -> int:
    """The highest number of the series among ``names`` (0 if none): those that
    :func:`pattern` matches, found without a regular expression."""
    prefix = f"{year}-{letter}"
    best = 0
    for name in names:
        if name.startswith(prefix):
            tail = name[len(prefix) :]
            if len(tail) >= 3 and tail.isdecimal():  # as ``\d{3,}`` and what int() reads
                best = max(best, int(tail))
    return best


def require_series(root: Path) -> str:
    letter = series(root)
    if letter is None:
        raise UsageError(
            "这是工作区的一个副本，尚未设定本机的议题编号序列",
            hint="请运行 xsk series set B（每台电脑用不同的字母），以免与其他电脑的编号重复",
        )
    return letter


SERIES_ID_RE = re.compile(r"\d{4}-[A-Z]?\d{3,9}")


def is_series_id(text: str) -> bool:
    """Whether ``text`` is a number of xsk's form (``2026-007``, ``2026-B012``): a ledger row
    with one keeps it; any other numbering is the case's 原编号."""
    return SERIES_ID_RE.fullmatch(text) is not None


def allocate(
    cases_dir: Path,
    years: list[int],
    letter: str,
    reserved: set[str] | frozenset[str] = frozenset(),
) -> list[str]:
    """Numbers for new cases created in ``years`` (one each, in that order), continuing each
    year's series above every folder and every name in ``reserved`` (numbers a ledger being
    imported brings along). One scan of ``cases/``, however many cases (call it under the
    workspace lock)."""
    names = _names(cases_dir)
    names.extend(reserved)
    top: dict[int, int] = {}
    out = []
    for year in years:
        if year not in top:
            top[year] = _top(names, year, letter)
        top[year] += 1
        out.append(format_id(year, letter, top[year]))
    return out
