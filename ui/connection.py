"""The one connection factory of the dashboard.

One DuckDB connection per database file and process (``st.cache_resource``); every query runs
on its own ``con.cursor()`` so that sessions (threads) never share a result set. The data
version changes with every load or undo, so caches keyed by it refresh after an import.
"""

from __future__ import annotations

import os

import duckdb
import streamlit as st

from pmo_metrics import actions
from pmo_metrics.store.connection import connect, default_db_path, fetch_row

# Set to 0 to open an empty store as empty (tests of empty states, a fresh production install).
DEMO_ENV = "PMO_DEMO_ON_EMPTY"


@st.cache_resource(show_spinner=False, max_entries=4)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return connect(path)


def connection() -> duckdb.DuckDBPyConnection:
    """The shared connection to the store at ``$PMO_DB`` (or data/pmo.duckdb)."""
    return _connection(str(default_db_path()))


def reopen() -> None:
    """Forget the shared connection: after a write failed for lack of disk space, DuckDB
    refuses every further query on it; the next page run opens the store again."""
    _connection(str(default_db_path())).close()  # cursors die with it: DuckDB lets go
    _connection.clear()


def cursor() -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the shared connection, for one query or one load."""
    return connection().cursor()


def data_version(con: duckdb.DuckDBPyConnection | None = None) -> str:
    """Changes whenever a load is added or undone: the key that invalidates cached results.

    It names the database file too, so that two stores in one process never share a cache."""
    row = fetch_row(
        (con or connection()).cursor(),
        "SELECT coalesce(max(load_id), 0), count(*) FILTER (WHERE status = 'undone') FROM loads",
    )
    return f"{default_db_path()}#{row[0]}-{row[1]}"


@st.cache_resource(show_spinner=False, max_entries=4)
def _demo_loaded(path: str) -> bool:
    """Load the sample data once per process when the store is empty; True if it did."""
    if os.environ.get(DEMO_ENV, "1") == "0":
        return False
    return actions.load_sample_at_first_start(_connection(path).cursor())


def demo_loaded() -> bool:
    """True in the process where an empty store was just filled with the sample data."""
    return _demo_loaded(str(default_db_path()))
