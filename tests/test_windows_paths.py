"""Windows paths on Linux: folders with spaces and Chinese, names Windows refuses."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xsk.core import winpath

ANSWERS = Path(__file__).resolve().parent / "data" / "dongguan-answers.toml"

INVALID = [
    "a<b",
    "a>b",
    "a:b",
    'a"b',
    "a/b",
    "a\\b",
    "a|b",
    "a?b",
    "a*b",
    "a\nb",
    "a\tb",
    "a\x01b",
    "居委会.",
    "居委会 ",
    "CON",
    "con",
    "Prn.txt",
    "aux.tar.gz",
    "NUL",
    "nul .txt",
    "COM1",
    "com9.docx",
    "LPT1",
    "lpt9",
    "COM¹",
    "",
]
VALID = ["2026-001", "红桥社区 2026", "王丽 的文件", "console", "COM10", "CONx", "a.b", "LPT0"]


@pytest.mark.parametrize("name", INVALID)
def test_invalid_names_have_a_chinese_reason(name):
    reason = winpath.name_problem(name)
    assert reason and any("\u4e00" <= ch <= "\u9fff" for ch in reason)
    with pytest.raises(Exception) as exc:
        winpath.check_name(name, "文件名")
    assert exc.value.exit_code == 2 and "\n" not in exc.value.format()


@pytest.mark.parametrize("name", VALID)
def test_valid_names_pass(name):
    assert winpath.name_problem(name) is None


@given(st.text(max_size=60), st.integers(min_value=1, max_value=45))
def test_safe_name_is_always_valid(text, limit):
    assert winpath.name_problem(winpath.safe_name(text)) is None
    short = winpath.safe_name(text, max_len=limit)
    assert winpath.name_problem(short) is None and len(short) <= max(limit, 4)


def test_safe_name_keeps_ordinary_unit_names():
    assert winpath.safe_name("红桥物业公司") == "红桥物业公司"
    assert winpath.safe_name("潭中街道 城管/中队") == "潭中街道_城管_中队"
    assert winpath.safe_name("居委会.") == "居委会"
    assert winpath.safe_name("CON") == "_CON"


def test_path_problem_checks_each_component():
    assert winpath.path_problem("cases/2026-001/case.toml") is None
    assert "AUX" in (winpath.path_problem("cases/aux/case.toml") or "")
    assert winpath.path_problem("meetings\\a:b.toml")


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True).stdout


def test_workspace_under_chinese_path_with_spaces(cli, tmp_path):
    root = tmp_path / "王丽 的文件" / "桌面" / "红桥社区 2026"
    r = cli("init", str(root), "--no-input", "--community", "红桥社区", "--street", "红桥街道")
    assert r.code == 0, r.err
    r = cli("-C", str(root), "new", "--title", "楼道 照明", "--no-input", "--date", "2026-03-02")
    assert r.code == 0, r.err
    cid = r.out.split()[-1]
    r = cli("-C", str(root), "step", cid, "--answers", str(ANSWERS), "--all")
    assert r.code == 0, r.err
    r = cli("-C", str(root), "templates", "export", "minutes")
    assert r.code == 0, r.err
    r = cli("-C", str(root), "docs", "build", "--force", "--jobs", "2")
    assert r.code == 0, r.err
    built = list((root / "out").rglob("*.docx"))
    assert len(built) >= 5 and any("会议纪要" in p.name for p in built)
    assert all(winpath.path_problem(p.relative_to(root).as_posix()) is None for p in built)
    assert _git(root, "status", "--porcelain") == ""


def test_procedure_copy_refuses_windows_device_name(ws_path, cli):
    for bad in ("con", "nul", "com1", "lpt9"):
        r = cli("-C", str(ws_path), "procedures", "copy", "dongguan-6", bad)
        assert r.code == 2 and "保留设备名" in r.err, r.err
        assert not (ws_path / "templates" / "procedures" / f"{bad}.toml").exists()


@pytest.mark.parametrize("name", ["a:b", "桌面.", "CON", "aux.docs"])
def test_init_refuses_a_folder_windows_cannot_hold(cli, tmp_path, name):
    r = cli("init", str(tmp_path / name / "ws"), "--no-input", "--community", "红桥社区")
    assert r.code == 2 and "文件夹名" in r.err and "Traceback" not in r.err, r.err
    assert not (tmp_path / name).exists()


def test_case_id_that_is_a_device_name_is_refused(ws_path, cli):
    r = cli("-C", str(ws_path), "show", "CON")
    assert r.code == 2 and "格式不对" in r.err


def test_unit_name_with_trailing_dot_gives_a_valid_output_name(ws_path, cli, tmp_path):
    from test_steps_cli import ATTENDEES, MEETING, NEW_MEETING, new

    cid = new(cli, ws_path, "楼道照明维修")
    f = tmp_path / "a.toml"
    f.write_text(
        MEETING.format(
            title="楼道照明维修",
            unit="红桥物业: 公司.",
            deadline="2026-12-30",
            meeting=NEW_MEETING,
            attendees=ATTENDEES,
        ),
        "utf-8",
    )
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(f), "--all")
    assert r.code == 0, r.err
    names = [p.name for p in (ws_path / "out" / cid).glob("*责任*.docx")]
    assert names == [f"{cid}-责任清单-红桥物业_公司.docx"], names


def test_commit_refuses_a_file_windows_cannot_check_out(ws):
    from xsk.workspace import git

    bad = ws.root / "meetings" / "2026-M001?.toml"
    bad.parent.mkdir(exist_ok=True)
    bad.write_text('id = "2026-M001"\n', "utf-8")
    head = _git(ws.root, "rev-parse", "HEAD")
    with pytest.raises(Exception) as exc:
        git.commit(ws.root, [bad], "测试")
    assert exc.value.exit_code == 2 and "不能提交" in exc.value.format()
    assert _git(ws.root, "rev-parse", "HEAD") == head
    assert _git(ws.root, "diff", "--cached", "--name-only") == ""
    folder = ws.root / "cases" / "aux"
    folder.mkdir(parents=True)
    (folder / "case.toml").write_text('id = "aux"\n', "utf-8")
    with pytest.raises(Exception) as exc:
        git.commit(ws.root, [folder], "测试")
    assert "AUX" in exc.value.format()
    assert _git(ws.root, "rev-parse", "HEAD") == head
