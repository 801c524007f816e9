"""Render official documents (GB/T 9704-2012 layout) from editable .docx templates.

Templates are ordinary Word documents containing docxtpl/Jinja tags. Rendering runs in a
sandboxed, autoescaping Jinja environment; afterwards the output is normalised (East Asian
fonts on every run, core properties, table widths), optionally converted to Traditional
Chinese, scanned for privacy leaks when the document is public, and written atomically as a
byte-for-byte deterministic .docx file.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

import xsk

__all__ = [
    "DOC_KINDS",
    "PUBLIC_KINDS",
    "RENDERER_VERSION",
    "PrivacyLeakError",
    "TemplateError",
    "TemplateNotFoundError",
    "builtin_templates_dir",
    "chinese_numeral",
    "extract_text",
    "extract_text_bytes",
    "find_leaks_local",
    "find_template",
    "make_jinja_env",
    "normalize_docx_bytes",
    "render_document",
    "render_document_bytes",
    "to_traditional",
]

# Bump whenever the rendering pipeline changes in a way that alters output bytes: the batch
# builder folds this into its cache key.
RENDERER_VERSION = "6"

from xsk.kinds import DOC_KINDS, PUBLIC_KINDS  # noqa: E402  (kind -> Chinese name)

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


class TemplateError(Exception):
    """A document template is missing, unreadable or has a Jinja error."""


class TemplateNotFoundError(TemplateError):
    """No template for the requested kind exists in any template directory."""


class PrivacyLeakError(Exception):
    """A public document contains personal data (phone, ID number, known private text)."""

    def __init__(self, message: str, leaks: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.leaks = list(leaks)


# --------------------------------------------------------------------------------------
# Template lookup
# --------------------------------------------------------------------------------------


def builtin_templates_dir() -> Path:
    """Directory holding the built-in document templates.

    An installed package keeps them in ``xsk/_templates/documents``; a source checkout keeps
    them in the top-level ``templates/documents``. The installed location wins.
    """
    installed = Path(xsk.__file__).resolve().parent / "_templates" / "documents"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "templates" / "documents"


def find_template(kind: str, template_dirs: Sequence[Path]) -> Path:
    """First ``<dir>/<kind>.docx`` found in ``template_dirs`` order."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", kind):
        raise TemplateNotFoundError(f"文书类型名称无效：{kind!r}")
    searched = []
    for d in template_dirs:
        candidate = Path(d) / f"{kind}.docx"
        searched.append(str(candidate))
        if candidate.is_file():
            return candidate
    raise TemplateNotFoundError(
        f"找不到“{DOC_KINDS.get(kind, kind)}”的文书模板 {kind}.docx，已查找：" + "；".join(searched)
    )


# --------------------------------------------------------------------------------------
# Jinja environment
# --------------------------------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: Any) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五 (for headings 一、二、…)."""
    try:
        n = int(n)
    except (TypeError, ValueError):
        return str(n)
    if n < 0:
        return "负" + chinese_numeral(-n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        head = _CN_DIGITS[n // 100] + "百"
        if rest == 0:
            return head
        if rest < 10:
            return head + "零" + _CN_DIGITS[rest]
        if rest < 20:
            return head + "一" + chinese_numeral(rest)
        return head + chinese_numeral(rest)
    return str(n)


class _DocEnvironment(SandboxedEnvironment):
    """Sandboxed environment where ``d.items`` means the key "items", not ``dict.items``.

    Compiled templates are kept per process: docxtpl hands over the same preprocessed XML
    for every document built from one template, and compiling it was a third of the time.
    """

    _compiled: ClassVar[dict[str, Any]] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        cached = _DocEnvironment._compiled.get(source)
        if cached is None:
            if len(_DocEnvironment._compiled) > 64:
                _DocEnvironment._compiled.clear()
            cached = super().from_string(source)
            _DocEnvironment._compiled[source] = cached
        return cached

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Mapping) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


_ENV: SandboxedEnvironment | None = None


def make_jinja_env() -> SandboxedEnvironment:
    """The environment used for every template (sandboxed, autoescaping), one per process."""
    global _ENV
    if _ENV is None:
        # StrictUndefined: a misspelt field in an edited template is an error, not a blank.
        _ENV = _DocEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)
        _ENV.filters["cn"] = chinese_numeral
    return _ENV


# --------------------------------------------------------------------------------------
# Context preparation
# --------------------------------------------------------------------------------------

# Characters that are not allowed in XML 1.0, plus \a and \f which docxtpl would turn into
# paragraph and page breaks.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean_str(s: str) -> str:
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_BAD.sub("", s)


def _clean_context(value: Any) -> Any:
    """Plain-data copy of the context with XML-unsafe characters removed."""
    if isinstance(value, str):
        return _clean_str(value)
    if isinstance(value, Mapping):
        return {str(k): _clean_context(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean_context(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def image_holders(value: Any) -> Iterator[Mapping[str, Any]]:
    """Every mapping in ``value`` (nested in mappings, lists and tuples) that names a picture
    in ``image_path`` (the report's charts), parents before their children."""
    if isinstance(value, Mapping):
        path = value.get("image_path")
        if isinstance(path, (str, Path)) and path:
            yield value
        for v in value.values():
            yield from image_holders(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from image_holders(v)


def _attach_images(value: Any, tpl: Any) -> None:
    """Give every dict that has an ``image_path`` an ``image`` InlineImage (for charts)."""
    from docx.shared import Mm
    from docxtpl import InlineImage

    for holder in list(image_holders(value)):
        if isinstance(holder, dict) and "image" not in holder:
            p = Path(holder["image_path"])
            if not p.is_file():
                raise FileNotFoundError(f"图表图片文件不存在：{p}")
            holder["image"] = InlineImage(tpl, str(p), width=Mm(150))


@lru_cache(maxsize=1)
def _s2t() -> Any:
    from opencc import OpenCC

    return OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified -> Traditional Chinese (OpenCC s2t)."""
    return _s2t().convert(text) if text else text


_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _fixed_datetime(date_text: Any) -> _dt.datetime:
    """Deterministic timestamp for core properties, from the context's date string."""
    if isinstance(date_text, str):
        m = _DATE_RE.search(date_text) or re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", date_text)
        if m:
            with contextlib.suppress(ValueError):
                return _dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return _dt.datetime(2000, 1, 1)


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


def _insert_ordered(parent: Any, child: Any, order: list[str]) -> None:
    name = etree.QName(child).localname
    idx = order.index(name)
    later = {_w(n) for n in order[idx + 1 :]}
    for i, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(i, child)
            return
    parent.append(child)


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


def _enforce_run_fonts(root: Any, styles: _StyleInfo) -> None:
    """Every run gets an explicit East Asian font (and a size when nothing gives one)."""
    for p in root.iter(_P):
        style_east, style_sz = styles.resolve(_style_id(p.find(_PPR)))
        for r in p.iter(_R):
            rpr = r.find(_RPR)
            if rpr is None:
                rpr = etree.Element(_RPR)
                r.insert(0, rpr)
            fonts = rpr.find(_RFONTS)
            if fonts is None:
                fonts = etree.Element(_RFONTS)
                _insert_ordered(rpr, fonts, _RPR_ORDER)
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
                        _insert_ordered(rpr, el, _RPR_ORDER)


_TCPR, _GRIDSPAN = _w("tcPr"), _w("gridSpan")


def _grid_span(tc: Any) -> int:
    tcpr = tc.find(_TCPR)
    if tcpr is not None:
        gs = tcpr.find(_GRIDSPAN)
        if gs is not None:
            with contextlib.suppress(TypeError, ValueError):
                return max(1, int(gs.get(_VAL)))
    return 1


def _fix_table_widths(root: Any) -> None:
    """Make table grids consistent and no wider than the 156 mm text block.

    docxtpl's column loops ({%tc %}) leave cell widths of the template; rebuild them from the
    grid so the table fits the page.
    """
    for tbl in root.iter(_w("tbl")):
        grid = tbl.find(_w("tblGrid"))
        if grid is None:
            continue
        cols = grid.findall(_w("gridCol"))
        rows = tbl.findall(_w("tr"))
        if not cols or not rows:
            continue
        widths = []
        for c in cols:
            try:
                widths.append(int(float(c.get(_w("w")) or 0)))
            except ValueError:
                widths.append(0)
        n_cols = max(sum(_grid_span(tc) for tc in tr.findall(_w("tc"))) for tr in rows)
        total = sum(widths)
        consistent = n_cols == len(cols) and total <= TEXT_WIDTH_TWIPS + 20 and all(widths)
        if consistent:
            # Check the cells agree with the grid.
            for tr in rows:
                i = 0
                for tc in tr.findall(_w("tc")):
                    span = _grid_span(tc)
                    want = sum(widths[i : i + span])
                    i += span
                    tcw = tc.find(f"{_w('tcPr')}/{_w('tcW')}")
                    if tcw is not None and tcw.get(_w("type"), "dxa") == "dxa":
                        try:
                            have = int(float(tcw.get(_w("w")) or 0))
                        except ValueError:
                            have = 0
                        if abs(have - want) > 20:
                            consistent = False
            if consistent:
                continue
        # docxtpl rescales grids with truncating division: a grid a few twips short of the
        # text block is meant to fill it.
        target = TEXT_WIDTH_TWIPS if total <= 0 or total > TEXT_WIDTH_TWIPS - 50 else total
        spans = [_grid_span(tc) for tr in rows for tc in tr.findall(_w("tc"))]
        if all(span == 1 for span in spans):
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
            el = etree.SubElement(grid, _w("gridCol"))
            el.set(_w("w"), str(w))
        for tr in rows:
            i = 0
            for tc in tr.findall(_w("tc")):
                span = _grid_span(tc)
                want = sum(new[i : i + span])
                i += span
                tcpr = tc.find(_w("tcPr"))
                if tcpr is None:
                    tcpr = etree.Element(_w("tcPr"))
                    tc.insert(0, tcpr)
                tcw = tcpr.find(_w("tcW"))
                if tcw is None:
                    tcw = etree.Element(_w("tcW"))
                    # tcW follows cnfStyle only.
                    cnf = tcpr.find(_w("cnfStyle"))
                    tcpr.insert(1 if cnf is not None else 0, tcw)
                tcw.set(_w("w"), str(want))
                tcw.set(_w("type"), "dxa")
        tblpr = tbl.find(_w("tblPr"))
        if tblpr is not None:
            tblw = tblpr.find(_w("tblW"))
            if tblw is not None:
                tblw.set(_w("w"), str(target))
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


def _core_values(
    kind: str, context: Mapping[str, Any], public: bool, traditional: bool
) -> dict[str, Any]:
    """The document properties: title = the kind, category = 公开/内部, keywords = case ids."""
    title = DOC_KINDS.get(kind) or str(context.get("doc_title") or kind)
    if kind == "responsibility" and context.get("supervision"):
        title = "督办单"
    case_ids = context.get("case_ids") or []
    if isinstance(case_ids, str):
        case_ids = [case_ids]
    issuer = str(context.get("issuer") or "")
    stamp = _fixed_datetime(context.get("date"))
    conv = to_traditional if traditional else (lambda s: s)
    return {
        "title": conv(title),
        "subject": conv(str(context.get("doc_title") or "")),
        "author": conv(issuer),
        "keywords": "、".join(str(c) for c in case_ids),
        "comments": "",
        "last_modified_by": conv(issuer),
        "revision": 1,
        "created": stamp,
        "modified": stamp,
        "category": conv("公开" if public else "内部"),
        "identifier": "",
        "language": "zh-TW" if traditional else "zh-CN",
        "content_status": "",
        "version": "",
        "last_printed": stamp,
    }


def _set_core_properties(document: Any, values: Mapping[str, Any]) -> None:
    cp = document.core_properties
    for key, value in values.items():
        setattr(cp, key, value)


# --------------------------------------------------------------------------------------
# Determinism and atomic writes
# --------------------------------------------------------------------------------------


def normalize_docx_bytes(data: bytes) -> bytes:
    """Rewrite a .docx zip with constant timestamps and a stable entry order."""
    from xsk.render.docx_package import entry_order, write_zip

    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return write_zip([(n, src.read(n)) for n in entry_order(src.namelist())])


def _atomic_write(path: Path, data: bytes) -> None:
    """Temp file, fsync, rename: a crash leaves the old file or the new one."""
    from xsk.store.atomic import write_bytes

    write_bytes(path, data)


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


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------


def _docxtpl_source(tpl: Any, part: Any) -> str:
    """The part's XML as docxtpl hands it to Jinja (one paragraph per line)."""
    try:
        xml = tpl.get_xml() if part is tpl.docx.part else tpl.get_part_xml(part)
        from xsk.render.docx_package import with_lines

        return with_lines(tpl.patch_xml(xml))
    except Exception:
        return ""


def _source_line(source: str, lineno: int) -> str:
    """Text of line ``lineno`` of a part's template source, without the XML tags."""
    lines = source.splitlines()
    if not 1 <= lineno <= len(lines):
        return ""
    return re.sub(r"<[^>]+>", "", lines[lineno - 1]).strip()


def _runtime_lineno(exc: BaseException) -> int | None:
    """Template line of a runtime error: Jinja rewrites tracebacks so that template frames
    carry the template's line numbers."""
    lineno = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def _template_error(
    template: Path, part: str | None, source: Callable[[], str], exc: Exception
) -> TemplateError:
    lineno = getattr(exc, "lineno", None)
    if lineno is None:
        lineno = _runtime_lineno(exc)
    if isinstance(exc, jinja2.UndefinedError):
        detail = f"模板引用了上下文中不存在的字段（{exc.message}）"
    elif isinstance(exc, jinja2.exceptions.SecurityError):
        detail = f"模板中有不允许的操作（{exc.message}）"
    elif isinstance(exc, jinja2.TemplateSyntaxError):
        detail = f"模板标签语法错误（{exc.message}）"
    elif isinstance(exc, jinja2.TemplateError):
        detail = f"模板错误（{exc.message}）"
    else:
        detail = f"计算模板表达式时出错（{type(exc).__name__}: {exc}）"
    snippet = _source_line(source(), lineno) if lineno and part else ""
    msg = f"文书模板 {template} 有错误"
    if part:
        msg += f"（{part}）"
    if lineno is not None:
        msg += f"：第 {lineno} 行（模板 XML 预处理后的行号，每个段落占一行）"
    msg += f"，{detail}"
    if snippet:
        msg += f"。出错位置的文字：“{snippet[:120]}”"
    err = TemplateError(msg)
    err.template = template  # type: ignore[attr-defined]
    err.lineno = lineno  # type: ignore[attr-defined]
    return err


_TEMPLATE_CLASS: Any = None


def _template_class() -> Any:
    """DocxTemplate that keeps docxtpl's regex preprocessing of each template's XML: the
    same template gives the same XML, and the preprocessing was a tenth of each document."""
    global _TEMPLATE_CLASS
    if _TEMPLATE_CLASS is None:
        from docxtpl import DocxTemplate

        patched: dict[str, str] = {}

        class CachedTemplate(DocxTemplate):  # type: ignore[misc]
            def patch_xml(self, src_xml: str) -> str:
                out = patched.get(src_xml)
                if out is None:
                    if len(patched) > 64:
                        patched.clear()
                    out = patched[src_xml] = super().patch_xml(src_xml)
                return out

        _TEMPLATE_CLASS = CachedTemplate
    return _TEMPLATE_CLASS


class _DocxtplSteps:
    """docxtpl's steps after Jinja (they use nothing of the template object), for the
    prepared-template path."""

    def __init__(self) -> None:
        from docxtpl import DocxTemplate

        self.base = DocxTemplate

    def patch_xml(self, xml: str) -> str:
        return self.base.patch_xml(self, xml)

    def resolve_listing(self, xml: str) -> str:
        return self.base.resolve_listing(self, xml)

    def fix_tables(self, xml: str) -> Any:
        return self.base.fix_tables(self, xml)

    def fix_docpr_ids(self, tree: Any) -> None:
        # docxtpl renumbers drawing ids from 1001 in each document
        wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
        for i, elt in enumerate(tree.iter(f"{{{wp}}}docPr"), start=1001):
            elt.attrib["id"] = str(i)


_PREPARED: dict[tuple[str, int, int], Any] = {}
_STEPS: _DocxtplSteps | None = None


def _prepared(template: Path) -> tuple[Any, _StyleInfo | None]:
    """The template read once per process (None when only docxtpl can render it) and the
    style chain of its styles part."""
    global _STEPS
    from xsk.render import docx_package

    st = template.stat()
    key = (str(template), st.st_mtime_ns, st.st_size)
    found = _PREPARED.get(key)
    if found is None:
        if _STEPS is None:
            _STEPS = _DocxtplSteps()
        try:
            with zipfile.ZipFile(template) as z:
                raw = {n: z.read(n) for n in z.namelist() if not n.endswith("/")}
            prep = docx_package.prepare(template, raw, _STEPS.patch_xml)
        except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError) as exc:
            raise TemplateError(
                f"文书模板 {template} 无法打开，不是有效的 Word 文档：{exc}"
            ) from exc
        # without the prepared package, docxtpl reads the styles through python-docx
        styles = _StyleInfo(prep.styles_root) if prep is not None else None
        if len(_PREPARED) > 32:
            _PREPARED.clear()
        found = _PREPARED[key] = (prep, styles)
    return found


def warm(kinds: Iterable[str], template_dirs: Sequence[Path]) -> None:
    """Read the templates of ``kinds`` and compile their Jinja sources now: a process pool
    forked afterwards starts with them ready instead of every worker doing it again."""
    env = make_jinja_env()
    for kind in dict.fromkeys(kinds):
        with contextlib.suppress(TemplateError):
            prep, _ = _prepared(find_template(kind, template_dirs))
            if prep is not None:
                for part in (prep.body, *prep.others):
                    with contextlib.suppress(Exception):  # reported when the job renders
                        env.from_string(part.source)


def _postprocess(styles: _StyleInfo, traditional: bool) -> Callable[[Any], None]:
    def run(root: Any) -> None:
        _split_line_breaks(root, styles)
        _enforce_run_fonts(root, styles)
        _fix_table_widths(root)
        if traditional:
            _convert_text_nodes(root)

    return run


def render_document_bytes(
    kind: str,
    context: Mapping[str, Any],
    *,
    template_dirs: Sequence[Path],
    public: bool,
    traditional: bool = False,
) -> bytes:
    """Render to deterministic .docx bytes (no leak scan, nothing written)."""
    from xsk.render import docx_package

    template = find_template(kind, template_dirs)
    ctx = _clean_context(copy.deepcopy(dict(context)))
    core = _core_values(kind, ctx, public, traditional)
    prep, styles = _prepared(template)
    if prep is None or next(image_holders(ctx), None) is not None:
        return _render_with_docxtpl(template, ctx, core, traditional)
    assert styles is not None and _STEPS is not None
    try:
        return docx_package.render(
            prep,
            ctx,
            env=make_jinja_env(),
            docxtpl_steps=_STEPS,
            postprocess=_postprocess(styles, traditional),
            core_xml=docx_package.core_properties_xml(core),
            variant=traditional,
        )
    except docx_package.PartError as exc:
        part = exc.part
        raise _template_error(
            template, "/" + part.name, lambda: part.source, exc.cause
        ) from exc.cause
    except etree.XMLSyntaxError as exc:
        raise TemplateError(f"文书模板 {template} 渲染后不是有效的 XML：{exc}") from exc


def _render_with_docxtpl(
    template: Path, ctx: dict[str, Any], core: Mapping[str, Any], traditional: bool
) -> bytes:
    """docxtpl's own way: python-docx opens the template for each document. Used for
    documents with pictures (docxtpl adds the media parts) and packages the prepared path
    does not handle."""
    try:
        tpl = _template_class()(str(template))
        tpl.init_docx()
    except Exception as exc:
        raise TemplateError(f"文书模板 {template} 无法打开，不是有效的 Word 文档：{exc}") from exc
    _attach_images(ctx, tpl)
    # docxtpl renders some core properties as templates; they are all set below anyway, and
    # a stray brace typed into them in Word must not break rendering.
    cp = tpl.docx.core_properties
    for prop in ("author", "comments", "identifier", "language", "subject", "title"):
        setattr(cp, prop, "")
    env = make_jinja_env()
    try:
        tpl.render(ctx, jinja_env=env, autoescape=True)
    except etree.XMLSyntaxError as exc:
        raise TemplateError(f"文书模板 {template} 渲染后不是有效的 XML：{exc}") from exc
    except Exception as exc:  # everything raised while evaluating the template
        part_obj = getattr(tpl, "current_rendering_part", None)
        raise _template_error(
            template,
            getattr(part_obj, "partname", None),
            lambda: _docxtpl_source(tpl, part_obj),
            exc,
        ) from exc

    document = tpl.docx
    styles = _StyleInfo(document.styles.element)
    for root in _content_parts(document):
        _postprocess(styles, traditional)(root)
    _set_core_properties(document, core)

    buf = io.BytesIO()
    tpl.save(buf)
    return normalize_docx_bytes(buf.getvalue())


def render_document(
    kind: str,
    context: Mapping[str, Any],
    out_path: Path,
    *,
    template_dirs: Sequence[Path],
    public: bool,
    traditional: bool = False,
    known_private: Iterable[str] = (),
    allowed_public: Iterable[str] = (),
    scan: Mapping[str, Any] | None = None,
) -> Path:
    """Render ``kind`` with ``context`` to ``out_path`` and return the path.

    Raises TemplateError for a missing or broken template and PrivacyLeakError when a public
    document would show private data (``xsk.publiccheck``: phones, ID numbers, addresses,
    WeChat/QQ ids, plates, one of ``known_private``, and with ``scan`` — the public view's
    allowed and private names — residents' names); in that case no file is left at
    ``out_path`` and the message names the context field the finding came from.
    ``allowed_public`` lists values that may appear on a public document although they look
    private (e.g. the community office's published phone number).
    """
    out_path = Path(out_path)
    data = render_document_bytes(
        kind, context, template_dirs=template_dirs, public=public, traditional=traditional
    )
    if public:
        from xsk.publiccheck import refuse_leaks

        try:
            refuse_leaks(
                data,
                context,
                title=str(context.get("doc_title") or DOC_KINDS.get(kind, kind)),
                out_name=out_path.name,
                known=[str(k) for k in known_private if k],
                allowed=[str(a) for a in allowed_public if a],
                scan=scan,
                traditional=traditional,
            )
        except PrivacyLeakError:
            with contextlib.suppress(FileNotFoundError):
                out_path.unlink()
            raise
    _atomic_write(out_path, data)
    return out_path
