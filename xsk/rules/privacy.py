"""Masking of private data and detection of leaks in public documents.

Public documents (notices, result notices) go on the community board: no resident's phone
number, ID number or full address may appear on them. The ``mask_*`` functions never raise on
odd input; a value they do not recognise is masked more, not less.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Length-preserving normalisation: full-width digits, X and separators to ASCII.
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９Ｘｘ－＋（）\u3000",
    "0123456789Xx-+() ",
)


# ---------------------------------------------------------------------------
# Masking

_PHONE_SEPARATORS = " -()"
_MOBILE_RE = re.compile(r"^(?P<prefix>(?:\+|00)?86)?(?P<number>1[3-9]\d{9})\Z")
_LANDLINE_RE = re.compile(
    r"^\(?(?P<area>010|02\d|0[3-9]\d{2})\)?[- ]?(?P<local>[2-9]\d{6,7})"
    r"(?:(?:[- ]|转|ext\.?|#)\d{1,6})?$",
    re.IGNORECASE,
)


def _defuse(masked: str) -> str:
    """A masked value never begins with ``=``, ``+``, ``-`` or ``@`` (a spreadsheet would read a
    formula); the ``+86 `` of a mobile is kept."""
    if masked and masked[0] in "=+-@\t\r" and not masked.startswith("+86 "):
        return "*" + masked[1:]
    return masked


def _mask_tail(text: str, keep: int) -> str:
    """Replace every digit of ``text`` but the last ``keep`` with ``*``."""
    digits = sum(ch.isdigit() for ch in text)
    out = []
    for ch in text:
        if ch.isdigit():
            out.append("*" if digits > keep else ch)
            digits -= 1
        else:
            out.append(ch)
    return "".join(out)


def mask_phone(phone: str) -> str:
    """``"13812345678"`` -> ``"138****5678"``; ``"0771-2345678"`` -> ``"0771-****678"``.

    Mobiles (optionally with ``+86`` and spaces or dashes) keep the first 3 and last 4 digits.
    Landlines keep the area code and the last 3 digits of the local number; an extension is
    dropped. Anything else keeps at most its last 2 digits. Empty input gives ``""``.
    """
    text = (phone or "").strip()
    if not text:
        return ""
    text = text.translate(_FULLWIDTH)
    compact = "".join(ch for ch in text if ch not in _PHONE_SEPARATORS)
    mobile = _MOBILE_RE.match(compact)
    if mobile:
        number = mobile.group("number")
        prefix = "+86 " if mobile.group("prefix") else ""
        return f"{prefix}{number[:3]}****{number[-4:]}"
    landline = _LANDLINE_RE.match(" ".join(text.split()))
    if landline:
        local = landline.group("local")
        return f"{landline.group('area')}-{'*' * (len(local) - 3)}{local[-3:]}"
    return _defuse(_mask_tail(text, 2 if sum(ch.isdigit() for ch in text) >= 6 else 0))


_ID18_RE = re.compile(r"^\d{17}[\dX]\Z")
_ID15_RE = re.compile(r"^\d{15}\Z")


def mask_id(id_number: str) -> str:
    """``"110101199001011234"`` -> ``"110101********1234"`` (first 6, 8 stars, last 4).

    Old 15-digit numbers are masked the same way (first 6 + 8 stars + last 4), so the masked
    form does not tell the two apart. A value that is not an ID number keeps only its first and
    last character (if it has at least 6). Empty input gives ``""``.
    """
    text = "".join((id_number or "").split()).upper()
    if not text:
        return ""
    if _ID18_RE.match(text) or _ID15_RE.match(text):
        return f"{text[:6]}********{text[-4:]}"
    if len(text) >= 6:
        return _defuse(f"{text[0]}{'*' * (len(text) - 2)}{text[-1]}")
    return "*" * len(text)


_COMPOUND_SURNAMES_TEXT = """
    欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫
    宗政 濮阳 公冶 太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官
    司寇 巫马 公西 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐 段干 百里 呼延
    东郭 南门 羊舌 微生 公户 公玉 公仪 梁丘 公仲 公上 公门 公山 公坚 左丘 公伯 西门 公祖
    第五 公乘 贯丘 公皙 南荣 东里 东宫 仲长 子书 子桑 即墨 达奚 褚师
"""
COMPOUND_SURNAMES: frozenset[str] = frozenset(_COMPOUND_SURNAMES_TEXT.split())


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or ch >= "\U00020000"


def mask_name(name: str, gender: str = "") -> str:
    """Keep the surname, replace the given name: ``"张建国"`` -> ``"张某"``.

    With the gender known (``"女"``/``"男"``, as the roster or the case gives it) the usual
    polite form is used: ``"张女士"``, ``"张先生"``. Compound surnames keep both characters
    (``"欧阳娜娜"`` -> ``"欧阳某"``); a one-character name gives ``"张某"``. A name that does not
    start with a Chinese character keeps its first letter (``"John Smith"`` -> ``"J*"``); one
    that starts with neither a letter nor a Chinese character gives ``"***"`` (so a masked
    value never begins with ``=``).
    """
    text = (name or "").strip()
    if not text:
        return ""
    if not _is_cjk(text[0]):
        return f"{text[0]}*" if text[0].isalpha() else "***"
    surname = text[:2] if len(text) > 2 and text[:2] in COMPOUND_SURNAMES else text[0]
    g = (gender or "").strip().lower()
    if g in ("女", "f", "female", "女性"):
        return surname + "女士"
    if g in ("男", "m", "male", "男性"):
        return surname + "先生"
    return surname + "某"


# Place levels that are public (a building, a courtyard, an estate, a village, a villagers'
# group); what follows the last of them (unit, floor, room, house number) is private.
_PLACE_TOKEN_RE = re.compile(r"号楼|号院|小区|栋|幢|村|组")
# Something in between two place tokens that shows the address already went below building
# level ("3号楼2单元5栋" keeps only "3号楼").
_BELOW_BUILDING_RE = re.compile(r"单元|室|层|户|号(?![楼院])|[-－—#]")


_ROAD_RE = re.compile(r"^.*?(?:大道|胡同|路|街|巷|弄)(?=\s*[\d０-９一二三四五六七八九十]+)")


def mask_address(address: str) -> str:
    """Keep the address to building level: ``"3号楼2单元501"`` -> ``"3号楼"``.

    The kept prefix runs up to and including the first 号楼/栋/幢/号院/小区/村/组 token, and on
    through further such tokens as long as nothing finer (单元, 室, 层, 户, a house number,
    a dash) comes in between: ``"幸福小区3号楼2单元501室"`` -> ``"幸福小区3号楼"``,
    ``"张家村5组12号"`` -> ``"张家村5组"``. A street address keeps the street:
    ``"解放路12号"`` -> ``"解放路"``. Without any of these the result is ``"***"``; an address
    with nothing after its place prefix is returned unchanged.
    """
    text = (address or "").strip()
    if not text:
        return ""
    end = None
    for match in _PLACE_TOKEN_RE.finditer(text):
        if end is not None and _BELOW_BUILDING_RE.search(text, end, match.start()):
            break
        end = match.end()
    if end is None:
        road = _ROAD_RE.match(text)
        return road.group() if road else "***"
    return text[:end]


# ---------------------------------------------------------------------------
# Leak detection

_MOBILE_FIND = re.compile(
    r"(?<![0-9])(?<![0-9]\.)"
    r"(?:(?:\+|00)?86[ -]?)?"
    r"1[3-9][0-9](?:[0-9]{8}|-[0-9]{4}-[0-9]{4}| [0-9]{4} [0-9]{4})"
    r"(?![0-9])(?!\.[0-9])"
)
_DATE_PART = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_ID18_FIND = re.compile(
    r"(?<![0-9])[1-9][0-9]{5} ?(?:18|19|20)[0-9]{2}" + _DATE_PART + r" ?[0-9]{3}[0-9Xx](?![0-9])"
)
_ID15_FIND = re.compile(r"(?<![0-9])[1-9][0-9]{5}[0-9]{2}" + _DATE_PART + r"[0-9]{3}(?![0-9])")
_LANDLINE_FIND = re.compile(
    r"(?<![0-9])(?<![0-9]\.)"
    r"(?:\((?:010|02[0-9]|0[3-9][0-9]{2})\) ?|(?:010|02[0-9]|0[3-9][0-9]{2})[- ]?)"
    r"[2-9][0-9]{6,7}"
    r"(?![0-9])(?!\.[0-9])"
)
_PATTERNS = (_MOBILE_FIND, _ID18_FIND, _ID15_FIND, _LANDLINE_FIND)

_KNOWN_IGNORED = frozenset(" -\t\u3000—")
_KNOWN_MIN_LENGTH = 3


def _comparable(text: str) -> tuple[str, list[int]]:
    """``text`` (already through ``_FULLWIDTH``) without separators, ASCII upper-cased, and for
    each remaining character its index in ``text``."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch in _KNOWN_IGNORED:
            continue
        chars.append(ch.upper() if ch.isascii() else ch)
        where.append(i)
    return "".join(chars), where


def _known_spans(normal: str, known: Iterable[str]) -> list[tuple[int, int]]:
    needles = {_comparable(k.translate(_FULLWIDTH))[0] for k in known if k}
    needles = {n for n in needles if len(n) >= _KNOWN_MIN_LENGTH}
    if not needles:
        return []
    haystack, where = _comparable(normal)
    spans = []
    for needle in needles:
        start = haystack.find(needle)
        while start != -1:
            spans.append((where[start], where[start + len(needle) - 1] + 1))
            start = haystack.find(needle, start + 1)
    return spans


def find_leaks(text: str, known: Iterable[str] = ()) -> list[str]:
    """Private data found in ``text``, as the offending substrings (unique, in text order).

    Looks for mainland mobile numbers (also written ``138-1234-5678`` or ``138 1234 5678``,
    optionally with ``+86``), 18-digit ID numbers (17 digits and a digit or X, with a plausible
    birth date; the checksum is not required), 15-digit ID numbers, landlines with an area code
    (``0771-2345678``, ``(010)12345678``), and any of the ``known`` strings (the workspace's
    phones and IDs) compared after removing spaces and dashes; known strings shorter than 3
    characters are ignored. A number that is part of a longer run of digits is not a phone.
    Case ids (``2026-007``), dates, areas (``8,123.40``) and amounts are not flagged.
    """
    normal = text.translate(_FULLWIDTH)
    spans = [m.span() for pattern in _PATTERNS for m in pattern.finditer(normal)]
    spans.extend(_known_spans(normal, known))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    leaks: list[str] = []
    for start, end in merged:
        found = text[start:end]
        if found not in leaks:
            leaks.append(found)
    return leaks


_SEVEN_DIGITS = re.compile(r"\d(?:\D{0,3}\d){6}")  # no phone or ID number has fewer


def mask_numbers(text: str) -> str:
    """``text`` with the phone and ID numbers in it masked as on a public notice (no names:
    that needs the scrubber, and the list it is used for must stay fast). For the lines xsk
    prints of many cases at once: ``status``, ``find``."""
    if not _SEVEN_DIGITS.search(text):
        return text
    for found in find_leaks(text):
        digits = sum(ch.isdigit() for ch in found)
        text = text.replace(found, mask_id(found) if digits >= 15 else mask_phone(found))
    return text
