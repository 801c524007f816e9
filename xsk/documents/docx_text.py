"""The text of a rendered .docx, and the scan of that text for private numbers."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from xsk.documents.ooxml import _w

# --------------------------------------------------------------------------------------
# Text extraction and leak scan
# --------------------------------------------------------------------------------------

_TEXT_PART = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml")


def _xml_text(xml: bytes) -> str:
    root = etree.fromstring(xml)
    out: list[str] = []

    def walk(el: Any) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag in (_w("t"), _w("delText"), _w("instrText")):
                if tag != _w("instrText"):
                    out.append(child.text or "")
            elif tag == _w("tab"):
                out.append("\t")
            elif tag in (_w("br"), _w("cr")):
                out.append("\n")
            else:
                walk(child)
                if tag == _w("p"):
                    out.append("\n")

    walk(root)
    return "".join(out)


def _part_sort_key(name: str) -> tuple[int, str]:
    base = name.rsplit("/", 1)[-1]
    rank = 0 if base == "document.xml" else 1
    return (rank, name)


def extract_text_bytes(data: bytes) -> str:
    """All visible text of a .docx given as bytes (body, tables, headers, footers, notes)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = sorted((n for n in z.namelist() if _TEXT_PART.fullmatch(n)), key=_part_sort_key)
        return "".join(_xml_text(z.read(n)) for n in names)


def extract_text(path: Path | str) -> str:
    """All visible text of a .docx file: paragraphs, tables, headers, footers, notes."""
    return extract_text_bytes(Path(path).read_bytes())


def _core_text_bytes(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if "docProps/core.xml" not in z.namelist():
            return ""
        root = etree.fromstring(z.read("docProps/core.xml"))
        return "\n".join((el.text or "") for el in root.iter() if el.text)


_PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)")
_ID_RE = re.compile(r"(?<!\d)\d{6}[ -]?\d{8}[ -]?\d{3}[\dXx](?![\dXx])")
_SEP_RE = re.compile(r"[\s\-—–_·.。,，、:：()（）]+")


def _norm(s: str) -> str:
    return _SEP_RE.sub("", s)


def find_leaks_local(text: str, known: Iterable[str] = ()) -> list[str]:
    """Small fallback leak finder: mobile numbers, ID numbers, known private strings."""
    leaks = [m.group(0) for m in _PHONE_RE.finditer(text)]
    leaks += [m.group(0) for m in _ID_RE.finditer(text)]
    flat = _norm(text)
    for k in known:
        nk = _norm(str(k))
        if len(nk) >= 3 and nk in flat:
            leaks.append(str(k))
    return list(dict.fromkeys(leaks))


def _find_leaks(text: str, known: list[str]) -> list[str]:
    """Leaks in ``text``: ``xsk.rules.privacy.find_leaks`` when available, else the local
    fallback."""
    try:
        from xsk.rules.privacy import find_leaks
    except ImportError:
        return find_leaks_local(text, known)
    return list(find_leaks(text, known))


def _hide(leak: str) -> str:
    """Partly hidden form of a leaked value for the error message (the message itself may end
    up in a log)."""
    s = leak.strip()
    if len(s) >= 7:
        return s[:3] + "*" * (len(s) - 5) + s[-2:]
    return s[:1] + "*" * max(1, len(s) - 1)


class PrivacyLeakError(Exception):
    """A public document contains personal data (phone, ID number, known private text)."""

    def __init__(self, message: str, leaks: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.leaks = list(leaks)


_PROP = re.compile(rb"<(dc:title|cp:category|cp:keywords)>(.*?)</\1>", re.S)


def properties(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        xml = z.read("docProps/core.xml")
    found = {
        m.group(1).decode().split(":")[1]: m.group(2).decode("utf-8") for m in _PROP.finditer(xml)
    }
    return {k: found.get(k, "") for k in ("title", "category", "keywords")}
