"""Finding people's names in Chinese free text (for masking residents on public documents).

A name is found by a word segmenter with part-of-speech tagging (jieba's ``posseg``, which tags
person names ``nr``), checked and completed by rules:

* a name starts with a surname from :data:`SURNAMES` (or a compound surname) and has a given
  name of one or two characters;
* a word the segmenter tags ``nr`` is a name unless it is a common word of its dictionary
  (``文明``, ``张贴``, ``黄石`` are tagged ``nr`` there too);
* a surname the segmenter left on its own (``李`` + ``红梅``) is joined to the word after it;
* a word of two or three characters starting with a surname right after a word that announces
  a person (居民, 业主, 反映人, 楼长 …) or right before one that follows a person (家中, 反映,
  提出, 表示, 说 …) is a name even when the segmenter did not tag it;
* a surname followed by a title or a kinship word (王书记, 李阿姨) is not a full name, and
  masked forms (张某, 张女士, 张*) are not names.

jieba is imported on first use only (it takes about a second to load its dictionary), never
when xsk starts. Measured on ``bench/data/names.txt`` by ``python bench/bench_names.py``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from xsk.rules import names_cache
from xsk.rules.name_words import (
    COMMON_SURNAMES,
    CUE_AFTER,
    CUE_BEFORE,
    NOT_GIVEN,
    NOT_GIVEN_CHARS,
    PLACE_END,
    PLACE_WORDS,
    STRONG_AFTER,
    SURNAMES,
    WEAK_BEFORE,
)
from xsk.rules.privacy import COMPOUND_SURNAMES

# flags of words that cannot be a given name
_NOT_GIVEN_FLAGS = frozenset(
    [
        "x",
        "uj",
        "ul",
        "ud",
        "uz",
        "uv",
        "ug",
        "p",
        "c",
        "u",
        "m",
        "q",
        "r",
        "d",
        "y",
        "e",
        "o",
        "zg",
    ]
)
_NAME_FLAGS = frozenset(["nr", "nrfg", "nrt", "nz", "t", "ns", "ng", "ag", "nr1", "nr2"])
# Dictionary words tagged nr more often than this are common words, not names ...
_COMMON_FREQ = 100
# ... but up to this, a name when a clue says so (高峰反映 …, 居民李娜 …)
_CLUE_FREQ = 10000
# A common word at the start of a clause before a verb of speaking is a name up to this.
_START_FREQ = 1500
# An untagged word becomes a name with a clue only when the word is this rare.
_CUE_FREQ = 60

_lock = threading.Lock()
_jieba: Any = None


def _segmenter() -> Any:
    """jieba's posseg, loaded once (quietly: no progress lines on stderr)."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import logging

                import jieba
                import jieba.posseg

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def surname_of(word: str) -> str:
    """The surname ``word`` starts with (compound first), or ``""``."""
    if len(word) >= 3 and word[:2] in COMPOUND_SURNAMES:
        return word[:2]
    if word[:1] in SURNAMES:
        return word[0]
    return ""


def looks_like_name(word: str, *, place_ok: bool = False) -> bool:
    """A surname and a given name of one or two Chinese characters, not a title or a mask
    (nor, unless ``place_ok``, a word ending like a place name: 兴全小苑)."""
    if not word or not all(_is_cjk(ch) for ch in word):
        return False
    surname = surname_of(word)
    if not surname:
        return False
    given = word[len(surname) :]
    if not 1 <= len(given) <= 2:
        return False
    if given in NOT_GIVEN or given[:1] in ("某",):
        return False
    if given[-1] in PLACE_END and not place_ok:
        return False
    if word in CUE_BEFORE or word in CUE_AFTER:
        return False
    return not any(ch in NOT_GIVEN_CHARS for ch in given)


class _Tok:
    __slots__ = ("end", "flag", "start", "word")

    def __init__(self, word: str, flag: str, start: int) -> None:
        self.word = word
        self.flag = flag
        self.start = start
        self.end = start + len(word)


# jieba cuts a text into runs of Han characters (and letters, digits) and cuts each run on its
# own; the same runs are cut here one by one and remembered, so the boilerplate repeated in
# thousands of documents is cut once.
_RUNS = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")


@lru_cache(maxsize=200000)
def _cut(run: str) -> tuple[tuple[str, str], ...]:
    return tuple((p.word, p.flag) for p in _segmenter().posseg.cut(run))


def _tokens(text: str) -> list[_Tok]:
    out = []
    pos = 0
    for run in _RUNS.split(text):
        if not run:
            continue
        for word, flag in _cut(run):
            out.append(_Tok(word, flag, pos))
            pos += len(word)
    return out


def _freq(word: str) -> int:
    return int(_segmenter().dt.FREQ.get(word) or 0)


def _dict_tag(word: str) -> str:
    return str(_segmenter().posseg.dt.word_tag_tab.get(word, ""))


def _before(toks: list[_Tok], i: int) -> str:
    """What comes before token ``i``: "cue", "weak", "start" (text or clause start) or ""."""
    if i == 0:
        return "start"
    w = toks[i - 1].word
    if w in CUE_BEFORE:
        return "cue"
    if w in WEAK_BEFORE:
        return "weak"
    if toks[i - 1].flag == "x" and not w.isalnum():
        return "start"
    return ""


def _after(toks: list[_Tok], j: int, strong: bool = False) -> bool:
    """Token ``j`` (the one after a candidate) follows a person (``strong``: one of the
    strongest clues only)."""
    if j >= len(toks):
        return False
    cues = STRONG_AFTER if strong else CUE_AFTER
    w = toks[j].word
    if w in cues:
        return True
    if j + 1 < len(toks) and w + toks[j + 1].word in cues:
        return True
    return len(w) > 1 and w[:1] in ("说", "称")


def find_names(text: str) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of the person names found in ``text``, in text order."""
    if not text or not any(ch in SURNAMES for ch in text):
        return []
    if names_cache.disk is not None:
        return list(names_cache.disk.find(text, _find_cached))
    return list(_find_cached(text))


@lru_cache(maxsize=20000)
def _find_cached(text: str) -> tuple[tuple[int, int], ...]:
    toks = _tokens(text)
    spans: list[tuple[int, int]] = []
    i = 0
    n = len(toks)
    starts = {t.start: t for t in toks}
    while i < n:
        found, step = _candidate(toks, i)
        if found is not None and not _names_a_place(starts.get(found[1])):
            spans.append(found)
        i += step
    return tuple(spans)


def _names_a_place(nxt: _Tok | None) -> bool:
    return nxt is not None and nxt.word in PLACE_WORDS


def _candidate(toks: list[_Tok], i: int) -> tuple[tuple[int, int] | None, int]:
    """A name starting at token ``i`` (its span) and how many tokens it takes."""
    t = toks[i]
    w = t.word
    n = len(toks)
    before = _before(toks, i)
    nxt = toks[i + 1] if i + 1 < n else None
    # a name cut after its second character (黎明 + 辉, 白玉 + 洁, 诸葛亮 + 平)
    if (
        nxt is not None
        and len(w) in (2, 3)
        and len(nxt.word) == 1
        and _is_cjk(nxt.word)
        and (t.flag.startswith("nr") or (nxt.flag.startswith("nr") and _freq(w) <= 10))
        and w not in CUE_BEFORE
        and (nxt.flag in _NAME_FLAGS or (len(w) == 3 and nxt.flag == "n" and _after(toks, i + 2)))
        and (len(w) == 2 or w[:2] in COMPOUND_SURNAMES)
        and looks_like_name(w + nxt.word)
    ):
        return (t.start, nxt.end), 2
    # a name cut inside its last word (张国 + 平等, 郭光 + 文家)
    if (
        nxt is not None
        and len(w) == 2
        and t.flag.startswith("nr")
        and len(nxt.word) == 2
        and nxt.word[1] in "家说等"
        and looks_like_name(w + nxt.word[0])
        and _freq(w + nxt.word[0]) <= _COMMON_FREQ
        and surname_of(w) in COMMON_SURNAMES
    ):
        return (t.start, nxt.start + 1), 1
    # one word the segmenter tagged as a name
    strong = _after(toks, i + 1, strong=True)
    if t.flag.startswith("nr") and looks_like_name(w, place_ok=strong):
        freq = _freq(w)
        clue = before == "cue" or _after(toks, i + 1)
        if freq <= _COMMON_FREQ and (surname_of(w) in COMMON_SURNAMES or clue):
            return (t.start, t.end), 1
        if freq <= _CLUE_FREQ and (before == "cue" or (strong and before == "start")):
            return (t.start, t.end), 1
    # a surname on its own and the given name after it (蒙 + 国华, 欧阳 + 娜娜)
    if nxt is not None and len(w) <= 2 and surname_of(w + "甲乙") == w:
        given = nxt.word
        end = nxt.end
        if len(given) == 2 and given[1] in "说家" and given not in CUE_AFTER:
            given, end = given[:1], nxt.start + 1  # 蔡 + 明说 -> 蔡明
        joined = w + given
        whole = end == nxt.end
        if (
            looks_like_name(joined)
            and t.flag not in ("p", "c", "u", "x", "d")
            and nxt.flag not in ("x", "uj", "ul", "p", "c", "u", "m", "q")
            and (t.flag.startswith("nr") or nxt.flag not in ("v", "vn", "vd"))
            and given not in CUE_BEFORE
            and _freq(joined) <= _COMMON_FREQ
        ):
            tagged = t.flag.startswith("nr") or nxt.flag in _NAME_FLAGS
            after = _after(toks, i + 2) if whole else True
            if before == "cue" or (
                nxt.flag not in _NOT_GIVEN_FLAGS
                and (
                    (tagged and (after or before in ("start", "weak")))
                    or (t.flag.startswith("nr") and nxt.flag.startswith("nr"))
                    or (after and before == "start")
                )
            ):
                return (t.start, end), 2 if whole else 1
    # a common word that is also a name, at the start of a clause and before a verb of
    # speaking (高山说 …, 方圆反映 …)
    if (
        strong
        and before == "start"
        and surname_of(w) in COMMON_SURNAMES
        and looks_like_name(w)
        and _freq(w) <= _START_FREQ
        and t.flag not in _NOT_GIVEN_FLAGS
    ):
        return (t.start, t.end), 1
    # a rare word that looks like a name, with a clue around it
    if (
        looks_like_name(w, place_ok=strong)
        and _freq(w) <= _CUE_FREQ
        and t.flag not in _NOT_GIVEN_FLAGS
        and (before == "cue" or (_after(toks, i + 1) and before in ("start", "weak")))
    ):
        return (t.start, t.end), 1
    return None, 1


def warm() -> None:
    """Load the segmenter now (before forking workers, or to time it apart)."""
    _segmenter()


def names_in(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The names found in ``text`` that are not in ``allowed`` (for tests and the bench)."""
    allow = set(allowed)
    return [text[a:b] for a, b in find_names(text) if text[a:b] not in allow]
