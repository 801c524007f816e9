"""Meetings: one file per meeting (``meetings/<id>.toml``), shared by the cases it covers.

A meeting answer in a step (``[meet.meeting]`` in an answers file, or the walk's questions)
carries the meeting's own fields (form, time, venue, host, recorder, attendees) and this case's
topic (background, speeches, vote, resolutions). ``id`` joins an existing meeting, which is how
one multi-issue meeting covers several cases: it is stored once and each case refers to it.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from xsk.core.errors import DataError, NotFoundError, Problem
from xsk.core.model import ATTENDANCE, Reader
from xsk.procedure.engine import Context, parse_datetime
from xsk.store import tomlio

FORMS = (
    "议事会",
    "座谈会",
    "恳谈会",
    "说事会",
    "评议会",
    "听证会",
    "居民论坛",
    "面对面协商",
    "线上协商",
    "居民会议",
    "居民代表会议",
    "村民代表会议",
    "业主大会",
)
SIDES = ("居民", "提出人", "社区", "物业", "业委会", "相关单位", "专家", "其他")
MEETING_ID_RE = re.compile(r"^\d{4}-[A-Z]?M\d{3,}\Z")

SCALARS = ("title", "form", "time", "venue", "host", "recorder")
TOPIC_KEYS = ("background", "speeches", "vote", "resolutions")


def check_answer(
    raw: Any, ctx: Context, base_dir: Path | None = None, rules: Mapping[str, Any] | None = None
) -> tuple[Any, list[str]]:
    """Validate a meeting answer; returns the normalised answer or the errors."""
    if isinstance(raw, str):
        raw = {"id": raw}
    if not isinstance(raw, Mapping):
        return None, ["应为会议记录表（如 [meet.meeting]）"]
    errors: list[str] = []
    out: dict[str, Any] = {}
    mid = raw.get("id")
    if mid is not None:
        if not isinstance(mid, str) or not MEETING_ID_RE.match(mid):
            errors.append(f"会议编号“{mid}”格式不对（如 2026-M001）")
        else:
            out["id"] = mid
    for key in ("title", "venue", "host", "recorder", "background"):
        if key in raw:
            if not isinstance(raw[key], str):
                errors.append(f"{key} 应为文本")
            else:
                out[key] = raw[key].strip()
    if "form" in raw:
        # FORMS are the usual forms offered in the walk; procedures name their own
        # (民主恳谈会, 现场协商会 ...), so any non-empty name is accepted
        if not isinstance(raw["form"], str) or not raw["form"].strip():
            errors.append("会议形式（form）应为非空文本，如 议事会、恳谈会、听证会")
        else:
            out["form"] = raw["form"].strip()
    if "time" in raw:
        when, err = parse_datetime(raw["time"], ctx.today)
        if err:
            errors.append(f"time：{err}")
        else:
            out["time"] = when
    for key in ("participants", "resolutions"):
        if key in raw:
            value = raw[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors.append(f"{key} 应为文本列表")
            else:
                out[key] = [v.strip() for v in value if v.strip()]
    if "attendees" in raw:
        out["attendees"] = _attendees(raw["attendees"], errors)
    if "speeches" in raw:
        out["speeches"] = _speeches(raw["speeches"], errors)
    if "vote" in raw:
        vote = _vote(raw["vote"], out.get("attendees", []), errors, base_dir, rules)
        if vote is not None:
            out["vote"] = vote
    return (out if not errors else None), errors


def _attendees(raw: Any, errors: list[str]) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        errors.append("attendees 应为记录列表")
        return []
    out = []
    names: set[str] = set()
    for i, a in enumerate(raw, start=1):
        if not isinstance(a, Mapping) or not isinstance(a.get("name"), str) or not a["name"]:
            errors.append(f"attendees 第 {i} 条缺少姓名（name）")
            continue
        att = a.get("attendance", "出席")
        if att not in ATTENDANCE:
            errors.append(f"attendees 第 {i} 条出席情况应为：{'、'.join(ATTENDANCE)}")
            continue
        if a["name"] in names:
            errors.append(f"attendees 中“{a['name']}”重复")
        names.add(a["name"])
        vote = bool(a.get("vote", att == "出席"))
        if att == "列席":
            vote = False  # observers speak but do not vote
        out.append(
            {
                "name": a["name"],
                "unit": str(a.get("unit", "")),
                "role": str(a.get("role", "")),
                "subject_type": str(a.get("subject_type", "")),
                "attendance": att,
                "deliberate": bool(a.get("deliberate", True)),
                "vote": vote,
            }
        )
    return out


def _speeches(raw: Any, errors: list[str]) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        errors.append("speeches 应为记录列表")
        return []
    out = []
    for i, s in enumerate(raw, start=1):
        if not isinstance(s, Mapping) or not s.get("speaker") or not s.get("summary"):
            errors.append(f"speeches 第 {i} 条需要发言人（speaker）和要点（summary）")
            continue
        out.append(
            {
                "speaker": str(s["speaker"]),
                "side": str(s.get("side", "")),
                "summary": str(s["summary"]),
            }
        )
    return out


def _vote(
    raw: Any,
    attendees: list[dict[str, Any]],
    errors: list[str],
    base_dir: Path | None,
    rules: Mapping[str, Any] | None,
) -> dict[str, Any] | None:
    from xsk.rules import votes

    if not isinstance(raw, Mapping):
        errors.append("vote 应为表")
        return None
    out = dict(raw)
    if "csv" in raw:
        path = Path(str(raw["csv"]))
        if base_dir is not None and not path.is_absolute():
            path = base_dir / path
        try:
            out["ballots"] = read_ballots_csv(path)
        except DataError as exc:
            errors.append(exc.message)
            return None
        out.pop("csv")
    for key in ("entitled_area", "yes_area", "no_area", "abstain_area"):
        if isinstance(raw.get(key), float):
            errors.append(f'vote.{key} 请写成字符串（如 "8123.40"），避免浮点误差')
            return None
    for b in out.get("ballots", []):
        if isinstance(b, Mapping) and isinstance(b.get("area"), float):
            errors.append('选票面积请写成字符串（如 "85.30"），避免浮点误差')
            return None
    if "rule" in out:  # stored by id, typed by id, Chinese name or alias
        out["rule"] = votes.rule_id(rules or votes.PRESETS, out["rule"]) or out["rule"]
    if not attendees and "entitled" not in out:
        return out  # a vote in a joined meeting: checked with the meeting's attendees later
    try:
        tally(out, attendees, rules if rules is not None else votes.load_rules(None))
    except votes.VoteError as exc:
        errors.append(f"表决：{exc}")
        return None
    except KeyError as exc:
        names = "、".join(r.name for r in (rules or votes.PRESETS).values())
        errors.append(f"表决规则 {exc} 不存在（可选：{names}）")
        return None
    return out


def tally(vote: Mapping[str, Any], attendees: list[Mapping[str, Any]], rules: Mapping[str, Any]):
    """Recompute a stored vote with its rule; returns votes.TallyResult."""
    from xsk.rules import votes

    typed = vote.get("rule", "majority")
    if not isinstance(typed, str):
        raise KeyError(str(typed))
    rule_id = votes.rule_id(rules, typed)
    if rule_id is None:
        raise KeyError(typed)
    rule = rules[rule_id]
    observers = [a["name"] for a in attendees if a.get("attendance") == "列席" or not a.get("vote")]
    voting_present = [a for a in attendees if a.get("attendance") == "出席" and a.get("vote")]
    kwargs: dict[str, Any] = {"observers": observers}
    if rule.basis == "owners":
        kwargs["entitled_area"] = vote.get("entitled_area")
        if kwargs["entitled_area"] is None:
            raise votes.BallotError("业主表决需要专有部分总面积（entitled_area）")
    entitled = vote.get("entitled", len([a for a in attendees if a.get("vote")]) or None)
    if entitled is None:
        raise votes.BallotError("需要应到（有表决权）人数 entitled")
    if rule.basis != "owners":
        present = vote.get("present", len(voting_present) or None)
        if present is not None:
            kwargs["present"] = present
    if "ballots" in vote:
        ballots = [
            votes.Ballot(
                voter=str(b.get("voter", "")),
                choice=str(b.get("choice", "")),
                area=b.get("area"),
                household=b.get("household"),
            )
            for b in vote["ballots"]
            if isinstance(b, Mapping)
        ]
        return votes.tally(rule, entitled=entitled, ballots=ballots, **kwargs)
    totals = votes.Totals(
        yes=vote.get("yes", 0),
        no=vote.get("no", 0),
        abstain=vote.get("abstain", 0),
        yes_area=vote.get("yes_area"),
        no_area=vote.get("no_area"),
        abstain_area=vote.get("abstain_area"),
    )
    return votes.tally(rule, entitled=entitled, totals=totals, **kwargs)


def read_ballots_csv(path: Path) -> list[dict[str, Any]]:
    """Ballots from a CSV with columns 单元/unit, 业主/owner, 面积/area, 意见/choice."""
    aliases = {
        "unit": ("unit", "单元", "房号", "户号"),
        "owner": ("owner", "业主", "姓名", "voter"),
        "area": ("area", "面积", "专有部分面积"),
        "choice": ("choice", "意见", "表决意见"),
    }
    try:
        raw = path.read_bytes()
    except OSError:
        raise DataError(Problem(str(path), 0, "E401", "无法读取选票 CSV 文件")) from None
    text = tomlio.decode(raw, str(path))  # a BOM is fine; GBK bytes get the one message
    try:
        rows = list(csv.reader(text.splitlines()))
    except csv.Error as exc:  # a cell over the csv module's limit, a NUL
        line = text[: text.find("\x00")].count("\n") + 1 if "\x00" in text else 0
        raise DataError(Problem(str(path), line, "E404", f"选票 CSV 格式有误：{exc}")) from None
    fieldnames = rows[0] if rows else []
    cols: dict[str, str] = {}
    for key, names in aliases.items():
        for n in names:
            if n in fieldnames:
                cols[key] = n
                break
    missing = [k for k in ("owner", "choice") if k not in cols]
    if missing:
        raise DataError(Problem(str(path), 1, "E402", f"选票 CSV 缺少列：{'、'.join(missing)}"))
    out = []
    for lineno, cells in enumerate(rows[1:], start=2):
        if not cells:
            continue  # a blank line (DictReader skipped those too)
        row = dict(zip(fieldnames, cells, strict=False))

        def cell(key: str, row: dict[str, Any] = row) -> str:
            value = row.get(cols[key]) if key in cols else None  # a short row has None
            return value.strip() if isinstance(value, str) else ""

        ballot: dict[str, Any] = {"voter": cell("owner"), "choice": cell("choice")}
        if cell("area"):
            ballot["area"] = cell("area")
        if cell("unit"):
            ballot["household"] = cell("unit")
            ballot["voter"] = f"{ballot['household']} {ballot['voter']}".strip()
        if not ballot["voter"]:
            raise DataError(Problem(str(path), lineno, "E403", "缺少业主姓名"))
        out.append(ballot)
    return out


# --- storage ---------------------------------------------------------------------------------


def case_meeting_ids(answers: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The meetings a case refers to in its step answers, in order, each once."""
    found: list[str] = []
    for table in answers.values():
        for value in table.values():
            if isinstance(value, str) and MEETING_ID_RE.match(value) and value not in found:
                found.append(value)
    return found


def meeting_path(meetings_dir: Path, mid: str) -> Path:
    return meetings_dir / f"{mid}.toml"


def validate(data: Mapping[str, Any], r: Reader) -> None:
    """Type-check one meeting file (problems go to ``r``): what documents and reports read."""
    for key in ("id", "title", "form", "venue", "host", "recorder"):
        r.get(data, (key,), "str")
    r.get(data, ("time",), "datetime")
    r.get(data, ("cases",), "strlist")
    r.get(data, ("participants",), "strlist")
    for i, a in enumerate(r.items(data, ("attendees",))):
        if not isinstance(a, Mapping):
            r.problem(("attendees", i), "E102", "应为表")
            continue
        r.get(a, ("attendees", i, "name"), "str", required=True, default="")
        for key in ("unit", "role", "subject_type", "phone"):
            r.get(a, ("attendees", i, key), "str")
        for key in ("vote", "deliberate", "official", "consent"):
            r.get(a, ("attendees", i, key), "bool")
        r.get(a, ("attendees", i, "attendance"), "str", choices=ATTENDANCE)
    for i, t in enumerate(r.items(data, ("topics",))):
        if not isinstance(t, Mapping):
            r.problem(("topics", i), "E102", "应为表")
            continue
        kp: tuple[str | int, ...] = ("topics", i)
        r.get(t, (*kp, "case"), "str")
        r.get(t, (*kp, "background"), "str")
        r.get(t, (*kp, "resolutions"), "strlist")
        for j, s in enumerate(r.items(t, (*kp, "speeches"))):
            if not isinstance(s, Mapping):
                r.problem((*kp, "speeches", j), "E102", "应为表")
                continue
            for key in ("speaker", "side", "summary"):
                r.get(s, (*kp, "speeches", j, key), "str")
        if "vote" not in t:
            continue
        vote = r.table(t, (*kp, "vote"))
        for key in ("rule", "motion", "csv", "basis"):
            r.get(vote, (*kp, "vote", key), "str")
        for key in ("yes", "no", "abstain", "entitled", "present"):
            r.get(vote, (*kp, "vote", key), "int")
        for key in ("entitled_area", "yes_area", "no_area", "abstain_area"):
            value = r.get(vote, (*kp, "vote", key), "any")
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, str))):
                r.problem(
                    (*kp, "vote", key), "E102", f'应为面积文本（如 "85.30"），实际为 {value!r}'
                )
        for j, b in enumerate(r.items(vote, (*kp, "vote", "ballots"))):
            if not isinstance(b, Mapping):
                r.problem((*kp, "vote", "ballots", j), "E102", "应为表")
                continue
            for key in ("voter", "choice", "household"):
                r.get(b, (*kp, "vote", "ballots", j, key), "str")


def check_file(path: Path, root: Path | None = None) -> list[Problem]:
    return tomlio.check_file(path, root, validate)


def _read(path: Path, root: Path | None) -> dict[str, Any]:
    data, text = tomlio.read(path, root)
    r = Reader(tomlio.display_path(path, root), text)
    validate(data, r)
    if r.problems:
        raise DataError(r.problems[0], hint="修正后运行 xsk check")
    return data


def load(meetings_dir: Path, mid: str, root: Path | None = None) -> dict[str, Any]:
    path = meeting_path(meetings_dir, mid)
    if not path.is_file():
        raise NotFoundError(f"找不到会议 {mid}", hint="用 xsk meetings list 查看会议")
    return _read(path, root)


def upcoming(found: list[dict[str, Any]], now: Any) -> list[dict[str, Any]]:
    """The meetings of ``found`` whose time is after ``now``, soonest first."""
    import datetime as dt

    def when(m: dict[str, Any]) -> dt.datetime | None:
        t = m.get("time")
        if isinstance(t, dt.datetime):
            return t if t.tzinfo else t.replace(tzinfo=now.tzinfo)
        if isinstance(t, dt.date):
            return dt.datetime.combine(t, dt.time(23, 59), now.tzinfo)
        return None

    later = [(w, m) for m in found if (w := when(m)) is not None and w >= now]
    return [m for _, m in sorted(later, key=lambda x: x[0])]


def all_meetings(meetings_dir: Path, root: Path | None = None) -> list[dict[str, Any]]:
    if not meetings_dir.is_dir():
        return []
    return [_read(p, root) for p in sorted(meetings_dir.glob("*.toml"))]


def allocate_id(meetings_dir: Path, year: int, letter: str) -> str:
    pat = re.compile(rf"{year}-{re.escape(letter)}M(\d{{3,}})\.toml")
    used = [int(m.group(1)) for p in meetings_dir.glob("*.toml") if (m := pat.fullmatch(p.name))]
    return f"{year}-{letter}M{max(used, default=0) + 1:03d}"


def save(meetings_dir: Path, mid: str, case_id: str, answer: Mapping[str, Any]) -> Path:
    """Create or update the meeting file with this answer (topic for ``case_id``)."""
    import tomlkit

    path = meeting_path(meetings_dir, mid)
    if path.exists():
        tomlio.read(path)  # a broken file is a DataError, as for every reader
        doc = tomlkit.parse(tomlio.decode(path.read_bytes(), str(path)))
    else:
        doc = tomlkit.document()
        doc.add(tomlkit.comment(f"会议 {mid}（可覆盖多个议题）"))
        doc["id"] = mid
    for key in SCALARS:
        if key in answer:
            value = answer[key]
            doc[key] = value
    cases = list(doc.get("cases", []))
    if case_id not in cases:
        cases.append(case_id)
    doc["cases"] = cases
    if "participants" in answer:
        doc["participants"] = list(
            dict.fromkeys([*doc.get("participants", []), *answer["participants"]])
        )
    if "attendees" in answer:
        existing = {a["name"]: dict(a) for a in doc.get("attendees", [])}
        for a in answer["attendees"]:
            existing[a["name"]] = a
        aot = tomlkit.aot()
        for a in existing.values():
            aot.append(dict(a))
        doc["attendees"] = aot
    topic = {"case": case_id}
    for key in TOPIC_KEYS:
        if key in answer:
            topic[key] = answer[key]
    topics = [dict(t) for t in doc.get("topics", []) if t.get("case") != case_id]
    old = next((dict(t) for t in doc.get("topics", []) if t.get("case") == case_id), {})
    merged = {**old, **topic}
    topics.append(merged)
    aot = tomlkit.aot()
    for t in sorted(topics, key=lambda t: cases.index(t["case"]) if t["case"] in cases else 99):
        aot.append(_clean(t))
    doc["topics"] = aot
    from xsk.store import atomic

    atomic.write_text(path, tomlkit.dumps(doc))
    return path


def _clean(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return value
