"""Keep-with-next set on rendered documents (xsk/documents/docx_keep.py): headings with their
first line, the sign-off with the last three paragraphs of text."""

from __future__ import annotations

import io
import zipfile

from lxml import etree
from test_render_samples import sample_context

from xsk.documents import docx as R
from xsk.documents.docx import builtin_templates_dir

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _blocks(kind: str) -> list:
    data = R.render_document_bytes(
        kind, sample_context(kind), template_dirs=[builtin_templates_dir()], public=False
    )
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
    return [el for el in body if el.tag in (f"{W}p", f"{W}tbl")]


def _style(p) -> str:
    ps = p.find(f"{W}pPr/{W}pStyle")
    return ps.get(f"{W}val") if ps is not None else ""


def _keeps(p) -> bool:
    return p.find(f"{W}pPr/{W}keepNext") is not None


def test_headings_and_their_number_line_keep_with_next() -> None:
    blocks = _blocks("minutes")
    heads = [i for i, b in enumerate(blocks) if b.tag == f"{W}p" and _style(b) == "Heading1"]
    assert heads
    for i in heads:
        assert _keeps(blocks[i])
        nxt = blocks[i + 1]
        assert "".join(nxt.itertext()).startswith("议题编号") and _keeps(nxt)


def test_sign_off_keeps_with_the_last_paragraphs() -> None:
    for kind in ("minutes", "reply", "result", "notice"):
        blocks = _blocks(kind)
        first_sign = next(i for i, b in enumerate(blocks) if _style(b) == "XSKSignature")
        before = [b for b in blocks[:first_sign] if b.tag == f"{W}p"][-4:]
        texts = [b for b in before if "".join(b.itertext()).strip()]
        assert all(_keeps(b) for b in texts[-3:]), kind
