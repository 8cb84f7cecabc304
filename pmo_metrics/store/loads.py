"""All-or-nothing loads keyed by natural keys: a file is the state of its rows at its period.

Every load has a period (YYYY-MM). Every row a load carries is kept as a *version* of its key:
the version of the newest period wins (and, within one period, the later load), and it is the
row of the canonical table; every other version of an active load waits in ``<table>_history``.
So an older file (a backfill, months loaded out of order) fills that month's history without
replacing newer state, and the same period loaded again replaces that period's state of the
rows it carries. Undo and redo only change which loads are active; the winners are chosen again
by the same rule (:func:`_settle`), so any order of undos and redos ends where loading the
active files from scratch would. Undone loads keep their versions in history for a redo.

The month-end snapshots of work items and tickets are derived by one rule too: the state of a
row at month M is its newest version from an active load of period M or earlier; a month has a
snapshot when an active load of that period carries the table (:func:`_snapshot`).
Everything happens in one transaction, so a failure anywhere leaves every table as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import cast

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmo_metrics import audit
from pmo_metrics.schema.problems import ImportRejected, ParsedFile, Problem
from pmo_metrics.schema.tables import HISTORY_SUFFIX, PROVENANCE, TableSpec, table_specs
from pmo_metrics.store.connection import fetch_row, fetch_scalar, serialised, transaction

_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
SNAPSHOT_TABLES = {"work_items": "work_item_snapshots", "tickets": "ticket_snapshots"}


@dataclass
class TableCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0  # versions older than the state already loaded: kept as their month's history

    def describe(self) -> str:
        text = f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"
        if self.older:
            text += (
                f", {self.older} older than the state already loaded "
                "(kept as their month's history)"
            )
        return text


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
            lines.append(f"  {table}: {c.describe()}")
        if self.warnings:
            lines.append(f"  {len(self.warnings)} warning(s):")
            lines.extend(f"    {w}" for w in self.warnings)
        return "\n".join(lines)


def versioned_specs() -> list[TableSpec]:
    """The tables files load (every canonical table but the derived snapshots)."""
    derived = set(SNAPSHOT_TABLES.values())
    return [spec for spec in table_specs().values() if spec.name not in derived]


@serialised
def load_parsed(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[ParsedFile],
    *,
    period: str | None = None,
    user: str | None = None,
    action: str = "import",
    note: str = "",
) -> LoadResult:
    """Load parsed files as one load; raise :class:`ImportRejected` if any has an error.

    The audit entry (``action`` by ``user``, the load, its files and ``note``) is written in
    the load's own transaction: a load is never committed without it, nor it without the load.
    """
    problems = [p for f in files for p in f.problems] + _duplicate_keys(files)
    if any(p.severity == "error" for p in problems):
        raise ImportRejected(problems)
    warnings = [p for p in problems if p.severity == "warning"]
    fresh = [f for f in files if not _already_loaded(con, f.sha256)]
    result = LoadResult(load_id=None, warnings=warnings)
    result.skipped_files = [f.file_name for f in files if f not in fresh]
    if not fresh:
        return result
    batches, conflicts = _combine(con, fresh)
    result.warnings.extend(conflicts)
    period = period or _infer_period(batches)
    if not _PERIOD.fullmatch(period):
        raise ValueError(f"period {period!r}: expected YYYY-MM")
    with transaction(con):
        load_id = fetch_scalar(con, "SELECT nextval('load_id_seq')")
        con.execute(
            "INSERT INTO loads VALUES (?, ?, NULL, ?, ?, 'loaded', NULL, NULL)",
            [load_id, datetime.now(), user, period],
        )
        for table, frame in batches.items():
            result.counts[table] = _upsert(con, table_specs()[table], frame, load_id, period)
        for source, snapshot in SNAPSHOT_TABLES.items():
            if source in batches:
                result.counts[snapshot] = _snapshot(con, source, snapshot, load_id)
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
        names = ", ".join(f.file_name for f in fresh)
        audit.record(con, user, action, f"load {load_id}: {names}" + (f"; {note}" if note else ""))
    result.load_id = load_id
    return result


@serialised
def undo_load(
    con: duckdb.DuckDBPyConnection, load_id: int, *, user: str | None = None
) -> dict[str, int]:
    """Reverse a load; returns, per table, how many of its rows left the current state (a row
    another active load carries comes back in that load's version). Raises ValueError for an
    unknown or already undone load."""
    if _status(con, load_id) != "loaded":
        raise ValueError(f"load {load_id} is already undone")
    removed: dict[str, int] = {}
    with transaction(con):
        con.execute(
            "UPDATE loads SET status = 'undone', undone_at = ? WHERE load_id = ?",
            [datetime.now(), load_id],
        )
        for spec in versioned_specs():
            n = _undo_table(con, spec, load_id)
            if n:
                removed[spec.name] = n
        _resnapshot(con, load_id)
        detail = ", ".join(f"{t}: {n} rows removed" for t, n in removed.items()) or "no rows"
        audit.record(con, user, "undo", f"load {load_id}: {detail}")
    return removed


@serialised
def redo_load(con: duckdb.DuckDBPyConnection, load_id: int, *, user: str | None = None) -> None:
    """Make an undone load active again, exactly as if it had never been undone."""
    if _status(con, load_id) != "undone":
        raise ValueError(f"load {load_id} is not undone")
    again = con.execute(
        "SELECT f.file_name, l.load_id FROM load_files f JOIN loads l USING (load_id) "
        "WHERE l.status = 'loaded' AND f.sha256 IN "
        "(SELECT sha256 FROM load_files WHERE load_id = ?)",
        [load_id],
    ).fetchall()
    if again:
        name, later = again[0]
        raise ValueError(
            f"load {load_id} cannot be redone: its file {name} was loaded again as load "
            f"{later}; undo load {later} first"
        )
    with transaction(con):
        con.execute(
            "UPDATE loads SET status = 'loaded', undone_at = NULL WHERE load_id = ?", [load_id]
        )
        for spec in versioned_specs():
            history = f"{spec.name}{HISTORY_SUFFIX}"
            _settle(con, spec, f"SELECT {_keys(spec)} FROM {history} WHERE load_id = {load_id}")
        _resnapshot(con, load_id)
        audit.record(con, user, "redo", f"load {load_id}")


def _status(con: duckdb.DuckDBPyConnection, load_id: int) -> str:
    row = fetch_row(con, "SELECT status FROM loads WHERE load_id = ?", [load_id])
    if row is None:
        raise ValueError(f"there is no load {load_id}")
    status: str = row[0]
    return status


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
    loaded: int = fetch_scalar(
        con,
        "SELECT count(*) FROM load_files JOIN loads USING (load_id) "
        "WHERE sha256 = ? AND status = 'loaded'",
        [sha256],
    )
    return loaded > 0


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
    """True when a one-column text key has no repeat (Arrow's distinct values, ~10x faster
    than ``duplicated`` on a million rows; ``unique`` rather than ``count_distinct``, whose
    first call in a process costs several times more); False means: look row by row. A NULL
    key is one value, so two of them are a repeat, as ``duplicated`` counts them."""
    if len(key) != 1 or not hasattr(frame[key[0]].array, "_pa_array"):
        return False
    values = frame[key[0]].array._pa_array
    return len(pc.unique(values)) == len(values)


def _combine(
    con: duckdb.DuckDBPyConnection, files: Sequence[ParsedFile]
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """One frame per table; where files overlap (an xlsx and a csv of the same tickets), the
    last file wins, and a key whose rows differ between the files is named in a warning."""
    specs = table_specs()
    parts: dict[str, list[pd.DataFrame]] = {}
    for f in files:
        for table, frame in f.tables.items():
            if len(frame):
                parts.setdefault(table, []).append(frame.assign(source_file=f.file_name))
    combined, warnings = {}, []
    for table, frames in parts.items():
        if len(frames) == 1:
            combined[table] = frames[0]
            continue
        frame = pd.concat(frames, ignore_index=True)
        repeated = frame.duplicated(list(specs[table].key), keep="last")
        if repeated.any():  # files of different projects share no key: nothing to compare
            warnings.extend(_conflicts(con, specs[table], frame))
            frame = frame.loc[~repeated]
        combined[table] = frame
    return combined, warnings


def _conflicts(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, frame: pd.DataFrame, shown: int = 20
) -> list[Problem]:
    """Keys carried by several files of one batch with different content (compared as the
    store types them, so an .xlsx and a .csv of the same rows agree)."""
    key = ", ".join(f'"{k}"' for k in spec.key)
    business = ", ".join(f'"{c}"' for c in spec.columns)
    con.register("_batch", _arrow_of(frame))
    try:
        rows = con.execute(
            f"""
            SELECT {key}, list(DISTINCT source_file ORDER BY source_file) AS files,
                   any_value(source_row) AS source_row, count(*) OVER () AS conflicts
            FROM (SELECT {_select_list(spec, set(frame.columns))}, source_file, source_row
                  FROM _batch)
            GROUP BY {key}
            HAVING count(DISTINCT hash(struct_pack({business}))) > 1
            ORDER BY {key} LIMIT {shown}
            """
        ).fetchall()
    finally:
        con.unregister("_batch")
    width = len(spec.key)
    problems = [
        Problem(
            file=" / ".join(r[width]),
            column=", ".join(spec.key),
            value=" / ".join(str(v) for v in r[:width]),
            severity="warning",
            expected=(
                f"the same {spec.name} row in every file of the batch; they differ, and the "
                f"last file ({frame['source_file'].iloc[-1]}) was loaded"
            ),
        )
        for r in rows
    ]
    if rows and rows[0][width + 2] > shown:
        problems.append(
            Problem(
                file=", ".join(sorted(frame["source_file"].unique())),
                severity="warning",
                expected=f"{rows[0][width + 2] - shown} more {spec.name} keys differ likewise",
            )
        )
    return problems


def _infer_period(batches: dict[str, pd.DataFrame]) -> str:
    """The month a load's snapshot belongs to: the newest activity date in it, else today."""
    newest: list[pd.Timestamp] = []
    activity = {"work_items": ("created", "resolved"), "tickets": ("opened", "resolved")}
    for table, cols in activity.items():
        frame = batches.get(table)
        if frame is None:
            continue
        for col in cols:
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


def _keys(spec: TableSpec, alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(f'{prefix}"{k}"' for k in spec.key)


def _same_key(spec: TableSpec, left: str, right: str) -> str:
    return " AND ".join(f'{left}."{k}" = {right}."{k}"' for k in spec.key)


def _upsert(
    con: duckdb.DuckDBPyConnection, spec: TableSpec, frame: pd.DataFrame, load_id: int, period: str
) -> TableCounts:
    con.register("_incoming", _arrow_of(frame))
    try:
        return _upsert_from(con, spec, "_incoming", set(frame.columns), load_id, period)
    finally:
        con.unregister("_incoming")


def _arrow_of(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """The frame as an Arrow table: DuckDB scans it without converting Python objects (list
    columns, text) row by row; a frame Arrow cannot type (mixed objects) is registered as is."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return frame


def _columns(spec: TableSpec) -> str:
    return ", ".join(f'"{c}"' for c in (*spec.columns, *PROVENANCE))


def _upsert_from(
    con: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    relation: str,
    present: set[str],
    load_id: int,
    period: str,
) -> TableCounts:
    """Add the rows of ``relation`` (a registered frame) as this load's versions of their keys,
    then let each key's newest version win (:func:`_settle`)."""
    business = ", ".join(f'"{c}"' for c in spec.columns)
    staged = f"""
        SELECT *, hash(struct_pack({business})) AS row_hash FROM (
            SELECT {_select_list(spec, present)},
                   {load_id}::BIGINT AS load_id, source_file::VARCHAR AS source_file,
                   source_sheet::VARCHAR AS source_sheet, source_row::BIGINT AS source_row
            FROM {relation})
        """
    cols = _columns(spec)
    if fetch_scalar(con, f"SELECT count(*) FROM (SELECT 1 FROM {spec.name} LIMIT 1)") == 0:
        # Nothing loaded yet: every row wins. Rows of a table have no order; letting DuckDB
        # write row groups from both threads makes a million-row insert about a third faster.
        con.execute("SET preserve_insertion_order = false")
        try:
            added = fetch_scalar(
                con, f"INSERT INTO {spec.name} ({cols}) SELECT {cols} FROM ({staged})"
            )
        finally:
            con.execute("RESET preserve_insertion_order")
        return TableCounts(added=added or 0)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _stage AS {staged}")
    newer = f"l.period <= '{period}'"  # this load outranks the current version
    counts = fetch_row(
        con,
        f"""
        SELECT count(*) FILTER (WHERE t.row_hash IS NULL),
               count(*) FILTER (WHERE {newer} AND t.row_hash <> s.row_hash),
               count(*) FILTER (WHERE {newer} AND t.row_hash = s.row_hash),
               count(*) FILTER (WHERE l.period > '{period}')
        FROM _stage s LEFT JOIN {spec.name} t ON {_same_key(spec, "t", "s")}
        LEFT JOIN loads l ON l.load_id = t.load_id
        """,
    )
    history = f"{spec.name}{HISTORY_SUFFIX}"
    con.execute(f"INSERT INTO {history} ({cols}) SELECT {cols} FROM _stage")
    _settle(con, spec, f"SELECT {_keys(spec)} FROM _stage")
    con.execute("DROP TABLE IF EXISTS _stage")
    # count(*) without GROUP BY: always one row
    return TableCounts(*cast(tuple[int, ...], counts))


def _settle(con: duckdb.DuckDBPyConnection, spec: TableSpec, keys_query: str) -> None:
    """For each key ``keys_query`` returns, make the canonical row the key's winning version:
    of the versions of active loads, the newest period's, and within a period the later
    load's; every other version stays in history. The one rule of loads, undo and redo."""
    history = f"{spec.name}{HISTORY_SUFFIX}"
    cols = _columns(spec)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _keys AS SELECT DISTINCT * FROM ({keys_query})")
    con.execute(
        f"INSERT INTO {history} ({cols}) SELECT {cols} FROM {spec.name} t "
        f"SEMI JOIN _keys k ON {_same_key(spec, 't', 'k')}"
    )
    con.execute(f"DELETE FROM {spec.name} t USING _keys k WHERE {_same_key(spec, 't', 'k')}")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _winners AS
        SELECT h.* FROM {history} h JOIN loads l ON l.load_id = h.load_id
        SEMI JOIN _keys k ON {_same_key(spec, "h", "k")}
        WHERE l.status = 'loaded'
        QUALIFY row_number() OVER (
            PARTITION BY {_keys(spec, "h")} ORDER BY l.period DESC, h.load_id DESC) = 1
        """
    )
    con.execute(
        f"DELETE FROM {history} h USING _winners w "
        f"WHERE {_same_key(spec, 'h', 'w')} AND h.load_id = w.load_id"
    )
    con.execute(f"INSERT INTO {spec.name} ({cols}) SELECT {cols} FROM _winners")
    con.execute("DROP TABLE _keys; DROP TABLE _winners")


def _undo_table(con: duckdb.DuckDBPyConnection, spec: TableSpec, load_id: int) -> int:
    """Settle the keys whose current row is the (now undone) load's; returns how many."""
    removed: int = fetch_scalar(
        con, f"SELECT count(*) FROM {spec.name} WHERE load_id = ?", [load_id]
    )
    if removed:
        _settle(con, spec, f"SELECT {_keys(spec)} FROM {spec.name} WHERE load_id = {load_id}")
    return removed


def _resnapshot(con: duckdb.DuckDBPyConnection, load_id: int) -> None:
    """After an undo or a redo: the snapshots of the rows the load carries, taken again."""
    for source, snapshot in SNAPSHOT_TABLES.items():
        carried = fetch_scalar(
            con,
            f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE load_id = {load_id} UNION ALL "
            f"SELECT 1 FROM {source}{HISTORY_SUFFIX} WHERE load_id = {load_id} LIMIT 1)",
        )
        if carried:
            _snapshot(con, source, snapshot, load_id)


def _snapshot(
    con: duckdb.DuckDBPyConnection, source: str, snapshot: str, load_id: int
) -> TableCounts:
    """Take again the month-end snapshots the load's rows are in: from the load's period on,
    each row it carries at its newest version of that month or before; the load's month in
    full if it had no snapshot yet; a month no active load backs any more is dropped."""
    spec = table_specs()[snapshot]
    period = fetch_scalar(con, "SELECT period FROM loads WHERE load_id = ?", [load_id])
    history = f"{source}{HISTORY_SUFFIX}"
    months = [
        r[0]
        for r in con.execute(
            f"""
            SELECT DISTINCT period FROM loads WHERE status = 'loaded' AND load_id IN
            (SELECT DISTINCT load_id FROM {source} UNION SELECT DISTINCT load_id FROM {history})
            ORDER BY 1
            """
        ).fetchall()
    ]
    con.execute(
        f"DELETE FROM {snapshot} WHERE strftime(month, '%Y-%m') NOT IN "
        f"(SELECT unnest(?::VARCHAR[]))",
        [months],
    )
    later = [m for m in months if m >= period]
    if not later:
        return TableCounts()
    key = spec.key[-1]  # (month, <source key>)
    new_month = period in later and not fetch_scalar(
        con,
        f"SELECT count(*) FROM (SELECT 1 FROM {snapshot} WHERE month = DATE '{period}-01' LIMIT 1)",
    )
    if new_month and _only_current(con, source, history, snapshot):
        return TableCounts(added=_snapshot_current(con, source, spec, period))
    carried = (
        f"SELECT {key} FROM {source} WHERE load_id = {load_id} "
        f"UNION SELECT {key} FROM {history} WHERE load_id = {load_id}"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE _carried AS {carried}")
    carried_cols = ", ".join(c for c in spec.columns if c != "month")
    business = ", ".join(f'"{c}"' for c in spec.columns)
    # (month, version) pairs: every later month for the keys the load carries, and its own
    # month for every key when that month is new; the newest version of each pair wins.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _snap AS
        WITH versions AS (
            SELECT {carried_cols}, load_id, source_file FROM {source}
            UNION ALL SELECT {carried_cols}, load_id, source_file FROM {history}),
        pairs AS (
            SELECT m.period AS snapshot_period, v.*
            FROM (SELECT unnest(?::VARCHAR[]) AS period) m,
                 (SELECT * FROM versions SEMI JOIN _carried USING ({key})) v
            UNION ALL
            SELECT '{period}', v.* FROM versions v WHERE {new_month}),
        newest AS (
            SELECT p.* FROM pairs p JOIN loads l ON l.load_id = p.load_id
            WHERE l.status = 'loaded' AND l.period <= p.snapshot_period
            QUALIFY row_number() OVER (
                PARTITION BY p.snapshot_period, p.{key} ORDER BY l.period DESC, p.load_id DESC
            ) = 1)
        SELECT *, hash(struct_pack({business})) AS row_hash FROM (
            SELECT CAST(snapshot_period || '-01' AS DATE) AS month, {carried_cols},
                   load_id, source_file, '{source}' AS source_sheet,
                   row_number() OVER () AS source_row
            FROM newest)
        """,
        [later],
    )
    in_scope = (
        f"s.month >= DATE '{period}-01' AND (s.{key} IN (SELECT {key} FROM _carried)"
        f"{' OR s.month = DATE ' + repr(period + '-01') if new_month else ''})"
    )
    counts = fetch_row(
        con,
        f"""
        SELECT count(*) FILTER (WHERE s.row_hash IS NULL),
               count(*) FILTER (WHERE s.row_hash <> n.row_hash),
               count(*) FILTER (WHERE s.row_hash = n.row_hash)
        FROM _snap n LEFT JOIN {snapshot} s ON s.month = n.month AND s.{key} = n.{key}
        """,
    )
    con.execute(f"DELETE FROM {snapshot} s WHERE {in_scope}")
    cols = _columns(spec)
    con.execute(f"INSERT INTO {snapshot} ({cols}) SELECT {cols} FROM _snap")
    con.execute("DROP TABLE _snap; DROP TABLE _carried")
    # count(*) without GROUP BY: always one row
    return TableCounts(*cast(tuple[int, ...], counts))


def _only_current(con: duckdb.DuckDBPyConnection, source: str, history: str, snapshot: str) -> bool:
    """True for the first load of a table: no snapshot and no other version anywhere."""
    return not fetch_scalar(
        con,
        f"SELECT count(*) FROM (SELECT 1 FROM {snapshot} UNION ALL SELECT 1 FROM {history} "
        "LIMIT 1)",
    )


def _snapshot_current(
    con: duckdb.DuckDBPyConnection, source: str, spec: TableSpec, period: str
) -> int:
    """The first snapshot of a table, straight from its rows (one INSERT, no window)."""
    carried = [c for c in spec.columns if c != "month"]
    business = ", ".join(f'"{c}"' for c in spec.columns)
    con.execute("SET preserve_insertion_order = false")
    try:
        added: int = fetch_scalar(
            con,
            f"""
            INSERT INTO {spec.name} ({_columns(spec)})
            SELECT *, hash(struct_pack({business})) FROM (
                SELECT DATE '{period}-01' AS month, {", ".join(carried)}, load_id, source_file,
                       '{source}' AS source_sheet, row_number() OVER () AS source_row
                FROM {source})
            """,
        )
        return added
    finally:
        con.execute("RESET preserve_insertion_order")
