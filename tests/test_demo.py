"""End to end: ``xsk demo`` replays every sample case and builds every document, report and
ledger; the acceptance checks of the samples and documents issues, as code."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from conftest import run_xsk
from docx_checks import check_docx

PROCS = {"dongguan-6", "liunan-246", "xinhua-135", "tianshui-6", "tianxin"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("demo") / "xsk-demo"
    r = run_xsk("demo", str(target), timeout=300)
    assert r.returncode == 0, r.stderr
    assert "演示工作区" in r.stdout and "会议纪要" in r.stdout
    return target


@pytest.mark.slow
def test_demo_cases_history_and_check(demo):
    rows = json.loads(run_xsk("-C", str(demo), "status", "--json", "--all").stdout)
    assert len(rows) >= 12
    assert {r["procedure"] for r in rows} == PROCS
    for pid in PROCS:
        assert any(r["procedure"] == pid and r["status"] == "closed" for r in rows), pid
    assert any(r["status"] == "open" for r in rows)
    overdue = json.loads(run_xsk("-C", str(demo), "status", "--overdue", "--json").stdout)
    assert overdue
    log = subprocess.run(
        ["git", "log", "--format=%s"], cwd=demo, capture_output=True, text=True
    ).stdout
    for r in rows:
        assert f"新建议题 {r['id']}" in log
    assert len(log.splitlines()) > 5 * len(rows)
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=demo, capture_output=True, text=True
    ).stdout
    assert status == ""
    assert run_xsk("-C", str(demo), "check").returncode == 0
    fsck = subprocess.run(["git", "fsck", "--strict"], cwd=demo, capture_output=True, text=True)
    assert fsck.returncode == 0


@pytest.mark.slow
def test_demo_documents(demo):
    docs = sorted(demo.rglob("*.docx"))
    assert len(docs) >= 30
    from xsk.actions import workflow
    from xsk.workspace import settings as workspace

    private = workflow.private_strings(workspace.load(demo))
    assert any(len(p) == 11 for p in private)
    kinds = Counter(check_docx(p, private)["title"] for p in docs)
    for title in (
        "议题登记表",
        "会议通知",
        "签到表",
        "会议纪要",
        "协商结果公示",
        "责任清单",
        "办结回复单",
        "回访评议表",
    ):
        assert kinds[title] >= 1, title


@pytest.mark.slow
def test_demo_report_and_ledger(demo):
    rows = json.loads(run_xsk("-C", str(demo), "status", "--json", "--all").stdout)
    r = run_xsk("-C", str(demo), "report", "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    for key in (
        "cases",
        "closed",
        "resolved_rate",
        "meetings",
        "participants",
        "on_site",
        "escalated",
        "voted",
        "direct",
        "by_category",
        "by_level",
        "by_source",
        "by_procedure",
        "by_unit",
        "satisfaction",
    ):
        assert key in rep, key
    assert rep["cases"] == len(rows)
    from decimal import ROUND_HALF_UP, Decimal

    want = (Decimal(rep["closed"]) * 100 / Decimal(rep["cases"])).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    assert Decimal(str(rep["resolved_rate"])) == want
    assert sum(rep["by_category"].values()) == rep["cases"]
    xlsx = demo / "台账.xlsx"
    r = run_xsk("-C", str(demo), "report", "--xlsx", str(xlsx))
    assert r.returncode == 0, r.stderr
    from openpyxl import load_workbook

    ws = load_workbook(xlsx).worksheets[0]
    assert ws.max_row == len(rows) + 1
    header = [c.value for c in ws[1]]
    assert "议题编号" in header and "议题名称" in header


@pytest.mark.slow
def test_demo_inside_another_repository_gets_its_own(tmp_path):
    outer = tmp_path / "repo"
    outer.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=outer, check=True)
    (outer / ".gitignore").write_text("xsk-demo/\n")
    r = run_xsk("demo", "xsk-demo", "--no-docs", cwd=outer, timeout=300)
    assert r.returncode == 0, r.stderr
    assert (outer / "xsk-demo" / ".git").is_dir()
    log = subprocess.run(
        ["git", "log", "--oneline"], cwd=outer / "xsk-demo", capture_output=True, text=True
    ).stdout
    assert len(log.splitlines()) > 20
