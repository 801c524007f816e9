"""Foundation: init, new, show, status, check, log, edit, errors (issue 3 acceptance)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import run_xsk


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def test_init_new_status_show_check(tmp_path, cli):
    d = tmp_path / "ws"
    r = cli(
        "init",
        str(d),
        "--no-input",
        "--community",
        "测试社区",
        "--street",
        "测试街道",
        "--district",
        "测试区",
    )
    assert r.code == 0, r.err
    text = (d / "xsk.toml").read_text("utf-8")
    assert "测试社区" in text and text.startswith("#")
    assert "/out/" in (d / ".gitignore").read_text()
    assert (d / "templates" / "README.md").exists()
    ids = []
    for _ in range(2):
        r = cli("-C", str(d), "new", "--title", "三号楼加装电梯", "--no-input")
        assert r.code == 0, r.err
        ids.append(r.out.strip().splitlines()[-1])
        assert git(d, "status", "--porcelain") == ""
    assert ids == ["2026-001", "2026-002"] or len(set(ids)) == 2
    log = git(d, "log", "--format=%s")
    assert log.count("新建议题") == 2
    r = cli("-C", str(d), "status", "--json")
    rows = json.loads(r.out)
    assert {row["id"] for row in rows} == set(ids)
    for row in rows:
        for key in (
            "id",
            "title",
            "procedure",
            "step",
            "status",
            "level",
            "category",
            "created",
            "due",
        ):
            assert key in row
        assert row["status"] == "open"
    r = cli("-C", str(d), "show", ids[0], "--json")
    assert r.code == 0 and json.loads(r.out)["title"] == "三号楼加装电梯"
    assert cli("-C", str(d), "check").code == 0


def test_init_refuses_existing_and_requires_community(tmp_path, cli):
    d = tmp_path / "ws"
    assert cli("init", str(d), "--no-input", "--community", "甲社区").code == 0
    before = (d / "xsk.toml").read_bytes()
    r = cli("init", str(d), "--no-input", "--community", "乙社区")
    assert r.code == 2 and "已存在" in r.err
    assert (d / "xsk.toml").read_bytes() == before
    r = cli("init", str(tmp_path / "other"), "--no-input")
    assert r.code == 2 and "社区名称" in r.err
    assert not (tmp_path / "other" / "xsk.toml").exists()


def test_init_inside_existing_repo_does_not_reinit(tmp_path, cli):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    assert cli("init", str(repo / "ws"), "--no-input", "--community", "甲社区").code == 0
    assert not (repo / "ws" / ".git").exists()
    assert "创建工作区" in git(repo, "log", "--format=%s")


def test_workspace_found_from_env_and_subfolder(ws_path, cli, monkeypatch):
    monkeypatch.setenv("XSK_WORKSPACE", str(ws_path))
    assert cli("status", "--json").code == 0
    monkeypatch.delenv("XSK_WORKSPACE")
    monkeypatch.chdir(ws_path / "templates")
    assert cli("status").code == 0


def test_broken_case_line3(ws_path, cli):
    r = cli("-C", str(ws_path), "new", "--title", "下水道堵塞", "--no-input")
    cid = r.out.strip().splitlines()[-1]
    path = ws_path / "cases" / cid / "case.toml"
    lines = path.read_text("utf-8").splitlines()
    assert lines[2].startswith("id =") or lines[2].startswith("uid =") or True
    lines[2] = 'title = "下水道'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    broken = path.read_bytes()
    head = git(ws_path, "rev-parse", "HEAD")
    r = cli("-C", str(ws_path), "status")
    assert r.code == 2
    err_lines = [x for x in r.err.splitlines() if x.strip()]
    assert len(err_lines) == 1 and "case.toml:3" in err_lines[0]
    assert "Traceback" not in r.err
    r = cli("-C", str(ws_path), "check")
    assert r.code == 1
    assert f"cases/{cid}/case.toml:3: " in r.out
    assert path.read_bytes() == broken
    assert git(ws_path, "rev-parse", "HEAD") == head


def test_date_field_with_string(ws_path, cli):
    r = cli("-C", str(ws_path), "new", "--title", "篮球架维修", "--no-input")
    cid = r.out.strip().splitlines()[-1]
    path = ws_path / "cases" / cid / "case.toml"
    text = path.read_text("utf-8")
    import re

    text = re.sub(r"^created = .*$", 'created = "上周三"', text, flags=re.M)
    path.write_text(text, encoding="utf-8")
    line = next(i for i, x in enumerate(text.splitlines(), 1) if x.startswith("created"))
    r = cli("-C", str(ws_path), "check")
    assert r.code == 1
    assert f"case.toml:{line}: " in r.out and "created" in r.out


def test_usage_errors_one_line(ws_path, tmp_path, cli):
    for args, needle in [
        (("-C", str(ws_path), "show", "2026-999"), "找不到议题"),
        (("-C", str(tmp_path), "status"), "不在 xsk 工作区内"),
        (
            ("-C", str(ws_path), "new", "--title", "x", "--procedure", "nope", "--no-input"),
            "未知的协商程序",
        ),
        (("-C", str(ws_path), "new", "--title", "  ", "--no-input"), "议题名称不能为空"),
    ]:
        r = cli(*args)
        assert r.code == 2, args
        lines = [x for x in r.err.splitlines() if x.strip()]
        assert len(lines) == 1 and needle in lines[0], r.err
    assert git(ws_path, "status", "--porcelain") == ""


def test_show_masks_private_data(ws_path, cli):
    r = cli(
        "-C",
        str(ws_path),
        "new",
        "--title",
        "快递柜太少",
        "--no-input",
        "--proposer",
        "张建国",
        "--phone",
        "13912345678",
    )
    cid = r.out.strip().splitlines()[-1]
    r = cli("-C", str(ws_path), "show", cid, "--json")
    view = json.loads(r.out)
    assert view["proposers"][0]["phone"] == "139****5678"
    assert view["proposers"][0]["name"] == "张某"
    assert "13912345678" not in r.out
    r = cli("-C", str(ws_path), "show", cid, "--json", "--reveal")
    assert json.loads(r.out)["proposers"][0]["phone"] == "13912345678"


def test_log_in_chinese(ws_path, cli):
    cid = cli("-C", str(ws_path), "new", "--title", "楼道照明", "--no-input").out.split()[-1]
    r = cli("-C", str(ws_path), "log", cid)
    assert r.code == 0 and "新建议题" in r.out


def test_edit_valid_commits_invalid_restores(ws_path, cli, monkeypatch, tmp_path):
    cid = cli("-C", str(ws_path), "new", "--title", "楼道照明", "--no-input").out.split()[-1]
    path = ws_path / "cases" / cid / "case.toml"
    script = tmp_path / "ed.py"
    script.write_text(
        "import sys,re\np=sys.argv[1]\nt=open(p,encoding='utf-8').read()\n"
        "t=t.replace('楼道照明','楼道照明改造')\nopen(p,'w',encoding='utf-8').write(t)\n"
    )
    import sys

    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    assert cli("-C", str(ws_path), "edit", cid).code == 0
    assert "楼道照明改造" in path.read_text("utf-8")
    assert git(ws_path, "status", "--porcelain") == ""
    script.write_text(
        "import sys\np=sys.argv[1]\nt=open(p,encoding='utf-8').read()\n"
        "open(p,'w',encoding='utf-8').write(t.replace('status = \"open\"','status = \"maybe\"'))\n"
    )
    before = path.read_bytes()
    r = cli("-C", str(ws_path), "edit", cid)
    assert r.code == 2 and "status" in r.err
    assert path.read_bytes() == before


def test_roster_add_list_show(ws_path, cli):
    r = cli(
        "-C",
        str(ws_path),
        "roster",
        "add",
        "--name",
        "王丽",
        "--role",
        "社区书记",
        "--official",
        "--vote",
        "--phone",
        "13800001111",
        "--no-input",
    )
    assert r.code == 0, r.err
    r = cli(
        "-C",
        str(ws_path),
        "roster",
        "add",
        "--org",
        "--name",
        "红桥物业公司",
        "--subject-type",
        "物业服务企业",
        "--no-input",
    )
    assert r.code == 0, r.err
    rows = json.loads(cli("-C", str(ws_path), "roster", "list", "--json").out)
    assert [x["name"] for x in rows] == ["王丽", "红桥物业公司"]
    assert rows[0]["phone"] == "138****1111"
    r = cli("-C", str(ws_path), "roster", "show", "王丽", "--json", "--reveal")
    assert json.loads(r.out)["phone"] == "13800001111"
    assert "# 参与主体名册" in (ws_path / "roster.toml").read_text("utf-8")
    assert git(ws_path, "status", "--porcelain") == ""


def test_sync_without_remote(ws_path, cli):
    r = cli("-C", str(ws_path), "sync")
    assert r.code == 2 and "远程" in r.err


def test_version_and_help():
    r = run_xsk("--version")
    assert r.returncode == 0 and r.stdout.startswith("xsk ")
    r = run_xsk("--help")
    assert r.returncode == 0 and "社区协商" in r.stdout


def test_no_traceback_and_debug(tmp_path):
    r = run_xsk("-C", str(tmp_path), "status")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    r = run_xsk("-C", str(tmp_path), "status", env={"XSK_DEBUG": "1"})
    assert "Traceback" in r.stderr


def test_startup_imports_stay_light(ws_path):
    code = (
        "import sys\nfrom xsk.__main__ import main\n"
        "for args in (['--help'], ['-C', sys.argv[1], 'status'], ['-C', sys.argv[1], 'check']):\n"
        "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
        "heavy = [m for m in ('docx', 'questionary', 'openpyxl', 'matplotlib', 'docxtpl', 'jieba')"
        " if m in sys.modules]\nprint('HEAVY', heavy)\n"
    )
    import sys

    r = subprocess.run([sys.executable, "-c", code, str(ws_path)], capture_output=True, text=True)
    assert "HEAVY []" in r.stdout, r.stdout + r.stderr


def test_click_usage_errors_are_one_chinese_line(cli):
    for args, needle in [
        (("nosuchcmd",), "没有命令"),
        (("show",), "缺少参数"),
        (("status", "--bogus"), "没有选项"),
        (("calendar", "add", "2026-01-01", "abc"), "值无效"),
    ]:
        r = cli(*args)
        assert r.code == 2, args
        lines = [x for x in r.err.splitlines() if x.strip()]
        assert len(lines) == 1 and needle in lines[0] and "Traceback" not in r.err
