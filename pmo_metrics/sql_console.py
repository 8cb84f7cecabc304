"""The read-only SQL console: an analyst's query, run where it cannot read files, write, or
change a setting, and cannot run away with time or memory.

Two independent guards (the second holds even where the first cannot see, e.g. SQL hidden in
a string passed to ``query()``):

1. The statement: exactly one, and a query (``SELECT``/``WITH``/``FROM``/``VALUES``/``TABLE``,
   ``DESCRIBE``/``SHOW``/``SUMMARIZE``, which DuckDB parses as SELECT) or ``EXPLAIN``. COPY,
   ATTACH, INSTALL, LOAD, SET/RESET/PRAGMA/CALL, any DDL or DML, EXPORT and transactions are
   refused before anything runs.
2. The engine: the query runs on a connection of its own, opened with external access disabled
   (no ``read_csv('/etc/passwd')``, no file replacement scans, no Python-variable scans), no
   extension autoloading or unsigned extensions, no spilling to disk, a memory limit, few
   threads, and the configuration locked so the query cannot loosen any of it.

Where that connection comes from:

- ``db`` is a path: the file is opened read-only with the locked configuration (the command
  line; the dashboard when it holds no connection of its own). If this process already has
  the file open with another configuration (DuckDB refuses a second configuration), the
  sandbox below is used with a connection to that open database as its source.
- ``db`` is a connection (the dashboard's one read-write connection): the query runs in an
  in-memory *sandbox* database with the same locked configuration. Every table and view of
  the store is registered there as a live Arrow stream: each time the query scans it, a fresh
  cursor of the app's connection reads it (committed rows only, a fixed ``SELECT *``) in
  small batches. Nothing is copied ahead, so a query naming a large table costs its scan, not
  a copy of the table; joins and sorts are held by the sandbox under its memory limit.

Limits, all before anything reaches Python objects:

- the statement is at most ``MAX_QUERY_CHARS`` characters, and its check (parsing, the
  statement type, the syntax tree) runs under the time limit and a small memory limit;
- the result leaves DuckDB as Arrow record batches and stops at ``row_limit`` rows or
  ``byte_limit`` bytes, whichever comes first (``result.attrs`` say which:
  :func:`truncation_note`);
- a timer interrupts the query, the fetch included, after ``timeout_s``
  (:class:`QueryTimeout`);
- DuckDB's memory limit, and any memory error of Arrow or Python on the way out, become a
  :class:`QueryRefused` with a plain message.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import NamedTuple, cast

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pmo_metrics.store.connection import StoreBusy

DEFAULT_ROW_LIMIT = 10_000
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MEMORY_LIMIT = "1GB"
DEFAULT_BYTE_LIMIT = 32_000_000  # the result as Arrow; Python objects add about as much again
MAX_QUERY_CHARS = 20_000
CHECK_MEMORY_LIMIT = "64MB"  # parsing a statement of MAX_QUERY_CHARS needs far less

# Rows per Arrow batch out of DuckDB (the byte limit is applied inside DuckDB, row by row).
_FETCH_ROWS = 1024
# Rows per batch when the sandbox scans a table of the store.
_SCAN_ROWS = 2048
_FIXED_WIDTH = re.compile(
    r"BOOLEAN|U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DATE|TIME|"
    r"TIMESTAMP.*|TIME WITH TIME ZONE|INTERVAL|UUID|DECIMAL\(\d+, ?\d+\)"
)

# Statement types that only read. DESCRIBE, SHOW, SUMMARIZE, VALUES, TABLE and FROM-first
# queries are all SELECT to DuckDB's parser.
ALLOWED_TYPES = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})

# Why each refused statement type is refused, in the words the analyst sees.
_REFUSAL_REASON = {
    "COPY": "COPY reads or writes files",
    "ATTACH": "ATTACH opens another database",
    "DETACH": "DETACH changes the attached databases",
    "LOAD": "INSTALL and LOAD add extensions",
    "SET": "SET, RESET and USE change settings",
    "PRAGMA": "PRAGMA changes or reads settings",
    "CALL": "CALL runs procedures",
    "EXPORT": "EXPORT writes files",
    "TRANSACTION": "transactions are managed by the console",
    "VACUUM": "VACUUM changes the database",
}


# Table functions that read files or URLs. The engine refuses them anyway (external access is
# off); naming them here gives the analyst a clear message before anything runs.
FILE_FUNCTIONS = frozenset(
    {
        "read_csv",
        "read_csv_auto",
        "read_parquet",
        "parquet_scan",
        "parquet_metadata",
        "parquet_schema",
        "parquet_file_metadata",
        "parquet_kv_metadata",
        "read_json",
        "read_json_auto",
        "read_json_objects",
        "read_ndjson",
        "read_ndjson_auto",
        "read_ndjson_objects",
        "read_text",
        "read_blob",
        "read_xlsx",
        "glob",
        "sniff_csv",
        "delta_scan",
        "iceberg_scan",
        "sqlite_scan",
        "postgres_scan",
        "mysql_scan",
        "read_duckdb",
    }
)
# A table name that is really a file or URL ('data.csv', '/etc/passwd', 's3://...').
_PATH_LIKE = re.compile(
    r"[/\\:]|\.(csv|tsv|txt|json|jsonl|ndjson|parquet|xlsx?|db|duckdb|gz|zst)$", re.IGNORECASE
)


class ConsoleError(Exception):
    """Anything the console could not run; ``str(error)`` is the message to show."""


class QueryRefused(ConsoleError):
    """The query is not allowed (a write, a file read, a setting, too much memory...)."""


class QueryTimeout(ConsoleError):
    """The query ran longer than the time limit and was interrupted."""


class QueryFailed(ConsoleError):
    """The query is allowed but DuckDB could not run it (a syntax error, an unknown column)."""


# The value types duckdb.connect accepts in its config.
ConsoleConfig = dict[str, str | bool | int | float | list[str]]


def console_config(memory_limit: str, threads: int) -> ConsoleConfig:
    """The locked DuckDB configuration of every console connection (order matters: the lock
    must come last, after every other option is set)."""
    return {
        "enable_external_access": False,
        "python_enable_replacements": False,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "allow_unsigned_extensions": False,
        "allow_community_extensions": False,
        "allow_persistent_secrets": False,
        "memory_limit": memory_limit,
        "threads": threads,
        "temp_directory": "",  # no spilling: the memory limit is a limit, not a hint
        "lock_configuration": True,
    }


def console_connection(
    database: str, config: ConsoleConfig, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open a console connection; the lock is applied last, after the connection-local
    options (the progress bar would print to the server's terminal)."""
    unlocked = {k: v for k, v in config.items() if k != "lock_configuration"}
    con = duckdb.connect(database, read_only=read_only, config=unlocked)
    try:
        con.execute("SET enable_progress_bar = false")
        if config.get("lock_configuration"):
            con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def check_statement(sql: str, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
    """Raise :class:`QueryRefused` unless ``sql`` is exactly one read-only query.

    Refused unread past ``MAX_QUERY_CHARS``; the check itself runs under ``timeout_s`` and
    ``CHECK_MEMORY_LIMIT``."""
    if len(sql) > MAX_QUERY_CHARS:
        raise QueryRefused(
            f"The query is {len(sql):,} characters long; the console takes at most "
            f"{MAX_QUERY_CHARS:,}. Shorten it (e.g. a filter instead of a long list of values)."
        )
    parser = console_connection(":memory:", console_config(CHECK_MEMORY_LIMIT, 1))
    try:
        with _time_limit(timeout_s, CHECK_MEMORY_LIMIT, [parser]):
            statements = _statements(parser, sql)
            kind = statements[0].type
            if kind not in ALLOWED_TYPES:
                reason = _REFUSAL_REASON.get(kind.name, "it would change the database")
                raise QueryRefused(
                    "Only read-only queries (SELECT, WITH, DESCRIBE, SHOW, EXPLAIN) are "
                    f"allowed; this is a {kind.name} statement and {reason}."
                )
            external = _external_references(parser, sql)
    except RecursionError as exc:
        raise QueryRefused("The query is nested too deeply to check; simplify it.") from exc
    finally:
        parser.close()
    if external:
        raise QueryRefused(
            f"Reading files is not allowed in the console ({', '.join(external)}); "
            "query the tables of the database instead."
        )


def _statements(parser: duckdb.DuckDBPyConnection, sql: str) -> list[duckdb.Statement]:
    """The statements of ``sql``: exactly one, or a refusal."""
    try:
        statements = parser.extract_statements(sql)
    except duckdb.OutOfMemoryException:
        raise  # the time limit's handler words it
    except duckdb.Error as exc:
        raise QueryFailed(f"The query could not be read: {_first_line(exc)}") from exc
    if not statements:
        raise QueryRefused("There is no query to run.")
    if len(statements) > 1:
        raise QueryRefused(
            f"Only one statement at a time: this text has {len(statements)}. Run a single SELECT."
        )
    return statements


def _external_references(parser: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    """File-reading table functions and path-like table names in a SELECT's syntax tree."""
    tree = json.loads(parser.execute("SELECT json_serialize_sql(?)", [sql]).fetchall()[0][0])
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE" and _PATH_LIKE.search(node.get("table_name", "")):
                found.append(f"'{node['table_name']}'")
            if node.get("type") == "TABLE_FUNCTION":
                name = (node.get("function") or {}).get("function_name", "")
                if name.lower() in FILE_FUNCTIONS:
                    found.append(f"{name}()")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    if not tree.get("error"):  # EXPLAIN cannot be serialised; the engine still guards it
        walk(tree)
    return found


def run_readonly_query(
    db: str | Path | duckdb.DuckDBPyConnection,
    sql: str,
    *,
    row_limit: int = DEFAULT_ROW_LIMIT,
    byte_limit: int = DEFAULT_BYTE_LIMIT,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int = 1,
    hidden: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Run one read-only query and return at most ``row_limit`` rows and ``byte_limit`` bytes.

    ``hidden`` names tables the query may not see (the audit log for a role that may not read
    it); it needs the app's connection (``db`` as a connection: the dashboard), since whoever
    runs the command line on the file can read the file itself.

    ``db`` is the database file, or the app's open connection to it. The result's ``attrs``
    hold ``truncated`` (bool: more rows existed), ``truncated_by`` (``"rows"``, ``"bytes"`` or
    None), ``row_limit`` and ``byte_limit``. Raises :class:`QueryRefused`,
    :class:`QueryTimeout` or :class:`QueryFailed` (all :class:`ConsoleError`), and
    ``StoreBusy`` if another process holds the file.
    """
    check_statement(sql, timeout_s=timeout_s)
    config = console_config(memory_limit, threads)
    limits = _Limits(row_limit, byte_limit, timeout_s, memory_limit)
    if isinstance(db, duckdb.DuckDBPyConnection):
        return _run_in_sandbox(db, sql, config, limits, hidden)
    if hidden:
        raise ValueError("hidden tables need the app's connection, not a database path")
    path = Path(db)
    if not path.exists():
        raise QueryFailed(f"There is no database at {path}.")
    try:
        con = console_connection(str(path), config, read_only=True)
    except duckdb.ConnectionException as exc:
        if "different configuration" not in str(exc):
            raise
        # This process already has the file open (the dashboard): read through that instance.
        source = _open_same_instance(path)
        try:
            return _run_in_sandbox(source, sql, config, limits)
        finally:
            source.close()
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreBusy(
                f"The database {path} is in use by another process (an import or the "
                "dashboard); run the query from the dashboard's Explore page, or try again "
                "when it is free."
            ) from exc
        raise
    try:
        with _time_limit(timeout_s, memory_limit, [con]):
            return _fetch_limited(con, sql, limits)
    finally:
        con.close()


def truncation_note(result: pd.DataFrame) -> str | None:
    """Why ``result`` (of :func:`run_readonly_query`) is not the whole answer, or None."""
    shown = len(result)
    if result.attrs.get("truncated_by") == "bytes":
        return (
            f"the result was cut at the size limit of "
            f"{_megabytes(result.attrs['byte_limit'])}: {shown:,} rows are shown"
        )
    if result.attrs.get("truncated"):
        return f"only the first {result.attrs['row_limit']:,} rows are shown"
    return None


class _Limits(NamedTuple):
    rows: int
    bytes: int
    timeout_s: float
    memory: str


def _open_same_instance(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection to the database instance this process already holds for ``path``."""
    for read_only in (False, True):
        with suppress(duckdb.ConnectionException):
            return duckdb.connect(str(path), read_only=read_only)
    raise QueryFailed(
        f"The database {path} is open in this process with a custom configuration; "
        "pass that connection to the console instead of the path."
    )


def _run_in_sandbox(
    source: duckdb.DuckDBPyConnection,
    sql: str,
    config: ConsoleConfig,
    limits: _Limits,
    hidden: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Run ``sql`` in a locked in-memory database that reads the tables of ``source`` live
    (all but the ``hidden`` ones, which it does not know of)."""
    sandbox = console_connection(":memory:", config)
    cursors: list[duckdb.DuckDBPyConnection] = []  # every cursor a scan opened, to interrupt
    try:
        with _time_limit(limits.timeout_s, limits.memory, [sandbox], cursors):
            lister = source.cursor()
            cursors.append(lister)
            for name in _relation_names(lister):
                if name in hidden:
                    continue
                table = _LiveTable(source, name, cursors)
                sandbox.register(name, table)
                table.live = True
            return _fetch_limited(sandbox, sql, limits)
    finally:
        sandbox.close()  # first: it holds the streams of the cursors
        for cursor in cursors:
            with suppress(duckdb.Error):
                cursor.close()


class _LiveTable:
    """A table of the source database as an Arrow stream the sandbox can scan any number of
    times: each scan reads it afresh, in small batches, on a cursor of its own (scans of one
    query may run interleaved, and a cursor holds one result at a time)."""

    def __init__(
        self,
        source: duckdb.DuckDBPyConnection,
        name: str,
        cursors: list[duckdb.DuckDBPyConnection],
    ) -> None:
        self._source, self._name, self._cursors = source, name, cursors
        self.live = False  # registering only reads the shape

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        cursor = self._source.cursor()
        self._cursors.append(cursor)
        rows = "" if self.live else " LIMIT 0"
        relation = cursor.sql(f"SELECT * FROM {_quote(self._name)}{rows}")
        return relation.to_arrow_reader(_SCAN_ROWS).__arrow_c_stream__(requested_schema)


def _relation_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The user tables and views of the main schema (what an analyst may query)."""
    rows = con.execute(
        """
        SELECT table_name FROM duckdb_tables()
        WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary
        UNION
        SELECT view_name FROM duckdb_views()
        WHERE database_name = current_database() AND schema_name = 'main'
          AND NOT internal AND NOT temporary
        ORDER BY 1
        """
    ).fetchall()
    return [r[0] for r in rows]


def _fetch_limited(con: duckdb.DuckDBPyConnection, sql: str, limits: _Limits) -> pd.DataFrame:
    """The rows of ``sql`` up to the row and byte limits.

    DuckDB itself keeps a running total of the rows' sizes and empties every row after the one
    that passes the byte limit, so no more than the limit (and that one row) is ever copied
    out of it, into its result buffer or into Arrow; reading stops at that row."""
    relation = con.sql(sql)
    names, types = relation.columns, relation.types
    columns = [f"c{i}" for i in range(len(names))]
    bounded = relation.query("__result", _bounded_sql(columns, types, limits))
    # a SELECT over the result: a relation (None is for statements that return no rows)
    reader = cast(duckdb.DuckDBPyRelation, bounded).to_arrow_reader(_FETCH_ROWS)
    batches: list[pa.RecordBatch] = []
    rows, cut_by = 0, None
    try:
        for batch in reader:
            running = batch.column("__bytes").to_numpy(zero_copy_only=False)
            over = np.flatnonzero(running > limits.bytes)
            if over.size:
                batches.append(batch.slice(0, int(over[0])))
                cut_by = "bytes"
                break
            batches.append(batch)
            rows += batch.num_rows
            if rows > limits.rows:
                cut_by = "rows"
                break
    finally:
        reader.close()
    table = pa.Table.from_batches(batches, schema=reader.schema).drop_columns(["__bytes"])
    table = table.slice(0, limits.rows).combine_chunks()
    # Back through DuckDB for the same pandas types as ``.df()`` (dates, decimals, time zones).
    frame: pd.DataFrame = con.from_arrow(table).df()
    frame.columns = names  # the query's own names, duplicates included
    frame.attrs.update(
        truncated=cut_by is not None,
        truncated_by=cut_by,
        row_limit=limits.rows,
        byte_limit=limits.bytes,
    )
    return frame


def _bounded_sql(columns: list[str], types: Sequence[object], limits: _Limits) -> str:
    """A query over ``__result`` (the analyst's, columns renamed ``c0, c1...``) adding the
    running size ``__bytes`` and emptying the rows after the byte limit. The running sum is a
    streaming window: rows flow through one chunk at a time, in the query's order."""
    sizes = " + ".join(_size_of(c, t) for c, t in zip(columns, types, strict=True))
    kept = ", ".join(
        f"CASE WHEN __bytes - __size < {int(limits.bytes)} THEN {c} END AS {c}" for c in columns
    )
    return f"""
        SELECT {kept}, __bytes FROM (
            SELECT *, CAST(sum(__size) OVER (
                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT) AS __bytes
            FROM (SELECT *, {sizes or "0"} AS __size FROM __result AS r({", ".join(columns)}))
        )
        LIMIT {int(limits.rows) + 1}
    """


def _size_of(column: str, kind: object) -> str:
    """About the bytes of one value of ``column`` (of DuckDB type ``kind``) out of DuckDB."""
    name = str(kind)
    if _FIXED_WIDTH.fullmatch(name):
        return "16"
    if name == "VARCHAR":
        return f"coalesce(strlen({column}), 0)"
    if name == "BLOB":
        return f"coalesce(octet_length({column}), 0)"
    return f"coalesce(strlen(CAST({column} AS VARCHAR)), 0)"  # lists, structs, maps, JSON...


@contextmanager
def _time_limit(
    timeout_s: float,
    memory_limit: str,
    *connections: list[duckdb.DuckDBPyConnection],
) -> Iterator[None]:
    """Interrupt ``connections`` (lists, read when the time is up: they may grow) after
    ``timeout_s``; DuckDB's, Arrow's and Python's errors become console errors."""
    fired = threading.Event()

    def interrupt() -> None:
        fired.set()
        for group in connections:
            for c in list(group):
                with suppress(Exception):
                    c.interrupt()

    timer = threading.Timer(timeout_s, interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    except (duckdb.Error, pa.ArrowException, OSError, MemoryError) as exc:  # Arrow: OSError
        if fired.is_set() or isinstance(exc, duckdb.InterruptException):
            raise QueryTimeout(
                f"The query was stopped after the time limit of {timeout_s:g} s. "
                "Filter or aggregate more, or add a LIMIT."
            ) from exc
        raise _translate(exc, memory_limit) from exc
    finally:
        timer.cancel()


def _translate(exc: BaseException, memory_limit: object) -> ConsoleError:
    """DuckDB's (or Arrow's) error as the console's: a refusal for the guards and for memory,
    a failure otherwise."""
    text = _first_line(exc)
    if isinstance(exc, duckdb.PermissionException) or "disabled by configuration" in text:
        return QueryRefused(
            "Reading files, other databases or extensions is not allowed in the console; "
            f"query the tables of the database instead. ({text})"
        )
    if isinstance(exc, duckdb.OutOfMemoryException):
        return QueryRefused(
            f"The query needs more memory than the console's limit of {memory_limit}. "
            "Filter or aggregate more, or select fewer columns."
        )
    if isinstance(exc, MemoryError) or "Out of Memory Error" in text:  # Arrow's, Python's
        return QueryRefused(
            "The server has not enough free memory for this result. Select fewer rows or "
            "columns, or lower the size limit."
        )
    if "configuration has been locked" in text:
        return QueryRefused(f"Settings cannot be changed in the console. ({text})")
    if isinstance(exc, duckdb.InvalidInputException | duckdb.CatalogException) and (
        "read-only" in text.lower() or "read only" in text.lower()
    ):
        return QueryRefused(f"The console is read-only. ({text})")
    return QueryFailed(text)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.4g} MB"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
