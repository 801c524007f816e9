"""Import an existing ledger (台账, .xlsx or .csv) as cases, all or nothing.

Columns are found by their Chinese headers (序号, 议题编号, 议题名称, 来源, 类别, 层级, 协商形式,
协商时间, 参与人数, 协商结果, 责任单位, 办结时限, 办理情况/状态, 满意度, 回访日期, 登记日期, 办结日期,
提出人, 联系电话 ...; see :data:`COLUMNS`), or through a mapping file (TOML, header -> field)::

    # mapping.toml
    [columns]
    "事项名称" = "title"
    "经办单位" = "unit"

Every row is validated in one pass before anything is written; an error names the file, the
row and the column. Then each row becomes a case folder (case.toml, outcomes.toml when a
responsible unit is given, a visit event when a satisfaction is given), written by a small
TOML writer of its own (:func:`_dump`) straight into ``cases/`` (the journal lists it first),
and everything is committed with one ``git add`` and one commit. A failure on the way
removes what was written.

Numbers: a 议题编号 of xsk's form (``2026-007``, ``2026-B012``) is kept as the folder name.
A row without one (a ledger kept before xsk: only 序号, or its own numbering such as
``DC-2026-0001`` or ``东城〔2026〕12号``) gets the next number of this clone's series for the
year it was registered, in row order, above every number the workspace and the ledger use;
its own number (a 原编号 column, else its 议题编号, else its 序号) is kept as
``original_id`` (原编号) in case.toml. A 原编号 already in the workspace or twice in the file
is an error (importing the same ledger twice); a 序号 is not checked (it restarts every year).

What a row becomes:

* procedure: the workspace default; status closed when 办理情况 says 已办结/办结/完成 (not
  未办结), or 不予协商 / 不具备实施条件 / 提请上级处理 (with that result); otherwise open.
* created: 登记日期, else the date of 协商时间, 办结时限 or 办结日期, else today.
* 协商形式, 协商时间, 参与人数, 协商结果 and the source row are kept in ``[answers.import]``.
* 是否表决 / 是否提请上级 = 是 add a history entry "vote" / "escalate" (for the statistics).

Why this module is long: one pass over a ledger: header mapping, per-row validation with row/column messages, and the all-or-nothing write belong together; split, each part would need the others' row model.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import secrets
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from xsk.core.errors import UsageError
from xsk.core.model import LEVELS, SATISFACTION, original_id_problem
from xsk.workspace import numbering
from xsk.workspace.settings import Workspace

# field -> accepted headers (first = the ledger's own header)
COLUMNS: dict[str, tuple[str, ...]] = {
    "no": ("序号",),
    "id": ("议题编号", "编号", "议题序号"),
    "original": ("原编号", "原议题编号", "原台账编号", "台账编号"),
    "title": ("议题名称", "议题", "事项名称", "议题内容", "协商议题"),
    "channel": ("来源", "议题来源", "来源渠道"),
    "category": ("类别", "议题类别", "事项类别"),
    "level": ("层级", "协商层级"),
    "form": ("协商形式", "议事形式"),
    "meeting_time": ("协商时间", "会议时间", "议事时间"),
    "participants": ("参与人数", "参与人次", "参会人数"),
    "resolution": ("协商结果", "协商成果", "议定事项"),
    "unit": ("责任单位", "责任主体", "承办单位"),
    "deadline": ("办结时限", "完成时限", "时限"),
    "state": ("办理情况", "状态", "办理状态", "办结情况"),
    "satisfaction": ("满意度", "群众满意度", "回访满意度"),
    "visit_date": ("回访日期", "回访时间"),
    "created": ("登记日期", "受理日期", "提出日期", "收集日期"),
    "closed": ("办结日期", "办结时间", "完成日期"),
    "proposer": ("提出人", "反映人"),
    "phone": ("联系电话", "电话"),
    "description": ("问题描述", "情况说明", "具体情况"),
    "note": ("备注",),
    "voted": ("是否表决",),
    "escalated": ("是否提请上级",),
    "ignore": ("协商程序", "所属社区"),
}
FIELD_NAMES = {f: names[0] for f, names in COLUMNS.items()}
_MASKED_PHONE = re.compile(r"^\d{3}\*{4}\d{4}$")  # as a masked ledger shows it
UNIT_SPLIT = re.compile(r"[、，,；;/]+")
MAX_SHOWN = 20
HEADER_SCAN = 10  # rows searched for the header (a title row may come first)

_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})秒?)?)?$"
)


@dataclass
class RowError:
    row: int
    column: str  # header text
    letter: str  # spreadsheet column letter or number
    message: str

    def format(self, file: str) -> str:
        where = f"“{self.column}”列（{self.letter} 列）" if self.column else ""
        return f"{file} 第 {self.row} 行{where}：{self.message}"


@dataclass
class Planned:
    """One validated row, ready to be written."""

    row: int
    case: dict[str, Any]
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    visit: dict[str, Any] | None = None
    original: str = ""  # 原编号 (the ledger's own number), kept in case.toml
    original_field: str = ""  # the column it came from: original, id or no (序号)
    numbered: bool = False  # its number was given from the workspace's series


@dataclass
class ImportResult:
    file: str
    rows: int
    cases: int = 0
    closed: int = 0
    errors: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    committed: bool = False
    dry_run: bool = False
    # rows given a number from the workspace's series: {"row", "original", "id"}, in row order
    numbered: list[dict[str, Any]] = field(default_factory=list)
    # totals rows under the table, not imported: {"row", "text"}
    skipped: list[dict[str, Any]] = field(default_factory=list)


# --- reading the file ------------------------------------------------------------------------


def read_table(path: Path) -> tuple[list[list[Any]], bool]:
    """All rows of the first sheet (xlsx) or the CSV; the bool tells whether it was xlsx."""
    suffix = path.suffix.lower()
    if path.is_dir():
        raise UsageError(f"“{path}”是文件夹，请指定台账文件（.xlsx 或 .csv）")
    if not path.is_file():
        raise UsageError(f"找不到文件：{path}")
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path), True
    if suffix in (".csv", ".txt"):
        return _read_csv(path), False
    raise UsageError(f"不支持的文件类型：{path.name}", hint="请使用 .xlsx 或 .csv 文件")


def _read_xlsx(path: Path) -> list[list[Any]]:
    """The first sheet's values. A cell holding a formula is read as the value Excel last
    computed for it; a formula without one (the file was never opened in a spreadsheet
    program) is refused with its row and column, never imported as the formula."""
    rows = _xlsx_rows(path, data_only=False)
    formulas = [
        (r, c)
        for r, row in enumerate(rows, start=1)
        for c, v in enumerate(row, start=1)
        if isinstance(v, str) and v.startswith("=")
    ]
    if not formulas:
        return rows
    values = _xlsx_rows(path, data_only=True)
    missing = [(r, c) for r, c in formulas if _at(values, r, c) is None]
    if missing:
        where = "、".join(f"第 {r} 行 {_letter(c - 1, True)} 列" for r, c in missing[:5])
        more = f"等 {len(missing)} 处" if len(missing) > 5 else ""
        raise UsageError(
            f"{path.name} 的 {where}{more}是公式且没有计算结果，不予导入",
            hint="请在 Excel 或 WPS 中打开并保存（或把公式转为数值）后再导入",
        )
    return values


def _at(rows: list[list[Any]], r: int, c: int) -> Any:
    return rows[r - 1][c - 1] if r <= len(rows) and c <= len(rows[r - 1]) else None


def _xlsx_rows(path: Path, *, data_only: bool) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl's own words are English
        import zipfile

        why = (
            "不是有效的 .xlsx 文件（可能是空文件、改了扩展名的 .xls，或文件已损坏）"
            if isinstance(exc, (zipfile.BadZipFile, KeyError, EOFError))
            else "文件已损坏或格式不对"
        )
        raise UsageError(
            f"无法打开 Excel 文件 {path.name}：{why}",
            hint="请在 Excel 或 WPS 中另存为 .xlsx 后再导入",
        ) from None
    try:
        sheet = wb.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        wb.close()
    for n, row in enumerate(rows, start=1):
        if any(isinstance(c, str) and len(c) > MAX_CELL for c in row):
            raise UsageError(_too_long(path, n))
    return rows


MAX_CELL = 131072  # characters in one cell (the csv module's own limit)


def _too_long(path: Path, line: int) -> str:
    return f"{path.name} 第 {line} 行：单元格过长（超过 {MAX_CELL} 个字符）"


def _read_csv(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise UsageError(f"{path.name} 的编码无法识别", hint="请另存为 UTF-8 编码的 CSV")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    # strict: a quote left open swallows every later line into one cell (without strict,
    # silently, as the last row's title)
    reader = csv.reader(text.splitlines(), dialect, strict=True)
    rows: list[list[Any]] = []
    started = 1  # the line the row being read began on
    try:
        for r in reader:
            rows.append(list(r))
            started = reader.line_num + 1
    except csv.Error as exc:  # a cell over the field limit, a NUL, a broken quote
        if "field limit" in str(exc):
            raise UsageError(_too_long(path, reader.line_num)) from None
        raise UsageError(f"{path.name} 第 {started} 行：{_csv_problem(str(exc))}") from None
    return rows


def _csv_problem(text: str) -> str:
    """The csv module's error in Chinese."""
    if "unexpected end of data" in text or "EOF" in text:
        return "引号没有闭合（这一行的某个单元格以英文引号开头，到文件末尾也没有结束引号）"
    if "expected" in text and "after" in text:
        return "引号用法有误（单元格中的英文引号应写成两个引号，或整个单元格用引号括起）"
    if "NUL" in text or "null byte" in text:
        return "含有空字符（NUL），不是文本格式的 CSV"
    return "CSV 格式有误"


def load_mapping(path: Path | None) -> dict[str, str]:
    """Header -> field from a TOML mapping file (``[columns]`` table or top-level keys)."""
    if path is None:
        return {}
    from xsk.store import tomlio

    data, text = tomlio.read(path)
    table = data.get("columns", data)
    if not isinstance(table, Mapping):
        raise UsageError(f"{path}：[columns] 应为表（表头 = 字段名）")
    out: dict[str, str] = {}
    for header, fld in table.items():
        if not isinstance(fld, str) or fld not in COLUMNS:
            line = tomlio.locate(text, ("columns", header) if "columns" in data else (header,))
            raise UsageError(
                f"{path}:{line}：“{header}”对应的字段“{fld}”无效",
                hint="可用字段：" + "、".join(f for f in COLUMNS if f != "ignore"),
            )
        out[str(header).strip()] = fld
    return out


def _letter(index: int, xlsx: bool) -> str:
    if not xlsx:
        return str(index + 1)
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def find_header(
    rows: Sequence[Sequence[Any]], mapping: Mapping[str, str], file_name: str = "台账"
) -> tuple[int, dict[str, int], list[str]]:
    """(row index of the header, field -> column index, unknown headers)."""
    lookup = {h: f for f, names in COLUMNS.items() for h in names}
    lookup.update(mapping)
    for i, row in enumerate(rows[:HEADER_SCAN]):
        cols: dict[str, int] = {}
        unknown = []
        for j, cell in enumerate(row):
            header = _clean_header(cell)
            if not header:
                continue
            fld = lookup.get(header)
            if fld is None:
                unknown.append(header)
            elif fld not in cols:
                cols[fld] = j
        if "title" in cols or "id" in cols:
            return i, cols, unknown
    filled = [
        (i, [_clean_header(c) for c in row if _clean_header(c)])
        for i, row in enumerate(rows[:HEADER_SCAN])
    ]
    filled = [(i, cells) for i, cells in filled if cells]
    if not filled:
        raise UsageError(f"{file_name} 是空的（前 {HEADER_SCAN} 行没有任何内容）")
    i, cells = max(filled, key=lambda x: len(x[1]))  # the likeliest header row
    shown = "、".join(f"“{c[:12]}”" for c in cells[:8]) + ("等" if len(cells) > 8 else "")
    raise UsageError(
        f"{file_name} 的前 {HEADER_SCAN} 行中找不到表头：缺少“议题名称”列（或“议题编号”列）；"
        f"第 {i + 1} 行的列为 {shown}",
        hint="表头名称不同时，用 --mapping 指定对应关系",
    )


def _clean_header(cell: Any) -> str:
    if cell is None:
        return ""
    return re.sub(r"\s+", "", str(cell)).replace("（", "(").split("(")[0]


# --- validating ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_date(value: Any) -> tuple[dt.date | None, str]:
    """A date from a cell: a date, an Excel serial number or text like 2026-03-02,
    2026/3/2, 2026.3.2 or 2026年3月2日. Returns (date, error)."""
    when, err = parse_datetime(value)
    if err:
        return None, err
    return (when.date() if when else None), ""


def parse_datetime(value: Any) -> tuple[dt.datetime | None, str]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, microsecond=0), ""
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day), ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel serial date (1954..2119)
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).replace(microsecond=0), ""
        return None, f"应为日期（如 2026-03-02），实际为 {_text(value)}"
    text = str(value).strip()
    m = _DATE_RE.match(text)
    if not m:
        return None, f"日期格式不对：“{text}”（应如 2026-03-02 或 2026年3月2日）"
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
    try:
        return dt.datetime(y, mo, d, h, mi, s), ""
    except ValueError:
        return None, f"日期无效：“{text}”"


def case_state(text: str) -> tuple[str, str]:
    """(status, result) from the 办理情况 cell."""
    t = text.replace(" ", "")
    if not t:
        return "open", ""
    if any(k in t for k in ("未办结", "未完成", "未解决", "办理中", "逾期", "协商中", "待办")):
        return "open", ""
    if "不予协商" in t:
        return "closed", "out_of_scope"
    if "不具备" in t:
        return "closed", "not_feasible"
    if "提请上级" in t:
        return "closed", "escalated"
    if any(k in t for k in ("办结", "完成", "已解决", "已落实")):
        return "closed", "resolved"
    return "open", ""


def _yes(text: str) -> bool:
    return text.strip() in ("是", "Y", "y", "yes", "true", "1", "√")


class _Row:
    """Cell access for one row with error collection."""

    def __init__(self, values: Sequence[Any], cols: Mapping[str, int], headers, lineno, xlsx):
        self.values = values
        self.cols = cols
        self.headers = headers
        self.lineno = lineno
        self.xlsx = xlsx
        self.errors: list[RowError] = []

    def raw(self, fld: str) -> Any:
        j = self.cols.get(fld)
        if j is None or j >= len(self.values):
            return None
        return self.values[j]

    def text(self, fld: str) -> str:
        return _text(self.raw(fld))

    def error(self, fld: str, message: str) -> None:
        j = self.cols.get(fld)
        header = self.headers[j] if j is not None else FIELD_NAMES[fld]
        letter = _letter(j, self.xlsx) if j is not None else "?"
        self.errors.append(RowError(self.lineno, header, letter, message))

    def date(self, fld: str) -> dt.date | None:
        day, err = parse_date(self.raw(fld))
        if err:
            self.error(fld, err)
        return day

    def datetime(self, fld: str) -> dt.datetime | None:
        when, err = parse_datetime(self.raw(fld))
        if err:
            self.error(fld, err)
        return when


def plan_rows(
    ws: Workspace,
    rows: Sequence[Sequence[Any]],
    *,
    file_name: str,
    xlsx: bool,
    mapping: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
    skipped: list[dict[str, Any]] | None = None,
) -> tuple[list[Planned], list[RowError], list[str]]:
    """Validate every data row; returns (planned cases, errors, unknown headers). The rows
    taken for totals and skipped ({"row", "text"}) are appended to ``skipped``."""
    from xsk.procedure import loader

    now = now or _now()
    head, cols, unknown = find_header(rows, mapping or {}, file_name)
    headers = [_text(c) for c in rows[head]]
    errors: list[RowError] = []
    if "title" not in cols:
        return [], [RowError(head + 1, "", "", f"缺少“{FIELD_NAMES['title']}”列")], unknown
    proc = loader.load(ws.settings.default_procedure, ws.root)
    final_step = next((s.id for s in proc.steps if s.final), proc.steps[-1].id)
    progress_step = next(
        (s.id for s in proc.steps if any(q.type == "progress" for q in s.questions)), final_step
    )
    existing = {p.name.lower() for p in ws.cases_dir.iterdir()} if ws.cases_dir.is_dir() else set()
    known: dict[str, str] | None = None  # 原编号 -> case id in the workspace, read when needed
    seen: dict[str, int] = {}
    seen_own: dict[str, int] = {}
    planned: list[Planned] = []
    skipped = [] if skipped is None else skipped
    for i in range(head + 1, len(rows)):
        values = rows[i]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        r = _Row(values, cols, headers, i + 1, xlsx)
        if _is_total(r, values):  # "合计：4 件" under the table is no case
            skipped.append({"row": i + 1, "text": _total_text(values)})
            continue
        for j, v in enumerate(values):
            if (j >= len(headers) or not headers[j]) and _text(v):
                r.errors.append(
                    RowError(i + 1, "", _letter(j, xlsx), f"“{_text(v)[:20]}”所在的列没有表头"
                             "（这一行是否多了分隔符，或表头少了一列？）")
                )  # fmt: skip
        p = _plan_row(r, ws, proc.id, final_step, progress_step, file_name, now)
        cid = p.case["id"] if p else r.text("id")
        if cid and numbering.is_series_id(cid):
            key = cid.lower()
            if key in seen:
                r.error("id", f"议题编号“{cid}”与第 {seen[key]} 行重复")
            elif key in existing:
                r.error("id", f"议题编号“{cid}”在工作区中已存在")
            seen.setdefault(key, i + 1)
        # a row with other errors is still checked for a repeated 原编号 (--dry-run lists all)
        own, own_field = (p.original, p.original_field) if p else _numbers(r, report=False)[1:3]
        if own and own_field != "no":  # a 序号 restarts in every ledger: not an identity
            if own in seen_own:
                r.error(own_field, f"原编号“{own}”与第 {seen_own[own]} 行重复")
            else:
                if known is None:
                    known = _known_originals(ws)
                if own in known:
                    r.error(own_field, f"原编号“{own}”在工作区中已存在（议题 {known[own]}）")
            seen_own.setdefault(own, i + 1)
        errors.extend(r.errors)
        if p is not None and not r.errors:
            planned.append(p)
    if not errors:
        _number(ws, planned, {p.case["id"] for p in planned if p.case["id"]})
    return planned, errors, unknown


_TOTAL = re.compile(r"^\s*(合\s*计|总\s*计|小\s*计|共\s*计)")


def _is_total(r: _Row, values: Sequence[Any]) -> bool:
    """A totals row: its title, or (no title) any of its cells, starts with 合计/总计/小计."""
    title = r.text("title")
    if title:
        return bool(_TOTAL.match(title))
    return any(_TOTAL.match(_text(v)) for v in values if v is not None)


def _total_text(values: Sequence[Any]) -> str:
    return next((_text(v) for v in values if _TOTAL.match(_text(v))), "")[:30]


def _known_originals(ws: Workspace) -> dict[str, str]:
    """原编号 -> case id of the cases already in the workspace (from the index cache)."""
    from xsk.casework import index

    if not ws.cases_dir.is_dir():
        return {}
    idx = index.load(ws, level="ledger")
    return {rec["original_id"]: rec["id"] for rec in idx.cases if rec.get("original_id")}


def _number(ws: Workspace, planned: Sequence[Planned], kept: set[str]) -> None:
    """Give the rows without an xsk number the next numbers of this clone's series, in row
    order, by the year each case was registered (as ``xsk new`` does)."""
    todo = [p for p in planned if not p.case["id"]]
    if not todo:
        return
    letter = numbering.require_series(ws.root)
    years = [p.case["created"].year for p in todo]
    ids = numbering.allocate(ws.cases_dir, years, letter, reserved=kept)
    for p, cid in zip(todo, ids, strict=True):
        p.case["id"] = cid
        p.numbered = True


def _plan_row(
    r: _Row,
    ws: Workspace,
    procedure: str,
    final_step: str,
    progress_step: str,
    file_name: str,
    now: dt.datetime,
) -> Planned | None:
    cid, own, own_field, other = _numbers(r)
    title = r.text("title")
    if not title:
        r.error("title", "议题名称不能为空")
    level = r.text("level").removesuffix("级") or "社区"
    if level not in LEVELS:
        r.error("level", f"层级“{r.text('level')}”无效，可选：{'、'.join(LEVELS)}")
    status, result = case_state(r.text("state"))
    meeting_time = r.datetime("meeting_time")
    deadline = r.date("deadline")
    closed = r.date("closed")
    visit_date = r.date("visit_date")
    created = r.date("created")
    satisfaction = r.text("satisfaction")
    if satisfaction and satisfaction not in SATISFACTION:
        r.error("satisfaction", f"满意度“{satisfaction}”无效，可选：{'、'.join(SATISFACTION)}")
    participants: int | None = None
    raw_people = r.raw("participants")
    if raw_people not in (None, ""):
        text = _text(raw_people).removesuffix("人").removesuffix("人次")
        if text.isdigit():
            participants = int(text)
        else:
            r.error("participants", f"参与人数应为整数，实际为“{_text(raw_people)}”")
    if status == "open" and closed is not None and not r.text("state"):
        status, result = "closed", "resolved"
    today = now.date()
    for fld, value in (("created", created), ("closed", closed), ("visit_date", visit_date)):
        if value is not None and value > today:
            r.error(fld, f"{FIELD_NAMES[fld]} {value.isoformat()} 晚于今天（{today.isoformat()}）")
    if created is not None and closed is not None and closed < created:
        r.error("closed", f"办结日期 {closed.isoformat()} 早于登记日期 {created.isoformat()}")
    if r.text("phone") and not _MASKED_PHONE.match(r.text("phone")):  # a masked ledger's
        from xsk.rules.phones import phone_problem

        problem = phone_problem(r.text("phone"))
        if problem:
            r.error("phone", problem)
    if r.errors:
        return None
    created = created or (meeting_time.date() if meeting_time else None) or deadline or closed
    created = created or now.date()
    closed = (closed or visit_date or deadline or created) if status == "closed" else None
    units = [u.strip() for u in UNIT_SPLIT.split(r.text("unit")) if u.strip()]
    resolution = r.text("resolution")
    outcomes = [
        {
            "no": n,
            "item": resolution or title,
            "unit": unit,
            **({"deadline": deadline} if deadline else {}),
            "status": "已办结" if status == "closed" else "办理中",
            **({"done": closed} if status == "closed" and closed else {}),
        }
        for n, unit in enumerate(units, start=1)
    ]
    imported: dict[str, Any] = {"file": file_name, "row": r.lineno}
    if other:
        imported["number"] = other
    for key, value in (
        ("form", r.text("form")),
        ("meeting_time", meeting_time),
        ("participants", participants),
        ("resolution", resolution),
        ("state", r.text("state")),
        ("visit_date", visit_date if not satisfaction else None),
        ("note", r.text("note")),
    ):
        if value not in (None, ""):
            imported[key] = value
    history: list[dict[str, Any]] = [
        {
            "step": "import",
            "done": now,
            "action": "create",
            "by": ws.settings.facilitator or "xsk",
            "note": f"从台账 {file_name} 第 {r.lineno} 行导入",
        }
    ]
    for flag, action in (("voted", "vote"), ("escalated", "escalate")):
        if _yes(r.text(flag)):
            history.append({"step": "import", "done": now, "action": action})
    case: dict[str, Any] = {"id": cid}  # "" until numbered from the series (_number)
    if own:
        case["original_id"] = own
    case |= {
        "uid": secrets.token_hex(8),
        "title": title,
        "procedure": procedure,
        "step": final_step if status == "closed" else progress_step if units else "collect",
        "status": status,
        "level": level,
        "category": r.text("category"),
        "created": created,
    }
    if r.text("description"):
        case["description"] = r.text("description")
    if status == "open" and deadline:
        case["due"] = deadline
    if closed:
        case["closed"] = closed
        case["result"] = result or "resolved"
    source = {"channel": r.text("channel"), "date": created}
    case["source"] = {k: v for k, v in source.items() if v}
    if r.text("proposer"):
        person = {"name": r.text("proposer")}
        if r.text("phone"):
            person["phone"] = r.text("phone")
        case["proposers"] = [person]
    case["answers"] = {"import": imported}
    case["history"] = history
    visit = None
    if satisfaction:
        visit = {
            "kind": "visit",
            "date": visit_date or closed or created,
            "method": "台账导入",
            "satisfaction": satisfaction,
        }
    return Planned(r.lineno, case, outcomes, visit, own, own_field)


def _numbers(r: _Row, *, report: bool = True) -> tuple[str, str, str, str]:
    """(xsk number kept or "", 原编号, the column it came from, another own number).

    A 议题编号 of xsk's form (2026-007) is kept; any other (DC-2026-0001, 东城〔2026〕12号)
    is the row's 原编号 unless a 原编号 column gives one (then it is kept in the import
    record). A ledger with neither column keeps its 序号 as the 原编号. ``report``: a 原编号
    xsk cannot keep is an error of the row.
    """
    raw, own, own_field, other = r.text("id"), r.text("original"), "original", ""
    cid = raw if raw and numbering.is_series_id(raw) else ""
    if raw and not cid:
        if own:
            other = raw
        else:
            own, own_field = raw, "id"
    if not raw and not own and "id" not in r.cols and "original" not in r.cols:
        own, own_field = r.text("no"), "no"
    if report and own and (why := original_id_problem(own)):
        shown = FIELD_NAMES[own_field]
        r.error(
            own_field,
            why if own_field == "original" else f"{shown}不是 xsk 编号，作为原编号：{why}",
        )
    return cid, own, own_field, other


def _now() -> dt.datetime:
    from xsk.actions.workflow import now

    return now()


# --- writing ---------------------------------------------------------------------------------


def _dump(data: dict[str, Any], header: str) -> bytes:
    """The TOML text of one imported file, with a one-line comment on top.

    A small writer for the plain data an import makes (tables, arrays of tables, strings,
    integers, booleans, dates, date-times; None left out): about twice as fast as tomli_w
    on the 38,000 files of a 12,888-row ledger; ``tests/test_import.py`` checks it parses
    back equal (tomllib).
    """
    comment = "".join(c for c in " ".join(header.split()) if c >= " " and c != "\x7f")
    lines = [f"# {comment}"]
    _table(lines, data, "")
    return ("\n".join(lines) + "\n").encode("utf-8")


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_KEYS: dict[str, str] = {}


def _key(key: str) -> str:
    got = _KEYS.get(key)
    if got is None:
        got = _KEYS[key] = key if _BARE_KEY.fullmatch(key) else _string(key)
    return got


def _string(text: str) -> str:
    out = encode_basestring(text)  # JSON's escapes are TOML's, except for DEL
    return out.replace("\x7f", "\\u007f") if "\x7f" in out else out


def _scalar(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is dt.date or kind is dt.datetime:
        return value.isoformat()
    if kind is float and value == value and abs(value) != float("inf"):
        return repr(value)
    if kind is list:
        return "[" + ", ".join(_scalar(v) for v in value if v is not None) + "]"
    if isinstance(value, dt.date):  # a subclass (dt.datetime is one of dt.date)
        return value.isoformat()
    raise TypeError(f"cannot write {kind.__name__} to TOML")


def _is_tables(value: Any) -> bool:
    return type(value) is list and bool(value) and all(type(v) is dict for v in value)


def _table(lines: list[str], data: dict[str, Any], prefix: str) -> None:
    """Append the keys of ``data`` (its scalars first, then its tables and arrays of tables)."""
    tables = []
    for key, value in data.items():
        if value is None:
            continue
        if type(value) is dict or _is_tables(value):
            tables.append((key, value))
        else:
            lines.append(f"{_key(key)} = {_scalar(value)}")
    for key, value in tables:
        name = prefix + _key(key)
        if type(value) is dict:
            plain = any(
                v is not None and type(v) is not dict and not _is_tables(v) for v in value.values()
            )
            if plain or not value:
                lines.append(f"\n[{name}]")
            _table(lines, value, name + ".")
        else:
            for item in value:
                lines.append(f"\n[[{name}]]")
                _table(lines, item, name + ".")


def _write_folder(folder: Path, p: Planned) -> None:
    """case.toml, outcomes.toml and the visit event of one row into its (new) folder."""
    (folder / "case.toml").write_bytes(_dump(p.case, f"议题 {p.case['id']}：{p.case['title']}"))
    if p.outcomes:
        data = {"items": p.outcomes}
        (folder / "outcomes.toml").write_bytes(_dump(data, "协商成果（从台账导入）"))
    if p.visit is not None:
        events = folder / "events"
        events.mkdir()
        stamp = p.visit["date"].strftime("%Y%m%dT000000")
        name = f"{stamp}-visit-{secrets.token_hex(3)}.toml"
        (events / name).write_bytes(_dump(p.visit, "回访（从台账导入）"))


def run_import(
    ws: Workspace,
    path: Path,
    *,
    mapping_file: Path | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Validate the whole file, then write every case and commit once (or nothing).

    A real import plans under the workspace lock (numbers are allocated there); a dry run
    plans without it and shows the numbers the rows would get now.
    """
    mapping = load_mapping(mapping_file)
    rows, xlsx = read_table(path)
    if dry_run:
        return _planned_result(ws, path, rows, xlsx, mapping, now, dry_run=True)[0]
    from xsk.workspace import journal as txn

    with txn.writing(ws.root, ws.state_dir):
        result, planned = _planned_result(ws, path, rows, xlsx, mapping, now, dry_run=False)
        with txn.transaction(ws.root, ws.state_dir) as tx:
            _commit_import(ws, path, planned, result, tx)
    return result


def _planned_result(
    ws: Workspace,
    path: Path,
    rows: list[list[Any]],
    xlsx: bool,
    mapping: Mapping[str, str],
    now: dt.datetime | None,
    *,
    dry_run: bool,
) -> tuple[ImportResult, list[Planned]]:
    """Plan every row; a real import with errors (or no rows) raises, a dry run reports."""
    skipped: list[dict[str, Any]] = []
    planned, errors, unknown = plan_rows(
        ws, rows, file_name=path.name, xlsx=xlsx, mapping=mapping, now=now, skipped=skipped
    )
    result = ImportResult(path.name, len(planned) + len({e.row for e in errors}))
    result.unknown_columns = unknown
    result.skipped = skipped
    result.errors = [e.format(path.name) for e in errors]
    result.cases = len(planned)
    result.closed = sum(p.case["status"] == "closed" for p in planned)
    result.dry_run = dry_run
    result.numbered = [
        {"row": p.row, "original": p.original, "id": p.case["id"]} for p in planned if p.numbered
    ]
    if errors:
        if dry_run:
            return result, planned
        more = f"（共 {len(errors)} 处错误，用 --dry-run 查看全部）" if len(errors) > 1 else ""
        raise UsageError(f"{result.errors[0]}{more}", hint="未导入任何议题")
    if not planned:
        raise UsageError(f"{path.name} 中没有可导入的数据行")
    return result, planned


def _commit_import(
    ws: Workspace, path: Path, planned: Sequence[Planned], result: ImportResult, tx: Any
) -> None:
    """Write every case folder straight into cases/ and commit (under the lock, journalled:
    a crash half-way leaves no untracked folder once the next command has recovered).

    No fsync per file (12,888 of them would take minutes) and no staging folder (moving
    12,888 folders costs as much again as creating them): the journal lists cases/ (or each
    new folder) before the first write, so an interrupted import is rolled back by the next
    command, and a failure here removes what was written.
    """
    from xsk.workspace import git as vcs

    moved: list[Path] = []
    # Nothing else pending under cases/: committing the folder is the same as committing the
    # new case folders, and git matches one pathspec instead of 12,888 (minutes -> seconds).
    clean = not ws.cases_dir.exists() or not vcs.dirty_paths(ws.root, ws.cases_dir.name)
    if clean:
        tx.track(ws.cases_dir)
    else:
        tx.track(*(ws.cases_dir / p.case["id"] for p in planned))
    try:
        ws.cases_dir.mkdir(exist_ok=True)
        for p in planned:
            target = ws.cases_dir / p.case["id"]
            try:
                target.mkdir()
            except FileExistsError:
                raise UsageError(
                    f"议题编号“{p.case['id']}”在导入过程中已被占用", hint="未导入"
                ) from None
            moved.append(target)
            _write_folder(target, p)
        message = f"导入台账 {path.name}：{len(moved)} 个议题"
        result.committed = ws.commit([ws.cases_dir] if clean else moved, message)
    except BaseException:
        for folder in moved:
            shutil.rmtree(folder, ignore_errors=True)
        if moved:
            rel = [ws.cases_dir.name] if clean else [os.path.relpath(f, ws.root) for f in moved]
            vcs.run_git(["reset", "-q", "--", *rel], ws.root, check=False)
        raise


def iter_errors(result: ImportResult) -> Iterator[str]:
    yield from result.errors[:MAX_SHOWN]
    if len(result.errors) > MAX_SHOWN:
        yield f"……另有 {len(result.errors) - MAX_SHOWN} 处错误"
