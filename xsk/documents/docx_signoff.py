"""Place the sign-off (发文机关署名和成文日期) of a rendered document as GB/T 9704-2012 7.3.5 draws it.

The templates mark the issuer with the style ``XSKSignature`` and the date after it with
``XSKDate`` (a document that takes the seal) or ``XSKDateUnsealed`` (a form). Where each
line sits depends on how long the rendered texts are, so the indents are set here:

* with the seal (7.3.5.1): the date 右空四字; the issuer centred over the date (以成文日期为准
  居中), i.e. its right indent is 4 + (date - issuer) / 2 characters, never below zero. The
  room for the seal above the issuer is in the template (spacing before the issuer);
* without it (7.3.5.2): the issuer 右空二字 and the date starting two characters right of the
  issuer's first character; a date longer than that is set 右空二字 and the issuer moved left
  by as much.

Widths are in characters of the body text (``text_width``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from lxml import etree

from xsk.documents.ooxml import PPR_ORDER, _w, insert_ordered

ISSUER = "XSKSignature"
DATE_SEALED = "XSKDate"
DATE_UNSEALED = "XSKDateUnsealed"
CHAR_TWIPS = 320  # one 3号 (16 pt) character, as the templates' indents count it
SEAL_DATE_RIGHT = 4
PLAIN_RIGHT = 2
PLAIN_SHIFT = 2

_P, _PPR, _PSTYLE, _VAL, _IND = _w("p"), _w("pPr"), _w("pStyle"), _w("val"), _w("ind")


def text_width(text: str) -> Fraction:
    """Width of ``text`` in body characters: a CJK character is one, ASCII half of one, and
    Word and LibreOffice put a fifth of a character between CJK text and a number or Latin
    word (autoSpaceDN / autoSpaceDE): "2026年3月11日" is 7.5 characters wide."""
    tenths = 0  # counted in tenths of a character, exactly
    prev: bool | None = None
    for ch in text:
        wide = ord(ch) >= 0x2E80
        tenths += 10 if wide else 5
        if ch.isalnum() or wide:
            if prev is not None and prev != wide:
                tenths += 2
            prev = wide
        else:
            prev = None
    return Fraction(tenths, 10)


def _style(p: Any) -> str:
    ps = p.find(f"{_PPR}/{_PSTYLE}")
    return ps.get(_VAL, "") if ps is not None else ""


def _text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(_w("t"))).strip()


def _set_right(p: Any, chars: Fraction) -> None:
    """Right indent of ``p`` in characters (both the character and the twip value)."""
    ppr = p.find(_PPR)
    if ppr is None:
        ppr = etree.Element(_PPR)
        p.insert(0, ppr)
    ind = ppr.find(_IND)
    if ind is None:
        ind = etree.Element(_IND)
        insert_ordered(ppr, ind, PPR_ORDER)
    chars = max(chars, Fraction(0))
    ind.set(_w("rightChars"), str(round(chars * 100)))
    ind.set(_w("right"), str(round(chars * CHAR_TWIPS)))


def indents(issuer: str, date: str, *, sealed: bool) -> tuple[Fraction, Fraction]:
    """Right indents (characters) of the issuer and of the date."""
    wi, wd = text_width(issuer), text_width(date)
    if sealed:
        return max(SEAL_DATE_RIGHT + (wd - wi) / 2, Fraction(0)), Fraction(SEAL_DATE_RIGHT)
    date_right = wi - PLAIN_SHIFT - wd + PLAIN_RIGHT
    if date_right >= PLAIN_RIGHT:
        return Fraction(PLAIN_RIGHT), date_right
    return PLAIN_RIGHT + (PLAIN_RIGHT - date_right), Fraction(PLAIN_RIGHT)


# the body paragraphs that may be an issuer (found in C; each is checked as _style reads it)
_ISSUERS = etree.XPath(
    f"w:p[w:pPr/w:pStyle/@w:val = '{ISSUER}']",
    namespaces={"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"},
)


def place_signoff(root: Any) -> None:
    """Set the indents of every issuer + date pair of a rendered ``w:document`` root."""
    body = root.find(_w("body"))
    if body is None:
        return
    for first in _ISSUERS(body):
        second = next(first.itersiblings(_P), None)
        if second is None or _style(first) != ISSUER:
            continue
        kind = _style(second)
        if kind not in (DATE_SEALED, DATE_UNSEALED):
            continue
        issuer_right, date_right = indents(_text(first), _text(second), sealed=kind == DATE_SEALED)
        _set_right(first, issuer_right)
        _set_right(second, date_right)
