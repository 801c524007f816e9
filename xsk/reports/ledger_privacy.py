"""The ledger masks by default: every text as on public documents, the internal one on demand.

The ledger leaves the office by e-mail, so ``report --xlsx`` writes it masked: residents'
names (张某, 张女士), phones, ID numbers, addresses, WeChat/QQ ids and plates in every text
column of every sheet go through the public view's scrubber (:mod:`xsk.rules.scrub`);
officials and consenting people in the roster keep their names. ``report --xlsx --reveal``
writes the internal ledger: proposers' real names and phones, nothing masked, and the
workbook's properties (title, category, keywords) say 内部.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

# columns that hold codes, dates, numbers or fixed labels: never scrubbed
SAFE_COLUMNS = frozenset(
    [
        "序号",
        "议题编号",
        "会议编号",
        "类别",
        "层级",
        "协商形式",
        "办理情况",
        "满意度",
        "协商程序",
        "是否表决",
        "是否提请上级",
        "办理状态",
        "是否按时",
        "所属社区",
        "涉及议题",
        "回访方式",
        "评分",
        "事项序号",
        "来源",
        "协商时间",
        "会议时间",
        "参与人数",
        "出席",
        "列席",
        "请假",
        "缺席",
        "参与人次",
        "表决议题数",
        "办结时限",
        "回访日期",
        "登记日期",
        "办结日期",
        "评议日期",
    ]
)
# columns that hold people's names
NAME_COLUMNS = frozenset({"提出人", "主持人", "回访人", "评议人", "监督人"})

INTERNAL = "内部"
MASKED = "已脱敏"


def ledger_scrubber(workspaces: Sequence[Any]) -> Any:
    """One scrubber for the ledger of these workspaces (their rosters together)."""
    from xsk.documents.publicview import workspace_scrubber
    from xsk.rules.scrub import Scrubber

    parts = [workspace_scrubber(ws) for ws in workspaces]
    if len(parts) == 1:
        return parts[0]
    allowed_names = set().union(*(p.allowed_names for p in parts))
    residents: dict[str, str] = {}
    for p in parts:
        residents.update(p.residents)
    office = [w.settings.office_contact for w in workspaces if w.settings.office_contact]
    return Scrubber(
        allowed_names=allowed_names,
        residents={n: g for n, g in residents.items() if n not in allowed_names},
        known_private=[k for p in parts for k in p.known.values()],
        allowed=office,
        protect=set().union(*(p.protect for p in parts)),
    )


def mask_rows(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    scrubber: Any,
    cache: dict[str, str] | None = None,
) -> list[list]:
    """The rows of a sheet (without 序号) with every text cell masked. ``columns`` is the
    sheet's header, 序号 first. ``cache`` remembers each text's masked form (a title is in
    four sheets, the same comment in hundreds of rows); pass one dict per scrubber."""
    cols = list(columns[1:])
    kinds = [
        None if col in SAFE_COLUMNS else ("name" if col in NAME_COLUMNS else "text") for col in cols
    ]
    memo: dict[str, str] = {} if cache is None else cache
    out = []
    for row in rows:
        new = list(row)
        for i, value in enumerate(new):
            kind = kinds[i] if i < len(kinds) else "text"
            if kind is None or not isinstance(value, str) or not value:
                continue
            key = f"{kind}\0{value}"
            masked = memo.get(key)
            if masked is None:
                if kind == "name":
                    masked = "、".join(scrubber.name(v) for v in value.split("、"))
                else:
                    masked = scrubber.scrub(value)
                memo[key] = masked
            new[i] = masked
        out.append(new)
    return out


def reveal_proposers(ws: Any, data: Any) -> None:
    """Put the proposers' real names and phones (from the case files) into ``data``'s
    records, for the internal ledger (the index keeps them masked)."""
    from xsk.workspace import cases as store

    for rec in data.cases:
        try:
            case = store.load_case(ws, rec["id"])
        except Exception:
            continue
        rec["proposers"] = [{"name": p.name, "phone": p.phone} for p in case.proposers]


def mark(workbook: Any, *, masked: bool) -> None:
    """Say in the workbook's properties whether it is the masked or the internal ledger."""
    label = MASKED if masked else INTERNAL
    props = workbook.properties
    props.title = f"协商议事台账（{label}）"
    props.subject = "社区协商议事台账"
    props.category = label
    props.keywords = label
    props.description = (
        "居民姓名、电话等已按公示要求脱敏" if masked else "内部台账：含居民姓名和联系电话，不得外传"
    )
