"""``xsk tally``: recompute a case's vote and explain it in Chinese."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from xsk.core.errors import NotFoundError
from xsk.documents.plan import gather
from xsk.parts import meetings
from xsk.workspace.settings import Workspace, vote_rules


def tally(ws: Workspace, cid: str, meeting_id: str | None = None) -> dict[str, Any]:
    data = gather(ws, cid)
    candidates = [meeting_id] if meeting_id else list(reversed(data.meeting_ids))
    rules = vote_rules(ws)
    for mid in candidates:
        m = meetings.load(ws.meetings_dir, mid, ws.root)
        topic = next((t for t in m.get("topics", []) if t.get("case") == cid), None)
        if topic is None:
            if meeting_id:
                raise NotFoundError(f"会议 {mid} 没有讨论议题 {cid}")
            continue
        vote = topic.get("vote")
        if not isinstance(vote, Mapping):
            if meeting_id:
                raise NotFoundError(f"会议 {mid} 对议题 {cid} 没有表决记录")
            continue
        try:
            result = meetings.tally(vote, list(m.get("attendees", [])), rules)
        except KeyError as exc:
            raise NotFoundError(f"会议 {mid} 的表决规则 {exc} 不存在") from None
        except ValueError as exc:
            raise NotFoundError(f"会议 {mid} 的表决数据有误：{exc}") from None
        out = {"case": cid, "meeting": mid, "motion": vote.get("motion", ""), **result.to_dict()}
        out["lines"] = list(result.lines)
        return out
    raise NotFoundError(f"议题 {cid} 没有表决记录", hint="表决在会议记录的 vote 表中")
