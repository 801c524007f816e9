"""``xsk check`` reads every file a person may edit (issue 13), with the validation the
commands use: a hand-made mistake in outcomes.toml, an event or a meeting gives exit 1 and
``path:line: 代码 说明``; the commands that read that file give the same line and exit 2,
never 内部错误 (exit 70)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, run_xsk

ANSWERS = ROOT / "sample-cases" / "01-transformer" / "answers.toml"
CID = "2026-001"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    from xsk.workspace import settings

    root = settings.create(tmp_path_factory.mktemp("chk") / "ws", community="红桥社区",
                           street="潭中街道", district="柳南区", procedure="dongguan-6",
                           facilitator="王丽")  # fmt: skip
    r = run_xsk("-C", str(root), "new", "--title", "变压器", "--date", "2026-03-02", "--no-input")
    assert r.returncode == 0, r.stderr
    r = run_xsk("-C", str(root), "step", CID, "--answers", str(ANSWERS), "--all", "--no-docs")
    assert r.returncode == 0, r.stderr
    return root


@pytest.fixture
def ws(base: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(base, tmp_path / "ws", symlinks=True))


def event_file(ws: Path, kind: str) -> Path:
    return next((ws / "cases" / CID / "events").glob(f"*-{kind}-*.toml"))


def sub(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


OUT = f"cases/{CID}/outcomes.toml"
MEET = "meetings/2026-M001.toml"

# (label, file relative to the workspace or an event kind, edit, expected code in the line)
MISTAKES = [
    ("status", OUT, ('status = "', 'status = "完成了'), "E104"),
    ("bad date", OUT, ("deadline = 2026-", "deadline = 2026-05-32\nx = 2026-"), "E003"),
    ("no list", OUT, ("no = 1", "no = [1]"), "E102"),
    ("satisfaction", "visit", ('satisfaction = "满意"', 'satisfaction = "还行"'), "E104"),
    ("event date", "visit", ("date = 2026-", "date = []\nxdate = 2026-"), "E102"),
    ("attendance", MEET, ('attendance = "', 'attendance = "迟到'), "E104"),
    ("participants", MEET, ("participants = [", 'participants = [["x"]]\nxp = ['), "E102"),
    ("unit table", MEET, ('\nunit = "', '\nunit = {x=1}\nxunit = "'), "E102"),
    ("rule table", MEET, ("rule = ", "rule = {a = 1}\nxrule = "), "E102"),
    ("time text", MEET, ("time = 20", 'time = "下午三点"\nxtime = 20'), "E102"),
]


def target(ws: Path, where: str) -> Path:
    return event_file(ws, where) if "/" not in where else ws / where


@pytest.mark.parametrize("label, where, edit, code", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_check_names_the_file_and_line(ws, label, where, edit, code):
    path = target(ws, where)
    sub(path, *edit)
    rel = path.relative_to(ws).as_posix()
    r = run_xsk("-C", str(ws), "check")
    assert r.returncode == 1, r.stdout + r.stderr
    lines = [x for x in r.stdout.splitlines() if x.startswith(f"{rel}:")]
    assert lines and re.match(rf"{re.escape(rel)}:\d+: {code} ", lines[0]), r.stdout
    commands = [["report", "--json"], ["due"], ["show", CID]]
    if where == MEET:  # documents read the meeting (a full build is slow: only for these)
        commands.append(["docs", "build", CID, "--kind", "minutes"])
    for args in commands:
        r2 = run_xsk("-C", str(ws), *args)
        assert r2.returncode in (0, 2), (args, r2.stderr)
        assert "内部错误" not in r2.stderr and "Traceback" not in r2.stderr, (args, r2.stderr)
        if r2.returncode == 2 and rel in r2.stderr:
            assert lines[0] in r2.stderr, (args, r2.stderr, lines[0])


def test_bom_is_accepted_and_gbk_named(ws):
    for rel in (OUT, MEET, "xsk.toml"):
        path = ws / rel
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    r = run_xsk("-C", str(ws), "check")
    assert r.returncode == 0, r.stdout + r.stderr
    assert run_xsk("-C", str(ws), "report", "--json").returncode == 0
    path = ws / OUT
    path.write_bytes(path.read_bytes()[3:].decode("utf-8").encode("gbk"))
    r = run_xsk("-C", str(ws), "check")
    assert r.returncode == 1
    assert (
        f"{OUT}:" in r.stdout and "文件不是 UTF-8 编码（可能是用记事本/WPS 另存为 GBK）" in r.stdout
    )
    r = run_xsk("-C", str(ws), "report", "--json")
    assert r.returncode == 2 and "文件不是 UTF-8 编码" in r.stderr and OUT in r.stderr, r.stderr


@pytest.mark.parametrize("rel", [OUT, MEET, "xsk.toml", f"cases/{CID}/case.toml"])
def test_deep_nesting_and_nul_are_exit_2_not_70(ws, rel):
    path = ws / rel
    original = path.read_bytes()
    for junk in (b"\nx = " + b"[" * 500 + b"]" * 500 + b"\n", b"\nx = 1\x00\n"):
        path.write_bytes(original + junk)
        r = run_xsk("-C", str(ws), "check")
        assert r.returncode == 1, r.stdout + r.stderr
        assert f"{rel}:" in r.stdout, r.stdout
        for args in (["status"], ["report", "--json"], ["due"]):
            r2 = run_xsk("-C", str(ws), *args)
            assert r2.returncode in (0, 2), (args, r2.stderr)
            assert "内部错误" not in r2.stderr, (args, r2.stderr)


def test_ballots_csv_gbk_and_short_row(ws, tmp_path):
    csv = ws / "meetings" / "ballots.csv"
    csv.write_bytes("单元,业主,面积,意见\n1-101,张三,85.30,同意\n".encode("gbk"))
    r = run_xsk("-C", str(ws), "check")
    assert r.returncode == 1 and "meetings/ballots.csv:" in r.stdout, r.stdout
    assert "文件不是 UTF-8 编码" in r.stdout
    csv.write_text("单元,业主,面积,意见\n1-101\n", "utf-8")
    r = run_xsk("-C", str(ws), "check")
    assert "内部错误" not in r.stderr and r.returncode in (0, 1), r.stderr
    subprocess.run(["git", "status"], cwd=ws, check=True, capture_output=True)
