"""Excel workbooks to raw sheets: the first pass (:mod:`~pmo_metrics.readers.excel_fast`: the
guards, then fastexcel), then python-calamine for whatever it left.

Every check that protects the process (renamed file, password, truncation, zip bomb, XML bomb,
declared size) runs before any sheet is parsed (:mod:`~pmo_metrics.readers.guards`). A sheet is
then read one of two ways, with the same RawSheet as the result (same headers, row numbers, and
values for the converters):

- fastexcel, for the layout of an export: the header in row 1 starting at A1, every used column
  of one cell type (text, number, date, yes/no). One parse straight into Arrow columns, about
  twice python-calamine's speed, and typed columns the converters handle vectorised.
- python-calamine, cell by cell, for everything else: a title row above the header, leading
  empty rows or columns, a column mixing dates and text (a `TBD` among dates must stay a row
  problem, an Excel serial number among dates a date), .xls / .xlsb, or any file fastexcel
  refuses (python-calamine then gives the same message as always).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmo_metrics.readers.convert import ARROW_TEXT_DTYPES
from pmo_metrics.readers.excel_fast import (
    FastBatch,
    FastPass,
    check_size,
    fast_pass,
    header_text,
    is_example,
)
from pmo_metrics.readers.sheets import FileRefused, RawSheet
from pmo_metrics.schema.problems import Problem

if TYPE_CHECKING:  # imported where used: a workbook reader is loaded only to read one
    from python_calamine import CalamineWorkbook


def workbook_sheets(
    data: bytes,
    file: str,
    wanted: Callable[[str], bool] | None = None,
    fast: FastPass | None = None,
) -> list[RawSheet]:
    """Every non-empty sheet of an .xlsx/.xls workbook, after the guards.

    ``wanted``: the headers worth converting; the other columns are only looked at to find
    blank and example rows (a column of mixed types among them needs no fallback). ``fast``:
    :func:`fast_pass` of these bytes when it is done already (in the command line's worker
    process, :mod:`pmo_metrics.readers.ahead`).
    """
    if fast is None:
        fast = fast_pass(data, file, wanted)
    names = fast.names
    book = None
    sheets: list[RawSheet | None] = []
    try:
        if names is None:
            book = _calamine_book(data)
            names = book.sheet_names
        for name in names:
            batch = fast.batches.get(name)
            sheet = _fast_sheet(batch, name, data, file) if batch is not None else None
            if sheet is None:
                if book is None:
                    book = _calamine_book(data)
                sheet = grid_sheet(name, _calamine_grid(book, name, file), file)
            sheets.append(sheet)
    except FileRefused:
        raise
    except Exception as exc:  # calamine raises its own error types and ZipError / XmlError
        raise _unreadable(file, exc) from exc
    return [s for s in sheets if s is not None]


def _unreadable(file: str, exc: Exception) -> FileRefused:
    message = (
        "password-protected; save it without a password"
        if "password" in str(exc).lower()
        else "damaged or incomplete (was it fully downloaded/saved?)"
    )
    return FileRefused(
        Problem(
            file,
            f"a readable Excel workbook; this one is {message} "
            f"({type(exc).__name__}: {str(exc)[:200]})",
        )
    )


# ------------------------------------------------------------------------ python-calamine path


def _calamine_book(data: bytes) -> CalamineWorkbook:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_filelike(io.BytesIO(data))


def _calamine_grid(book: CalamineWorkbook, name: str, file: str) -> Sequence[Sequence[object]]:
    """A sheet's cells, row by row from A1 (empty cells as '')."""
    sheet = book.get_sheet_by_name(name)
    height, width = (
        sheet.end[0] + 1 if sheet.end else 0,
        (sheet.end[1] + 1 if sheet.end else 0),
    )
    check_size(height, width, name, file)
    return sheet.to_python(skip_empty_area=False)


def grid_sheet(name: str, grid: Sequence[Sequence[object]], file: str) -> RawSheet | None:
    """A sheet's cells as a RawSheet: header = first row with two or more non-empty cells."""
    header_at = next(
        (i for i, row in enumerate(grid[:30]) if sum(1 for v in row if v not in ("", None)) >= 2),
        None,
    )
    if header_at is None:
        if any(v not in ("", None) for row in grid for v in row):
            header_at = next(
                i for i, row in enumerate(grid) if any(v not in ("", None) for v in row)
            )
        else:
            return None
    headers = [header_text(v) for v in grid[header_at]]
    body = grid[header_at + 1 :]
    keep = [i for i, row in enumerate(body) if _is_data_row(row)]
    rows = np.array(keep, dtype=np.int64) + header_at + 2
    width = len(headers)
    kept = [body[i] for i in keep]
    columns = list(zip(*kept, strict=False)) if kept else [()] * width

    def column(i: int) -> pd.Series:
        values = columns[i] if i < len(columns) else ()
        if values and all(type(v) is str or v is None for v in values):
            # Text only (most columns of an export): an Arrow-backed `str` Series, so that the
            # converters take their vectorised text path instead of one Python call per cell.
            return pd.Series(pa.array(values, pa.string()), dtype=ARROW_TEXT_DTYPES[pa.string()])
        return pd.Series(
            np.array(values, dtype=object) if values else np.array([None] * len(kept), dtype=object)
        )

    return RawSheet(name, headers, header_at + 1, rows, column)


def _is_data_row(row: Sequence[object]) -> bool:
    first = next((v for v in row if v not in ("", None)), None)
    if first is None:
        return False
    return not is_example(first)


# ------------------------------------------------- a sheet fastexcel read, as a RawSheet


def _fast_sheet(fast: FastBatch, name: str, data: bytes, file: str) -> RawSheet:
    """A sheet fastexcel read as a RawSheet: its columns converted when first asked for."""
    batch, keep = fast.batch, fast.keep
    width = batch.num_columns
    headers = [header_text(t) for t in fast.header.texts]
    headers += [""] * (width - len(headers))
    rows = np.flatnonzero(keep).astype(np.int64) + 2
    slow = _SlowColumns(data, name, file, rows)
    cache: dict[int, pd.Series] = {}

    def column(i: int) -> pd.Series:
        if i not in cache:
            if i in fast.untyped or i >= width:
                cache[i] = slow.column(i)
            else:
                arr = batch.column(i)
                cache[i] = _series(arr.filter(pa.array(keep)) if not keep.all() else arr)
        return cache[i]

    return RawSheet(name, headers, 1, rows, column)


def _series(arr: pa.Array) -> pd.Series:
    """One fastexcel column as the converters take it: text as Arrow `str` ('' where empty, as
    python-calamine gives), numbers as float64, yes/no as bool, dates as datetime64; what has no
    exact typed form (empty yes/no cells, time-only values, durations) as python-calamine's
    objects."""
    typ = arr.type
    if pa.types.is_string(typ) or pa.types.is_large_string(typ) or pa.types.is_null(typ):
        text = pc.fill_null(arr.cast(pa.string()), "")
        series: pd.Series = text.to_pandas(types_mapper=ARROW_TEXT_DTYPES.get)
        return series
    if pa.types.is_floating(typ) or pa.types.is_integer(typ):
        return pd.Series(arr.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype="float64")
    if pa.types.is_boolean(typ) and arr.null_count == 0:
        return pd.Series(arr.to_numpy(zero_copy_only=False), dtype=bool)
    if pa.types.is_timestamp(typ):
        stamps = pd.Series(arr.to_numpy(zero_copy_only=False))
        if not (stamps < _FIRST_DAY).any():
            return stamps
    return pd.Series(np.array([_calamine_value(v) for v in arr.to_pylist()], dtype=object))


_FIRST_DAY = pd.Timestamp("1900-01-01")


def _calamine_value(value: object) -> object:
    """A cell as python-calamine gives it: '' if empty; a time for a value under one day; a date
    for a whole day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value < datetime(1900, 1, 1):
            return value.time()
        if value.time() == datetime.min.time():
            return value.date()
    return value


class _SlowColumns:
    """The columns fastexcel did not type (not wanted, or beyond the header), from
    python-calamine, parsed once on first use (thread-safe: columns convert in parallel)."""

    def __init__(self, data: bytes, name: str, file: str, rows: np.ndarray) -> None:
        self._data, self._name, self._file, self._rows = data, name, file, rows
        self._lock = threading.Lock()
        self._sheet: RawSheet | None = None

    def column(self, i: int) -> pd.Series:
        with self._lock:
            if self._sheet is None:
                book = _calamine_book(self._data)
                grid = _calamine_grid(book, self._name, self._file)
                sheet = grid_sheet(self._name, grid, self._file)
                if sheet is None or not np.array_equal(sheet.rows, self._rows):
                    raise RuntimeError(f"sheet {self._name!r}: fastexcel and calamine disagree")
                self._sheet = sheet
        return self._sheet.column(i)
