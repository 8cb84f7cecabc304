"""The one way to open the store: a DuckDB file with the schema applied."""

from __future__ import annotations

import errno
import functools
import os
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import duckdb

from pmo_metrics.schema.tables import HISTORY_SUFFIX, schema_files, table_specs
from pmo_metrics.store.chain import chain_all

DEFAULT_DB = Path("data") / "pmo.duckdb"

# Writes of one process run one at a time (loads, undos, redos, audit entries, mapping saves).
# Canonical tables have no unique constraint (natural keys are enforced by the upsert) and the
# audit log is a hash chain, so two concurrent transactions on cursors of one connection could
# both add the same new key, or both chain onto the same entry; other processes are kept out by
# DuckDB's file lock.
WRITE_LOCK = threading.RLock()


_P = ParamSpec("_P")
_R = TypeVar("_R")


def serialised(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``func`` holding :data:`WRITE_LOCK`."""

    @functools.wraps(func)
    def locked(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with WRITE_LOCK:
            return func(*args, **kwargs)

    return locked


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction holding :data:`WRITE_LOCK`: committed if the block ends normally, rolled
    back (and the error raised again) if anything in it fails, even an interrupt."""
    with WRITE_LOCK:
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


class StoreBusy(RuntimeError):
    """Another process holds the database file (DuckDB allows one writing process)."""


class StoreDiskFull(RuntimeError):
    """The disk holding the store ran out of space (or the file hit its size limit)."""


# How DuckDB and the OS say it: ENOSPC, EDQUOT, EFBIG (a file size limit, RLIMIT_FSIZE).
_DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_DISK_FULL_TEXTS = tuple(os.strerror(n).lower() for n in sorted(_DISK_FULL_ERRNOS))


def disk_full(
    exc: BaseException, path: str | Path | None, *, changed: str = ""
) -> StoreDiskFull | None:
    """A :class:`StoreDiskFull` saying where, if ``exc`` (or an exception it chains) is a
    write that found the disk full; None otherwise. The message says that nothing changed
    (a failed write rolls its transaction back) unless ``changed`` says what did."""
    seen: BaseException | None = exc
    while seen is not None:
        if getattr(seen, "errno", None) in _DISK_FULL_ERRNOS or any(
            text in str(seen).lower() for text in _DISK_FULL_TEXTS
        ):
            break
        seen = seen.__cause__ or seen.__context__
    if seen is None:
        return None
    store = Path(path) if path is not None else default_db_path()
    folder = store.resolve().parent
    outcome = changed or "Nothing was changed: the store is as it was before this command."
    reason = _reason(seen)
    if reason == os.strerror(errno.EFBIG):
        return StoreDiskFull(
            f"The store {store} could not be written: it reached the largest file allowed "
            f"to this process ({reason}). {outcome} Raise the limit (ulimit -f), or use a "
            "store elsewhere (--db), and try again."
        )
    try:
        free = f", {shutil.disk_usage(folder).free >> 20:,} MB free now"
    except OSError:
        free = ""
    return StoreDiskFull(
        f"The disk holding {folder} is full ({reason}{free}): the store {store} "
        f"could not be written. {outcome} Free some space there, or use a store on another "
        "disk (--db), and try again."
    )


def _reason(exc: BaseException) -> str:
    number = getattr(exc, "errno", None)
    if number in _DISK_FULL_ERRNOS:
        return os.strerror(number)
    text = str(exc).lower()
    return next(os.strerror(n) for n in sorted(_DISK_FULL_ERRNOS) if os.strerror(n).lower() in text)


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
    """Create every table of the schema files, and a history table beside each canonical one.
    A store of a version before the audit chain gets its log chained, once, here."""
    log = set(table_columns(con, "audit_log"))
    older_log = bool(log) and "entry_hash" not in log
    for path in schema_files():
        con.execute(path.read_text(encoding="utf-8"))
    if older_log:
        with transaction(con):
            chain_all(con)
    for name in table_specs():
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {name}{HISTORY_SUFFIX} AS "
            f"SELECT *, NULL::BIGINT AS replaced_by_load FROM {name} WITH NO DATA"
        )
    _hash_as_number(con)


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """The columns of the store's ``table``, in their order (none for a table not there)."""
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
        [table],
    ).fetchall()
    return [r[0] for r in rows]


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


def fetch_row(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None
) -> tuple[Any, ...] | None:
    """The first row of a query, fully consumed (DuckDB 2 keeps a half-read result open)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def fetch_scalar(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None
) -> Any:
    """The first value of the first row, or None; Any: its type is whatever the query selects."""
    row = fetch_row(con, sql, params)
    return row[0] if row else None
