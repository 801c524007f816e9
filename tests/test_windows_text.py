"""Windows text on Linux: a ``core.autocrlf=true`` clone (CRLF work tree) and a GBK console."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_xsk

ANSWERS = ROOT / "sample-cases" / "01-transformer" / "answers.toml"


def git(root: Path, *args: str) -> str:
    r = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    return r.stdout


def toml_files(ws: Path) -> dict[str, bytes]:
    names = [n for n in git(ws, "ls-files", "-z").split("\0") if n.endswith(".toml")]
    return {n: (ws / n).read_bytes() for n in names}


def assert_crlf_clean(ws: Path) -> None:
    assert git(ws, "status", "--porcelain") == ""
    files = toml_files(ws)
    assert files
    for name, data in files.items():
        assert b"\n" not in data.replace(b"\r\n", b""), f"{name} has a bare LF"
    for name in files:  # what git stores is LF, as from a Linux clone
        assert b"\r" not in git(ws, "show", f"HEAD:{name}").encode("utf-8"), name


@pytest.fixture
def crlf(tmp_path, cli):
    """(a, b): a is an LF workspace with one case, b a clone of it with core.autocrlf=true."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    a = tmp_path / "a"
    r = cli("init", str(a), "--no-input", "--community", "红桥社区", "--facilitator", "王丽")
    assert r.code == 0, r.err
    git(a, "remote", "add", "origin", str(remote))
    r = cli("-C", str(a), "new", "--title", "甲一", "--no-input", "--date", "2026-03-02")
    assert r.code == 0, r.err
    assert cli("-C", str(a), "sync").code == 0
    b = tmp_path / "b"
    git(tmp_path, "clone", "-q", "-c", "core.autocrlf=true", str(remote), str(b))
    assert cli("-C", str(b), "series", "set", "B").code == 0
    return a, b


def test_autocrlf_clone_new_step_edit_sync(crlf, cli, tmp_path, monkeypatch):
    a, b = crlf
    assert_crlf_clean(b)
    r = cli("-C", str(b), "new", "--title", "乙一", "--no-input", "--date", "2026-03-02")
    assert r.code == 0, r.err
    mine = r.out.split()[-1]
    assert_crlf_clean(b)
    for cid in ("2026-001", mine):
        for _ in range(2):
            r = cli("-C", str(b), "step", cid, "--answers", str(ANSWERS))
            assert r.code == 0, r.err
            assert_crlf_clean(b)
            # a step changes a few lines of case.toml, not all of them
            name = f"cases/{cid}/case.toml"
            _added, removed, _ = git(b, "diff", "--numstat", "HEAD~1", "HEAD", "--", name).split()
            assert int(removed) < len((b / name).read_bytes().split(b"\r\n")) // 2
    editor = tmp_path / "ed.py"
    editor.write_text(
        "import sys\np = sys.argv[1]\nt = open(p, 'rb').read()\n"
        "open(p, 'wb').write(t.replace('title = \"甲一\"'.encode(), 'title = \"甲一改\"'.encode()))\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    r = cli("-C", str(b), "edit", "2026-001")
    assert r.code == 0, r.err
    assert_crlf_clean(b)
    assert cli("-C", str(b), "sync").code == 0
    assert_crlf_clean(b)
    assert cli("-C", str(a), "sync").code == 0
    # the same bytes as in the LF clone, line ending apart
    fa, fb = toml_files(a), toml_files(b)
    assert set(fa) == set(fb)
    for name in fa:
        assert fb[name].replace(b"\r\n", b"\n") == fa[name], name


def test_crlf_file_errors_name_the_same_line(crlf, cli):
    a, b = crlf
    for ws in (a, b):
        path = ws / "cases" / "2026-001" / "case.toml"
        data = path.read_bytes().replace(b'status = "open"', b'status = "opn"')
        path.write_bytes(data)
        line = data.split(b"\n").index(next(x for x in data.split(b"\n") if b'"opn"' in x)) + 1
        r = cli("-C", str(ws), "check")
        assert r.code == 1 and f"cases/2026-001/case.toml:{line}:" in r.out, r.out
        path.write_bytes(data.replace(b'"opn"', b'"open"'))


def test_atomic_write_keeps_the_files_line_ending(tmp_path):
    from xsk.store import atomic, tomlio

    path = tmp_path / "x.toml"
    path.write_bytes(b'# note\r\na = 1\r\ntext = """x\r\ny"""\r\n')
    tomlio.update(path, lambda doc: doc.update({"b": 2}))
    assert path.read_bytes() == b'# note\r\na = 1\r\ntext = """x\r\ny"""\r\nb = 2\r\n'
    lf = tmp_path / "y.toml"
    lf.write_bytes(b"a = 1\n")
    tomlio.update(lf, lambda doc: doc.update({"b": 2}))
    assert lf.read_bytes() == b"a = 1\nb = 2\n"
    atomic.set_new_files_crlf(True)
    try:
        atomic.write_text(tmp_path / "new.toml", "a = 1\nb = 2\n")
    finally:
        atomic.set_new_files_crlf(False)
    assert (tmp_path / "new.toml").read_bytes() == b"a = 1\r\nb = 2\r\n"


# --- GBK console ------------------------------------------------------------------------------

NOT_GBK = "💡"  # GBK has no emoji: a Windows console in code page 936 cannot show it


@pytest.fixture
def gbk_ws(tmp_path, cli):
    ws = tmp_path / "ws"
    r = cli("init", str(ws), "--no-input", "--community", "红桥社区", "--facilitator", "王丽")
    assert r.code == 0, r.err
    r = cli("-C", str(ws), "new", "--title", f"楼道照明{NOT_GBK}维修", "--no-input",
            "--date", "2026-03-02", "--proposer", "张𠮷")  # fmt: skip
    assert r.code == 0, r.err
    r = cli("-C", str(ws), "step", "2026-001", "--answers", str(ANSWERS), "--all", "--no-docs")
    assert r.code == 0, r.err
    return ws


@pytest.mark.parametrize(
    "args",
    [("status", "--all"), ("show", "2026-001"), ("report",), ("show", "2026-001", "--json")],
)
def test_gbk_stdout_never_raises(gbk_ws, args):
    before = (gbk_ws / "cases" / "2026-001" / "case.toml").read_bytes()
    r = subprocess.run(
        [sys.executable, "-m", "xsk", "-C", str(gbk_ws), *args],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "gbk", "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    err = r.stderr.decode("gbk", "replace")
    assert r.returncode == 0, err
    assert "UnicodeEncodeError" not in err and "内部错误" not in err
    out = r.stdout.decode("gbk")  # what the console shows is valid GBK
    if args[0] == "show":
        assert "楼道照明?维修" in out or "\\ud83d" in out.lower()  # --json escapes nothing
    assert (gbk_ws / "cases" / "2026-001" / "case.toml").read_bytes() == before
    assert NOT_GBK in before.decode("utf-8")


def test_console_safe_replaces_on_screen_only(monkeypatch):
    from xsk.cli.output import console_safe, echo

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="gbk", errors="strict")
    monkeypatch.setattr(sys, "stdout", stream)
    monkeypatch.setattr(sys, "stderr", stream)
    console_safe()
    echo(f"议题：楼道照明{NOT_GBK}维修")
    stream.flush()
    assert raw.getvalue().decode("gbk") == "议题：楼道照明?维修\n"


def test_gbk_console_scripted_walk(gbk_ws, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    r = run_xsk("-C", str(gbk_ws), "new", "--title", f"路灯{NOT_GBK}不亮", "--no-input")
    assert r.returncode == 0, r.stderr
    cid = r.stdout.split()[-1]
    env = dict(
        os.environ,
        XSK_NOW="2026-03-02T10:00",
        NO_COLOR="1",
        TERM="xterm",
        COLUMNS="80",
        LINES="24",
        PROMPT_TOOLKIT_NO_CPR="1",
        PYTHONIOENCODING="gbk",
        PYTHONPATH=str(ROOT),
    )
    c = pexpect.spawn(
        sys.executable,
        ["-m", "xsk", "-C", str(gbk_ws), "walk", cid],
        env=env,
        encoding="gbk",
        codec_errors="replace",
        dimensions=(24, 80),
        timeout=20,
    )
    c.expect("征集和提出协商议题")
    c.expect("问题描述")
    c.send("路灯坏了三天")
    c.send("\x1b\r")
    c.expect("议题类别")
    c.send("5\r")
    c.expect("涉及位置")
    c.send("3号楼\r")
    c.expect("确认保存")
    c.send("y")
    c.expect("继续办理下一步")
    c.send("n")
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 0, c.before
    assert "UnicodeEncodeError" not in (c.before or "")
    text = (gbk_ws / "cases" / cid / "case.toml").read_text("utf-8")
    assert f"路灯{NOT_GBK}不亮" in text and "路灯坏了三天" in text
    assert git(gbk_ws, "status", "--porcelain") == ""


def test_editor_command_on_windows(tmp_path):
    from xsk.actions.workflow import editor_argv

    npp = r'"C:\Program Files\Notepad++\notepad++.exe" -multiInst'
    assert editor_argv(npp, windows=True) == [
        r"C:\Program Files\Notepad++\notepad++.exe",
        "-multiInst",
    ]
    assert editor_argv("notepad", windows=True) == ["notepad"]
    assert editor_argv("code --wait", windows=False) == ["code", "--wait"]
    spaced = tmp_path / "my editor"
    spaced.write_text("", "utf-8")
    assert editor_argv(str(spaced)) == [str(spaced)]
