"""Checks every generated .docx must pass (the documents issue's acceptance, as code)."""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID18 = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def _east_asia(run, para, doc) -> str | None:
    for el in (run._element.rPr,):
        if el is not None and el.rFonts is not None:
            v = el.rFonts.get(qn("w:eastAsia"))
            if v:
                return v
    style = para.style
    while style is not None:
        rpr = style.element.rPr
        if rpr is not None and rpr.rFonts is not None and rpr.rFonts.get(qn("w:eastAsia")):
            return rpr.rFonts.get(qn("w:eastAsia"))
        style = style.base_style
    return None


def _size(run, para):
    if run.font.size is not None:
        return run.font.size.pt
    style = para.style
    while style is not None:
        if style.font.size is not None:
            return style.font.size.pt
        style = style.base_style
    return None


def paragraphs(doc):
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def check_docx(path: Path, private: list[str] | None = None) -> dict:
    doc = Document(str(path))
    sec = doc.sections[0]
    mm = lambda v: v / 36000  # noqa: E731  (EMU -> mm)
    assert abs(mm(sec.page_width) - 210) < 1 and abs(mm(sec.page_height) - 297) < 1, path
    for name, want in (
        ("top_margin", 37),
        ("left_margin", 28),
        ("right_margin", 26),
        ("bottom_margin", 35),
    ):
        assert abs(mm(getattr(sec, name)) - want) <= 1, (path, name)
    footer_xml = "".join(s.footer._element.xml for s in doc.sections)
    assert "PAGE" in footer_xml, path
    first = next(p for p in doc.paragraphs if p.text.strip())
    runs = [r for r in first.runs if r.text.strip()]
    assert runs and all("小标宋" in (_east_asia(r, first, doc) or "") for r in runs), path
    assert all(_size(r, first) == 22 for r in runs), path
    total = good = 0
    for p in paragraphs(doc):
        if p._p is first._p:
            continue
        for r in p.runs:
            n = len(r.text.strip())
            if not n:
                continue
            total += n
            font = _east_asia(r, p, doc) or ""
            size = 14 if p.style is not None and p.style.name.startswith("XSK Table") else 16
            if _size(r, p) == size and any(f in font for f in ("仿宋", "黑体", "楷体")):
                good += n
    assert total and good / total >= 0.9, (path, good, total)
    props = doc.core_properties
    assert props.category in ("公开", "内部"), path
    assert props.title and props.keywords, path
    if props.category == "公开":
        text = "\n".join(p.text for p in paragraphs(doc))
        assert not MOBILE.search(text), (path, MOBILE.search(text))
        assert not ID18.search(text), path
        for value in private or []:
            assert value not in text, (path, value)
    return {"category": props.category, "title": props.title}
