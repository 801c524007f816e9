"""The names found in public texts, kept between runs (used by :mod:`xsk.rules.names`).

Loading jieba's dictionaries takes one to several seconds; the texts of a workspace change
little from one run to the next. With a cache file (``use_cache``, set by the workspace's
public view to ``.xsk/names-cache.json``) the spans found for a text are remembered by the
text's hash, and jieba is loaded only for a text never seen. The file is local state: written
at exit when something was added (atomically, by rename), ignored when unreadable, and keyed
by the rules' code (a digest of ``names.py`` and ``name_words.py``, so a change to the rules
never meets results found by the old ones) and jieba's version.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import Any

RULES_VERSION = 2  # the cache file's layout; the rules themselves are keyed by their digest


def _rules_digest() -> str:
    import hashlib
    from pathlib import Path

    h = hashlib.blake2b(digest_size=8)
    for name in ("names.py", "name_words.py"):
        try:
            h.update(Path(__file__).with_name(name).read_bytes())
        except OSError:
            return "?"
    return h.hexdigest()


class DiskCache:
    """Spans found per text hash, in a JSON file (see the module's docstring)."""

    def __init__(self, path: Any, rules_version: int) -> None:
        self.path = path
        self.rules_version = rules_version
        self.found: dict[str, list[list[int]]] = {}
        self.dirty = False
        self.loaded = False

    @functools.cached_property
    def stamp(self) -> str:
        """The file's key (read once: it hashes the rules' code and asks for jieba's version)."""
        try:
            from importlib.metadata import version

            jieba_version = version("jieba")
        except Exception:
            jieba_version = "?"
        return f"{self.rules_version}:{_rules_digest()}:{jieba_version}"

    def _load(self) -> None:
        import json

        self.loaded = True
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("stamp") == self.stamp:
            found = data.get("found")
            if isinstance(found, dict):
                self.found = found

    def find(
        self, text: str, compute: Callable[[str], tuple[tuple[int, int], ...]]
    ) -> tuple[tuple[int, int], ...]:
        import hashlib

        if not self.loaded:
            self._load()
        key = hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()
        hit = self.found.get(key)
        if isinstance(hit, list):
            return tuple((int(a), int(b)) for a, b in hit)
        spans = compute(text)
        self.found[key] = [[a, b] for a, b in spans]
        self.dirty = True
        return spans

    def save(self) -> None:
        import json
        import os

        if not self.dirty:
            return
        self.dirty = False
        mine = self.found
        from xsk.core.filelock import file_lock

        # a build's workers save at their exit, side by side: each merges under the lock what
        # the others saved, else the last rename would drop the entries of the one before
        with file_lock(self.path.with_name(f"{self.path.name}.lock")):
            self.loaded = False
            self._load()
            self.found = {**self.found, **mine}
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                text = json.dumps({"stamp": self.stamp, "found": self.found}, separators=(",", ":"))
                tmp.write_text(text, "utf-8")
                os.replace(tmp, self.path)
            except OSError:
                with contextlib.suppress(OSError):
                    tmp.unlink()


disk: DiskCache | None = None


def use_cache(path: Any) -> None:
    """Remember the names found in ``path`` (a ``pathlib.Path``) between runs; saved at exit.

    A snapshot of the workspace (a folder inside its ``.xsk``, see
    ``xsk/documents/frozen.py``) shares the workspace's file: what is found depends on the
    text only."""
    global disk
    if disk is not None:
        if path == disk.path or disk.path.parent in path.parents:
            return
        disk.save()
    else:
        import atexit

        atexit.register(save_cache)
    disk = DiskCache(path, RULES_VERSION)


def save_cache() -> None:
    """Write what this run added to the cache file (also done at exit)."""
    if disk is not None:
        disk.save()
