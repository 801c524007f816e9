"""Lists of many cases (``status``, ``find``, text and JSON) show phone and ID numbers in a
title masked, as ``show`` does; ``find`` still finds a case by the number (reviewer, stop 15:
both printed 13800138000 and a whole ID number)."""

from __future__ import annotations

import json

import pytest

TITLE = "楼道堆物 联系人电话13800138000 身份证110101199003071234"


@pytest.mark.parametrize("args", [("status",), ("status", "--json"), ("find", "13800138000"),
                                  ("find", "13800138000", "--json")])  # fmt: skip
def test_lists_mask_numbers_in_titles(ws_path, cli, args):
    assert cli("-C", str(ws_path), "new", "--title", TITLE, "--no-input").code == 0
    assert (
        cli("-C", str(ws_path), "new", "--title", "2026-001 复查 8,123.40 元", "--no-input").code
        == 0
    )
    r = cli("-C", str(ws_path), *args)
    assert r.code == 0, r.err
    assert "13800138000" not in r.out and "110101199003071234" not in r.out
    assert "138****8000" in r.out and "110101********1234" in r.out
    if "find" not in args:
        assert "2026-001 复查 8,123.40 元" in r.out  # case numbers and amounts are no phones
    if "--json" in args:
        assert any("138****8000" in row["title"] for row in json.loads(r.out))


def test_mask_numbers_leaves_ordinary_titles_alone():
    from xsk.rules.privacy import mask_numbers

    for text in ["三号楼加装电梯", "2026年3月5日 12号楼", "面积 1,234.56 平方米", ""]:
        assert mask_numbers(text) == text
    assert mask_numbers("电话138-1234-5678") == "电话138****5678"
