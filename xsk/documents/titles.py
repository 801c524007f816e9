"""Titles that name the matter, as an office writes them.

"关于召开红桥社区2026年第3次协商议事会的通知", "红桥社区2026年第3次协商议事会纪要",
"关于三号楼加装电梯协商结果的公示": a bare "会议纪要" reads as a blank form. The kind's bare
name stays in the file properties (``docProps/core.xml`` title) for search and sorting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from xsk.rules.wording import person_line


def meeting_title(kind: str, title: str) -> str:
    """The heading of a meeting's notice, sign-in sheet or minutes."""
    if kind == "notice":
        return f"关于召开{title}的通知"
    if kind == "signin":
        return f"{title}签到表"
    return f"{title}纪要"


def _matter(case_titles: Sequence[str]) -> str:
    if not case_titles:
        return "协商议定事项"
    if len(case_titles) == 1:
        return f"“{case_titles[0]}”协商议定事项"
    return f"“{case_titles[0]}”等{len(case_titles)}项议题协商议定事项"


def responsibility_title(case_titles: Sequence[str], *, supervision: bool) -> str:
    """``“三号楼加装电梯”协商议定事项责任清单`` (or …督办单)."""
    return _matter(case_titles) + ("督办单" if supervision else "责任清单")


def reply_title(case_title: str) -> str:
    return f"关于“{case_title}”办理情况的答复"


def unit_role(unit: str, role: str) -> str:
    """Unit and post joined once, for a table cell (``柳南区政协委员``)."""
    line = person_line({"name": "", "unit": unit, "role": role})
    return line.removeprefix("（").removesuffix("）")


_HIGHER = re.compile(
    r"(?:区|市|县|街道|镇|乡).*(?:局|大队|支队|办事处|人民政府|政府|城建办|办公室|中心|政协|人大)$"
)


def is_higher_body(unit: str) -> bool:
    """A body above the community (街道办事处, 区住建局, 区消防救援大队): it is asked, not told
    (函 wording). Enterprises, owners' committees and the community's own bodies are not."""
    unit = unit.strip()
    if any(w in unit for w in ("社区", "小区", "公司", "业主", "物业")):
        return False
    return bool(_HIGHER.search(unit))
