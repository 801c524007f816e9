"""Spreadsheet safety (OWASP "CSV injection"): a value xsk writes never runs as a formula.

A text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is what Excel,
WPS and LibreOffice read as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``). In an
.xlsx file such a value is written as a string cell with the "quote prefix" style (Excel's
leading apostrophe), so it shows as typed and stays text when the cell is edited; in a CSV it
gets a leading ``'``. Read back with openpyxl, no cell xsk wrote has ``data_type == "f"``.
"""

from __future__ import annotations

from typing import Any

UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")


def is_unsafe(value: Any) -> bool:
    """A text a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(UNSAFE_START)


def csv_safe(value: Any) -> Any:
    """A value for a CSV file: an unsafe text gets a leading ``'``."""
    return "'" + value if is_unsafe(value) else value


def xlsx_value(sheet: Any, value: Any) -> Any:
    """A value for ``sheet.append`` (openpyxl, also write-only sheets): ``""`` becomes no cell,
    an unsafe text a string cell with the quote prefix, anything else itself."""
    if value == "":
        return None
    if isinstance(value, str) and (is_unsafe(value) or value.startswith("'")):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value


def xlsx_row(sheet: Any, values: Any) -> list[Any]:
    return [xlsx_value(sheet, v) for v in values]
