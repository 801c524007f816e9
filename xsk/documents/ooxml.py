"""WordprocessingML names and the GB/T 9704-2012 page and font constants the renderer uses."""

from __future__ import annotations

from typing import Any

# Fonts (GB/T 9704-2012).
FONT_BODY = "仿宋_GB2312"
FONT_LATIN = "Times New Roman"
BODY_SIZE_HALF_POINTS = 32  # 3号 = 16 pt

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CP_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


# Text block width in twips: 210 mm - 28 mm - 26 mm = 156 mm.
TEXT_WIDTH_TWIPS = 8844


# Child order of w:pPr (ISO 29500 CT_PPr): a property added out of order fails the schema.
PPR_ORDER = [
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
    "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
    "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
    "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
    "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
    "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
]  # fmt: skip


_LATER: dict[tuple[int, str], tuple[list[str], frozenset[str]]] = {}


def _later(order: list[str], name: str) -> frozenset[str]:
    """The tags ``order`` puts after ``name`` (cached per order list and name)."""
    found = _LATER.get((id(order), name))
    if found is None or found[0] is not order:
        found = (order, frozenset(_w(n) for n in order[order.index(name) + 1 :]))
        _LATER[(id(order), name)] = found
    return found[1]


def insert_ordered(parent: Any, child: Any, order: list[str]) -> None:
    """Insert ``child`` into ``parent`` before the first element ``order`` puts after it."""
    from lxml import etree

    later = _later(order, etree.QName(child).localname)
    for i, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(i, child)
            return
    parent.append(child)
