"""Generate a large synthetic workspace: N cases with outcomes, events and meetings.

Files are written directly (``tomli_w``, no per-file fsync) and committed in one git commit, so
10,000 cases take seconds. The data is deterministic for a given ``--seed`` and validates with
``xsk check``.

    python bench/gen_workspace.py /tmp/ws10k --cases 10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tomli_w

from xsk.workspace import git as vcs
from xsk.workspace import settings as wsmod

TZ = dt.timezone(dt.timedelta(hours=8))
CATEGORIES = (
    "公共设施建设与维护",
    "环境卫生整治",
    "物业管理",
    "老旧小区改造",
    "加装电梯",
    "停车管理",
    "社会治安",
    "矛盾纠纷化解",
    "养老服务",
    "民生实事项目",
)
CHANNELS = ("居民反映", "入户走访", "网格员发现", "楼长/单元长反映", "微信群", "热线电话")
LEVELS = ("网格", "小区", "社区", "社区", "社区", "街道")
UNITS = (
    "社区居委会",
    "某某物业服务有限公司",
    "业主委员会",
    "街道城管办",
    "街道综治中心",
    "区住建局",
    "区供电局",
    "区市政管理处",
    "社区网格工作站",
    "辖区派出所",
    "区环卫所",
    "区民政局",
)
FORMS = ("议事会", "座谈会", "恳谈会", "说事会", "面对面协商", "线上协商")
TITLES = (
    "{b}号楼加装电梯",
    "{b}号楼下水道堵塞",
    "小区东门建筑垃圾清运",
    "{b}号楼前路灯维修",
    "快递柜数量不足",
    "{b}号楼楼道堆物清理",
    "小区停车位划线",
    "变压器移交供电部门",
    "广场舞噪音扰民",
    "{b}号楼外墙脱落",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"
OPEN_STEPS = ("announce", "meet", "confirm", "publish", "decide", "supervise", "evaluate")
START = dt.date(2025, 1, 2)
SPAN_DAYS = 640


def _name(rnd: random.Random) -> str:
    return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.randint(1, 2)))


def _when(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)


def _write(path: Path, data: dict[str, Any]) -> None:
    with open(path, "wb") as fh:
        fh.write(tomli_w.dumps(data).encode("utf-8"))


def generate(
    target: Path,
    n_cases: int,
    *,
    seed: int = 7,
    closed_share: float = 0.9,
    commit: bool = True,
    per_meeting: int = 5,
) -> Path:
    """Create a workspace in ``target`` with ``n_cases`` synthetic cases; returns its root."""
    rnd = random.Random(seed)
    root = wsmod.create(
        target,
        community="大数据社区",
        street="示范街道",
        district="示范区",
        procedure="dongguan-6",
        facilitator="王丽",
        date="2025-01-01T09:00:00+08:00",
    )
    cases_dir = root / wsmod.CASES_DIR
    meetings_dir = root / wsmod.MEETINGS_DIR
    meetings_dir.mkdir(exist_ok=True)
    created_days = sorted(
        START + dt.timedelta(days=rnd.randrange(SPAN_DAYS)) for _ in range(n_cases)
    )
    meeting: dict[str, Any] | None = None
    n_meetings = 0
    for i, created in enumerate(created_days, start=1):
        cid = f"{created.year}-{i:03d}"
        folder = cases_dir / cid
        (folder / "events").mkdir(parents=True)
        closed = rnd.random() < closed_share
        out_of_scope = closed and rnd.random() < 0.04
        escalated = not out_of_scope and rnd.random() < 0.06
        voted = not out_of_scope and rnd.random() < 0.3
        level = rnd.choice(LEVELS)
        if escalated and level != "区":
            level = "街道"
        history = [{"step": "create", "done": _when(created), "action": "create", "by": "王丽"}]
        answers: dict[str, Any] = {
            "collect": {"description": "居民反映的问题", "category": rnd.choice(CATEGORIES)}
        }
        case: dict[str, Any] = {
            "id": cid,
            "uid": f"{rnd.getrandbits(64):016x}",
            "title": rnd.choice(TITLES).format(b=rnd.randint(1, 30)),
            "procedure": "dongguan-6",
            "step": "evaluate",
            "status": "closed" if closed else "open",
            "level": level,
            "category": answers["collect"]["category"],
            "created": created,
        }
        screen_day = created + dt.timedelta(days=rnd.randint(1, 5))
        answers["screen"] = {"in_scope": not out_of_scope, "form": rnd.choice(FORMS)}
        history.append(
            {
                "step": "screen",
                "done": _when(screen_day),
                "action": "escalate" if escalated else "close" if out_of_scope else "next",
                "by": "王丽",
            }
        )
        items: list[dict[str, Any]] = []
        events: list[tuple[str, dict[str, Any]]] = []
        if out_of_scope:
            case["step"] = "screen"
            case["closed"] = screen_day
            case["result"] = "out_of_scope"
            case["close_reason"] = "属于私人纠纷，已引导通过调解解决"
        else:
            if meeting is None or len(meeting["cases"]) >= per_meeting:
                if meeting is not None:
                    _write(meetings_dir / f"{meeting['id']}.toml", meeting)
                n_meetings += 1
                meeting = _new_meeting(rnd, n_meetings, screen_day)
            mid = meeting["id"]
            meeting["cases"].append(cid)
            topic: dict[str, Any] = {"case": cid, "resolutions": ["同意按方案实施"]}
            if voted and rnd.random() < 0.7:
                yes = rnd.randint(8, 14)
                topic["vote"] = {"rule": "majority", "yes": yes, "no": 1, "abstain": 0}
            meeting["topics"].append(topic)
            answers["announce"] = {"meeting": mid}
            answers["meet"] = {"meeting": mid}
            meet_day = meeting["time"].date()
            history.append({"step": "meet", "done": _when(meet_day, 11), "action": "next"})
            if voted and "vote" not in topic:
                history.append({"step": "confirm", "done": _when(meet_day, 12), "action": "vote"})
            for no in range(1, rnd.randint(1, 3) + 1):
                deadline = meet_day + dt.timedelta(days=rnd.randint(10, 60))
                item: dict[str, Any] = {
                    "no": no,
                    "item": f"第{no}项整改措施",
                    "unit": rnd.choice(UNITS),
                    "deadline": deadline,
                    "status": "待办",
                    "supervisor": "居务监督委员会",
                    "meeting": mid,
                }
                if closed:
                    done = deadline + dt.timedelta(days=rnd.randint(-20, 6))
                    item.update(status="已办结", done=max(done, meet_day), progress="已完成")
                    events.append(
                        ("progress", {"date": item["done"], "no": no, "status": "已办结"})
                    )
                elif rnd.random() < 0.5:
                    item.update(status="办理中", progress="正在办理")
                items.append(item)
            if escalated:
                events.append(
                    (
                        "escalation",
                        {
                            "date": screen_day,
                            "from_level": "社区",
                            "to_level": level,
                            "to": "示范街道",
                            "reason": "超出社区职权",
                        },
                    )
                )
            if closed:
                last = max(it["done"] for it in items)
                visit_day = last + dt.timedelta(days=rnd.randint(1, 7))
                sat = rnd.choices(("满意", "基本满意", "不满意"), (85, 12, 3))[0]
                events.append(
                    (
                        "visit",
                        {
                            "date": visit_day,
                            "visitor": "王丽",
                            "method": "电话回访",
                            "satisfaction": sat,
                        },
                    )
                )
                if rnd.random() < 0.7:
                    events.append(
                        (
                            "rating",
                            {
                                "date": visit_day,
                                "unit": items[0]["unit"],
                                "score": rnd.choices((5, 4, 3, 2, 1), (60, 25, 10, 3, 2))[0],
                                "by": "居民代表",
                            },
                        )
                    )
                case["closed"] = visit_day
                case["result"] = "resolved"
                history.append({"step": "evaluate", "done": _when(visit_day), "action": "close"})
            else:
                case["step"] = rnd.choice(OPEN_STEPS)
                pending = [it["deadline"] for it in items if it["status"] != "已办结"]
                if pending:
                    case["due"] = min(pending)
        case["source"] = {"channel": rnd.choice(CHANNELS), "date": created, "received_by": "王丽"}
        case["proposers"] = [
            {"name": _name(rnd), "phone": f"13{rnd.randint(100000000, 999999999)}"}
        ]
        case["answers"] = answers
        case["history"] = history
        _write(folder / "case.toml", case)
        if items:
            _write(folder / "outcomes.toml", {"items": items})
        for j, (kind, data) in enumerate(events):
            stamp = data["date"].strftime("%Y%m%d") + f"T0900{j:02d}"
            _write(folder / "events" / f"{stamp}-{kind}-{i:06x}.toml", {"kind": kind, **data})
    if meeting is not None:
        _write(meetings_dir / f"{meeting['id']}.toml", meeting)
    if commit:
        vcs.commit(
            root,
            [cases_dir, meetings_dir],
            f"生成测试数据：{n_cases} 个议题",
            fallback_name="王丽",
            date="2026-11-01T09:00:00+08:00",
        )
    return root


def _new_meeting(rnd: random.Random, n: int, day: dt.date) -> dict[str, Any]:
    meet_day = day + dt.timedelta(days=rnd.randint(3, 10))
    attendees = []
    names: set[str] = set()
    for _ in range(rnd.randint(8, 20)):
        name = _name(rnd)
        if name in names:
            continue
        names.add(name)
        att = rnd.choices(("出席", "列席", "请假", "缺席"), (80, 10, 7, 3))[0]
        attendees.append(
            {
                "name": name,
                "unit": "",
                "role": "居民代表",
                "subject_type": "村（居）民代表",
                "attendance": att,
                "deliberate": True,
                "vote": att == "出席",
            }
        )
    return {
        "id": f"{meet_day.year}-M{n:03d}",
        "title": "协商议事会",
        "form": rnd.choice(FORMS),
        "time": dt.datetime(meet_day.year, meet_day.month, meet_day.day, 14, 30),
        "venue": "社区议事厅",
        "host": "王丽",
        "recorder": "李娜",
        "cases": [],
        "attendees": attendees,
        "topics": [],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成大规模测试工作区")
    parser.add_argument("target", type=Path, help="工作区目录（不能已存在工作区）")
    parser.add_argument("--cases", type=int, default=1000, help="议题数量")
    parser.add_argument("--seed", type=int, default=7, help="随机种子")
    parser.add_argument("--no-commit", action="store_true", help="不提交到 git")
    args = parser.parse_args(argv)
    os.environ.setdefault("GIT_AUTHOR_NAME", "xsk-bench")
    os.environ.setdefault("GIT_AUTHOR_EMAIL", "bench@xsk.local")
    t0 = time.perf_counter()
    root = generate(args.target, args.cases, seed=args.seed, commit=not args.no_commit)
    print(f"已生成 {args.cases} 个议题：{root}（{time.perf_counter() - t0:.1f} 秒）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
