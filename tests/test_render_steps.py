"""The renderer's shortcuts through docxtpl's steps give docxtpl's own results.

``resolve_listing`` runs docxtpl's step only on paragraphs with a tab or line break, and
``fix_tables`` runs docxtpl's step only when a table grid would change: both are compared
with docxtpl on generated parts.
"""

from __future__ import annotations

import random

import pytest
from docxtpl import DocxTemplate
from lxml import etree

from xsk.documents import docx as R

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _cell(rnd: random.Random) -> str:
    span = rnd.choice(["", "", "", '<w:gridSpan w:val="2"/>', '<w:gridSpan w:val="1"/>'])
    props = rnd.choice(
        ["", f"<w:tcPr>{span}</w:tcPr>", f'<w:tcPr><w:tcW w:w="900"/>{span}</w:tcPr>']
    )
    return f"<w:tc>{props}<w:p><w:r><w:t>格</w:t></w:r></w:p></w:tc>"


def _table(rnd: random.Random) -> str:
    cols = "".join(
        f'<w:gridCol w:w="{rnd.choice([800, 1200, 2000])}"/>' for _ in range(rnd.randrange(4))
    )
    rows = "".join(
        "<w:tr>" + "".join(_cell(rnd) for _ in range(rnd.randrange(5))) + "</w:tr>"
        for _ in range(rnd.randrange(4))
    )
    return f"<w:tbl><w:tblPr/><w:tblGrid>{cols}</w:tblGrid>{rows}</w:tbl>"


def _body(rnd: random.Random) -> str:
    blocks = []
    for _ in range(rnd.randrange(1, 4)):
        if rnd.random() < 0.6:
            blocks.append(_table(rnd))
        else:
            text = rnd.choice(["一行", "一行\n二行", "甲\t乙", "无"])
            blocks.append(f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>')
    return f'<w:body xmlns:w="{W}">{"".join(blocks)}</w:body>'


@pytest.mark.parametrize("seed", range(40))
def test_fix_tables_is_docxtpls(seed: int) -> None:
    rnd = random.Random(seed)
    steps = R._DocxtplSteps()
    for _ in range(25):
        xml = _body(rnd)
        ours = etree.tostring(steps.fix_tables(xml))
        theirs = etree.tostring(DocxTemplate.fix_tables(steps, xml))
        assert ours == theirs, xml


def test_fix_tables_without_a_grid_fails_as_docxtpl_does() -> None:
    xml = f'<w:body xmlns:w="{W}"><w:tbl><w:tr><w:tc/></w:tr></w:tbl></w:body>'
    with pytest.raises(AttributeError):
        R._DocxtplSteps().fix_tables(xml)


@pytest.mark.parametrize(
    "xml",
    [
        "<w:p><w:r><w:t>无换行</w:t></w:r></w:p>",
        '<w:p><w:pPr><w:jc w:val="both"/></w:pPr><w:r><w:rPr><w:b/></w:rPr>'
        "<w:t>一\n二\t三</w:t></w:r></w:p><w:p><w:r><w:t>四</w:t></w:r></w:p>",
        "<w:p><w:r><w:t>甲</w:t></w:r></w:p>\n<w:p><w:r><w:t>乙\n丙</w:t></w:r></w:p>",
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>格\n内</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
    ],
)
def test_resolve_listing_is_docxtpls(xml: str) -> None:
    steps = R._DocxtplSteps()
    assert steps.resolve_listing(xml) == DocxTemplate.resolve_listing(steps, xml)


@pytest.mark.parametrize("traditional", [False, True], ids=["简体", "繁體"])
def test_the_renderers_paragraphs_are_what_the_scan_reads(traditional: bool) -> None:
    """The leak scan gets the paragraphs from the renderer's trees: the same as reading the
    written document back."""
    from xsk.documents import publiccheck

    try:
        from test_render_samples import KINDS, sample_context
    except ImportError:  # tests collected as a package
        from tests.test_render_samples import KINDS, sample_context

    for kind in KINDS:
        paragraphs: list[str] = []
        data = R.render_document_bytes(
            kind,
            sample_context(kind),
            template_dirs=[R.builtin_templates_dir()],
            public=kind in R.PUBLIC_KINDS,
            traditional=traditional,
            paragraphs=paragraphs,
        )
        assert paragraphs, kind
        assert paragraphs == publiccheck.paragraphs_bytes(data), kind
