"""Importing ledgers kept before xsk: rows without an xsk number are numbered from the
workspace's series in row order and keep their own number as 原编号 (show, find, ledger)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
from pathlib import Path


def _csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _ids(ws) -> list[str]:
    return sorted(p.name for p in (ws.root / "cases").iterdir())


def _show(cli, ws, cid: str) -> dict:
    r = cli("-C", str(ws.root), "show", cid, "--json")
    assert r.code == 0, r.err
    return json.loads(r.out)


def _head(ws) -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ws.root, capture_output=True, text=True, check=True
    ).stdout


def test_only_serial_numbers(ws, cli, tmp_path):
    """A ledger with only 序号: numbers from the series by year, in row order; 序号 is kept."""
    src = _csv(
        tmp_path / "旧台账.csv",
        ["序号", "议题名称", "类别", "登记日期", "办理情况"],
        [
            [1, "路灯不亮", "公共设施建设与维护", "2025-03-02", "已办结"],
            [2, "楼道堆物", "环境卫生整治", "2025-04-01", "办理中"],
            [3, "电动车充电", "公共设施建设与维护", "2026-01-05", ""],
        ],
    )
    r = cli("-C", str(ws.root), "import", str(src))
    assert r.code == 0, r.err
    assert "已导入 3 个议题" in r.out and "其中 3 个按行序取了新编号" in r.out
    assert _ids(ws) == ["2025-001", "2025-002", "2026-001"]
    first = _show(cli, ws, "2025-001")
    assert first["title"] == "路灯不亮" and first["original_id"] == "1"
    assert _show(cli, ws, "2026-001")["original_id"] == "3"
    text = (ws.root / "cases" / "2025-002" / "case.toml").read_text("utf-8")
    assert 'original_id = "2"' in text
    assert cli("-C", str(ws.root), "check").code == 0
    # a 序号 restarts in every ledger: the next year's ledger may repeat it
    nxt = _csv(
        tmp_path / "新台账.csv", ["序号", "议题名称", "登记日期"], [[1, "井盖松动", "2026-02-01"]]
    )
    r = cli("-C", str(ws.root), "import", str(nxt))
    assert r.code == 0, r.err
    assert _show(cli, ws, "2026-002")["original_id"] == "1"


def test_own_numbers_dc_style(ws, cli, tmp_path):
    """DC-2026-0001 in the 议题编号 column is the ledger's own number, not an xsk number."""
    src = _csv(
        tmp_path / "东城.csv",
        ["序号", "议题编号", "议题名称", "登记日期"],
        [
            [1, "DC-2026-0001", "加装电梯", "2026-03-02"],
            [2, "DC-2026-0002", "停车难", "2026-03-05"],
        ],
    )
    r = cli("-C", str(ws.root), "import", str(src), "--dry-run")
    assert r.code == 0, r.err
    assert "将按行序取新编号的议题 2 个（原编号 → 新编号）" in r.out
    assert "第 2 行  DC-2026-0001 → 2026-001" in r.out
    assert "第 3 行  DC-2026-0002 → 2026-002" in r.out
    assert not any((ws.root / "cases").iterdir())
    r = cli("-C", str(ws.root), "import", str(src), "--dry-run", "--json")
    data = json.loads(r.out)
    assert data["numbered"] == [
        {"row": 2, "original": "DC-2026-0001", "id": "2026-001"},
        {"row": 3, "original": "DC-2026-0002", "id": "2026-002"},
    ]
    r = cli("-C", str(ws.root), "import", str(src))
    assert r.code == 0, r.err
    assert _ids(ws) == ["2026-001", "2026-002"]
    assert _show(cli, ws, "2026-002")["original_id"] == "DC-2026-0002"
    # importing the same ledger again is refused by its own numbers, naming row and column
    head = _head(ws)
    r = cli("-C", str(ws.root), "import", str(src))
    assert r.code == 2
    assert "东城.csv 第 2 行“议题编号”列（2 列）：原编号“DC-2026-0001”在工作区中已存在" in r.err
    assert "（议题 2026-001）" in r.err and "共 2 处错误" in r.err
    assert _ids(ws) == ["2026-001", "2026-002"] and _head(ws) == head


def test_own_numbers_document_style_xlsx(ws, cli, tmp_path):
    """东城〔2026〕12号 in an .xlsx: kept as 原编号, shown by show, found by find."""
    from openpyxl import Workbook

    src = tmp_path / "东城台账.xlsx"
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("台账")
    sheet.append(["东城社区2026年协商议事台账"])
    sheet.append(["序号", "编号", "议题名称", "责任单位", "登记日期"])
    sheet.append([1, "东城〔2026〕12号", "3号楼加装电梯", "区住建局", dt.date(2026, 3, 2)])
    sheet.append([2, "东城〔2026〕13号", "小区停车", "物业公司", dt.date(2026, 3, 9)])
    wb.save(src)
    r = cli("-C", str(ws.root), "import", str(src))
    assert r.code == 0, r.err
    case = _show(cli, ws, "2026-001")
    assert case["original_id"] == "东城〔2026〕12号" and case["title"] == "3号楼加装电梯"
    r = cli("-C", str(ws.root), "show", "2026-002")
    assert "原编号：东城〔2026〕13号" in r.out
    r = cli("-C", str(ws.root), "find", "〔2026〕13号", "--json")
    found = json.loads(r.out)
    assert [f["id"] for f in found] == ["2026-002"]
    assert found[0]["original_id"] == "东城〔2026〕13号"
    r = cli("-C", str(ws.root), "find", "东城〔2026〕12号")
    assert "2026-001（原编号 东城〔2026〕12号）" in r.out and "共 1 个议题" in r.out


def test_mix_of_xsk_and_own_numbers(ws, cli, tmp_path):
    """Rows with an xsk number keep it; the others continue the series above every number
    the workspace and the ledger already use, in row order."""
    from xsk.actions import workflow
    from xsk.prompts.base import NoInputPrompter

    workflow.new_case(ws, NoInputPrompter(), title="已有议题", created=dt.date(2026, 1, 5))
    src = _csv(
        tmp_path / "混合.csv",
        ["议题编号", "议题名称", "登记日期"],
        [
            ["DC-7", "甲", "2026-02-01"],
            ["2026-005", "乙", "2026-02-02"],
            ["", "丙", "2026-02-03"],
            ["DC-9", "丁", "2026-02-04"],
            ["2025-010", "戊", "2025-06-01"],
            ["DC-10", "己", "2025-07-01"],
        ],
    )
    r = cli("-C", str(ws.root), "import", str(src), "--dry-run")
    assert r.code == 0, r.err
    assert "第 2 行  DC-7 → 2026-006" in r.out
    assert "第 4 行  （无） → 2026-007" in r.out
    assert "第 5 行  DC-9 → 2026-008" in r.out
    assert "第 7 行  DC-10 → 2025-011" in r.out
    r = cli("-C", str(ws.root), "import", str(src))
    assert r.code == 0, r.err
    kept = ["2025-010", "2026-001", "2026-005"]
    assert _ids(ws) == sorted([*kept, "2025-011", "2026-006", "2026-007", "2026-008"])
    assert _show(cli, ws, "2026-005")["original_id"] == ""
    assert _show(cli, ws, "2026-006")["original_id"] == "DC-7"
    assert _show(cli, ws, "2026-007")["original_id"] == ""
    assert _show(cli, ws, "2026-008")["title"] == "丁"


def test_original_column_and_other_numbers(ws, cli, tmp_path):
    """A 原编号 column is taken as given; the row's non-xsk 议题编号 then stays in the import
    record; a duplicate 原编号 in the file names both rows."""
    src = _csv(
        tmp_path / "a.csv",
        ["议题编号", "原编号", "议题名称", "登记日期"],
        [["2026-003", "旧-1", "甲", "2026-02-01"], ["X-9", "旧-2", "乙", "2026-02-02"]],
    )
    r = cli("-C", str(ws.root), "import", str(src))
    assert r.code == 0, r.err
    assert _show(cli, ws, "2026-003")["original_id"] == "旧-1"
    second = _show(cli, ws, "2026-004")
    assert second["original_id"] == "旧-2" and second["answers"]["import"]["number"] == "X-9"
    dup = _csv(
        tmp_path / "dup.csv",
        ["原编号", "议题名称"],
        [["新-1", "甲"], ["新-1", "乙"]],
    )
    r = cli("-C", str(ws.root), "import", str(dup))
    assert r.code == 2 and "dup.csv 第 3 行“原编号”列（1 列）：原编号“新-1”与第 2 行重复" in r.err


def test_bad_row_in_unnumbered_ledger_writes_nothing(ws, cli, tmp_path):
    src = _csv(
        tmp_path / "bad.csv",
        ["序号", "议题名称", "办结时限"],
        [[1, "甲", "2026-03-01"], [2, "乙", "2026/13/45"], [3, "丙", ""]],
    )
    head = _head(ws)
    r = cli("-C", str(ws.root), "import", str(src))
    assert r.code == 2 and "Traceback" not in r.err
    assert "bad.csv 第 3 行“办结时限”列（3 列）" in r.err and "2026/13/45" in r.err
    assert "未导入任何议题" in r.err
    assert not any((ws.root / "cases").iterdir()) and _head(ws) == head
    r = cli("-C", str(ws.root), "import", str(src), "--dry-run")
    assert r.code == 2 and "原编号 → 新编号" not in r.out


def test_clone_without_series_is_asked_for_one(ws, cli, tmp_path):
    from xsk.workspace import git as vcs

    vcs.run_git(["config", "--unset", "xsk.series"], ws.root)
    src = _csv(tmp_path / "a.csv", ["序号", "议题名称"], [[1, "甲"]])
    r = cli("-C", str(ws.root), "import", str(src))
    assert r.code == 2 and "xsk series set B" in r.err
    assert not any((ws.root / "cases").iterdir())


def test_original_id_in_the_model(ws, cli):
    """原编号 is validated (one line, at most 64 characters) and kept by tomlkit updates."""
    from xsk.actions import workflow
    from xsk.prompts.base import NoInputPrompter
    from xsk.workspace import cases

    case = workflow.new_case(ws, NoInputPrompter(), title="甲", created=dt.date(2026, 1, 5))
    path = cases.case_file(ws, case.id)
    text = path.read_text("utf-8")
    path.write_text(text.replace('uid = "', 'original_id = "东城〔2026〕1号"\nuid = "', 1), "utf-8")
    cases.update(ws, case.id, lambda doc: doc.__setitem__("category", "停车管理"))
    again = cases.load_case(ws, case.id)
    assert again.original_id == "东城〔2026〕1号" and again.category == "停车管理"
    from xsk.core.model import case_to_dict

    assert list(case_to_dict(again))[:2] == ["id", "original_id"]
    text = path.read_text("utf-8")
    path.write_text(text.replace('"东城〔2026〕1号"', '"东城\\n1号"'), "utf-8")
    r = cli("-C", str(ws.root), "check")
    assert r.code != 0 and "E108" in r.out + r.err and "原编号只能写一行" in r.out + r.err


def test_ledger_column_and_reimport_keep_original_and_figures(ws, cli, tmp_path, monkeypatch):
    """The exported ledger has a 原编号 column; imported elsewhere, the cases keep their xsk
    numbers and their 原编号, and the figures are the same."""
    from openpyxl import load_workbook

    from xsk.workspace import settings as workspace

    monkeypatch.setenv("XSK_NOW", "2026-06-01T10:00:00+08:00")
    src = _csv(
        tmp_path / "旧.csv",
        ["编号", "议题名称", "类别", "责任单位", "办理情况", "满意度", "登记日期", "办结日期"],
        [
            ["DC-1", "甲", "停车管理", "物业公司", "已办结", "满意", "2026-02-01", "2026-03-01"],
            ["DC-2", "乙", "环境卫生整治", "社区居委会", "办理中", "", "2026-02-02", ""],
            ["DC-3", "丙", "停车管理", "", "不予协商", "", "2026-02-03", "2026-02-10"],
        ],
    )
    assert cli("-C", str(ws.root), "import", str(src)).code == 0
    out = tmp_path / "台账.xlsx"
    assert cli("-C", str(ws.root), "report", "--xlsx", str(out)).code == 0
    rows = list(load_workbook(out).worksheets[0].iter_rows(values_only=True))
    by_id = {r[1]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert {k: v["原编号"] for k, v in by_id.items()} == {
        "2026-001": "DC-1",
        "2026-002": "DC-2",
        "2026-003": "DC-3",
    }
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
    assert "按行序" not in r.out
    assert sorted(p.name for p in (other / "cases").iterdir()) == sorted(by_id)
    assert (
        json.loads(cli("-C", str(other), "show", "2026-003", "--json").out)["original_id"] == "DC-3"
    )
    before = json.loads(cli("-C", str(ws.root), "report", "--json").out)
    after = json.loads(cli("-C", str(other), "report", "--json").out)
    for key in ("cases", "closed", "resolved_rate", "by_category", "by_level", "by_source"):
        assert after[key] == before[key], key
    assert after["satisfaction"]["counts"] == before["satisfaction"]["counts"]
