"""Post-render normalisation of a rendered document's XML.

Run fonts set on every run (GB/T 9704 fonts), a typed line break in a justified paragraph
made a paragraph of its own, table widths fitted to the 156 mm text block, and the core
properties; each pass works on the parsed part in place.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from lxml import etree

from xsk.documents.ooxml import (
    BODY_SIZE_HALF_POINTS,
    FONT_BODY,
    FONT_LATIN,
    TEXT_WIDTH_TWIPS,
    W_NS,
    _w,
    insert_ordered,
)

# --------------------------------------------------------------------------------------
# Post-render normalisation
# --------------------------------------------------------------------------------------

# Order of the children of w:rPr (ECMA-376 CT_RPr), needed to insert elements validly.
_RPR_ORDER = [
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
    "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
    "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect",
    "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout",
    "specVanish", "oMath",
]  # fmt: skip


class _StyleInfo:
    """Resolve East Asian font and size through the paragraph style chain."""

    def __init__(self, styles_root: Any) -> None:
        self.styles: dict[str, Any] = {}
        self.default_para: str | None = None
        self.doc_default_east: str | None = None
        self.doc_default_sz: str | None = None
        self._resolved: dict[str | None, tuple[str | None, str | None]] = {}
        self._jc: dict[str | None, str | None] = {}
        if styles_root is None:
            return
        for st in styles_root.iter(_w("style")):
            sid = st.get(_w("styleId"))
            if sid:
                self.styles[sid] = st
                if st.get(_w("type")) == "paragraph" and st.get(_w("default")) in ("1", "true"):
                    self.default_para = sid
        rpr = styles_root.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
        if rpr is not None:
            fonts = rpr.find(_w("rFonts"))
            if fonts is not None:
                self.doc_default_east = fonts.get(_w("eastAsia"))
            sz = rpr.find(_w("sz"))
            if sz is not None:
                self.doc_default_sz = sz.get(_w("val"))

    def _chain(self, style_id: str | None) -> Iterator[Any]:
        """The style and those it is based on, nearest first (the default paragraph style
        when ``style_id`` is None; a loop or a missing style ends the chain)."""
        sid = style_id or self.default_para
        seen: set[str] = set()
        while sid and sid not in seen:
            seen.add(sid)
            st = self.styles.get(sid)
            if st is None:
                return
            yield st
            based = st.find(_w("basedOn"))
            sid = based.get(_w("val")) if based is not None else None

    def alignment(self, style_id: str | None) -> str | None:
        """The paragraph alignment (w:jc) a style gives, through its basedOn chain."""
        if style_id not in self._jc:
            jcs = (st.find(f"{_w('pPr')}/{_w('jc')}") for st in self._chain(style_id))
            found = next((jc.get(_w("val")) for jc in jcs if jc is not None), None)
            self._jc[style_id] = found
        return self._jc[style_id]

    def resolve(self, style_id: str | None) -> tuple[str | None, str | None]:
        """East Asian font and size (half-points) a style gives, else the document defaults."""
        found = self._resolved.get(style_id)
        if found is None:
            found = self._resolved[style_id] = self._resolve(style_id)
        return found

    def _resolve(self, style_id: str | None) -> tuple[str | None, str | None]:
        east: str | None = None
        sz: str | None = None
        for st in self._chain(style_id):
            if east is not None and sz is not None:
                break
            rpr = st.find(_w("rPr"))
            if rpr is not None:
                fonts = rpr.find(_w("rFonts"))
                if east is None and fonts is not None and fonts.get(_w("eastAsia")):
                    east = fonts.get(_w("eastAsia"))
                s = rpr.find(_w("sz"))
                if sz is None and s is not None:
                    sz = s.get(_w("val"))
        return east or self.doc_default_east, sz or self.doc_default_sz


def _style_id(ppr: Any) -> str | None:
    """The paragraph style named in a w:pPr (None: the default paragraph style)."""
    pstyle = ppr.find(_PSTYLE) if ppr is not None else None
    return pstyle.get(_VAL) if pstyle is not None else None


_BR, _T, _JC, _NUMPR, _SECTPR, _TYPE = (_w(t) for t in ("br", "t", "jc", "numPr", "sectPr", "type"))
_JUSTIFIED = ("both", "distribute", "lowKashida", "mediumKashida", "highKashida", "thaiDistribute")


def _split_line_breaks(root: Any, styles: _StyleInfo) -> None:
    """A line typed into a field becomes a paragraph of its own in justified text.

    Official text indents every paragraph by two characters, and Word and LibreOffice both
    stretch a justified line that ends in a manual line break across the whole width. So a
    justified paragraph is split at each line break of its runs: every part keeps the
    paragraph's properties (the section break stays on the last one), blank lines are dropped.
    Centred, right-aligned, numbered paragraphs and table text keep their line breaks.
    """
    if next(root.iter(_BR), None) is None:
        return  # nothing to split (most parts)
    for p in list(root.iter(_P)):
        breaks = [
            br
            for br in p.iter(_BR)
            if br.get(_TYPE) in (None, "textWrapping") and br.getparent().getparent() is p
        ]
        if not breaks:
            continue
        ppr = p.find(_PPR)
        own_jc = ppr.find(_JC) if ppr is not None else None
        jc = own_jc.get(_VAL) if own_jc is not None else styles.alignment(_style_id(ppr))
        if jc not in _JUSTIFIED or (ppr is not None and ppr.find(_NUMPR) is not None):
            continue
        # the runs and other children of each line, in order
        lines: list[list[Any]] = [[]]
        for child in list(p):
            if child is ppr:
                continue
            if child.tag != _R or not any(br in breaks for br in child):
                lines[-1].append(child)
                continue
            rpr = child.find(_RPR)

            def new_run(rpr: Any = rpr) -> Any:
                run = etree.Element(_R)
                if rpr is not None:
                    run.append(copy.deepcopy(rpr))
                return run

            run = new_run()
            for piece in list(child):
                if piece is rpr:
                    continue
                if piece in breaks:
                    lines[-1].append(run)
                    lines.append([])
                    run = new_run()
                else:
                    run.append(piece)
            lines[-1].append(run)
        lines = [line for line in lines if _has_content(line)] or [[]]
        sect = ppr.find(_SECTPR) if ppr is not None else None
        if sect is not None:
            ppr.remove(sect)
        for child in list(p):
            if child is not ppr:
                p.remove(child)
        p.extend(lines[0])
        last = p
        for line in lines[1:]:
            para = etree.Element(_P)
            if ppr is not None:
                para.append(copy.deepcopy(ppr))
            para.extend(line)
            last.addnext(para)
            last = para
        if sect is not None:
            last_ppr = last.find(_PPR)
            if last_ppr is None:
                last_ppr = etree.Element(_PPR)
                last.insert(0, last_ppr)
            change = last_ppr.find(_w("pPrChange"))  # the only element after sectPr
            if change is not None:
                change.addprevious(sect)
            else:
                last_ppr.append(sect)


def _has_content(line: list[Any]) -> bool:
    """Whether a line has text or anything else than empty runs (a tab, a picture...)."""
    for el in line:
        if el.tag != _R:
            return True
        for child in el:
            if child.tag == _T:
                if (child.text or "").strip():
                    return True
            elif child.tag != _RPR:
                return True
    return False


_P, _PPR, _PSTYLE, _R, _RPR, _RFONTS, _SZ = (
    _w(t) for t in ("p", "pPr", "pStyle", "r", "rPr", "rFonts", "sz")
)
_VAL, _EAST, _EAST_THEME, _HINT, _ASCII, _ASCII_THEME, _HANSI = (
    _w(t) for t in ("val", "eastAsia", "eastAsiaTheme", "hint", "ascii", "asciiTheme", "hAnsi")
)


# the runs whose (first) properties name no East Asian font: in the built-in templates every
# run has one, and finding the few that do not in C is most of this pass
_RUNS_WITHOUT_EAST = etree.XPath(
    ".//w:r[not(w:rPr[1]/w:rFonts[1][@w:eastAsia != ''])]", namespaces={"w": W_NS}
)


def _enforce_run_fonts(root: Any, styles: _StyleInfo) -> None:
    """Every run gets an explicit East Asian font (and a size when nothing gives one).

    A run takes the style of the outermost paragraph holding it (a paragraph in a text box
    sits inside a run of another one); a run outside any paragraph is left alone."""
    for r in _RUNS_WITHOUT_EAST(root):
        paras = list(r.iterancestors(_P))
        if not paras:
            continue
        style_east, style_sz = styles.resolve(_style_id(paras[-1].find(_PPR)))
        rpr = r.find(_RPR)
        if rpr is None:
            rpr = etree.Element(_RPR)
            r.insert(0, rpr)
        fonts = rpr.find(_RFONTS)
        if fonts is None:
            fonts = etree.Element(_RFONTS)
            insert_ordered(rpr, fonts, _RPR_ORDER)
        if not fonts.get(_EAST):
            # Theme font references would override the explicit name: drop them.
            fonts.attrib.pop(_EAST_THEME, None)
            east = style_east if style_east and not style_east.startswith("+") else None
            fonts.set(_EAST, east or FONT_BODY)
            fonts.set(_HINT, "eastAsia")
            if not fonts.get(_ASCII) and not fonts.get(_ASCII_THEME):
                fonts.set(_ASCII, FONT_LATIN)
                fonts.set(_HANSI, FONT_LATIN)
            if rpr.find(_SZ) is None and not style_sz:
                for tag in ("sz", "szCs"):
                    el = etree.Element(_w(tag))
                    el.set(_VAL, str(BODY_SIZE_HALF_POINTS))
                    insert_ordered(rpr, el, _RPR_ORDER)


_TCPR, _GRIDSPAN, _TCW = _w("tcPr"), _w("gridSpan"), _w("tcW")
_TBL, _TBLGRID, _GRIDCOL, _TR, _TC, _W_ATTR = (
    _w(t) for t in ("tbl", "tblGrid", "gridCol", "tr", "tc", "w")
)
_TCPR_TCW = f"{_TCPR}/{_TCW}"


def _grid_span(tc: Any) -> int:
    tcpr = tc.find(_TCPR)
    if tcpr is not None:
        gs = tcpr.find(_GRIDSPAN)
        if gs is not None:
            with contextlib.suppress(TypeError, ValueError):
                return max(1, int(gs.get(_VAL)))
    return 1


def _twips(value: str | None) -> int:
    try:
        return int(float(value or 0))
    except ValueError:
        return 0


def _fix_table_widths(root: Any) -> None:
    """Make table grids consistent and no wider than the 156 mm text block.

    docxtpl's column loops ({%tc %}) leave cell widths of the template; rebuild them from the
    grid so the table fits the page.
    """
    for tbl in root.iter(_TBL):
        grid = tbl.find(_TBLGRID)
        if grid is None:
            continue
        cols = grid.findall(_GRIDCOL)
        rows = tbl.findall(_TR)
        if not cols or not rows:
            continue
        widths = [_twips(c.get(_W_ATTR)) for c in cols]
        cells = [tr.findall(_TC) for tr in rows]
        # a table without any w:gridSpan (the usual one): every cell spans one column
        if next(tbl.iter(_GRIDSPAN), None) is None:
            spans = [[1] * len(row) for row in cells]
        else:
            spans = [[_grid_span(tc) for tc in row] for row in cells]
        n_cols = max(sum(row) for row in spans)
        total = sum(widths)
        consistent = n_cols == len(cols) and total <= TEXT_WIDTH_TWIPS + 20 and all(widths)
        if consistent:
            # Check the cells agree with the grid.
            for row, row_spans in zip(cells, spans, strict=True):
                i = 0
                for tc, span in zip(row, row_spans, strict=True):
                    want = sum(widths[i : i + span])
                    i += span
                    tcw = tc.find(_TCPR_TCW)
                    if (
                        tcw is not None
                        and tcw.get(_w("type"), "dxa") == "dxa"
                        and abs(_twips(tcw.get(_W_ATTR)) - want) > 20
                    ):
                        consistent = False
            if consistent:
                continue
        # docxtpl rescales grids with truncating division: a grid a few twips short of the
        # text block is meant to fill it.
        target = TEXT_WIDTH_TWIPS if total <= 0 or total > TEXT_WIDTH_TWIPS - 50 else total
        if all(span == 1 for row in spans for span in row):
            # columns made by a loop ({%tc %}): the template's widths say nothing about them
            new = _content_widths(rows, n_cols, target)
        elif n_cols == len(cols) and all(widths):
            new = [w * target // total for w in widths]
        else:
            new = [target // n_cols] * n_cols
        new[-1] += target - sum(new)
        for c in cols:
            grid.remove(c)
        for w in new:
            el = etree.SubElement(grid, _GRIDCOL)
            el.set(_W_ATTR, str(w))
        for row, row_spans in zip(cells, spans, strict=True):
            i = 0
            for tc, span in zip(row, row_spans, strict=True):
                want = sum(new[i : i + span])
                i += span
                tcpr = tc.find(_TCPR)
                if tcpr is None:
                    tcpr = etree.Element(_TCPR)
                    tc.insert(0, tcpr)
                tcw = tcpr.find(_TCW)
                if tcw is None:
                    tcw = etree.Element(_TCW)
                    # tcW follows cnfStyle only.
                    cnf = tcpr.find(_w("cnfStyle"))
                    tcpr.insert(1 if cnf is not None else 0, tcw)
                tcw.set(_W_ATTR, str(want))
                tcw.set(_w("type"), "dxa")
        tblpr = tbl.find(_w("tblPr"))
        if tblpr is not None:
            tblw = tblpr.find(_w("tblW"))
            if tblw is not None:
                tblw.set(_W_ATTR, str(target))
                tblw.set(_w("type"), "dxa")


CELL_MARGINS_TWIPS = 216  # Word's default left + right cell margins (1.9 mm each)
CHAR_TWIPS = BODY_SIZE_HALF_POINTS * 10  # one CJK character at 16 pt
_LONGEST_LINE = 14  # characters a column asks for at most: longer text wraps
_SHORT = 4  # a column of up to this many characters should not wrap


def _text_width(text: str) -> float:
    """Width of the longest line of ``text`` in CJK characters (Latin letters and digits are
    about half as wide)."""
    lines = text.split("\n") or [""]
    return max(sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in line) for line in lines)


def _content_widths(rows: list[Any], n_cols: int, target: int) -> list[int]:
    """Column widths from what the columns hold (the first column names the row).

    In order of preference: every column as wide as its longest cell and header, the others
    with a character to spare and the first column taking the rest; then headers on two
    lines; then short columns (up to four characters) kept and the long ones wrapping.
    """
    body = [0.0] * n_cols
    head = [0.0] * n_cols
    for r, tr in enumerate(rows):
        for i, tc in enumerate(tr.findall(_w("tc"))[:n_cols]):
            text = "\n".join("".join(t.text or "" for t in p.iter(_T)) for p in tc.iter(_P))
            width = min(_text_width(text), _LONGEST_LINE)
            if r == 0:
                head[i] = width
            else:
                body[i] = max(body[i], width)
    full = [max(b, h, 1.0) for b, h in zip(body, head, strict=True)]
    compact = [min(max(b, h / 2, 2.0), f) for b, h, f in zip(body, head, full, strict=True)]
    room = (target - n_cols * CELL_MARGINS_TWIPS) / CHAR_TWIPS
    if sum(full) <= room:
        spare = 1.0 if sum(full) + n_cols - 1 <= room else 0.0
        chars = [full[0]] + [f + spare for f in full[1:]]
        chars[0] += room - sum(chars)
    elif sum(compact) <= room:
        more = [f - c for f, c in zip(full, compact, strict=True)]
        left = room - sum(compact)
        chars = [c + left * m / sum(more) for c, m in zip(compact, more, strict=True)]
    else:
        floor = [min(c, _SHORT) for c in compact]
        extra = [c - f for c, f in zip(compact, floor, strict=True)]
        if sum(floor) >= room or not sum(extra):
            chars = [f * room / sum(floor) for f in floor]
        else:
            left = room - sum(floor)
            chars = [f + left * e / sum(extra) for f, e in zip(floor, extra, strict=True)]
    return [max(1, int(c * CHAR_TWIPS) + CELL_MARGINS_TWIPS) for c in chars]


@lru_cache(maxsize=1)
def _s2t() -> Any:
    from opencc import OpenCC

    return OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified -> Traditional Chinese (OpenCC s2t)."""
    return _s2t().convert(text) if text else text


def _convert_text_nodes(root: Any) -> None:
    for t in root.iter(_w("t")):
        if t.text:
            t.text = to_traditional(t.text)


def _content_parts(document: Any) -> list[Any]:
    """The XML roots of the body, headers and footers of a python-docx Document."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    roots = [document.element]
    for rel in document.part.rels.values():
        if rel.is_external:
            continue
        if rel.reltype in (RT.HEADER, RT.FOOTER):
            roots.append(rel.target_part.element)
    return roots
