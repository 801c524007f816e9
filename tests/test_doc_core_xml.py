"""docProps/core.xml written as text is what lxml serialises for the same values."""

from __future__ import annotations

import datetime as dt

import pytest

from xsk.documents import package as P

STAMP = dt.datetime(2026, 3, 11)


def _values(text: str) -> dict[str, object]:
    return {
        "title": text,
        "subject": f"关于{text}的公示",
        "author": "红桥社区居民委员会",
        "keywords": "2026-001、2026-002",
        "comments": "",
        "last_modified_by": text,
        "revision": 1,
        "created": STAMP,
        "modified": STAMP,
        "category": "公开",
        "identifier": "",
        "language": "zh-CN",
        "content_status": "",
        "version": "",
        "last_printed": STAMP,
    }


@pytest.mark.parametrize(
    "text",
    ["协商结果公示", "", "A&B <c> \"d\" 'e'", "一\n二\t三", "回车\r", "𠀋字", "\ufffd", "]]>"],
)
def test_text_form_is_lxmls(text: str) -> None:
    assert P.core_properties_xml(_values(text)) == P.core_properties_tree_xml(_values(text))


def test_missing_values_are_empty() -> None:
    assert P.core_properties_xml({}) == P.core_properties_tree_xml({})
