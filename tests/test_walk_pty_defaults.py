"""The walk in a real pseudo-terminal starts from what ``xsk new`` registered (issue 15):
description, category and level are the defaults, and Enter keeps them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib

import pytest

pexpect = pytest.importorskip("pexpect")

from test_walk_pty import ESC_ENTER, answer_key, answer_text, confirm, default, spawn  # noqa: E402


def shown(text: str) -> str:
    """A pattern for ``text`` as the terminal draws it (escape codes may sit between characters)."""

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


POINTED = re.compile(r"»(?:\x1b\[[0-9;?]*[A-Za-z]|\s)*\d\)\s*([^\x1b\r\n]+)")  # the default


@pytest.mark.slow
def test_screening_rule_is_the_meeting_default_and_enter_keeps_it(tmp_path):
    """双三分之二 chosen at screening (业主共同决定·重大事项) is where the meeting's vote-rule
    list starts, and Enter there stores it on the meeting (the scripted version:
    tests/test_walk_defaults.py)."""
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
        [sys.executable, "-m", "xsk", "-C", str(ws), "new", "--title", "3号楼加装电梯",
         "--no-input", "--description", "3号楼居民申请加装电梯", "--category", "物业管理",
         "--level", "小区"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    cid = r.stdout.split()[-1]

    c = spawn(ws, "2026-03-02T10:00", cid)
    c.expect("问题描述")
    c.send(ESC_ENTER)
    default(c, "议题类别")
    answer_text(c, "涉及位置", "3号楼")
    confirm(c, "确认保存", True)
    confirm(c, "继续办理下一步", True)
    # -- screen: the owners' major-matter rule
    c.expect("当前步骤：确定协商议题")
    confirm(c, "是否纳入协商", True)
    default(c, "协商层级")
    confirm(c, "提请街道", False)
    answer_key(c, "协商形式", "1")
    c.expect("参与协商的主体")
    c.send(" \r")
    c.expect("决定规则")
    c.expect(POINTED)
    assert c.match.group(1).strip() == "过半数"  # nothing known yet: the usual default
    c.send("7\r")  # 业主共同决定·重大事项
    confirm(c, "确认保存", True)
    confirm(c, "继续办理下一步", True)
    # -- announce
    c.expect("当前步骤：公布协商信息")
    default(c, "会议名称")
    default(c, "会议形式")
    c.expect("会议时间")
    c.send("\x15")
    c.send("2026-03-09 14:30\r")
    answer_text(c, "会议地点", "")
    answer_text(c, "主持人", "")
    default(c, "居民报名方式")
    confirm(c, "确认保存", True)
    confirm(c, "继续办理下一步", True)
    # -- meet: the vote-rule list starts at the screening's rule
    c.expect("当前步骤：组织开展协商")
    answer_text(c, "记录人", "")
    confirm(c, "位参会人员", True)
    answer_text(c, "姓名", "赵强")
    answer_text(c, "单位", "业委会")
    default(c, "出席情况")
    confirm(c, "是否有表决权", True)
    confirm(c, "位参会人员", False)
    confirm(c, "加入名册", False)
    c.expect("议题背景")
    c.send(ESC_ENTER)
    confirm(c, "条发言", False)
    confirm(c, "是否进行表决", True)
    c.expect("表决规则")
    c.expect(POINTED)
    assert c.match.group(1).strip() == "业主共同决定·重大事项"
    c.send("\r")  # Enter keeps it
    default(c, "表决事项")
    answer_text(c, "业主总人数", "100")
    answer_text(c, "专有部分总面积", "10000")
    default(c, "计票方式")  # 只录合计
    answer_text(c, "同意人数", "80")
    answer_text(c, "同意面积", "8000")
    for prompt in ("反对人数", "反对面积", "弃权人数", "弃权面积"):
        default(c, prompt)
    confirm(c, "协商意见", True)
    answer_text(c, "协商意见", "同意加装电梯")
    confirm(c, "协商意见", False)
    confirm(c, "确认保存", True)
    confirm(c, "继续办理下一步", False)
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 0
    with next((ws / "meetings").glob("*.toml")).open("rb") as fh:
        meeting = tomllib.load(fh)
    assert [t["vote"]["rule"] for t in meeting["topics"]] == ["owners-major"]
    with (ws / "cases" / cid / "case.toml").open("rb") as fh:
        assert tomllib.load(fh)["answers"]["screen"]["rule"] == "owners-major"
