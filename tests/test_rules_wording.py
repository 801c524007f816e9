"""The wording rules of issued documents: the minutes' vote sentence, person lines, sentence
endings, broken lines and masked phones on public text (xsk.rules.wording, vote_record)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from xsk.rules.vote_record import record_line
from xsk.rules.votes import PRESETS, Totals, tally
from xsk.rules.wording import drop_masked_phones, join_broken_lines, person_line, sentence


def _head(rule: str, entitled: int, present: int, yes: int, no: int = 0, abstain: int = 0):
    result = tally(
        PRESETS[rule], entitled=entitled, present=present, totals=Totals(yes, no, abstain)
    )
    return record_line(result, entitled=entitled)


def test_vote_line_reads_as_minutes_record_it() -> None:
    assert _head("majority", 7, 6, 6) == (
        "应到7人，实到6人，同意6人、反对0人、弃权0人，同意人数占实到人数的100%，"
        "超过半数，表决通过。"
    )
    assert _head("two-thirds", 9, 9, 6, 2, 1) == (
        "应到9人，实到9人，同意6人、反对2人、弃权1人，同意人数占实到人数的67%，"
        "达到三分之二，表决通过。"
    )
    assert _head("majority", 6, 6, 3, 3).endswith(
        "同意人数占实到人数的50%，未超过半数，表决未通过。"
    )
    assert _head("residents-meeting", 10, 4, 4).endswith("到会人数未达要求，表决不成立。")
    assert "无人反对" in _head("consensus", 5, 5, 5)


@given(
    entitled=st.integers(1, 60),
    data=st.data(),
)
def test_vote_line_whole_percent_no_spaces(entitled: int, data: st.DataObject) -> None:
    present = data.draw(st.integers(1, entitled))
    yes = data.draw(st.integers(0, present))
    no = data.draw(st.integers(0, present - yes))
    line = _head("majority", entitled, present, yes, no, present - yes - no)
    assert " " not in line and line.endswith("。")
    assert re.search(r"的\d{1,3}%，", line) and "." not in line
    assert f"应到{entitled}人，实到{present}人" in line
    assert f"同意{yes}人、反对{no}人、弃权{present - yes - no}人" in line


def test_owners_vote_line_gives_area_and_heads() -> None:
    result = tally(
        PRESETS["owners-ordinary"],
        entitled=100,
        entitled_area="10000",
        totals=Totals(60, 10, 5, yes_area="6000", no_area="1000", abstain_area="500"),
    )
    line = record_line(result, entitled=100, entitled_area=10000)
    assert line.startswith("业主总人数100人、专有部分总面积10,000.00㎡，参与表决业主75人")
    assert "同意面积占参与表决面积的80%" in line and "同意人数占参与表决人数的80%" in line
    assert line.endswith("表决通过。")


def test_person_line_joins_unit_and_role_once() -> None:
    host = {"name": "王丽", "unit": "红桥社区党委", "role": "书记（主持）"}
    assert person_line(host, host="王丽") == "王丽（红桥社区党委书记，主持人）"
    assert person_line({"name": "甲", "unit": "柳南区政协", "role": "区政协委员"}) == (
        "甲（柳南区政协委员）"
    )
    assert person_line({"name": "乙", "unit": "青石社区党委", "role": "社区党委书记"}) == (
        "乙（青石社区党委书记）"
    )
    assert person_line({"name": "丙", "unit": "", "role": ""}) == "丙"
    assert person_line({"name": "丁", "role": "居民"}, recorder="丁") == "丁（居民，记录人）"


def test_sentence_and_broken_lines() -> None:
    assert sentence("同意启动移交程序") == "同意启动移交程序。"
    assert sentence("分段停电；") == "分段停电。"
    assert sentence("已办结，") == "已办结。"
    assert sentence("是否同意？") == "是否同意？"
    assert sentence("（办理情况：已办结）") == "（办理情况：已办结）。"
    assert sentence("") == ""
    assert join_broken_lines("反复折腾；\n下个月改门窗，\n过一阵。\n第二段") == (
        "反复折腾；下个月改门窗，过一阵。\n第二段"
    )


def test_masked_phones_leave_public_text() -> None:
    assert drop_masked_phones("存在安全隐患。联系人电话138****5678。") == "存在安全隐患。"
    assert drop_masked_phones("请联系居民，电话：139****0001。") == "请联系居民。"
    assert drop_masked_phones("社区电话0772-3812345") == "社区电话0772-3812345"
