"""Tests for xsk.rules.privacy: masking and leak detection for public documents."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xsk.rules.privacy import find_leaks, mask_address, mask_id, mask_name, mask_phone

# --------------------------------------------------------------------------- masking


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        (" 138 1234 5678 ", "138****5678"),
        ("+86 13812345678", "+86 138****5678"),
        ("8613812345678", "+86 138****5678"),
        ("0771-2345678", "0771-****678"),
        ("07712345678", "0771-****678"),
        ("0771 2345678", "0771-****678"),
        ("(010)62345678", "010-*****678"),
        ("（010）62345678", "010-*****678"),
        ("010-62345678-801", "010-*****678"),  # the extension is dropped
        ("0771-2345678转801", "0771-****678"),
        ("020 82345678", "020-*****678"),
        ("", ""),
        ("   ", ""),
        ("12345", "*****"),  # too short to keep anything
        ("123-456-7890", "***-***-**90"),  # unknown format: keep at most the last 2 digits
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("id_number", "masked"),
    [
        ("110101199001011234", "110101********1234"),
        ("11010119900101123X", "110101********123X"),
        ("11010119900101123x", "110101********123X"),
        (" 110101 19900101 1234 ", "110101********1234"),
        ("110101900101123", "110101********1123"),  # old 15-digit number
        ("", ""),
        ("E12345678", "E*******8"),  # not an ID number: mask more, not less
        ("AB12", "****"),
    ],
)
def test_mask_id(id_number: str, masked: str) -> None:
    assert mask_id(id_number) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张建国", "张某"),
        ("张三", "张某"),
        ("张", "张某"),
        ("欧阳娜娜", "欧阳某"),
        ("欧阳锋", "欧阳某"),
        ("司马光", "司马某"),
        ("诸葛亮", "诸葛某"),
        ("上官婉儿", "上官某"),
        ("东方明", "东方某"),
        ("皇甫嵩", "皇甫某"),
        ("尉迟恭", "尉迟某"),
        ("公孙胜", "公孙某"),
        ("慕容复", "慕容某"),
        ("司徒雷登", "司徒某"),
        ("令狐冲", "令狐某"),
        ("宇文泰", "宇文某"),
        ("长孙无忌", "长孙某"),
        ("夏侯惇", "夏侯某"),
        ("轩辕明", "轩辕某"),
        ("端木蓉", "端木某"),
        ("独孤求败", "独孤某"),
        ("南宫明", "南宫某"),
        ("西门庆", "西门某"),
        ("欧阳", "欧某"),  # two characters: a surname 欧 and a given name 阳
        ("王欧阳", "王某"),
        ("John Smith", "J*"),
        ("Айгуль", "А*"),
        ("  李四 ", "李某"),
        ('=HYPERLINK("x")', "***"),  # a masked value never begins with =
        ("+1", "***"),
        ("", ""),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_mask_name_with_gender() -> None:
    assert mask_name("张秀兰", "女") == "张女士"
    assert mask_name("张建国", "男") == "张先生"
    assert mask_name("欧阳娜娜", "女") == "欧阳女士"
    assert mask_name("张建国", "") == "张某"


def test_masks_never_begin_with_a_formula_sign() -> None:
    for value in ("=1+1", "+86", "-2", "@SUM(A1)", "=cmd|' /C calc'!A0"):
        for masker in (mask_name, mask_phone, mask_id, mask_address):
            assert masker(value)[:1] not in "=+-@", (masker, value)


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("3号楼2单元501", "3号楼"),
        ("3号楼501室", "3号楼"),
        ("12栋3单元602", "12栋"),
        ("5幢201", "5幢"),
        ("幸福小区3号楼2单元501", "幸福小区3号楼"),
        ("幸福小区3号楼", "幸福小区3号楼"),  # nothing private after the building
        ("光明里5号院3号楼2门101", "光明里5号院3号楼"),
        ("张家村5组12号", "张家村5组"),
        ("张家村12号", "张家村"),
        ("幸福小区", "幸福小区"),
        ("3栋-501", "3栋"),
        ("3号楼2单元5栋", "3号楼"),  # stops at the first finer level
        ("解放路12号", "解放路"),
        ("2单元501室", "***"),  # nothing public left
        ("", ""),
    ],
)
def test_mask_address(address: str, masked: str) -> None:
    assert mask_address(address) == masked


# --------------------------------------------------------------------------- find_leaks


@pytest.mark.parametrize(
    ("text", "leaks"),
    [
        ("联系电话13812345678。", ["13812345678"]),
        ("电话：138-1234-5678", ["138-1234-5678"]),
        ("电话 138 1234 5678 转告", ["138 1234 5678"]),
        ("+86 13812345678", ["+86 13812345678"]),
        ("8613812345678", ["8613812345678"]),
        ("全角１３８１２３４５６７８号", ["１３８１２３４５６７８"]),
        ("身份证号110101199001011234，", ["110101199001011234"]),
        ("身份证号11010119900101123X", ["11010119900101123X"]),
        ("身份证号11010119900101123x。", ["11010119900101123x"]),
        ("身份证号 110101 19900101 1234", ["110101 19900101 1234"]),
        ("老身份证110101900101123", ["110101900101123"]),
        ("座机0771-2345678", ["0771-2345678"]),
        ("座机(010)62345678", ["(010)62345678"]),
        ("座机010 62345678", ["010 62345678"]),
        ("座机07712345678", ["07712345678"]),
        (
            "张建国13812345678，李四13912345678，张建国又报13812345678",
            ["13812345678", "13912345678"],
        ),
        ("手机13812345678身份证110101199001011234", ["13812345678", "110101199001011234"]),
    ],
)
def test_find_leaks_finds(text: str, leaks: list[str]) -> None:
    assert find_leaks(text) == leaks


@pytest.mark.parametrize(
    "text",
    [
        "案件编号 2026-007，关联 2026-012",
        "2026年11月23日",
        "20261123",
        "2026-11-23 10:30",
        "专有部分面积 8,123.40㎡",
        "费用 12,888.00 元，合计 ¥1,234,567.89",
        "13812345678.00元",  # an amount, not a phone
        "0.13812345678",
        "解决率 98.13%（12,647/12,888）",
        "市民热线 12345，报警 110",
        "第12345678号文件",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "1101011990010112345",  # 19 digits
        "电话 138****5678，身份证 110101********1234，座机 0771-****678",
        "3号楼2单元501",
        "张**、欧阳**",
        "",
    ],
)
def test_find_leaks_ignores(text: str) -> None:
    assert find_leaks(text) == []


def test_find_leaks_known_strings() -> None:
    known = ["138-1234-5678", "11010119900101123x", "  ", "12", "B-2-501室"]
    text = "请联系 138 1234 5678；证件 11010119900101123X；另 12 号；住 B2501室"
    assert find_leaks(text, known) == ["138 1234 5678", "11010119900101123X", "B2501室"]
    # a known number inside a longer run of digits is still a leak
    assert find_leaks("编号9913812345678", ["13812345678"]) == ["13812345678"]
    # the same span found by a pattern and by a known string is reported once
    assert find_leaks("电话13812345678", ["13812345678"]) == ["13812345678"]


# --------------------------------------------------------------------------- properties

digits = "0123456789"
mobiles = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text(digits, min_size=9, max_size=9),
)
id18s = st.builds(
    lambda region, born, seq, check: f"{region}{born:%Y%m%d}{seq:03d}{check}",
    st.integers(110000, 659999),
    st.dates(date(1900, 1, 1), date(2025, 12, 31)),
    st.integers(0, 999),
    st.sampled_from("0123456789Xx"),
)
id15s = st.builds(
    lambda region, born, seq: f"{region}{born:%y%m%d}{seq:03d}",
    st.integers(110000, 659999),
    st.dates(date(1900, 1, 1), date(1999, 12, 31)),
    st.integers(0, 999),
)
landlines = st.builds(
    lambda area, local, sep: f"{area}{sep}{local}" if sep != "()" else f"({area}){local}",
    st.sampled_from(["010", "020", "021", "0771", "0755", "0991", "0311"]),
    st.builds(
        lambda first, rest: f"{first}{rest}",
        st.sampled_from("23456789"),
        st.text(digits, min_size=6, max_size=7),
    ),
    st.sampled_from(["-", "", " ", "()"]),
)
mobile_formats = st.builds(
    lambda m, style: {
        "plain": m,
        "dash": f"{m[:3]}-{m[3:7]}-{m[7:]}",
        "space": f"{m[:3]} {m[3:7]} {m[7:]}",
    }[style],
    mobiles,
    st.sampled_from(["plain", "dash", "space"]),
)
secrets = mobile_formats | id18s | id15s | landlines
filler = st.text(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
    | st.sampled_from("，。：；、！？（）号楼室电话身份证"),
    min_size=1,
    max_size=15,
)


def embed(parts: list[str], fillers: list[str]) -> str:
    out = [fillers[0]]
    for part, fill in zip(parts, fillers[1:], strict=True):
        out += [part, fill]
    return "".join(out)


@st.composite
def texts_with(draw, items):
    parts = draw(st.lists(items, min_size=1, max_size=5))
    fillers = draw(st.lists(filler, min_size=len(parts) + 1, max_size=len(parts) + 1))
    return parts, embed(parts, fillers)


@given(mobiles)
def test_masked_mobile_hides_the_number(phone: str) -> None:
    masked = mask_phone(phone)
    assert phone not in masked
    assert masked == f"{phone[:3]}****{phone[-4:]}"
    assert not re.search(r"\d{5}", masked)


@given(landlines)
def test_masked_landline_hides_the_number(phone: str) -> None:
    masked = mask_phone(phone)
    local = re.sub(r"\D", "", phone)[-7:]
    assert local not in re.sub(r"\D", "", masked)
    assert "*" in masked


@given(id18s | id15s)
def test_masked_id_hides_the_number(id_number: str) -> None:
    masked = mask_id(id_number)
    assert id_number.upper() not in masked
    assert masked[6:14] == "********"
    assert len(masked) == 18


@settings(max_examples=200, deadline=None)
@given(texts_with(secrets))
def test_find_leaks_finds_every_embedded_secret(case) -> None:
    parts, text = case
    found = find_leaks(text)
    for part in parts:
        assert part in found


@settings(max_examples=200, deadline=None)
@given(texts_with(mobiles | id18s | id15s | landlines))
def test_find_leaks_finds_nothing_in_masked_output(case) -> None:
    parts, text = case
    masked = text
    for part in parts:
        masker = mask_phone if part.startswith(("0", "(")) or len(part) == 11 else mask_id
        masked = masked.replace(part, masker(part))
    assert find_leaks(masked, known=parts) == []


@settings(max_examples=100, deadline=None)
@given(texts_with(mobile_formats))
def test_known_strings_are_found_whatever_their_separators(case) -> None:
    parts, text = case
    known = [re.sub(r"\D", "", p) for p in parts]
    found = find_leaks(text, known=known)
    for part in parts:
        assert part in found
