"""Tests of the document renderer (xsk.render.docx) and the built-in templates."""

from __future__ import annotations

import importlib.util
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xsk.documents.docx import (
    DOC_KINDS,
    PUBLIC_KINDS,
    PrivacyLeakError,
    TemplateError,
    TemplateNotFoundError,
    builtin_templates_dir,
    chinese_numeral,
    extract_text,
    render_document,
)

try:
    from test_render_samples import COMMON_EXPECTED, EXPECTED_TEXT, KINDS, sample_context
except ImportError:  # tests collected as a package
    from tests.test_render_samples import (
        COMMON_EXPECTED,
        EXPECTED_TEXT,
        KINDS,
        sample_context,
    )

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = [builtin_templates_dir()]
OFFICE_PHONE = "0931-8123456"  # the community office's published number in the samples


def render(kind: str, tmp_path: Path, context: dict[str, Any] | None = None, **kw: Any) -> Path:
    ctx = sample_context(kind) if context is None else context
    kw.setdefault("public", kind in PUBLIC_KINDS)
    kw.setdefault("allowed_public", [OFFICE_PHONE])
    kw.setdefault("template_dirs", TEMPLATES)
    name = kw.pop("name", f"{kind}.docx")
    return render_document(kind, ctx, tmp_path / name, **kw)


# --------------------------------------------------------------------------------------
# Independent resolution of run formatting: run -> paragraph style chain -> doc defaults.
# --------------------------------------------------------------------------------------


class Styles:
    def __init__(self, document: Any) -> None:
        root = document.styles.element
        self.by_id = {s.get(qn("w:styleId")): s for s in root.iter(qn("w:style"))}
        self.default = next(
            s.get(qn("w:styleId"))
            for s in root.iter(qn("w:style"))
            if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true")
        )
        rpr = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        self.doc_east, self.doc_sz = _rpr_props(rpr)

    def para(self, style_id: str | None) -> tuple[str | None, int | None]:
        east = sz = None
        sid = style_id or self.default
        while sid and (east is None or sz is None):
            st_el = self.by_id[sid]
            e, s = _rpr_props(st_el.find(qn("w:rPr")))
            east = east or e
            sz = sz or s
            based = st_el.find(qn("w:basedOn"))
            sid = based.get(qn("w:val")) if based is not None else None
        return east or self.doc_east, sz or self.doc_sz


def _rpr_props(rpr: Any) -> tuple[str | None, int | None]:
    if rpr is None:
        return None, None
    fonts = rpr.find(qn("w:rFonts"))
    sz = rpr.find(qn("w:sz"))
    return (
        fonts.get(qn("w:eastAsia")) if fonts is not None else None,
        int(sz.get(qn("w:val"))) if sz is not None else None,
    )


def run_formats(document: Any) -> list[tuple[str, str | None, int | None, bool, str | None]]:
    """(text, eastAsia, half-points, run has explicit eastAsia, paragraph style) for each run
    with text in the body (tables included)."""
    styles = Styles(document)
    out = []
    for p in document.element.body.iter(qn("w:p")):
        ppr = p.find(qn("w:pPr"))
        ps = ppr.find(qn("w:pStyle")) if ppr is not None else None
        style_id = ps.get(qn("w:val")) if ps is not None else None
        p_east, p_sz = styles.para(style_id)
        for r in p.iter(qn("w:r")):
            text = "".join(t.text or "" for t in r.iter(qn("w:t")))
            r_east, r_sz = _rpr_props(r.find(qn("w:rPr")))
            out.append((text, r_east or p_east, r_sz or p_sz, r_east is not None, style_id))
    return out


def paragraphs_in_order(document: Any) -> list[Any]:
    return list(document.element.body.iter(qn("w:p")))


def para_text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


# --------------------------------------------------------------------------------------
# Every kind
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_kind_renders_in_gbt9704_format(kind: str, tmp_path: Path) -> None:
    ctx = sample_context(kind)
    out = render(kind, tmp_path)
    document = docx.Document(str(out))

    # Page: A4 portrait, GB/T margins, 22 x 28 grid.
    sec = document.sections[0]
    tol = Mm(1)
    assert abs(sec.page_width - Mm(210)) <= tol and abs(sec.page_height - Mm(297)) <= tol
    assert abs(sec.top_margin - Mm(37)) <= tol
    assert abs(sec.bottom_margin - Mm(35)) <= tol
    assert abs(sec.left_margin - Mm(28)) <= tol
    assert abs(sec.right_margin - Mm(26)) <= tol
    grid = sec._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    assert grid.get(qn("w:linePitch")) == "579"
    char_pitch_pt = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert 442.2 / char_pitch_pt == pytest.approx(28, abs=0.05)

    # Page numbers: PAGE fields, odd right / even left, "— n —", 4号宋体.
    settings_el = document.settings.element
    assert settings_el.find(qn("w:evenAndOddHeaders")) is not None
    for footer, align in ((sec.footer, "right"), (sec.even_page_footer, "left")):
        xml = footer._element.xml
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        assert re.search(r"<w:instrText[^>]*>\s*PAGE\s*</w:instrText>", xml)
        p = footer.paragraphs[0]
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert p._p.pPr.find(qn("w:jc")).get(qn("w:val")) == align
        for r in p.runs:
            assert r._r.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
            assert r.font.size.pt == 14

    # Title: first non-empty paragraph, 2号小标宋, centred.
    styles = Styles(document)
    paras = [p for p in paragraphs_in_order(document) if para_text(p).strip()]
    title = paras[0]
    assert para_text(title) == ctx["doc_title"]
    ppr = title.find(qn("w:pPr"))
    style_id = ppr.find(qn("w:pStyle")).get(qn("w:val"))
    for r in title.iter(qn("w:r")):
        east, sz = _rpr_props(r.find(qn("w:rPr")))
        p_east, p_sz = styles.para(style_id)
        assert "小标宋" in (east or p_east)
        assert (sz or p_sz) == 44
    jc = document.styles[
        next(s.name for s in document.styles if s.style_id == style_id)
    ].paragraph_format.alignment
    assert jc is not None and int(jc) == 1  # centred

    # Body: >= 90 % of characters (title excluded) in 16 pt 仿宋/黑体/楷体; table text in
    # 14 pt (GB/T 9704 does not fix it; forms fit one sheet).
    formats = run_formats(document)
    title_runs = len(list(title.iter(qn("w:r"))))
    body = formats[title_runs:]
    total = sum(len(t) for t, *_ in body)
    good = sum(
        len(t)
        for t, east, sz, _, style in body
        if sz == (28 if (style or "").startswith("XSKTable") else 32)
        and east
        and any(f in east for f in ("仿宋", "黑体", "楷体"))
    )
    assert total > 0 and good / total >= 0.9, (good, total)
    # Every run carries an explicit East Asian font.
    assert all(explicit for _, _, _, explicit, _ in formats if _)
    for _, east, _, explicit, _ in formats:
        assert explicit and east

    # Core properties.
    cp = document.core_properties
    expected_title = "督办单" if ctx.get("supervision") else DOC_KINDS[kind]
    if kind == "report":  # one of a kind: its core title is the title on its face
        expected_title = ctx["doc_title"]
    assert cp.title == expected_title
    assert cp.category == ("公开" if kind in PUBLIC_KINDS else "内部")
    assert cp.keywords == "、".join(ctx["case_ids"])
    assert cp.author == ctx["issuer"]
    assert (cp.created.year, cp.created.month, cp.created.day) == (2026, 11, 23)
    assert cp.modified == cp.created

    # Expected texts; issuer and date at the end, right-aligned.
    text = extract_text(out)
    for snippet in EXPECTED_TEXT[kind] + COMMON_EXPECTED:
        assert snippet in text, snippet
    assert "{{" not in text and "{%" not in text
    # a 督办单 ends with its 回执 (a tear-off slip): the sign-off comes before the cut line
    texts = [para_text(p) for p in paras]
    end = next((i for i, t in enumerate(texts) if "沿此线剪下" in t), len(paras))
    assert (kind == "responsibility" and ctx.get("supervision")) == (end < len(paras))
    if kind in PUBLIC_KINDS:  # the 附注 （此件公开发布） comes under the date
        assert texts[end - 1] == "（此件公开发布）"
        end -= 1
    last_two = texts[end - 2 : end]
    assert last_two == [ctx["issuer"], ctx["date"]]
    for p in paras[end - 2 : end]:
        sid = p.find(qn("w:pPr")).find(qn("w:pStyle")).get(qn("w:val"))
        style = next(s for s in document.styles if s.style_id == sid)
        assert int(style.paragraph_format.alignment) == 2  # right

    # Tables: fit the text block; header rows repeat on each page.
    if kind not in ("reply", "notice"):
        assert document.tables, "expected at least one table"
    header_rows = 0
    for table in document.tables:
        tbl = table._tbl
        widths = [int(gc.get(qn("w:w"))) for gc in tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(widths) <= 8844 + 10
        first = tbl.findall(qn("w:tr"))[0]
        first_styles = {
            p.find(qn("w:pPr")).find(qn("w:pStyle")).get(qn("w:val")) for p in first.iter(qn("w:p"))
        }
        if first_styles == {"XSKTableHeader"}:
            assert first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
            header_rows += 1
        for row in table.rows:
            for cell in row.cells:
                assert cell.text.strip() != "{%tr endfor %}"
    if document.tables:
        assert header_rows >= 1


def test_minutes_attendance_labels_in_heiti(tmp_path: Path) -> None:
    document = docx.Document(str(render("minutes", tmp_path)))
    seen = {}
    for p in document.paragraphs:
        for label in ("出席：", "请假：", "列席："):
            if p.text.startswith(label):
                runs = p.runs
                assert runs[0].text == label
                assert runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
                assert "仿宋" in runs[1]._r.rPr.rFonts.get(qn("w:eastAsia"))
                seen[label] = p.text
    assert seen == {
        "出席：": "出席：刘红梅、王芳、张*、李*、陈*、周*",
        "请假：": "请假：吴*",
        "列席：": "列席：赵海（安居物业服务公司）、孙明（城关供电所）",
    }
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、幸福里小区变压器移交供电公司", "二、增设智能快递柜"]


def test_report_with_chart_and_dynamic_columns(tmp_path: Path) -> None:
    from PIL import Image

    png = tmp_path / "chart.png"
    Image.new("RGB", (400, 200), (30, 120, 200)).save(png)
    ctx = sample_context("report")
    ctx["charts"] = [{"heading": "议题办结情况", "image_path": str(png)}]
    out = render("report", tmp_path, ctx)
    with zipfile.ZipFile(out) as z:
        assert any(n.startswith("word/media/") for n in z.namelist())
    document = docx.Document(str(out))
    # a chart is numbered and captioned under it, without a heading of its own
    assert "图1 议题办结情况" in extract_text(out) and "统计图表" not in extract_text(out)
    t1, t2 = document.tables
    assert [c.text for c in t1.rows[0].cells] == ["类别", "议题数", "已办结", "办结率"]
    assert [c.text for c in t2.rows[1].cells] == ["网格员走访", "20"]
    for t in (t1, t2):
        grid = [int(gc.get(qn("w:w"))) for gc in t._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert len(grid) == len(t.rows[0].cells)
        assert sum(grid) == 8844
        for row in t.rows:
            assert sum(c.width.twips for c in row.cells) == 8844
    # The run after the picture gets fonts too.
    assert all(explicit for t, _, _, explicit, _ in run_formats(document) if t)


def test_missing_chart_image_is_reported(tmp_path: Path) -> None:
    ctx = sample_context("report")
    ctx["charts"] = [{"heading": "图", "image_path": str(tmp_path / "nope.png")}]
    with pytest.raises(FileNotFoundError, match="图表图片文件不存在"):
        render("report", tmp_path, ctx)


# --------------------------------------------------------------------------------------
# Determinism, escaping, template errors, lookup
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["minutes", "result", "report"])
def test_rendering_is_byte_identical(kind: str, tmp_path: Path) -> None:
    a = render(kind, tmp_path, name="a.docx").read_bytes()
    b = render(kind, tmp_path, name="b.docx").read_bytes()
    again = render(kind, tmp_path, name="a.docx").read_bytes()
    assert a == b == again
    with zipfile.ZipFile(tmp_path / "a.docx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert z.namelist()[0] == "[Content_Types].xml"
    assert not list(tmp_path.glob(".*.tmp"))


def test_context_values_are_escaped_and_not_evaluated(tmp_path: Path) -> None:
    ctx = sample_context("minutes")
    ctx["doc_title"] = "会议纪要<&>\"'"
    topic = ctx["meeting"]["topics"][0]
    topic["background"] = "{{ 7*7 }} {% if true %}X{% endif %} <w:t>注入</w:t>"
    topic["speeches"][0]["summary"] = "&amp; </w:t></w:r></w:p>"
    out = render("minutes", tmp_path, ctx)
    document = docx.Document(str(out))  # still a valid docx
    text = extract_text(out)
    assert "会议纪要<&>\"'" in text
    assert "{{ 7*7 }} {% if true %}X{% endif %} <w:t>注入</w:t>" in text
    assert "&amp; </w:t></w:r></w:p>" in text
    assert "49" not in text
    assert document.paragraphs[0].text == "会议纪要<&>\"'"


def test_control_characters_and_newlines(tmp_path: Path) -> None:
    ctx = sample_context("reply")
    ctx["result"] = "第一行\n第二行\x00\x07\x0c\r\n第三行"
    out = render("reply", tmp_path, ctx)
    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs]
    i = texts.index("第一行")
    # each line of a justified body field is a paragraph of its own, in the same style
    assert texts[i : i + 3] == ["第一行", "第二行", "第三行"]
    styles = {document.paragraphs[j].style.name for j in range(i, i + 3)}
    assert len(styles) == 1


def _template_with(tmp_path: Path, kind: str, bad_text: str, after: str) -> Path:
    """Copy a built-in template, inserting a paragraph after the one containing ``after``."""
    document = docx.Document(str(builtin_templates_dir() / f"{kind}.docx"))
    anchor = next(p for p in document.paragraphs if after in p.text)
    new = anchor.insert_paragraph_before(bad_text)
    anchor._p.addnext(new._p)
    d = tmp_path / "override"
    d.mkdir(exist_ok=True)
    document.save(str(d / f"{kind}.docx"))
    return d


def test_broken_template_raises_template_error(tmp_path: Path) -> None:
    override = _template_with(tmp_path, "notice", "{{ meeting.title ", "特此通知")
    with pytest.raises(TemplateError) as info:
        render_document(
            "notice",
            sample_context("notice"),
            tmp_path / "out.docx",
            template_dirs=[override, *TEMPLATES],
            public=True,
            allowed_public=[OFFICE_PHONE],
        )
    msg = str(info.value)
    assert "notice.docx" in msg and "override" in msg
    assert re.search(r"第 \d+ 行", msg)
    assert "meeting.title" in msg  # the offending text is quoted
    assert isinstance(info.value.lineno, int)  # type: ignore[attr-defined]
    assert not (tmp_path / "out.docx").exists()


def test_unclosed_block_reports_template(tmp_path: Path) -> None:
    override = _template_with(tmp_path, "reply", "{%p if result %}", "办理结果")
    with pytest.raises(TemplateError, match=r"reply\.docx.*第 \d+ 行"):
        render("reply", tmp_path, template_dirs=[override])


def test_sandbox_blocks_unsafe_attribute_access(tmp_path: Path) -> None:
    override = _template_with(
        tmp_path, "reply", "{{ result.__class__.__mro__[1].__subclasses__() }}", "办理结果"
    )
    with pytest.raises(TemplateError):
        render("reply", tmp_path, template_dirs=[override])


def test_template_lookup_order(tmp_path: Path) -> None:
    override = _template_with(tmp_path, "reply", "覆盖模板的段落", "办理结果")
    out = render("reply", tmp_path, template_dirs=[override, *TEMPLATES])
    assert "覆盖模板的段落" in extract_text(out)
    out = render("reply", tmp_path, template_dirs=[tmp_path / "empty", *TEMPLATES])
    assert "覆盖模板的段落" not in extract_text(out)
    with pytest.raises(TemplateNotFoundError, match="找不到"):
        render("reply", tmp_path, template_dirs=[tmp_path / "empty"])
    with pytest.raises(TemplateNotFoundError):
        render("../reply", tmp_path, context=sample_context("reply"), public=False)


def test_not_a_docx_template(tmp_path: Path) -> None:
    d = tmp_path / "bad"
    d.mkdir()
    (d / "reply.docx").write_text("not a zip")
    with pytest.raises(TemplateError, match="无法打开"):
        render("reply", tmp_path, template_dirs=[d])


def test_chinese_numeral() -> None:
    assert [chinese_numeral(n) for n in (1, 9, 10, 11, 20, 21, 99, 100, 105, 110)] == [
        "一", "九", "十", "十一", "二十", "二十一", "九十九", "一百", "一百零五", "一百一十",
    ]  # fmt: skip


# --------------------------------------------------------------------------------------
# Traditional Chinese
# --------------------------------------------------------------------------------------


def test_traditional_conversion(tmp_path: Path) -> None:
    out = render("minutes", tmp_path, traditional=True)
    text = extract_text(out)
    assert "協商" in text and "协商" not in text
    assert "會議紀要" in text  # the title from the context
    assert "出席：" in text and "議題背景" in text  # static template text too
    assert "HQ-2026-017" in text
    cp = docx.Document(str(out)).core_properties
    assert cp.title == "會議紀要"
    assert cp.author == "紅橋社區居民委員會"


def test_traditional_known_private_still_caught(tmp_path: Path) -> None:
    ctx = sample_context("notice")
    ctx["meeting"]["registration"] = "请到幸福里小区3栋2单元501室报名"
    with pytest.raises(PrivacyLeakError):
        render(
            "notice",
            tmp_path,
            ctx,
            traditional=True,
            known_private=["幸福里小区3栋2单元501室"],
        )


# --------------------------------------------------------------------------------------
# Privacy guard
# --------------------------------------------------------------------------------------


def test_phone_in_public_document_is_refused(tmp_path: Path) -> None:
    ctx = sample_context("notice")
    ctx["meeting"]["contact"] = "联系人张建国，手机13812345678"
    target = tmp_path / "notice.docx"
    target.write_bytes(b"old version")
    with pytest.raises(PrivacyLeakError) as info:
        render("notice", tmp_path, ctx)
    assert "个人信息" in str(info.value)
    assert "13812345678" not in str(info.value)  # the message hides the number
    assert not target.exists()
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "value",
    ["110101199003071234", "11010119900307123X", "138-1234-5678"],
)
def test_id_numbers_and_formatted_phones_are_refused(value: str, tmp_path: Path) -> None:
    ctx = sample_context("result")
    ctx["topics"][0]["summary"] = f"提出人：{value}"
    with pytest.raises(PrivacyLeakError):
        render("result", tmp_path, ctx)


def test_known_private_text_is_refused(tmp_path: Path) -> None:
    ctx = sample_context("result")
    ctx["topics"][1]["summary"] = "提出人住址：幸福里小区 3栋-2单元 501室"
    with pytest.raises(PrivacyLeakError):
        render("result", tmp_path, ctx, known_private=["幸福里小区3栋2单元501室"])


def test_internal_documents_are_not_scanned(tmp_path: Path) -> None:
    out = render("registration", tmp_path)  # holds full phone numbers, on purpose
    assert "13812345678" in extract_text(out)


def test_office_phone_needs_allowing(tmp_path: Path) -> None:
    with pytest.raises(PrivacyLeakError):
        render("notice", tmp_path, allowed_public=[])
    assert render("notice", tmp_path, allowed_public=["0931 8123456"]).exists()


def _mask_phone(p: str) -> str:
    return p[:3] + "****" + p[-4:]


def _mask_id(i: str) -> str:
    return i[:6] + "********" + i[-4:]


def _mask_name(n: str) -> str:
    return n[0] + "*" * (len(n) - 1)


def _mask_address(a: str) -> str:
    return a[: a.index("栋") + 1] + "****"


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
ESTATES = ["幸福里小区", "红桥新村", "东湖花园", "滨河苑"]

phones = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
ids = st.builds(
    lambda area, y, m, d, seq, check: f"{area}{y}{m:02d}{d:02d}{seq:03d}{check}",
    st.integers(110000, 659999).map(str),
    st.integers(1940, 2010).map(str),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 999),
    st.sampled_from("0123456789X"),
)
names = st.builds(
    lambda s, g: s + g,
    st.sampled_from(SURNAMES),
    st.text(alphabet=GIVEN, min_size=1, max_size=2),
)
addresses = st.builds(
    lambda e, b, u, r: f"{e}{b}栋{u}单元{r}室",
    st.sampled_from(ESTATES),
    st.integers(1, 30),
    st.integers(1, 6),
    st.integers(101, 2604),
)
people = st.lists(st.tuples(names, phones, ids, addresses), min_size=1, max_size=4)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=people)
def test_masked_contexts_never_leak(
    people: list[tuple[str, str, str, str]], tmp_path: Path
) -> None:
    from xsk.documents.docx_text import _find_leaks

    ctx = sample_context("notice")
    meeting = ctx["meeting"]
    meeting["participants"] = [_mask_name(n) for n, *_ in people] + ["居民代表"]
    n, phone, _id_no, _addr = people[0]
    meeting["contact"] = f"联系人{_mask_name(n)}，电话{_mask_phone(phone)}"
    meeting["topics"][0]["summary"] = "；".join(
        f"{_mask_name(n)}（{_mask_address(a)}，身份证{_mask_id(i)}，电话{_mask_phone(p)}）反映"
        for n, p, i, a in people
    )
    known = [x for person in people for x in person[1:]]
    out = render("notice", tmp_path, ctx, known_private=known, allowed_public=[])
    text = extract_text(out)
    assert _find_leaks(text, known) == []
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)
    assert not re.search(r"(?<!\d)\d{17}[\dX](?!\d)", text)


# --------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------


def _load_make_templates() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_templates", ROOT / "tools" / "make_templates.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules["make_templates"] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop("make_templates", None)
    return module


def test_committed_templates_are_up_to_date(tmp_path: Path) -> None:
    module = _load_make_templates()
    module.main([str(tmp_path)])
    for kind in DOC_KINDS:
        generated = (tmp_path / f"{kind}.docx").read_bytes()
        committed = (ROOT / "templates" / "documents" / f"{kind}.docx").read_bytes()
        assert generated == committed, f"{kind}.docx：请重新运行 tools/make_templates.py"


def test_templates_are_editable_word_documents() -> None:
    for kind in DOC_KINDS:
        path = builtin_templates_dir() / f"{kind}.docx"
        document = docx.Document(str(path))
        text = "\n".join(p.text for p in document.paragraphs)
        assert "{{ doc_title }}" in text
        assert document.paragraphs[0].style.name == "Title"
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            assert "docProps/thumbnail.jpeg" not in names
            fonts = z.read("word/fontTable.xml").decode()
            for font in ("仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"):
                assert font in fonts


def test_visit_form_without_ratings_says_so(tmp_path: Path) -> None:
    ctx = sample_context("visit")
    ctx["ratings"] = []
    text = extract_text(render("visit", tmp_path, ctx))
    assert "二、评议情况" in text and "暂无对责任单位的评议记录" in text
    assert "被评议单位" not in text  # no table with only a header
    document = docx.Document(str(tmp_path / "visit.docx"))
    assert len(document.tables) == 1


def test_misspelt_field_is_an_error(tmp_path: Path) -> None:
    override = _template_with(tmp_path, "reply", "{{ case.titel }}", "办理结果")
    with pytest.raises(TemplateError, match=r"不存在的字段.*titel"):
        render("reply", tmp_path, template_dirs=[override])


# --- bounded templates (issue 13) ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "{{ 'a' * 10**9 }}",
        "{{ 'a' * 1000000000 }}",
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "{{ 9 ** 999999999 }}",
    ],
)
def test_templates_that_would_run_away_stop_with_a_template_error(tmp_path: Path, text: str):
    import time

    override = _template_with(tmp_path, "reply", text, "办理结果")
    t0 = time.monotonic()
    with pytest.raises(TemplateError, match=r"reply\.docx"):
        render("reply", tmp_path, template_dirs=[override])
    assert time.monotonic() - t0 < 15


def test_a_huge_part_is_refused_before_inflating(tmp_path: Path):
    src = builtin_templates_dir() / "reply.docx"
    d = tmp_path / "override"
    d.mkdir()
    with (
        zipfile.ZipFile(src) as zin,
        zipfile.ZipFile(d / "reply.docx", "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            zout.writestr(info, zin.read(info.filename))
        with zout.open("word/media/big.bin", "w", force_zip64=True) as fh:  # ~70 MB of zeros
            chunk = b"\0" * (1 << 20)
            for _ in range(70):
                fh.write(chunk)
    assert (d / "reply.docx").stat().st_size < 5 * 2**20
    with pytest.raises(TemplateError, match="过大"):
        render("reply", tmp_path, template_dirs=[d])
