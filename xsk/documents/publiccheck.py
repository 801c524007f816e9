"""Scanning finished public documents for private data (after rendering, and ``xsk check``).

The same scrubber that made the public view (:mod:`xsk.publicview`) reads the document again,
paragraph by paragraph. When rendering, a hit stops the document from being written and the
error names the context field the text came from; ``xsk check`` reports each hit as
``out/…/X-协商结果公示.docx:段号: E701 …`` (the paragraph number, counted from 1 over the body
and its tables, then headers and footers).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import time
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from xsk.core.errors import Problem
from xsk.core.kinds import KIND_NAMES
from xsk.rules.scrub import Hit, Scrubber

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml")


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def paragraphs_bytes(data: bytes) -> list[str]:
    """The text of each paragraph of a .docx given as bytes (body and tables first, then
    headers, footers and notes), with the core properties' text as a last paragraph."""
    from lxml import etree

    out: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        for name in text_parts(names):
            out.extend(part_paragraphs(etree.fromstring(z.read(name))))
        if "docProps/core.xml" in names:
            out.append(core_text(etree.fromstring(z.read("docProps/core.xml"))))
    return out


def text_parts(names: Iterable[str]) -> list[str]:
    """The parts of a package whose paragraphs are scanned, in the order they are read."""
    return sorted(
        (n for n in names if _PARTS.fullmatch(n)),
        key=lambda n: (0 if n.endswith("document.xml") else 1, n),
    )


def part_paragraphs(root: Any) -> list[str]:
    """The text of each paragraph of a parsed part (tabs as \t, breaks as \n)."""
    out = []
    for p in root.iter(_w("p")):
        chunks = []
        for el in p.iter(_w("t"), _w("tab"), _w("br"), _w("cr")):
            if el.tag == _w("t"):
                chunks.append(el.text or "")
            elif el.tag == _w("tab"):
                chunks.append("\t")
            else:
                chunks.append("\n")
        out.append("".join(chunks))
    return out


def core_text(root: Any) -> str:
    """The core properties' text (one line each) from the parsed docProps/core.xml."""
    return "\n".join(el.text for el in root.iter() if el.text and el.text.strip())


_SCANNERS: dict[str, Scrubber] = {}


def scanner(
    known: Iterable[str] = (),
    allowed: Iterable[str] = (),
    scan: Mapping[str, Any] | None = None,
    *,
    traditional: bool = False,
) -> Scrubber:
    """The scrubber that scans a rendered document: the job's known private strings and
    allowed values, and (``scan``, from ``PublicView.spec``) its allowed and private names.
    Without ``scan`` only the patterns and the known strings are looked for. Cached."""
    key = _scanner_key(known, allowed, scan, traditional)
    found = _SCANNERS.get(key)
    if found is not None:
        return found
    known = list(known)
    allowed_names: list[str] = []
    residents: dict[str, str] = {}
    protect: list[str] = []
    if scan:
        allowed_names = list(scan.get("allowed_names", ()))
        residents = dict(scan.get("residents", {}))
        protect = list(scan.get("protect", ()))
    if traditional:
        from xsk.documents.docx_layout import to_traditional

        known += [to_traditional(k) for k in known]
        allowed_names += [to_traditional(n) for n in allowed_names]
        residents.update({to_traditional(n): g for n, g in residents.items()})
        protect += [to_traditional(p) for p in protect]
    result = Scrubber(
        allowed_names=allowed_names,
        residents=residents,
        known_private=[k for k in known if k not in residents],
        allowed=allowed,
        protect=protect,
        names=scan is not None,
    )
    if len(_SCANNERS) > 64:
        _SCANNERS.clear()
    _SCANNERS[key] = result
    return result


def hits_in(
    paragraphs: Sequence[str], scrubber: Scrubber, *, memo: dict[str, list[Hit]] | None = None
) -> list[tuple[int, Hit]]:
    """``(paragraph number, hit)`` for every hit, paragraphs counted from 1. ``memo`` keeps
    what ``scrubber`` found in each text (documents of one case share most paragraphs)."""
    out = []
    for n, text in enumerate(paragraphs, start=1):
        if not text.strip():
            continue
        found = memo.get(text) if memo is not None else None
        if found is None:
            found = scrubber.find(text)
            if memo is not None and len(memo) < _MEMO_TEXTS:
                memo[text] = found
        out.extend((n, h) for h in found)
    return out


_MEMO_TEXTS = 4096
_FOUND: dict[int, tuple[Scrubber, dict[str, list[Hit]]]] = {}


def _memo(scrubber: Scrubber) -> dict[str, list[Hit]]:
    """The memo of what ``scrubber`` (one of the cached scanners) found, per process."""
    entry = _FOUND.get(id(scrubber))
    if entry is None or entry[0] is not scrubber:
        if len(_FOUND) > 64:
            _FOUND.clear()
        entry = _FOUND[id(scrubber)] = (scrubber, {})
    return entry[1]


def hide(value: str) -> str:
    """A partly hidden form of a leaked value for messages (they may end up in a log)."""
    s = value.strip()
    if len(s) >= 7:
        return s[:3] + "*" * (len(s) - 5) + s[-2:]
    if len(s) >= 2:
        return s[:1] + "*" * (len(s) - 1)
    return "*"


def refuse_leaks(
    data: bytes,
    context: Mapping[str, Any],
    *,
    title: str,
    out_name: str,
    known: Iterable[str],
    allowed: Iterable[str],
    scan: Mapping[str, Any] | None,
    traditional: bool,
    paragraphs: Sequence[str] | None = None,
) -> None:
    """Raise ``PrivacyLeakError`` when the rendered public document ``data`` still holds
    private data; the message names the context field each finding came from.
    ``paragraphs``: what :func:`paragraphs_bytes` would read from ``data``, when the renderer
    has it already."""
    from xsk.documents.docx_text import PrivacyLeakError
    from xsk.documents.publicview import field_of

    if paragraphs is None:
        paragraphs = paragraphs_bytes(data)
    scrubber = scanner(known, allowed, scan, traditional=traditional)
    hits = hits_in(paragraphs, scrubber, memo=_memo(scrubber))
    if not hits:
        return
    parts = []
    for n, h in hits[:5]:
        where = field_of(context, h.text) or f"模板第 {n} 段"
        parts.append(f"{where}：{h.label}“{hide(h.text)}”")
    raise PrivacyLeakError(
        f"公开文书《{title}》含有未脱敏的个人信息（{'；'.join(dict.fromkeys(parts))}），"
        f"已停止生成 {out_name}。请对联系电话、身份证号码、住址、姓名等信息脱敏后重新生成。",
        [h.text for _, h in hits],
    )


# --- xsk check -------------------------------------------------------------------------------

# Bump when what a cached scan result means changes (the cache's layout, the problem text).
SCAN_VERSION = 1
SCAN_CACHE = "check-scan.json"
_PUBLIC_CATEGORIES = ("公开", "公開")
_RULE_FILES = ("rules/scrub.py", "rules/names.py", "rules/privacy.py", "documents/publiccheck.py")


def scrubber_version() -> str:
    """What the scan's findings depend on besides the document and the private strings: the
    scrubber's and the name finder's code (and jieba's version): a change to them makes
    every cached result stale."""
    import importlib.metadata

    h = hashlib.sha256(f"{SCAN_VERSION}".encode())
    package = Path(__file__).resolve().parent.parent
    for rel in _RULE_FILES:
        try:
            h.update((package / rel).read_bytes())
        except OSError:
            h.update(rel.encode())
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        h.update(importlib.metadata.version("jieba").encode())
    return h.hexdigest()


def _scanner_key(
    known: Iterable[str],
    allowed: Iterable[str],
    scan: Mapping[str, Any] | None,
    traditional: bool,
) -> str:
    return json.dumps(
        [sorted(set(known)), sorted(set(allowed)), scan, traditional],
        ensure_ascii=False,
        sort_keys=True,
    )


def _ids(keywords: str) -> tuple[str, ...]:
    return tuple(sorted(i for i in re.split(r"[\s,，、;；]+", keywords) if i))


def _kind_by_name(parts: Sequence[str]) -> str | None:
    """The kind a built document's file name says (``2026-007/2026-007-议题登记表.docx``,
    ``2026-007/2026-007-责任清单-区民政局.docx``, ``meetings/2026-M001/2026-M001-会议通知.docx``;
    ``parts``: its path under ``out/``)."""
    if len(parts) < 2 or not parts[-1].endswith(".docx"):
        return None
    folder = parts[-2]
    stem = parts[-1][: -len(".docx")]
    if not stem.startswith(folder + "-"):
        return None
    rest = stem[len(folder) + 1 :]
    kind = _KIND_BY_NAME.get(rest)
    if kind is None and rest.startswith(_RESPONSIBILITY):
        return "responsibility"
    return kind


_KIND_BY_NAME = {name: kind for kind, name in KIND_NAMES.items()}
_RESPONSIBILITY = KIND_NAMES["responsibility"] + "-"


def _stat_key(path: Path) -> list[int] | None:
    from xsk.store import filememo

    return filememo.stat_of(os.fspath(path))


class _ScanCache:
    """``.xsk/check-scan.json``: per document under ``out/`` its stat, what its properties
    said and, for a public one, its findings and the digest of the private strings and the
    scrubber they were found with. The findings are stored as the messages ``check`` prints
    (leaked values already partly hidden), never the private strings themselves."""

    def __init__(self, path: Path, version: str) -> None:
        self.path = path
        self.version = version
        self.old: dict[str, Any] = {}
        self.new: dict[str, Any] = {}
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("version") == version:
            entries = data.get("entries")
            if isinstance(entries, dict):
                self.old = entries

    def get(self, rel: str, stat: list[int] | None) -> dict[str, Any] | None:
        entry = self.old.get(rel)
        if isinstance(entry, dict) and stat is not None and entry.get("stat") == stat:
            return entry
        return None

    def save(self) -> None:
        from xsk.store import atomic, filememo

        started = time.time_ns()  # a document changed a moment ago is scanned again next time
        self.new = {k: e for k, e in self.new.items() if filememo.settled(e["stat"], started)}
        if self.new == self.old:
            return
        data = {"version": self.version, "entries": self.new}
        with contextlib.suppress(OSError):  # a read-only workspace: no cache, same results
            atomic.write_bytes(self.path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _not_word(ws: Any, path: Path) -> Problem:
    return Problem(ws.rel(path), 0, "E602", "不是有效的 Word 文件", "")


def _leak_problem(ws: Any, path: Path, n: int, h: Hit) -> Problem:
    return Problem(
        ws.rel(path), n, "E701", f"公开文书第 {n} 段含未脱敏的{h.label}：{hide(h.text)}", ""
    )


def check_public_documents(
    ws: Any, *, cache: bool = True, built: Iterable[str] = ()
) -> list[Problem]:
    """E701 for every piece of private data in the public documents under ``out/`` (category
    公开): ``path:paragraph: E701 …``; E602 for a file that is not a Word document.

    Linear and mostly free when nothing changed: a document the docs manifest knows is
    public or not by its file name (``built``: the resolved paths the manifest records, with
    ``/``, see :func:`xsk.documents.build.built_outputs`; only the others are opened to read
    their properties); the scrubber of a set of cases is made once; each public document's
    findings are kept in ``.xsk/check-scan.json`` with its size, mtime, inode and ctime and
    the digest of the private strings and scrubber it was scanned with, so it is read again
    only when one of them changed (or it changed less than 3 s before it was scanned). ``cache=False`` opens and scans every document (the reference
    the cached path is tested against)."""
    if not ws.out_dir.is_dir():
        return []
    from xsk.core.kinds import PUBLIC_KINDS

    out_dir = ws.out_dir
    real_out = out_dir.resolve().as_posix()
    built_names = set(built) if cache else set()
    store_ = _ScanCache(ws.state_dir / SCAN_CACHE, scrubber_version()) if cache else None
    office = [ws.settings.office_contact] if ws.settings.office_contact else []
    digests: dict[tuple[str, ...], str] = {}
    views: dict[tuple[str, ...], Scrubber] = {}
    problems: list[Problem] = []
    for parts, full in _docx_files(out_dir):
        kind = _kind_by_name(parts)
        if (
            kind is not None
            and kind not in PUBLIC_KINDS
            and f"{real_out}/{'/'.join(parts)}" in built_names
        ):
            continue  # an internal document xsk built: not opened
        path = Path(full)
        rel = ws.rel(path)
        stat = _stat_key(path) if store_ is not None else None
        entry = store_.get(rel, stat) if store_ is not None else None
        record: dict[str, Any] = {"stat": stat}
        if entry is not None and entry.get("error") == "E602":
            problems.append(_not_word(ws, path))
            store_.new[rel] = entry  # type: ignore[union-attr]
            continue
        if entry is not None and "category" in entry:
            category, ids = entry["category"], tuple(entry.get("ids", ()))
        else:
            from xsk.documents.docx_text import properties

            try:
                props = properties(path)
            except Exception:
                problems.append(_not_word(ws, path))
                if store_ is not None and stat is not None:
                    store_.new[rel] = {**record, "error": "E602"}
                continue
            category, ids = props["category"], _ids(props["keywords"])
        record.update(category=category, ids=list(ids))
        if category not in _PUBLIC_CATEGORIES:
            if store_ is not None and stat is not None:
                store_.new[rel] = record
            continue
        if ids not in digests:
            digests[ids] = _view_digest(ws, ids, office)
        digest = digests[ids]
        if entry is not None and entry.get("digest") == digest and "found" in entry:
            found = [Problem(rel, n, code, msg, "") for n, code, msg in entry["found"]]
        else:
            scrubber = views.get(ids)
            if scrubber is None:
                scrubber = views[ids] = scanner(*json.loads(_view_key(ws, ids, office))[:3])
            try:
                paragraphs = paragraphs_bytes(path.read_bytes())
            except Exception:
                problems.append(_not_word(ws, path))
                continue
            found = [_leak_problem(ws, path, n, h) for n, h in hits_in(paragraphs, scrubber)]
        problems.extend(found)
        if store_ is not None and stat is not None:
            store_.new[rel] = {
                **record,
                "digest": digest,
                "found": [[p.line, p.code, p.message] for p in found],
            }
    if store_ is not None:
        store_.save()
    return problems


def _view_key(ws: Any, ids: tuple[str, ...], office: list[str]) -> str:
    """The scanner key (the private strings, allowed values and names) of the public view of
    these cases."""
    from xsk.documents.publicview import PublicView
    from xsk.workspace import cases as store

    cases = []
    for cid in ids:
        try:
            cases.append(store.load_case(ws, cid))
        except Exception:
            continue
    view = PublicView(ws, cases)
    return _scanner_key(view.known_private, office, view.spec(), False)


def _view_digest(ws: Any, ids: tuple[str, ...], office: list[str]) -> str:
    """The digest of :func:`_view_key`, remembered across ``check`` runs while the case and
    meeting files it read are unchanged (:mod:`xsk.store.filememo`; only the digest is
    kept, never the private strings)."""
    from xsk.store import filememo
    from xsk.workspace import cases as store

    def make() -> str:
        return hashlib.sha256(_view_key(ws, ids, office).encode("utf-8")).hexdigest()

    base = os.fspath(ws.cases_dir)
    deps = [os.path.join(base, cid, store.CASE_FILE) for cid in ids]
    return filememo.remember("public-view", "\0".join(ids), make, deps=deps)


def _docx_files(out_dir: Path) -> list[tuple[tuple[str, ...], str]]:
    """Every .docx under ``out_dir``: its path's parts under ``out_dir`` and its full path, in
    the order of ``sorted(out_dir.rglob("*.docx"))`` (an ``os.scandir`` walk: 50,000 files)."""
    found: list[tuple[tuple[str, ...], str]] = []
    stack: list[tuple[str, tuple[str, ...]]] = [(str(out_dir), ())]
    while stack:
        folder, parts = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for e in entries:
            try:
                is_dir = e.is_dir(follow_symlinks=False)  # rglob does not enter symlinks
            except OSError:
                continue
            if is_dir:
                stack.append((e.path, (*parts, e.name)))
            elif e.name.endswith(".docx"):
                found.append(((*parts, e.name), e.path))
    found.sort()
    return found


def scan_file(path: Path, scrubber: Scrubber) -> list[tuple[int, Hit]]:
    """Hits in a .docx file (for tests and tools)."""
    return hits_in(paragraphs_bytes(Path(path).read_bytes()), scrubber)
