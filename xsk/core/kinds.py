"""The kinds of documents xsk produces, their Chinese names, and which ones are public."""

from __future__ import annotations

# the documents of a case or meeting
KIND_NAMES: dict[str, str] = {
    "registration": "议题登记表",
    "notice": "会议通知",
    "signin": "签到表",
    "minutes": "会议纪要",
    "result": "协商结果公示",
    "responsibility": "责任清单",
    "reply": "办结回复单",
    "visit": "回访评议表",
}
# every template, the report included (the core "title" property of each document)
DOC_KINDS: dict[str, str] = {**KIND_NAMES, "report": "统计报告"}
# documents that go on the public board: built only from the masked public view
PUBLIC_KINDS: frozenset[str] = frozenset({"notice", "result"})
