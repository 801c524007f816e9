"""Scanning finished public documents for private data (after rendering, and ``xsk check``).

The same scrubber that made the public view (:mod:`xsk.publicview`) reads the document again,
paragraph by paragraph. When rendering, a hit stops the document from being written and the
error names the context field the text came from; ``xsk check`` reports each hit as
``out/…/X-协商结果公示.docx:段号: E701 …`` (the paragraph number, counted from 1 over the body
and its tables, then headers and footers).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from xsk.core.errors import Problem
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
        parts = sorted(
            (n for n in names if _PARTS.fullmatch(n)),
            key=lambda n: (0 if n.endswith("document.xml") else 1, n),
        )
        for name in parts:
            root = etree.fromstring(z.read(name))
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
        if "docProps/core.xml" in names:
            root = etree.fromstring(z.read("docProps/core.xml"))
            out.append("\n".join(el.text for el in root.iter() if el.text and el.text.strip()))
    return out


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
    key = json.dumps(
        [sorted(set(known)), sorted(set(allowed)), scan, traditional],
        ensure_ascii=False,
        sort_keys=True,
    )
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


def hits_in(paragraphs: Sequence[str], scrubber: Scrubber) -> list[tuple[int, Hit]]:
    """``(paragraph number, hit)`` for every hit, paragraphs counted from 1."""
    out = []
    for n, text in enumerate(paragraphs, start=1):
        if text.strip():
            out.extend((n, h) for h in scrubber.find(text))
    return out


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
) -> None:
    """Raise ``PrivacyLeakError`` when the rendered public document ``data`` still holds
    private data; the message names the context field each finding came from."""
    from xsk.documents.docx_text import PrivacyLeakError
    from xsk.documents.publicview import field_of

    hits = hits_in(paragraphs_bytes(data), scanner(known, allowed, scan, traditional=traditional))
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


def check_public_documents(ws: Any) -> list[Problem]:
    """E701 for every piece of private data in the public documents under ``out/`` (category
    公开): ``path:paragraph: E701 …``; E602 for a file that is not a Word document."""
    if not ws.out_dir.is_dir():
        return []
    from xsk.documents.docx_text import properties
    from xsk.documents.publicview import PublicView
    from xsk.workspace import cases as store

    problems: list[Problem] = []
    office = [ws.settings.office_contact] if ws.settings.office_contact else []
    views: dict[tuple[str, ...], Scrubber] = {}
    for path in sorted(ws.out_dir.rglob("*.docx")):
        try:
            props = properties(path)
        except Exception:
            problems.append(Problem(ws.rel(path), 0, "E602", "不是有效的 Word 文件", ""))
            continue
        if props["category"] not in ("公开", "公開"):
            continue
        ids = tuple(sorted(i for i in re.split(r"[\s,，、;；]+", props["keywords"]) if i))
        scrubber = views.get(ids)
        if scrubber is None:
            cases = []
            for cid in ids:
                try:
                    cases.append(store.load_case(ws, cid))
                except Exception:
                    continue
            view = PublicView(ws, cases)
            scrubber = scanner(view.known_private, office, view.spec())
            views[ids] = scrubber
        try:
            paragraphs = paragraphs_bytes(path.read_bytes())
        except Exception:
            problems.append(Problem(ws.rel(path), 0, "E602", "不是有效的 Word 文件", ""))
            continue
        for n, h in hits_in(paragraphs, scrubber):
            problems.append(
                Problem(
                    ws.rel(path),
                    n,
                    "E701",
                    f"公开文书第 {n} 段含未脱敏的{h.label}：{hide(h.text)}",
                    "",
                )
            )
    return problems


def scan_file(path: Path, scrubber: Scrubber) -> list[tuple[int, Hit]]:
    """Hits in a .docx file (for tests and tools)."""
    return hits_in(paragraphs_bytes(Path(path).read_bytes()), scrubber)
