"""A workbook's first pass, without pandas: the guards, then every sheet with an export's layout
read by fastexcel straight into Arrow columns (:func:`fast_pass`); for a file on disk, its
private copy and digest first (:func:`read_workbook`).

A sheet has an export's layout when its header is row 1 starting at A1 and every used column
holds one cell type (text, number, date, yes/no). That is decided from the header row alone (the
first row of the sheet's XML, read before parsing), and checked after the parse against the
column names fastexcel read from that row; any disagreement, or a column of mixed types, leaves
the sheet to python-calamine (:mod:`~pmo_metrics.readers.excel`).

Everything here is picklable and needs neither pandas nor python-calamine: the command line runs
it in its worker process while it loads those (:mod:`~pmo_metrics.readers.ahead`).
"""

from __future__ import annotations

import hashlib
import html
import io
import logging
import posixpath
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pmo_metrics.readers import limits
from pmo_metrics.readers.columns import wanted_headers
from pmo_metrics.readers.copies import copy_or_refusal
from pmo_metrics.readers.guards import column_number, refuse_unsafe
from pmo_metrics.readers.sheets import KIND_BYTES, WORKBOOK_KINDS, FileRefused, kind_of_bytes

if TYPE_CHECKING:
    # imported where used: a workbook reader is loaded only to read one
    from fastexcel import DTypeMap, ExcelReader

    # for annotations only (see sheets.FileRefused.because)
    from pmo_metrics.schema.problems import Problem

# Set to False (tests) to read every sheet with python-calamine.
FAST = True

EXAMPLE_PREFIXES = ("e.g.", "e.g", "p. ej.", "p.ej.", "ej.", "ejemplo:")
# fastexcel logs a warning for an all-empty column (read as text, as python-calamine's '').
logging.getLogger("fastexcel").setLevel(logging.ERROR)


@dataclass(frozen=True)
class WorkbookRead:
    """A workbook file's first pass: the bytes of its private copy, their digest and
    :func:`fast_pass` of them, or the problems that refused it (then ``data`` is empty)."""

    sha256: str
    data: bytes = b""
    fast: FastPass | None = None
    refused: tuple[Problem, ...] = ()


def read_workbook(
    path: str | Path, display_name: str | None = None, temp: Path | None = None
) -> WorkbookRead | None:
    """The first half of :func:`~pmo_metrics.readers.read.read_file` for a workbook read
    without a column mapping: None when the file turns out to be no workbook (read_file then
    reads it as usual). The private copy is made in a folder of its own in ``temp`` (default:
    the system's temporary folder) and removed before this returns."""
    path = Path(path)
    name = display_name or path.name
    with tempfile.TemporaryDirectory(prefix="pmo-import-", dir=temp) as private:
        copy = copy_or_refusal(path, Path(private), name)
        if isinstance(copy, FileRefused):
            return WorkbookRead("", refused=tuple(copy.problems))
        with copy.open("rb") as handle:
            if kind_of_bytes(handle.read(KIND_BYTES)) not in WORKBOOK_KINDS:
                return None
        data = copy.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    try:
        fast = fast_pass(data, name, wanted_headers(None))
    except FileRefused as exc:
        return WorkbookRead(digest, refused=tuple(exc.problems))
    return WorkbookRead(digest, data, fast)


@dataclass(frozen=True)
class FastBatch:
    """One sheet as fastexcel read it: its row 1, its cells as Arrow columns, which rows are
    data rows (``keep``) and which columns were read as text without a type (``untyped``)."""

    header: _Header
    batch: pa.RecordBatch
    keep: np.ndarray
    untyped: frozenset[int]


@dataclass(frozen=True)
class FastPass:
    """What a workbook's bytes give before pandas or python-calamine is needed: the guards
    passed, the sheet names (None: fastexcel cannot open it, python-calamine reads it all) and
    the sheets fastexcel read. Picklable: the command line's worker process sends it."""

    names: list[str] | None
    batches: dict[str, FastBatch]


def fast_pass(data: bytes, file: str, wanted: Callable[[str], bool] | None = None) -> FastPass:
    """The guards (:class:`FileRefused` if the workbook is refused), then every sheet that has
    an export's layout read by fastexcel into Arrow (see the module's docstring)."""
    refuse_unsafe(data, file)
    headers = _header_rows(data) if FAST and kind_of_bytes(data) == "workbook" else {}
    reader = _fastexcel_reader(data) if headers else None
    if reader is None:
        return FastPass(None, {})
    batches = {}
    for index, name in enumerate(reader.sheet_names):
        if name in headers:
            batch = _fast_batch(reader, index, name, headers[name], file, wanted)
            if batch is not None:
                batches[name] = batch
    return FastPass(reader.sheet_names, batches)


def check_size(height: int, width: int, name: str, file: str) -> None:
    if height - 1 > limits.MAX_ROWS or width > limits.MAX_COLUMNS:
        raise FileRefused.because(
            file,
            f"at most {limits.MAX_ROWS:,} rows and "
            f"{limits.MAX_COLUMNS} columns per sheet; "
            f"the sheet has {height:,} x {width}",
            sheet=name,
        )


def header_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() if value is not None else ""


def is_example(first: object) -> bool:
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
        col = column_number(ref.group(1)) - 1
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


# ---------------------------------------------------------------------------- fastexcel


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


def _fast_batch(
    reader: ExcelReader,
    index: int,
    name: str,
    header: _Header,
    file: str,
    wanted: Callable[[str], bool] | None,
) -> FastBatch | None:
    """The sheet read by fastexcel, or None when python-calamine must read it."""
    headers = [header_text(t) for t in header.texts]
    untyped = frozenset(i for i, h in enumerate(headers) if wanted is not None and not wanted(h))
    dtypes: DTypeMap = dict.fromkeys(untyped, "string")
    try:
        # Eager: straight into a pyarrow batch, without the lazy sheet's second conversion.
        # Every row is loaded (no skip_rows, no n_rows), so the batch's rows are the sheet's.
        batch = reader.load_sheet(
            index,
            header_row=0,
            schema_sample_rows=None,
            dtype_coercion="strict",
            dtypes=dtypes or None,
            eager=True,
        )
        if batch.schema.names != _fastexcel_names(header, batch.num_columns):
            return None
        check_size(batch.num_rows + 1, batch.num_columns, name, file)
        keep = _data_rows(batch)
    except FileRefused:
        raise
    except Exception:  # a column of mixed types (strict), or anything else: python-calamine
        return None
    return FastBatch(header, batch, keep, untyped)


def _false_if_null(flags: pa.Array, valid: pa.Array) -> pa.Array:
    """``flags`` with False where ``valid`` is False (Kleene logic: False and NULL is False)."""
    return pc.and_kleene(valid, flags)


def _numpy(flags: pa.Array) -> np.ndarray:
    """Flags without NULL as a NumPy array, from their bytes (not ``to_numpy``, which loads
    pandas: see :func:`_data_rows`)."""
    as_bytes = pc.cast(flags, pa.uint8())
    data = as_bytes.buffers()[1]
    return np.frombuffer(data, np.uint8, len(as_bytes), as_bytes.offset).astype(bool)


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
        # No Python value among the arguments (not `arr != ""`): pyarrow would import pandas to
        # convert it, and the worker process that runs this (readers.ahead) does without.
        valid = arr.is_valid()
        filled = valid
        if text:  # not empty: a length other than 0
            filled = _false_if_null(pc.cast(pc.binary_length(arr), pa.bool_()), valid)
        first = _numpy(filled) & ~found
        if text:
            # Candidates by a vectorised test, then the exact Python rule on those few.
            maybe = pc.match_substring_regex(arr, r"(?i)(e\.?g|ej)")
            maybe = _numpy(_false_if_null(maybe, valid)) & first
            for i in np.flatnonzero(maybe):
                example[i] = is_example(arr[i].as_py())
        found |= first
    return found & ~example
