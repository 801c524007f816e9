"""The sign-off as GB/T 9704-2012 7.3.5 draws it, and the 附注 of public documents (7.3.7).

Issued documents take the seal (7.3.5.1): two blank lines of room above the issuer, the date
右空四字, the issuer centred over the date. Forms (登记表, 签到表, 回访评议表) do not
(7.3.5.2): one blank line, issuer 右空二字, the date two characters right of its first
character. Public kinds carry "（此件公开发布）" under the date, 居左空二字; internal ones not.
"""

from __future__ import annotations

import io
import zipfile
from fractions import Fraction

import pytest
from lxml import etree
from test_render_samples import KINDS, sample_context

from xsk.core.kinds import PUBLIC_KINDS
from xsk.documents import docx as R
from xsk.documents.docx import builtin_templates_dir
from xsk.documents.docx_signoff import indents, text_width

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SEALED = {"notice", "minutes", "result", "responsibility", "reply", "report"}
FORMS = {"registration", "signin", "visit"}
LINE = 579  # twips of one line of the page grid
NOTE = "（此件公开发布）"


def _parts(kind: str, **extra: object) -> tuple[list, dict[str, etree._Element]]:
    ctx = {**sample_context(kind), **extra}
    data = R.render_document_bytes(
        kind, ctx, template_dirs=[builtin_templates_dir()], public=kind in PUBLIC_KINDS
    )
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
        styles = etree.fromstring(z.read("word/styles.xml"))
    by_id = {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}
    return [el for el in body if el.tag == f"{W}p"], by_id


def _style(p) -> str:
    ps = p.find(f"{W}pPr/{W}pStyle")
    return ps.get(f"{W}val") if ps is not None else ""


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def _ind(p) -> dict[str, int]:
    ind = p.find(f"{W}pPr/{W}ind")
    return {k.removeprefix(W): int(v) for k, v in ind.attrib.items()} if ind is not None else {}


def _jc(style) -> str:
    return style.find(f"{W}pPr/{W}jc").get(f"{W}val")


def _sign_off(kind: str, **extra: object):
    paras, styles = _parts(kind, **extra)
    i = next(k for k, p in enumerate(paras) if _style(p) == "XSKSignature")
    return paras, i, styles


def test_every_kind_is_sealed_or_a_form() -> None:
    assert set(KINDS) == SEALED | FORMS


@pytest.mark.parametrize("kind", sorted(SEALED))
def test_sealed_sign_off_date_four_from_the_right_issuer_centred_room_for_the_seal(
    kind: str,
) -> None:
    paras, i, styles = _sign_off(kind)
    issuer, date = paras[i], paras[i + 1]
    assert (_text(issuer), _text(date)) == ("红桥社区居民委员会", "2026年11月23日")
    assert _style(date) == "XSKDate"
    # 成文日期 右空四字
    assert _ind(date) == {"rightChars": 400, "right": 4 * 320}
    # 发文机关署名 以成文日期为准居中: issuer 9 characters, date 8 (digits half, a fifth of a
    # character between digits and CJK)
    assert text_width(_text(date)) == 8
    assert _ind(issuer) == {"rightChars": 350, "right": 1120}
    centre_date = 4 + text_width(_text(date)) / 2
    centre_issuer = Fraction(_ind(issuer)["rightChars"], 100) + 9 / Fraction(2)
    assert centre_issuer == centre_date
    for p in (issuer, date):
        assert _jc(styles[_style(p)]) == "right"
    # room for the seal: two blank lines above the issuer (the seal spans four lines and
    # presses issuer and date in its lower half), no blank paragraph
    sp = issuer.find(f"{W}pPr/{W}spacing")
    assert int(sp.get(f"{W}before")) == 2 * LINE and sp.get(f"{W}beforeLines") is None
    assert _text(paras[i - 1]).strip()
    # the issuer stays with the date on one page
    assert issuer.find(f"{W}pPr/{W}keepNext") is not None


@pytest.mark.parametrize("kind", sorted(FORMS))
def test_form_sign_off_without_seal(kind: str) -> None:
    paras, i, styles = _sign_off(kind)
    issuer, date = paras[i], paras[i + 1]
    assert _style(date) == "XSKDateUnsealed"
    # the date (8 characters) would start two characters right of the issuer's (9) first
    # character and end one from the margin: it is set 右空二字 and the issuer moves left
    assert _ind(date) == {"rightChars": 200, "right": 640}
    assert _ind(issuer) == {"rightChars": 300, "right": 960}
    for p in (issuer, date):
        assert _jc(styles[_style(p)]) == "right"
    sp = issuer.find(f"{W}pPr/{W}spacing")
    assert int(sp.get(f"{W}before")) == LINE


def test_indents_follow_the_lengths() -> None:
    # sealed: a short issuer is centred over a longer date, a very long one never crosses
    # the right margin
    assert indents("红桥社区", "2026年11月23日", sealed=True) == (6, 4)
    assert indents("红桥社区居民委员会红桥社区协商议事会", "2026年1月5日", sealed=True)[0] == 0
    # unsealed: the date two characters right of the issuer's first character ...
    assert indents("红桥社区居民委员会", "2026年1月5日", sealed=False) == (2, 2)
    # ... unless it is longer: then the date 右空二字 and the issuer moves left
    issuer_right, date_right = indents("红桥社区居委会", "2026年11月23日", sealed=False)
    assert (issuer_right, date_right) == (5, 2)
    assert text_width("2026年3月5日") == 7
    assert text_width("2026年3月11日") == Fraction(15, 2)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_public_note_on_the_face_of_public_documents_only(kind: str) -> None:
    paras, i, styles = _sign_off(kind)
    texts = [_text(p) for p in paras]
    if kind in PUBLIC_KINDS:
        # GB/T 9704 7.3.7 附注: the line under the date, 居左空二字, in round brackets
        note = paras[i + 2]
        assert _text(note) == NOTE and texts.count(NOTE) == 1
        assert _style(note) == "XSKNote"
        ind = styles["XSKNote"].find(f"{W}pPr/{W}ind")
        assert (ind.get(f"{W}leftChars"), ind.get(f"{W}left")) == ("200", "640")
        # the date keeps with it: the note is never alone on a page
        assert paras[i + 1].find(f"{W}pPr/{W}keepNext") is not None
    else:
        assert not any("公开" in t for t in texts), kind
