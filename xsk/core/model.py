"""The typed model: frozen dataclasses, built from plain TOML data with validation.

Imports nothing from xsk but ``errors``. Every loader collects problems (file, line, field) as
values instead of raising on the first one, so ``check`` can list them all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from xsk.core.errors import Problem
from xsk.core.winpath import name_problem

LEVELS = ("网格", "小区", "社区", "街道", "区")
STATUSES = ("open", "closed")
STATUS_NAMES = {"open": "进行中", "closed": "已办结"}
TITLE_MAX = 60


def control_character(text: str, allowed: str = "") -> str:
    """The first control character in ``text`` (other than ``allowed``) as "U+001B", or ""
    (terminal escapes, bells and the like typed or pasted into a field)."""
    for ch in text:
        if (ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0) and ch not in allowed:
            return f"U+{ord(ch):04X}"
    return ""


def title_problem(title: str) -> str | None:
    """Why ``title`` cannot be a case title (one line, at most TITLE_MAX characters), or None."""
    text = title.strip()
    if not text:
        return "议题名称不能为空"
    if "\n" in text or "\r" in text:
        return "议题名称只能写一行（不能换行），详细情况写在问题描述中"
    bad = control_character(text)
    if bad:
        return f"议题名称含有不可见的控制字符（{bad}），请删除后重新输入"
    if len(text) > TITLE_MAX:
        return f"议题名称太长：{len(text)} 个字，最多 {TITLE_MAX} 个字，详细情况写在问题描述中"
    return None


CASE_ID_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,31}\Z")
ORIGINAL_ID_MAX = 64  # 原编号: the number a case had in a ledger kept before xsk


def original_id_problem(text: str) -> str | None:
    """Why ``text`` cannot be a case's 原编号 (one line of printable text), or None."""
    if len(text) > ORIGINAL_ID_MAX:
        return f"原编号太长：{len(text)} 个字符，最多 {ORIGINAL_ID_MAX} 个"
    if any(ord(c) < 32 or ord(c) == 127 or c in "\u2028\u2029\u0085" for c in text):
        return "原编号只能写一行，不能含换行或控制字符"
    if text != text.strip():
        return "原编号首尾不能有空格"
    return None


ATTENDANCE = ("出席", "列席", "请假", "缺席")
# 不具备实施条件: an item that cannot be carried out; it counts as settled only with a reason
OUTCOME_STATUSES = ("待办", "办理中", "已办结", "不具备实施条件")
SATISFACTION = ("满意", "基本满意", "不满意")
GENDERS = ("", "男", "女")
# results of cases set aside: withdrawn (撤销) and merged into another case (合并); they stay
# in git and in the ledger but out of every count and rate
SET_ASIDE = ("withdrawn", "merged")

T = TypeVar("T")


# --- validation helper ---------------------------------------------------------------------


class Reader:
    """Reads typed fields from a parsed TOML mapping, recording problems with their line."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.problems: list[Problem] = []

    def problem(self, keypath: tuple[str | int, ...], code: str, message: str) -> None:
        from xsk.core.tomlpos import locate

        line = locate(self.text, keypath) if self.text else 0
        if not line and self.text:
            line = 1  # a key missing at the top of the file: point at the file's start
        name = ".".join(str(k) for k in keypath)
        self.problems.append(Problem(self.path, line, code, f"字段 {name}：{message}", name))

    def get(
        self,
        data: Mapping[str, Any],
        keypath: tuple[str | int, ...],
        kind: str,
        *,
        required: bool = False,
        default: Any = None,
        choices: tuple[str, ...] = (),
    ) -> Any:
        key = keypath[-1]
        if key not in data or data[key] is None:
            if required:
                self.problem(keypath[:-1] or keypath, "E101", f"缺少必填字段“{key}”")
            return default
        value = data[key]
        ok, converted = _convert(value, kind)
        if not ok:
            self.problem(keypath, "E102", f"应为{_KIND_NAMES[kind]}，实际为 {value!r}")
            return default
        if kind == "str" and required and not converted.strip():
            self.problem(keypath, "E103", "不能为空")
            return default
        if choices and converted not in choices:
            shown = "、".join(
                f"{c}（{STATUS_NAMES[c]}）" if c in STATUS_NAMES else c for c in choices
            )
            self.problem(keypath, "E104", f"取值“{converted}”无效，可选：{shown}")
            return default
        return converted

    def items(self, data: Mapping[str, Any], keypath: tuple[str | int, ...]) -> list[Any]:
        key = keypath[-1]
        value = data.get(key, [])  # type: ignore[arg-type]
        if not isinstance(value, list):
            self.problem(keypath, "E102", "应为表格数组（[[...]]）")
            return []
        return value

    def table(self, data: Mapping[str, Any], keypath: tuple[str | int, ...]) -> Mapping[str, Any]:
        value = data.get(keypath[-1], {})  # type: ignore[arg-type]
        if not isinstance(value, Mapping):
            self.problem(keypath, "E102", "应为表（[...]）")
            return {}
        return value


_KIND_NAMES = {
    "str": "文本",
    "int": "整数",
    "bool": "是/否（true 或 false）",
    "date": "日期（如 2026-11-23）",
    "datetime": "日期时间（如 2026-11-23T14:30:00+08:00）",
    "strlist": "文本列表",
    "any": "值",
}


def _convert(value: Any, kind: str) -> tuple[bool, Any]:
    if kind == "str":
        return isinstance(value, str), value
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool), value
    if kind == "bool":
        return isinstance(value, bool), value
    if kind == "date":
        if isinstance(value, dt.datetime):
            return True, value.date()
        return isinstance(value, dt.date), value
    if kind == "datetime":
        if isinstance(value, dt.datetime):
            return True, value
        if isinstance(value, dt.date):
            return True, dt.datetime(value.year, value.month, value.day)
        return False, value
    if kind == "strlist":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return ok, tuple(value) if ok else value
    return True, value


# --- people and organisations -----------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A resident who raised or took part in a case. Contact fields are private."""

    name: str
    phone: str = ""
    id_number: str = ""
    address: str = ""
    public: bool = False  # an official, or consented to be named on public documents
    gender: str = ""  # 男/女: masked as 张先生/张女士 instead of 张某

    PRIVATE_FIELDS = ("phone", "id_number", "address")


@dataclass(frozen=True)
class RosterEntry:
    """A person or organisation in the workspace's roster (roster.toml)."""

    id: str
    name: str
    kind: str = "person"  # person | org
    role: str = ""  # 居委会主任, 楼长, 物业经理 ...
    subject_type: str = ""  # one of the participating subject types
    unit: str = ""  # unit or department
    deliberate: bool = True  # 议事权
    vote: bool = False  # 表决权
    official: bool = False  # a cadre or unit representative: named on public documents
    consent: bool = False  # agreed to be named on public documents
    phone: str = ""  # private
    note: str = ""
    gender: str = ""  # 男/女: masked as 张先生/张女士 instead of 张某

    @property
    def public_name(self) -> bool:
        return self.kind == "org" or self.official or self.consent


# --- settings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """The workspace settings in xsk.toml."""

    community: str
    street: str = ""
    district: str = ""
    issuer: str = ""  # issuing body printed on documents
    facilitator: str = ""
    default_procedure: str = "dongguan-6"
    publicity_days: int = 5
    objection_channel: str = ""
    office_contact: str = ""  # the community office's public phone (official, may be printed)
    not_deliberated: tuple[str, ...] = ()  # the workspace's 不议 list
    categories: tuple[str, ...] = ()
    calendar_holidays: tuple[dt.date, ...] = ()
    calendar_workdays: tuple[dt.date, ...] = ()
    vote_rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    category_rules: Mapping[str, str] = field(default_factory=dict)
    traditional: bool = False
    output_dir: str = "out"
    number_prefix: str = ""  # 发文机关代字 of the 文号 (红桥议〔2026〕7号); default from community

    @property
    def doc_prefix(self) -> str:
        """发文机关代字: ``number_prefix``, else the community's short name + 议 (红桥议)."""
        if self.number_prefix:
            return self.number_prefix
        short = self.community.removesuffix("居民委员会").removesuffix("社区")
        return f"{short or self.community}议"

    @property
    def issuing_body(self) -> str:
        return self.issuer or f"{self.community}居民委员会"


# --- cases -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    channel: str = ""
    date: dt.date | None = None
    received_by: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    step: str
    done: dt.datetime
    by: str = ""
    action: str = "next"  # next | close | escalate | goto | wait | reopen | create
    note: str = ""


@dataclass(frozen=True)
class Case:
    id: str
    uid: str
    title: str
    procedure: str
    step: str
    status: str
    level: str
    category: str
    created: dt.date
    description: str = ""
    original_id: str = ""  # 原编号: the case's number in a ledger kept before xsk
    due: dt.date | None = None
    closed: dt.date | None = None
    close_reason: str = ""
    result: str = ""  # resolved | out_of_scope | escalated | ... (for reports)
    wait_until: dt.date | None = None
    source: Source = field(default_factory=Source)
    proposers: tuple[Person, ...] = ()
    answers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    history: tuple[HistoryEntry, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def case_from_dict(data: Mapping[str, Any], r: Reader, folder_id: str = "") -> Case | None:
    """Validate and build a Case; problems go to ``r``. Returns None when unusable."""
    cid = r.get(data, ("id",), "str", required=True, default="")
    if cid and not CASE_ID_RE.match(cid):
        r.problem(("id",), "E105", f"议题编号“{cid}”只能包含字母、数字和连字符")
    elif cid and name_problem(cid):  # the folder cases/<id> must exist on Windows too
        r.problem(("id",), "E105", f"议题编号“{cid}”无效：{name_problem(cid)}")
    if folder_id and cid and cid != folder_id:
        r.problem(("id",), "E106", f"议题编号“{cid}”与文件夹名“{folder_id}”不一致")
    title = r.get(data, ("title",), "str", required=True, default="")
    procedure = r.get(data, ("procedure",), "str", required=True, default="")
    step = r.get(data, ("step",), "str", default="")
    status = r.get(data, ("status",), "str", default="open", choices=STATUSES)
    level = r.get(data, ("level",), "str", default="社区", choices=LEVELS)
    category = r.get(data, ("category",), "str", default="")
    created = r.get(data, ("created",), "date", required=True)
    original_id = r.get(data, ("original_id",), "str", default="")
    if original_id and (why := original_id_problem(original_id)):
        r.problem(("original_id",), "E108", why)
        original_id = ""
    src = r.table(data, ("source",))
    source = Source(
        channel=r.get(src, ("source", "channel"), "str", default=""),
        date=r.get(src, ("source", "date"), "date"),
        received_by=r.get(src, ("source", "received_by"), "str", default=""),
    )
    proposers = []
    for i, p in enumerate(r.items(data, ("proposers",))):
        if not isinstance(p, Mapping):
            r.problem(("proposers", i), "E102", "应为表")
            continue
        proposers.append(
            Person(
                name=r.get(p, ("proposers", i, "name"), "str", required=True, default=""),
                phone=r.get(p, ("proposers", i, "phone"), "str", default=""),
                id_number=r.get(p, ("proposers", i, "id_number"), "str", default=""),
                address=r.get(p, ("proposers", i, "address"), "str", default=""),
                public=r.get(p, ("proposers", i, "public"), "bool", default=False),
                gender=r.get(p, ("proposers", i, "gender"), "str", default="", choices=GENDERS),
            )
        )
    answers_raw = r.table(data, ("answers",))
    answers: dict[str, Mapping[str, Any]] = {}
    for step_id, table in answers_raw.items():
        if isinstance(table, Mapping):
            answers[step_id] = dict(table)
        else:
            r.problem(("answers", step_id), "E102", "应为表")
    history = []
    for i, h in enumerate(r.items(data, ("history",))):
        if not isinstance(h, Mapping):
            r.problem(("history", i), "E102", "应为表")
            continue
        done = r.get(h, ("history", i, "done"), "datetime", required=True)
        history.append(
            HistoryEntry(
                step=r.get(h, ("history", i, "step"), "str", required=True, default=""),
                done=done or dt.datetime(1970, 1, 1),
                by=r.get(h, ("history", i, "by"), "str", default=""),
                action=r.get(h, ("history", i, "action"), "str", default="next"),
                note=r.get(h, ("history", i, "note"), "str", default=""),
            )
        )
    if created is None or not cid or not title:
        return None
    return Case(
        id=cid,
        uid=r.get(data, ("uid",), "str", default=""),
        title=title,
        procedure=procedure,
        step=step,
        status=status,
        level=level,
        category=category,
        created=created,
        description=r.get(data, ("description",), "str", default=""),
        original_id=original_id,
        due=r.get(data, ("due",), "date"),
        closed=r.get(data, ("closed",), "date"),
        close_reason=r.get(data, ("close_reason",), "str", default=""),
        result=r.get(data, ("result",), "str", default=""),
        wait_until=r.get(data, ("wait_until",), "date"),
        source=source,
        proposers=tuple(proposers),
        answers=answers,
        history=tuple(history),
    )


def case_summary(case: Case) -> dict[str, Any]:
    """The fields that name a case and say where it stands, as JSON-ready data (the rows of
    ``status`` and the head of ``show --json``)."""
    return {
        "id": case.id,
        "title": case.title,
        "procedure": case.procedure,
        "step": case.step,
        "status": case.status,
        "level": case.level,
        "category": case.category,
        "created": case.created.isoformat(),
        "due": case.due.isoformat() if case.due else None,
    }


def case_to_dict(case: Case) -> dict[str, Any]:
    """Plain data for a new case.toml (key order is the file's order)."""
    out: dict[str, Any] = {"id": case.id}
    if case.original_id:
        out["original_id"] = case.original_id
    out |= {
        "uid": case.uid,
        "title": case.title,
        "procedure": case.procedure,
        "step": case.step,
        "status": case.status,
        "level": case.level,
        "category": case.category,
        "created": case.created,
    }
    if case.description:
        out["description"] = case.description
    for key in ("due", "closed", "wait_until"):
        if getattr(case, key) is not None:
            out[key] = getattr(case, key)
    for key in ("close_reason", "result"):
        if getattr(case, key):
            out[key] = getattr(case, key)
    src: dict[str, Any] = {}
    if case.source.channel:
        src["channel"] = case.source.channel
    if case.source.date is not None:
        src["date"] = case.source.date
    if case.source.received_by:
        src["received_by"] = case.source.received_by
    if src:
        out["source"] = src
    if case.proposers:
        out["proposers"] = [_person_dict(p) for p in case.proposers]
    if case.answers:
        out["answers"] = {k: dict(v) for k, v in case.answers.items()}
    if case.history:
        out["history"] = [history_dict(h) for h in case.history]
    return out


def _person_dict(p: Person) -> dict[str, Any]:
    d: dict[str, Any] = {"name": p.name}
    for key in Person.PRIVATE_FIELDS:
        if getattr(p, key):
            d[key] = getattr(p, key)
    if p.public:
        d["public"] = True
    if p.gender:
        d["gender"] = p.gender
    return d


def history_dict(h: HistoryEntry) -> dict[str, Any]:
    d: dict[str, Any] = {"step": h.step, "done": h.done, "action": h.action}
    if h.by:
        d["by"] = h.by
    if h.note:
        d["note"] = h.note
    return d


def roster_from_dict(data: Mapping[str, Any], r: Reader) -> list[RosterEntry]:
    out: list[RosterEntry] = []
    seen: set[str] = set()
    for section, kind in (("people", "person"), ("orgs", "org")):
        for i, e in enumerate(r.items(data, (section,))):
            kp: Callable[[str], tuple[str | int, ...]] = lambda k, s=section, i=i: (s, i, k)  # noqa: E731
            if not isinstance(e, Mapping):
                r.problem((section, i), "E102", "应为表")
                continue
            name = r.get(e, kp("name"), "str", required=True, default="")
            rid = r.get(e, kp("id"), "str", default=name)
            if rid in seen:
                r.problem(kp("id"), "E107", f"名册编号“{rid}”重复")
            seen.add(rid)
            out.append(
                RosterEntry(
                    id=rid,
                    name=name,
                    kind=kind,
                    role=r.get(e, kp("role"), "str", default=""),
                    subject_type=r.get(e, kp("subject_type"), "str", default=""),
                    unit=r.get(e, kp("unit"), "str", default=""),
                    deliberate=r.get(e, kp("deliberate"), "bool", default=True),
                    vote=r.get(e, kp("vote"), "bool", default=kind == "person"),
                    official=r.get(e, kp("official"), "bool", default=False),
                    consent=r.get(e, kp("consent"), "bool", default=False),
                    phone=r.get(e, kp("phone"), "str", default=""),
                    note=r.get(e, kp("note"), "str", default=""),
                    gender=r.get(e, kp("gender"), "str", default="", choices=GENDERS),
                )
            )
    return out


def roster_entry_dict(e: RosterEntry) -> dict[str, Any]:
    d: dict[str, Any] = {"id": e.id, "name": e.name}
    for key in ("role", "subject_type", "unit", "phone", "note", "gender"):
        if getattr(e, key):
            d[key] = getattr(e, key)
    d["deliberate"] = e.deliberate
    d["vote"] = e.vote
    if e.official:
        d["official"] = True
    if e.consent:
        d["consent"] = True
    return d


def settings_from_dict(data: Mapping[str, Any], r: Reader) -> Settings:
    ws = r.table(data, ("workspace",))
    docs = r.table(data, ("documents",))
    consult = r.table(data, ("consultation",))
    cal = r.table(data, ("calendar",))
    votes = r.table(data, ("votes",))
    rules = r.table(votes, ("votes", "rules"))
    cat_rules = r.table(votes, ("votes", "categories"))
    for key, value in cat_rules.items():
        if not isinstance(value, str):
            r.problem(("votes", "categories", key), "E102", "应为表决规则编号（文本）")
    days = r.get(consult, ("consultation", "publicity_days"), "int", default=5)
    if days is not None and days < 1:
        r.problem(("consultation", "publicity_days"), "E104", "公示期至少 1 个工作日")
        days = 5
    return Settings(
        community=r.get(ws, ("workspace", "community"), "str", required=True, default=""),
        street=r.get(ws, ("workspace", "street"), "str", default=""),
        district=r.get(ws, ("workspace", "district"), "str", default=""),
        issuer=r.get(ws, ("workspace", "issuer"), "str", default=""),
        facilitator=r.get(ws, ("workspace", "facilitator"), "str", default=""),
        default_procedure=r.get(
            consult, ("consultation", "procedure"), "str", default="dongguan-6"
        ),
        publicity_days=days,
        objection_channel=r.get(consult, ("consultation", "objection_channel"), "str", default=""),
        office_contact=r.get(ws, ("workspace", "office_contact"), "str", default=""),
        not_deliberated=r.get(consult, ("consultation", "not_deliberated"), "strlist", default=()),
        categories=r.get(consult, ("consultation", "categories"), "strlist", default=()),
        calendar_holidays=_dates(r, cal, ("calendar", "holidays")),
        calendar_workdays=_dates(r, cal, ("calendar", "workdays")),
        vote_rules={k: v for k, v in rules.items() if isinstance(v, Mapping)},
        category_rules={k: v for k, v in cat_rules.items() if isinstance(v, str)},
        traditional=r.get(docs, ("documents", "traditional"), "bool", default=False),
        output_dir=_output_dir(r, docs),
        number_prefix=r.get(docs, ("documents", "number_prefix"), "str", default=""),
    )


def _output_dir(r: Reader, docs: Mapping[str, Any]) -> str:
    """``[documents] output``: ``out`` or a folder inside it, never ``..``, ``.git``, ``cases``
    or an absolute path (generated files would overwrite tracked ones or leave the workspace;
    a folder outside the repository is named on the command line instead)."""
    value = r.get(docs, ("documents", "output"), "str", default="out")
    parts = value.replace("\\", "/").rstrip("/").split("/")
    if (
        value.startswith(("/", "\\"))
        or (len(value) > 1 and value[1] == ":")
        or parts[0] != "out"
        or any(p in ("", ".", "..") for p in parts[1:])
    ):
        r.problem(
            ("documents", "output"),
            "E104",
            f"“{value}”无效：生成文件只能放在 out 或 out/ 下的文件夹",
        )
        return "out"
    return value


def _dates(r: Reader, table: Mapping[str, Any], keypath: tuple[str, ...]) -> tuple[dt.date, ...]:
    values = table.get(keypath[-1], [])
    if not isinstance(values, list):
        r.problem(keypath, "E102", "应为日期列表")
        return ()
    out = []
    for i, v in enumerate(values):
        if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
            out.append(v)
        else:
            r.problem((*keypath, i), "E102", f"应为日期（如 2026-10-08），实际为 {v!r}")
    return tuple(out)
