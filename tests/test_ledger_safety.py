"""The ledger never runs a formula and leaves the office masked (issue 14, OWASP CSV injection)."""

from __future__ import annotations

import csv
import re
import tomllib
import zipfile
from pathlib import Path

import pytest
import tomli_w

ANSWERS = Path(__file__).resolve().parent / "data" / "dongguan-answers.toml"

TITLE = '=HYPERLINK("http://evil.example/x","点此查看")'
PROPOSER = '=HYPERLINK("x")'
UNIT = "=1+1"
ITEM = "@SUM(A1:A9)"
PROGRESS = "=cmd|' /C calc'!A0"
HOST = "-2+3"
CSV_TITLE = '=IMPORTXML("http://evil.example","//a")'
CSV_UNIT = "+cmd|' C notepad'!A0"
CSV_RESULT = "\t=1+1"
PAYLOADS = [TITLE, UNIT, ITEM, PROGRESS, CSV_TITLE, CSV_UNIT]


@pytest.fixture
def payload_ws(ws_path, cli, tmp_path):
    data = tomllib.loads(ANSWERS.read_text(encoding="utf-8"))
    data["announce"]["meeting"]["title"] = TITLE
    data["announce"]["meeting"]["host"] = HOST
    data["confirm"]["outcomes"][0]["unit"] = UNIT
    data["confirm"]["outcomes"][1]["item"] = ITEM
    data["supervise"]["progress"][0]["note"] = PROGRESS
    answers = tmp_path / "answers.toml"
    answers.write_text(tomli_w.dumps(data), encoding="utf-8")
    r = cli(
        "-C", str(ws_path), "new", "--title", TITLE, "--no-input", "--date", "2026-03-02",
        "--proposer", PROPOSER, "--phone", "13812345678",
    )  # fmt: skip
    assert r.code == 0, r.err
    cid = r.out.split()[-1]
    r = cli("-C", str(ws_path), "step", cid, "--answers", str(answers), "--all")
    assert r.code == 0, r.err
    ledger = tmp_path / "old.csv"
    with ledger.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            ["议题编号", "议题名称", "协商结果", "责任单位", "办理情况", "登记日期", "提出人"]
        )
        w.writerow(["2025-00001", CSV_TITLE, CSV_RESULT, CSV_UNIT, "已办结", "2025-03-01", "=1+2"])
        w.writerow(["2025-00002", "@SUM(1,2)", "=1+1", "-1+1", "办理中", "2025-03-02", "李四"])
    r = cli("-C", str(ws_path), "import", str(ledger))
    assert r.code == 0, r.out + r.err
    return ws_path


def _cells(path: Path):
    from openpyxl import load_workbook

    wb = load_workbook(path)  # not read-only: every cell with its data type
    return wb, [c for sheet in wb.worksheets for row in sheet.iter_rows() for c in row]


def test_report_xlsx_has_no_formula_cells_and_shows_every_payload(payload_ws, cli, tmp_path):
    for reveal in (False, True):
        out = tmp_path / f"台账-{reveal}.xlsx"
        args = ["-C", str(payload_ws), "report", "--xlsx", str(out)]
        r = cli(*args, *(["--reveal"] if reveal else []))
        assert r.code == 0, r.err
        wb, cells = _cells(out)
        formulas = [(c.parent.title, c.coordinate, c.value) for c in cells if c.data_type == "f"]
        assert formulas == []
        texts = [str(c.value) for c in cells if c.value is not None]
        for payload in PAYLOADS:
            assert any(payload in t for t in texts), (reveal, payload)
        assert any(t.startswith("=") for t in texts)  # stored as text, shown as typed
        unsafe = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@\t\r"]
        assert unsafe and all(c.data_type == "s" and c.quotePrefix for c in unsafe)
        if reveal:
            assert wb.properties.category == "内部" and "内部" in wb.properties.title
            assert any(PROPOSER in t for t in texts)
            assert any("13812345678" in t for t in texts)
        else:
            assert wb.properties.category == "已脱敏"
            assert not any(PROPOSER in t for t in texts)
            assert not any("13812345678" in t for t in texts)
            # a masked name never begins with =
            assert all(not t.startswith("=*") for t in texts)
            assert "居民代表" in texts and "居某" not in texts  # 评议人 居民代表 is not a name


def test_the_masked_ledger_masks_free_text_as_the_public_view_does(ws_path, cli, tmp_path):
    data = tomllib.loads(ANSWERS.read_text(encoding="utf-8"))
    data["confirm"]["outcomes"][0]["item"] = (
        "联系居民张建华（139 1234 5678，住幸福小区3栋2单元501）"
    )
    data["supervise"]["progress"][0]["note"] = "已电话联系王秀英，微信号 wxy_1990"
    answers = tmp_path / "answers.toml"
    answers.write_text(tomli_w.dumps(data), encoding="utf-8")
    r = cli(
        "-C", str(ws_path), "new", "--title", "变压器移交", "--no-input", "--date", "2026-03-02"
    )
    cid = r.out.split()[-1]
    assert cli("-C", str(ws_path), "step", cid, "--answers", str(answers), "--all").code == 0
    out = tmp_path / "台账.xlsx"
    assert cli("-C", str(ws_path), "report", "--xlsx", str(out)).code == 0
    _wb, cells = _cells(out)
    text = "\n".join(str(c.value) for c in cells if c.value is not None)
    for secret in ("张建华", "1234", "2单元501", "王秀英", "wxy_1990"):
        assert secret not in text, secret
    assert "张某" in text and "139****5678" in text and "幸福小区3栋" in text
    assert "王丽" in text  # the host, an official, keeps the name


def _formula_workbook(path: Path, cached: str | None) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["议题编号", "议题名称", "办理情况", "登记日期"])
    ws.append(["2025-00009", '=CONCATENATE("加装","电梯")', "办理中", "2025-03-01"])
    wb.save(path)
    if cached is not None:  # what Excel leaves after computing the formula
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        sheet = re.sub(
            r'(<c r="B2")([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
            rf'\1 t="str"\2><f>\3</f><v>{cached}</v>',
            sheet,
        )
        parts["xl/worksheets/sheet1.xml"] = sheet.encode()
        with zipfile.ZipFile(path, "w") as z:
            for n, b in parts.items():
                z.writestr(n, b)
    return path


def test_imported_formula_cells_are_read_as_their_value_or_refused(ws_path, cli, tmp_path):
    bare = _formula_workbook(tmp_path / "bare.xlsx", None)
    r = cli("-C", str(ws_path), "import", str(bare))
    assert r.code == 2 and "第 2 行 B 列" in r.err and "公式" in r.err
    assert "Traceback" not in r.err
    cached = _formula_workbook(tmp_path / "cached.xlsx", "加装电梯")
    r = cli("-C", str(ws_path), "import", str(cached))
    assert r.code == 0, r.out + r.err
    case = (ws_path / "cases" / "2025-00009" / "case.toml").read_text(encoding="utf-8")
    assert 'title = "加装电梯"' in case and "CONCATENATE" not in case


def test_csv_safe_and_xlsx_value() -> None:
    from xsk.reports.cells import csv_safe, is_unsafe

    for v in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx"):
        assert is_unsafe(v) and csv_safe(v) == "'" + v
    assert csv_safe("加装电梯") == "加装电梯" and csv_safe(3) == 3
