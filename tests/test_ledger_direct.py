"""The ledger's rows written as sheet XML (issue 19): the workbook reads back exactly as the
one openpyxl wrote cell by cell (values, types, number formats, styles, widths, panes,
filters, print settings, properties), no cell can run as a formula, and an unchanged
workspace's masked ledger is copied from ``.xsk/`` instead of written again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import run_xsk

from xsk.reports import ledger, ledger_privacy, stats
from xsk.workspace import settings as workspace

TODAY = dt.date(2026, 6, 1)


def describe(path: Path) -> dict:
    """Everything a reader of the workbook sees, per sheet."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    p = wb.properties
    out: dict = {
        "sheets": wb.sheetnames,
        "props": (p.title, p.subject, p.category, p.keywords, p.description),
    }
    for ws in wb.worksheets:
        cells = [
            (
                c.coordinate,
                c.value,
                c.data_type,
                c.number_format,
                c.quotePrefix,
                repr(c.font),
                repr(c.fill),
                repr(c.border),
                repr(c.alignment),
            )
            for row in ws.iter_rows()
            for c in row
            if c.value is not None or c.has_style
        ]
        out[ws.title] = {
            "cells": cells,
            "widths": {k: v.width for k, v in ws.column_dimensions.items()},
            "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref,
            "print_titles": ws.print_title_rows,
            "setup": (
                ws.page_setup.orientation,
                ws.page_setup.paperSize,
                ws.page_setup.fitToWidth,
                ws.page_setup.fitToHeight,
                ws.sheet_properties.pageSetUpPr.fitToPage,
            ),
            "size": (ws.max_row, ws.max_column),
        }
    return out


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("demo") / "xsk-demo"
    r = run_xsk("demo", str(target), timeout=600)
    assert r.returncode == 0, r.stderr
    return target


@pytest.mark.parametrize("masked", [True, False])
def test_direct_rows_read_back_as_openpyxls_own(demo, tmp_path, masked):
    ws = workspace.load(demo)
    data = stats.load_dataset(ws, ledger=True)
    if not masked:
        ledger_privacy.reveal_proposers(ws, data)
    scrubber = ledger_privacy.ledger_scrubber([ws]) if masked else None
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    ledger.write_ledger([data], old, today=TODAY, scrubber=scrubber, direct=False)
    ledger.write_ledger([data], new, today=TODAY, scrubber=scrubber)
    a, b = describe(old), describe(new)
    assert a == b
    cells = a["议题台账"]["cells"]
    assert len(cells) > 20 * 10
    assert {c[2] for c in cells} >= {"s", "n"}
    assert any(c[3] == "yyyy-mm-dd" for c in cells) and any("h:mm" in c[3] for c in cells)


ODD = [
    '=HYPERLINK("http://x")',
    "+86 138",
    "-1",
    "@SUM(A1)",
    "\tTab",
    "\rcr",
    "'quoted",
    "#N/A",
    "#DIV/0!",
    " leading space",
    "trailing ",
    "   ",
    "a & b < c > d",
    "line\nbreak\r\nwindows",
    "x" * 40000,
    "中文＝全角",
    True,
    False,
    0,
    -7,
    2**40,
    3.25,
    1 / 3,
    Decimal("12.50"),
    float("nan"),
    dt.date(2026, 2, 28),
    dt.date(1900, 2, 1),
    dt.datetime(2026, 3, 12, 14, 30),
    dt.datetime(2026, 3, 12, 14, 30, 15, 123456),
    None,
    "",
]


def test_every_kind_of_value_reads_back_the_same(tmp_path, monkeypatch):
    """Odd values in every column of a sheet, through both writers."""
    rows = [[f"2026-{i:03d}", v, v, v, v, v, v] for i, v in enumerate(ODD, start=1)]

    def rating_rows(_datasets, _period, kind, _community=False):
        return [list(r) for r in rows] if kind == "rating" else []

    monkeypatch.setattr(ledger, "_event_rows", rating_rows)
    datasets = [stats.Dataset("红桥社区", [], [], {})]
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    ledger.write_ledger(datasets, old, today=TODAY, direct=False)
    ledger.write_ledger(datasets, new, today=TODAY)
    a, b = describe(old), describe(new)
    assert a == b
    sheet = a["评议（下评上）"]["cells"]
    assert len(sheet) > len(ODD) * 5
    for _ref, value, kind, _fmt, quoted, *_ in sheet:
        assert kind != "f"  # no cell can run as a formula
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r", "'"):
            assert kind == "s" and quoted, value


def test_a_control_character_is_refused_as_by_openpyxl():
    from openpyxl.utils.exceptions import IllegalCharacterError

    from xsk.reports import sheetxml

    styles = sheetxml.Styles("2", "3", "4")
    with pytest.raises(IllegalCharacterError):
        sheetxml.cell("B2", "bell\x07", styles)
    with pytest.raises(TypeError):
        sheetxml.cell("B2", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), styles)
    with pytest.raises(ValueError):
        sheetxml.cell("B2", object(), styles)


def test_an_unchanged_workspace_copies_its_last_masked_ledger(ws, cli, tmp_path, monkeypatch):
    from test_reports import build_sample

    from xsk.casework import index

    monkeypatch.setattr(index, "RACY_NS", 0)  # files written a moment ago count as settled
    monkeypatch.setenv("XSK_NOW", "2026-06-01T10:00:00+08:00")
    ids = build_sample(ws)
    cache = ws.state_dir / "ledger-cache.bin"
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    assert cli("-C", str(ws.root), "report", "--xlsx", str(first)).code == 0
    assert cache.is_file()
    made = cache.stat().st_mtime_ns
    assert cli("-C", str(ws.root), "report", "--xlsx", str(second)).code == 0
    assert second.read_bytes() == first.read_bytes()
    assert cache.stat().st_mtime_ns == made  # copied, not written again
    # a case changed: written again, with the new title
    case_toml = ws.cases_dir / ids["a"] / "case.toml"
    text = case_toml.read_text("utf-8")
    case_toml.write_text(text.replace("3号楼加装电梯", "3号楼加装电梯（二期）"), encoding="utf-8")
    third = tmp_path / "3.xlsx"
    assert cli("-C", str(ws.root), "report", "--xlsx", str(third)).code == 0
    titles = [r[2] for r in _rows(third)]
    assert "3号楼加装电梯（二期）" in titles
    # another day: 逾期 may have changed, written again
    monkeypatch.setenv("XSK_NOW", "2026-09-01T10:00:00+08:00")
    before = cache.read_bytes()
    assert cli("-C", str(ws.root), "report", "--xlsx", str(tmp_path / "4.xlsx")).code == 0
    assert cache.read_bytes() != before
    # the internal ledger is never cached, nor served from the masked one's cache
    before = cache.read_bytes()
    internal = tmp_path / "内部.xlsx"
    assert cli("-C", str(ws.root), "report", "--xlsx", str(internal), "--reveal").code == 0
    assert cache.read_bytes() == before
    assert internal.read_bytes() != (tmp_path / "4.xlsx").read_bytes()
    assert any(str(r[15]).startswith("张") and "某" not in str(r[15]) for r in _rows(internal))


def _rows(path: Path) -> list[tuple]:
    from openpyxl import load_workbook

    return list(load_workbook(path).worksheets[0].iter_rows(min_row=2, values_only=True))
