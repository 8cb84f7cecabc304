"""Vectorised conversion of raw cell values (text from CSV, Python objects from Excel).

Every converter returns ``(values, bad)``: the converted Series and a boolean mask of the
non-blank cells that could not be converted (the caller turns those into Problems). A blank
cell (empty, spaces, or ``?`` as event-log exports write it) is NULL, never bad.

Dates: a column's day/month order is decided from the whole column (a first number above 12
proves day-first, a second one above 12 proves month-first); a column where both orders work
for every value is ambiguous and the caller is told which order was assumed, never silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Arrow text as pandas text (``types_mapper=ARROW_TEXT_DTYPES.get``): the CSV and the Excel
# readers give the converters text columns of this one dtype, whichever parser read them.
ARROW_TEXT_DTYPES = {
    pa.string(): pd.StringDtype("pyarrow", na_value=np.nan),
    pa.large_string(): pd.StringDtype("pyarrow", na_value=np.nan),
}
BLANKS = ("", "?", "-", "n/a", "N/A", "null", "NULL", "None")
_BLANKS = pa.array(BLANKS, pa.string())
_MONTHS = {
    **{
        m: i
        for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)
    },
    **{
        m: i
        for i, m in enumerate("ene feb mar abr may jun jul ago sep oct nov dic".split(), start=1)
    },
    "sept": 9,
    "set": 9,
    "janv": 1,
    "févr": 2,
    "avr": 4,
    "juil": 7,
    "août": 8,
    "déc": 12,
}
_TIME = (
    r"(?:,?[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?)?"
)
ISO_RE = (
    r"^(?P<y>\d{4})-(?P<b>\d{1,2})-(?P<a>\d{1,2})"
    + _TIME.replace("(?:,?[ T]", "(?:[ T]")
    + r"(?:Z|[+-]\d{2}:?\d{2})?$"
)
NAMED_RE = r"^(?P<a>\d{1,2})[/ .-](?P<mon>[^\W\d_]{3,5})\.?[/ .-](?P<y>\d{2,4})" + _TIME + "$"
NUMERIC_RE = r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{2,4})" + _TIME + "$"
_EXCEL_EPOCH = np.datetime64("1899-12-30", "s")


@dataclass(frozen=True)
class DateOrder:
    """How a column's numeric dates were read: ``day_first``, and whether the data proved it."""

    day_first: bool
    ambiguous: bool


def arrow_of(s: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A text Series as an Arrow string array (zero-copy for pyarrow-backed `str`)."""
    if _is_text(s):
        return (
            pa.array(s.array, pa.string())
            if not hasattr(s.array, "_pa_array")
            else s.array._pa_array.cast(pa.string())
        )
    return pa.array(s.to_numpy(dtype=object), pa.string(), from_pandas=True)


def text_series(arr: pa.Array | pa.ChunkedArray, index: pd.Index) -> pd.Series:
    out: pd.Series = arr.to_pandas(
        types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get
    )
    out.index = index
    return out


def blank_mask(s: pd.Series) -> np.ndarray:
    """True where a cell is empty (NaN/None, spaces, or one of BLANKS)."""
    if _is_text(s):
        # Arrow kernels (what pandas' .str.strip / .isin run, minus a Series per step).
        stripped = pc.utf8_trim_whitespace(arrow_of(s))
        blank = pc.or_kleene(pc.is_null(stripped), pc.is_in(stripped, value_set=_BLANKS))
        mask: np.ndarray = blank.to_numpy(zero_copy_only=False).astype(bool)
        return mask
    if _is_typed(s):
        return s.isna().to_numpy()
    values = s.to_numpy(dtype=object)
    return np.fromiter(
        (
            v is None
            or v is pd.NaT
            or v is pd.NA
            or (isinstance(v, float) and v != v)
            or (isinstance(v, str) and v.strip() in BLANKS)
            for v in values
        ),
        dtype=bool,
        count=len(values),
    )


def as_text(s: pd.Series) -> pd.Series:
    """Cells as stripped text (`str` dtype), NULL where blank; Excel's 12.0 becomes `12`."""
    if _is_typed(s):
        s = _typed_text(s)
    elif not _is_text(s):
        s = pd.Series([_text_of(v) for v in s.to_numpy(dtype=object)], index=s.index, dtype="str")
    stripped = pc.utf8_trim_whitespace(arrow_of(s))
    blank = pc.is_in(stripped, value_set=_BLANKS)  # NULL is not in the set: stays NULL
    out = text_series(pc.if_else(blank, pa.scalar(None, pa.string()), stripped), s.index)
    out.name = s.name
    return out


def as_number(s: pd.Series, *, decimal: str = ".") -> tuple[pd.Series, np.ndarray]:
    """Numbers from `5.0`, `2,5`, `1.234,5`, `1,234.5`; ``decimal`` breaks the tie for `1,234`."""
    blank = blank_mask(s)
    if _is_typed(s):
        return _typed_number(s, blank)
    if not _is_text(s):
        values = s.to_numpy(dtype=object)
        native = np.fromiter(
            (isinstance(v, int | float) and not isinstance(v, bool) for v in values),
            dtype=bool,
            count=len(values),
        )
        if native.all():
            out = pd.Series(values, index=s.index, dtype="float64")
            return out, np.zeros(len(s), bool)
        text_part, bad_text = as_number(as_text(s), decimal=decimal)
        out = text_part.where(
            ~native, pd.Series(np.where(native, values, np.nan), index=s.index, dtype="float64")
        )
        return out.astype("float64"), bad_text & ~native
    text = s.str.strip().str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
    quick = pd.to_numeric(text.where(~blank), errors="coerce")
    bad = quick.isna().to_numpy() & ~blank
    if not bad.any():
        return quick.astype("float64"), bad
    fixed = _locale_numbers(text[bad], decimal)
    quick = quick.astype("float64")
    quick[bad] = fixed.to_numpy()
    return quick, quick.isna().to_numpy() & ~blank


def _locale_numbers(text: pd.Series, decimal: str) -> pd.Series:
    """The slow path, only for cells the plain parse refused: separators and decimal comma."""

    def one(v: str) -> float:
        v = v.strip().rstrip("%").strip()
        if "," in v and "." in v:
            v = (
                v.replace(".", "").replace(",", ".")
                if v.rfind(",") > v.rfind(".")
                else v.replace(",", "")
            )
        elif "," in v:
            thousands = re.fullmatch(r"-?\d{1,3}(,\d{3})+", v) and (
                decimal == "." or v.count(",") > 1
            )
            v = v.replace(",", "") if thousands else v.replace(",", ".")
        elif re.fullmatch(r"-?\d{1,3}(\.\d{3}){2,}", v) or (
            decimal == "," and re.fullmatch(r"-?\d{1,3}(\.\d{3})+", v)
        ):
            v = v.replace(".", "")
        try:
            return float(v)
        except ValueError:
            return np.nan

    return pd.Series(
        [one(v) for v in text.to_numpy(dtype=object)], index=text.index, dtype="float64"
    )


def as_integer(s: pd.Series, *, decimal: str = ".") -> tuple[pd.Series, np.ndarray]:
    """Whole numbers (`3`, `3.0`); a fraction is bad."""
    values, bad = as_number(s, decimal=decimal)
    fraction = values.notna().to_numpy() & (values.fillna(0) % 1 != 0).to_numpy()
    return values.where(~fraction).round().astype("Int64"), bad | fraction


_TRUE = {"true", "1", "1.0", "yes", "y", "si", "sí", "s", "verdadero", "x", "t"}
_FALSE = {"false", "0", "0.0", "no", "n", "falso", "f"}


def as_boolean(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """true/false, 1/0, yes/no, sí/no (any case)."""
    if _is_typed(s) and s.dtype == bool:
        return pd.Series(pd.array(s.to_numpy(), dtype="boolean"), index=s.index), np.zeros(
            len(s), bool
        )
    text = as_text(s).str.lower()
    is_true = text.isin(_TRUE).to_numpy()
    is_false = text.isin(_FALSE).to_numpy()
    out = pd.Series(pd.array(np.where(is_true, True, False), dtype="boolean"), index=s.index)
    out[~(is_true | is_false)] = pd.NA
    bad = text.notna().to_numpy() & ~(is_true | is_false)
    return out, bad


def as_list(columns: list[pd.Series], *, split: str | None = ";") -> pd.Series:
    """Non-blank values of several columns (in order) per row, each split on ``split``.

    Returns a Series of Arrow list<string> (each cell reads as a Python list; [] where none).
    """
    n = len(columns[0]) if columns else 0
    rows, values = [], []
    for col in columns:
        arr = arrow_of(as_text(col))
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        if split:
            parts = pc.split_pattern(arr, split)
        else:
            parts = pa.ListArray.from_arrays(pa.array(np.arange(n + 1, dtype=np.int32)), arr)
        flat = pc.utf8_trim_whitespace(pc.list_flatten(parts))
        owner = pc.list_parent_indices(parts).to_numpy(zero_copy_only=False)
        keep = pc.fill_null(pc.not_equal(flat, ""), False).to_numpy(zero_copy_only=False)
        rows.append(owner[keep])
        values.append(flat.filter(pa.array(keep)))
    row = np.concatenate(rows) if rows else np.array([], dtype=np.int64)
    value = (
        pa.concat_arrays([v.cast(pa.string()) for v in values])
        if values
        else pa.array([], pa.string())
    )
    order = np.argsort(row, kind="stable")
    counts = np.bincount(row[order], minlength=n) if n else np.zeros(0, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    lists = pa.ListArray.from_arrays(pa.array(offsets), value.take(pa.array(order)))
    return pd.Series(
        pd.arrays.ArrowExtensionArray(lists), index=columns[0].index if columns else None
    )


def extract(values: pd.Series, regex: str) -> pd.DataFrame:
    """Named groups of ``regex`` per row (pyarrow's RE2, vectorised); NULL where no match."""
    found = pc.extract_regex(arrow_of(as_text(values)), regex)
    names = [found.type.field(i).name for i in range(found.type.num_fields)]
    return pd.DataFrame(
        {
            name: pd.Series(
                pc.struct_field(found, name).to_numpy(zero_copy_only=False),
                index=values.index,
                dtype="str",
            )
            for name in names
        }
    )


def replace(values: pd.Series, regex: str, by: str) -> pd.Series:
    """``regex`` replaced by ``by`` in every text cell (pyarrow, vectorised)."""
    return text_series(pc.replace_substring_regex(arrow_of(values), regex, by), values.index)


def map_distinct(values: pd.Series, fn: Callable[[Any], object]) -> pd.Series:
    """``fn`` applied once per distinct non-null value (fast on a million rows of few values).

    Text results come back as an Arrow-backed `str` Series (no Python object per row), any
    other results as an object Series; NULL stays NULL."""
    codes, uniques = pd.factorize(values)
    results = [fn(u) for u in uniques]
    if all(r is None or type(r) is str for r in results):
        nulls_last = np.where(codes < 0, len(results), codes)  # -1 (NULL) picks the None
        picked = pa.array([*results, None], pa.string()).take(pa.array(nulls_last))
        return text_series(picked, values.index)
    mapped = np.array([*results, None], dtype=object)
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def as_datetime(s: pd.Series, *, day_first: bool) -> tuple[pd.Series, np.ndarray, DateOrder]:
    """Timestamps from Excel dates, ISO text, `22/Apr/26 7:56 AM`, `8/14/2026 3:22:10 PM`,
    `14/08/2026 15:22`, `31/12/2026`; ``day_first`` is only the tie-break for a column the
    data cannot decide (reported back in the DateOrder)."""
    blank = blank_mask(s)
    order = DateOrder(day_first, False)
    if _is_typed(s):
        out, bad = _typed_datetime(s, blank)
        return out, bad, order
    if not _is_text(s):
        values = s.to_numpy(dtype=object)
        kinds = np.fromiter((_native_kind(v) for v in values), dtype=np.int8, count=len(values))
        out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
        native = kinds == 1
        if native.any():
            out[native] = pd.to_datetime([_as_datetime(v) for v in values[native]]).as_unit("us")
        serial = kinds == 2
        if serial.any():
            days = np.asarray(values[serial], dtype="float64")
            out[serial] = _EXCEL_EPOCH + (days * 86400).round().astype("timedelta64[s]")
        text = ~(native | serial) & ~blank
        bad = np.zeros(len(s), bool)
        if text.any():
            parsed, bad_text, order = as_datetime(as_text(s[text]), day_first=day_first)
            out[text] = parsed.to_numpy()
            bad[text] = bad_text
        return out, bad, order
    text = s.str.strip().where(~blank)
    quick, order = _single_format(text, day_first)
    if quick is not None:
        return quick, np.zeros(len(s), bool), order
    return _by_components(text, blank, day_first)


def as_date(s: pd.Series, *, day_first: bool) -> tuple[pd.Series, np.ndarray, DateOrder]:
    values, bad, order = as_datetime(s, day_first=day_first)
    return values.dt.normalize(), bad, order


def _single_format(text: pd.Series, day_first: bool) -> tuple[pd.Series | None, DateOrder]:
    """The fast path: one strptime format covers every value (decided from the first one)."""
    present = text.dropna()
    order = DateOrder(day_first, False)
    if present.empty:
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]"), order
    first = present.iloc[0]
    fmt = "ISO8601" if re.match(ISO_RE, first) else _format_of(first, day_first)
    if fmt is None:
        return None, order
    parsed = _try_format(text, fmt)
    if parsed is None:
        return None, order
    if fmt != "ISO8601" and re.match(NUMERIC_RE, first):
        swapped = _try_format(text, _format_of(first, not day_first) or "")
        order = DateOrder(day_first, swapped is not None)
    return parsed, order


def _try_format(text: pd.Series, fmt: str) -> pd.Series | None:
    """All non-blank values parsed with ``fmt``, or None if one does not fit.

    DuckDB's ``try_strptime`` (multi-threaded, and strict: 31/02 is refused, where pyarrow's
    strptime rolls it over to 3 March and pandas' is ten times slower with %b / %p).
    """
    if not fmt:
        return None
    expr = (
        "try_cast(v AS TIMESTAMP)"
        if fmt == "ISO8601"
        else "try_strptime(v, '" + fmt.replace("'", "''") + "')"
    )
    cursor = _duckdb().cursor()
    try:
        cursor.register("_dates", pa.table({"v": arrow_of(text)}))
        stamps = cursor.sql(f"SELECT {expr} AS t FROM _dates").to_arrow_table().column(0)
    except duckdb.Error:
        return None
    finally:
        cursor.close()
    parsed = pd.Series(stamps.to_numpy(), index=text.index).astype("datetime64[us]")
    if (parsed.isna() & text.notna()).any():
        return None
    return parsed


@cache
def _duckdb() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def _format_of(value: str, day_first: bool) -> str | None:
    """The strptime format of one English-style value, or None (then the slow path decides)."""
    for regex, named in ((NAMED_RE, True), (NUMERIC_RE, False)):
        m = re.match(regex, value)
        if not m:
            continue
        sep = value[len(m["a"])]
        if named:
            if (
                m["mon"].lower()[:3]
                not in {
                    "jan",
                    "feb",
                    "mar",
                    "apr",
                    "may",
                    "jun",
                    "jul",
                    "aug",
                    "sep",
                    "oct",
                    "nov",
                    "dec",
                }
                or len(m["mon"]) != 3
            ):
                return None
            fmt = f"%d{sep}%b{sep}"
        else:
            fmt = f"%d{sep}%m{sep}" if day_first else f"%m{sep}%d{sep}"
        fmt += "%Y" if len(m["y"]) == 4 else "%y"
        if m["H"] is not None:
            between = value[m.end("y") : m.start("H")]
            fmt += between + ("%I" if m["ampm"] else "%H") + ":%M" + (":%S" if m["S"] else "")
            if m["ampm"]:
                if m["ampm"] not in ("AM", "PM", "am", "pm"):
                    return None
                fmt += value[m.end("S") if m["S"] else m.end("M") : m.start("ampm")] + "%p"
        return fmt
    return None


def _by_components(
    text: pd.Series, blank: np.ndarray, day_first: bool
) -> tuple[pd.Series, np.ndarray, DateOrder]:
    """The general path: regexes over the whole column (pyarrow), then checked arithmetic."""
    arr = arrow_of(text)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    year = np.full(n, -1, np.int64)
    a = np.full(n, -1, np.int64)  # day (ISO, named) or first number (numeric)
    b = np.full(n, -1, np.int64)  # month (ISO, named) or second number (numeric)
    hms = np.zeros((3, n), np.int64)
    pm = np.zeros(n, bool)
    am = np.zeros(n, bool)
    numeric = np.zeros(n, bool)
    for regex in (ISO_RE, NAMED_RE, NUMERIC_RE):
        m = pc.extract_regex(arr, regex)
        hit = m.is_valid().to_numpy(zero_copy_only=False) & (year < 0)
        if not hit.any():
            continue
        year[hit] = _ints(m, "y")[hit]
        a[hit] = _ints(m, "a")[hit]
        if regex is NAMED_RE:
            names = pc.utf8_lower(pc.struct_field(m, "mon")).to_numpy(zero_copy_only=False)
            b[hit] = [_MONTHS.get(x, _MONTHS.get(x[:3], -1)) if x else -1 for x in names[hit]]
        else:
            b[hit] = _ints(m, "b")[hit]
        if regex is NUMERIC_RE:
            numeric |= hit
        for i, part in enumerate(("H", "M", "S")):
            hms[i][hit] = np.maximum(_ints(m, part), 0)[hit]
        ampm = pc.utf8_lower(pc.struct_field(m, "ampm")).to_numpy(zero_copy_only=False)
        starts = np.array([x[:1] if x else "" for x in ampm])
        pm |= hit & (starts == "p")
        am |= hit & (starts == "a")
    year = np.where((year >= 0) & (year < 100), np.where(year < 70, 2000 + year, 1900 + year), year)
    order = _numeric_order(a[numeric], b[numeric], day_first)
    if order.day_first:
        day, month = a, b
        day[numeric], month[numeric] = a[numeric], b[numeric]
    else:
        day, month = a.copy(), b.copy()
        day[numeric], month[numeric] = b[numeric], a[numeric]
    hour = np.where(pm & (hms[0] < 12), hms[0] + 12, np.where(am & (hms[0] == 12), 0, hms[0]))
    ok = (year > 0) & (month >= 1) & (month <= 12) & (day >= 1)
    ok &= day <= _days_in_month(year, np.clip(month, 1, 12))
    ok &= (hour < 24) & (hms[1] < 60) & (hms[2] < 60) & ~((am | pm) & (hms[0] > 12))
    seconds = (
        _days_from_civil(year, np.clip(month, 1, 12), np.clip(day, 1, 31)) * 86400
        + hour * 3600
        + hms[1] * 60
        + hms[2]
    )
    values = np.where(ok, seconds, 0).astype("datetime64[s]").astype("datetime64[us]")
    out = pd.Series(values, index=text.index).where(ok)
    return out, ~ok & ~blank, order


def _numeric_order(first: np.ndarray, second: np.ndarray, day_first: bool) -> DateOrder:
    """Day-first if a first number exceeds 12, month-first if a second one does; else the hint.
    When both happen the majority wins and the other rows come out as impossible dates."""
    proves_day_first = int((first > 12).sum())
    proves_month_first = int((second > 12).sum())
    if proves_day_first or proves_month_first:
        return DateOrder(proves_day_first >= proves_month_first, False)
    return DateOrder(day_first, len(first) > 0)


def _ints(struct: pa.Array, field: str) -> np.ndarray:
    part = pc.struct_field(struct, field)
    part = pc.if_else(pc.equal(part, ""), None, part)
    ints: np.ndarray = pc.fill_null(pc.cast(part, pa.int64()), -1).to_numpy(zero_copy_only=False)
    return ints


def _days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[month]
    return np.where((month == 2) & leap, 29, days)


def _days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 (Howard Hinnant's algorithm, vectorised)."""
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days: np.ndarray = era * 146097 + doe - 719468
    return days


def _is_text(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.StringDtype)


def _text_of(v: object) -> str | None:
    if v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, pd.Timestamp):
        v = excel_value(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.isoformat(sep=" ")
    return str(v)


def _native_kind(v: object) -> int:
    """1 = a date/datetime object, 2 = a number (Excel serial date), 0 = anything else."""
    if isinstance(v, datetime | date | pd.Timestamp):
        return 1
    if isinstance(v, int | float) and not isinstance(v, bool) and v == v:
        return 2
    return 0


def _as_datetime(v: object) -> datetime:
    if isinstance(v, datetime):
        return v
    return datetime.combine(v, time())  # type: ignore[arg-type]


# ------------------------------------------------------------- typed columns (Excel, fastexcel)
# An Excel column of one cell type arrives typed: float64 (numbers), bool (yes/no), datetime64
# (dates). Each converter gives exactly what it gives for python-calamine's objects of the same
# cells (float, bool, date / datetime, '' where empty), without a Python call per cell.


def _is_typed(s: pd.Series) -> bool:
    return isinstance(s.dtype, np.dtype) and s.dtype.kind in "fiubM"


def excel_value(v: object) -> object:
    """A typed cell as python-calamine gives it: a date for a whole day (a datetime otherwise)."""
    if isinstance(v, pd.Timestamp):
        return v.date() if v == v.normalize() else v.to_pydatetime()
    return v


def _typed_text(s: pd.Series) -> pd.Series:
    """`_text_of` of each cell, once per distinct value: 12.0 -> `12`, 2.5 -> `2.5`, True ->
    `true`, a whole-day date -> `2026-01-02`, a datetime -> `2026-01-02 03:04:00`."""
    return map_distinct(s, _text_of).astype("str")


def _typed_number(s: pd.Series, blank: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """Numbers stay; a yes/no or a date is not a number (bad where not blank)."""
    if s.dtype.kind in "fiu":
        return pd.Series(s.to_numpy(dtype="float64"), index=s.index), np.zeros(len(s), bool)
    return pd.Series(np.nan, index=s.index, dtype="float64"), ~blank


def _typed_datetime(s: pd.Series, blank: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """Dates stay; a number is an Excel serial date; a yes/no is not a date."""
    if s.dtype.kind == "M":
        stamps = s.to_numpy().astype("datetime64[us]")
        return pd.Series(stamps, index=s.index), np.zeros(len(s), bool)
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    if s.dtype.kind in "fiu":
        serial = ~blank
        if serial.any():
            days = s.to_numpy(dtype="float64")[serial]
            out[serial] = _EXCEL_EPOCH + (days * 86400).round().astype("timedelta64[s]")
        return out, np.zeros(len(s), bool)
    return out, ~blank
