"""The one way to open the store: a DuckDB file with the schema applied."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pmo_metrics.store.tables import HISTORY_SUFFIX, schema_files, table_specs

DEFAULT_DB = Path("data") / "pmo.duckdb"


class StoreBusy(RuntimeError):
    """Another process holds the database file (DuckDB allows one writing process)."""


def default_db_path() -> Path:
    return Path(os.environ.get("PMO_DB") or DEFAULT_DB)


def connect(
    path: str | Path | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the store, creating the file and its schema if needed (safe to call repeatedly)."""
    path = Path(path) if path is not None else default_db_path()
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreBusy(
                f"The database {path} is in use by another process (an import or the dashboard). "
                "Wait for it to finish, or stop it, and try again."
            ) from exc
        raise
    con.execute("SET enable_progress_bar = false")  # it writes to the terminal of imports
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table of the schema files, and a history table beside each canonical one."""
    for path in schema_files():
        con.execute(path.read_text(encoding="utf-8"))
    for name in table_specs():
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {name}{HISTORY_SUFFIX} AS "
            f"SELECT *, NULL::BIGINT AS replaced_by_load FROM {name} WITH NO DATA"
        )
    _hash_as_number(con)


def _hash_as_number(con: duckdb.DuckDBPyConnection) -> None:
    """Stores made before row hashes were kept as numbers (text hashes cost a quarter of a
    million-row insert) get their ``row_hash`` columns converted, once."""
    text_hashes = con.execute(
        "SELECT table_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND column_name = 'row_hash' AND data_type = 'VARCHAR'"
    ).fetchall()
    for (table,) in text_hashes:
        con.execute(
            f"ALTER TABLE {table} ALTER COLUMN row_hash SET DATA TYPE UBIGINT "
            "USING TRY_CAST(row_hash AS UBIGINT)"
        )


def fetch_row(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """The first row of a query, fully consumed (DuckDB 2 keeps a half-read result open)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def fetch_scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    row = fetch_row(con, sql, params)
    return row[0] if row else None
