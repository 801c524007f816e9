"""Generate the built-in document templates ``templates/documents/<kind>.docx``.

Each template is an ordinary Word document in GB/T 9704-2012 layout (A4, 156 x 225 mm text
block, 22 lines x 28 characters, 2号小标宋 title, 3号仿宋 body, 3号黑体/楷体 headings, page
numbers "— 1 —" in 4号宋体, odd pages right, even pages left) with docxtpl/Jinja tags. A
facilitator may open and edit them in Word or WPS; a copy in the workspace override directory
takes precedence over the built-in one.

Run from the repository root::

    PYTHONPATH=. python tools/make_templates.py [OUTDIR]

The output is deterministic: running the script twice gives byte-identical files.
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Twips
from lxml import etree

from xsk.documents.docx import DOC_KINDS, PUBLIC_KINDS, normalize_docx_bytes

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "templates" / "documents"

# Fonts of GB/T 9704-2012 and the names Word should fall back to when the _GB2312 / 方正
# fonts are not installed.
XIAOBIAOSONG = "方正小标宋简体"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
LATIN = "Times New Roman"

FONT_TABLE = [
    # name, altName, panose, charset, family, pitch
    (XIAOBIAOSONG, "宋体", "02000000000000000000", "86", "script", "fixed"),
    (FANGSONG, "仿宋", "02010609030101010101", "86", "modern", "fixed"),
    (HEITI, "SimHei", "02010609060101010101", "86", "modern", "fixed"),
    (KAITI, "楷体", "02010609030101010101", "86", "modern", "fixed"),
    (SONGTI, "SimSun", "02010600030101010101", "86", "auto", "variable"),
]

# Page geometry (twips): A4, margins top 37 mm, left 28 mm, right 26 mm, bottom 35 mm.
PAGE_W, PAGE_H = 11906, 16838
MARGIN_TOP, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_BOTTOM = 2098, 1588, 1474, 1984
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 8844 = 156 mm
TEXT_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM  # 12756 = 225 mm
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
LINE_PITCH = TEXT_H // LINES_PER_PAGE  # 579 twips
BODY_PT = 16
# w:charSpace is the per-character adjustment of the grid, in 1/4096 pt, relative to the
# default font size: 28 characters of 16 pt in 156 mm -> pitch 15.79 pt.
CHAR_SPACE = round((TEXT_W / 20 / CHARS_PER_LINE - BODY_PT) * 4096)
CHAR_TWIPS = BODY_PT * 20  # one 3号 character = 320 twips
CELL_MARGIN = 57  # 1 mm left/right padding in table cells: 16 pt text is wide
# Table text in 4号 (14 pt) on 20 pt lines, off the page grid: GB/T 9704 does not fix table
# text, and forms and notices then fit one sheet where their content allows.
TABLE_PT = 14
TABLE_LINE = 400
# The sign-off of a document that takes the seal (GB/T 9704-2012 7.3.5.1): the date 右空四字,
# the issuer centred over it, and two blank lines above the issuer: a 40-42 mm seal (four
# lines of 10.2 mm) whose top is within a line of the body (上距正文一行之内) then presses
# issuer and date in its lower half (居印章中心偏下) and covers the date (骑年盖月). A form
# without a seal leaves one blank line (7.3.5.2).
SEAL_DATE_RIGHT = 4
SEAL_ROOM_LINES = 2
PUBLIC_NOTE = "（此件公开发布）"

FIXED_DATE = "2026-01-01T00:00:00Z"


# --------------------------------------------------------------------------------------
# Low-level helpers
# --------------------------------------------------------------------------------------


def _set_fonts(rpr, east: str, latin: str = LATIN) -> None:
    """Explicit fonts on an rPr (theme references removed: they would win over names)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east)
    fonts.set(qn("w:cs"), latin)
    # Ambiguous-width characters (“ ” □ — …) are East Asian in Chinese documents.
    fonts.set(qn("w:hint"), "eastAsia")


def _style_rpr(style):
    return style.element.get_or_add_rPr()


def _style_ppr(style):
    return style.element.get_or_add_pPr()


def _clear(el, *tags: str) -> None:
    for tag in tags:
        for child in el.findall(qn(tag)):
            el.remove(child)


def _set_spacing(ppr, line: int | None = LINE_PITCH, before: int = 0, after: int = 0) -> None:
    _clear(ppr, "w:spacing")
    sp = OxmlElement("w:spacing")
    sp.set(qn("w:before"), str(before))
    sp.set(qn("w:after"), str(after))
    if line is None:
        sp.set(qn("w:line"), "240")
        sp.set(qn("w:lineRule"), "auto")
    else:
        sp.set(qn("w:line"), str(line))
        sp.set(qn("w:lineRule"), "exact")
    _insert_ppr(ppr, sp)


def _set_ind(ppr, **chars: int) -> None:
    """Indentation in characters: first_line, hanging, left, right (units of 1 char)."""
    _clear(ppr, "w:ind")
    ind = OxmlElement("w:ind")
    for key, n in chars.items():
        name = {"first_line": "firstLine", "hanging": "hanging", "left": "left", "right": "right"}[
            key
        ]
        ind.set(qn(f"w:{name}Chars"), str(n * 100))
        ind.set(qn(f"w:{name}"), str(n * CHAR_TWIPS))
    _insert_ppr(ppr, ind)


def _set_jc(ppr, val: str) -> None:
    _clear(ppr, "w:jc")
    jc = OxmlElement("w:jc")
    jc.set(qn("w:val"), val)
    _insert_ppr(ppr, jc)


_PPR_ORDER = [
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
    "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
    "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
    "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
    "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
    "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
]  # fmt: skip

_RPR_ORDER = [
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
    "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
    "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect",
    "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout",
]  # fmt: skip


def _insert_ordered(parent, child, order: list[str]) -> None:
    name = etree.QName(child).localname
    later = {qn(f"w:{n}") for n in order[order.index(name) + 1 :]}
    for i, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(i, child)
            return
    parent.append(child)


def _insert_ppr(ppr, child) -> None:
    _insert_ordered(ppr, child, _PPR_ORDER)


def _set_size(rpr, pt: float) -> None:
    _clear(rpr, "w:sz", "w:szCs")
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), str(int(pt * 2)))
        _insert_ordered(rpr, el, _RPR_ORDER)


def _set_bold(rpr, bold: bool) -> None:
    _clear(rpr, "w:b", "w:bCs")
    for tag in ("w:b", "w:bCs"):
        el = OxmlElement(tag)
        if not bold:
            el.set(qn("w:val"), "0")
        _insert_ordered(rpr, el, _RPR_ORDER)


def _style_font(style, east: str, pt: float, bold: bool = False, latin: str = LATIN) -> None:
    rpr = _style_rpr(style)
    _clear(rpr, "w:color", "w:spacing", "w:kern", "w:lang")
    _set_fonts(rpr, east, latin)
    _set_bold(rpr, bold)
    _set_size(rpr, pt)
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "000000")
    _insert_ordered(rpr, color, _RPR_ORDER)


# --------------------------------------------------------------------------------------
# Document skeleton: page, styles, footers
# --------------------------------------------------------------------------------------

S_BODY = "XSK Body"
S_PLAIN = "XSK Plain"
S_NUMBER = "XSK Number"
S_SIGN = "XSK Signature"  # the issuer (发文机关署名); placed over the date when rendered
S_DATE = "XSK Date"  # 成文日期 of a document that takes the seal: 右空四字
S_DATE_PLAIN = "XSK Date Unsealed"  # 成文日期 of a form without a seal (GB/T 9704 7.3.5.2)
S_NOTE = "XSK Note"  # 附注 under the date, 居左空二字: （此件公开发布）
S_FIGURE = "XSK Figure"  # a chart: centred, single line spacing (an exact one clips it)
S_CAPTION = "XSK Caption"  # 图1 各类议题数量, centred under its chart
S_CELL = "XSK Table Text"
S_CELL_C = "XSK Table Text Centered"
S_HEAD = "XSK Table Header"
S_CENTER = "XSK Centered"


def _setup_styles(doc) -> None:
    styles_el = doc.styles.element
    # Document defaults: explicit fonts, 16 pt, Chinese language, no paragraph spacing.
    defaults = styles_el.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _set_fonts(rpr, FANGSONG)
    _set_size(rpr, BODY_PT)
    _clear(rpr, "w:lang")
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    _insert_ordered(rpr, lang, _RPR_ORDER)
    ppr_default = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
    _set_spacing(ppr_default, LINE_PITCH)

    normal = doc.styles["Normal"]
    _style_font(normal, FANGSONG, BODY_PT)
    ppr = _style_ppr(normal)
    _set_spacing(ppr, LINE_PITCH)
    _set_jc(ppr, "both")

    title = doc.styles["Title"]
    tppr = _style_ppr(title)
    _clear(tppr, "w:pBdr", "w:contextualSpacing")
    _set_spacing(tppr, 700, after=LINE_PITCH)
    _set_jc(tppr, "center")
    _style_font(title, XIAOBIAOSONG, 22)

    for name, font in (("Heading 1", HEITI), ("Heading 2", KAITI)):
        st = doc.styles[name]
        hppr = _style_ppr(st)
        _set_spacing(hppr, LINE_PITCH)
        _set_ind(hppr, first_line=2)
        _set_jc(hppr, "both")
        _style_font(st, font, BODY_PT)

    from docx.enum.style import WD_STYLE_TYPE

    def para_style(name: str, font: str = FANGSONG, bold: bool = False) -> object:
        st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = normal
        st.quick_style = True
        _style_font(st, font, BODY_PT, bold)
        return st

    body = para_style(S_BODY)
    _set_ind(_style_ppr(body), first_line=2)
    para_style(S_PLAIN)
    number = para_style(S_NUMBER)
    _set_jc(_style_ppr(number), "right")
    # GB/T 9704-2012 7.3.5: right-aligned; the indents here are those of a short issuer and
    # are set for the rendered text (xsk/documents/docx_signoff.py)
    for name, right in ((S_SIGN, SEAL_DATE_RIGHT), (S_DATE, SEAL_DATE_RIGHT), (S_DATE_PLAIN, 2)):
        st = para_style(name)
        _set_jc(_style_ppr(st), "right")
        _set_ind(_style_ppr(st), right=right)
    note = para_style(S_NOTE)
    _set_ind(_style_ppr(note), left=2)
    figure = para_style(S_FIGURE)
    fppr = _style_ppr(figure)
    _set_spacing(fppr, None, before=LINE_PITCH // 2)
    _set_jc(fppr, "center")
    _insert_ppr(fppr, OxmlElement("w:keepNext"))  # a chart stays with its caption
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    _insert_ppr(fppr, snap)
    caption = para_style(S_CAPTION, HEITI)
    _style_font(caption, HEITI, TABLE_PT)
    _set_spacing(_style_ppr(caption), LINE_PITCH, after=LINE_PITCH // 2)
    _set_jc(_style_ppr(caption), "center")
    center = para_style(S_CENTER)
    _set_jc(_style_ppr(center), "center")
    for name, font, jc in (
        (S_CELL, FANGSONG, "left"),
        (S_CELL_C, FANGSONG, "center"),
        (S_HEAD, HEITI, "center"),
    ):
        st = para_style(name, font)
        _style_font(st, font, TABLE_PT)
        cppr = _style_ppr(st)
        _set_jc(cppr, jc)
        _set_spacing(cppr, TABLE_LINE)
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        _insert_ppr(cppr, snap)

    footer = doc.styles["Footer"]
    fppr = _style_ppr(footer)
    _clear(fppr, "w:tabs")
    _set_spacing(fppr, None)
    _style_font(footer, SONGTI, 14, latin=SONGTI)

    # Table style: borders come with "Table Grid"; give it the body fonts too.
    grid = doc.styles["Table Grid"]
    _style_font(grid, FANGSONG, BODY_PT)
    mar = grid.element.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
    for side in ("left", "right"):
        el = mar.find(qn(f"w:{side}"))
        el.set(qn("w:w"), str(CELL_MARGIN))


def _page_number_paragraph(footer, align: str) -> None:
    p = footer.paragraphs[0]
    ppr = p._p.get_or_add_pPr()
    _set_jc(ppr, align)
    if align == "right":
        _set_ind(ppr, right=1)
    else:
        _set_ind(ppr, left=1)

    def run(text: str | None = None, fld: str | None = None, instr: str | None = None):
        r = p.add_run()
        rpr = r._r.get_or_add_rPr()
        _set_fonts(rpr, SONGTI, SONGTI)
        _set_size(rpr, 14)
        if text is not None:
            r.text = text
        if fld is not None:
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), fld)
            r._r.append(fc)
        if instr is not None:
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = instr
            r._r.append(it)
        return r

    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


def new_document(kind: str):
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width = Twips(PAGE_W)
    sec.page_height = Twips(PAGE_H)
    sec.top_margin = Twips(MARGIN_TOP)
    sec.bottom_margin = Twips(MARGIN_BOTTOM)
    sec.left_margin = Twips(MARGIN_LEFT)
    sec.right_margin = Twips(MARGIN_RIGHT)
    sec.header_distance = Mm(15)
    sec.footer_distance = Mm(24)
    sect = sec._sectPr
    for attr in list(sect.attrib):
        del sect.attrib[attr]
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))

    _setup_styles(doc)
    doc.settings.odd_and_even_pages_header_footer = True
    sec.footer.is_linked_to_previous = False
    sec.even_page_footer.is_linked_to_previous = False
    for footer, align in ((sec.footer, "right"), (sec.even_page_footer, "left")):
        if not footer.paragraphs:
            footer.add_paragraph()
        footer.paragraphs[0].style = doc.styles["Footer"]
        _page_number_paragraph(footer, align)

    settings = doc.settings.element
    _clear(settings, "w:savePreviewPicture", "w:rsids", "w:proofState")
    for tfl in settings.findall(qn("w:themeFontLang")):
        tfl.set(qn("w:eastAsia"), "zh-CN")

    cp = doc.core_properties
    cp.title = DOC_KINDS.get(kind, kind)
    cp.author = "xsk"
    cp.last_modified_by = "xsk"
    cp.comments = "xsk 文书模板：可在 Word/WPS 中修改格式和文字，请勿改动花括号标签。"
    cp.category = ""
    cp.keywords = ""
    cp.revision = 1
    import datetime as dt

    stamp = dt.datetime(2026, 1, 1)
    cp.created = stamp
    cp.modified = stamp
    return doc


# --------------------------------------------------------------------------------------
# Content helpers
# --------------------------------------------------------------------------------------

Seg = str | tuple[str, str]  # plain text (style font) or (text, east asian font)


@dataclass
class Col:
    header: str
    width_mm: float
    cell: str  # Jinja content of the data row
    centered: bool = True


class Builder:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.doc = new_document(kind)

    # paragraphs -----------------------------------------------------------------------
    def para(self, *segs: Seg, style: str = S_BODY, font: str | None = None):
        p = self.doc.add_paragraph(style=self.doc.styles[style])
        for seg in segs:
            text, east = (seg, None) if isinstance(seg, str) else seg
            self.run(p, text, east or font or self._style_font(style))
        return p

    def _style_font(self, style: str) -> str:
        return {
            "Title": XIAOBIAOSONG,
            "Heading 1": HEITI,
            "Heading 2": KAITI,
            S_HEAD: HEITI,
        }.get(style, FANGSONG)

    @staticmethod
    def run(p, text: str, east: str, pt: float | None = None, bold: bool = False):
        r = p.add_run(text)
        rpr = r._r.get_or_add_rPr()
        _set_fonts(rpr, east)
        _set_size(rpr, pt or (22 if east == XIAOBIAOSONG else BODY_PT))
        if bold:
            _set_bold(rpr, True)
        return r

    def tag(self, tag: str) -> None:
        """A paragraph holding only a {%p ... %} tag (docxtpl removes it on render)."""
        self.para(tag, style=S_PLAIN)

    def title(self, text: str = "{{ doc_title }}") -> None:
        self.para(text, style="Title")

    def number(self, text: str) -> None:
        self.para(text, style=S_NUMBER)

    def h1(self, text: str) -> None:
        self.para(text, style="Heading 1")

    def h2(self, text: str) -> None:
        self.para(text, style="Heading 2")

    def body(self, *segs: Seg) -> None:
        self.para(*segs, style=S_BODY)

    def plain(self, *segs: Seg) -> None:
        self.para(*segs, style=S_PLAIN)

    def labeled(self, label: str, value: str, indent: int = 2) -> None:
        """ "出席：张三、李四" — label in 黑体, value in 仿宋, wrapped lines aligned after the
        colon (GB/T 9704-2012 10.3)."""
        p = self.para((label, HEITI), (value, FANGSONG), style=S_PLAIN)
        n = len(label)
        _set_ind(p._p.get_or_add_pPr(), left=indent + n, hanging=n)

    def blank(self) -> None:
        self.para("", style=S_PLAIN)

    def signature(self, *, sealed: bool = True) -> None:
        """Issuer and date (发文机关署名、成文日期), kept on one page with the paragraph
        before them (GB/T 9704-2012 forbids a page holding only the signature).

        ``sealed``: the seal-ready layout of 7.3.5.1 (room for the seal above the issuer, the
        date 右空四字, the issuer centred over it); otherwise 7.3.5.2 (one blank line, issuer
        右空二字, the date two characters further right). A public kind carries the 附注
        "（此件公开发布）" under the date, 居左空二字 (7.3.7)."""
        body = self.doc.element.body
        last = body[-2] if len(body) > 1 and body[-1].tag == qn("w:sectPr") else body[-1]
        if last.tag == qn("w:p"):
            self._keep_next(last)
        issuer = self.para("{{ issuer }}", style=S_SIGN)
        room = SEAL_ROOM_LINES if sealed else 1
        ppr = issuer._p.get_or_add_pPr()
        # in twips, not w:beforeLines: Word's "line" there is not the page grid's line
        _set_spacing(ppr, LINE_PITCH, before=room * LINE_PITCH)
        self._keep_next(issuer._p)
        date = self.para("{{ date }}", style=S_DATE if sealed else S_DATE_PLAIN)
        if self.kind in PUBLIC_KINDS:
            self._keep_next(date._p)
            self.para(PUBLIC_NOTE, style=S_NOTE)

    @staticmethod
    def _keep_next(p) -> None:
        ppr = p.get_or_add_pPr()
        if ppr.find(qn("w:keepNext")) is None:
            _insert_ppr(ppr, OxmlElement("w:keepNext"))

    def provisional_note(self, key: str, what: str) -> None:
        """A note under dates counted on the provisional holiday calendar: ``key`` holds
        "（节假日安排以国务院公布为准）" or is empty (then the paragraph is dropped)."""
        self.tag(f"{{%p if {key}|default('') %}}")
        self.body(f"注：{what}按工作日推算{{{{ {key} }}}}。")
        self.tag("{%p endif %}")

    def case_numbers(self) -> None:
        """The document's own number (文号, 红桥议〔2026〕7号) under the title, when issued
        with one; case ids are internal references and appear in the text instead."""
        self.tag("{%p if doc_number|default('') %}")
        self.number("{{ doc_number }}")
        self.tag("{%p endif %}")

    def sign_lines(self, *who: str) -> None:
        """Signature lines (主持人（签字）：＿＿＿＿), kept with the text before them."""
        body = self.doc.element.body
        last = body[-2] if len(body) > 1 and body[-1].tag == qn("w:sectPr") else body[-1]
        if last.tag == qn("w:p"):
            self._keep_next(last)
        line = "　　".join(f"{w}（签字）：＿＿＿＿" for w in who)
        self._keep_next(self.para(line, style=S_PLAIN)._p)

    # tables ---------------------------------------------------------------------------
    def _widths(self, widths_mm: Sequence[float]) -> list[int]:
        total = sum(widths_mm)
        tw = [int(TEXT_W * w / total) for w in widths_mm]
        tw[-1] += TEXT_W - sum(tw)
        return tw

    def new_table(self, widths_mm: Sequence[float], n_rows: int):
        widths = self._widths(widths_mm)
        table = self.doc.add_table(rows=n_rows, cols=len(widths))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tblpr = table._tbl.tblPr
        tblw = tblpr.find(qn("w:tblW"))
        if tblw is None:
            tblw = OxmlElement("w:tblW")
            tblpr.append(tblw)
        tblw.set(qn("w:w"), str(TEXT_W))
        tblw.set(qn("w:type"), "dxa")
        for gc, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
            gc.set(qn("w:w"), str(w))
        for row in table.rows:
            # Rows do not break across pages (short form rows); see allow_split().
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            for cell, w in zip(row.cells, widths, strict=True):
                cell.width = Twips(w)
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        return table

    @staticmethod
    def allow_split(row) -> None:
        trpr = row._tr.get_or_add_trPr()
        for el in trpr.findall(qn("w:cantSplit")):
            trpr.remove(el)

    def fill(self, cell, text: str, style: str = S_CELL, east: str | None = None) -> None:
        """Cell text; a "\n" starts a new paragraph in the cell."""
        for i, line in enumerate(text.split("\n")):
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            p.style = self.doc.styles[style]
            # off the character grid here too: LibreOffice does not read it from the style
            snap = OxmlElement("w:snapToGrid")
            snap.set(qn("w:val"), "0")
            _insert_ppr(p._p.get_or_add_pPr(), snap)
            if line:
                self.run(p, line, east or (HEITI if style == S_HEAD else FANGSONG), TABLE_PT)

    @staticmethod
    def min_height(row, mm: float) -> None:
        trpr = row._tr.get_or_add_trPr()
        el = OxmlElement("w:trHeight")
        el.set(qn("w:val"), str(round(mm * 1440 / 25.4)))
        el.set(qn("w:hRule"), "atLeast")
        trpr.append(el)

    @staticmethod
    def repeat_header(row) -> None:
        trpr = row._tr.get_or_add_trPr()
        el = OxmlElement("w:tblHeader")
        trpr.append(el)

    def tag_row(self, table, row_idx: int, tag: str) -> None:
        row = table.rows[row_idx]
        merged = row.cells[0].merge(row.cells[-1]) if len(row.cells) > 1 else row.cells[0]
        self.fill(merged, tag, S_CELL)

    def list_table(
        self,
        loop: str,
        cols: Sequence[Col],
        extra_rows: Sequence[tuple[str, Sequence[str]]] = (),
        row_height_mm: float | None = None,
    ) -> None:
        """Header row (repeated on each page) + one row per item of ``loop``.

        ``loop`` is e.g. "it in t['items']". ``extra_rows`` are (tr-loop, cells) pairs for more
        looped rows (blank rows for the sign-in sheet).
        """
        n_rows = 4 + 3 * len(extra_rows)
        table = self.new_table([c.width_mm for c in cols], n_rows)
        header = table.rows[0]
        for cell, c in zip(header.cells, cols, strict=True):
            self.fill(cell, c.header, S_HEAD)
        self.repeat_header(header)
        self.tag_row(table, 1, f"{{%tr for {loop} %}}")
        for cell, c in zip(table.rows[2].cells, cols, strict=True):
            self.fill(cell, c.cell, S_CELL_C if c.centered else S_CELL)
        if row_height_mm:
            self.min_height(table.rows[2], row_height_mm)
        self.tag_row(table, 3, "{%tr endfor %}")
        r = 4
        for extra_loop, cells in extra_rows:
            self.tag_row(table, r, f"{{%tr for {extra_loop} %}}")
            for cell, text, c in zip(table.rows[r + 1].cells, cells, cols, strict=True):
                self.fill(cell, text, S_CELL_C if c.centered else S_CELL)
            if row_height_mm:
                self.min_height(table.rows[r + 1], row_height_mm)
            self.tag_row(table, r + 2, "{%tr endfor %}")
            r += 3

    def items_table(self, loop: str = "it in t['items']") -> None:
        self.list_table(
            loop,
            [
                # 14 pt: "2026年12月25日" needs 40 mm with LibreOffice's CJK/Latin spacing
                Col("序号", 12, "{{ loop.index }}"),
                Col("事项", 62, "{{ it.item }}", centered=False),
                Col("责任单位", 42, "{{ it.unit }}"),
                Col("办结时限", 40, "{{ it.deadline }}"),
            ],
        )

    def save(self, path: Path) -> None:
        buf = io.BytesIO()
        self.doc.save(buf)
        path.write_bytes(_finish_package(buf.getvalue()))


def _finish_package(data: bytes) -> bytes:
    """Zip-level clean-up: drop the thumbnail and stylesWithEffects of python-docx's default
    template, declare the Chinese fonts in fontTable.xml, make the zip deterministic."""
    src = zipfile.ZipFile(io.BytesIO(data))
    files = {n: src.read(n) for n in src.namelist()}
    drop = {"docProps/thumbnail.jpeg", "word/stylesWithEffects.xml"}
    for name in drop:
        files.pop(name, None)

    def edit(name: str, fn: Callable[[etree._Element], None]) -> None:
        root = etree.fromstring(files[name])
        fn(root)
        files[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def drop_rels(root) -> None:
        for rel in list(root):
            if rel.get("Target", "").split("/")[-1] in {"thumbnail.jpeg", "stylesWithEffects.xml"}:
                root.remove(rel)

    def drop_types(root) -> None:
        for el in list(root):
            if el.get("PartName") == "/word/stylesWithEffects.xml":
                root.remove(el)

    def add_fonts(root) -> None:
        w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        for name, alt, panose, charset, family, pitch in FONT_TABLE:
            font = etree.SubElement(root, f"{{{w}}}font")
            font.set(f"{{{w}}}name", name)
            for tag, val in (
                ("altName", alt),
                ("panose1", panose),
                ("charset", charset),
                ("family", family),
                ("pitch", pitch),
            ):
                etree.SubElement(font, f"{{{w}}}{tag}").set(f"{{{w}}}val", val)

    # app.xml names xsk, not the Word of python-docx's default template, and leaves the
    # page count to the reader (a template's "1 page" is wrong for every document)
    files["docProps/app.xml"] = (
        b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/docPropsVTypes"><Application>xsk</Application><DocSecurity>0</DocSecurity>'
        b"<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
        b"<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
        b"</Properties>"
    )

    def zoom(root) -> None:
        # ISO 29500 requires w:percent on w:zoom
        w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        for el in root.iter(f"{{{w}}}zoom"):
            el.set(f"{{{w}}}percent", "100")

    edit("word/settings.xml", zoom)
    edit("_rels/.rels", drop_rels)
    edit("word/_rels/document.xml.rels", drop_rels)
    edit("[Content_Types].xml", drop_types)
    edit("word/fontTable.xml", add_fonts)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, blob in files.items():
            dst.writestr(name, blob)
    return normalize_docx_bytes(out.getvalue())


# --------------------------------------------------------------------------------------
# The nine kinds
# --------------------------------------------------------------------------------------


def make_registration() -> Builder:
    b = Builder("registration")
    b.title()
    b.number("编号：{{ case.id }}")
    t = b.new_table([28, 50, 28, 50], 6)
    b.fill(t.rows[0].cells[0].merge(t.rows[0].cells[3]), "议题基本信息", S_HEAD)
    b.repeat_header(t.rows[0])
    b.fill(t.rows[1].cells[0], "议题名称", S_HEAD)
    b.fill(t.rows[1].cells[1].merge(t.rows[1].cells[3]), "{{ case.title }}")
    pairs = [
        ("来源渠道", "{{ case.channel }}", "受理日期", "{{ case.received_date }}"),
        ("受理人", "{{ case.received_by }}", "议题类别", "{{ case.category }}"),
        ("协商层级", "{{ case.level }}", "议事规程", "{{ case.procedure_name }}"),
    ]
    for i, (l1, v1, l2, v2) in enumerate(pairs, start=2):
        cells = t.rows[i].cells
        b.fill(cells[0], l1, S_HEAD)
        b.fill(cells[1], v1, S_CELL_C)
        b.fill(cells[2], l2, S_HEAD)
        b.fill(cells[3], v2, S_CELL_C)
    b.fill(t.rows[5].cells[0], "议题内容", S_HEAD)
    b.fill(t.rows[5].cells[1].merge(t.rows[5].cells[3]), "{{ case.description }}")
    b.allow_split(t.rows[5])
    b.blank()
    b.list_table(
        "p in case.proposers",
        [
            Col("序号", 14, "{{ loop.index }}"),
            Col("提出人", 30, "{{ p.name }}"),
            Col("联系电话", 44, "{{ p.phone }}"),
            Col("住址", 68, "{{ p.address }}", centered=False),
        ],
    )
    b.blank()
    t = b.new_table([28, 128], 3)
    b.fill(t.rows[0].cells[0].merge(t.rows[0].cells[1]), "受理意见", S_HEAD)
    b.repeat_header(t.rows[0])
    b.fill(t.rows[1].cells[0], "初审意见", S_HEAD)
    b.fill(t.rows[1].cells[1], "□列入协商议题　□转交有关部门　□不予受理（说明理由）")
    b.fill(t.rows[2].cells[0], "经办人", S_HEAD)
    b.fill(t.rows[2].cells[1], "签字：　　　　　　　　　　　年　　月　　日")
    b.signature(sealed=False)
    return b


def make_notice() -> Builder:
    b = Builder("notice")
    b.title()
    b.case_numbers()
    b.plain("各位居民朋友：")
    b.body(
        "为广泛听取居民意见，推动社区事务共商共议，{{ community }}定于{{ meeting.time }}"
        "在{{ meeting.venue }}以{{ meeting.form }}形式召开{{ meeting.title }}。"
        "现将有关事项通知如下："
    )
    b.h1("一、会议时间")
    b.body("{{ meeting.time }}")
    b.h1("二、会议地点")
    b.body("{{ meeting.venue }}")
    b.h1("三、协商形式")
    b.body("{{ meeting.form }}，由{{ meeting.host }}主持。")
    b.h1("四、协商议题")
    b.tag("{%p for t in meeting.topics %}")
    b.h2("（{{ loop.index|cn }}）{{ t.title }}")
    b.body("{{ t.summary }}（议题编号：{{ t.case_id }}）")
    b.tag("{%p endfor %}")
    b.h1("五、参加人员")
    b.body("{{ meeting.participants|join('、') }}。")
    b.h1("六、报名方式")
    b.body("{{ meeting.registration|sentence }}")
    b.h1("七、联系方式")
    b.body("{{ meeting.contact|sentence }}")
    b.tag("{%p if office_contact|default('') %}")
    b.body("监督电话：{{ office_contact }}。")
    b.tag("{%p endif %}")
    b.body("欢迎广大居民积极参与，有事好商量，众人的事情由众人商量。")
    b.body("特此通知。")
    b.signature()
    return b


def make_signin() -> Builder:
    b = Builder("signin")
    b.title()
    b.case_numbers()
    # the title names the meeting; time, place and form under it
    b.labeled("会议时间：", "{{ meeting.time }}", indent=0)
    b.labeled("会议地点：", "{{ meeting.venue }}", indent=0)
    b.labeled("协商形式：", "{{ meeting.form }}", indent=0)
    b.list_table(
        "r in rows",
        [
            # a sheet people sign: no attendance pre-filled, a unit wide enough not to wrap
            Col("序号", 12, "{{ r.no }}"),
            Col("姓名", 22, "{{ r.name }}"),
            Col("单位或身份", 82, "{{ r.unit }}", centered=False),
            Col("签名", 40, ""),
        ],
        row_height_mm=10,
        extra_rows=[
            (
                "i in range(blank_rows|default(6))",
                ["{{ rows|length + loop.index }}", "", "", ""],
            )
        ],
    )
    b.plain(("注：", HEITI), "现场参会人员请在空白行补充登记并签名。")
    b.signature(sealed=False)
    return b


def make_minutes() -> Builder:
    b = Builder("minutes")
    b.title()
    b.case_numbers()
    b.labeled("时间：", "{{ meeting.time }}")
    b.labeled("地点：", "{{ meeting.venue }}")
    b.labeled("形式：", "{{ meeting.form }}")
    b.labeled("主持人：", "{{ meeting.host }}")
    b.labeled("记录人：", "{{ meeting.recorder }}")
    b.labeled("出席：", "{{ meeting.present|join('、') or '无' }}")
    b.labeled("请假：", "{{ meeting.leave|join('、') or '无' }}")
    b.labeled("列席：", "{{ meeting.observers|join('、') or '无' }}")
    b.body("{{ meeting.title }}共协商议题{{ meeting.topics|length }}项。现将会议议定事项纪要如下：")
    b.tag("{%p for t in meeting.topics %}")
    b.h1("{{ loop.index|cn }}、{{ t.title }}")
    b.body("议题编号：{{ t.case_id }}")
    b.h2("（一）议题背景")
    b.body("{{ t.background }}")
    b.h2("（二）发言情况")
    b.tag("{%p for s in t.speeches %}")
    b.body(
        ("{{ s.speaker }}{% if s.side %}（{{ s.side }}）{% endif %}：", KAITI),
        "{{ s.summary }}",
    )
    b.tag("{%p else %}")
    b.body("无。")
    b.tag("{%p endfor %}")
    b.h2("（三）表决情况")
    b.tag("{%p if t.vote %}")
    b.body("表决规则：{{ t.vote.rule_name }}。")
    b.body("{{ t.vote.record }}")
    b.tag("{%p else %}")
    b.body("本议题经协商达成一致意见，未进行表决。")
    b.tag("{%p endif %}")
    b.h2("（四）议定事项")
    b.tag("{%p for r in t.resolutions %}")
    b.body("{{ loop.index }}. {{ r|sentence }}")
    b.tag("{%p else %}")
    b.body("未形成议定事项。")
    b.tag("{%p endfor %}")
    b.h2("（五）责任分工")
    b.tag("{%p if t['items'] %}")
    b.items_table()
    b.provisional_note("t.provisional_note", "表中办结时限")
    b.tag("{%p else %}")
    b.body("本议题无需分解责任事项。")
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")
    b.blank()
    b.sign_lines("主持人", "记录人")
    b.signature()
    return b


def make_result() -> Builder:
    b = Builder("result")
    b.title()
    b.case_numbers()
    b.tag("{%p if correction|default('') %}")
    b.body("{{ correction }}")
    b.tag("{%p endif %}")
    b.body(
        "{{ community }}按照社区协商议事规程，就下列议题组织开展了协商，"
        "现将协商结果予以公示，接受居民监督。"
    )
    b.tag("{%p for t in topics %}")
    b.h1("{{ loop.index|cn }}、{{ t.title }}")
    b.body("议题编号：{{ t.case_id }}")
    b.h2("（一）协商情况")
    b.body("{{ t.summary }}")
    b.h2("（二）协商结果")
    b.tag("{%p for r in t.resolutions %}")
    b.body("{{ loop.index }}. {{ r|sentence }}")
    b.tag("{%p endfor %}")
    b.tag("{%p if t['items'] %}")
    b.h2("（三）责任分工")
    b.items_table()
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")
    b.h1("{{ (topics|length + 1)|cn }}、公示期限及意见反馈")
    b.body(
        "公示期为{{ publicity.start }}至{{ publicity.end }}"
        "（共{{ publicity.days }}{{ publicity.unit|default('个工作日') }}）。"
        "{{ objection_channel|sentence }}公示期满无异议的，按程序组织实施。"
    )
    b.tag("{%p if office_contact|default('') %}")
    b.body("监督电话：{{ office_contact }}。")
    b.tag("{%p endif %}")
    b.provisional_note("provisional_note", "公示期和办结时限")
    b.body("特此公示。")
    b.signature()
    return b


def make_responsibility() -> Builder:
    b = Builder("responsibility")
    b.title()
    b.case_numbers()
    b.plain("{{ unit }}：")
    # towards a body above the community (街道、区直部门) a request in 函 wording, towards
    # a unit below or beside it (物业、业委会) a plain instruction
    b.tag("{%p if supervision and higher|default(false) %}")
    b.body(
        "根据社区协商议事会议议定事项，下列{{ items|length }}项事项由贵单位认领办理。"
        "截至{{ date }}，其中{{ items|selectattr('overdue')|list|length }}项已超过办结时限。"
        "恳请贵单位予以支持，并于{{ reply_by }}前将办理情况函复{{ issuer }}为盼。"
    )
    b.tag("{%p elif supervision %}")
    b.body(
        "根据社区协商议事会议议定事项，下列{{ items|length }}项事项由你单位认领办理。"
        "经督办核查，截至{{ date }}，其中{{ items|selectattr('overdue')|list|length }}项"
        "已超过办结时限。请抓紧推进，并于{{ reply_by }}前将办理情况书面反馈至{{ issuer }}。"
        "未能按期办结的，请说明原因及下一步措施。"
    )
    b.tag("{%p elif higher|default(false) %}")
    b.body(
        "根据社区协商议事会议议定事项，现将涉及贵单位的{{ items|length }}项事项清单送达，"
        "恳请贵单位予以支持，按办结时限研究办理，并于{{ reply_by }}前函复办理进展为盼。"
    )
    b.tag("{%p else %}")
    b.body(
        "根据社区协商议事会议议定事项，现将你单位认领的{{ items|length }}项事项清单送达，"
        "请按办结时限抓紧办理，并于{{ reply_by }}前反馈办理进展。"
    )
    b.tag("{%p endif %}")
    b.list_table(
        "it in items",
        [
            # 14 pt: "2026年12月25日" needs 40 mm, "已办结" 18 mm; the matter gets the room
            Col("序号", 12, "{{ loop.index }}"),
            Col("议题", 36, "{{ it.title }}（{{ it.case_id }}）", centered=False),
            Col("办理事项", 50, "{{ it.item }}", centered=False),
            Col("办结时限", 40, "{{ it.deadline }}"),
            Col("办理状态", 18, "{{ it.status }}"),
        ],
    )
    b.provisional_note("provisional_note", "办结时限和反馈日期")
    b.tag("{%p if supervisor %}")
    b.labeled("督办单位：", "{{ supervisor }}", indent=0)
    b.tag("{%p endif %}")
    b.labeled("签收人：", "　　　　　　　　签收日期：　　年　　月　　日", indent=0)
    b.signature()
    b.tag("{%p if supervision %}")
    b.para(
        "- - - - - - - - - - - - - - - （沿此线剪下）- - - - - - - - - - - - - - -", style=S_CENTER
    )
    b.para("回　执", style=S_CENTER, font=HEITI)
    t = b.new_table([36, 120], 4)
    for i, (label, value) in enumerate(
        (
            ("督办单", "{{ doc_number|default('') or doc_title }}"),
            ("办理情况", ""),
            ("未办结原因\n及下一步措施", ""),
            ("经办人", "签字：　　　　　　　　　　　　年　　月　　日"),
        )
    ):
        b.fill(t.rows[i].cells[0], label, S_HEAD)
        b.fill(t.rows[i].cells[1], value)
        if i in (1, 2):
            b.min_height(t.rows[i], 22)
    b.plain("请于{{ reply_by }}前将回执送交{{ issuer }}。")
    b.tag("{%p endif %}")
    return b


def make_reply() -> Builder:
    b = Builder("reply")
    b.title()
    b.case_numbers()
    b.plain("{{ greeting|default(proposer ~ '同志') }}：")
    b.body(
        '您提出的“{{ case.title }}”议题{{ opening if opening is defined else "已办理完毕" }}，'
        "现将办理情况答复如下。"
    )
    b.h1("一、办理结果")
    b.body("{{ result }}")
    b.h1("二、办理过程")
    b.tag("{%p for h in handling %}")
    b.body("{{ loop.index }}. {{ h|sentence }}")
    b.tag("{%p endfor %}")
    b.h1("三、联系方式")
    b.body("如对办理结果有疑问或意见，请联系：{{ contact }}。感谢您对社区工作的关心和支持！")
    b.h1("四、评价意见")
    b.body("请您对本议题的办理结果作出评价：")
    b.body("□满意　　□基本满意　　□不满意")
    b.body("提出人签字：　　　　　　　　日期：　　年　　月　　日")
    b.signature()
    return b


def make_visit() -> Builder:
    b = Builder("visit")
    b.title()
    b.number("议题编号：{{ case.id }}")
    b.labeled("议题名称：", "{{ case.title }}", indent=0)
    b.h1("一、回访记录")
    b.list_table(
        "v in visits",
        [
            # 14 pt: "2026年12月25日" needs 40 mm with the cell margins
            Col("回访日期", 40, "{{ v.date }}"),
            Col("回访人", 18, "{{ v.visitor }}"),
            Col("回访方式", 22, "{{ v.method }}"),
            Col("满意度", 22, "{{ v.satisfaction }}"),
            Col("意见建议", 54, "{{ v.comment }}", centered=False),
        ],
    )
    b.h1("二、评议情况")
    b.tag("{%p if ratings %}")
    b.list_table(
        "r in ratings",
        [
            Col("序号", 14, "{{ loop.index }}"),
            Col("被评议单位", 48, "{{ r.unit }}"),
            Col("评分", 20, "{{ r.score }}"),
            Col("评议意见", 74, "{{ r.comment }}", centered=False),
        ],
    )
    b.tag("{%p else %}")
    b.body("本议题暂无对责任单位的评议记录。")
    b.tag("{%p endif %}")
    b.plain(
        ("注：", HEITI), "评分为5分制：5分很满意，4分满意，3分基本满意，2分不满意，1分很不满意。"
    )
    b.blank()
    b.sign_lines("回访人", "被回访人")
    b.signature(sealed=False)
    return b


def make_report() -> Builder:
    b = Builder("report")
    b.title()
    b.case_numbers()
    b.para("（{{ period }}）", style=S_CENTER, font=KAITI)
    b.h1("一、总体情况")
    b.tag("{%p for line in summary_lines %}")
    b.body("{{ line }}")
    b.tag("{%p endfor %}")
    b.tag("{%p for tb in tables %}")
    b.h1("{{ (loop.index + 1)|cn }}、{{ tb.heading }}")
    # Dynamic columns: docxtpl's {%tc %} removes the cells holding it. The first column
    # names the row (a category, a unit) and stays outside the loop, twice as wide.
    table = b.new_table([56, 20, 60, 20], 6)
    header = table.rows[0].cells
    b.fill(header[0], "{{ tb.columns[0] }}", S_HEAD)
    b.fill(header[1], "{%tc for c in tb.columns[1:] %}", S_HEAD)
    b.fill(header[2], "{{ c }}", S_HEAD)
    b.fill(header[3], "{%tc endfor %}", S_HEAD)
    b.repeat_header(table.rows[0])
    b.tag_row(table, 1, "{%tr for row in tb.rows %}")
    data = table.rows[2].cells
    b.fill(data[0], "{{ row[0] }}", S_CELL_C)
    b.fill(data[1], "{%tc for v in row[1:] %}", S_CELL_C)
    b.fill(data[2], "{{ v }}", S_CELL_C)
    b.fill(data[3], "{%tc endfor %}", S_CELL_C)
    b.tag_row(table, 3, "{%tr endfor %}")
    # Rows 4 and 5 are removed below (python-docx cannot create a 4-row table with merges
    # as easily as a 6-row one and delete two).
    for row in list(table.rows)[4:]:
        table._tbl.remove(row._tr)
    b.tag("{%p endfor %}")
    # each chart numbered, its caption under it (图1 各类议题数量), 83 mm tall at most: two
    # share a page, and they follow the tables without a heading of their own (LibreOffice
    # does not keep a heading with a picture: it would stand alone at the foot of a page)
    b.tag("{%p if charts %}")
    b.tag("{%p for ch in charts %}")
    b.para("{{ ch.image }}", style=S_FIGURE)
    b.para("图{{ loop.index }} {{ ch.heading }}", style=S_CAPTION)
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.tag("{%p if definitions is defined %}")
    b.h1("{{ (tables|length + 2)|cn }}、说明")
    b.tag("{%p for d in definitions %}")
    b.body("{{ loop.index }}. {{ d }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.signature()
    return b


MAKERS: dict[str, Callable[[], Builder]] = {
    "registration": make_registration,
    "notice": make_notice,
    "signin": make_signin,
    "minutes": make_minutes,
    "result": make_result,
    "responsibility": make_responsibility,
    "reply": make_reply,
    "visit": make_visit,
    "report": make_report,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    out = Path(args[0]) if args else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)
    for kind, maker in MAKERS.items():
        path = out / f"{kind}.docx"
        maker().save(path)
        print(f"已生成 {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
