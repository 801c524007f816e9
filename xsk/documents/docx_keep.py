"""Keep-with-next on the rendered document: what must not be parted by a page break.

Set after docxtpl has rendered (the template's own tag paragraphs are gone by then, so the
neighbours are the real ones):

* a heading (一、 / （一）) stays with the paragraph after it, and a one-line paragraph right
  after a heading (议题编号：2026-003) stays with what follows it, so no heading or its number
  line is left at the foot of a page;
* the sign-off (signature lines, issuer, date) stays with the last three paragraphs of text
  (or the rows of a table) before it: no page holds only a sign-off (GB/T 9704 7.3.5).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from xsk.documents.ooxml import _w

_P, _TBL, _TR, _PPR, _PSTYLE, _VAL = (
    _w("p"),
    _w("tbl"),
    _w("tr"),
    _w("pPr"),
    _w("pStyle"),
    _w("val"),
)
_KEEP_NEXT, _KEEP_LINES = _w("keepNext"), _w("keepLines")
HEADINGS = frozenset({"Heading1", "Heading2"})
SIGN = "XSKSignature"
# pPr children that come before keepNext / keepLines (ISO 29500 order)
_BEFORE_KEEP = {_w("pStyle")}
_BEFORE_LINES = {_w("pStyle"), _KEEP_NEXT}
ONE_LINE = 28  # characters of one body line
KEEP_LINES = 3  # paragraphs of text kept with the sign-off: no last page under three lines
SHORT_TABLE = 8  # rows: a table this short moves whole with the sign-off rather than part


def _style(p: Any) -> str:
    ppr = p.find(_PPR)
    ps = ppr.find(_PSTYLE) if ppr is not None else None
    return ps.get(_VAL, "") if ps is not None else ""


def _text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(_w("t"))).strip()


def _set(p: Any, tag: str, before: set[str]) -> None:
    ppr = p.find(_PPR)
    if ppr is None:
        ppr = etree.Element(_PPR)
        p.insert(0, ppr)
    pos = 0
    for i, child in enumerate(ppr):
        name = child.tag
        if name == tag:
            return  # set already
        if name in before:
            pos = i + 1
    ppr.insert(pos, etree.Element(tag))


def keep_next(p: Any, *, lines: bool = False) -> None:
    _set(p, _KEEP_NEXT, _BEFORE_KEEP)
    if lines:
        _set(p, _KEEP_LINES, _BEFORE_LINES)


def _keep_table_tail(tbl: Any, rows: int = 2) -> None:
    # LibreOffice keeps a table with the next paragraph only when every paragraph of the
    # table has keep-with-next (then the table's own "keep with next"); Word reads it per row
    trs = tbl.findall(_TR)
    for tr in trs if len(trs) <= SHORT_TABLE else trs[-rows:]:
        for p in tr.iter(_P):
            keep_next(p)


_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
# body paragraphs that may be a heading or the first sign-off line (found in C; each is then
# checked as _style reads it)
_HEADINGS = etree.XPath(
    "w:p[w:pPr/w:pStyle/@w:val = 'Heading1' or w:pPr/w:pStyle/@w:val = 'Heading2']",
    namespaces=_NS,
)
_SIGNS = etree.XPath(f"w:p[w:pPr/w:pStyle/@w:val = '{SIGN}']", namespaces=_NS)


def keep_together(root: Any) -> None:
    """Apply the rules above to a rendered ``w:document`` root."""
    body = root.find(_w("body"))
    if body is None:
        return
    for el in _HEADINGS(body):
        if _style(el) not in HEADINGS:
            continue
        keep_next(el, lines=True)
        nxt = next(el.itersiblings(_P, _TBL), None)
        if nxt is not None and nxt.tag == _P and 0 < len(_text(nxt)) <= ONE_LINE:
            keep_next(nxt)
    sign = next((el for el in _SIGNS(body) if _style(el) == SIGN), None)
    if sign is None:
        return
    blocks = [el for el in body if el.tag in (_P, _TBL)]
    first_sign = blocks.index(sign)
    # the signature lines and blank lines just above the issuer belong to the sign-off
    start = first_sign
    while (
        start > 0
        and blocks[start - 1].tag == _P
        and (not _text(blocks[start - 1]) or "（签字）" in _text(blocks[start - 1]))
    ):
        start -= 1
    for el in blocks[start:first_sign]:
        keep_next(el)
    kept = 0
    j = start - 1
    while j >= 0 and kept < KEEP_LINES:
        el = blocks[j]
        if el.tag == _TBL:
            _keep_table_tail(el)
            break
        keep_next(el, lines=kept == 0)
        if _text(el):
            kept += 1
        j -= 1
