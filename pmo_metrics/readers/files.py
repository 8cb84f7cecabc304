"""A text file to raw sheets: CSV/TSV parsing (the private copy it is read from:
:mod:`~pmo_metrics.readers.copies`).

Decoding, delimiter sniffing and the checks that protect the process (too many columns or
rows, mixed encodings) run here and report a clear Problem instead of raising. Workbooks are
:mod:`pmo_metrics.readers.excel`'s; both give a :class:`~pmo_metrics.readers.sheets.RawSheet`.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pmo_metrics.readers import limits
from pmo_metrics.readers.convert import ARROW_TEXT_DTYPES
from pmo_metrics.readers.sheets import FileRefused, RawSheet
from pmo_metrics.schema.problems import Problem

# A text file's first bytes: enough to sniff its encoding, delimiter and header.
HEAD_BYTES = 65536


def file_sha256(path: Path) -> str:
    """A file's identity: the SHA-256 of its bytes, read in blocks (never held whole)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


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
    ``path``: the file ``data`` was read from; a UTF-8 file is then parsed by DuckDB from it,
    and ``data`` may be only the file's first :data:`HEAD_BYTES` (the rest is read from ``path``
    only when DuckDB cannot parse the file: another encoding, a row with too many fields).
    """
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if path is not None and utf16 and len(data) >= HEAD_BYTES:
        data = path.read_bytes()  # UTF-16 is converted to UTF-8 in memory
    complete = path is None or utf16 or len(data) < HEAD_BYTES
    payload, encoding = _utf8_payload(data)
    encoding, head_text = _head_text(payload, encoding, file)
    delimiter = sniff_delimiter(head_text)
    header = _header_row(head_text, delimiter, file)
    names = [f"c{i}" for i in range(len(header))]
    include = [n for n, h in zip(names, header, strict=True) if wanted is None or wanted(h)]
    ragged = _RaggedRows(file)
    table = None
    if path is not None and encoding == "utf-8" and not utf16:
        table = _duckdb_csv(path, delimiter, names, include)
    if table is None and not complete:
        assert path is not None  # an incomplete head always comes with its file
        payload, _ = _utf8_payload(path.read_bytes())
    if table is None:
        encoding = text_encoding(payload, file)
        table = _read_decoded(payload, encoding, file, delimiter, names, include, ragged.skip)
    problems = ragged.problems()
    _refuse_row_count(table.num_rows, problems, file)
    header = [h.lstrip("\ufeff").strip() for h in header]
    return _raw_sheet(table, header, delimiter, problems, renumber=bool(ragged.rows))


def _head_text(data: bytes | memoryview, encoding: str, file: str) -> tuple[str, str]:
    """(encoding, text) of the file's first :data:`HEAD_BYTES`: where the header is read."""
    head = bytes(data[:HEAD_BYTES])
    text = head.decode(encoding, errors="replace")
    if encoding == "utf-8" and "\ufffd" in text.split("\n", 1)[0]:
        # A header that is not UTF-8 (`Aplicación` saved by a Spanish Excel): Windows-1252, if
        # the whole file agrees (see text_encoding).
        encoding, text = "cp1252", head.decode("cp1252", errors="replace")
    if not text.strip():
        raise FileRefused(
            Problem(file, "a CSV file with a header row and data rows; the file is empty")
        )
    return encoding, text


def _header_row(head_text: str, delimiter: str, file: str) -> list[str]:
    header = next(csv.reader(io.StringIO(head_text), delimiter=delimiter))
    if len(header) > limits.MAX_COLUMNS:
        raise FileRefused(
            Problem(
                file,
                f"at most {limits.MAX_COLUMNS} columns; the file has {len(header)}",
                column=None,
            )
        )
    return header


class _RaggedRows:
    """The rows with more fields than the header: skipped by the parser, each reported with
    its line number (up to the per-column limit, then a count of the rest)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.rows: list[Problem] = []
        self.more = 0

    def skip(self, row: pacsv.InvalidRow) -> str:
        if len(self.rows) < limits.MAX_PROBLEMS_PER_COLUMN:
            self.rows.append(
                Problem(
                    self.file,
                    f"{row.expected_columns} fields like the header row",
                    row=row.number,
                    value=f"{row.actual_columns} fields",
                )
            )
        else:
            self.more += 1
        return "skip"

    def problems(self) -> list[Problem]:
        if not self.more:
            return list(self.rows)
        return [
            *self.rows,
            Problem(
                self.file,
                "rows with as many fields as the header row",
                value=f"{self.more} more such rows",
            ),
        ]


def _refuse_row_count(rows: int, problems: list[Problem], file: str) -> None:
    if rows < 1 and problems:  # every data row skipped: those rows are the problem
        raise FileRefused(*problems)
    if rows < 1:
        raise FileRefused(
            Problem(file, "data rows below the header; the file has a header row only")
        )
    if rows > limits.MAX_ROWS:
        raise FileRefused(Problem(file, f"at most {limits.MAX_ROWS:,} rows; the file has {rows:,}"))


def _raw_sheet(
    table: pa.Table, header: list[str], delimiter: str, problems: list[Problem], *, renumber: bool
) -> RawSheet:
    """The parsed table as a raw sheet: blank rows dropped, columns converted when asked."""
    # Records, not lines: a quoted value with line breaks is still one row in Excel.
    rows = np.arange(2, table.num_rows + 2, dtype=np.int64)
    if renumber:
        # Skipped rows shift the record numbers; without them a row number would be wrong.
        rows = np.full(table.num_rows, -1, dtype=np.int64)
    keep = ~_blank_rows_arrow(table)
    column_cache: dict[int, pd.Series] = {}

    def column(i: int) -> pd.Series:
        if i not in column_cache:
            if f"c{i}" not in table.column_names:
                return pd.Series([None] * len(rows), dtype="str")
            series = table.column(f"c{i}").to_pandas(types_mapper=ARROW_TEXT_DTYPES.get)
            column_cache[i] = series[keep].reset_index(drop=True) if not keep.all() else series
        return column_cache[i]

    return RawSheet(None, header, 1, rows[keep], column, delimiter, problems)


# One well-formed multi-byte UTF-8 character (RFC 3629: no overlong form, no surrogate).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


def text_encoding(data: bytes | memoryview, file: str) -> str:
    """The encoding of a whole text file: `utf-8` when all of it is UTF-8; `cp1252` when no
    multi-byte UTF-8 character appears anywhere (a Spanish Excel's "CSV" save); a file that has
    both is refused at its first non-UTF-8 byte, since decoding it either way would garble a
    part of it ("AplicaciÃ³n")."""
    bad = _first_non_utf8(data)
    if bad is None:
        return "utf-8"
    if _UTF8_MULTIBYTE.search(data) is None:
        return "cp1252"
    raise FileRefused(_not_utf8(data, bad, file))


def _first_non_utf8(data: bytes | memoryview) -> int | None:
    """Offset of the first byte that is not UTF-8, decoding by blocks (never the file at once)."""
    view = memoryview(data)
    start = 0
    while start < len(view):
        block = view[start : start + (16 << 20)]
        try:
            _, used = codecs.utf_8_decode(block, "strict", start + len(block) >= len(view))
        except UnicodeDecodeError as exc:
            return start + exc.start
        start += used
    return None


def _not_utf8(data: bytes | memoryview, offset: int, file: str) -> Problem:
    """Where the stray byte is, as a text editor shows it: line, character, the text around."""
    view = memoryview(data)
    before = bytes(view[:offset])
    line_start = before.rfind(b"\n") + 1
    line_end = bytes(view[offset : offset + 200]).find(b"\n")
    line_end = offset + (line_end if line_end >= 0 else 200)
    line = before.count(b"\n") + 1
    character = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    start, end = max(line_start, offset - 60), min(line_end, offset + 60)
    while start < offset and view[start] & 0xC0 == 0x80:  # not in the middle of a character
        start += 1
    excerpt = bytes(view[start:end])
    return Problem(
        file,
        f"UTF-8 text like the rest of the file; byte 0x{view[offset]:02X} at line "
        f"{line}, character {character} is not UTF-8 (correct it, or save "
        "the whole file again as CSV UTF-8)",
        value=excerpt.decode("utf-8", errors="backslashreplace").rstrip("\r"),
    )


# pyarrow's invalid_row_handler: given a row with too many fields, "skip" or "error"
InvalidRowHandler = Callable[[Any], str]


def _read_decoded(
    data: bytes | memoryview,
    encoding: str,
    file: str,
    delimiter: str,
    names: list[str],
    include: list[str],
    invalid: InvalidRowHandler,
) -> pa.Table:
    try:
        return _read_csv(data, encoding, delimiter, names, include, invalid)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        if encoding == "cp1252":  # one of the 5 bytes it leaves undefined: Latin-1 reads all
            return _read_decoded(data, "latin-1", file, delimiter, names, include, invalid)
        raise FileRefused(Problem(file, f"a readable CSV file ({exc})")) from exc


def _read_csv(
    data: bytes | memoryview,
    encoding: str,
    delimiter: str,
    names: list[str],
    include: list[str],
    invalid: InvalidRowHandler,
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
    # DuckDB reads `?`, `*` and `[` in a path as a glob; `[c]` matches c itself.
    quoted = re.sub(r"([*?\[])", r"[\1]", str(path)).replace("'", "''")
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
    data: bytes | memoryview,
    encoding: str,
    delimiter: str,
    names: list[str],
    include: list[str],
    invalid: InvalidRowHandler | None,
) -> pa.Table:
    # A BufferReader and the default "utf8" keep pyarrow's parser multi-threaded and off the GIL.
    return pacsv.read_csv(
        pa.BufferReader(pa.py_buffer(data)),
        read_options=pacsv.ReadOptions(
            column_names=names,
            skip_rows=1,
            encoding="utf8" if encoding == "utf-8" else encoding,
            block_size=16 << 20,
            # Only a single-threaded parse knows the line number of a refused row.
            use_threads=invalid is None,
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
    blank = np.ones(table.num_rows, dtype=bool)
    for col in table.columns:
        blank &= pc.equal(pc.utf8_trim_whitespace(col), "").to_numpy(zero_copy_only=False)
        if not blank.any():
            break
    return blank
