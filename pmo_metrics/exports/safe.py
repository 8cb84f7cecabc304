"""CSV and XLSX writers that a spreadsheet cannot be tricked into running.

A downloaded table may hold text typed by anyone (a Jira summary, a risk title). A spreadsheet
opening a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return may read it
as a formula (``=HYPERLINK(...)``, ``@SUM(...)``, DDE payloads). Following OWASP's CSV injection
guidance, every such text cell gets a leading apostrophe; numbers, dates and booleans are values,
not text, and stay untouched (a negative number stays a number). Column names are text too.

Every CSV or XLSX the product writes goes through :func:`neutralise`; the XLSX writer also forces
text cells to the string type so that nothing is ever stored as a formula.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

if TYPE_CHECKING:  # for the annotation only: a private module of openpyxl
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# OWASP "CSV Injection": characters that make a spreadsheet evaluate a cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
MAX_COLUMN_WIDTH = 60
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def neutralise_text(value: Any) -> Any:
    """``value`` with a leading apostrophe if it is text a spreadsheet could run; else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return ESCAPE + value
    return value


def is_formula_like(value: Any) -> bool:
    """True for text that a spreadsheet would evaluate (what :func:`neutralise` escapes)."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names cannot be read as formulas.

    Only text changes: numeric, boolean and date columns (and numbers inside mixed object
    columns) are returned as they were.
    """
    out = df.copy()
    for column in out.columns:
        series = out[column]
        if _may_hold_text(series):
            out[column] = series.map(neutralise_text, na_action="ignore")
    out.columns = [neutralise_text(c) for c in out.columns]
    return out


def _may_hold_text(series: pd.Series) -> bool:
    dtype = series.dtype
    return pd.api.types.is_object_dtype(dtype) or isinstance(
        dtype, pd.StringDtype | pd.CategoricalDtype
    )


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """``df`` as CSV, neutralised, UTF-8 with a BOM so that Excel detects the encoding."""
    # pandas writes a datetime column without its time when every value is at midnight
    text = neutralise(df).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def to_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """``df`` as a one-sheet workbook: neutralised text stored as text, dates as dates.

    The header row is bold and frozen; column widths follow the content (capped).
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=safe_sheet_title(sheet_name))
    safe = neutralise(df)
    widths = [len(str(c)) for c in safe.columns]
    ws.freeze_panes = "A2"
    header = []
    for name in safe.columns:
        cell = xlsx_cell(ws, name)
        cell.font = Font(bold=True)
        header.append(cell)
    rows = [[xlsx_cell(ws, v) for v in row] for row in safe.itertuples(index=False, name=None)]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], _display_width(cell.value))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_COLUMN_WIDTH, width + 2)
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_value(value: Any) -> Any:
    """A plain Python value openpyxl stores faithfully (None for any missing value)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, pd.Timedelta):
        return value.total_seconds() / 86400  # days, as a spreadsheet counts durations
    if isinstance(value, str):
        # Control characters are illegal in XLSX; dropping them keeps the rest of the text.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, bool | int | float | date | datetime | time):
        return value
    return str(value)  # lists, decimals and anything else: their text


# WriteOnlyCell is a factory of Cell objects (the type the stubs give it).
def xlsx_cell(ws: WriteOnlyWorksheet, value: Any) -> Cell:
    """A cell for a write-only sheet holding ``value``; text is always text, never a formula."""
    value = xlsx_value(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT if _has_time(value) else DATE_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    return cell


MAX_SHEET_TITLE = 31  # Excel refuses a longer sheet name
CUT_MARK = "…"


def safe_sheet_title(name: str, limit: int = MAX_SHEET_TITLE) -> str:
    """A valid worksheet title: no ``[]:*?/\\``, at most ``limit`` characters, never empty.

    A longer name is cut at the last space that fits and the cut is marked
    (``Svc Centro de Atención a…``): a sponsor reads whole words and sees that the name goes
    on. Where the whole words that fit would fill less than half the room, the name is cut
    mid-word instead (a name without spaces, or ``Svc`` before one long word), still marked.
    """
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in str(name)).strip("'")
    if len(cleaned) <= limit:
        return cleaned or "data"
    room = limit - len(CUT_MARK)
    space = cleaned.rfind(" ", 0, room + 1)  # a space right after the room keeps every word
    head = cleaned[:space] if space >= room // 2 else cleaned[:room]
    return head.rstrip() + CUT_MARK


def _has_time(value: datetime) -> bool:
    return (value.hour, value.minute, value.second, value.microsecond) != (0, 0, 0, 0)


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)
