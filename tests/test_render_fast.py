"""The prepared-template renderer (xsk.render.docx_package) against docxtpl's own way.

Every document without pictures is rendered from a template read once per process; docxtpl
opens the template for each document. Both must give the same XML in every part.
"""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from xsk.documents import docx as R
from xsk.documents import docx_layout as L
from xsk.documents import docx_text as T
from xsk.documents import package as P

try:
    from test_render_samples import KINDS, sample_context
except ImportError:  # tests collected as a package
    from tests.test_render_samples import KINDS, sample_context

TEMPLATES = [R.builtin_templates_dir()]
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _parts(data: bytes) -> dict[str, bytes]:
    """Every part, XML ones in exclusive canonical form (namespace declarations may sit on
    different elements in the two ways)."""
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        for name in z.namelist():
            raw = z.read(name)
            if name.endswith((".xml", ".rels")) and name != "[Content_Types].xml":
                raw = etree.tostring(etree.fromstring(raw), method="c14n", exclusive=True)
            out[name] = raw
    return out


def _overrides(data: bytes) -> set[tuple[str, str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("[Content_Types].xml"))
    return {(o.get("PartName"), o.get("ContentType")) for o in root.iter(f"{CT}Override")}


def _both_ways(kind: str, ctx: dict[str, Any], traditional: bool) -> tuple[bytes, bytes]:
    public = kind in R.PUBLIC_KINDS
    fast = R.render_document_bytes(
        kind, ctx, template_dirs=TEMPLATES, public=public, traditional=traditional
    )
    clean = R._clean_context(ctx)
    slow = R._render_with_docxtpl(
        R.find_template(kind, TEMPLATES),
        clean,
        R._core_values(kind, clean, public, traditional),
        traditional,
    )
    return fast, slow


@pytest.mark.parametrize("traditional", [False, True], ids=["简体", "繁體"])
@pytest.mark.parametrize("kind", KINDS)
def test_prepared_template_gives_docxtpls_xml(kind: str, traditional: bool) -> None:
    template = R.find_template(kind, TEMPLATES)
    assert R._prepared(template)[0] is not None, "the built-in template takes the fast path"
    ctx = sample_context(kind)
    assert next(R.image_holders(ctx), None) is None
    fast, slow = _both_ways(kind, ctx, traditional)
    a, b = _parts(fast), _parts(slow)
    assert set(b) <= set(a)
    for name in b:
        if name != "[Content_Types].xml":
            assert a[name] == b[name], name
    # python-docx rewrites the content types from the parts it writes; the template's own
    # list is kept, and it names every part docxtpl's has.
    assert _overrides(slow) <= _overrides(fast)
    assert set(a) - set(b) == set(), "no part appears that docxtpl would drop"


def test_values_with_breaks_tabs_and_markup_match_docxtpl() -> None:
    ctx = sample_context("minutes")
    ctx["meeting"]["title"] = "第一行\n第二行\t制表<&>{{ 7*7 }}{% if 1 %}"
    fast, slow = _both_ways("minutes", ctx, False)
    assert _parts(fast)["word/document.xml"] == _parts(slow)["word/document.xml"]
    text = R.extract_text_bytes(fast)
    assert "第一行\n第二行\t制表<&>{{ 7*7 }}{% if 1 %}" in text


def _edit_part(src: Path, dst: Path, name: str, edit: Any) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == name:
                data = edit(data)
            if data is not None:
                zout.writestr(info, data)


def _footer_with(tmp_path: Path, text: str) -> Path:
    """The reply template with ``text`` added to the footer of every page."""
    d = tmp_path / "override"
    d.mkdir(exist_ok=True)
    document = docx.Document(str(R.builtin_templates_dir() / "reply.docx"))
    for section in document.sections:
        for footer in (section.footer, section.even_page_footer):
            footer.add_paragraph(text)
    document.save(str(d / "reply.docx"))
    return d


def test_templated_footer_is_rendered(tmp_path: Path) -> None:
    d = _footer_with(tmp_path, "{{ issuer }}（页脚）")
    ctx = sample_context("reply")
    data = R.render_document_bytes("reply", ctx, template_dirs=[d], public=False)
    prep, _ = R._prepared(d / "reply.docx")
    assert prep is not None and any(p.templated for p in prep.others)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        footers = "".join(
            T._xml_text(z.read(n)) for n in z.namelist() if n.startswith("word/footer")
        )
    assert f"{ctx['issuer']}（页脚）" in footers


def test_error_in_footer_names_the_part_and_line(tmp_path: Path) -> None:
    d = _footer_with(tmp_path, "{{ issuer.nope }}")
    with pytest.raises(R.TemplateError) as info:
        R.render_document_bytes("reply", sample_context("reply"), template_dirs=[d], public=False)
    msg = str(info.value)
    assert "reply.docx" in msg and "/word/footer" in msg and "第 " in msg
    assert "issuer.nope" in msg


def test_template_edited_in_the_same_process_is_read_again(tmp_path: Path) -> None:
    d = tmp_path / "override"
    d.mkdir()
    shutil.copy(R.builtin_templates_dir() / "reply.docx", d / "reply.docx")
    ctx = sample_context("reply")
    first = R.extract_text_bytes(
        R.render_document_bytes("reply", ctx, template_dirs=[d], public=False)
    )
    assert "第一次修改" not in first
    document = docx.Document(str(d / "reply.docx"))
    document.add_paragraph("第一次修改")
    document.save(str(d / "reply.docx"))
    st_ = (d / "reply.docx").stat()
    os.utime(d / "reply.docx", ns=(st_.st_atime_ns, st_.st_mtime_ns + 1_000_000))
    second = R.extract_text_bytes(
        R.render_document_bytes("reply", ctx, template_dirs=[d], public=False)
    )
    assert "第一次修改" in second


def test_package_without_core_properties_goes_through_docxtpl(tmp_path: Path) -> None:
    d = tmp_path / "override"
    d.mkdir()

    def drop_core_rel(data: bytes) -> bytes:
        root = etree.fromstring(data)
        for rel in list(root):
            if rel.get("Target", "").endswith("core.xml"):
                root.remove(rel)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    src = R.builtin_templates_dir() / "reply.docx"
    _edit_part(src, d / "reply.docx", "_rels/.rels", drop_core_rel)
    assert R._prepared(d / "reply.docx")[0] is None
    data = R.render_document_bytes(
        "reply", sample_context("reply"), template_dirs=[d], public=False
    )
    document = docx.Document(io.BytesIO(data))
    assert document.core_properties.category == "内部"
    assert document.core_properties.title == R.DOC_KINDS["reply"]


def test_core_properties_read_back() -> None:
    ctx = sample_context("result")
    data = R.render_document_bytes("result", ctx, template_dirs=TEMPLATES, public=True)
    cp = docx.Document(io.BytesIO(data)).core_properties
    assert cp.title == R.DOC_KINDS["result"]
    assert cp.category == "公开"
    assert cp.keywords == "、".join(ctx["case_ids"])
    assert cp.language == "zh-CN" and cp.revision == 1
    assert cp.created == cp.modified and cp.created.year >= 2000


names = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x9FFF, exclude_characters="/\\"),
    min_size=1,
    max_size=20,
)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(names, st.binary(max_size=3000), min_size=1, max_size=8))
def test_zip_writer_round_trips(entries: dict[str, bytes]) -> None:
    order = P.entry_order(list(entries))
    data = P.write_zip([(n, entries[n]) for n in order])
    assert data == P.write_zip([(n, P.Compressed.of(entries[n])) for n in order])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        assert z.namelist() == order
        for info in z.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert z.read(info) == entries[info.filename]


def test_zip_writer_matches_zipfile_for_the_templates() -> None:
    """The committed templates were written with zipfile: the writer gives the same bytes."""
    for path in sorted(R.builtin_templates_dir().glob("*.docx")):
        assert R.normalize_docx_bytes(path.read_bytes()) == path.read_bytes(), path.name


# --------------------------------------------------------------------------------------
# Line breaks typed into fields
# --------------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraphs(data: bytes) -> list[Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
    return list(body.iter(f"{W}p"))


def _ptext(p: Any) -> str:
    return "".join(
        "\n" if el.tag == f"{W}br" else (el.text or "") for el in p.iter(f"{W}t", f"{W}br")
    )


def test_lines_of_a_body_field_become_indented_paragraphs() -> None:
    ctx = sample_context("reply")
    ctx["result"] = "第一段办理情况。\n\n第二段：已完成。\n第三段"
    data = R.render_document_bytes("reply", ctx, template_dirs=TEMPLATES, public=False)
    paras = _paragraphs(data)
    texts = [_ptext(p) for p in paras]
    i = texts.index("第一段办理情况。")
    assert texts[i : i + 3] == ["第一段办理情况。", "第二段：已完成。", "第三段"]
    # same properties (the first line after a heading is also kept with the next one)
    ppr = [
        etree.tostring(paras[j].find(f"{W}pPr")).replace(b"<w:keepNext/>", b"")
        for j in range(i, i + 3)
    ]
    assert ppr[0] == ppr[1] == ppr[2]
    for j in range(i, i + 3):
        assert paras[j].find(f".//{W}br") is None
        fonts = paras[j].find(f"{W}r/{W}rPr/{W}rFonts")
        assert fonts is not None and fonts.get(f"{W}eastAsia")


def test_centred_title_and_table_cells_keep_their_line_breaks() -> None:
    ctx = sample_context("minutes")
    ctx["doc_title"] = "红桥\n社区协商议事会议纪要"
    ctx["meeting"]["topics"][0]["items"][0]["item"] = "第一项\n第二项"
    data = R.render_document_bytes("minutes", ctx, template_dirs=TEMPLATES, public=False)
    texts = [_ptext(p) for p in _paragraphs(data)]
    assert texts[0] == "红桥\n社区协商议事会议纪要"  # the centred title
    assert "第一项\n第二项" in texts  # a left-aligned table cell


def test_split_keeps_the_section_break_on_the_last_part() -> None:
    xml = (
        f'<w:body xmlns:w="{W[1:-1]}"><w:p><w:pPr><w:jc w:val="both"/>'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:pPr>'
        "<w:r><w:rPr><w:b/></w:rPr><w:t>甲</w:t><w:br/><w:t>乙</w:t></w:r>"
        "<w:r><w:t>丙</w:t></w:r></w:p></w:body>"
    )
    root = etree.fromstring(xml)
    L._split_line_breaks(root, L._StyleInfo(None))
    paras = root.findall(f"{W}p")
    assert [_ptext(p) for p in paras] == ["甲", "乙丙"]
    assert paras[0].find(f"{W}pPr/{W}sectPr") is None
    assert paras[1].find(f"{W}pPr/{W}sectPr") is not None
    assert paras[1].find(f"{W}pPr/{W}jc") is not None
    assert paras[1].find(f"{W}r/{W}rPr/{W}b") is not None  # the split run keeps its format
    assert paras[1].findall(f"{W}r")[1].find(f"{W}rPr") is None  # the next run is untouched


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.text(alphabet="办理结果已完成居民满意度 abcXYZ123，。", max_size=12),
        min_size=1,
        max_size=5,
    )
)
def test_any_multiline_field_keeps_its_text_in_order(lines: list[str]) -> None:
    ctx = sample_context("reply")
    marker = "【开始】"
    ctx["result"] = marker + "\n".join(lines)
    data = R.render_document_bytes("reply", ctx, template_dirs=TEMPLATES, public=False)
    texts = [_ptext(p) for p in _paragraphs(data)]
    start = next(i for i, t in enumerate(texts) if t.startswith(marker))
    from xsk.rules.wording import join_broken_lines  # a line broken after ，；、 is joined

    expected = [x for x in join_broken_lines(marker + "\n".join(lines)).split("\n") if x.strip()]
    assert texts[start : start + len(expected)] == expected
    docx.Document(io.BytesIO(data))  # still a valid package


# --------------------------------------------------------------------------------------
# Widths of columns made by a loop (the report's tables)
# --------------------------------------------------------------------------------------


def _table(rows: list[list[str]]) -> list[Any]:
    xml = (
        f'<w:tbl xmlns:w="{W[1:-1]}">'
        + "".join(
            "<w:tr>"
            + "".join(f"<w:tc><w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>" for c in r)
            + "</w:tr>"
            for r in rows
        )
        + "</w:tbl>"
    )
    return etree.fromstring(xml).findall(f"{W}tr")


def test_loop_columns_fit_their_content_and_fill_the_page() -> None:
    counts = [
        ["类别", "议题数", "占比"],
        ["党群服务中心开放管理", "1", "5.88%"],
        ["供水", "12", "70.59%"],
    ]
    levels = [["层级", "议题数", "占比"], ["网格", "1", "5.88%"], ["社区", "6", "35.29%"]]
    a = L._content_widths(_table(counts), 3, L.TEXT_WIDTH_TWIPS)
    b = L._content_widths(_table(levels), 3, L.TEXT_WIDTH_TWIPS)
    assert sum(a) <= L.TEXT_WIDTH_TWIPS and sum(b) <= L.TEXT_WIDTH_TWIPS
    assert a[1:] == b[1:], "the number columns line up from table to table"
    assert a[0] > 2 * a[1] and a[1] >= 4 * L.CHAR_TWIPS  # "议题数" and a character to spare
    units = [
        ["责任单位", "事项数", "已办结", "逾期", "按时办结率", "评议次数", "平均评分"],
        ["柳州建工市政工程有限公司", "5", "5", "0", "100.00%", "1", "4.00"],
        ["红桥社区居民委员会", "8", "7", "0", "85.71%", "1", "5.00"],
    ]
    w = L._content_widths(_table(units), 7, L.TEXT_WIDTH_TWIPS)
    assert sum(w) <= L.TEXT_WIDTH_TWIPS
    assert w[0] == max(w) and w[0] >= 8 * L.CHAR_TWIPS  # unit names wrap to two lines at most
    # every number fits on one line; headers may take two
    assert all(x >= 2 * L.CHAR_TWIPS + L.CELL_MARGINS_TWIPS for x in w[1:])
    assert w[4] >= int(0.55 * 7 * L.CHAR_TWIPS) + L.CELL_MARGINS_TWIPS  # "100.00%"
