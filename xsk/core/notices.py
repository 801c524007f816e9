"""Warnings a run shows once, wherever in the run they arise (e.g. the provisional calendar).

The core calls :func:`add`; the entry point decides where they go (:func:`start`). Without a
sink (the library used from Python) they are only collected. Imports nothing from xsk.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

_seen: list[str] = []
_sink: Callable[[str], None] | None = None
_muted = 0


def start(sink: Callable[[str], None] | None) -> None:
    """Begin a run: forget earlier warnings and send new ones to ``sink``."""
    global _sink
    _seen.clear()
    _sink = sink


def add(text: str) -> None:
    """Show ``text`` unless this run already showed it (or warnings are muted)."""
    if _muted or text in _seen:
        return
    _seen.append(text)
    if _sink is not None:
        _sink(text)


def seen() -> list[str]:
    """The warnings of this run so far, in order."""
    return list(_seen)


@contextlib.contextmanager
def muted() -> Iterator[None]:
    """Within this block nothing is shown or collected (e.g. while a document is planned from
    an earlier commit: what it says was told when it was issued)."""
    global _muted
    _muted += 1
    try:
        yield
    finally:
        _muted -= 1
