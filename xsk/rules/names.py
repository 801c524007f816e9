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
from xsk.rules.privacy import COMPOUND_SURNAMES

# The common single-character surnames (about 99% of the population), the most frequent first.
_SURNAMES_TEXT = """
王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏
吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱
严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁
尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时
穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾
隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮
粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬
来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎
勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由磨洪傅
"""
SURNAMES: frozenset[str] = frozenset("".join(_SURNAMES_TEXT.split()))

# The most frequent surnames: a name the segmenter found needs no other clue with one of them.
COMMON_SURNAMES: frozenset[str] = (
    frozenset("".join(_SURNAMES_TEXT.split())[:160])
    | frozenset("农覃韦蒙莫黎蓝甘凌岑冼麦邝欧阮祁")  # common in Guangxi and Guangdong
    | COMPOUND_SURNAMES
)

# Words that announce a person right after them.
CUE_BEFORE: frozenset[str] = frozenset(
    [
        "居民",
        "村民",
        "业主",
        "住户",
        "租户",
        "户主",
        "反映人",
        "提出人",
        "联系人",
        "申请人",
        "当事人",
        "老人",
        "群众",
        "代表",
        "居民代表",
        "村民代表",
        "业主代表",
        "楼长",
        "栋长",
        "单元长",
        "楼栋长",
        "志愿者",
        "党员",
        "老党员",
        "车主",
        "商户",
        "店主",
        "家属",
        "邻居",
        "老伴",
        "丈夫",
        "妻子",
        "儿子",
        "女儿",
        "母亲",
        "父亲",
        "老人家",
        "大学生",
        "退休教师",
        "退休职工",
        "骑手",
        "司机",
        "网格长",
        "议事代表",
        "监督员",
        "老住户",
        "住户代表",
        "租户代表",
        "小区居民",
        "本人",
        "大爷",
        "阿姨",
        "姐妹",
        "兄弟",
        "夫妇",
        "一楼住户",
        "顶楼住户",
        "教师",
        "工人",
        "保安",
        "电工",
        "护士",
        "医生",
        "店员",
        "保洁员",
        "清洁工",
        "业委会委员",
        "老师",
        "学生",
        "外卖员",
        "快递员",
        "房东",
    ]
)
# Words that announce a person right after them, weakly (only with other signs).
WEAK_BEFORE: frozenset[str] = frozenset(
    [
        "的",
        "在",
        "由",
        "向",
        "给",
        "让",
        "请",
        "和",
        "与",
        "把",
        "被",
        "对",
        "帮",
        "替",
        "为",
        "同",
        "跟",
        "及",
    ]
)
# Words that follow a person's name.
CUE_AFTER: frozenset[str] = frozenset(
    [
        "家中",
        "家里",
        "家门口",
        "一家",
        "夫妇",
        "老人",
        "同志",
        "反映",
        "提出",
        "提议",
        "表示",
        "说",
        "称",
        "建议",
        "认为",
        "介绍",
        "等",
        "等人",
        "和",
        "与",
        "主动",
        "自告奋勇",
        "作为",
        "同意",
        "不同意",
        "担心",
        "希望",
        "抱怨",
        "拿出",
        "报名",
        "签字",
        "发起",
        "愿意",
        "激动",
        "拄着",
        "两位",
        "三位",
        "提出异议",
        "反对",
        "赞同",
        "支持",
        "代表",
        "老伴",
        "兄弟",
        "姐妹",
        "夫妻",
        "母女",
        "父子",
        "一起",
        "、",
        "：",
        ":",
        "指出",
        "回忆",
        "坦言",
        "笑着",
        "告诉",
        "感慨",
        "连连",
        "当即",
        "第一个",
        "自家",
        "家",
        "家的",
        "的女儿",
        "的儿子",
        "的母亲",
        "的丈夫",
        "的妻子",
        "的孩子",
        "是",
    ]
)
# The clues strong enough to make a common word a name (高峰反映 …).
STRONG_AFTER: frozenset[str] = frozenset(
    [
        "反映",
        "提出",
        "提议",
        "表示",
        "说",
        "称",
        "建议",
        "认为",
        "介绍",
        "同意",
        "担心",
        "希望",
        "抱怨",
        "家中",
        "家里",
        "老人",
        "同志",
        "等人",
        "报名",
        "签字",
        "愿意",
        "拿出",
        "作为",
        "指出",
        "坦言",
        "告诉",
        "自告奋勇",
        "提出异议",
        "不同意",
        "主动",
    ]
)
# A surname followed by one of these is a title or a kinship term, not a full name.
_NOT_GIVEN = frozenset(
    [
        "书记",
        "主任",
        "经理",
        "师傅",
        "阿姨",
        "大爷",
        "大妈",
        "老师",
        "同志",
        "女士",
        "先生",
        "奶奶",
        "爷爷",
        "叔叔",
        "伯伯",
        "婶婶",
        "姐",
        "哥",
        "总",
        "局",
        "工",
        "队长",
        "站长",
        "所长",
        "院长",
        "律师",
        "警官",
        "医生",
        "大夫",
        "老板",
        "部长",
        "科长",
        "处长",
        "村长",
        "组长",
        "楼长",
        "委员",
        "代表",
        "某",
        "某某",
        "氏",
        "姓",
        "老",
        "小",
        "家",
    ]
)
_NOT_GIVEN_CHARS = frozenset("某*＊×的了和与在是说等们")
# A name does not end with these (they end place names and common words: 兴全小苑, 张家村,
# 幸福感, 公开栏).
_PLACE_END = frozenset(
    "苑园庄湾城府邸坊镇乡屯寨村区路街巷楼室坝塘岭冲湖港坪市县省"
    "房栏感造持环性率费款场站所局厅馆校店厂会部队组线网期式型类项件方"
)
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
    if given in _NOT_GIVEN or given[:1] in ("某",):
        return False
    if given[-1] in _PLACE_END and not place_ok:
        return False
    if word in CUE_BEFORE or word in CUE_AFTER:
        return False
    return not any(ch in _NOT_GIVEN_CHARS for ch in given)


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


# a word that, right after what looks like a name, makes it a place's name (柳石路, 文昌大道,
# 建华村): a road, a lane, a village, an estate
_PLACE_WORDS = frozenset(
    [
        "路",
        "路口",
        "大道",
        "大街",
        "街",
        "巷",
        "弄",
        "胡同",
        "里弄",
        "村",
        "屯",
        "寨",
        "镇",
        "乡",
        "小区",
        "花园",
        "新村",
        "家园",
        "山庄",
        "苑",
    ]
)


def _names_a_place(nxt: _Tok | None) -> bool:
    return nxt is not None and nxt.word in _PLACE_WORDS


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
