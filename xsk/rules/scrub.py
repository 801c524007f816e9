"""The scrubber: finds and masks private data in Chinese free text.

Public documents (the notice, the result notice) and the masked ledger are made of scrubbed
text. The scrubber recognises private data the way people in China write it:

* mobiles with any separator (space, NBSP, ``.``, ``-``, ``—``, ``/``), as spaced digits, in
  full-width digits or Chinese numerals (一三九…, 幺), with ``+86``/``0086``;
* landlines with an area code (``0772-345-6789``, ``0772—3456789``, ``(010)62345678``) and a
  bare 7–8 digit local number after 电话/联系/手机/座机;
* ID numbers (18 or 15 digits) with or without separators (``450202-19900101-123X``);
* addresses below building level (``3栋2单元501室``, ``3号楼2单元``, ``3-2-501``, ``501室``) and
  house numbers (``解放路12号``, ``张家村5组12号``);
* WeChat ids (``wxid_…``, ``微信号 abc123``), QQ numbers (``QQ 12345678``), e-mail addresses;
* licence plates (``桂B12345``, ``桂B·D1234F``);
* residents' names: the names given (roster residents, proposers) and names found by
  :mod:`xsk.rules.names` that are not in the allowed set (officials, consenting people).

The masking convention (the usual public one; also stated in the README):

==============================  ==============================================
mobile ``13812345678``          ``138****5678`` (first 3 and last 4 digits)
landline ``0772-3456789``       ``0772-****789`` (area code and last 3 digits)
local number ``3456789``        ``****789``
ID number                       ``450202********123X`` (first 6 and last 4)
address                         kept to building level: ``幸福小区3号楼2单元501室`` ->
                                ``幸福小区3号楼``, ``解放路12号`` -> ``解放路``,
                                ``2单元501室`` -> ``***``
WeChat / QQ / e-mail            the id becomes ``***`` (``微信号 ***``, ``z***@qq.com``)
licence plate ``桂B12345``       ``桂B*****``
name ``张建国``                  ``张某``; ``张女士`` / ``张先生`` where the roster gives the gender
==============================  ==============================================

A masked value never begins with ``=``, ``+`` (but for ``+86 ``), ``-`` or ``@``, so it cannot
become a spreadsheet formula. Everything is compiled once; a :class:`Scrubber` holds the
workspace's allowed and private names and is built once per run (:meth:`Scrubber.extend`
adds a case's own people cheaply).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from xsk.rules import privacy

# --- normalisation (length-preserving, so spans map back to the original text) ---------------

_NORM_FROM = (
    "０１２３４５６７８９ＸｘＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｙｚ"
    "＋（）－．／＿＠：﹣‐‑‒–—―−"
    "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t"
    "\u200b\u200c\u200d\u2060\ufeff"
    "〇零○一二三四五六七八九幺"
    "·•・"
)
_NORM_TO = (
    "0123456789XxABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwyz"
    "+()-./_@:--------"
    "                "
    "     "
    "0001234567891"
    "..."
)
assert len(_NORM_FROM) == len(_NORM_TO)
_NORM = str.maketrans(_NORM_FROM, _NORM_TO)


def normalise(text: str) -> str:
    """Full-width and Chinese-numeral digits to ASCII, every dash to ``-``, every space to
    `` ``; the result has the same length as ``text``."""
    return text.translate(_NORM)


# --- patterns (on the normalised text) -------------------------------------------------------

# a separator between two digits: spaces, or a dash/dot/slash/underscore with spaces around
_S = r"(?: *[-./_]{1,2} *| {1,3})?"
_MOBILE = re.compile(
    r"(?<![\d])(?<!\d\.)"
    rf"(?P<cc>(?:\+ *|00)?86{_S}|\( *\+?86 *\){_S})?"
    rf"(?P<num>1{_S}[3-9](?:{_S}\d){{9}})"
    r"(?!\d)(?!\.\d)"
)
_AREA = r"0(?:10|2\d|[3-9]\d{2})"
_LANDLINE = re.compile(
    r"(?<![\d])(?<!\d\.)"
    rf"(?:\( *{_AREA} *\)|{_AREA}){_S}[2-9](?:{_S}\d){{6,7}}"
    rf"(?:{_S}(?:转|ext\.?|#){_S}\d{{1,6}})?"
    r"(?!\d)(?!\.\d)",
    re.IGNORECASE,
)
_LOCAL = re.compile(
    r"(?:电话|联系|手机|座机|固话|热线|号码|tel|Tel|TEL|call)[^\d\n]{0,8}?"
    rf"(?<![\d])(?P<num>[2-9](?:{_S}\d){{6,7}})(?!\d)(?!\.\d)"
)
# xsk's own numbers after a cue word: a case (2026-001, 2026-B012) or meeting (2026-M003)
_NOT_A_PHONE = re.compile(r"(?:19|20)\d\d-(?:[A-Z]{1,2}\d{1,}|\d{3})(?!\d)")
_EXTENSION = re.compile(r"转|ext\.?|#", re.IGNORECASE)
_ID = re.compile(rf"(?<![\d])[1-9](?:{_S}\d){{14}}(?:(?:{_S}\d){{2}}{_S}[\dXx])?(?![\dXx])")
_DATE_OK = re.compile(r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")
_DATE15_OK = re.compile(r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")

_N = r"[\d十百]{1,5}"
_BUILDING = rf"{_N} ?(?:号楼|栋|幢|号院|座(?![谈位椅])|号公寓)"
_UNIT = rf"{_N} ?(?:单元|门(?![口前卫禁面店诊外内])|梯(?![子级]))"
_FLOOR = rf"{_N} ?(?:层|楼(?![道梯下上顶房盘宇间外]))"
_ROOM_WORD = rf"{_N} ?(?:室|号房|房(?![子间屋产东租])|户(?![人主居籍口型]))"
_ROOM_BARE = r"\d{3,4}(?![\d年月日元号万千百十米平方㎡%个次人户天条项件名岁届])"
_ROOM = rf"(?:{_ROOM_WORD}|{_ROOM_BARE})"
_TAIL = (
    rf"(?:[-_ ]?{_UNIT}(?:[-_ ]?{_FLOOR})?(?:[-_ ]?{_ROOM})?"
    rf"|[-_ ]?{_FLOOR}(?:[-_ ]?{_ROOM})?"
    rf"|[-_ ]?{_ROOM_WORD}|[- ]?{_ROOM_BARE}"
    r"|-\d{1,2}-\d{3,4})"
)
_ADDRESS_BUILDING = re.compile(rf"(?P<keep>{_BUILDING})(?P<tail>{_TAIL})")
_ADDRESS_BARE = re.compile(
    rf"(?<![\d-])(?:{_UNIT}[-_ ]?(?:{_FLOOR}[-_ ]?)?{_ROOM}|{_FLOOR}[-_ ]?{_ROOM_WORD}"
    rf"|{_N} ?室|\d{{1,2}}-\d{{1,2}}-\d{{3,4}}(?![\d-]))"
)
_HOUSE_NUMBER = re.compile(
    r"(?:(?<=[路街巷弄村组屯苑])|(?<=大道|胡同|小区|花园|新村|家园|山庄|别墅)"
    r"|(?<=[东南西北中上下\d]段))"  # 文昌大道北段88号, 人民路二段18号 (二 is 2 here)
    rf" ?{_N}(?:-\d{{1,4}})? ?号(?![楼院线文令码])"
    rf"(?:{_N} ?(?:栋|幢|号楼|座))?(?:{_TAIL})?"
)
_WXID = re.compile(r"wxid_[A-Za-z0-9_-]{3,}", re.IGNORECASE)
_WECHAT = re.compile(
    r"(?:微信|威信|薇信|VX|vx|Vx|vX|V信|v信|wx|WX|weixin|WeChat|wechat)"
    r"(?:号码|号|账号|ID|id)?[ :：]*"
    r"(?P<id>[A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])"
)
_QQ = re.compile(
    r"(?:QQ|qq|Qq|扣扣|企鹅)(?:号码|号|群)?[ :：]*(?P<id>[1-9]\d{4,11})(?!\d)", re.IGNORECASE
)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_PLATE = re.compile(
    r"(?P<keep>[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Za-hj-np-z])"
    r"[ .-]?(?P<rest>[A-HJ-NP-Za-hj-np-z0-9]{4}[A-HJ-NP-Za-hj-np-z0-9挂学警港澳领]{1,2})"
    r"(?![A-Za-z0-9])"
)
_SEPARATORS = re.compile(r"[ \-./_()]")
_UNSAFE_START = "=+-@\t\r"

KIND_LABELS: dict[str, str] = {
    "mobile": "手机号",
    "landline": "固定电话",
    "local": "电话号码",
    "id": "身份证号",
    "address": "住址",
    "wechat": "微信号",
    "qq": "QQ号",
    "email": "电子邮箱",
    "plate": "车牌号",
    "name": "姓名",
    "known": "登记的隐私信息",
}


@dataclass(frozen=True)
class Hit:
    """One piece of private data in a text: where it is and what replaces it."""

    kind: str
    start: int
    end: int
    text: str
    masked: str

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def _compact(text: str) -> str:
    return _SEPARATORS.sub("", normalise(text)).upper()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", normalise(text))


def defuse(masked: str) -> str:
    """A masked value that would begin with ``=``, ``+``, ``-``, ``@`` (a formula in a
    spreadsheet) begins with ``*`` instead (``+86 `` is kept)."""
    if masked and masked[0] in _UNSAFE_START and not masked.startswith("+86 "):
        return "*" + masked[1:]
    return masked


def mask_mobile(digits: str, country: bool = False) -> str:
    num = digits[-11:]
    return ("+86 " if country else "") + f"{num[:3]}****{num[-4:]}"


def mask_local(digits: str) -> str:
    return "*" * (len(digits) - 3) + digits[-3:]


def mask_known(value: str) -> str:
    """Mask a private string the workspace recorded (a phone, an ID number, an address)."""
    digits = _digits(value)
    compact = _compact(value)
    if re.fullmatch(r"(?:86)?1[3-9]\d{9}", digits) and len(compact) <= 13:
        return mask_mobile(digits)
    if re.fullmatch(r"\d{17}[\dX]|\d{15}", compact):
        return privacy.mask_id(compact)
    if re.fullmatch(r"0\d{9,11}", digits) and len(compact) <= 14:
        return privacy.mask_phone(digits)
    if any(_is_cjk(ch) for ch in value):
        return privacy.mask_address(value)
    return "***"


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words))


_SEPARATOR_CHARS = frozenset(" -./_()")


def _fold(ch: str) -> str:
    """One character compared without case (a character whose lower case is longer than one
    character stays itself, so indexes keep their place)."""
    low = ch.lower()
    return low if len(low) == 1 else ch


class KnownIndex:
    r"""The workspace's recorded private strings (phones, ID numbers, addresses), looked up
    in a text whatever separators (`` -./_()``) stand between their characters.

    The text's characters without separators are looked up in a set of the strings, the
    longest first at each place, from left to right and without overlaps: the same matches
    as one regular expression of every string with ``[ \-./_()]*`` between their characters
    (longest alternative first, ignoring case), without compiling that expression for each
    document's set of strings.
    """

    def __init__(self, compacts: Iterable[str]) -> None:
        by_length: dict[int, set[str]] = {}
        for compact in compacts:
            folded = "".join(_fold(ch) for ch in compact)
            if folded:
                by_length.setdefault(len(folded), set()).add(folded)
        self.by_length = by_length
        self.lengths = sorted(by_length, reverse=True)
        self.first = frozenset(n[0] for group in by_length.values() for n in group)

    def finditer(self, norm: str) -> list[tuple[int, int]]:
        """``(start, end)`` in ``norm`` (normalised text) of every match."""
        first = self.first
        if not any(_fold(ch) in first for ch in norm):
            return []
        where = [i for i, ch in enumerate(norm) if ch not in _SEPARATOR_CHARS]
        folded = "".join(_fold(norm[i]) for i in where)
        out: list[tuple[int, int]] = []
        i, n = 0, len(folded)
        while i < n:
            if folded[i] in first:
                for length in self.lengths:
                    if i + length <= n and folded[i : i + length] in self.by_length[length]:
                        out.append((where[i], where[i + length - 1] + 1))
                        i += length
                        break
                else:
                    i += 1
            else:
                i += 1
        return out


class Scrubber:
    """Finds and masks private data; built once per workspace (see :meth:`extend`).

    ``allowed_names``: names that stay (officials, consenting people, organisations).
    ``residents``: names that always go (name -> gender 男/女 or ""), wherever they occur.
    ``known_private``: the workspace's phones, ID numbers and addresses, found whatever their
    separators. ``allowed``: values that may appear although they look private (the community
    office's published phone). ``protect``: strings never touched (the community's name, units).
    ``names``: also look for names not given (with the segmenter).
    """

    def __init__(
        self,
        *,
        allowed_names: Iterable[str] = (),
        residents: Mapping[str, str] | Iterable[str] = (),
        known_private: Iterable[str] = (),
        allowed: Iterable[str] = (),
        protect: Iterable[str] = (),
        names: bool = True,
    ) -> None:
        self.allowed_names = frozenset(n for n in allowed_names if n)
        res = residents if isinstance(residents, Mapping) else dict.fromkeys(residents, "")
        self.residents: dict[str, str] = {
            n: g for n, g in res.items() if len(n) >= 2 and n not in self.allowed_names
        }
        self.known = {_compact(k): k for k in known_private if k and len(_compact(k)) >= 5}
        self.allowed = frozenset(_compact(a) for a in allowed if a)
        self.allowed_digits = frozenset(_digits(a) for a in allowed if _digits(a))
        self.protect = frozenset(p for p in protect if p and len(p) >= 2)
        self.names = names

    # The name patterns and the index of the known strings are made on first use: a
    # scrubber made for a document whose scan result is cached (``xsk check``) never needs
    # them, and :meth:`extend` hands on the ones that did not change.

    @property
    def _protect_re(self) -> re.Pattern[str] | None:
        if "_protect" not in self.__dict__:
            self.__dict__["_protect"] = _alternation(self.allowed_names | self.protect)
        return self.__dict__["_protect"]

    @property
    def _resident_re(self) -> re.Pattern[str] | None:
        if "_residents" not in self.__dict__:
            self.__dict__["_residents"] = _alternation(self.residents)
        return self.__dict__["_residents"]

    @property
    def _known_index(self) -> KnownIndex | None:
        if "_known" not in self.__dict__:
            self.__dict__["_known"] = KnownIndex(self.known) if self.known else None
        return self.__dict__["_known"]

    def extend(
        self,
        *,
        allowed_names: Iterable[str] = (),
        residents: Mapping[str, str] | Iterable[str] = (),
        known_private: Iterable[str] = (),
    ) -> Scrubber:
        """A scrubber that also knows these people and strings (a case's proposers). A name
        the workspace allows (the roster's officials and consenting people) stays allowed."""
        res = residents if isinstance(residents, Mapping) else dict.fromkeys(residents, "")
        new_res = {
            n: g
            for n, g in res.items()
            if len(n) >= 2 and self.residents.get(n) != g and n not in self.allowed_names
        }
        new_allowed = set(allowed_names) - set(res) - self.allowed_names
        new_known = [k for k in known_private if k and _compact(k) not in self.known]
        if not new_res and not new_known and not new_allowed:
            return self
        out = Scrubber.__new__(Scrubber)
        out.allowed_names = (self.allowed_names | new_allowed) - set(new_res)
        out.residents = {**self.residents, **new_res}
        for n in new_allowed:
            out.residents.pop(n, None)
        out.known = {**self.known, **{_compact(k): k for k in new_known if len(_compact(k)) >= 5}}
        out.allowed = self.allowed
        out.allowed_digits = self.allowed_digits
        out.protect = self.protect
        out.names = self.names
        made = self.__dict__
        if "_protect" in made and out.allowed_names == self.allowed_names:
            out.__dict__["_protect"] = made["_protect"]
        if "_residents" in made and out.residents == self.residents:
            out.__dict__["_residents"] = made["_residents"]
        if "_known" in made and out.known == self.known:
            out.__dict__["_known"] = made["_known"]
        return out

    # --- masking single values ---------------------------------------------------------------

    def mask_name(self, name: str) -> str:
        """``张建国`` -> ``张某`` (``张女士``/``张先生`` with a known gender); an allowed name
        stays."""
        name = name.strip()
        if not name or name in self.allowed_names:
            return name
        return privacy.mask_name(name, self.residents.get(name, ""))

    def name(self, value: str) -> str:
        """A field that holds a person's name (host, speaker, visitor): masked unless allowed;
        a value that is not a bare name (``王丽（主持）``, ``居民``) is scrubbed as text."""
        from xsk.rules.names import looks_like_name

        value = value.strip()
        if not value or value in self.allowed_names or value in self.protect:
            return value
        if value in self.residents or looks_like_name(value):
            return self.mask_name(value)
        if not any(_is_cjk(ch) for ch in value) and not any(ch.isdigit() for ch in value):
            return privacy.mask_name(value)  # a name in Latin letters (or a formula)
        return self.scrub(value)

    # --- finding -----------------------------------------------------------------------------

    def _protected(self, text: str) -> list[tuple[int, int]]:
        if self._protect_re is None:
            return []
        return [m.span() for m in self._protect_re.finditer(text)]

    def find(self, text: str) -> list[Hit]:
        """The private data in ``text``: non-overlapping hits in text order."""
        if not text:
            return []
        norm = normalise(text)
        hits: list[Hit] = []
        add = hits.append

        def hit(kind: str, start: int, end: int, masked: str) -> None:
            add(Hit(kind, start, end, text[start:end], defuse(masked)))

        if self._known_index is not None:
            for start, end in self._known_index.finditer(norm):
                found = norm[start:end]
                compact = _compact(found)
                if compact not in self.allowed:
                    hit("known", start, end, mask_known(self.known.get(compact, found)))
        if any(ch.isdigit() for ch in norm):
            self._find_numbers(norm, hit)
        self._find_ids(norm, hit)
        self._find_addresses(norm, hit)
        protected = self._protected(text)
        if self._resident_re is not None:
            for m in self._resident_re.finditer(text):
                if not _overlaps(m.span(), protected):
                    hit("name", *m.span(), self.mask_name(m.group()))
        if self.names:
            from xsk.rules.names import find_names

            for start, end in find_names(text):
                word = text[start:end]
                if word in self.allowed_names or _overlaps((start, end), protected):
                    continue
                hit("name", start, end, self.mask_name(word))
        return _merge(hits, text)

    def _find_numbers(self, norm: str, hit: Any) -> None:
        for m in _MOBILE.finditer(norm):
            digits = _digits(m.group("num"))
            if digits in self.allowed_digits or _digits(m.group()) in self.allowed_digits:
                continue
            hit("mobile", *m.span(), mask_mobile(digits, bool(m.group("cc"))))
        for m in _LANDLINE.finditer(norm):
            number = _EXTENSION.split(m.group())[0]
            digits = _digits(number)
            if digits in self.allowed_digits or _digits(m.group()) in self.allowed_digits:
                continue
            hit("landline", *m.span(), privacy.mask_phone(digits))
        for m in _LOCAL.finditer(norm):
            digits = _digits(m.group("num"))
            if any(a.endswith(digits) for a in self.allowed_digits):
                continue
            if (
                _NOT_A_PHONE.match(norm, m.start("num"))
                or "编号" in m.group()[: m.start("num") - m.start()]
            ):
                continue  # 联系。（议题编号：2026-001）: a case or meeting number, not a phone
            hit("local", *m.span("num"), mask_local(digits))

    def _find_ids(self, norm: str, hit: Any) -> None:
        for m in _ID.finditer(norm):
            compact = _compact(m.group()).upper()
            if (len(compact) == 18 and _DATE_OK.fullmatch(compact[6:14])) or (
                len(compact) == 15 and _DATE15_OK.fullmatch(compact[6:12])
            ):
                hit("id", *m.span(), privacy.mask_id(compact))
        for m in _WXID.finditer(norm):
            hit("wechat", *m.span(), "***")
        for m in _WECHAT.finditer(norm):
            hit("wechat", *m.span("id"), "***")
        for m in _QQ.finditer(norm):
            hit("qq", *m.span("id"), "***")
        for m in _EMAIL.finditer(norm):
            local, _, domain = m.group().partition("@")
            hit("email", *m.span(), f"{local[:1]}***@{domain}")
        for m in _PLATE.finditer(norm):
            hit("plate", *m.span(), m.group("keep").upper() + "*" * len(m.group("rest")))

    def _find_addresses(self, norm: str, hit: Any) -> None:
        if not any(ch.isdigit() or ch in "十百" for ch in norm):
            return
        for m in _ADDRESS_BUILDING.finditer(norm):
            hit("address", *m.span("tail"), "")
        for m in _HOUSE_NUMBER.finditer(norm):
            hit("address", *m.span(), "")
        for m in _ADDRESS_BARE.finditer(norm):
            hit("address", *m.span(), "***")

    # --- scrubbing ---------------------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """``text`` with every hit replaced by its masked form (repeated until nothing is
        found, at most three times: masking can change how the words around are read)."""
        for _ in range(3):
            hits = self.find(text)
            if not hits:
                return text
            text = _apply(text, hits)
        return text

    def leaks(self, text: str) -> list[Hit]:
        """What a public text still holds (:meth:`find`, for the scans after rendering)."""
        return self.find(text)


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    """``span`` overlaps one of ``spans`` without being longer than it and containing it
    (``黎明辉`` is another person than the allowed ``黎明``)."""
    a, b = span
    return any(a < d and c < b and not (a <= c and d <= b and b - a > d - c) for c, d in spans)


_PRIORITY = {
    "known": 0,
    "id": 1,
    "mobile": 2,
    "landline": 3,
    "local": 4,
    "wechat": 5,
    "qq": 5,
    "email": 5,
    "plate": 6,
    "address": 7,
    "name": 8,
}


def _merge(hits: list[Hit], text: str) -> list[Hit]:
    """Overlapping hits become one: the one that starts first (then the longer one, then the
    more specific kind) gives the kind and the mask; what sticks out past it is masked too."""
    if not hits:
        return []
    hits.sort(key=lambda h: (h.start, -(h.end - h.start), _PRIORITY.get(h.kind, 9)))
    out: list[Hit] = [hits[0]]
    for h in hits[1:]:
        last = out[-1]
        if h.start >= last.end:
            out.append(h)
            continue
        if h.end <= last.end:
            continue  # inside the last one
        extra = "***" if h.kind != "address" else ""
        out[-1] = Hit(last.kind, last.start, h.end, text[last.start : h.end], last.masked + extra)
    return out


def _apply(text: str, hits: list[Hit]) -> str:
    parts = []
    pos = 0
    for h in hits:
        parts.append(text[pos : h.start])
        parts.append(h.masked)
        pos = h.end
    parts.append(text[pos:])
    return "".join(parts)
