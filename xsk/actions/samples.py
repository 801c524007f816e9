"""``xsk demo``: build a workspace from the bundled sample cases by replaying them.

Each sample in ``sample-cases/<name>/`` has ``case.toml`` (how the case was registered) and
``answers.toml`` (one table per step, each with ``_meta.date``). The demo registers the cases and
runs their steps through the real engine in date order across all cases, one commit per step,
so the git log reads like the community's real history, and a multi-issue meeting is joined by
the cases that were discussed together. Then it builds every document, the report and ledger.
"""

from __future__ import annotations

import datetime as dt
import heapq
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xsk.actions import workflow
from xsk.casework import steps
from xsk.casework.answers import AnswersFile, meta_time, split_meta
from xsk.core.errors import AnswerError, UsageError
from xsk.prompts.base import NoInputPrompter
from xsk.store import atomic
from xsk.workspace import cases as store
from xsk.workspace import settings as wsmod

TZ = dt.timezone(dt.timedelta(hours=8))


def samples_dir() -> Path:
    pkg = Path(__file__).resolve().parents[1]  # the xsk package
    for candidate in (pkg / "_samples", pkg.parent / "sample-cases"):
        if candidate.is_dir():
            return candidate
    raise UsageError("找不到内置示例议题（sample-cases）")


@dataclass
class Sample:
    name: str
    new: dict[str, Any]
    answers: AnswersFile
    case_id: str = ""


def load_samples(folder: Path) -> list[Sample]:
    out = []
    for d in sorted(p for p in folder.iterdir() if (p / "case.toml").is_file()):
        data = tomllib.loads((d / "case.toml").read_text("utf-8"))
        out.append(Sample(d.name, data["new"], AnswersFile.read(d / "answers.toml")))
    return out


def _at(date: Any, hour: int = 9) -> dt.datetime:
    if isinstance(date, dt.datetime):
        return date if date.tzinfo else date.replace(tzinfo=TZ)
    return dt.datetime(date.year, date.month, date.day, hour, 0, tzinfo=TZ)


def _peek_time(sample: Sample, step_id: str) -> dt.datetime | None:
    if not sample.answers.has(step_id):
        return None
    value = sample.answers.data[step_id]
    n = sample.answers.used.get(step_id, 0)
    table = value[n] if isinstance(value, list) else value
    meta = table.get("_meta", {}) if isinstance(table, dict) else {}
    if "date" not in meta:
        raise UsageError(f"示例 {sample.name}：步骤 {step_id} 缺少 _meta.date")
    return meta_time(meta, dt.datetime.now(TZ))


def build(
    target: Path,
    *,
    folder: Path | None = None,
    render: bool = True,
    say: Callable[[str], None] = lambda s: None,
) -> wsmod.Workspace:
    folder = folder or samples_dir()
    marker = target / wsmod.STATE_DIR / "demo"
    if (target / wsmod.SETTINGS_FILE).exists():
        if not marker.exists():
            raise UsageError(f"{target} 已是一个工作区，演示不会覆盖它", hint="请换一个目录")
        import shutil

        shutil.rmtree(target)  # a previous demo: rebuild it from scratch
    elif target.exists() and any(target.iterdir()):
        raise UsageError(f"{target} 不是空目录，演示不会写入", hint="请换一个目录或先清空")
    setup = tomllib.loads((folder / "workspace.toml").read_text("utf-8"))
    info = setup["workspace"]
    first = min(
        _at(tomllib.loads((p / "case.toml").read_text("utf-8"))["new"]["date"])
        for p in folder.iterdir()
        if (p / "case.toml").is_file()
    )
    root = wsmod.create(
        target,
        community=info["community"],
        street=info.get("street", ""),
        district=info.get("district", ""),
        procedure=info.get("procedure", "dongguan-6"),
        facilitator=info.get("facilitator", ""),
        date=(first - dt.timedelta(days=7)).isoformat(),
        own_repo=True,
    )
    ws = wsmod.load(root)
    atomic.write_text(root / wsmod.STATE_DIR / "demo", "xsk demo workspace\n")
    _apply_setup(ws, folder, setup, first - dt.timedelta(days=7))
    ws = wsmod.load(root)
    samples = load_samples(folder)
    queue: list[tuple[dt.datetime, int, str, Sample]] = []
    for i, s in enumerate(samples):
        heapq.heappush(queue, (_at(s.new["date"]), i, "new", s))
    seq = len(samples)
    while queue:
        when, _, action, s = heapq.heappop(queue)
        if action == "new":
            n = s.new
            case = workflow.new_case(
                ws,
                NoInputPrompter(),
                title=n["title"],
                procedure=n.get("procedure"),
                category=n.get("category", ""),
                level=n.get("level", "社区"),
                channel=n.get("channel", "居民反映"),
                proposer=n.get("proposer"),
                phone=n.get("phone"),
                description=n.get("description"),
                received_by=n.get("received_by", info.get("facilitator", "")),
                created=when.date(),
                when=when,
            )
            s.case_id = case.id
            say(f"登记议题 {case.id}：{case.title}")
        else:
            case = store.load_case(ws, s.case_id)
            raw, index = s.answers.take(case.step)
            raw, _meta = split_meta(raw)

            def locate(step_id: str, q: str, s: Sample = s, index: int = index) -> int:
                return s.answers.line(step_id, q.split(".")[0], index)

            try:
                steps.run(
                    ws,
                    s.case_id,
                    raw,
                    when=when,
                    base_dir=folder / s.name,
                    locate=locate,
                )
            except AnswerError as exc:
                raise AnswerError(f"示例 {s.name}/answers.toml:{exc.message}") from None
        case = store.load_case(ws, s.case_id)
        if case.is_open:
            nxt = _peek_time(s, case.step)
            if nxt is not None:
                seq += 1
                heapq.heappush(queue, (nxt, seq, "step", s))
    return ws


def _apply_setup(
    ws: wsmod.Workspace, folder: Path, setup: dict[str, Any], when: dt.datetime
) -> None:
    """Fill the demo's xsk.toml values and roster from sample-cases/workspace.toml."""
    from xsk.store import tomlio

    changes = setup.get("settings", {})

    def mutate(doc: Any) -> None:
        for section, values in changes.items():
            for key, value in values.items():
                doc[section][key] = value

    tomlio.update(ws.root / wsmod.SETTINGS_FILE, mutate)
    roster = folder / "roster.toml"
    paths = [ws.root / wsmod.SETTINGS_FILE]
    if roster.exists():
        atomic.write_bytes(ws.root / wsmod.ROSTER_FILE, roster.read_bytes())
        paths.append(ws.root / wsmod.ROSTER_FILE)
    ws.commit(paths, "工作区设置：社区信息与参与主体名册", date=when.isoformat())
