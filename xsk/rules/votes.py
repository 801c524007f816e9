"""Vote rules and tallies with exact arithmetic.

Every share is a :class:`fractions.Fraction`; floats are rejected wherever a number enters.
A rule is data (:class:`VoteRule`); the built-in ones are in :data:`PRESETS` and a workspace may
define its own with :func:`rule_from_mapping`.

Two bases:

* ``"head"``: one voter, one vote. ``quorum`` is compared with present / entitled and
  ``threshold`` with yes / present (abstentions and silent members count as "not yes").
* ``"owners"`` (民法典 art. 278): every condition is checked twice, by private floor area and by
  head, and both must hold. Participants are the owners who returned a ballot (abstaining is
  taking part).

``consensus`` adds two conditions: nobody votes "反对" and at least one votes "同意".

Why this module is long: each decision rule (consensus, majorities, owners' double majority) with its exact arithmetic and its explanation text; the rules share the tally types.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Literal

from xsk.rules import RuleError

Basis = Literal["head", "owners"]
Op = Literal[">", ">="]

YES = "同意"
NO = "反对"
ABSTAIN = "弃权"
CHOICES: tuple[str, ...] = (YES, NO, ABSTAIN)

BASES: tuple[str, ...] = ("head", "owners")
OPS: tuple[str, ...] = (">", ">=")
_OP_ALIASES: dict[str, Op] = {">": ">", ">=": ">=", "≥": ">=", "＞": ">", "＞＝": ">="}

_FRACTION_NAMES = {
    Fraction(1, 2): "半数",
    Fraction(2, 3): "三分之二",
    Fraction(3, 4): "四分之三",
}


class VoteError(RuleError):
    """Base class for errors in vote rules and tallies."""


class RuleDefinitionError(VoteError):
    """A vote rule (built in code or read from a workspace's TOML) is malformed."""


class BallotError(VoteError):
    """Ballots, totals or headcounts passed to :func:`tally` are inconsistent."""


# ---------------------------------------------------------------------------
# Exact numbers and their Chinese wording


def _reject_inexact(value: object, what: str) -> None:
    if isinstance(value, float):
        raise VoteError(
            f'{what}不能使用浮点小数 {value!r}（浮点数不精确），请写成字符串，如 "8123.40"'
        )
    if isinstance(value, bool):
        raise VoteError(f"{what}不能是真假值 {value!r}")


_AREA_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\Z")
_AREA_UNITS = ("平方米", "㎡", "m²", "m2")


def parse_area(value: str | int | Decimal | Fraction) -> Fraction:
    """Parse a floor area exactly: ``"8123.40"`` -> ``Fraction(40617, 5)``.

    Accepts non-negative ints, :class:`~decimal.Decimal`, :class:`~fractions.Fraction` and
    strings of decimal digits, optionally with thousands separators (``"8,123.40"``) and a
    trailing unit (``㎡``, ``平方米``). Floats, negative, non-finite and malformed values raise
    :class:`VoteError`.
    """
    _reject_inexact(value, "面积")
    if isinstance(value, Fraction):
        result = value
    elif isinstance(value, int):
        result = Fraction(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise VoteError(f"面积不是有效数字：{value}")
        result = Fraction(value)
    elif isinstance(value, str):
        text = value.strip()
        for unit in _AREA_UNITS:
            if text.endswith(unit):
                text = text[: -len(unit)].strip()
                break
        if not _AREA_RE.match(text):
            raise VoteError(f'面积格式不正确：{value!r}，应为如 "8123.40" 的数字')
        try:
            result = Fraction(Decimal(text.replace(",", "")))
        except InvalidOperation as exc:  # pragma: no cover - the regex already guards
            raise VoteError(f"面积格式不正确：{value!r}") from exc
    else:
        raise VoteError(f"面积类型不支持：{type(value).__name__}")
    if result < 0:
        raise VoteError(f"面积不能为负数：{value}")
    return result


def _to_fraction(value: int | Fraction | Decimal, what: str) -> Fraction:
    _reject_inexact(value, what)
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, Decimal) and value.is_finite():
        return Fraction(value)
    raise VoteError(f"{what}不是有效的精确数字：{value!r}")


def _round_half_up(value: Fraction, places: int) -> Decimal:
    """Round a non-negative fraction to ``places`` decimals, half up, exactly."""
    scaled = value * 10**places
    quotient, remainder = divmod(scaled.numerator, scaled.denominator)
    if 2 * remainder >= scaled.denominator:
        quotient += 1
    return Decimal(quotient).scaleb(-places)


def percent(
    numerator: int | Fraction | Decimal, denominator: int | Fraction | Decimal, places: int = 2
) -> str:
    """Exact percentage string rounded half up: ``percent(12647, 12888)`` -> ``"98.13"``.

    No ``%`` sign is added. Raises :class:`VoteError` for a zero denominator, negative values
    or floats.
    """
    num = _to_fraction(numerator, "百分比的分子")
    den = _to_fraction(denominator, "百分比的分母")
    if places < 0:
        raise VoteError(f"小数位数不能为负数：{places}")
    if den == 0:
        raise VoteError("分母为 0，无法计算百分比")
    if num < 0 or den < 0:
        raise VoteError(f"百分比只适用于非负数：{numerator}/{denominator}")
    return f"{_round_half_up(num * 100 / den, places):f}"


def fraction_name(share: Fraction) -> str:
    """Chinese name of a share: 1/2 -> 半数, 2/3 -> 三分之二, 3/4 -> 四分之三, else ``"n/m"``."""
    return _FRACTION_NAMES.get(share, str(share))


def format_area(area: Fraction) -> str:
    """``Fraction("8123.4")`` -> ``"8,123.40㎡"`` (two decimals, half up, thousands separators)."""
    return f"{_round_half_up(area, 2):,.2f}㎡"


def exact_str(value: Fraction | int) -> str:
    """Exact, canonical text for a number: ``"8123.4"`` or ``"57"``; ``"p/q"`` if not decimal."""
    value = Fraction(value)
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return str(value)
    places = max(twos, fives)
    text = f"{Decimal(value.numerator * 10**places // value.denominator).scaleb(-places):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


# ---------------------------------------------------------------------------
# Rules


@dataclass(frozen=True)
class VoteRule:
    """A decision rule, defined by data.

    ``quorum``: share of those entitled who must take part (``None`` = no requirement).
    ``threshold``: share of those taking part who must vote "同意" (``None`` = none).
    ``consensus``: additionally nobody may vote "反对" and at least one must vote "同意".
    """

    id: str
    name: str
    basis: Basis = "head"
    quorum: Fraction | None = None
    quorum_op: Op = ">="
    threshold: Fraction | None = None
    threshold_op: Op = ">"
    consensus: bool = False

    def __post_init__(self) -> None:
        label = f"表决规则“{self.id}”"
        if not isinstance(self.id, str) or not self.id.strip() or any(c.isspace() for c in self.id):
            raise RuleDefinitionError(f"表决规则的标识不能为空或包含空白：{self.id!r}")
        if not isinstance(self.name, str) or not self.name.strip():
            raise RuleDefinitionError(f"{label}缺少中文名称（name）")
        if self.basis not in BASES:
            raise RuleDefinitionError(
                f'{label}的计票方式（basis）应为 "head"（按人头）或 "owners"（按面积和人数），'
                f"而不是 {self.basis!r}"
            )
        for key, share, op in (
            ("quorum", self.quorum, self.quorum_op),
            ("threshold", self.threshold, self.threshold_op),
        ):
            if op not in OPS:
                raise RuleDefinitionError(f'{label}的 {key}_op 应为 ">" 或 ">="，而不是 {op!r}')
            if share is None:
                continue
            if not isinstance(share, Fraction) or isinstance(share, bool):
                raise RuleDefinitionError(
                    f"{label}的 {key} 必须是精确分数（Fraction），而不是 {share!r}"
                )
            if not 0 < share <= 1:
                raise RuleDefinitionError(f"{label}的 {key} 必须大于 0 且不超过 1，而不是 {share}")
            if share == 1 and op == ">":
                raise RuleDefinitionError(f"{label}的 {key} 要求“超过全部”，不可能达到")
        if self.threshold is None and not self.consensus:
            raise RuleDefinitionError(
                f"{label}必须设定通过比例（threshold）或协商一致（consensus）"
            )


PRESETS: dict[str, VoteRule] = {
    rule.id: rule
    for rule in (
        VoteRule(id="consensus", name="协商一致", consensus=True),
        VoteRule(id="majority", name="过半数", threshold=Fraction(1, 2), threshold_op=">"),
        VoteRule(id="two-thirds", name="三分之二", threshold=Fraction(2, 3), threshold_op=">="),
        VoteRule(
            id="residents-meeting",
            name="居民会议",
            quorum=Fraction(1, 2),
            quorum_op=">",
            threshold=Fraction(1, 2),
            threshold_op=">",
        ),
        VoteRule(
            id="village-reps",
            name="村民代表会议",
            quorum=Fraction(2, 3),
            quorum_op=">=",
            threshold=Fraction(1, 2),
            threshold_op=">",
        ),
        VoteRule(
            id="owners-ordinary",
            name="业主共同决定·一般事项",
            basis="owners",
            quorum=Fraction(2, 3),
            quorum_op=">=",
            threshold=Fraction(1, 2),
            threshold_op=">",
        ),
        VoteRule(
            id="owners-major",
            name="业主共同决定·重大事项",
            basis="owners",
            quorum=Fraction(2, 3),
            quorum_op=">=",
            threshold=Fraction(3, 4),
            threshold_op=">=",
        ),
    )
}

_MAPPING_KEYS = ("name", "basis", "quorum", "quorum_op", "threshold", "threshold_op", "consensus")
_SHARE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*\Z")
_DECIMAL_SHARE_RE = re.compile(r"^\s*\d+(?:\.\d+)?\s*\Z")


def _share_from_value(rule_id: str, key: str, value: Any) -> Fraction:
    where = f"表决规则“{rule_id}”的 {key} "
    if isinstance(value, bool):
        raise RuleDefinitionError(f'{where}不能是真假值，请写成分数字符串，如 "2/3"')
    if isinstance(value, float):
        raise RuleDefinitionError(
            f'{where}不能写成浮点小数 {value!r}（不精确），请写成分数字符串，如 "2/3"'
        )
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, str):
        match = _SHARE_RE.match(value)
        if match:
            num, den = int(match.group(1)), int(match.group(2))
            if den == 0:
                raise RuleDefinitionError(f"{where}的分母不能为 0：{value!r}")
            return Fraction(num, den)
        if _DECIMAL_SHARE_RE.match(value):
            return Fraction(Decimal(value.strip()))
    raise RuleDefinitionError(f'{where}格式不正确：{value!r}，应为分数字符串（如 "2/3"）或整数')


def _op_from_value(rule_id: str, key: str, value: Any) -> Op:
    if isinstance(value, str) and value.strip() in _OP_ALIASES:
        return _OP_ALIASES[value.strip()]
    raise RuleDefinitionError(f'表决规则“{rule_id}”的 {key} 应为 ">" 或 ">="，而不是 {value!r}')


def rule_from_mapping(id: str, mapping: Mapping[str, Any]) -> VoteRule:
    """Build a :class:`VoteRule` from a TOML table, e.g.::

        {name = "业委会", basis = "head", quorum = "1/2", quorum_op = ">",
         threshold = "2/3", threshold_op = ">="}

    Shares are fraction strings (``"2/3"``), exact decimal strings (``"0.5"``) or ints.
    ``quorum_op``/``threshold_op`` are required whenever ``quorum``/``threshold`` is set, since
    "半数" alone does not say whether exactly half is enough. Unknown keys, floats and malformed
    values raise :class:`RuleDefinitionError` naming the key.
    """
    if not isinstance(mapping, Mapping):
        raise RuleDefinitionError(f"表决规则“{id}”应为一个表（table），而不是 {mapping!r}")
    unknown = sorted(set(mapping) - set(_MAPPING_KEYS))
    if unknown:
        raise RuleDefinitionError(
            f"表决规则“{id}”含有不认识的设置项：{'、'.join(unknown)}"
            f"（可用：{'、'.join(_MAPPING_KEYS)}）"
        )
    name = mapping.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RuleDefinitionError(f"表决规则“{id}”缺少中文名称（name）")
    basis = mapping.get("basis", "head")
    if basis not in BASES:
        raise RuleDefinitionError(
            f'表决规则“{id}”的 basis 应为 "head" 或 "owners"，而不是 {basis!r}'
        )
    consensus = mapping.get("consensus", False)
    if not isinstance(consensus, bool):
        raise RuleDefinitionError(
            f"表决规则“{id}”的 consensus 应为 true 或 false，而不是 {consensus!r}"
        )

    kwargs: dict[str, Any] = {}
    for key in ("quorum", "threshold"):
        op_key = f"{key}_op"
        if key in mapping:
            kwargs[key] = _share_from_value(id, key, mapping[key])
            if op_key not in mapping:
                raise RuleDefinitionError(
                    f'表决规则“{id}”设定了 {key}，还须设定 {op_key}（">" 表示超过，">=" 表示达到）'
                )
            kwargs[op_key] = _op_from_value(id, op_key, mapping[op_key])
        elif op_key in mapping:
            raise RuleDefinitionError(f"表决规则“{id}”设定了 {op_key}，却没有设定 {key}")
    return VoteRule(id=id, name=name.strip(), basis=basis, consensus=consensus, **kwargs)


# short names people type for the presets (each rule is also found by its id and its name)
ALIASES = {
    "一致": "consensus",
    "过半": "majority",
    "多数": "majority",
    "2/3": "two-thirds",
    "三分之二多数": "two-thirds",
    "村民代表": "village-reps",
    "业主一般": "owners-ordinary",
    "一般事项": "owners-ordinary",
    "业主重大": "owners-major",
    "重大事项": "owners-major",
}


def rule_id(rules: Mapping[str, VoteRule], text: str) -> str | None:
    """The rule meant by ``text``: its id, its Chinese name or a short alias; None if none."""
    text = str(text).strip()
    if text in rules:
        return text
    for rid, rule in rules.items():
        if rule.name == text:
            return rid
    alias = ALIASES.get(text)
    return alias if alias in rules else None


def load_rules(tables: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, VoteRule]:
    """The presets plus a workspace's own rules (``[rules.<id>]`` tables).

    A workspace may not redefine a preset: the presets carry the statutory thresholds.
    """
    rules = dict(PRESETS)
    for rule_id, table in (tables or {}).items():
        if rule_id in PRESETS:
            raise RuleDefinitionError(f"表决规则“{rule_id}”与内置规则重名，请换一个标识")
        rules[rule_id] = rule_from_mapping(rule_id, table)
    return rules


# ---------------------------------------------------------------------------
# Ballots and totals


@dataclass(frozen=True)
class Ballot:
    """One vote. ``area`` (owners basis) is the voter's private floor area; strings, ints and
    Decimals are parsed exactly. ``household``: optional household/unit id; at most one ballot
    per household is accepted (household representatives, one unit one vote)."""

    voter: str
    choice: str
    area: Fraction | None = None
    household: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.voter, str) or not self.voter.strip():
            raise BallotError("选票缺少投票人姓名")
        if self.choice not in CHOICES:
            raise BallotError(
                f"{self.voter} 的表决意见 {self.choice!r} 无效，应为“同意”“反对”或“弃权”"
            )
        if self.area is not None and not isinstance(self.area, Fraction):
            try:
                area = parse_area(self.area)
            except VoteError as exc:
                raise BallotError(f"{self.voter} 的选票：{exc}") from exc
            object.__setattr__(self, "area", area)


@dataclass(frozen=True)
class Totals:
    """Vote totals (heads, and areas for the owners basis)."""

    yes: int = 0
    no: int = 0
    abstain: int = 0
    yes_area: Fraction | None = None
    no_area: Fraction | None = None
    abstain_area: Fraction | None = None

    def __post_init__(self) -> None:
        for key, label in (("yes", "同意"), ("no", "反对"), ("abstain", "弃权")):
            count = getattr(self, key)
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise BallotError(f"{label}票数应为非负整数，而不是 {count!r}")
            area = getattr(self, f"{key}_area")
            if area is not None and not isinstance(area, Fraction):
                try:
                    object.__setattr__(self, f"{key}_area", parse_area(area))
                except VoteError as exc:
                    raise BallotError(f"{label}面积：{exc}") from exc

    @property
    def voters(self) -> int:
        return self.yes + self.no + self.abstain

    @property
    def area(self) -> Fraction | None:
        if self.yes_area is None or self.no_area is None or self.abstain_area is None:
            return None
        return self.yes_area + self.no_area + self.abstain_area

    @classmethod
    def from_ballots(cls, ballots: Iterable[Ballot], *, with_area: bool = False) -> Totals:
        counts = {YES: 0, NO: 0, ABSTAIN: 0}
        areas = {YES: Fraction(0), NO: Fraction(0), ABSTAIN: Fraction(0)}
        for ballot in ballots:
            counts[ballot.choice] += 1
            if with_area:
                if ballot.area is None:
                    raise BallotError(f"业主 {ballot.voter} 的选票缺少专有部分面积")
                if ballot.area <= 0:
                    raise BallotError(f"业主 {ballot.voter} 的专有部分面积应大于 0")
                areas[ballot.choice] += ballot.area
        if not with_area:
            return cls(counts[YES], counts[NO], counts[ABSTAIN])
        return cls(counts[YES], counts[NO], counts[ABSTAIN], areas[YES], areas[NO], areas[ABSTAIN])


def _check_ballots(ballots: Iterable[Ballot], observers: Iterable[str]) -> list[Ballot]:
    observer_set = {name.strip() for name in observers}
    seen: set[str] = set()
    households: dict[str, str] = {}
    checked = []
    for ballot in ballots:
        if not isinstance(ballot, Ballot):
            raise BallotError(f"不是选票：{ballot!r}")
        voter = ballot.voter.strip()
        if voter in observer_set:
            raise BallotError(f"{voter} 是列席人员，没有表决权，其选票不能计入")
        if voter in seen:
            raise BallotError(f"{voter} 重复投票，每人只能投一票")
        seen.add(voter)
        if ballot.household is not None:
            household = ballot.household.strip()
            if household in households:
                raise BallotError(
                    f"{household} 已由 {households[household]} 投票，{voter} 不能再投（每户一票）"
                )
            households[household] = voter
        checked.append(ballot)
    return checked


# ---------------------------------------------------------------------------
# Conditions and results


@dataclass(frozen=True)
class Condition:
    """One checked requirement: ``numerator / denominator`` compared with ``threshold``."""

    id: str
    label: str
    numerator: Fraction
    denominator: Fraction
    threshold: Fraction
    op: str
    met: bool
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "numerator": exact_str(self.numerator),
            "denominator": exact_str(self.denominator),
            "threshold": str(self.threshold),
            "op": self.op,
            "met": self.met,
            "text": self.text,
        }


@dataclass(frozen=True)
class TallyResult:
    """Outcome of :func:`tally`. ``lines`` has one Chinese line per condition; the verdict is
    appended to the last line."""

    rule: VoteRule
    passed: bool
    held: bool
    conditions: list[Condition]
    lines: list[str]
    totals: Totals
    participants: int
    participating_area: Fraction | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.id,
            "rule_name": self.rule.name,
            "passed": self.passed,
            "held": self.held,
            "conditions": [c.to_dict() for c in self.conditions],
        }


def _share_condition(
    cid: str,
    label: str,
    numerator: Fraction,
    denominator: Fraction,
    share: Fraction,
    op: str,
    fact: str,
    of_what: str,
) -> Condition:
    """Compare numerator/denominator with share; a zero denominator never meets anything."""
    name = fraction_name(share)
    if denominator == 0:
        met = False
        ratio_text = f"{of_what}为 0"
    else:
        ratio = numerator / denominator
        met = ratio > share if op == ">" else ratio >= share
        ratio_text = f"占{of_what} {percent(numerator, denominator, 1)}%"
    if op == ">":
        judgment = f"超过{name}" if met else f"未超过{name}"
    else:
        judgment = f"达到{name}" if met else f"未达{name}"
    return Condition(
        cid, label, numerator, denominator, share, op, met, f"{fact}，{ratio_text}，{judgment}"
    )


def _consensus_conditions(totals: Totals, participants: int) -> list[Condition]:
    no_text = (
        f"反对 {totals.no} 人，无人反对" if totals.no == 0 else f"反对 {totals.no} 人，未达成一致"
    )
    yes_text = f"同意 {totals.yes} 人" if totals.yes else "同意 0 人，无人同意"
    return [
        Condition(
            "consensus_no_objection",
            "无人反对",
            Fraction(totals.no),
            Fraction(participants),
            Fraction(0),
            "=",
            totals.no == 0,
            no_text,
        ),
        Condition(
            "consensus_yes",
            "有人同意",
            Fraction(totals.yes),
            Fraction(participants),
            Fraction(0),
            ">",
            totals.yes > 0,
            yes_text,
        ),
    ]


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BallotError(f"{what}应为整数，而不是 {value!r}")
    if value < 0:
        raise BallotError(f"{what}不能为负数：{value}")
    return value


def tally(
    rule: VoteRule,
    *,
    entitled: int,
    present: int | None = None,
    ballots: Iterable[Ballot] | None = None,
    totals: Totals | None = None,
    entitled_area: Fraction | int | str | Decimal | None = None,
    observers: Iterable[str] = (),
) -> TallyResult:
    """Count a vote under ``rule``.

    Give exactly one of ``ballots`` or ``totals``.

    * ``entitled``: how many hold the right to vote (members, adult residents or household
      representatives, representatives, owners).
    * ``present`` (head basis only): those present with the right to vote; defaults to the
      number of ballots. Present members who cast no ballot count as "not yes".
    * ``entitled_area`` (owners basis, required): total private floor area.
    * ``observers``: names of 列席 attendees; a ballot from one of them raises
      :class:`BallotError` (checked for ``ballots`` only; ``totals`` carry no names).

    Zero entitled or zero participants gives ``held=False`` and ``passed=False`` (no error).
    """
    if not isinstance(rule, VoteRule):
        raise VoteError(f"不是表决规则：{rule!r}")
    entitled = _count(entitled, "应到（有表决权）人数")
    if (ballots is None) == (totals is None):
        raise BallotError("请提供选票（ballots）或票数合计（totals）二者之一")
    owners = rule.basis == "owners"
    total_area = Fraction(0)
    if owners:
        if present is not None:
            raise BallotError(
                "按业主表决规则计票时，参与表决人数就是投票业主数，不需要提供到会人数"
            )
        if entitled_area is None:
            raise BallotError("按业主表决规则计票时必须提供专有部分总面积（entitled_area）")
        total_area = parse_area(entitled_area)
    if ballots is not None:
        totals = Totals.from_ballots(_check_ballots(ballots, observers), with_area=owners)
    assert totals is not None
    voters = totals.voters

    area: Fraction | None = None
    if owners:
        area = totals.area
        if area is None:
            raise BallotError("按业主表决规则计票时，票数合计必须包含同意、反对、弃权各自的面积")
        if area > total_area:
            raise BallotError(
                f"参与表决面积 {format_area(area)} 超过专有部分总面积 {format_area(total_area)}"
            )
        participants = voters
        if participants > entitled:
            raise BallotError(f"参与表决业主 {participants} 人，超过业主总人数 {entitled} 人")
    else:
        participants = voters if present is None else _count(present, "到会人数")
        if participants < voters:
            raise BallotError(f"投票 {voters} 人，多于到会人数 {participants} 人")
        if participants > entitled:
            raise BallotError(f"到会 {participants} 人，超过应到人数 {entitled} 人")

    conditions: list[Condition] = []
    quorum_ids: set[str] = set()
    if rule.quorum is not None:
        if owners:
            assert area is not None
            conditions.append(
                _share_condition(
                    "quorum_area",
                    "参与表决面积",
                    area,
                    total_area,
                    rule.quorum,
                    rule.quorum_op,
                    f"参与表决专有部分面积 {format_area(area)}",
                    "总面积",
                )
            )
            conditions.append(
                _share_condition(
                    "quorum_head",
                    "参与表决人数",
                    Fraction(participants),
                    Fraction(entitled),
                    rule.quorum,
                    rule.quorum_op,
                    f"参与表决业主 {participants} 人",
                    "业主总人数",
                )
            )
        else:
            conditions.append(
                _share_condition(
                    "quorum",
                    "到会人数",
                    Fraction(participants),
                    Fraction(entitled),
                    rule.quorum,
                    rule.quorum_op,
                    f"到会 {participants} 人",
                    "应到人数",
                )
            )
        quorum_ids = {c.id for c in conditions}

    if rule.threshold is not None:
        if owners:
            assert area is not None and totals.yes_area is not None
            conditions.append(
                _share_condition(
                    "threshold_area",
                    "同意面积",
                    totals.yes_area,
                    area,
                    rule.threshold,
                    rule.threshold_op,
                    f"同意的专有部分面积 {format_area(totals.yes_area)}",
                    "参与表决面积",
                )
            )
            conditions.append(
                _share_condition(
                    "threshold_head",
                    "同意人数",
                    Fraction(totals.yes),
                    Fraction(participants),
                    rule.threshold,
                    rule.threshold_op,
                    f"同意业主 {totals.yes} 人",
                    "参与表决业主人数",
                )
            )
        else:
            conditions.append(
                _share_condition(
                    "threshold",
                    "同意人数",
                    Fraction(totals.yes),
                    Fraction(participants),
                    rule.threshold,
                    rule.threshold_op,
                    f"同意 {totals.yes} 人",
                    "参会人数",
                )
            )
    if rule.consensus:
        conditions.extend(_consensus_conditions(totals, participants))

    held = (
        entitled > 0 and participants > 0 and all(c.met for c in conditions if c.id in quorum_ids)
    )
    passed = held and all(c.met for c in conditions if c.id not in quorum_ids)

    if passed:
        verdict = "通过"
    elif not held:
        if entitled == 0:
            verdict = "应到人数为 0，表决不成立"
        elif participants == 0:
            verdict = "无人参与表决，表决不成立"
        elif owners:
            verdict = "参与表决的面积或人数未达要求，表决不成立"
        else:
            verdict = "到会人数未达要求，表决不成立"
    else:
        verdict = "未通过"
    lines = [c.text for c in conditions]
    lines[-1] = f"{lines[-1]}，{verdict}"

    return TallyResult(
        rule=rule,
        passed=passed,
        held=held,
        conditions=conditions,
        lines=lines,
        totals=totals,
        participants=participants,
        participating_area=area,
    )
