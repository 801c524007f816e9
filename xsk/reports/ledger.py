"""The 台账 ledger: an .xlsx workbook as inspectors expect it (openpyxl, write-only mode).

Sheets: 议题台账 (one row per case), 协商会议, 协商成果, 回访记录, 评议（下评上）. Every sheet
has a frozen, filterable header row and column widths fitted to the content. By default every
text is masked as on public documents (:mod:`xsk.reports.ledger_privacy`); the internal
ledger (``report --xlsx --reveal``) is marked 内部 in its document properties. A text that
looks like a formula is stored as text (:mod:`xsk.reports.cells`).

The first sheet's headers are also the column names :mod:`xsk.importer` understands, so an
exported ledger can be imported into another workspace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from xsk.reports.stats import RESULT_LABELS, Dataset, Period, is_escalated, is_voted, voted_cases

CASE_COLUMNS = (
    "序号",
    "议题编号",
    "议题名称",
    "来源",
    "类别",
    "层级",
    "协商形式",
    "协商时间",
    "参与人数",
    "协商结果",
    "责任单位",
    "办结时限",
    "办理情况",
    "满意度",
    "回访日期",
    "提出人",
    "联系电话",
    "登记日期",
    "办结日期",
    "协商程序",
    "是否表决",
    "是否提请上级",
    "备注",
    "原编号",  # the case's number in a ledger kept before xsk (xsk import)
)
MEETING_COLUMNS = (
    "序号",
    "会议编号",
    "会议名称",
    "协商形式",
    "会议时间",
    "地点",
    "主持人",
    "涉及议题",
    "出席",
    "列席",
    "请假",
    "缺席",
    "参与人次",
    "表决议题数",
)
OUTCOME_COLUMNS = (
    "序号",
    "议题编号",
    "议题名称",
    "事项序号",
    "协商事项",
    "责任单位",
    "办结时限",
    "办理状态",
    "办理进展",
    "办结日期",
    "是否按时",
    "监督人",
    "会议编号",
    "时限说明",
)
VISIT_COLUMNS = (
    "序号",
    "议题编号",
    "议题名称",
    "回访日期",
    "回访人",
    "回访方式",
    "满意度",
    "意见建议",
)
RATING_COLUMNS = (
    "序号",
    "议题编号",
    "议题名称",
    "被评议单位",
    "评分",
    "评议人",
    "评议意见",
    "评议日期",
)
COMMUNITY = "所属社区"
MAX_WIDTH = 60


def _date(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso[:10]) if iso else None


def _time(iso: str | None) -> dt.datetime | None:
    if not iso:
        return None
    if len(iso) <= 10:
        day = dt.date.fromisoformat(iso)
        return dt.datetime(day.year, day.month, day.day)
    return dt.datetime.fromisoformat(iso).replace(tzinfo=None)


def handling(rec: Mapping[str, Any], today_iso: str) -> str:
    """办理情况: the result label of a closed case, else 逾期未办结 / 办理中 / 协商中."""
    if rec["status"] == "closed":
        return RESULT_LABELS.get(rec.get("result") or "closed", "已办结")
    if rec["due"] and rec["due"] < today_iso:
        return "逾期未办结"
    return "办理中" if rec.get("outcomes") else "协商中"


def case_rows(
    data: Dataset, period: Period, today: dt.date, *, community: bool = False
) -> Iterable[list[Any]]:
    """Rows of the 议题台账 sheet (without 序号) for the cases of ``data`` in ``period``."""
    today_iso = today.isoformat()
    meetings = {m["id"]: m for m in data.meetings}
    voted = voted_cases(data.meetings)
    for rec in data.cases:
        if not period.contains(rec["created"]):
            continue
        imp = rec.get("imported") or {}
        meeting = next((meetings[m] for m in rec.get("meetings", ()) if m in meetings), None)
        if meeting is not None:
            form = meeting.get("form") or rec.get("form", "")
            when: Any = _time(meeting.get("time"))
            att = meeting.get("attendance", {})
            people: Any = att.get("出席", 0) + att.get("列席", 0)
            resolutions = [
                r
                for m in rec.get("meetings", ())
                for t in meetings.get(m, {}).get("topics", ())
                if t.get("case") == rec["id"]
                for r in t.get("resolutions", ())
            ]
        else:
            form = rec.get("form") or imp.get("form", "")
            when = _time(imp.get("meeting_time")) if imp.get("meeting_time") else None
            people = imp.get("participants", "")
            resolutions = []
        items = rec.get("outcomes", ())
        result = (
            "；".join(resolutions)
            or imp.get("resolution", "")
            or "；".join(i["item"] for i in items)
            or rec.get("close_reason", "")
        )
        units = "、".join(dict.fromkeys(i["unit"] for i in items))
        deadlines = [i["deadline"] for i in items if i["deadline"]]
        visits = sorted(
            (e for e in rec.get("events", ()) if e["kind"] == "visit"),
            key=lambda e: e.get("date") or "",
        )
        last = visits[-1] if visits else None
        proposers = rec.get("proposers", ())
        row = [
            rec["id"],
            rec["title"],
            rec.get("channel", ""),
            rec["category"],
            rec["level"],
            form,
            when,
            people,
            result,
            units,
            _date(max(deadlines)) if deadlines else None,
            handling(rec, today_iso),
            last["satisfaction"] if last else "",
            _date(last.get("date")) if last else None,
            "、".join(p["name"] for p in proposers),
            "、".join(p["phone"] for p in proposers if p["phone"]),
            _date(rec["created"]),
            _date(rec.get("closed")),
            data.procedure_names.get(rec["procedure"], rec["procedure"]),
            "是" if is_voted(rec, voted) else "否",
            "是" if is_escalated(rec) else "否",
            _remark(rec, result, data),
            rec.get("original_id", ""),
        ]
        if community:
            row.append(data.name)
        yield row


PROVISIONAL_REMARK = "办结时限按暂定节假日推算（节假日安排以国务院公布为准）"


def _provisional(data: Dataset, it: Mapping[str, Any]) -> bool:
    from xsk.workspace.calendars import item_provisional

    return it["status"] != "已办结" and item_provisional(data.provisional_years, it)


def _remark(rec: Mapping[str, Any], result: str, data: Dataset) -> str:
    """备注: a closing reason not already shown as the result, and a provisional deadline."""
    parts = []
    if rec.get("close_reason") and result != rec.get("close_reason"):
        parts.append(str(rec["close_reason"]))
    if any(_provisional(data, it) for it in rec.get("outcomes", ())):
        parts.append(PROVISIONAL_REMARK)
    return "；".join(parts)


def write_ledger(
    datasets: Sequence[Dataset],
    out_path: Path,
    *,
    period: Period | None = None,
    today: dt.date | None = None,
    scrubber: Any = None,
    direct: bool = True,
) -> Path:
    """Write the ledger workbook to ``out_path`` (atomically) and return the path.

    With ``scrubber`` (:func:`xsk.reports.ledger_privacy.ledger_scrubber`) every text is
    masked as on public documents and the workbook is marked 已脱敏; without, it is the
    internal ledger, marked 内部. openpyxl writes the frame of each sheet (header, widths,
    panes, filter, print settings, styles, properties); the data rows are written into it
    as text (:mod:`xsk.reports.sheetxml`), or with ``direct=False`` cell by cell through
    openpyxl (the reference the direct writer is tested against).
    """
    from openpyxl import Workbook

    from xsk.reports import ledger_privacy

    period = period or Period()
    today = today or dt.date.today()
    many = len(datasets) > 1
    wb = Workbook(write_only=True)

    # several communities: every sheet says whose each row is (case numbers repeat across them)
    def cols(columns: tuple[str, ...]) -> tuple[str, ...]:
        return (*columns, COMMUNITY) if many else columns

    # each sheet's rows made when it is written: the unmasked rows of one sheet at a time
    sheets: list[tuple[str, Sequence[str], Callable[[], list[list[Any]]]]] = [
        (
            "议题台账",
            cols(CASE_COLUMNS),
            lambda: [r for d in datasets for r in case_rows(d, period, today, community=many)],
        ),
        ("协商会议", cols(MEETING_COLUMNS), lambda: _meeting_rows(datasets, period, many)),
        (
            "协商成果",
            cols(OUTCOME_COLUMNS),
            lambda: _outcome_rows(datasets, period, today, many),
        ),
        ("回访记录", cols(VISIT_COLUMNS), lambda: _event_rows(datasets, period, "visit", many)),
        (
            "评议（下评上）",
            cols(RATING_COLUMNS),
            lambda: _event_rows(datasets, period, "rating", many),
        ),
    ]
    masked_cache: dict[str, str] = {}
    filled: list[tuple[int, list[list[Any]]]] = []
    for i, (title, cols, make_rows) in enumerate(sheets):
        sheet_rows = make_rows()
        if scrubber is not None:
            sheet_rows = ledger_privacy.mask_rows(cols, sheet_rows, scrubber, masked_cache)
        freeze = "C2" if title == "议题台账" else "A2"
        _sheet(
            wb, title, cols, sheet_rows, freeze=freeze, rows_too=not direct, probe=direct and i == 0
        )
        filled.append((len(cols) - 1, sheet_rows))
    ledger_privacy.mark(wb, masked=scrubber is not None)
    import io

    from xsk.store import atomic

    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if direct:
        from xsk.reports import sheetxml

        data = sheetxml.fill(data, filled)
    atomic.write_bytes(Path(out_path), data)
    return Path(out_path)


def _in_period(datasets: Sequence[Dataset], period: Period):
    for data in datasets:
        for rec in data.cases:
            if period.contains(rec["created"]):
                yield data, rec


def _meeting_rows(
    datasets: Sequence[Dataset], period: Period, community: bool = False
) -> list[list[Any]]:
    rows = []
    for data in datasets:
        for m in data.meetings:
            if not period.contains(m.get("date")):
                continue
            att = m.get("attendance", {})
            rows.append(
                [
                    m["id"],
                    m.get("title", ""),
                    m.get("form", ""),
                    _time(m.get("time")),
                    m.get("venue", ""),
                    m.get("host", ""),
                    "、".join(m.get("cases", ())),
                    att.get("出席", 0),
                    att.get("列席", 0),
                    att.get("请假", 0),
                    att.get("缺席", 0),
                    att.get("出席", 0) + att.get("列席", 0),
                    sum(1 for t in m.get("topics", ()) if t.get("voted")),
                    *([data.name] if community else []),
                ]
            )
    return rows


def _outcome_rows(
    datasets: Sequence[Dataset], period: Period, today: dt.date, community: bool = False
) -> list[list[Any]]:
    today_iso = today.isoformat()
    rows = []
    for data, rec in _in_period(datasets, period):
        for it in rec.get("outcomes", ()):
            deadline, done = it["deadline"], it["done"]
            status = it["status"]
            if status != "已办结" and deadline and deadline < today_iso:
                status = "逾期"
            on_time = ""
            if it["status"] == "已办结" and deadline and done:
                on_time = "是" if done <= deadline else "否"
            rows.append(
                [
                    rec["id"],
                    rec["title"],
                    it["no"],
                    it["item"],
                    it["unit"],
                    _date(deadline),
                    status,
                    it["progress"],
                    _date(done),
                    on_time,
                    it["supervisor"],
                    it["meeting"],
                    "按暂定节假日推算，以国务院公布为准" if _provisional(data, it) else "",
                    *([data.name] if community else []),
                ]
            )
    return rows


def _event_rows(
    datasets: Sequence[Dataset], period: Period, kind: str, community: bool = False
) -> list[list[Any]]:
    rows = []
    for data, rec in _in_period(datasets, period):
        whose = [data.name] if community else []
        for e in rec.get("events", ()):
            if e["kind"] != kind:
                continue
            if kind == "visit":
                rows.append(
                    [
                        rec["id"],
                        rec["title"],
                        _date(e.get("date")),
                        e.get("visitor", ""),
                        e.get("method", ""),
                        e["satisfaction"],
                        e.get("comment", ""),
                        *whose,
                    ]
                )
            else:
                rows.append(
                    [
                        rec["id"],
                        rec["title"],
                        e["unit"],
                        e["score"],
                        e.get("by", ""),
                        e.get("comment", ""),
                        _date(e.get("date")),
                        *whose,
                    ]
                )
    return rows


def _text_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    text = str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _sheet(
    wb: Any,
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    freeze: str = "A2",
    rows_too: bool = True,
    probe: bool = False,
) -> None:
    """One sheet: bold grey header, frozen panes, auto filter, widths, A4 landscape print;
    the rows too, or (``probe``) the probe row of :mod:`xsk.reports.sheetxml`."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    widths = [_text_width(c) for c in columns]
    for row in rows[:2000]:  # widths from a sample: enough for the shape of the data
        for i, value in enumerate(row, start=1):
            w = _text_width(value)
            if w > widths[i]:
                widths[i] = w
    widths[0] = max(widths[0], len(str(len(rows))) + 2)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(w + 2, MAX_WIDTH)
    ws.freeze_panes = freeze
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    thin = Side(style="thin", color="999999")
    font = Font(name="黑体", bold=True)
    fill = PatternFill("solid", fgColor="D9D9D9")
    align = Alignment(horizontal="center", vertical="center", wrap_text=True)
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header = []
    for name in columns:
        cell = WriteOnlyCell(ws, value=name)
        cell.font, cell.fill, cell.alignment, cell.border = font, fill, align, border
        header.append(cell)
    ws.append(header)
    if probe:
        from xsk.reports.sheetxml import probe_cells

        ws.append(probe_cells(ws))
    if not rows_too:
        return
    # dates go in as dates: openpyxl gives them a date number format (filterable in Excel)
    from xsk.reports.cells import xlsx_row

    # no cell for an empty value; a text that looks like a formula stays text
    for n, row in enumerate(rows, start=1):
        ws.append([n, *xlsx_row(ws, row)])
