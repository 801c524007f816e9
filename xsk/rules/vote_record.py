"""The vote as minutes record it, in one sentence (GB/T 9704 §10 practice):

    应到7人，实到6人，同意6人、反对0人、弃权0人，同意人数占实到人数的100%，超过半数，表决通过。

Percentages are whole numbers (rounded half up, exactly); the judgment ("超过半数",
"达到三分之二") comes from the rule's own conditions, so the sentence never disagrees with the
verdict. For owners' decisions (民法典第278条) area and heads are both given.
"""

from __future__ import annotations

from fractions import Fraction

from xsk.rules.votes import TallyResult, format_area, fraction_name, percent


def _pct(num: Fraction | int, den: Fraction | int) -> str:
    return f"{percent(num, den, 0)}%" if den else "0%"


def _judgment(result: TallyResult, cid: str) -> str:
    c = next((c for c in result.conditions if c.id == cid), None)
    if c is None:
        return ""
    name = fraction_name(c.threshold)
    if c.op == ">":
        return f"超过{name}" if c.met else f"未超过{name}"
    return f"达到{name}" if c.met else f"未达到{name}"


def _verdict(result: TallyResult) -> str:
    if result.passed:
        return "表决通过"
    if not result.held:
        return "到会人数未达要求，表决不成立"
    return "表决未通过"


def record_line(
    result: TallyResult, *, entitled: int, entitled_area: Fraction | None = None
) -> str:
    """One sentence: 应到/实到, 同意/反对/弃权, the share, the judgment, the verdict, ending 。"""
    t = result.totals
    counts = f"同意{t.yes}人、反对{t.no}人、弃权{t.abstain}人"
    if result.rule.basis == "owners":
        area = result.participating_area or Fraction(0)
        head = f"业主总人数{entitled}人"
        if entitled_area is not None:
            head += f"、专有部分总面积{format_area(entitled_area)}"
        parts = [
            head,
            f"参与表决业主{result.participants}人、专有部分面积{format_area(area)}",
            counts,
            f"同意面积{format_area(t.yes_area or 0)}",
            f"同意面积占参与表决面积的{_pct(t.yes_area or 0, area)}",
            f"同意人数占参与表决人数的{_pct(t.yes, result.participants)}",
        ]
        judged = [j for j in (_judgment(result, "threshold_area"),) if j]
    else:
        parts = [
            f"应到{entitled}人",
            f"实到{result.participants}人",
            counts,
            f"同意人数占实到人数的{_pct(t.yes, result.participants)}",
        ]
        judged = [j for j in (_judgment(result, "threshold"),) if j]
    if result.rule.consensus:
        judged.append("无人反对" if t.no == 0 else "有反对意见")
    return "，".join([*parts, *judged, _verdict(result)]) + "。"
