"""The scrubber (xsk.rules.scrub): private data as people in China write it, masked."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xsk.rules.scrub import Scrubber, normalise


@pytest.fixture(scope="module")
def scrubber() -> Scrubber:
    return Scrubber(
        allowed_names=["王丽", "黄志刚", "红桥社区居民委员会"],
        residents={"张建国": "男", "莫桂兰": "女", "韦秋菊": ""},
        allowed=["0772-3801234"],
        protect=["红桥社区"],
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # mobiles, any separator, any digits
        ("联系人139 12345678", "联系人139****5678"),
        ("手机1391234 5678", "手机139****5678"),
        ("电话139.1234.5678", "电话139****5678"),
        ("电话139—1234—5678", "电话139****5678"),
        ("电话139——1234——5678", "电话139****5678"),
        ("电话139\u00a01234\u00a05678", "电话139****5678"),
        ("电话139/1234/5678", "电话139****5678"),
        ("电话1 3 9 1 2 3 4 5 6 7 8", "电话139****5678"),
        ("电话１３９１２３４５６７８", "电话139****5678"),
        ("电话一三九一二三四五六七八", "电话139****5678"),
        ("电话幺三九幺二三四五六七八", "电话139****5678"),
        ("+86 139 1234 5678", "+86 139****5678"),
        ("0086-13912345678", "+86 139****5678"),
        # landlines
        ("座机0772-345-6789", "座机0772-****789"),
        ("座机0772—3456789", "座机0772-****789"),
        ("座机(010)62345678", "座机010-*****678"),
        ("电话：3456789", "电话：****789"),
        ("联系电话 38012345", "联系电话 *****345"),
        # ID numbers
        ("身份证450202-19900101-123X", "身份证450202********123X"),
        ("身份证 450202 1990 0101 123X", "身份证 450202********123X"),
        ("身份证450202199001011234", "身份证450202********1234"),
        # addresses, kept to building level
        ("住幸福小区3号楼2单元501室", "住幸福小区3号楼"),
        ("红桥花园3栋2单元501", "红桥花园3栋"),
        ("住3号楼2单元", "住3号楼"),
        ("三栋二单元五零一", "三栋"),
        ("解放路12号", "解放路"),
        ("张家村5组12号", "张家村5组"),
        ("住文昌大道北段88号3栋", "住文昌大道北段"),  # a road's section (reviewer, stop 13)
        ("人民路二段18-2号", "人民路二段"),
        ("住在柳石路12号的张伟反映", "住在柳石路的张某反映"),  # 柳石 names the road
        ("住3-2-501", "住***"),
        ("住在501室", "住在***"),
        # WeChat, QQ, e-mail, plates
        ("微信wxid_zjg1990abc", "微信***"),
        ("微信号 abc123", "微信号 ***"),
        ("微信：zhang_jg88", "微信：***"),
        ("QQ 12345678", "QQ ***"),
        ("QQ号：987654321", "QQ号：***"),
        ("邮箱 zjg1990@qq.com", "邮箱 z***@qq.com"),
        ("车牌桂B12345", "车牌桂B*****"),
        ("桂B·D1234F停在楼下", "桂B******停在楼下"),
        # names: residents given, names found, officials kept
        ("张建国家中", "张先生家中"),
        ("黄志刚到莫桂兰家中走访", "黄志刚到莫女士家中走访"),
        ("居民李秀英反映，王丽主持会议", "居民李某反映，王丽主持会议"),
        ("韦秋菊提出", "韦某提出"),
    ],
)
def test_scrubs(scrubber: Scrubber, text: str, expected: str) -> None:
    assert scrubber.scrub(text) == expected
    assert scrubber.find(expected) == []  # what it leaves is clean


@pytest.mark.parametrize(
    "text",
    [
        "2026年3月9日14:30在红桥社区议事厅召开",
        "议题编号2026-007，关联2026-012",
        "面积128.5平方米，费用12,888.00元，合计¥1,234,567.89",
        "红桥社区3号楼共有住户96户",
        "办公室电话0772-3801234",  # the office's published phone
        "市民热线12345，报警110",
        "红桥社区居民委员会",
        "由王丽主持，黄志刚记录",
        "13812345678.00元",
        "第12345678号文件",
        "柳石路口的路灯坏了，文昌大道北段路面破损",  # roads named like people stay whole
        "这个时间段3号开会",
        "138****5678、450202********123X、3号楼、张某、李女士",
    ],
)
def test_leaves_alone(scrubber: Scrubber, text: str) -> None:
    assert scrubber.find(text) == []
    assert scrubber.scrub(text) == text


def test_hits_say_what_they_are(scrubber: Scrubber) -> None:
    kinds = [h.kind for h in scrubber.find("张建国139 1234 5678，身份证450202199001011234")]
    assert kinds == ["name", "mobile", "id"]


def test_an_allowed_name_inside_a_longer_name_is_another_person() -> None:
    s = Scrubber(allowed_names=["黎明"])
    assert s.scrub("在黎明辉的带动下，黎明主持会议") == "在黎某的带动下，黎明主持会议"


def test_the_rosters_allowed_names_stay_allowed() -> None:
    base = Scrubber(allowed_names=["王丽"])
    assert base.extend(residents={"王丽": "女", "张建国": ""}).scrub("王丽、张建国反映") == (
        "王丽、张某反映"
    )
    assert base.extend(allowed_names=["张建国"]).scrub("王丽、张建国反映") == "王丽、张建国反映"


def test_normalise_keeps_length() -> None:
    text = "电话１３９—１２３４\u00a0五六七八，幺"
    assert len(normalise(text)) == len(text)


# --- hypothesis: random spellings of phones, IDs and addresses ---------------------------

CN = dict(zip("0123456789", "〇一二三四五六七八九", strict=True))
FW = dict(zip("0123456789", "０１２３４５６７８９", strict=True))
SEPS = [" ", "-", ".", "—", "——", "/", "\u00a0", " - ", "\u3000"]


@st.composite
def spelled_digits(draw, digits: str, groups: tuple[int, ...]) -> str:
    style = draw(st.sampled_from(["ascii", "fullwidth", "chinese", "mixed"]))
    sep = draw(st.sampled_from(["", *SEPS]))
    spaced = draw(st.booleans()) and style == "ascii"
    chars = []
    for d in digits:
        s = style if style != "mixed" else draw(st.sampled_from(["ascii", "fullwidth", "chinese"]))
        chars.append({"ascii": d, "fullwidth": FW[d], "chinese": CN[d]}[s])
    if spaced:
        return " ".join(chars)
    out, pos = [], 0
    for g in groups:
        out.append("".join(chars[pos : pos + g]))
        pos += g
    return sep.join(out)


@st.composite
def mobiles(draw) -> tuple[str, str]:
    digits = (
        "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))
    )
    groups = draw(st.sampled_from([(11,), (3, 4, 4), (3, 8), (7, 4), (3, 3, 5)]))
    text = draw(spelled_digits(digits, groups))
    if draw(st.booleans()):
        text = draw(st.sampled_from(["+86 ", "+86", "0086 ", "(+86)"])) + text
    return digits, text


@st.composite
def landlines(draw) -> tuple[str, str]:
    area = draw(st.sampled_from(["010", "020", "0771", "0772", "0755"]))
    local = draw(st.sampled_from("2345678")) + draw(st.text("0123456789", min_size=6, max_size=7))
    sep = draw(st.sampled_from(["-", "—", " ", ""]))
    split = draw(st.booleans())
    body = f"{local[:3]}-{local[3:]}" if split else local
    return area + local, f"{area}{sep}{body}"


@st.composite
def ids(draw) -> tuple[str, str]:
    region = str(draw(st.integers(110000, 659999)))
    born = draw(st.dates(dt.date(1920, 1, 1), dt.date(2025, 12, 31))).strftime("%Y%m%d")
    tail = f"{draw(st.integers(0, 999)):03d}" + draw(st.sampled_from("0123456789X"))
    sep = draw(st.sampled_from(["", " ", "-"]))
    return region + born + tail, f"{region}{sep}{born}{sep}{tail}"


@st.composite
def addresses(draw) -> tuple[str, str]:
    estate = draw(st.sampled_from(["幸福小区", "红桥花园", "兴全小苑", "鹤山路六区", ""]))
    building = draw(st.integers(1, 30))
    token = draw(st.sampled_from(["栋", "号楼", "幢"]))
    unit = draw(st.integers(1, 6))
    room = draw(st.integers(101, 2802))
    form = draw(st.sampled_from(["full", "room", "dash", "unit"]))
    tail = {
        "full": f"{unit}单元{room}室",
        "room": f"{room}",
        "dash": f"-{unit}-{room}",
        "unit": f"{unit}单元{room}",
    }[form]
    return f"{room}", f"{estate}{building}{token}{tail}"


filler = st.text(
    st.sampled_from("居民反映小区门口的路灯坏了请尽快维修，。；、（）：希望物业联系处理"),
    min_size=1,
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(mobiles(), landlines(), ids(), addresses()), min_size=1, max_size=4),
    st.data(),
)
def test_random_spellings_never_survive(secrets, data) -> None:
    s = Scrubber(names=False)
    parts = [data.draw(filler)]
    for _, text in secrets:
        parts += [text, data.draw(filler)]
    text = "".join(parts)
    out = s.scrub(text)
    plain = re.sub(r"\D", "", normalise(out))
    assert s.find(out) == []
    for digits, spelled in secrets:
        assert spelled not in out
        if len(digits) >= 7:
            assert digits not in plain, (spelled, out)
        else:  # a room number: nothing below the building is left
            for tail in (
                f"{digits}室",
                f"-{digits}",
                f"单元{digits}",
                f"栋{digits}",
                f"楼{digits}",
            ):
                assert tail not in out, (spelled, out)


def test_xsk_numbers_after_a_cue_word_are_not_phones():
    """A notice prints 可联系。（议题编号：2026-001）: the case number is not a 7-digit phone."""
    from xsk.rules.scrub import Scrubber

    s = Scrubber()
    for text in (
        "晚上看不清，有情况可联系。（议题编号：2026-001）",
        "如需了解请联系，会议编号2026-M003",
        "联系人见议题 2026-B012",
    ):
        assert s.scrub(text) == text, text
    assert s.scrub("联系电话 8123456") == "联系电话 ****456"  # a local number still is
    assert s.scrub("联系：2012345") == "联系：****345"
