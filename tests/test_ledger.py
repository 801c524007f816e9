"""The 台账 ledger (.xlsx): columns, one row per case, masking, layout, LibreOffice, round trip."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess

import pytest
from test_reports import TODAY, build_sample


@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setenv("XSK_NOW", "2026-06-01T10:00:00+08:00")


@pytest.fixture
def ledger(ws, fixed_today, cli, tmp_path):
    ids = build_sample(ws)
    out = tmp_path / "台账.xlsx"
    r = cli("-C", str(ws.root), "report", "--xlsx", str(out))
    assert r.code == 0, r.err
    assert f"已导出台账：{out}" in r.out
    return ws, ids, out


def test_first_sheet_one_row_per_case(ledger, cli):
    from openpyxl import load_workbook

    from xsk.reports.ledger import CASE_COLUMNS

    ws, ids, out = ledger
    wb = load_workbook(out)
    assert wb.sheetnames == ["议题台账", "协商会议", "协商成果", "回访记录", "评议（下评上）"]
    sheet = wb.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == CASE_COLUMNS
    for name in ("序号", "议题编号", "议题名称", "来源", "类别", "层级", "协商形式", "协商时间"):
        assert name in rows[0]
    for name in ("参与人数", "协商结果", "责任单位", "办结时限", "办理情况", "满意度", "回访日期"):
        assert name in rows[0]
    status_rows = json.loads(cli("-C", str(ws.root), "status", "--json", "--all").out)
    assert len(rows) - 1 == len(status_rows) == 4
    by_id = {r[1]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert [r[0] for r in rows[1:]] == [1, 2, 3, 4]
    a = by_id[ids["a"]]
    assert a["议题名称"] == "3号楼加装电梯" and a["来源"] == "居民反映"
    assert a["协商形式"] == "议事会" and a["协商时间"] == dt.datetime(2026, 3, 12, 14, 30)
    assert a["参与人数"] == 7 and a["协商结果"] == "同意加装电梯"
    assert a["责任单位"] == "区住建局、某某物业"
    assert a["办结时限"] == dt.datetime(2026, 4, 30)
    assert a["办理情况"] == "已办结" and a["满意度"] == "满意"
    assert a["回访日期"] == dt.datetime(2026, 5, 6)
    assert a["提出人"] == "张某" and a["联系电话"] == "139****5678"
    assert a["是否表决"] == "是" and a["是否提请上级"] == "否"
    assert by_id[ids["b"]]["办理情况"] == "不予协商"
    c = by_id[ids["c"]]
    assert c["办理情况"] == "逾期未办结" and c["是否提请上级"] == "是" and c["层级"] == "街道"
    assert by_id[ids["d"]]["办理情况"] == "协商中"
    # nothing private anywhere in the workbook
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert "13912345678" not in " ".join(str(v) for v in row)
            assert "张建国" not in " ".join(str(v) for v in row)


def test_layout_frozen_filtered_widths(ledger):
    from openpyxl import load_workbook

    _ws, _ids, out = ledger
    wb = load_workbook(out)
    for sheet in wb.worksheets:
        assert sheet.freeze_panes in ("A2", "C2")
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert sheet.column_dimensions["B"].width >= 8
        assert sheet["A1"].font.b
    main = wb.worksheets[0]
    assert main.auto_filter.ref == "A1:X5"
    assert 8 <= main.column_dimensions["C"].width <= 60
    outcomes = list(wb["协商成果"].iter_rows(values_only=True))
    assert len(outcomes) == 1 + 3
    statuses = {r[5]: r[7] for r in outcomes[1:]}
    assert statuses["区供电局"] == "逾期"
    ratings = list(wb["评议（下评上）"].iter_rows(values_only=True))
    assert sorted(r[4] for r in ratings[1:]) == [4, 5]
    meetings = list(wb["协商会议"].iter_rows(values_only=True))
    assert meetings[1][1] == "2026-M001" and meetings[1][12] == 7 and meetings[1][13] == 1


def _to_csv(path, outdir, profile):
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(outdir),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    return outdir / (path.stem + ".csv")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_opens_in_libreoffice(ledger, tmp_path):
    from openpyxl import Workbook

    _ws, _ids, out = ledger
    profile = tmp_path / "lo-profile"
    probe = tmp_path / "probe.xlsx"
    wb = Workbook()
    wb.active.append(["probe"])
    wb.save(probe)
    if not _to_csv(probe, tmp_path / "csv", profile).exists():
        pytest.skip("LibreOffice Calc is not installed (apt-get install libreoffice-calc-nogui)")
    converted = _to_csv(out, tmp_path / "csv", profile)
    assert converted.exists()
    rows = list(csv.reader(converted.read_text("utf-8").splitlines()))
    assert rows[0][:3] == ["序号", "议题编号", "议题名称"]
    assert len(rows) == 5


def test_exported_ledger_imports_elsewhere(ledger, tmp_path, cli):
    """Round trip: the exported ledger is a valid import file with the same figures."""
    from xsk.workspace import settings as workspace

    ws, ids, out = ledger
    other = workspace.create(
        tmp_path / "other",
        community="白沙社区",
        street="红桥街道",
        district="柳南区",
        procedure="dongguan-6",
        facilitator="李娜",
    )
    r = cli("-C", str(other), "import", str(out))
    assert r.code == 0, r.err
    assert "已导入 4 个议题（其中已办结 2 个）" in r.out
    before = json.loads(cli("-C", str(ws.root), "report", "--json").out)
    after = json.loads(cli("-C", str(other), "report", "--json").out)
    for key in ("cases", "closed", "resolved_rate", "escalated", "voted", "direct"):
        assert after[key] == before[key], key
    for key in ("by_category", "by_level", "by_source"):
        assert after[key] == before[key], key
    assert after["satisfaction"]["counts"] == before["satisfaction"]["counts"]
    assert set(after["by_unit"]) == set(before["by_unit"])
    assert sorted(p.name for p in (other / "cases").iterdir()) == sorted(ids.values())
    assert dt.date(2026, 6, 1) == TODAY
