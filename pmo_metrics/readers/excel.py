"""Excel workbooks to raw sheets: the guards first, then the cells (fastexcel or python-calamine).

Every check that protects the process (renamed file, password, truncation, zip bomb, XML bomb,
declared size) runs before any sheet is parsed. A sheet is then read one of two ways, with the
same RawSheet as the result (same headers, row numbers, and values for the converters):

- fastexcel, for the layout of an export: the header in row 1 starting at A1, every used column
  of one cell type (text, number, date, yes/no). One parse straight into Arrow columns, about
  twice python-calamine's speed, and typed columns the converters handle vectorised.
- python-calamine, cell by cell, for everything else: a title row above the header, leading
  empty rows or columns, a column mixing dates and text (a `TBD` among dates must stay a row
  problem, an Excel serial number among dates a date), .xls / .xlsb, or any file fastexcel
  refuses (python-calamine then gives the same message as always).

Which path a sheet takes is decided from the header row alone (the first row of the sheet's XML,
read before parsing), and checked after the fast parse against the column names fastexcel read
from that row; any disagreement falls back to python-calamine.
"""

from __future__ import annotations

import html
import io
import logging
import posixpath
import re
import threading
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, TYPE_CHECKING, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmo_metrics.readers import limits
from pmo_metrics.readers.inflate import refuse_understated_members
from pmo_metrics.readers.sheets import ARROW_TEXT_DTYPES, FileRefused, RawSheet, kind_of_bytes
from pmo_metrics.schema.problems import Problem

if TYPE_CHECKING:  # imported where used: a workbook reader is loaded only to read one
    from fastexcel import DTypeMap, ExcelReader
    from python_calamine import CalamineWorkbook

# Set to False (tests) to read every sheet with python-calamine.
FAST = True

_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::([A-Z]+)(\d+))?"')
EXAMPLE_PREFIXES = ("e.g.", "e.g", "p. ej.", "p.ej.", "ej.", "ejemplo:")
# fastexcel logs a warning for an all-empty column (read as text, as python-calamine's '').
logging.getLogger("fastexcel").setLevel(logging.ERROR)


def workbook_sheets(
    data: bytes, file: str, wanted: Callable[[str], bool] | None = None
) -> list[RawSheet]:
    """Every non-empty sheet of an .xlsx/.xls workbook, after the guards.

    ``wanted``: the headers worth converting; the other columns are only looked at to find
    blank and example rows (a column of mixed types among them needs no fallback).
    """
    _refuse_unsafe(data, file)
    headers = _header_rows(data) if FAST and kind_of_bytes(data) == "workbook" else {}
    reader = _fastexcel_reader(data) if headers else None
    names = reader.sheet_names if reader is not None else None
    book = None
    sheets: list[RawSheet | None] = []
    try:
        if names is None:
            book = _calamine_book(data)
            names = book.sheet_names
        for index, name in enumerate(names):
            sheet = None
            if reader is not None and name in headers:
                sheet = _fast_sheet(reader, index, name, headers[name], data, file, wanted)
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


# -------------------------------------------------------------------------------- the guards


def _refuse_unsafe(data: bytes, file: str) -> None:
    kind = kind_of_bytes(data)
    if kind == "ole2":
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise FileRefused(
                Problem(
                    file,
                    "a workbook without a password: this workbook is "
                    "password-protected; save it without a password "
                    "(File > Info > Protect workbook) and import it "
                    "again",
                )
            )
    elif kind == "workbook":
        guard_zip(data, file)
    else:
        raise FileRefused(
            Problem(
                file,
                "an Excel workbook (.xlsx); this file is "
                + _what_it_is(data)
                + ", renamed; export it again as .xlsx "
                "or .csv",
            )
        )


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


_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_ROOT = re.compile(rb"<[A-Za-z_]")
_MAX_PROLOG = 1 << 20


def _prolog(member: IO[bytes]) -> bytes:
    """The member's bytes up to its root element, comments removed (at most 1 MB read): where a
    DTD, and so an entity bomb, has to be. Padding before it cannot hide one. The first 8 KB
    beyond are kept too, for the sheet's <dimension>."""
    read = b""
    while len(read) < _MAX_PROLOG:
        chunk = member.read(65536)
        read += chunk
        bare = _COMMENT.sub(b"", read)
        root = _ROOT.search(bare)
        if root or not chunk:
            return bare + member.read(8192) if root else bare
    return _COMMENT.sub(b"", read)


def guard_zip(data: bytes, file: str) -> None:
    """Refuse a truncated zip, a non-workbook zip, a zip bomb (declared or understated) or an
    XML bomb, before parsing."""
    zf = _open_zip(data, file)
    infos = zf.infolist()
    _refuse_other_zips(infos, file)
    _refuse_declared_bombs(infos, file)
    # The declared sizes are bounded above; now make sure no member inflates past its own.
    refuse_understated_members(data, infos, file)
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            head = _member_prolog(zf, info, file)
            _refuse_entities(head, info.filename, file)
            _refuse_oversized_dimension(head, info.filename, file)


def _refused(file: str, expected: str) -> FileRefused:
    return FileRefused(Problem(file, expected))


def _open_zip(data: bytes, file: str) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refused(
            file,
            "a complete Excel workbook; this one is damaged or truncated (incomplete download "
            "or copy); save or download it again",
        ) from exc
    return zf


def _refuse_other_zips(infos: list[zipfile.ZipInfo], file: str) -> None:
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise _refused(
            file,
            "an Excel workbook (.xlsx); this is a zip file of another kind (e.g. a Word "
            "document or an archive)",
        )


def _refuse_declared_bombs(infos: list[zipfile.ZipInfo], file: str) -> None:
    """What the zip directory itself declares: the total size and the compression ratios."""
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > limits.MAX_XLSX_UNCOMPRESSED_BYTES:
        raise _refused(
            file,
            f"a workbook that unpacks to at most {limits.MAX_XLSX_UNCOMPRESSED_BYTES >> 20} MB; "
            f"this one declares {total >> 20} MB (refused as a possible zip bomb)",
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if (
            info.file_size > limits.COMPRESSION_RATIO_FLOOR_BYTES
            and ratio > limits.MAX_COMPRESSION_RATIO
        ):
            raise _refused(
                file,
                f"a workbook compressed at most {limits.MAX_COMPRESSION_RATIO}:1; "
                f"'{info.filename}' is {ratio:,.0f}:1 (refused as a possible zip bomb)",
            )
    if (
        total > limits.COMPRESSION_RATIO_FLOOR_BYTES
        and total / packed > limits.MAX_COMPRESSION_RATIO
    ):
        raise _refused(
            file,
            f"a workbook compressed at most {limits.MAX_COMPRESSION_RATIO}:1; this one is "
            f"{total / packed:,.0f}:1 (refused as a possible zip bomb)",
        )


def _member_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str) -> bytes:
    try:
        with zf.open(info) as member:
            return _prolog(member)
    except Exception as exc:  # zlib.error, BadZipFile, EOFError on a cut-off member
        raise _refused(
            file,
            "a complete Excel workbook; this one is damaged or truncated; save or download "
            "it again",
        ) from exc


def _refuse_entities(head: bytes, member: str, file: str) -> None:
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        raise _refused(
            file,
            f"a workbook without DTD/entity declarations; '{member}' declares some (refused: "
            "XML bomb risk)",
        )


def _refuse_oversized_dimension(head: bytes, member: str, file: str) -> None:
    dimension = _DIMENSION.search(head)
    if dimension and dimension.group(2):
        rows, cols = int(dimension.group(2)), _column_number(dimension.group(1).decode())
        if rows - 1 > limits.MAX_ROWS or cols > limits.MAX_COLUMNS:
            raise _refused(
                file,
                f"at most {limits.MAX_ROWS:,} rows and {limits.MAX_COLUMNS} columns per "
                f"sheet; '{member}' declares {rows:,} rows x {cols} columns",
            )


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _what_it_is(data: bytes) -> str:
    kind = kind_of_bytes(data)
    if kind == "pdf":
        return "a PDF document"
    if kind == "text":
        return "a text (CSV) file"
    if not data:
        return "empty"
    return "not a workbook (unknown binary content)"


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
    _check_size(height, width, name, file)
    return sheet.to_python(skip_empty_area=False)


def _check_size(height: int, width: int, name: str, file: str) -> None:
    if height - 1 > limits.MAX_ROWS or width > limits.MAX_COLUMNS:
        raise FileRefused(
            Problem(
                file,
                f"at most {limits.MAX_ROWS:,} rows and "
                f"{limits.MAX_COLUMNS} columns per sheet; "
                f"the sheet has {height:,} x {width}",
                sheet=name,
            )
        )


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
    headers = [_header_text(v) for v in grid[header_at]]
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


def _header_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() if value is not None else ""


def _is_data_row(row: Sequence[object]) -> bool:
    first = next((v for v in row if v not in ("", None)), None)
    if first is None:
        return False
    return not _is_example(first)


def _is_example(first: object) -> bool:
    """A template's example row starts with `e.g.`, `p. ej.`... in its first non-empty cell."""
    return isinstance(first, str) and first.strip().lower().startswith(EXAMPLE_PREFIXES)


# ------------------------------------------------------------------ the header row, from XML

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_SHEET_DATA = re.compile(rb"<sheetData\b[^>]*?(/?)>")
_ROW = re.compile(rb"<row\b([^>]*?)(/?)>")
_ROW_END = re.compile(rb"</row>")
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_ATTR = re.compile(r'\b(r|t)="([^"]*)"')
_VALUE = re.compile(r"<v\b[^>]*>(.*?)</v>", re.DOTALL)
_INLINE = re.compile(r"<is\b[^>]*>(.*?)</is>", re.DOTALL)
_PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.DOTALL)
_T = re.compile(r"<t\b([^>]*?)(?:/>|>(.*?)</t>)", re.DOTALL)
_SI = re.compile(rb"<si\b[^>]*?(?:/>|>(.*?)</si>)", re.DOTALL)
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_MAX_HEADER_BYTES = 8 << 20


@dataclass(frozen=True)
class _Header:
    """Row 1 of a sheet as python-calamine reads it: text per column (None: no text cell)."""

    texts: tuple[str | None, ...]


def _header_rows(data: bytes) -> dict[str, _Header]:
    """{sheet name: its row 1} for the sheets whose row 1 is a header (two or more non-empty
    text cells, A1 among them); a sheet missing here is read by python-calamine."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        members = _sheet_members(zf)
        strings = _SharedStrings(zf)
        found = {}
        for name, member in members.items():
            header = _first_row(zf, member, strings)
            if header is not None:
                found[name] = header
        return found
    except Exception:  # anything unexpected: python-calamine reads the workbook as before
        return {}


def _sheet_members(zf: zipfile.ZipFile) -> dict[str, str]:
    """{sheet name: its worksheet XML member}, from workbook.xml and its relationships."""
    from defusedxml.ElementTree import fromstring  # guard_zip already refused any DTD

    book = fromstring(zf.read("xl/workbook.xml"))
    rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG}Relationship")}
    members = {}
    for sheet in book.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        path = posixpath.normpath(path)
        if path.startswith("xl/worksheets/") and path.endswith(".xml"):
            members[cast(str, sheet.get("name"))] = path  # a <sheet> always has its name
    return members


class _SharedStrings:
    """The workbook's shared strings, parsed only as far as the header row needs them."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self._zf = zf
        self._member: IO[bytes] | None = None
        self._buffer = b""
        self._done = "xl/sharedStrings.xml" not in zf.namelist()
        self.items: list[str] = []

    def get(self, index: int) -> str | None:
        while len(self.items) <= index and not self._done:
            self._read_more()
        return self.items[index] if index < len(self.items) else None

    def _read_more(self) -> None:
        if self._member is None:
            self._member = self._zf.open("xl/sharedStrings.xml")
        chunk = self._member.read(1 << 16)
        if not chunk:
            self._done = True
        self._buffer += chunk
        end = 0
        for match in _SI.finditer(self._buffer):
            if match.group(0).endswith(b"/>") and match.group(1) is None:
                self.items.append("")
            else:
                self.items.append(_rich_text(match.group(1).decode("utf-8")))
            end = match.end()
        self._buffer = self._buffer[end:]


def _first_row(zf: zipfile.ZipFile, member: str, strings: _SharedStrings) -> _Header | None:
    """Row 1 of the sheet if it is a header python-calamine would also pick (None otherwise):
    the first row of the XML is row 1, its A1 cell holds text, two or more cells hold text,
    and every cell is text (or an error, or empty): a number or a date in a header, whose text
    would depend on its format, is left to python-calamine."""
    with zf.open(member) as stream:
        buffer = b""
        start = None
        while len(buffer) < _MAX_HEADER_BYTES:
            chunk = stream.read(1 << 16)
            buffer += chunk
            if start is None:
                data = _SHEET_DATA.search(buffer)
                if data is not None:
                    if data.group(1):  # <sheetData/>: an empty sheet
                        return None
                    start = data.end()
            if start is not None:
                row = _ROW.search(buffer, start)
                if row is not None and (row.group(2) or _ROW_END.search(buffer, row.end())):
                    break
            if not chunk:
                return None
        else:
            return None
    if row.group(2) or _attrs(row.group(1).decode()).get("r") != "1":
        return None
    # the loop stopped at a row whose end it found (a self-closing row returned above)
    row_end = cast(re.Match[bytes], _ROW_END.search(buffer, row.end()))
    body = buffer[row.end() : row_end.start()].decode("utf-8")
    texts: dict[int, str | None] = {}
    for cell in _CELL.finditer(body):
        attrs = _attrs(cell.group(1))
        ref = _CELL_REF.fullmatch(attrs.get("r", ""))
        if ref is None or ref.group(2) != "1":
            return None
        col = _column_number(ref.group(1)) - 1
        kind, inner = attrs.get("t", "n"), cell.group(2) or ""
        value = _VALUE.search(inner)
        if kind == "s" and value is not None:
            text = strings.get(int(value.group(1)))
            if text is None:
                return None
        elif kind == "inlineStr" and _INLINE.search(inner):
            text = _rich_text(cast(re.Match[str], _INLINE.search(inner)).group(1))  # tested above
        elif kind == "str" and value is not None:
            text = _xml_text(value.group(1), preserve=True)
        elif kind == "e":
            text = None  # python-calamine: '' ; fastexcel: no name
        elif value is None and kind in ("n", "s", "str", "inlineStr"):
            continue  # no value: not a cell
        else:
            return None  # a number, a date, a boolean: see the docstring
        texts[col] = text
    if not texts.get(0) or sum(1 for t in texts.values() if t) < 2:
        return None
    width = max(texts) + 1
    return _Header(tuple(texts.get(i) for i in range(width)))


def _attrs(text: str) -> dict[str, str]:
    return dict(_ATTR.findall(text))


def _rich_text(inner: str) -> str:
    """A shared or inline string: its <t> pieces (rich-text runs), phonetic hints left out."""
    inner = _PHONETIC.sub("", inner)
    return "".join(
        _xml_text(t.group(2) or "", preserve='xml:space="preserve"' in t.group(1))
        for t in _T.finditer(inner)
    )


def _xml_text(raw: str, *, preserve: bool) -> str:
    """Text as calamine decodes it: line ends normalised, entities and Excel's `_xHHHH_`
    escapes resolved, surrounding white space dropped unless xml:space="preserve"."""
    text = html.unescape(raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text if preserve else text.strip(" \t\r\n")


# ---------------------------------------------------------------------------- fastexcel path


def _fastexcel_reader(data: bytes) -> ExcelReader | None:
    try:
        import fastexcel

        return fastexcel.read_excel(data)
    except Exception:  # not installed, or a workbook it refuses: python-calamine decides
        return None


def _fastexcel_names(header: _Header, width: int) -> list[str]:
    """The column names fastexcel gives row 1: the text, `__UNNAMED__<i>` where none, and
    `<name>_<n>` for a repeated one."""
    names: list[str] = []
    for i in range(width):
        text = header.texts[i] if i < len(header.texts) else None
        name = text if text is not None else f"__UNNAMED__{i}"
        alias, depth = name, 0
        while alias in names:
            depth += 1
            alias = f"{name}_{depth}"
        names.append(alias)
    return names


def _fast_sheet(
    reader: ExcelReader,
    index: int,
    name: str,
    header: _Header,
    data: bytes,
    file: str,
    wanted: Callable[[str], bool] | None,
) -> RawSheet | None:
    """The sheet read by fastexcel, or None when python-calamine must read it."""
    headers = [_header_text(t) for t in header.texts]
    untyped: DTypeMap = {
        i: "string" for i, h in enumerate(headers) if wanted is not None and not wanted(h)
    }
    try:
        # Eager: straight into a pyarrow batch, without the lazy sheet's second conversion.
        # Every row is loaded (no skip_rows, no n_rows), so the batch's rows are the sheet's.
        batch = reader.load_sheet(
            index,
            header_row=0,
            schema_sample_rows=None,
            dtype_coercion="strict",
            dtypes=untyped or None,
            eager=True,
        )
        width = batch.num_columns
        if batch.schema.names != _fastexcel_names(header, width):
            return None
        _check_size(batch.num_rows + 1, width, name, file)
        keep = _data_rows(batch)
    except FileRefused:
        raise
    except Exception:  # a column of mixed types (strict), or anything else: python-calamine
        return None
    headers += [""] * (width - len(headers))
    rows = np.flatnonzero(keep).astype(np.int64) + 2
    slow = _SlowColumns(data, name, file, rows)
    cache: dict[int, pd.Series] = {}

    def column(i: int) -> pd.Series:
        if i not in cache:
            if i in untyped or i >= width:
                cache[i] = slow.column(i)
            else:
                arr = batch.column(i)
                cache[i] = _series(arr.filter(pa.array(keep)) if not keep.all() else arr)
        return cache[i]

    return RawSheet(name, headers, 1, rows, column)


def _data_rows(batch: pa.RecordBatch) -> np.ndarray:
    """True for each row python-calamine's `_is_data_row` keeps: some cell is not empty ('' and
    error cells are), and the first such one is not a text starting with an example prefix."""
    n = batch.num_rows
    found = np.zeros(n, dtype=bool)
    example = np.zeros(n, dtype=bool)
    for arr in batch.columns:
        if found.all():
            break
        text = pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)
        filled = pc.fill_null(pc.not_equal(arr, ""), False) if text else arr.is_valid()
        first = filled.to_numpy(zero_copy_only=False) & ~found
        if text:
            # Candidates by a vectorised test, then the exact Python rule on those few.
            maybe = pc.match_substring_regex(arr, r"(?i)(e\.?g|ej)")
            maybe = pc.fill_null(maybe, False).to_numpy(zero_copy_only=False) & first
            for i in np.flatnonzero(maybe):
                example[i] = _is_example(arr[i].as_py())
        found |= first
    return found & ~example


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
