"""The statistics report, the ledger and the 督办单 of a workspace, built together (``xsk demo``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from xsk.documents import plan as documents
from xsk.reports import ledger, report_doc, stats, supervision
from xsk.reports.ledger_privacy import ledger_scrubber
from xsk.workspace.settings import Workspace


def report_and_supervision(ws: Workspace, today: dt.date) -> list[Path]:
    """The statistics report and the 督办单 as .docx (what ``docs build --pdf`` converts besides
    the case and meeting documents)."""
    period = stats.Period()
    data = stats.load_dataset(ws, ledger=True)
    figures = stats.compute([data], period, today)
    tables = report_doc.doc_tables(figures, data.procedure_names)
    ws.out_dir.mkdir(parents=True, exist_ok=True)
    docx, _warnings = report_doc.write_report(
        [ws], figures, tables, ws.out_dir / "统计报告.docx", period=period, today=today
    )
    notices = documents.run_jobs(ws, supervision.supervision_jobs(ws, today))
    return [docx, *notices.built, *notices.skipped]


def demo_outputs(ws: Workspace, today: dt.date) -> list[str]:
    """Build the statistics report (.docx) and the ledger (.xlsx) of ``ws`` into its output
    folder (for ``xsk demo``); returns the lines to show."""
    period = stats.Period()
    data = stats.load_dataset(ws, ledger=True)
    figures = stats.compute([data], period, today)
    tables = report_doc.doc_tables(figures, data.procedure_names)
    ws.out_dir.mkdir(parents=True, exist_ok=True)
    xlsx = ledger.write_ledger(
        [data], ws.out_dir / "台账.xlsx", period=period, today=today, scrubber=ledger_scrubber([ws])
    )
    docx, warnings = report_doc.write_report(
        [ws], figures, tables, ws.out_dir / "统计报告.docx", period=period, today=today
    )
    lines = [f"统计报告：{ws.rel(docx)}", f"台账：{ws.rel(xlsx)}"]
    notices = documents.run_jobs(ws, supervision.supervision_jobs(ws, today))
    for path in [*notices.built, *notices.skipped]:
        lines.append(f"督办单：{ws.rel(path)}")
    return lines + [f"提示：{w}" for w in warnings]
