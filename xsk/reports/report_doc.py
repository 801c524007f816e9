"""The statistics report as an official document (.docx, GB/T 9704 layout, with charts).

Rendering goes through :func:`xsk.documents.docx.render_document` with the ``report`` template
(workspace override in ``templates/documents/report.docx`` first, then the built-in one).
The report is internal (``public=False``): it holds only aggregate figures anyway.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xsk.core.cnfmt import cn_date
from xsk.reports import stats
from xsk.reports.definitions import REPORT_DEFINITIONS

MAX_ROWS = 12  # rows per table in the printed report (the ledger has every row)


@dataclass(frozen=True)
class StreetScope:
    """What ``xsk street report`` adds to a report over its communities: the street's name,
    each community's name as registered in the street (in the order of the workspaces), the
    communities left out and why ("断网社区（未能拉取）"), and where bare file names go."""

    name: str
    labels: tuple[str, ...]
    left_out: tuple[str, ...]
    out_dir: Path


def doc_tables(
    report: Mapping[str, Any],
    procedure_names: Mapping[str, str] | None = None,
    per_workspace: Sequence[tuple[str, Mapping[str, Any]]] = (),
) -> list[dict[str, Any]]:
    """The tables of the printed report: at most ``MAX_ROWS`` rows each, percentages as an
    office writes them ("82.4%", "100%"; ``--json`` keeps its two decimals)."""
    return stats.tables(report, procedure_names, per_workspace, max_rows=MAX_ROWS, office=True)


def period_text(period: stats.Period, today: dt.date) -> str:
    """The line under the title: the period and the day the figures were taken."""
    if period.start is None and period.end is None:
        return f"统计范围：截至{cn_date(today)}登记的全部议题"
    return f"统计期间：{period.label()}；统计日期：{cn_date(today)}"


def title_and_issuer(
    workspaces: Sequence[Any], street: StreetScope | None = None
) -> tuple[str, str]:
    """Document title and issuing body: the community's, or the street's for several (or
    for ``xsk street report``, whatever the communities call their street)."""
    first = workspaces[0].settings
    if street is not None:
        office = (
            street.name if street.name.endswith(("办事处", "街道办")) else f"{street.name}办事处"
        )
        return f"{street.name}社区协商议事工作统计报告", office
    if len(workspaces) == 1:
        return f"{first.community}协商议事工作统计报告", first.issuing_body
    streets = {ws.settings.street for ws in workspaces}
    street = first.street if len(streets) == 1 and first.street else ""
    if street:
        return f"{street}社区协商议事工作统计报告", f"{street}办事处"
    return "社区协商议事工作统计报告", first.issuing_body


def context(
    workspaces: Sequence[Any],
    report: Mapping[str, Any],
    tables: Sequence[Mapping[str, Any]],
    charts: Sequence[Mapping[str, str]],
    period: stats.Period,
    today: dt.date,
    street: StreetScope | None = None,
) -> dict[str, Any]:
    """The ``report`` template's context."""
    title, issuer = title_and_issuer(workspaces, street)
    if street is not None:
        community = "、".join(street.labels)
    else:
        community = "、".join(ws.settings.community for ws in workspaces)
    lines = stats.summary_lines(report, office=True)
    if street is not None and street.left_out:  # a reader must see the report is incomplete
        lines.append("未纳入本次统计的社区：" + "、".join(street.left_out) + "。")
    return {
        "doc_title": title,
        "issuer": issuer,
        "date": cn_date(today),
        "case_ids": _id_span(workspaces),
        "community": community,
        "period": period_text(period, today),
        "summary_lines": lines,
        "tables": [dict(t) for t in tables],
        "charts": [dict(c) for c in charts],
        "definitions": list(REPORT_DEFINITIONS),
    }


def _id_span(workspaces: Sequence[Any]) -> list[str]:
    """The keywords of the report: the span of case numbers it covers (listing 10,000
    numbers in the document properties would help nobody)."""
    from xsk.workspace import cases as store

    ids = sorted(cid for ws in workspaces for cid in store.case_ids(ws))
    if len(ids) <= 3:
        return ids
    return [f"{ids[0]}～{ids[-1]}（共{len(ids)}个议题）"]


def template_dirs(workspaces: Sequence[Any]) -> list[Path]:
    from xsk.documents.docx import builtin_templates_dir

    return [workspaces[0].templates_dir / "documents", builtin_templates_dir()]


def write_report(
    workspaces: Sequence[Any],
    report: Mapping[str, Any],
    tables: Sequence[Mapping[str, Any]],
    out_path: Path,
    *,
    period: stats.Period,
    today: dt.date,
    charts: bool = True,
    street: StreetScope | None = None,
) -> tuple[Path, list[str]]:
    """Render the report to ``out_path``; returns the path and warnings (e.g. no CJK font)."""
    from xsk.core.errors import UsageError
    from xsk.documents import docx

    warnings: list[str] = []
    with tempfile.TemporaryDirectory(prefix="xsk-charts-") as tmp:
        images: list[dict[str, str]] = []
        if charts:
            from xsk.reports import charts as chartmod

            images, warnings = chartmod.make_charts(report, Path(tmp))
        ctx = context(workspaces, report, tables, images, period, today, street)
        try:
            docx.render_document(
                "report",
                ctx,
                Path(out_path),
                template_dirs=template_dirs(workspaces),
                public=False,
                traditional=workspaces[0].settings.traditional,
            )
        except docx.TemplateError as exc:
            raise UsageError(str(exc)) from None
    return Path(out_path), warnings
