"""The smaller points of issue 17: reports into out/, the demo's next steps, xsk.toml."""

from __future__ import annotations

import subprocess
import sys

from conftest import run_xsk


def test_report_with_a_bare_file_name_goes_to_out(ws_path, cli, monkeypatch):
    monkeypatch.chdir(ws_path)
    cli("-C", str(ws_path), "new", "--title", "三号楼加装电梯", "--no-input")
    r = cli("-C", str(ws_path), "report", "--xlsx", "台账.xlsx")
    assert r.code == 0, r.err
    assert (ws_path / "out" / "台账.xlsx").is_file() and not (ws_path / "台账.xlsx").exists()
    assert "out/台账.xlsx" in r.out
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ws_path, capture_output=True, text=True
    ).stdout
    assert status == ""


def test_settings_template_has_no_placeholder(ws_path):
    text = (ws_path / "xsk.toml").read_text("utf-8")
    assert "https://" not in text and "（见 README）" not in text


def test_demo_next_steps_use_a_command_that_works(monkeypatch, tmp_path):
    from xsk.cli import demo

    monkeypatch.setattr(sys, "argv", ["/nowhere/__main__.py"])
    assert demo._invocation().endswith("-m xsk") and sys.executable in demo._invocation()
    script = tmp_path / ".venv" / "bin" / "xsk"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [str(script)])
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert demo._invocation() == ".venv/bin/xsk"


def test_import_dry_run_fails_like_an_import(ws_path, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("议题编号,议题名称,层级\n2025-001,修路,省级\n", "utf-8")
    dry = run_xsk("-C", str(ws_path), "import", str(bad), "--dry-run")
    real = run_xsk("-C", str(ws_path), "import", str(bad))
    assert dry.returncode == real.returncode == 2, (dry.stderr, real.stderr)


def test_status_names_the_procedure_as_people_call_it(ws_path, cli):
    """Reviewer: the 程序 column showed the id (dongguan-6), which is for --procedure."""
    import json

    cli("-C", str(ws_path), "new", "--title", "三号楼加装电梯", "--no-input")
    r = cli("-C", str(ws_path), "status")
    assert r.code == 0, r.err
    assert "东莞“六步走”" in r.out and "dongguan-6" not in r.out
    rows = json.loads(cli("-C", str(ws_path), "status", "--json").out)
    assert rows[0]["procedure"] == "dongguan-6" and rows[0]["procedure_name"] == "东莞“六步走”"
