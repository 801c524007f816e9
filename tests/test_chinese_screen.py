"""Every word a facilitator sees is Chinese (issue 17, acceptance 1).

Collects the ``--help`` of every command and subcommand, a set of usage mistakes,
``status --all`` and ``show``, and looks for click/typer's English and for ids shown as labels.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ENGLISH = [
    "Usage:",
    "Options:",
    "Arguments:",
    "Commands:",
    "Show this message",
    "[required]",
    "Did you mean",
    "Possible options",
    "Install completion",
    "Show completion",
    "default:",
    "Error:",
    "Input should be",
    "is not a valid",
    "<str>",
    "<int>",
    "<path>",
]


def _command_paths() -> list[list[str]]:
    import typer.main

    from xsk.cli.app import app

    paths: list[list[str]] = [[]]

    def walk(cmd, prefix):
        for name, sub in sorted(getattr(cmd, "commands", {}).items()):
            paths.append([*prefix, name])
            walk(sub, [*prefix, name])

    walk(typer.main.get_command(app), [])
    return paths


def _english(text: str) -> list[str]:
    return [w for w in ENGLISH if w in text]


def test_every_help_screen_is_chinese(cli):
    paths = _command_paths()
    assert len(paths) > 30
    for path in paths:
        r = cli(*path, "--help")
        assert r.code == 0, (path, r.err)
        text = r.out + r.err
        assert text.startswith("用法：xsk"), (path, text[:80])
        assert not _english(text), (path, _english(text), text)
        assert "显示帮助并退出" in text


def test_completion_options_explained_in_chinese(cli):
    r = cli("--help")
    line = next(x for x in r.out.splitlines() if "--install-completion" in x)
    assert "补全" in line
    assert "选项：" in r.out and "命令：" in r.out


MISTAKES = [
    (("stat",), "您是不是要找"),
    (("status", "--ov"), "可选项"),
    (("show",), "缺少参数"),
    (("calendar", "add", "2026-01-01", "abc"), "应为整数"),
    (("status", "--all", "x", "y"), "多余的参数"),
    (("docs", "build", "--jobs"), "需要一个值"),
    (("docs", "build", "--jobs", "x"), "应为整数"),
    (("roster", "nosuch"), "没有命令"),
    (("event",), "缺少参数"),
    (("calendar", "add", "2026-01-01", "-3"), "负数"),
]


@pytest.mark.parametrize("args,needle", MISTAKES)
def test_usage_mistakes_are_chinese(cli, args, needle):
    r = cli(*args)
    assert r.code == 2, r
    lines = [x for x in r.err.splitlines() if x.strip()]
    assert len(lines) == 1 and needle in lines[0], r.err
    assert not _english(r.err), r.err
    assert not re.search(r"[A-Za-z]{4,} [a-z]{3,}", lines[0].replace("xsk --help", "")), lines[0]


def test_group_without_subcommand_shows_chinese_help(cli):
    r = cli("roster")
    assert r.code == 2
    assert "用法：xsk roster" in r.err and "错误" not in r.err and not _english(r.err)


def test_help_columns_line_up_with_chinese_labels(cli):
    r = cli("event", "--help")
    rows = [x for x in r.out.splitlines() if x.startswith("  ID ") or x.startswith("  事件类型")]
    from xsk.cli.zh import display_width

    starts = []
    for row in rows:
        label = re.match(r"^\s+\S+ <\S+>\s+", row).group(0)
        starts.append(display_width(label))
    assert len(starts) == 2 and starts[0] == starts[1], rows


def _ws_with_case(cli, ws_path: Path) -> str:
    r = cli("-C", str(ws_path), "new", "--title", "三号楼加装电梯", "--no-input")
    assert r.code == 0, r.err
    return r.out.strip().splitlines()[-1]


def test_status_and_show_have_no_english(ws_path, cli):
    cid = _ws_with_case(cli, ws_path)
    for args in (("status", "--all"), ("show", cid)):
        r = cli("-C", str(ws_path), *args)
        assert r.code == 0, r.err
        assert not _english(r.out), r.out


ANSWERS = Path(__file__).resolve().parent / "data" / "dongguan-answers.toml"


def test_a_whole_case_shows_names_not_ids(ws_path, cli):
    """A case walked to its end (meeting, vote, outcomes, visits, ratings): status --all and
    show carry no step, status, rule or event id as a label."""
    from xsk.parts.events import KINDS
    from xsk.procedure import loader
    from xsk.rules.votes import PRESETS

    done = _ws_with_case(cli, ws_path)
    r = cli("-C", str(ws_path), "step", done, "--answers", str(ANSWERS), "--all", "--no-docs")
    assert r.code == 0, r.err
    assert cli("-C", str(ws_path), "event", done, "异议", "--text", "有意见").code == 0
    open_ = _ws_with_case(cli, ws_path)
    ids = {s.id for s in loader.load("dongguan-6", ws_path).steps}
    ids |= {"open", "closed", *KINDS, *PRESETS}
    screens = [cli("-C", str(ws_path), "status", "--all").out]
    screens += [cli("-C", str(ws_path), "show", c).out for c in (done, open_)]
    assert "已办结" in screens[0] and "进行中" in screens[0]
    assert "协商成果" in screens[1] and "会议" in screens[1]
    for text in screens:
        assert not _english(text), text
        words = set(re.findall(r"(?<![\w./-])[a-z][a-z_-]*[a-z](?![\w./-])", text))
        assert not (words & ids), (words & ids, text)


def test_questionary_yes_no_is_chinese_in_the_terminal_prompter():
    """questionary answered a confirm with "Yes"/"No" and asked "(Y/n)"."""
    import questionary.prompts.confirm as confirm

    import xsk.prompts.tty  # noqa: F401  (sets them)

    for text in (confirm.YES, confirm.NO, confirm.YES_OR_NO, confirm.NO_OR_YES):
        assert not any(
            ch.isalpha() and ch.isascii()
            for ch in text.replace("Y", "").replace("y", "").replace("N", "").replace("n", "")
        ), text
    assert (confirm.YES, confirm.NO) == ("是", "否")


def test_a_number_below_an_options_minimum_is_said_in_chinese(cli, ws_path):
    r = cli("-C", str(ws_path), "due", "--within", "-5")
    assert r.code == 2 and "应不小于 0" in r.err and "Input should" not in r.err


def test_control_characters_in_new_are_refused_with_the_character_named(cli, ws_path):
    """A terminal escape pasted into a title later broke the ledger (openpyxl refuses it)."""
    for args, field in (
        (["--title", "a\x1b[31mred\x07bell"], "议题名称"),
        (["--title", "楼道照明", "--description", "坏了\x07"], "问题描述"),
    ):
        r = cli("-C", str(ws_path), "new", *args, "--no-input")
        assert r.code == 2 and field in r.err and "U+00" in r.err and "Traceback" not in r.err
    r = cli("-C", str(ws_path), "new", "--title", "楼道照明", "--description", "一行\n两行\t制表",
            "--no-input")  # fmt: skip
    assert r.code == 0, r.err


def test_a_git_lock_left_by_another_git_is_said_in_chinese():
    """A failed pull (or add) ended with git's "remove the file manually to continue."."""
    from xsk.workspace.git import reason as _git_reason

    lines = [
        "fatal: Unable to create '/w/.git/index.lock': File exists.",
        "Another git process seems to be running in this repository",
        "remove the file manually to continue.",
    ]
    said = _git_reason(lines, 128)
    assert "锁文件 /w/.git/index.lock" in said and "remove" not in said
    assert (
        _git_reason(["fatal: something else"], 1) == "git 返回（英文原文）：fatal: something else"
    )
    assert _git_reason([], 1) == "退出码 1"
    said = _git_reason(["fatal: unable to access 'https://x/': Could not resolve host: x"], 128)
    assert said == "无法连接服务器 x（请检查网络）"
