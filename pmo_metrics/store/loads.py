"""All-or-nothing loads keyed by natural keys, with the history that makes undo possible.

A load upserts canonical rows: a new key is added; a known key whose content changed is updated
(its previous version goes to ``<table>_history`` tagged with the load that replaced it); an
identical row is left alone. Everything happens in one transaction, so a failure anywhere
leaves every table exactly as it was. Undo reverses one load: its rows go, what it replaced
comes back (unless a later load has replaced it again, in which case the later version stays).
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmo_metrics.readers.base import ImportRejected, ParsedFile, Problem
from pmo_metrics.store.connection import fetch_row, fetch_scalar
from pmo_metrics.store.tables import HISTORY_SUFFIX, PROVENANCE, TableSpec, table_specs

_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
SNAPSHOT_TABLES = {"work_items": "work_item_snapshots", "tickets": "ticket_snapshots"}

# Loads and undos of one process run one at a time. Canonical tables have no unique constraint
# (natural keys are enforced by the upsert), so two concurrent transactions on cursors of one
# connection could both add the same new key; other processes are kept out by DuckDB's file lock.
WRITE_LOCK = threading.RLock()


def serialised(func):
    """Run ``func`` holding :data:`WRITE_LOCK` (every writer of canonical tables uses it)."""

    @functools.wraps(func)
    def locked(*args, **kwargs):
        with WRITE_LOCK:
            return func(*args, **kwargs)

    return locked


@dataclass
class TableCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LoadResult:
    """What a load did. ``load_id`` is None when every file was already loaded."""

    load_id: int | None
    counts: dict[str, TableCounts] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    skipped_files: list[str] = field(default_factory=list)  # byte-identical to an earlier load

    def summary(self) -> str:
        lines = [f"load {self.load_id}" if self.load_id else "nothing new to load"]
        for name in self.skipped_files:
            lines.append(f"  {name}: identical to a file already loaded; nothing changed")
        for table, c in self.counts.items():
            lines.append(
                f"  {table}: {c.added} added, {c.updated} updated, {c.unchanged} unchanged"
            )
        if self.warnings:
            lines.append(f"  {len(self.warnings)} warning(s):")
            lines.extend(f"    {w}" for w in self.warnings)
        return "\n".join(lines)


@serialised
def load_parsed(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[ParsedFile],
    *,
    period: str | None = None,
    user: str | None = None,
) -> LoadResult:
    """Load parsed files as one load; raise :class:`ImportRejected` if any has an error."""
    problems = [p for f in files for p in f.problems] + _duplicate_keys(files)
    if any(p.severity == "error" for p in problems):
        raise ImportRejected(problems)
    warnings = [p for p in problems if p.severity == "warning"]
    fresh = [f for f in files if not _already_loaded(con, f.sha256)]
    result = LoadResult(load_id=None, warnings=warnings)
    result.skipped_files = [f.file_name for f in files if f not in fresh]
    if not fresh:
        return result
    batches = _combine(fresh)
    period = period or _infer_period(batches)
    if not _PERIOD.fullmatch(period):
        raise ValueError(f"period {period!r}: expected YYYY-MM")
    con.execute("BEGIN TRANSACTION")
    try:
        load_id = fetch_scalar(con, "SELECT nextval('load_id_seq')")
        con.execute(
            "INSERT INTO loads VALUES (?, ?, NULL, ?, ?, 'loaded', NULL, NULL)",
            [load_id, datetime.now(), user, period],
        )
        for table, frame in batches.items():
            result.counts[table] = _upsert(con, table_specs()[table], frame, load_id)
        for source, snapshot in SNAPSHOT_TABLES.items():
            if source in batches:
                result.counts[snapshot] = _snapshot(con, source, snapshot, period, load_id)
        for f in fresh:
            con.execute(
                "INSERT INTO load_files VALUES (?, ?, ?, ?, ?, ?)",
                [
                    load_id,
                    f.file_name,
                    f.sha256,
                    f.source_kind,
                    f.rows_read,
                    json.dumps([str(w) for w in f.warnings]),
                ],
            )
        summary = {t: asdict(c) for t, c in result.counts.items()}
        con.execute(
            "UPDATE loads SET finished_at = ?, summary = ? WHERE load_id = ?",
            [datetime.now(), json.dumps(summary), load_id],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    result.load_id = load_id
    return result


@serialised
def undo_load(con: duckdb.DuckDBPyConnection, load_id: int) -> dict[str, int]:
    """Reverse a load; returns rows removed per table. Raises ValueError for an unknown load."""
    row = fetch_row(con, "SELECT status FROM loads WHERE load_id = ?", [load_id])
    if row is None:
        raise ValueError(f"there is no load {load_id}")
    if row[0] != "loaded":
        raise ValueError(f"load {load_id} is already undone")
    removed: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for spec in table_specs().values():
            n = _undo_table(con, spec, load_id)
            if n:
                removed[spec.name] = n
        con.execute(
            "UPDATE loads SET status = 'undone', undone_at = ? WHERE load_id = ?",
            [datetime.now(), load_id],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return removed


def list_loads(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The load history, newest first, with the files of each load."""
    return con.execute(
        """
        SELECT l.load_id, l.started_at, l.loaded_by, l.period, l.status, l.undone_at,
               string_agg(f.file_name || ' (' || f.source_kind || ')', ', ') AS files,
               sum(f.rows_read) AS rows_read, any_value(l.summary) AS summary
        FROM loads l LEFT JOIN load_files f USING (load_id)
        GROUP BY ALL ORDER BY l.load_id DESC
        """
    ).df()


def _already_loaded(con: duckdb.DuckDBPyConnection, sha256: str) -> bool:
    return (
        fetch_scalar(
            con,
            "SELECT count(*) FROM load_files JOIN loads USING (load_id) "
            "WHERE sha256 = ? AND status = 'loaded'",
            [sha256],
        )
        > 0
    )


def _duplicate_keys(files: Sequence[ParsedFile]) -> list[Problem]:
    """The same natural key twice in one file is an error the PMO lead must resolve."""
    specs = table_specs()
    problems: list[Problem] = []
    for f in files:
        for table, frame in f.tables.items():
            key = list(specs[table].key)
            if _surely_unique(frame, key):
                continue
            dup = frame.loc[frame.duplicated(key, keep=False)]
            for _, group in dup.groupby(key, sort=False, dropna=False):
                rows = ", ".join(str(r) for r in group["source_row"].tolist())
                first = group.iloc[0]
                problems.append(
                    Problem(
                        file=f.file_name,
                        sheet=first.get("source_sheet"),
                        row=int(first["source_row"]),
                        column=", ".join(key),
                        value=" / ".join(str(first[k]) for k in key),
                        expected=f"each {' + '.join(key)} once in the file (found in rows {rows})",
                    )
                )
    return problems


def _surely_unique(frame: pd.DataFrame, key: list[str]) -> bool:
    """True when a one-column text key has no repeat (Arrow's distinct count, ~10x faster than
    ``duplicated`` on a million rows); False means: look row by row."""
    if len(key) != 1 or not hasattr(frame[key[0]].array, "_pa_array"):
        return False
    values = frame[key[0]].array._pa_array
    return pc.count_distinct(values, mode="all").as_py() == len(values)


def _combine(files: Sequence[ParsedFile]) -> dict[str, pd.DataFrame]:
    """One frame per table; where files overlap (an xlsx and a csv of the same tickets), the
    last file wins."""
    specs = table_specs()
    parts: dict[str, list[pd.DataFrame]] = {}
    for f in files:
        for table, frame in f.tables.items():
            if len(frame):
                parts.setdefault(table, []).append(frame.assign(source_file=f.file_name))
    combined = {}
    for table, frames in parts.items():
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        if len(frames) > 1:
            frame = frame.drop_duplicates(list(specs[table].key), keep="last")
        combined[table] = frame
    return combined


def _infer_period(batches: dict[str, pd.DataFrame]) -> str:
    """The month a load's snapshot belongs to: the newest activity date in it, else today."""
    newest: list[pd.Timestamp] = []
    activity = {"work_items": ("created", "resolved"), "tickets": ("opened", "resolved")}
    for table, cols in activity.items():
        frame = batches.get(table)
        for col in cols if frame is not None else ():
            if col in frame and frame[col].notna().any():
                newest.append(pd.Timestamp(frame[col].max()))
    moment = max(newest) if newest else pd.Timestamp(date.today())
    return f"{moment.year:04d}-{moment.month:02d}"


def _select_list(spec: TableSpec, present: set[str]) -> str:
    """Cast each business column of the staged rows to its declared type (NULL if absent)."""
    cols = []
    for col, typ in spec.types.items():
        cast = f'CAST("{col}" AS {typ})' if col in present else f"NULL::{typ}"
        cols.append(f'{cast} AS "{col}"')
    return ", ".join(cols)


def _upsert(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, frame: pd.DataFrame, load_id: int
) -> TableCounts:
    con.register("_incoming", _arrow_of(frame))
    try:
        fresh = fetch_scalar(con, f"SELECT count(*) FROM (SELECT 1 FROM {spec.name} LIMIT 1)") == 0
        return _upsert_from(con, spec, "_incoming", set(frame.columns), load_id, fresh=fresh)
    finally:
        con.unregister("_incoming")


def _arrow_of(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """The frame as an Arrow table: DuckDB scans it without converting Python objects (list
    columns, text) row by row; a frame Arrow cannot type (mixed objects) is registered as is."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return frame


def _upsert_from(
    con: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    relation: str,
    present: set[str],
    load_id: int,
    *,
    fresh: bool = False,
) -> TableCounts:
    """Upsert the rows of ``relation`` (a registered frame or a view) into ``spec``'s table.

    ``fresh``: the caller knows no incoming key exists in the table (it is empty, or the
    snapshot month has no rows yet), so every row is added: one INSERT, no staging or join.
    """
    keys = ", ".join(f'"{k}"' for k in spec.key)
    on = " AND ".join(f't."{k}" = s."{k}"' for k in spec.key)
    business = ", ".join(f'"{c}"' for c in spec.columns)
    staged = f"""
        SELECT *, hash(struct_pack({business})) AS row_hash FROM (
            SELECT {_select_list(spec, present)},
                   {load_id}::BIGINT AS load_id, source_file::VARCHAR AS source_file,
                   source_sheet::VARCHAR AS source_sheet, source_row::BIGINT AS source_row
            FROM {relation})
        """
    cols = ", ".join(f'"{c}"' for c in (*spec.columns, *PROVENANCE))
    if fresh:
        # Rows of a table have no order; letting DuckDB write row groups from both threads
        # makes a million-row insert about a third faster.
        con.execute("SET preserve_insertion_order = false")
        try:
            added = fetch_scalar(
                con, f"INSERT INTO {spec.name} ({cols}) SELECT {cols} FROM ({staged})"
            )
        finally:
            con.execute("RESET preserve_insertion_order")
        return TableCounts(added=added or 0)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _stage AS {staged}")
    counts = fetch_row(
        con,
        f"""
        SELECT count(*) FILTER (WHERE t.row_hash IS NULL),
               count(*) FILTER (WHERE t.row_hash IS NOT NULL AND t.row_hash <> s.row_hash),
               count(*) FILTER (WHERE t.row_hash = s.row_hash)
        FROM _stage s LEFT JOIN {spec.name} t ON {on}
        """,
    )
    if counts[1]:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _changed AS
            SELECT t.* FROM {spec.name} t JOIN _stage s ON {on} WHERE t.row_hash <> s.row_hash
            """
        )
        con.execute(f"INSERT INTO {spec.name}{HISTORY_SUFFIX} SELECT *, {load_id} FROM _changed")
        con.execute(f"DELETE FROM {spec.name} WHERE ({keys}) IN (SELECT ({keys}) FROM _changed)")
    if counts[0] or counts[1]:
        con.execute(
            f"""
            INSERT INTO {spec.name} ({cols})
            SELECT {cols} FROM _stage s WHERE NOT EXISTS (SELECT 1 FROM {spec.name} t WHERE {on})
            """
        )
    con.execute("DROP TABLE IF EXISTS _stage; DROP TABLE IF EXISTS _changed")
    return TableCounts(added=counts[0], updated=counts[1], unchanged=counts[2])


def _snapshot(
    con: duckdb.DuckDBPyConnection, source: str, snapshot: str, period: str, load_id: int
) -> TableCounts:
    """Record the month-end state of every row of ``source`` for ``period`` (first of month)."""
    spec = table_specs()[snapshot]
    carried = [c for c in spec.columns if c != "month"]
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW _snapshot_rows AS
        SELECT DATE '{period}-01' AS month, {", ".join(carried)},
               '(month-end snapshot)' AS source_file, '{source}' AS source_sheet,
               row_number() OVER () AS source_row
        FROM {source}
        """
    )
    present = {"month", *carried, "source_file", "source_sheet", "source_row"}
    month_is_new = (
        fetch_scalar(
            con,
            f"SELECT count(*) FROM (SELECT 1 FROM {snapshot} WHERE month = DATE '{period}-01' "
            "LIMIT 1)",
        )
        == 0
    )
    counts = _upsert_from(con, spec, "_snapshot_rows", present, load_id, fresh=month_is_new)
    con.execute("DROP VIEW _snapshot_rows")
    return counts


def _undo_table(con: duckdb.DuckDBPyConnection, spec: TableSpec, load_id: int) -> int:
    history = f"{spec.name}{HISTORY_SUFFIX}"
    same_key = " AND ".join(f'h."{k}" = later."{k}"' for k in spec.key)
    removed = fetch_scalar(con, f"DELETE FROM {spec.name} WHERE load_id = ?", [load_id])
    # A version this load replaced that a later load replaced again: hand it to that later load.
    con.execute(
        f"""
        UPDATE {history} AS h SET replaced_by_load = later.replaced_by_load
        FROM {history} AS later
        WHERE h.replaced_by_load = ? AND later.load_id = ? AND {same_key}
        """,
        [load_id, load_id],
    )
    con.execute(f"DELETE FROM {history} WHERE load_id = ?", [load_id])
    cols = ", ".join(f'"{c}"' for c in (*spec.columns, *PROVENANCE))
    con.execute(
        f"INSERT INTO {spec.name} ({cols}) SELECT {cols} FROM {history} WHERE replaced_by_load = ?",
        [load_id],
    )
    con.execute(f"DELETE FROM {history} WHERE replaced_by_load = ?", [load_id])
    return removed
