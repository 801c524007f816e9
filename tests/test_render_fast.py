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

from xsk.render import docx as R
from xsk.render import docx_package as P

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
    assert not R._has_images(ctx)
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
            R._xml_text(z.read(n)) for n in z.namelist() if n.startswith("word/footer")
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
