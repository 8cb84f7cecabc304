"""The one connection factory of the dashboard.

One DuckDB connection per database file and process (``st.cache_resource``); every query runs
on its own ``con.cursor()`` so that sessions (threads) never share a result set. The data
version changes with every load or undo, so caches keyed by it refresh after an import.
"""

from __future__ import annotations

import os
import re
import threading

import duckdb
import streamlit as st

from pmo_metrics import actions
from pmo_metrics.demo import SPAN, store_is_empty
from pmo_metrics.store.connection import connect, default_db_path, fetch_row
from ui.i18n import month_label, period_label, t

# Set to 0 to open an empty store as empty (tests of empty states, a fresh production install).
DEMO_ENV = "PMO_DEMO_ON_EMPTY"
MONTH = re.compile(r"\d{4}-\d{2}")


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


_first_start = threading.Lock()  # one session loads the sample; others arriving wait for it


@st.cache_resource(show_spinner=False, max_entries=4)
def _first_start_state(path: str) -> dict[str, bool]:
    """Per process and store: whether it was found empty and given the sample ("loaded")."""
    return {}


def demo_loaded() -> bool:
    """True in the process where an empty store was just filled with the sample data (the
    first start: its progress is shown, month by month, to whoever opened the page)."""
    path = str(default_db_path())
    state = _first_start_state(path)
    if "loaded" in state:
        return state["loaded"]
    waiting = st.empty()
    if not _first_start.acquire(blocking=False):  # another session is loading it: say so
        waiting.info(t("importing"), icon=":material/hourglass_top:")
        _first_start.acquire()
    try:
        if "loaded" not in state:
            state["loaded"] = _fill_empty_store(path)
    finally:
        _first_start.release()
        waiting.empty()
    return state["loaded"]


def _fill_empty_store(path: str) -> bool:
    """Load the sample into the store at ``path`` if it never had a load, with a progress bar
    (the sample is a year of exports: it takes seconds, not an instant)."""
    if os.environ.get(DEMO_ENV, "1") == "0":
        return False
    con = _connection(path).cursor()
    if not store_is_empty(con):
        return False
    box = st.empty()
    bar = box.progress(0.0, text=t("importing"))

    def step(fraction: float, what: str) -> None:
        bar.progress(min(fraction, 1.0), text=f"{t('importing')} {_shown(what)}")

    try:
        return actions.load_sample_at_first_start(con, progress=step)
    finally:
        box.empty()


def _shown(what: str) -> str:
    """What the sample's load names, as the page's language writes it: a month, the whole
    year (``YYYY-MM..YYYY-MM``, when its store image is copied at once) or a file name."""
    months = what.split(SPAN)
    if not all(MONTH.fullmatch(m) for m in months):
        return what
    return month_label(what) if len(months) == 1 else period_label(months[0], months[-1])
