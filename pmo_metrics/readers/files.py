"""Bytes to raw sheets: decoding, delimiter sniffing, workbook guards, python-calamine.

A :class:`RawSheet` is a grid of cell values with its header row found, before any meaning is
given to the columns. Every check that protects the process (size, zip bomb, XML bomb,
password, truncation) runs here, before the content is parsed, and reports a clear Problem
instead of raising.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from pmo_metrics.readers import limits
from pmo_metrics.readers.base import Problem

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::([A-Z]+)(\d+))?"')


class FileRefused(Exception):
    """The file cannot be read at all; ``problem`` says why in the user's terms."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class RawSheet:
    """One grid: headers (as written), and a way to get column ``i`` as a Series.

    ``rows`` are the 1-based row numbers the user sees (header row = ``header_row``), one per
    data row kept (blank rows and template example rows are already dropped).
    """

    name: str | None
    headers: list[str]
    header_row: int
    rows: np.ndarray
    column: Callable[[int], pd.Series]
    delimiter: str | None = None  # CSV only: decides the decimal/date hints
    problems: list[Problem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)


def kind_of_bytes(data: bytes) -> str:
    """`workbook`, `ole2` (legacy .xls or an encrypted .xlsx), `pdf`, `binary` or `text`."""
    if data.startswith(ZIP_MAGIC) or data.startswith(b"PK\x05\x06"):
        return "workbook"
    if data.startswith(OLE2_MAGIC):
        return "ole2"
    if data.startswith(b"%PDF"):
        return "pdf"
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    if b"\x00" in head:
        return "binary"
    return "text"


# ---------------------------------------------------------------------------------------- CSV


def text_sheet(
    data: bytes,
    file: str,
    wanted: Callable[[str], bool] | None = None,
    path: Path | None = None,
) -> RawSheet:
    """A CSV/TSV file (any of the supported encodings and delimiters) as one raw sheet.

    Only the columns whose header ``wanted`` accepts are converted (a Jira export's long
    Description / Comment columns are tokenised but never copied: less time, far less memory).
    ``path``: the file ``data`` was read from; a UTF-8 file is then parsed by DuckDB from it.
    """
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    data, encoding = _utf8_payload(data)
    head = bytes(data[:65536])
    head_text = (
        head.decode("utf-8", errors="replace")
        if encoding == "utf-8"
        else head.decode(encoding, errors="replace")
    )
    if encoding == "utf-8" and "\ufffd" in head_text.split("\n", 1)[0]:
        # A header that is not UTF-8 (`Aplicación` saved by a Spanish Excel): Windows-1252.
        encoding, head_text = "cp1252", head.decode("cp1252", errors="replace")
    if not head_text.strip():
        raise FileRefused(
            Problem(file, "a CSV file with a header row and data rows; the file is empty")
        )
    delimiter = sniff_delimiter(head_text)
    header = next(csv.reader(io.StringIO(head_text), delimiter=delimiter))
    if len(header) > limits.MAX_COLUMNS:
        raise FileRefused(
            Problem(
                file,
                f"at most {limits.MAX_COLUMNS} columns; the file has {len(header)}",
                column=None,
            )
        )
    names = [f"c{i}" for i in range(len(header))]
    include = [n for n, h in zip(names, header, strict=True) if wanted is None or wanted(h)]
    bad_rows: list[Problem] = []

    def invalid(row: pacsv.InvalidRow) -> str:
        if len(bad_rows) < limits.MAX_PROBLEMS_PER_COLUMN:
            bad_rows.append(
                Problem(
                    file,
                    f"{row.expected_columns} fields like the header row",
                    row=row.number,
                    value=f"{row.actual_columns} fields",
                )
            )
        else:
            bad_rows.append(bad_rows[-1])
        return "skip"

    table = None
    if path is not None and encoding == "utf-8" and not utf16:
        table = _duckdb_csv(path, delimiter, names, include)
    try:
        if table is None:
            table = _read_csv(data, encoding, delimiter, names, include, invalid)
    except pa.ArrowInvalid as exc:
        if "UTF8" not in str(exc) and "utf8" not in str(exc).lower():
            raise FileRefused(Problem(file, f"a readable CSV file ({exc})")) from exc
        table = None
    if table is None:  # not UTF-8 after all: Windows-1252, else Latin-1 (which never fails)
        for fallback in ("cp1252", "latin-1"):
            try:
                table = _read_csv(data, fallback, delimiter, names, include, invalid)
                break
            except (pa.ArrowInvalid, UnicodeDecodeError):
                continue
    header = [h.lstrip("\ufeff").strip() for h in header]
    if table.num_rows < 1:
        raise FileRefused(
            Problem(file, "data rows below the header; the file has a header row only")
        )
    if table.num_rows > limits.MAX_ROWS:
        raise FileRefused(
            Problem(file, f"at most {limits.MAX_ROWS:,} rows; the file has {table.num_rows:,}")
        )
    # Records, not lines: a quoted value with line breaks is still one row in Excel.
    rows = np.arange(2, table.num_rows + 2, dtype=np.int64)
    problems = bad_rows[: limits.MAX_PROBLEMS_PER_COLUMN]
    if len(bad_rows) > limits.MAX_PROBLEMS_PER_COLUMN:
        problems.append(
            Problem(
                file,
                "rows with as many fields as the header row",
                value=(f"{len(bad_rows) - limits.MAX_PROBLEMS_PER_COLUMN} more such rows"),
            )
        )
    if bad_rows:
        # Skipped rows shift the record numbers; without them a row number would be wrong.
        rows = np.full(table.num_rows, -1, dtype=np.int64)
    blank = _blank_rows_arrow(table)
    keep = ~blank
    column_cache: dict[int, pd.Series] = {}

    def column(i: int) -> pd.Series:
        if i not in column_cache:
            if f"c{i}" not in table.column_names:
                return pd.Series([None] * len(rows), dtype="str")
            arr = table.column(f"c{i}")
            series = arr.to_pandas(types_mapper=_STR_TYPES.get)
            column_cache[i] = series[keep].reset_index(drop=True) if not keep.all() else series
        return column_cache[i]

    return RawSheet(None, header, 1, rows[keep], column, delimiter, problems)


_STR_TYPES = {
    pa.string(): pd.StringDtype("pyarrow", na_value=np.nan),
    pa.large_string(): pd.StringDtype("pyarrow", na_value=np.nan),
}


def _read_csv(
    data: bytes,
    encoding: str,
    delimiter: str,
    names: list[str],
    include: list[str],
    invalid: Callable,
) -> pa.Table:
    """All cells as text. A row-count mismatch makes pyarrow raise; only then is the file read
    again with the (slow, Python) handler that records each such row as a problem."""
    try:
        return _arrow_csv(data, encoding, delimiter, names, include, None)
    except pa.ArrowInvalid as exc:
        if "columns" not in str(exc):
            raise
    return _arrow_csv(data, encoding, delimiter, names, include, invalid)


def _duckdb_csv(
    path: Path, delimiter: str, names: list[str], include: list[str]
) -> pa.Table | None:
    """The wanted columns as text, parsed by DuckDB (about twice pyarrow's speed here), or None
    when DuckDB refuses the file (not UTF-8, a row with another number of fields, a huge
    line...): pyarrow then reads it and reports each problem as before. Same results: blank
    lines skipped, quoted line breaks kept, empty cells as '' (pyarrow's
    ``strings_can_be_null=False``)."""
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    quoted = str(path).replace("'", "''")
    delim = delimiter.replace("'", "''")
    selected = ", ".join(f"coalesce({n}, '') AS {n}" for n in (include or names[:1]))
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        return con.sql(
            f"SELECT {selected} FROM read_csv('{quoted}', header = true, columns = {columns}, "
            f"delim = '{delim}', quote = '\"', escape = '\"', strict_mode = true, "
            "auto_detect = false, null_padding = false, encoding = 'utf-8')"
        ).to_arrow_table()
    except duckdb.Error:
        return None
    finally:
        con.close()


def _arrow_csv(
    data: bytes,
    encoding: str,
    delimiter: str,
    names: list[str],
    include: list[str],
    invalid: Callable | None,
) -> pa.Table:
    # A BufferReader and the default "utf8" keep pyarrow's parser multi-threaded and off the GIL.
    return pacsv.read_csv(
        pa.BufferReader(pa.py_buffer(data)),
        read_options=pacsv.ReadOptions(
            column_names=names,
            skip_rows=1,
            encoding="utf8" if encoding == "utf-8" else encoding,
            block_size=16 << 20,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter, newlines_in_values=True, invalid_row_handler=invalid
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            include_columns=include or names[:1],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _utf8_payload(data: bytes) -> tuple[bytes | memoryview, str]:
    """The bytes to parse and their encoding: BOMs removed, UTF-16 turned into UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        return memoryview(data)[3:], "utf-8"  # a view: no copy of a large file
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16").encode("utf-8"), "utf-8"
    return data, "utf-8"


def sniff_delimiter(text: str) -> str:
    """`,`, `;`, tab or `|`: the one most frequent outside quotes in the header line."""
    counts = dict.fromkeys(",;\t|", 0)
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\r\n":
            break
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] else ","


def _blank_rows_arrow(table: pa.Table) -> np.ndarray:
    import pyarrow.compute as pc

    blank = np.ones(table.num_rows, dtype=bool)
    for col in table.columns:
        blank &= pc.equal(pc.utf8_trim_whitespace(col), "").to_numpy(zero_copy_only=False)
        if not blank.any():
            break
    return blank


# ------------------------------------------------------------------------------------- Excel


def workbook_sheets(data: bytes, file: str) -> list[RawSheet]:
    """Every non-empty sheet of an .xlsx/.xls workbook, after the guards."""
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
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            height, width = (
                sheet.end[0] + 1 if sheet.end else 0,
                (sheet.end[1] + 1 if sheet.end else 0),
            )
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
            sheets.append((name, sheet.to_python(skip_empty_area=False)))
    except FileRefused:
        raise
    except Exception as exc:  # calamine raises its own error types and ZipError / XmlError
        message = (
            "password-protected; save it without a password"
            if "password" in str(exc).lower()
            else "damaged or incomplete (was it fully downloaded/saved?)"
        )
        raise FileRefused(
            Problem(
                file,
                f"a readable Excel workbook; this one is {message} "
                f"({type(exc).__name__}: {str(exc)[:200]})",
            )
        ) from exc
    return [s for s in (grid_sheet(name, grid, file) for name, grid in sheets) if s is not None]


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
    """Refuse a truncated zip, a non-workbook zip, a zip bomb or an XML bomb, before parsing."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefused(
            Problem(
                file,
                "a complete Excel workbook; this one is damaged or "
                "truncated (incomplete download or copy); save or "
                "download it again",
            )
        ) from exc
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise FileRefused(
            Problem(
                file,
                "an Excel workbook (.xlsx); this is a zip file of "
                "another kind (e.g. a Word document or an archive)",
            )
        )
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > limits.MAX_XLSX_UNCOMPRESSED_BYTES:
        raise FileRefused(
            Problem(
                file,
                f"a workbook that unpacks to at most "
                f"{limits.MAX_XLSX_UNCOMPRESSED_BYTES >> 20} MB; this "
                f"one declares {total >> 20} MB (refused as a possible "
                "zip bomb)",
            )
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if (
            info.file_size > limits.COMPRESSION_RATIO_FLOOR_BYTES
            and ratio > limits.MAX_COMPRESSION_RATIO
        ):
            raise FileRefused(
                Problem(
                    file,
                    f"a workbook compressed at most "
                    f"{limits.MAX_COMPRESSION_RATIO}:1; '{info.filename}'"
                    f" is {ratio:,.0f}:1 (refused as a possible zip "
                    "bomb)",
                )
            )
    if (
        total > limits.COMPRESSION_RATIO_FLOOR_BYTES
        and total / packed > limits.MAX_COMPRESSION_RATIO
    ):
        raise FileRefused(
            Problem(
                file,
                f"a workbook compressed at most "
                f"{limits.MAX_COMPRESSION_RATIO}:1; this one is "
                f"{total / packed:,.0f}:1 (refused as a possible zip "
                "bomb)",
            )
        )
    for info in infos:
        if not info.filename.endswith((".xml", ".rels")):
            continue
        try:
            with zf.open(info) as member:
                head = _prolog(member)
        except Exception as exc:  # zlib.error, BadZipFile, EOFError on a cut-off member
            raise FileRefused(
                Problem(
                    file,
                    "a complete Excel workbook; this one is damaged or "
                    "truncated; save or download it again",
                )
            ) from exc
        if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
            raise FileRefused(
                Problem(
                    file,
                    "a workbook without DTD/entity declarations; "
                    f"'{info.filename}' declares some (refused: XML "
                    "bomb risk)",
                )
            )
        dimension = _DIMENSION.search(head)
        if dimension and dimension.group(2):
            rows, cols = int(dimension.group(2)), _column_number(dimension.group(1).decode())
            if rows - 1 > limits.MAX_ROWS or cols > limits.MAX_COLUMNS:
                raise FileRefused(
                    Problem(
                        file,
                        f"at most {limits.MAX_ROWS:,} rows and "
                        f"{limits.MAX_COLUMNS} columns per sheet; "
                        f"'{info.filename}' declares {rows:,} rows x "
                        f"{cols} columns",
                    )
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


EXAMPLE_PREFIXES = ("e.g.", "e.g", "p. ej.", "p.ej.", "ej.", "ejemplo:")


def grid_sheet(name: str, grid: list[list], file: str) -> RawSheet | None:
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
            return pd.Series(pa.array(values, pa.string()), dtype=_STR_TYPES[pa.string()])
        return pd.Series(
            np.array(values, dtype=object) if values else np.array([None] * len(kept), dtype=object)
        )

    return RawSheet(name, headers, header_at + 1, rows, column)


def _header_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() if value is not None else ""


def _is_data_row(row: list) -> bool:
    first = next((v for v in row if v not in ("", None)), None)
    if first is None:
        return False
    return not (isinstance(first, str) and first.strip().lower().startswith(EXAMPLE_PREFIXES))
