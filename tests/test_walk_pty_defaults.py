"""The walk in a real pseudo-terminal starts from what ``xsk new`` registered (issue 15):
description, category and level are the defaults, and Enter keeps them."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib

import pytest

pexpect = pytest.importorskip("pexpect")

from test_walk_pty import ESC_ENTER, confirm, spawn  # noqa: E402


def shown(text: str) -> str:
    """A pattern for ``text`` as the terminal draws it (escape codes may sit between characters)."""
    import re

    gap = r"(?:\x1b\[[0-9;?]*[A-Za-z]|\s)*"
    return gap.join(re.escape(ch) for ch in text)


@pytest.mark.slow
def test_walk_offers_the_registered_values_and_enter_keeps_them(tmp_path):
    from xsk.workspace import settings as workspace

    ws = workspace.create(
        tmp_path / "ws",
        community="红桥社区",
        street="潭中街道",
        district="柳南区",
        procedure="dongguan-6",
        facilitator="王丽",
    )
    env = dict(os.environ, XSK_NOW="2026-03-02T09:00")
    r = subprocess.run(
        [sys.executable, "-m", "xsk", "-C", str(ws), "new", "--title", "楼道照明维修",
         "--no-input", "--description", "2号楼楼道灯坏了两周", "--category", "物业管理",
         "--level", "小区"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    cid = r.stdout.split()[-1]

    c = spawn(ws, "2026-03-02T10:00", cid)
    c.expect("问题描述")
    c.expect(shown("2号楼楼道灯坏了两周"))  # the registered description is the prefilled answer
    c.send(ESC_ENTER)
    c.expect("议题类别")
    c.expect(shown("物业管理"))  # offered as the default
    c.send("\r")
    c.expect("涉及位置")
    c.send("\r")
    c.expect("请核对")
    c.expect(shown("物业管理"))
    confirm(c, "确认保存", True)
    confirm(c, "继续办理下一步", False)
    c.expect(pexpect.EOF)
    c.close()
    with (ws / "cases" / cid / "case.toml").open("rb") as fh:
        case = tomllib.load(fh)
    assert case["category"] == "物业管理"
    assert case["description"] == "2号楼楼道灯坏了两周"
    assert case["level"] == "小区"
