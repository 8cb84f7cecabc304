"""The canonical tables as Parquet files: what a distributed engine (Spark) reads.

One file per table, ``<directory>/<table>.parquet``, written by DuckDB itself (``COPY ... TO``), so
column names and types are exactly the schema's: VARCHAR[] becomes a Parquet list of strings,
TIMESTAMP a timestamp without time zone (Spark reads it as TIMESTAMP_NTZ), DATE a date.
Only the canonical (loadable) tables go out; the load history, undo data, mapping profiles and
audit log stay in the local store.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import duckdb

from pmo_metrics.schema.tables import table_specs
from pmo_metrics.store.connection import fetch_row

PARQUET_SUFFIX = ".parquet"


def exported_tables() -> tuple[str, ...]:
    """Every canonical table (portfolio, catalog, work items, tickets, ..., snapshots)."""
    return tuple(table_specs())


def parquet_path(directory: str | Path, table: str) -> Path:
    return Path(directory) / f"{table}{PARQUET_SUFFIX}"


def export_table(con: duckdb.DuckDBPyConnection, table: str, path: str | Path) -> Path:
    """Write one table of ``con`` to ``path`` atomically (a reader never sees half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    # COPY takes no parameters; the path is ours, but quote it anyway.
    target = str(partial).replace("'", "''")
    con.execute(f"COPY (SELECT * FROM {table}) TO '{target}' (FORMAT parquet)")
    os.replace(partial, path)
    return path


def export_parquet(
    con: duckdb.DuckDBPyConnection,
    directory: str | Path,
    tables: Iterable[str] | None = None,
) -> dict[str, Path]:
    """Write the canonical tables of ``con`` (or the ``tables`` named) under ``directory``.

    Returns table name -> Parquet file written.
    """
    names = exported_tables() if tables is None else tuple(tables)
    return {name: export_table(con, name, parquet_path(directory, name)) for name in names}


def store_version(con: duckdb.DuckDBPyConnection) -> tuple[object, ...]:
    """A cheap fingerprint that changes whenever a load, an undo or a row count changes.

    Every change made through the load path creates or undoes a load; row counts also catch
    rows inserted or deleted directly. (An UPDATE made outside the load path is not seen.)
    """
    present = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
    parts = [f"(SELECT count(*) FROM {name})" for name in exported_tables() if name in present]
    if "loads" in present:
        parts += [
            "(SELECT max(load_id) FROM loads)",
            "(SELECT count(*) FROM loads WHERE status = 'undone')",
        ]
    if not parts:
        return ()
    return fetch_row(con, f"SELECT {', '.join(parts)}") or ()
