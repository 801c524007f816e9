"""Ledgers as a hostile tester wrote them (reviewer, stop 15): a quote left open, a row
shifted by an extra comma, a totals row, dates in the future or out of order, a phone that is
no phone. Each is refused (exit 2, file, row and column named) or, for a totals row, skipped
and said; nothing is silently lost."""

from __future__ import annotations

from pathlib import Path

import pytest

HEAD = "序号,议题名称,登记日期,办理情况,办结日期,联系电话\n"


@pytest.fixture
def importing(ws_path, cli):
    def run(text: str, *extra: str):
        path = ws_path.parent / "台账.csv"
        path.write_text(text, "utf-8")
        return cli("-C", str(ws_path), "import", str(path), *extra)

    return run


def _cases(ws_path: Path) -> list[Path]:
    return sorted((ws_path / "cases").glob("*/case.toml")) if (ws_path / "cases").is_dir() else []


def test_a_quote_left_open_is_refused_at_the_line_it_opened(importing, ws_path):
    text = HEAD + '1,甲,2026-01-01,,,\n2,"丙,未闭合引号,2026-01-01,,,\n3,丁,2026-01-04,,,\n'
    for extra in (("--dry-run",), ()):
        r = importing(text, *extra)
        assert r.code == 2, r.out + r.err
        assert "台账.csv 第 3 行" in r.err and "引号没有闭合" in r.err
        assert "unexpected" not in r.err
    assert _cases(ws_path) == []


def test_a_cell_outside_the_header_is_refused(importing, ws_path):
    r = importing(HEAD + "1,甲,2026-01-01,已办结,2026-01-05,,多余列\n")
    assert r.code == 2 and "第 2 行" in r.err and "没有表头" in r.err and "多余列" in r.err
    assert _cases(ws_path) == []


def test_a_totals_row_is_skipped_and_said(importing, ws_path):
    r = importing(HEAD + "1,甲,2026-01-01,,,\n2,乙,2026-01-02,,,\n,合计：2 件,,,,\n")
    assert r.code == 0, r.err
    assert "第 4 行是合计行" in r.out
    titles = [p.read_text("utf-8") for p in _cases(ws_path)]
    assert len(titles) == 2 and not any("合计" in t for t in titles)


@pytest.mark.parametrize(
    "row, where, what",
    [
        ("1,甲,2099-01-01,,,", "登记日期", "晚于今天"),
        ("1,甲,2026-03-01,已办结,2026-02-01,", "办结日期", "早于登记日期"),
        ("1,甲,2026-03-01,,,@cmd", "联系电话", "数字以外的字符"),
        ("1,甲,2026-03-01,,,1391234", "联系电话", "应为 11 位"),
    ],
)
def test_impossible_dates_and_phones_are_refused(importing, ws_path, row, where, what):
    r = importing(HEAD + row + "\n")
    assert r.code == 2, r.out
    assert f"“{where}”列" in r.err and what in r.err, r.err
    assert _cases(ws_path) == []


def test_files_that_are_no_ledger_are_named_in_chinese(ws_path, cli, tmp_path):
    empty_xlsx = tmp_path / "空.xlsx"
    empty_xlsx.write_bytes(b"")
    empty_csv = tmp_path / "空.csv"
    empty_csv.write_bytes(b"")
    no_title = tmp_path / "表头.csv"
    no_title.write_text("序号,来源,类别\n1,热线,环境\n", "utf-8")
    cases = [
        (empty_xlsx, "空.xlsx：不是有效的 .xlsx 文件"),
        (empty_csv, "空.csv 是空的"),
        (no_title, "表头.csv 的前 10 行中找不到表头：缺少“议题名称”列"),
        (tmp_path, "是文件夹"),
    ]
    for path, said in cases:
        r = cli("-C", str(ws_path), "import", str(path))
        assert r.code == 2 and said in r.err, (path, r.err)
        assert "zip" not in r.err and "File" not in r.err and "Error" not in r.err


def test_option_errors_and_open_periods_read_right(ws_path, cli, tmp_path):
    assert cli("street", "init", str(tmp_path / "街道")).code == 0
    r = cli("-C", str(tmp_path / "街道"), "street", "pull", "-j", "0")
    assert r.code == 2 and "参数 --jobs / -j 的值无效" in r.err and "'" not in r.err, r.err
    r = cli("-C", str(ws_path), "report", "--from", "2026/3/5")
    assert r.code == 0 and "2026年3月5日至今" in r.out and "至至今" not in r.out


def test_a_dry_run_lists_a_repeated_number_beside_a_bad_date(ws_path, cli, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_text(
        "议题编号,议题名称,登记日期\n东城〔2026〕13号,甲,2026-13-40\n东城〔2026〕13号,乙,2026-03-01\n",
        "utf-8",
    )
    r = cli("-C", str(ws_path), "import", str(path), "--dry-run")
    assert r.code == 2
    assert "第 2 行" in r.out and "登记日期" in r.out
    assert "原编号“东城〔2026〕13号”与第 2 行重复" in r.out, r.out
