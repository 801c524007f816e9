"""Tests for xsk.rules.votes: exact thresholds, owners' double count, explanations."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xsk.rules import RuleError
from xsk.rules.votes import (
    ABSTAIN,
    NO,
    PRESETS,
    YES,
    Ballot,
    BallotError,
    RuleDefinitionError,
    Totals,
    VoteError,
    VoteRule,
    exact_str,
    format_area,
    fraction_name,
    load_rules,
    parse_area,
    percent,
    rule_from_mapping,
    tally,
)

F = Fraction


def head(rule_id: str, entitled: int, present: int, yes: int, no: int = 0, abstain: int = 0):
    return tally(
        PRESETS[rule_id], entitled=entitled, present=present, totals=Totals(yes, no, abstain)
    )


def owners(
    rule_id: str,
    *,
    entitled: int,
    entitled_area: str,
    yes: tuple[int, str],
    no: tuple[int, str] = (0, "0"),
    abstain: tuple[int, str] = (0, "0"),
):
    totals = Totals(
        yes[0], no[0], abstain[0], parse_area(yes[1]), parse_area(no[1]), parse_area(abstain[1])
    )
    return tally(PRESETS[rule_id], entitled=entitled, entitled_area=entitled_area, totals=totals)


def met(result) -> dict[str, bool]:
    return {c.id: c.met for c in result.conditions}


# --------------------------------------------------------------------------- presets


def test_presets_are_the_statutory_rules() -> None:
    assert set(PRESETS) == {
        "consensus",
        "majority",
        "two-thirds",
        "residents-meeting",
        "village-reps",
        "owners-ordinary",
        "owners-major",
    }
    rm = PRESETS["residents-meeting"]
    assert (rm.quorum, rm.quorum_op, rm.threshold, rm.threshold_op) == (F(1, 2), ">", F(1, 2), ">")
    vr = PRESETS["village-reps"]
    assert (vr.quorum, vr.quorum_op, vr.threshold, vr.threshold_op) == (F(2, 3), ">=", F(1, 2), ">")
    oo = PRESETS["owners-ordinary"]
    assert (oo.basis, oo.quorum, oo.quorum_op, oo.threshold, oo.threshold_op) == (
        "owners",
        F(2, 3),
        ">=",
        F(1, 2),
        ">",
    )
    om = PRESETS["owners-major"]
    assert (om.basis, om.threshold, om.threshold_op) == ("owners", F(3, 4), ">=")
    assert PRESETS["consensus"].consensus and PRESETS["consensus"].threshold is None


# --------------------------------------------------------------------------- head boundaries


@pytest.mark.parametrize(
    ("rule_id", "entitled", "present", "yes", "held", "passed"),
    [
        # majority: more than half of those present
        ("majority", 12, 10, 5, True, False),  # exactly half is not a majority
        ("majority", 12, 10, 6, True, True),
        ("majority", 12, 9, 5, True, True),
        ("majority", 12, 9, 4, True, False),
        ("majority", 12, 1, 1, True, True),
        # two-thirds: at least two thirds of those present
        ("two-thirds", 12, 9, 6, True, True),  # exactly 2/3
        ("two-thirds", 12, 9, 5, True, False),
        ("two-thirds", 12, 10, 7, True, True),
        ("two-thirds", 12, 10, 6, True, False),
        ("two-thirds", 12, 3, 2, True, True),
        # residents' meeting: held only if MORE than half attend; passes with more than half
        ("residents-meeting", 100, 50, 50, False, False),  # exactly half attending: not held
        ("residents-meeting", 100, 51, 26, True, True),
        ("residents-meeting", 100, 51, 25, True, False),
        ("residents-meeting", 100, 52, 26, True, False),  # exactly half of those present
        ("residents-meeting", 100, 100, 51, True, True),
        # village representatives: at least 2/3 present; more than half of those present
        ("village-reps", 30, 20, 11, True, True),  # exactly 2/3 present
        ("village-reps", 30, 20, 10, True, False),
        ("village-reps", 30, 19, 19, False, False),  # one short of 2/3
        ("village-reps", 31, 21, 11, True, True),  # 21/31 > 2/3
        ("village-reps", 31, 20, 20, False, False),  # 20/31 < 2/3
    ],
)
def test_head_rule_boundaries(
    rule_id: str, entitled: int, present: int, yes: int, held: bool, passed: bool
) -> None:
    result = head(rule_id, entitled, present, yes, no=present - yes)
    assert (result.held, result.passed) == (held, passed)


def test_abstentions_and_silent_members_count_against() -> None:
    # 5 yes, 0 no, 4 abstain, 1 present but no ballot: 5/10 is not more than half
    assert not head("majority", 10, 10, 5, no=0, abstain=4).passed
    assert head("majority", 10, 9, 5, no=0, abstain=4).passed


# --------------------------------------------------------------------------- owners


@pytest.mark.parametrize(
    ("area", "heads", "quorum_area", "quorum_head"),
    [
        ("6000", 60, True, True),  # exactly two thirds of area and of owners
        ("5999.99", 60, False, True),
        ("6000", 59, True, False),
        ("5999.99", 59, False, False),
        ("9000", 90, True, True),
    ],
)
def test_owners_participation_needs_area_and_head(
    area: str, heads: int, quorum_area: bool, quorum_head: bool
) -> None:
    result = owners("owners-ordinary", entitled=90, entitled_area="9000", yes=(heads, area))
    assert met(result)["quorum_area"] is quorum_area
    assert met(result)["quorum_head"] is quorum_head
    assert result.held is (quorum_area and quorum_head)
    assert result.passed is result.held


@pytest.mark.parametrize(
    ("rule_id", "yes", "no", "area_met", "head_met"),
    [
        # participation: 60 owners, 6000 m2 of 9000 m2 / 90 owners
        ("owners-ordinary", (31, "3000.01"), (29, "2999.99"), True, True),
        ("owners-ordinary", (30, "3500"), (30, "2500"), True, False),  # area passes, head fails
        ("owners-ordinary", (40, "2000"), (20, "4000"), False, True),  # head passes, area fails
        ("owners-ordinary", (31, "3000"), (29, "3000"), False, True),  # exactly half the area
        ("owners-major", (45, "4500"), (15, "1500"), True, True),  # exactly 3/4 of both
        ("owners-major", (44, "4500"), (16, "1500"), True, False),
        ("owners-major", (45, "4499.99"), (15, "1500.01"), False, True),
        ("owners-major", (59, "4000"), (1, "2000"), False, True),
    ],
)
def test_owners_threshold_needs_area_and_head(
    rule_id: str, yes: tuple[int, str], no: tuple[int, str], area_met: bool, head_met: bool
) -> None:
    result = owners(rule_id, entitled=90, entitled_area="9000", yes=yes, no=no)
    assert result.held
    assert met(result)["threshold_area"] is area_met
    assert met(result)["threshold_head"] is head_met
    assert result.passed is (area_met and head_met)


def test_owners_with_ballots_and_decimal_areas() -> None:
    ballots = [
        Ballot("业主甲", YES, parse_area("95.50")),
        Ballot("业主乙", YES, "120.25"),
        Ballot("业主丙", NO, Decimal("88.10")),
        Ballot("业主丁", ABSTAIN, 101),
    ]
    result = tally(PRESETS["owners-ordinary"], entitled=5, entitled_area="500", ballots=ballots)
    assert result.participating_area == F(40485, 100)
    assert result.totals.yes_area == F(21575, 100)
    assert met(result) == {
        "quorum_area": True,  # 404.85 of 500 m2 = 80.97%
        "quorum_head": True,  # 4 of 5
        "threshold_area": True,  # 215.75 of 404.85 m2 = 53.3%
        "threshold_head": False,  # 2 of 4 is not more than half
    }
    assert not result.passed


# --------------------------------------------------------------------------- consensus


@pytest.mark.parametrize(
    ("choices", "passed"),
    [
        ([YES, YES, YES], True),
        ([YES, YES, ABSTAIN], True),  # abstaining does not block consensus
        ([YES, YES, NO], False),
        ([ABSTAIN, ABSTAIN], False),  # nobody for it
        ([NO], False),
        ([YES], True),
    ],
)
def test_consensus(choices: list[str], passed: bool) -> None:
    ballots = [Ballot(f"委员{i}", c) for i, c in enumerate(choices)]
    result = tally(PRESETS["consensus"], entitled=9, ballots=ballots)
    assert result.passed is passed
    assert result.held


def test_consensus_with_no_votes_does_not_pass() -> None:
    result = tally(PRESETS["consensus"], entitled=9, ballots=[])
    assert not result.passed
    assert not result.held
    assert result.lines[-1].endswith("无人参与表决，表决不成立")


# --------------------------------------------------------------------------- zero edges


@pytest.mark.parametrize("rule_id", sorted(PRESETS))
@pytest.mark.parametrize(("entitled", "area"), [(0, "0"), (10, "1000")])
def test_zero_entitled_and_zero_participants_never_divide_by_zero(
    rule_id: str, entitled: int, area: str
) -> None:
    rule = PRESETS[rule_id]
    kwargs = {"entitled_area": area} if rule.basis == "owners" else {}
    result = tally(rule, entitled=entitled, ballots=[], **kwargs)
    assert (result.held, result.passed) == (False, False)
    assert "表决不成立" in result.lines[-1]
    json.dumps(result.to_dict(), ensure_ascii=False)


def test_zero_present_with_explicit_present() -> None:
    result = head("majority", 10, 0, 0)
    assert not result.held
    assert result.conditions[0].text == "同意 0 人，参会人数为 0，未超过半数"


# --------------------------------------------------------------------------- explanations


def test_explanation_lines_head() -> None:
    result = head("majority", 60, 57, 31, no=20, abstain=6)
    assert result.lines == ["同意 31 人，占参会人数 54.4%，超过半数，通过"]
    result = head("residents-meeting", 100, 57, 28, no=29)
    assert result.lines == [
        "到会 57 人，占应到人数 57.0%，超过半数",
        "同意 28 人，占参会人数 49.1%，未超过半数，未通过",
    ]
    result = head("village-reps", 30, 19, 19)
    assert result.lines[0] == "到会 19 人，占应到人数 63.3%，未达三分之二"
    assert result.lines[-1].endswith("到会人数未达要求，表决不成立")


def test_explanation_lines_owners() -> None:
    result = owners(
        "owners-ordinary",
        entitled=80,
        entitled_area="12300",
        yes=(40, "5000"),
        no=(10, "2000"),
        abstain=(7, "1123.40"),
    )
    assert result.lines == [
        "参与表决专有部分面积 8,123.40㎡，占总面积 66.0%，未达三分之二",
        "参与表决业主 57 人，占业主总人数 71.3%，达到三分之二",  # 71.25 rounds half up
        "同意的专有部分面积 5,000.00㎡，占参与表决面积 61.6%，超过半数",
        "同意业主 40 人，占参与表决业主人数 70.2%，超过半数，"
        "参与表决的面积或人数未达要求，表决不成立",
    ]
    assert not result.held and not result.passed


def test_to_dict_shape_and_exact_strings() -> None:
    result = owners(
        "owners-major",
        entitled=80,
        entitled_area="12088.10",
        yes=(45, "6100.5"),
        no=(12, "2022.90"),
    )
    data = result.to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert set(data) == {"rule", "rule_name", "passed", "held", "conditions"}
    assert data["rule"] == "owners-major"
    assert data["rule_name"] == "业主共同决定·重大事项"
    first = data["conditions"][0]
    assert set(first) == {
        "id",
        "label",
        "numerator",
        "denominator",
        "threshold",
        "op",
        "met",
        "text",
    }
    assert (first["numerator"], first["denominator"], first["threshold"], first["op"]) == (
        "8123.4",
        "12088.1",
        "2/3",
        ">=",
    )
    head_cond = data["conditions"][1]
    assert (head_cond["numerator"], head_cond["denominator"]) == ("57", "80")
    assert data["conditions"][3]["threshold"] == "3/4"
    assert data["passed"] is True  # 6100.5/8123.4 = 75.1%, 45/57 = 78.9%


# --------------------------------------------------------------------------- ballots validation


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ballots": [Ballot("张三", YES), Ballot("张三", NO)]}, "重复投票"),
        ({"ballots": [Ballot("张三", YES), Ballot("李四", YES)], "observers": {"李四"}}, "列席"),
        (
            {
                "ballots": [
                    Ballot("张三", YES, household="3-501"),
                    Ballot("李四", NO, household="3-501"),
                ]
            },
            "每户一票",
        ),
        ({"ballots": [Ballot("张三", YES)], "totals": Totals(1)}, "二者之一"),
        ({}, "二者之一"),
        ({"totals": Totals(3, 2), "present": 4}, "多于到会人数"),
        ({"totals": Totals(3, 2), "present": 11}, "超过应到人数"),
        ({"totals": Totals(11)}, "超过应到人数"),
        ({"totals": Totals(1), "present": -1}, "不能为负数"),
        ({"totals": Totals(1), "entitled": True}, "整数"),
    ],
)
def test_bad_tally_input(kwargs: dict, message: str) -> None:
    kwargs.setdefault("entitled", 10)
    with pytest.raises(BallotError, match=message):
        tally(PRESETS["majority"], **kwargs)


def test_observer_error_names_the_person() -> None:
    with pytest.raises(BallotError) as info:
        tally(PRESETS["majority"], entitled=5, ballots=[Ballot("王丽", YES)], observers=["王丽"])
    assert str(info.value) == "王丽 是列席人员，没有表决权，其选票不能计入"
    assert isinstance(info.value, ValueError) and isinstance(info.value, RuleError)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ballots": [Ballot("甲", YES)]}, "必须提供专有部分总面积"),
        ({"ballots": [Ballot("甲", YES)], "entitled_area": "100"}, "缺少专有部分面积"),
        ({"ballots": [Ballot("甲", YES, "0")], "entitled_area": "100"}, "应大于 0"),
        ({"ballots": [Ballot("甲", YES, "101")], "entitled_area": "100"}, "超过专有部分总面积"),
        ({"ballots": [Ballot("甲", YES, "1")], "entitled_area": 100, "present": 1}, "到会人数"),
        ({"totals": Totals(1), "entitled_area": "100"}, "面积"),
        ({"ballots": [Ballot("甲", YES, "1")], "entitled_area": 100.0}, "浮点"),
    ],
)
def test_bad_owners_input(kwargs: dict, message: str) -> None:
    with pytest.raises(VoteError, match=message):
        tally(PRESETS["owners-ordinary"], entitled=3, **kwargs)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("张三", "赞成"), "无效"),
        (("", YES), "姓名"),
        (("张三", YES, 12.5), "浮点"),
        (("张三", YES, "-3"), "面积"),
    ],
)
def test_bad_ballot(args: tuple, message: str) -> None:
    with pytest.raises(BallotError, match=message):
        Ballot(*args)


def test_bad_totals() -> None:
    with pytest.raises(BallotError, match="非负整数"):
        Totals(-1)
    with pytest.raises(BallotError, match="浮点"):
        Totals(1, yes_area=1.5)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- rule definitions


def test_rule_from_mapping_builds_a_rule() -> None:
    rule = rule_from_mapping(
        "council",
        {
            "name": "议事会",
            "basis": "head",
            "quorum": "1/2",
            "quorum_op": ">",
            "threshold": "2/3",
            "threshold_op": ">=",
        },
    )
    assert rule == VoteRule(
        id="council",
        name="议事会",
        basis="head",
        quorum=F(1, 2),
        quorum_op=">",
        threshold=F(2, 3),
        threshold_op=">=",
    )
    assert rule_from_mapping("all", {"name": "全票", "threshold": 1, "threshold_op": "≥"}) == (
        VoteRule(id="all", name="全票", threshold=F(1), threshold_op=">=")
    )
    assert rule_from_mapping("half", {"name": "半", "threshold": "0.5", "threshold_op": ">"})
    assert rule_from_mapping("c", {"name": "一致", "consensus": True}).consensus


@pytest.mark.parametrize(
    ("mapping", "key"),
    [
        ({"name": "x", "threshold": 0.5, "threshold_op": ">"}, "threshold"),
        (
            {
                "name": "x",
                "threshold": "2/3",
                "threshold_op": ">",
                "quorum": 0.66,
                "quorum_op": ">",
            },
            "quorum",
        ),
        ({"name": "x", "threshold": "2/0", "threshold_op": ">"}, "threshold"),
        ({"name": "x", "threshold": "two thirds", "threshold_op": ">"}, "threshold"),
        ({"name": "x", "threshold": "66.7%", "threshold_op": ">"}, "threshold"),
        ({"name": "x", "threshold": True, "threshold_op": ">"}, "threshold"),
        ({"name": "x", "threshold": "3/2", "threshold_op": ">="}, "threshold"),
        ({"name": "x", "threshold": 0, "threshold_op": ">="}, "threshold"),
        ({"name": "x", "threshold": 1, "threshold_op": ">"}, "threshold"),
        ({"name": "x", "threshold": "2/3"}, "threshold_op"),
        ({"name": "x", "threshold": "2/3", "threshold_op": "=>"}, "threshold_op"),
        ({"name": "x", "threshold_op": ">"}, "threshold"),
        ({"name": "x", "treshold": "2/3"}, "treshold"),
        ({"name": "x", "basis": "area", "threshold": "2/3", "threshold_op": ">"}, "basis"),
        ({"name": "x", "consensus": "yes"}, "consensus"),
        ({"name": "x"}, "threshold"),
        ({"threshold": "2/3", "threshold_op": ">"}, "name"),
        ({"name": "", "threshold": "2/3", "threshold_op": ">"}, "name"),
    ],
)
def test_rule_from_mapping_rejects_bad_values(mapping: dict, key: str) -> None:
    with pytest.raises(RuleDefinitionError) as info:
        rule_from_mapping("custom", mapping)
    assert key in str(info.value)
    assert "custom" in str(info.value)


def test_rule_from_mapping_float_message_is_helpful() -> None:
    with pytest.raises(RuleDefinitionError) as info:
        rule_from_mapping("x", {"name": "x", "threshold": 0.5, "threshold_op": ">"})
    assert str(info.value) == (
        '表决规则“x”的 threshold 不能写成浮点小数 0.5（不精确），请写成分数字符串，如 "2/3"'
    )


def test_load_rules_merges_and_protects_presets() -> None:
    rules = load_rules({"council": {"name": "议事会", "threshold": "1/2", "threshold_op": ">"}})
    assert set(rules) == set(PRESETS) | {"council"}
    with pytest.raises(RuleDefinitionError, match="内置规则重名"):
        load_rules({"majority": {"name": "过半数", "threshold": "1/3", "threshold_op": ">"}})


def test_vote_rule_rejects_float_share() -> None:
    with pytest.raises(RuleDefinitionError, match="精确分数"):
        VoteRule(id="x", name="x", threshold=0.5)  # type: ignore[arg-type]


def test_custom_rule_tally() -> None:
    rule = rule_from_mapping(
        "council",
        {
            "name": "议事会",
            "quorum": "1/2",
            "quorum_op": ">",
            "threshold": "2/3",
            "threshold_op": ">=",
        },
    )
    result = tally(rule, entitled=15, present=9, totals=Totals(6, 3))
    assert result.passed
    assert result.lines == [
        "到会 9 人，占应到人数 60.0%，超过半数",
        "同意 6 人，占参会人数 66.7%，达到三分之二，通过",
    ]


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("num", "den", "places", "expected"),
    [
        (12647, 12888, 2, "98.13"),
        (1, 8, 2, "12.50"),
        (1, 8, 1, "12.5"),
        (1, 200, 0, "1"),  # 0.5 rounds half up, not to even
        (5, 1000, 1, "0.5"),
        (1, 16, 1, "6.3"),  # 6.25 -> 6.3
        (57, 80, 1, "71.3"),  # 71.25 -> 71.3
        (2, 3, 1, "66.7"),
        (1, 3, 2, "33.33"),
        (0, 7, 2, "0.00"),
        (7, 7, 1, "100.0"),
        (F(40617, 5), F(120881, 10), 1, "67.2"),
        (Decimal("8123.40"), Decimal("12088.10"), 2, "67.20"),
    ],
)
def test_percent(num, den, places: int, expected: str) -> None:
    assert percent(num, den, places) == expected


@pytest.mark.parametrize(("num", "den"), [(1, 0), (1.0, 2), (1, 2.0), (-1, 2)])
def test_percent_rejects(num, den) -> None:
    with pytest.raises(VoteError):
        percent(num, den)


@given(st.integers(0, 10**6), st.integers(1, 10**6), st.integers(0, 4))
def test_percent_matches_high_precision_decimal(num: int, den: int, places: int) -> None:
    with localcontext() as ctx:
        ctx.prec = 120
        reference = (Decimal(num) * 100 / Decimal(den)).quantize(
            Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
        )
    assert percent(num, den, places) == f"{reference:f}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8123.40", F(40617, 5)),
        ("8,123.40", F(40617, 5)),
        (" 95.5㎡ ", F(191, 2)),
        ("120平方米", F(120)),
        ("0.01", F(1, 100)),
        (95, F(95)),
        (Decimal("88.10"), F(881, 10)),
        ("1234567.891", F(1234567891, 1000)),
    ],
)
def test_parse_area(text, expected: Fraction) -> None:
    assert parse_area(text) == expected


@pytest.mark.parametrize(
    "bad", [8123.4, "-1", "1e3", "abc", "8,12.3", "", "NaN", Decimal("NaN"), True, "1.2.3", -5]
)
def test_parse_area_rejects(bad) -> None:
    with pytest.raises(VoteError):
        parse_area(bad)


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ("8123.4", "8,123.40㎡"),
        ("0.005", "0.01㎡"),
        ("0.004", "0.00㎡"),
        ("1234567.891", "1,234,567.89㎡"),
        ("999.995", "1,000.00㎡"),
        ("12", "12.00㎡"),
    ],
)
def test_format_area(area: str, expected: str) -> None:
    assert format_area(parse_area(area)) == expected


@pytest.mark.parametrize(
    ("share", "name"),
    [
        (F(1, 2), "半数"),
        (F(2, 3), "三分之二"),
        (F(3, 4), "四分之三"),
        (F(3, 5), "3/5"),
        (F(1), "1"),
    ],
)
def test_fraction_name(share: Fraction, name: str) -> None:
    assert fraction_name(share) == name


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (F(40617, 5), "8123.4"),
        (F(57), "57"),
        (F(1, 3), "1/3"),
        (F(1, 8), "0.125"),
        (F(0), "0"),
        (F(100), "100"),
        (F(1005, 10), "100.5"),
    ],
)
def test_exact_str(value: Fraction, text: str) -> None:
    assert exact_str(value) == text


# --------------------------------------------------------------------------- properties

shares = st.tuples(st.integers(1, 10), st.integers(1, 10)).map(lambda t: F(min(t), max(t)))


@st.composite
def rules(draw) -> VoteRule:
    if draw(st.booleans()):
        return draw(st.sampled_from(list(PRESETS.values())))
    threshold = draw(shares)
    threshold_op = ">=" if threshold == 1 else draw(st.sampled_from([">", ">="]))
    quorum = draw(st.none() | shares)
    quorum_op = ">=" if quorum == 1 else draw(st.sampled_from([">", ">="]))
    return VoteRule(
        id="custom",
        name="自定义",
        basis=draw(st.sampled_from(["head", "owners"])),
        quorum=quorum,
        quorum_op=quorum_op,
        threshold=threshold,
        threshold_op=threshold_op,
        consensus=draw(st.booleans()),
    )


@st.composite
def votes(draw):
    rule = draw(rules())
    choices = draw(st.lists(st.sampled_from([YES, NO, ABSTAIN]), max_size=25))
    areas = draw(st.lists(st.integers(1, 30000), min_size=len(choices), max_size=len(choices)))
    ballots = [
        Ballot(f"v{i}", c, F(a, 100)) for i, (c, a) in enumerate(zip(choices, areas, strict=True))
    ]
    entitled = len(ballots) + draw(st.integers(0, 20))
    kwargs: dict = {"entitled": entitled}
    if rule.basis == "owners":
        kwargs["entitled_area"] = sum((b.area for b in ballots), F(0)) + F(
            draw(st.integers(0, 500000)), 100
        )
    return rule, ballots, kwargs


def threshold_ids(result) -> set[str]:
    return {c.id for c in result.conditions if not c.id.startswith("quorum")}


@settings(max_examples=150, deadline=None)
@given(votes(), st.data())
def test_converting_a_ballot_to_yes_never_turns_pass_into_fail(case, data) -> None:
    rule, ballots, kwargs = case
    if rule.basis == "head":
        kwargs["present"] = len(ballots) + data.draw(
            st.integers(0, kwargs["entitled"] - len(ballots))
        )
    others = [i for i, b in enumerate(ballots) if b.choice != YES]
    if not others:
        return
    i = data.draw(st.sampled_from(others))
    converted = list(ballots)
    converted[i] = Ballot(ballots[i].voter, YES, ballots[i].area)
    before = tally(rule, ballots=ballots, **kwargs)
    after = tally(rule, ballots=converted, **kwargs)
    assert after.held == before.held  # participation did not change
    assert not (before.passed and not after.passed)
    before_met = {c.id: c.met for c in before.conditions}
    for cond in after.conditions:
        if cond.id in threshold_ids(before) and before_met[cond.id]:
            assert cond.met, cond.id


@settings(max_examples=150, deadline=None)
@given(votes())
def test_adding_a_yes_voter_never_turns_pass_into_fail(case) -> None:
    rule, ballots, kwargs = case
    if len(ballots) >= kwargs["entitled"]:
        return
    newcomer = Ballot("newcomer", YES, F(1, 100))
    if rule.basis == "owners":
        # the newcomer's area is part of the (fixed) total but may not have voted before
        kwargs["entitled_area"] += newcomer.area
    before = tally(rule, ballots=ballots, **kwargs)
    after = tally(rule, ballots=[*ballots, newcomer], **kwargs)
    assert not (before.passed and not after.passed)
    assert not (before.held and not after.held)


@settings(max_examples=100, deadline=None)
@given(votes())
def test_ballots_and_totals_agree(case) -> None:
    rule, ballots, kwargs = case
    from_ballots = tally(rule, ballots=ballots, **kwargs)
    totals = Totals.from_ballots(ballots, with_area=rule.basis == "owners")
    from_totals = tally(rule, totals=totals, **kwargs)
    assert from_ballots.to_dict() == from_totals.to_dict()
    assert from_ballots.lines == from_totals.lines
    assert len(from_ballots.lines) == len(from_ballots.conditions)
