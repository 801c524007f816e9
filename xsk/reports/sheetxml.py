"""Sheet rows written as SpreadsheetML text, for the ledger of 10,000–50,000 cases.

openpyxl makes the workbook's frame (:func:`xsk.reports.ledger.write_ledger`): every sheet
with its header row, widths, frozen panes, filter, print settings, and the styles and
document properties. The data rows are then written here straight into each sheet's
``<sheetData>``, as openpyxl's write-only mode would write them (the same cell types, the
same values, inline strings, the same date styles), without a Python object per cell:
591,695 cells took 8 s through openpyxl and take under a second here.

What a value becomes, as in openpyxl: ``None`` and ``""`` no cell; a text an inline string
(cut at 32,767 characters; a control character is an error), with the quote-prefix style
when it could run as a formula or begins with ``'`` (:mod:`xsk.reports.cells`), an error
value (``#N/A`` …) as an error cell; a bool, int, float or Decimal a number; a datetime and
a date a number with the date-time or date style.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from math import isinf, isnan
from typing import Any

from xsk.reports.cells import is_unsafe

_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_STYLE = re.compile(r'<c r="([A-Z]+)2" s="(\d+)"')
ROWS_PER_CHUNK = 2000

# The probe row written after the first sheet's header and removed again: the style ids
# openpyxl gave a datetime, a date and a quote-prefixed text in this workbook.
PROBE = (dt.datetime(2000, 1, 1, 12, 0), dt.date(2000, 1, 1), "=probe")


class Styles:
    def __init__(self, datetime: str, date: str, quoted: str) -> None:
        self.datetime = datetime
        self.date = date
        self.quoted = quoted


def probe_cells(sheet: Any) -> list[Any]:
    """The probe row's cells for ``sheet`` (an openpyxl write-only sheet)."""
    from openpyxl.cell import WriteOnlyCell

    from xsk.reports.cells import xlsx_value

    return [
        WriteOnlyCell(sheet, value=PROBE[0]),
        WriteOnlyCell(sheet, value=PROBE[1]),
        xlsx_value(sheet, PROBE[2]),
    ]


def _letters(n: int) -> list[str]:
    from openpyxl.utils import get_column_letter

    return [get_column_letter(i) for i in range(1, n + 1)]


def _text(value: str) -> str:
    value = value[:32767]
    if _ILLEGAL.search(value):
        from openpyxl.utils.exceptions import IllegalCharacterError

        raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<is><t{space}>{value.translate(_ESCAPE)}</t></is>"


def _number(value: Any) -> str:
    if isinstance(value, (float, Decimal)) and (isnan(value) or isinf(value)):
        return ""
    return format(float(value), ".16g")  # as openpyxl's "%.16g" % value


def cell(ref: str, value: Any, styles: Styles) -> str:
    """One ``<c>`` element (``""`` for no cell)."""
    if value is None or (isinstance(value, str) and value == ""):
        return ""
    t = type(value)
    if t is str:
        if is_unsafe(value) or value.startswith("'"):
            return f'<c r="{ref}" s="{styles.quoted}" t="inlineStr">{_text(value)}</c>'
        if value in _ERROR_CODES:
            return f'<c r="{ref}" t="e"><v>{value}</v></c>'
        return f'<c r="{ref}" t="inlineStr">{_text(value)}</c>'
    if t is int or t is float or t is bool or isinstance(value, (int, float, Decimal)):
        kind = "b" if isinstance(value, bool) else "n"
        return f'<c r="{ref}" t="{kind}"><v>{_number(value)}</v></c>'
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise TypeError(
                "Excel does not support timezones in datetimes. "
                "The tzinfo in the datetime/time object must be set to None."
            )
        return f'<c r="{ref}" s="{styles.datetime}" t="n"><v>{_serial(value)}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{styles.date}" t="n"><v>{_serial(value)}</v></c>'
    if isinstance(value, str):  # a str subclass
        return cell(ref, str(value), styles)
    raise ValueError(f"Cannot convert {value!r} to Excel")


def _serial(value: dt.date) -> str:
    from openpyxl.utils.datetime import to_excel

    return format(float(to_excel(value)), ".16g")


def rows_xml(rows: Iterable[Sequence[Any]], width: int, styles: Styles) -> Iterable[str]:
    """The data rows (after the header), numbered from 1 in column A, in chunks of text."""
    letters = _letters(width + 1)
    chunk: list[str] = []
    for n, row in enumerate(rows, start=1):
        r = n + 1
        parts = [f'<row r="{r}"><c r="A{r}" t="n"><v>{n}</v></c>']
        for letter, value in zip(letters[1:], row, strict=False):
            if value is None or value == "":
                continue
            parts.append(cell(f"{letter}{r}", value, styles))
        parts.append("</row>")
        chunk.append("".join(parts))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def fill(frame: bytes, sheets: Sequence[tuple[int, Sequence[Sequence[Any]]]]) -> bytes:
    """The workbook ``frame`` (saved by openpyxl: headers, settings, the probe row after the
    first sheet's header) with each sheet's data rows written in: ``sheets`` gives each
    sheet's column count (without 序号) and rows, in workbook order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(frame)) as src:
        names = src.namelist()
        sheet_names = sorted(
            (n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
            key=lambda n: int(re.sub(r"\D", "", n)),
        )
        assert len(sheet_names) == len(sheets), (sheet_names, len(sheets))
        first = src.read(sheet_names[0]).decode("utf-8")
        found = dict(_STYLE.findall(_probe_row(first)))
        styles = Styles(found["A"], found["B"], found["C"])
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for name in names:
                info = src.getinfo(name)
                if name not in sheet_names:
                    dst.writestr(info, src.read(name), compress_type=info.compress_type)
                    continue
                index = sheet_names.index(name)
                xml = first if index == 0 else src.read(name).decode("utf-8")
                head, tail = _split(xml, probe=index == 0)
                width, rows = sheets[index]
                target = zipfile.ZipInfo(name, date_time=info.date_time)
                target.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(target, "w") as fh:
                    fh.write(head.encode("utf-8"))
                    for text in rows_xml(rows, width, styles):
                        fh.write(text.encode("utf-8"))
                    fh.write(tail.encode("utf-8"))
    return out.getvalue()


def _probe_row(xml: str) -> str:
    start = xml.index('<row r="2"')
    return xml[start : xml.index("</row>", start) + len("</row>")]


def _split(xml: str, *, probe: bool) -> tuple[str, str]:
    """The sheet's XML up to the end of its header row, and from ``</sheetData>`` on (the
    probe row, in the first sheet, left out)."""
    header_end = xml.index("</row>", xml.index('<row r="1"')) + len("</row>")
    tail_start = xml.index("</sheetData>")
    if not probe:
        assert "<row" not in xml[header_end:tail_start]
    return xml[:header_end], xml[tail_start:]
