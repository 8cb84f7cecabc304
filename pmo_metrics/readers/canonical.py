"""A raw sheet plus a table name to canonical rows: column matching, typed conversion,
table-specific derivations, and the row-level validation a PMO lead can act on.

Output: a DataFrame with the table's business columns found in (or derived from) the file,
plus ``source_sheet`` and ``source_row``; and the Problems found, every one of them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from pmo_metrics.readers import convert, limits
from pmo_metrics.readers.columns import SYNONYMS, match_headers
from pmo_metrics.readers.context import Context
from pmo_metrics.readers.sheets import RawSheet
from pmo_metrics.readers.tickets import finish_tickets
from pmo_metrics.readers.workitems import finish_work_items
from pmo_metrics.schema.allowed import ALLOWED_VALUES, INTEGER_RANGES
from pmo_metrics.schema.problems import Problem
from pmo_metrics.schema.tables import table_specs

# Intermediate (underscore) columns that are not plain text.
INTERMEDIATE_TYPES = {"_updated": "TIMESTAMP", "_has_breached": "BOOLEAN"}
# Columns a finisher converts itself (e.g. `3 - Moderate` gives priority and priority_label).
RAW_COLUMNS = {("tickets", "priority")}
# From this many rows a sheet's columns are converted in parallel threads.
PARALLEL_ROWS = 20_000
EXPECTED = {
    "DOUBLE": "a number (e.g. 5, 2.5 or 2,5)",
    "INTEGER": "a whole number",
    "BIGINT": "a whole number",
    "DATE": "a real date (e.g. 31/12/2026 or 2026-12-31)",
    "TIMESTAMP": "a real date and time (e.g. 2026-08-01 09:14 or 22/Apr/26 7:56 AM)",
    "BOOLEAN": "yes/no, true/false or 1/0",
}


# A table's own finishing step: (frame, source rows, context, {"raw": columns kept as read,
# "headers": canonical column -> the file's header}) -> (frame, source rows)
Finisher = Callable[
    [pd.DataFrame, np.ndarray, Context, dict[str, Any]], tuple[pd.DataFrame, np.ndarray]
]


def build_table(
    raw: RawSheet, table: str, ctx: Context, mapping: dict[str, str] | None = None
) -> pd.DataFrame:
    """Canonical rows of ``table`` from ``raw``; problems go to ``ctx.problems``."""
    spec = table_specs()[table]
    matched, _unknown = match_headers(raw.headers, table, mapping)
    headers = {col: raw.headers[pos[0]] for col, pos in matched.items()}
    frame = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    raw_values: dict[str, pd.Series] = {}
    lists = set(spec.list_columns)
    types = {**spec.types, **intermediate_types(table)}

    def column(col: str) -> tuple[pd.Series, list[Problem]]:
        """One column converted, with its own problems (columns convert in parallel)."""
        own = replace(ctx, problems=[])
        positions = matched[col]
        if col in lists:
            return convert.as_list([raw.column(p) for p in positions]), own.problems
        values = _coalesce([raw.column(p) for p in positions])
        _check_cell_size(values, raw.rows, own, headers[col])
        if (table, col) in RAW_COLUMNS:
            return values, own.problems
        return _typed(values, types[col], raw.rows, own, headers[col]), own.problems

    wanted = [col for col in matched if col in types]
    # Arrow and DuckDB kernels release the GIL: a large file's columns convert on every core.
    workers = min(len(wanted), os.cpu_count() or 1) if len(raw) >= PARALLEL_ROWS else 1
    with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
        converted = list(pool.map(column, wanted))
    for col, (values, problems) in zip(wanted, converted, strict=True):
        ctx.problems.extend(problems)  # in column order, whatever finished first
        if (table, col) in RAW_COLUMNS and col not in lists:
            raw_values[col] = values
        else:
            frame[col] = values
    finishers: dict[str, Finisher] = {
        "work_items": finish_work_items,
        "tickets": finish_tickets,
        "sprints": finish_sprints,
    }
    rows = raw.rows
    if table in finishers:
        frame, rows = finishers[table](frame, rows, ctx, {"raw": raw_values, "headers": headers})
    _check_required(frame, rows, table, ctx, headers)
    _check_domains(frame, rows, table, ctx, headers)
    frame = frame[[c for c in spec.columns if c in frame.columns]]
    frame["source_sheet"] = raw.name
    frame["source_row"] = rows
    return frame


def finish_sprints(
    frame: pd.DataFrame, rows: np.ndarray, ctx: Context, extra: dict[str, Any]
) -> tuple[pd.DataFrame, np.ndarray]:
    """A calendar sprint without start and end dates cannot place itself in time: warn."""
    undated = np.zeros(len(frame), dtype=bool)
    for col in ("start_date", "end_date"):
        undated |= frame[col].isna().to_numpy() if col in frame else True
    if undated.any():
        name = frame["sprint"] if "sprint" in frame else None
        ctx.row_problems(
            undated,
            rows,
            name,
            "start and end dates for the sprint (without them "
            "it sorts by name and the forecast cannot date it)",
            column=extra["headers"].get("start_date"),
            severity="warning",
        )
    return frame, rows


def intermediate_types(table: str) -> dict[str, str]:
    """The underscore columns of ``table`` with their type (text unless listed)."""
    return {
        c: INTERMEDIATE_TYPES.get(c, "VARCHAR")
        for c in SYNONYMS.get(table, {})
        if c.startswith("_")
    }


def _coalesce(columns: list[pd.Series]) -> pd.Series:
    """The first non-blank value across several columns, row by row."""
    out = columns[0]
    for other in columns[1:]:
        blank = convert.blank_mask(out)
        if not blank.any():
            break
        out = (
            out.where(~blank, other)
            if out.dtype == other.dtype
            else pd.Series(
                np.where(blank, other.to_numpy(dtype=object), out.to_numpy(dtype=object)),
                dtype=object,
            )
        )
    return out


def _typed(values: pd.Series, typ: str, rows: np.ndarray, ctx: Context, header: str) -> pd.Series:
    """Convert one column to its schema type; bad cells become row problems."""
    if typ in ("DOUBLE", "FLOAT", "DECIMAL"):
        out, bad = convert.as_number(values, decimal=ctx.decimal)
    elif typ in ("INTEGER", "BIGINT"):
        out, bad = convert.as_integer(values, decimal=ctx.decimal)
    elif typ == "BOOLEAN":
        out, bad = convert.as_boolean(values)
    elif typ in ("DATE", "TIMESTAMP"):
        parse = convert.as_date if typ == "DATE" else convert.as_datetime
        out, bad, order = parse(values, day_first=ctx.day_first)
        if order.ambiguous:
            assumed = (
                "day/month/year (dd/mm/yyyy)" if order.day_first else "month/day/year (mm/dd/yyyy)"
            )
            ctx.problem(
                f"dates that show whether the day or the month comes first; every "
                f"value fits both, so they were read as {assumed}",
                severity="warning",
                column=header,
            )
    else:
        return convert.as_text(values)
    if bad.any():
        ctx.row_problems(bad, rows, values, EXPECTED.get(typ, typ), column=header)
    return out


def _check_cell_size(values: pd.Series, rows: np.ndarray, ctx: Context, header: str) -> None:
    if isinstance(values.dtype, pd.StringDtype):
        arr = convert.arrow_of(values)
        # Bytes bound characters from above, and a byte length is read off the offsets.
        longest = pc.max(pc.binary_length(arr)).as_py() if len(arr) else 0
        if (longest or 0) <= limits.MAX_CELL_CHARS:
            return
        lengths = values.str.len().fillna(0).to_numpy()
    elif values.dtype != object:  # an Excel column of numbers, dates or yes/no: no text
        return
    else:
        lengths = np.fromiter(
            (len(v) if isinstance(v, str) else 0 for v in values), dtype=np.int64, count=len(values)
        )
    too_big = lengths > limits.MAX_CELL_CHARS
    if too_big.any():
        ctx.row_problems(
            too_big,
            rows,
            None,
            f"at most {limits.MAX_CELL_CHARS:,} characters in a cell",
            column=header,
        )


def _check_required(
    frame: pd.DataFrame, rows: np.ndarray, table: str, ctx: Context, headers: dict[str, str]
) -> None:
    spec = table_specs()[table]
    for col in spec.required:
        if col not in frame.columns:
            names = ", ".join(f"'{n}'" for n in [col, *SYNONYMS.get(table, {}).get(col, [])][:6])
            ctx.problem(
                f"a column for '{col}' (a header such as {names}); it is missing", column=col
            )
            continue
        missing = frame[col].isna().to_numpy()
        if missing.any():
            ctx.row_problems(
                missing, rows, None, f"a value: '{col}' is required", column=headers.get(col, col)
            )


def _check_domains(
    frame: pd.DataFrame, rows: np.ndarray, table: str, ctx: Context, headers: dict[str, str]
) -> None:
    for (t, col), (low, high) in INTEGER_RANGES.items():
        if t == table and col in frame.columns:
            values = frame[col]
            bad = (values.notna() & ((values < low) | (values > high))).to_numpy(dtype=bool)
            if bad.any():
                ctx.row_problems(
                    bad, rows, values, f"a value from {low} to {high}", column=headers.get(col, col)
                )
    for (t, col), choices in ALLOWED_VALUES.items():
        if t == table and col in frame.columns:
            values = frame[col].str.lower().str.strip()
            frame[col] = values
            bad = (values.notna() & ~values.isin(choices)).to_numpy(dtype=bool)
            if bad.any():
                ctx.row_problems(
                    bad, rows, values, " or ".join(choices), column=headers.get(col, col)
                )
