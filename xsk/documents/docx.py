"""Render official documents (GB/T 9704-2012 layout) from editable .docx templates.

Templates are ordinary Word documents containing docxtpl/Jinja tags. Rendering runs in a
sandboxed, autoescaping Jinja environment; afterwards the output is normalised (East Asian
fonts on every run, core properties, table widths), optionally converted to Traditional
Chinese, scanned for privacy leaks when the document is public, and written atomically as a
byte-for-byte deterministic .docx file.

Why this module is long: the rendering pipeline in docxtpl's order (context, Jinja, post-processing, write) reads top to bottom in one place; the post-processing passes and the text scan already live in ``docx_layout`` and ``docx_text``.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from xsk.documents import bounds
from xsk.documents.docx_keep import keep_together
from xsk.documents.docx_layout import (
    _content_parts,
    _convert_text_nodes,
    _enforce_run_fonts,
    _fix_table_widths,
    _split_line_breaks,
    _StyleInfo,
    to_traditional,
)
from xsk.documents.docx_signoff import place_signoff
from xsk.documents.docx_text import (
    PrivacyLeakError,
    extract_text,
    extract_text_bytes,
    find_leaks_local,
)
from xsk.rules.wording import join_broken_lines, sentence

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

# The renderer version (bump it in documents/builtin.py whenever the rendering pipeline
# changes output bytes) and the built-in templates' folder live in a module without jinja2
# or lxml: a no-change build needs them and nothing else of this one.
from xsk.core.kinds import DOC_KINDS, KIND_NAMES, PUBLIC_KINDS
from xsk.documents.builtin import RENDERER_VERSION, builtin_templates_dir


class TemplateError(Exception):
    """A document template is missing, unreadable or has a Jinja error."""


class TemplateNotFoundError(TemplateError):
    """No template for the requested kind exists in any template directory."""


# --------------------------------------------------------------------------------------
# Template lookup
# --------------------------------------------------------------------------------------


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

    # bounded rendering: ``'a' * 10**9`` or nested ``range(100000)`` loops in an edited
    # template stop with a TemplateError instead of exhausting memory or running for minutes
    intercepted_binops = frozenset({"*", "**", "+"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        bounds.check_binop(operator, left, right)
        result = super().call_binop(context, operator, left, right)
        bounds.check_value(result)
        return result

    def getattr(self, obj: Any, attribute: str) -> Any:
        bounds.tick()
        if isinstance(obj, Mapping) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        bounds.tick()
        return super().getitem(obj, argument)

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        bounds.tick()
        return super().call(__context, __obj, *args, **kwargs)


_ENV: SandboxedEnvironment | None = None


def make_jinja_env() -> SandboxedEnvironment:
    """The environment used for every template (sandboxed, autoescaping), one per process."""
    global _ENV
    if _ENV is None:
        # StrictUndefined: a misspelt field in an edited template is an error, not a blank.
        _ENV = _DocEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)
        _ENV.filters["cn"] = chinese_numeral
        _ENV.filters["sentence"] = sentence
        _ENV.globals["range"] = bounds.bounded_range
    return _ENV


# --------------------------------------------------------------------------------------
# Context preparation
# --------------------------------------------------------------------------------------

# Characters that are not allowed in XML 1.0, plus \a and \f which docxtpl would turn into
# paragraph and page breaks.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# what _clean_str changes: the characters above, \r, and line breaks (joined after ，；、)
_TO_CLEAN = re.compile("[\x00-\x08\x0a-\x1f\ufffe\uffff]")


def _clean_str(s: str) -> str:
    if not _TO_CLEAN.search(s):
        return s
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    # a line break typed mid-sentence (after ，；、) would become a paragraph ending in ，
    return join_broken_lines(_XML_BAD.sub("", s))


# values kept as they are: nothing in them can change
_ATOMIC = (int, float, complex, bytes, type(None), _dt.date, _dt.time, _dt.timedelta)


def _clean_context(value: Any) -> Any:
    """Plain-data copy of the context with XML-unsafe characters removed: mappings, lists
    and tuples are copied (as dicts and lists), other mutable values deep-copied, so that
    rendering never changes the caller's data."""
    if isinstance(value, str):
        return _clean_str(value)
    if isinstance(value, _ATOMIC):
        return value
    if isinstance(value, Mapping):
        return {str(k): _clean_context(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean_context(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return copy.deepcopy(value)


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


def _has_image(value: Any) -> bool:
    """Whether :func:`image_holders` would find anything in ``value`` (without generators)."""
    if isinstance(value, Mapping):
        path = value.get("image_path")
        if isinstance(path, (str, Path)) and path:
            return True
        return any(_has_image(v) for v in value.values() if isinstance(v, (Mapping, list, tuple)))
    if isinstance(value, (list, tuple)):
        return any(_has_image(v) for v in value if isinstance(v, (Mapping, list, tuple)))
    return False


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


_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def _fixed_datetime(date_text: Any) -> _dt.datetime:
    """Deterministic timestamp for core properties, from the context's date string."""
    if isinstance(date_text, str):
        m = _DATE_RE.search(date_text) or re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", date_text)
        if m:
            with contextlib.suppress(ValueError):
                return _dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return _dt.datetime(2000, 1, 1)


def _core_values(
    kind: str, context: Mapping[str, Any], public: bool, traditional: bool
) -> dict[str, Any]:
    """The document properties: title = the kind of a case or meeting document (what ``docs
    list`` shows; its own title is the subject) and the visible title of the report (one of
    a kind), category = 公开/内部, keywords = case ids."""
    title = KIND_NAMES.get(kind) or str(context.get("doc_title") or DOC_KINDS.get(kind, kind))
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
    from xsk.documents.package import entry_order, write_zip

    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return write_zip([(n, src.read(n)) for n in entry_order(src.namelist())])


def _atomic_write(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Temp file, fsync, rename: a crash leaves the old file or the new one. A target open
    in Word/WPS (or read-only) raises :class:`xsk.store.atomic.ReplaceRefused`.
    ``durable=False``: no fsync (the batch build syncs once at its end)."""
    from xsk.store.atomic import write_output

    write_output(path, data, durable=durable)


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------


def _docxtpl_source(tpl: Any, part: Any) -> str:
    """The part's XML as docxtpl hands it to Jinja (one paragraph per line)."""
    try:
        xml = tpl.get_xml() if part is tpl.docx.part else tpl.get_part_xml(part)
        from xsk.documents.package import with_lines

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


# what docxtpl's resolve_listing rewrites, and its paragraph pattern
_LISTING_CHARS = re.compile("[\t\a\n\f]")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)


class _DocxtplSteps:
    """docxtpl's steps after Jinja (they use nothing of the template object), for the
    prepared-template path."""

    def __init__(self) -> None:
        from docxtpl import DocxTemplate

        self.base = DocxTemplate

    def patch_xml(self, xml: str) -> str:
        return self.base.patch_xml(self, xml)

    def resolve_listing(self, xml: str) -> str:
        # docxtpl's step only rewrites \t \a \n \f inside the w:t of a paragraph: a part
        # without them is returned as it is, and in the others only the paragraphs that
        # have one go through docxtpl (its own regex on the paragraph alone matches it whole)
        if not _LISTING_CHARS.search(xml):
            return xml
        return _PARAGRAPH.sub(self._resolve_paragraph, xml)

    def _resolve_paragraph(self, m: re.Match[str]) -> str:
        text = m.group(0)
        if not _LISTING_CHARS.search(text):
            return text
        return self.base.resolve_listing(self, text)

    def fix_tables(self, xml: str) -> Any:
        # docxtpl's step changes a table grid only when a row has more cells than the grid
        # has columns or no row fills the grid: the part is parsed as docxtpl parses it, and
        # docxtpl's step runs (on the same text) only for such a table or anything unusual
        tree = etree.fromstring(xml, etree.XMLParser(recover=True))
        if _grids_fit(tree):
            return tree
        return self.base.fix_tables(self, xml)

    def fix_docpr_ids(self, tree: Any) -> None:
        # docxtpl renumbers drawing ids from 1001 in each document
        wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
        for i, elt in enumerate(tree.iter(f"{{{wp}}}docPr"), start=1001):
            elt.attrib["id"] = str(i)


def _grids_fit(tree: Any) -> bool:
    """Whether docxtpl's fix_tables would leave ``tree`` as it is (False: it may not, or it
    would fail on something in it)."""
    uri = tree.nsmap.get("w")
    if uri is None:
        return False
    tbl, grid_tag, col, tr, tc = (
        f"{{{uri}}}{t}" for t in ("tbl", "tblGrid", "gridCol", "tr", "tc")
    )
    tc_pr, span_tag, val = f"{{{uri}}}tcPr", f"{{{uri}}}gridSpan", f"{{{uri}}}val"
    for t in tree.iter(tbl):
        grid = t.find(grid_tag)
        if grid is None:
            return False
        columns = len(grid.findall(col))
        spans = next(t.iter(span_tag), None) is not None
        most_cells = filled = 0
        for row in t.iter(tr):
            cells = row.findall(tc)
            most_cells = max(most_cells, len(cells))
            if not spans:
                filled = max(filled, len(cells))
                continue
            total = 0
            for cell in cells:
                props = cell.find(tc_pr)
                span = None if props is None else props.find(span_tag)
                if span is None:
                    total += 1
                    continue
                try:
                    total += int(span.get(val))
                except (TypeError, ValueError):
                    return False
            filled = max(filled, total)
        if most_cells > columns or filled < columns:
            return False
    return True


_PREPARED: dict[tuple[str, int, int], Any] = {}
_STEPS: _DocxtplSteps | None = None


def _prepared(template: Path) -> tuple[Any, _StyleInfo | None]:
    """The template read once per process (None when only docxtpl can render it) and the
    style chain of its styles part."""
    global _STEPS
    from xsk.documents import package as docx_package

    st = template.stat()
    key = (str(template), st.st_mtime_ns, st.st_size)
    found = _PREPARED.get(key)
    if found is None:
        if _STEPS is None:
            _STEPS = _DocxtplSteps()
        try:
            with zipfile.ZipFile(template) as z:
                for info in z.infolist():  # the declared size bounds what read() inflates
                    if info.file_size > bounds.MAX_PART:
                        raise TemplateError(
                            f"文书模板 {template} 中的部件 {info.filename} 过大"
                            f"（{info.file_size // 2**20} MB），不像是正常的 Word 文档"
                        )
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
        keep_together(root)
        place_signoff(root)
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
    paragraphs: list[str] | None = None,
) -> bytes:
    """Render to deterministic .docx bytes (no leak scan, nothing written). ``paragraphs``,
    when given, receives what ``publiccheck.paragraphs_bytes`` would read from the result
    (it stays empty when the document was rendered through docxtpl)."""
    template = find_template(kind, template_dirs)
    bounds.start()
    try:
        data = _render_bytes(template, kind, context, public, traditional, paragraphs)
    finally:
        bounds.stop()
    if len(data) > bounds.MAX_OUTPUT:
        raise TemplateError(
            f"文书模板 {template} 生成的文档过大（{len(data) // 2**20} MB），已停止"
        )
    return data


def _render_bytes(
    template: Path,
    kind: str,
    context: Mapping[str, Any],
    public: bool,
    traditional: bool,
    paragraphs: list[str] | None = None,
) -> bytes:
    from xsk.documents import package as docx_package

    ctx = _clean_context(dict(context))
    core = _core_values(kind, ctx, public, traditional)
    prep, styles = _prepared(template)
    if prep is None or _has_image(ctx):
        return _render_with_docxtpl(template, ctx, core, traditional)
    assert styles is not None and _STEPS is not None
    roots: dict[str, Any] | None = {} if paragraphs is not None else None
    core_xml = docx_package.core_properties_xml(core)
    try:
        data = docx_package.render(
            prep,
            ctx,
            env=make_jinja_env(),
            docxtpl_steps=_STEPS,
            postprocess=_postprocess(styles, traditional),
            core_xml=core_xml,
            variant=traditional,
            roots=roots,
        )
    except docx_package.PartError as exc:
        part = exc.part
        raise _template_error(
            template, "/" + part.name, lambda: part.source, exc.cause
        ) from exc.cause
    except etree.XMLSyntaxError as exc:
        raise TemplateError(f"文书模板 {template} 渲染后不是有效的 XML：{exc}") from exc
    if paragraphs is not None and roots is not None:
        from xsk.documents import publiccheck

        # the parts as written (trees already parsed; the template's own parts read again)
        for name in publiccheck.text_parts(prep.raw):
            root = roots.get(name)
            if root is None:
                root = etree.fromstring(prep.raw[name])
            paragraphs.extend(publiccheck.part_paragraphs(root))
        core_name = "docProps/core.xml"  # the part the scan reads, wherever the rels point
        if core_name in prep.raw:
            core_part = core_xml if prep.core == core_name else prep.raw[core_name]
            paragraphs.append(publiccheck.core_text(etree.fromstring(core_part)))
    return data


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
    durable: bool = True,
) -> Path:
    """Render ``kind`` with ``context`` to ``out_path`` and return the path.

    Raises TemplateError for a missing or broken template and PrivacyLeakError when a public
    document would show private data (``xsk.documents.publiccheck``: phones, ID numbers, addresses,
    WeChat/QQ ids, plates, one of ``known_private``, and with ``scan`` — the public view's
    allowed and private names — residents' names); in that case no file is left at
    ``out_path`` and the message names the context field the finding came from.
    ``allowed_public`` lists values that may appear on a public document although they look
    private (e.g. the community office's published phone number). ``durable=False`` writes
    without fsync (still atomically): the caller syncs (:func:`xsk.store.atomic.sync_all`).
    """
    out_path = Path(out_path)
    paragraphs: list[str] = []
    data = render_document_bytes(
        kind,
        context,
        template_dirs=template_dirs,
        public=public,
        traditional=traditional,
        paragraphs=paragraphs if public else None,
    )
    if public:
        from xsk.documents.publiccheck import refuse_leaks

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
                paragraphs=paragraphs or None,  # empty: rendered by docxtpl, read the bytes
            )
        except PrivacyLeakError:
            with contextlib.suppress(FileNotFoundError):
                out_path.unlink()
            raise
    _atomic_write(out_path, data, durable=durable)
    return out_path
