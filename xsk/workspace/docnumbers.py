"""The 文号 register: each issued document gets its own number, 红桥议〔2026〕7号, never reused.

GB/T 9704 and office practice: 发文机关代字 + 〔year〕 + sequence + 号, one register per issuing
body and year, a number never given twice (not even after a withdrawal). Design:

* The register is tracked TOML under ``register/`` in the workspace, one file per clone's
  numbering series (``register/primary.toml``, ``register/B.toml``; see
  :mod:`xsk.workspace.numbering`). A clone writes only its own file, so two clones issuing
  offline never edit the same file and ``xsk sync`` merges without conflict.
* The primary series numbers 红桥议〔2026〕1号, 2号, …; series B numbers 红桥议〔2026〕B1号, …:
  the two can never give the same number.
* Each entry records what the number was issued for: a *key* naming the document
  (``minutes:2026-M001``, ``result:2026-003``, ``responsibility:2026-003:物业``), its kind,
  title and date. Asking again for a key gives the number it already has, so rebuilding a
  document prints the same number; a later version of a document (an updated 公示) asks with a
  new key and gets a new number.
* An issued document is *frozen*: once it is complete (see ``xsk/documents/frozen.py``) its
  entry also records ``commit`` (the commit whose case files it was rendered from) and
  ``digest`` (a hash of what it said). Rebuilding it later renders it from that commit, so a
  later progress report, edit or recheck never changes a document already posted.
* Allocation runs inside the workspace's transaction (:mod:`xsk.workspace.journal`), under an
  exclusive lock on ``.xsk/register.lock`` (two commands of one clone at once), and commits the
  register file.
* A number is never taken back: ``xsk undo`` refuses a commit when :func:`issued_since` finds
  a number issued by it or after it for a case or meeting it changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xsk.core import clock
from xsk.core.errors import UsageError
from xsk.store import atomic, tomlio
from xsk.workspace import git as vcs
from xsk.workspace import journal, numbering
from xsk.workspace.settings import Workspace

REGISTER_DIR = "register"
HEADER = (
    "# 发文登记簿：每份发出的文书一个文号，永不重复使用（由 xsk 维护，请勿手工改号）\n"
    "# number 文号；key 发文事由（文书种类:会议或议题编号[:单位]）；title 标题；date 成文日期\n"
)


@dataclass(frozen=True)
class Request:
    """A document that needs a number: its key, kind, title and date; ``freeze`` with the
    commit and digest to record when the document is complete and not frozen yet."""

    key: str
    kind: str
    title: str
    date: dt.date | None
    freeze: tuple[str, str] | None = None  # (commit, digest)


def format_number(prefix: str, year: int, letter: str, n: int) -> str:
    """``红桥议〔2026〕7号`` (``红桥议〔2026〕B7号`` for series B); no leading zeros."""
    return f"{prefix}〔{year}〕{letter}{n}号"


def _file_name(letter: str) -> str:
    return f"{letter or numbering.PRIMARY}.toml"


# path -> (stat signature, entries): a register of a street-scale workspace holds tens of
# thousands of entries, read several times while one build plans its documents
_READ: dict[Path, tuple[tuple[int, int, int, int], list[dict[str, Any]]]] = {}


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        st = path.stat()
    except OSError:
        return []
    sig = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
    hit = _READ.get(path)
    if hit is not None and hit[0] == sig:
        return hit[1]
    found = _cached(path, sig)
    if found is None:
        found = _parse(path.read_bytes(), path.name)
        _store_cache(path, sig, found)
    _READ[path] = (sig, found)
    return found


# A register of tens of thousands of entries takes tomllib about a second; the same entries as
# JSON in .xsk/ (keyed by the file's stat) load in a tenth of it. Local state: ignored when
# unreadable or stale.
def _cache_path(path: Path) -> Path:
    from xsk.workspace.settings import STATE_DIR

    return path.parent.parent / STATE_DIR / "register-cache" / f"{path.stem}.json"


def _cached(path: Path, sig: tuple[int, int, int, int]) -> list[dict[str, Any]] | None:
    import json

    try:
        data = json.loads(_cache_path(path).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("sig") != list(sig):
        return None
    out = data.get("entries")
    if not isinstance(out, list):
        return None
    for e in out:
        if isinstance(e.get("date"), str):
            e["date"] = dt.date.fromisoformat(e["date"])
    return out


def _store_cache(path: Path, sig: tuple[int, int, int, int], found: list[dict[str, Any]]) -> None:
    import json

    if len(found) < 500:  # small registers parse fast enough
        return
    data = json.dumps({"sig": list(sig), "entries": found}, ensure_ascii=False, default=str)
    with contextlib.suppress(OSError):  # a cache: a read-only workspace works without it
        atomic.write_bytes(_cache_path(path), data.encode("utf-8"), durable=False)


def _parse(raw: bytes, name: str) -> list[dict[str, Any]]:
    """The entries of a register file; a broken one is a DataError naming file and line in
    Chinese (the store's own reading of a TOML file)."""
    shown = f"{REGISTER_DIR}/{name}"
    data = tomlio.parse(tomlio.decode(raw, shown), shown)
    return [e for e in data.get("issued", []) if isinstance(e, Mapping)]


def entries(ws: Workspace) -> list[dict[str, Any]]:
    """Every number issued by every clone (primary first, then the letters)."""
    folder = ws.root / REGISTER_DIR
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.toml"), key=lambda p: (p.stem != numbering.PRIMARY, p.stem))
    return [e for p in files for e in _read(p)]


def subjects(key: str) -> set[str]:
    """The cases and meetings an entry's key names: ``result:2026-003、2026-004:2026-05-10``
    names 2026-003 and 2026-004, ``minutes:2026-M001`` the meeting 2026-M001."""
    parts = key.split(":")
    return {s for s in parts[1].split("、") if s} if len(parts) > 1 else set()


def issued_since(ws: Workspace, rev: str) -> list[dict[str, Any]]:
    """The entries issued by commit ``rev`` or after it (in the register now, not in the
    register of ``rev``'s parent), oldest first: the numbers taking back ``rev`` cannot
    unissue. Read from git, every clone's file (a number merged in by ``xsk sync`` counts)."""
    folder = ws.root / REGISTER_DIR
    if not folder.is_dir():
        return []
    out: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.toml")):
        rel = f"{REGISTER_DIR}/{path.name}"
        if not vcs.later_commits(ws.root, f"{rev}^", rel):
            continue  # the file is as it was before rev
        before = vcs.file_at(ws.root, f"{rev}^", rel)
        known = {str(e.get("key", "")) for e in _parse(before, path.name)} if before else set()
        out += [e for e in _read(path) if str(e.get("key", "")) not in known]
    return out


def lookup(ws: Workspace) -> dict[str, str]:
    """key -> number for everything already issued (the first number a key got)."""
    out: dict[str, str] = {}
    for e in entries(ws):
        out.setdefault(str(e.get("key", "")), str(e.get("number", "")))
    return out


def frozen(ws: Workspace) -> dict[str, tuple[str, str]]:
    """key -> (commit, digest) of every frozen document (the first entry of its key)."""
    out: dict[str, tuple[str, str]] = {}
    seen: set[str] = set()
    for e in entries(ws):
        key = str(e.get("key", ""))
        if key in seen:
            continue
        seen.add(key)
        commit, digest = e.get("commit"), e.get("digest")
        if isinstance(commit, str) and isinstance(digest, str) and commit and digest:
            out[key] = (commit, digest)
    return out


def _locked(ws: Workspace) -> contextlib.AbstractContextManager[None]:
    """Numbers are allocated under the workspace's one-writer lock (re-entrant: a step that
    already holds it goes straight on)."""
    from xsk.workspace import lock

    return lock.hold(ws.root)


def _entry(number: str, letter: str, n: int, year: int, req: Request) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "number": number,
        "year": year,
        "series": letter,
        "seq": n,
        "key": req.key,
        "kind": req.kind,
        "title": req.title,
    }
    if req.date is not None:
        entry["date"] = req.date
    if req.freeze is not None:
        entry["commit"], entry["digest"] = req.freeze
    return entry


def assign(ws: Workspace, requests: Iterable[Request], *, commit: bool = True) -> dict[str, str]:
    """Numbers for ``requests``: a key already in the register keeps its number, new keys get
    the next numbers of this clone's series (one transaction, one commit for all)."""
    wanted = list({r.key: r for r in requests}.values())
    known = lookup(ws)
    to_freeze = [r for r in wanted if r.freeze is not None]
    if all(r.key in known for r in wanted) and not to_freeze:
        return {r.key: known[r.key] for r in wanted}
    if to_freeze:
        already = frozen(ws)
        to_freeze = [r for r in to_freeze if r.key not in already]
        if all(r.key in known for r in wanted) and not to_freeze:
            return {r.key: known[r.key] for r in wanted}
    letter = numbering.series(ws.root)
    if letter is None:
        raise UsageError(
            "这是工作区的一个副本，尚未设定本机的编号序列，不能为文书编发文号",
            hint="请运行 xsk series set B（每台电脑用不同的字母），以免与其他电脑的文号重复",
        )
    prefix = ws.settings.doc_prefix
    path = ws.root / REGISTER_DIR / _file_name(letter)
    with _locked(ws), journal.transaction(ws.root, ws.state_dir) as tx:
        known = lookup(ws)  # again, under the lock
        mine = _read(path)
        last: dict[int, int] = {}
        for e in mine:
            if isinstance(e.get("year"), int) and isinstance(e.get("seq"), int):
                last[e["year"]] = max(last.get(e["year"], 0), e["seq"])
        new: list[dict[str, Any]] = []
        issued: list[str] = []
        # entries of this clone issued earlier that are complete now: record what they say
        later_frozen = {r.key: r.freeze for r in to_freeze if r.key in known}
        my_keys = {e.get("key") for e in mine}
        later_frozen = {k: f for k, f in later_frozen.items() if k in my_keys}
        # numbers rise with the documents' dates when several are issued at once
        for r in sorted(wanted, key=lambda r: (r.date or dt.date.max, r.key)):
            if r.key in known:
                continue
            year = (r.date or clock.now().date()).year
            n = last.get(year, 0) + 1
            last[year] = n
            number = format_number(prefix, year, letter, n)
            new.append(_entry(number, letter, n, year, r))
            known[r.key] = number
            issued.append(number)
        if issued or later_frozen:
            tx.track(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.is_file():
                atomic.write_text(path, HEADER)

            def append(doc: Any) -> None:
                import tomlkit

                if "issued" not in doc:
                    doc["issued"] = tomlkit.aot()
                for e in doc["issued"]:
                    f = later_frozen.pop(str(e.get("key", "")), None)
                    if f is not None and "commit" not in e:
                        e["commit"], e["digest"] = f
                for e in new:
                    doc["issued"].append(tomlkit.item(e))

            marks = dict(later_frozen)  # (the tomlkit path pops what it marks)
            _append(
                path,
                new,
                marks,
                lambda: tomlio.update(path, append, max_bytes=REGISTER_MAX_BYTES),
            )
            _remember_written(path, mine, marks, new)
            if commit:
                if issued:
                    what = issued[0] if len(issued) == 1 else f"{issued[0]} 等 {len(issued)} 个"
                    ws.commit([path], f"发文登记：{what}")
                else:
                    ws.commit([path], "发文登记：文书定稿")
    return {r.key: known[r.key] for r in wanted}


# A register grows with the workspace (about 47 MB at 50,000 cases): xsk writes it, so the
# 32 MB limit of a hand-edited TOML file does not apply to it.
REGISTER_MAX_BYTES = 1024 * 1024 * 1024


def _append(
    path: Path,
    new: list[dict[str, Any]],
    later_frozen: dict[str, tuple[str, str]],
    whole: Any,
) -> None:
    """Add ``new`` entries and the commit and digest of ``later_frozen`` ones, as text: the
    register is append-only and xsk writes its entries flat, so neither needs tomlkit to
    re-read the whole file (80 s at 50,000 cases). Anything else (an entry found twice or
    not at all, a table inside an entry, an inline ``issued``) goes through ``whole()``."""
    import tomllib

    import tomlkit

    text = tomlio.decode(path.read_bytes(), f"{REGISTER_DIR}/{path.name}")
    if "\nissued =" in text or text.startswith("issued ="):
        return whole()
    for key, (commit, digest) in later_frozen.items():
        needle = f"\nkey = {tomlkit.item(key).as_string()}\n"
        at = text.find(needle)
        if at < 0 or text.find(needle, at + 1) >= 0:
            return whole()
        start = text.rfind("\n[[issued]]", 0, at)
        end = text.find("\n[", at)
        end = len(text) if end < 0 else end
        if start < 0 or (not text.startswith("\n[[issued]]", end) and end != len(text)):
            return whole()
        block = text[start:end]
        if "\ncommit = " in block:
            continue
        body = block.rstrip("\n")
        marks = f"\ncommit = {tomlkit.item(commit).as_string()}"
        marks += f"\ndigest = {tomlkit.item(digest).as_string()}"
        text = text[:start] + body + marks + block[len(body) :] + text[end:]
    if new:
        doc = tomlkit.document()
        doc["issued"] = tomlkit.aot()
        for e in new:
            doc["issued"].append(tomlkit.item(e))
        chunk = tomlkit.dumps(doc)
        tomllib.loads(chunk)  # what is appended reads back
        text = text.rstrip("\n") + "\n\n" + chunk.lstrip("\n")
    atomic.write_text(path, text)


def _remember_written(
    path: Path,
    before: list[dict[str, Any]],
    marks: dict[str, tuple[str, str]],
    new: list[dict[str, Any]],
) -> None:
    """The entries as written, kept with the file's new stat (and in the JSON copy): the next
    command does not parse the whole register again for the few entries this one added."""
    after = []
    for e in before:
        f = marks.get(str(e.get("key", "")))
        after.append({**e, "commit": f[0], "digest": f[1]} if f and "commit" not in e else e)
    after += [dict(e) for e in new]
    try:
        st = path.stat()
    except OSError:
        return
    sig = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
    _READ[path] = (sig, after)
    _store_cache(path, sig, after)


def unfreeze(ws: Workspace, keys: Iterable[str]) -> bool:
    """Drop the commit and digest of these keys' entries in this clone's register (documents
    that could not be built are not frozen); one commit. Returns whether anything changed."""
    wanted = set(keys) & set(frozen(ws))
    letter = numbering.series(ws.root)
    if not wanted or letter is None:
        return False
    path = ws.root / REGISTER_DIR / _file_name(letter)
    if not any(str(e.get("key", "")) in wanted for e in _read(path)):
        return False
    with _locked(ws), journal.transaction(ws.root, ws.state_dir) as tx:
        tx.track(path)

        def drop(doc: Any) -> None:
            for e in doc.get("issued", []):
                if str(e.get("key", "")) in wanted:
                    for field in ("commit", "digest"):
                        if field in e:
                            del e[field]

        tomlio.update(path, drop, max_bytes=REGISTER_MAX_BYTES)
        ws.commit([path], "发文登记：文书未能生成，取消定稿")
    return True
