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
  in-memory *sandbox* database with the same locked configuration; the tables the query names
  are copied into it as Arrow tables, read on a cursor of the app's connection inside a
  transaction that is always rolled back (one consistent snapshot; nothing can be written).

Limits: at most ``row_limit`` rows come back (``result.attrs["truncated"]`` says whether more
existed); a timer interrupts the query after ``timeout_s`` (:class:`QueryTimeout`); the memory
limit turns into a :class:`QueryRefused` with a plain message.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb
import pandas as pd

from pmo_metrics.store.connection import StoreBusy

DEFAULT_ROW_LIMIT = 10_000
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MEMORY_LIMIT = "1GB"

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


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ConsoleError(Exception):
    """Anything the console could not run; ``str(error)`` is the message to show."""


class QueryRefused(ConsoleError):
    """The query is not allowed (a write, a file read, a setting, too much memory...)."""


class QueryTimeout(ConsoleError):
    """The query ran longer than the time limit and was interrupted."""


class QueryFailed(ConsoleError):
    """The query is allowed but DuckDB could not run it (a syntax error, an unknown column)."""


def console_config(memory_limit: str, threads: int) -> dict[str, object]:
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
    database: str, config: dict[str, object], *, read_only: bool = False
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


def check_statement(sql: str) -> None:
    """Raise :class:`QueryRefused` unless ``sql`` is exactly one read-only query."""
    parser = console_connection(":memory:", console_config("64MB", 1))
    try:
        try:
            statements = parser.extract_statements(sql)
        except duckdb.Error as exc:
            raise QueryFailed(f"The query could not be read: {_first_line(exc)}") from exc
        if not statements:
            raise QueryRefused("There is no query to run.")
        if len(statements) > 1:
            raise QueryRefused(
                f"Only one statement at a time: this text has {len(statements)}. "
                "Run a single SELECT."
            )
        kind = statements[0].type
        if kind not in ALLOWED_TYPES:
            reason = _REFUSAL_REASON.get(kind.name, "it would change the database")
            raise QueryRefused(
                "Only read-only queries (SELECT, WITH, DESCRIBE, SHOW, EXPLAIN) are allowed; "
                f"this is a {kind.name} statement and {reason}."
            )
        external = _external_references(parser, sql)
    finally:
        parser.close()
    if external:
        raise QueryRefused(
            f"Reading files is not allowed in the console ({', '.join(external)}); "
            "query the tables of the database instead."
        )


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
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int = 1,
) -> pd.DataFrame:
    """Run one read-only query and return at most ``row_limit`` rows.

    ``db`` is the database file, or the app's open connection to it. The result's
    ``attrs`` hold ``truncated`` (bool: more rows existed) and ``row_limit``.
    Raises :class:`QueryRefused`, :class:`QueryTimeout` or :class:`QueryFailed`
    (all :class:`ConsoleError`), and ``StoreBusy`` if another process holds the file.
    """
    check_statement(sql)
    config = console_config(memory_limit, threads)
    if isinstance(db, duckdb.DuckDBPyConnection):
        return _run_in_sandbox(db, sql, config, row_limit, timeout_s)
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
            return _run_in_sandbox(source, sql, config, row_limit, timeout_s)
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
        return _run_limited(con, sql, row_limit, timeout_s, memory_limit)
    finally:
        con.close()


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
    config: dict[str, object],
    row_limit: int,
    timeout_s: float,
) -> pd.DataFrame:
    """Run ``sql`` in a locked in-memory database fed with the tables it names from ``source``."""
    memory_limit = str(config["memory_limit"])
    sandbox = console_connection(":memory:", config)
    reader = source.cursor()
    try:
        # The time limit covers the copy too: a query naming a huge table is stopped as well.
        with _time_limit(timeout_s, memory_limit, reader, sandbox):
            # One snapshot for every table read; rolled back, so nothing can be written.
            reader.execute("BEGIN TRANSACTION")
            relations = _relation_names(reader)
            # Every table first as an empty view of the right shape, so that SHOW TABLES and
            # DESCRIBE work and the query binds; then the tables it names get their rows.
            for name in relations:
                _expose(sandbox, name, reader.sql(f"SELECT * FROM {_quote(name)} LIMIT 0"))
            # The tables the query names, read from its words (quoted or not, inside strings
            # too): a superset is harmless, and it works for DESCRIBE, SUMMARIZE and EXPLAIN.
            words = {w.lower() for w in _WORD.findall(sql)}
            for name in relations:
                if name.lower() in words:
                    _expose(sandbox, name, reader.sql(f"SELECT * FROM {_quote(name)}"))
            reader.execute("ROLLBACK")
            return _limited_rows(sandbox, sql, row_limit)
    finally:
        with suppress(duckdb.Error):
            reader.execute("ROLLBACK")
        reader.close()
        sandbox.close()


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


def _expose(sandbox: duckdb.DuckDBPyConnection, name: str, data) -> None:
    """Make ``name`` queryable in the sandbox as an Arrow copy of ``data`` (a relation)."""
    sandbox.register(name, data.to_arrow_table())


def _run_limited(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    row_limit: int,
    timeout_s: float,
    memory_limit: str,
) -> pd.DataFrame:
    """Run ``sql`` on ``con`` with the row limit, interrupting it after ``timeout_s``."""
    with _time_limit(timeout_s, memory_limit, con):
        return _limited_rows(con, sql, row_limit)


def _limited_rows(con: duckdb.DuckDBPyConnection, sql: str, row_limit: int) -> pd.DataFrame:
    """At most ``row_limit`` rows (one more is fetched to know whether there were more)."""
    frame = con.sql(sql).limit(row_limit + 1).df()
    truncated = len(frame) > row_limit
    if truncated:
        frame = frame.iloc[:row_limit].copy()
    frame.attrs["truncated"] = truncated
    frame.attrs["row_limit"] = row_limit
    return frame


@contextmanager
def _time_limit(
    timeout_s: float, memory_limit: str, *connections: duckdb.DuckDBPyConnection
) -> Iterator[None]:
    """Interrupt ``connections`` after ``timeout_s``; DuckDB errors become console errors."""
    fired = threading.Event()

    def interrupt() -> None:
        fired.set()
        for c in connections:
            with suppress(Exception):
                c.interrupt()

    timer = threading.Timer(timeout_s, interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    except duckdb.Error as exc:
        if fired.is_set() or isinstance(exc, duckdb.InterruptException):
            raise QueryTimeout(
                f"The query was stopped after the time limit of {timeout_s:g} s. "
                "Filter or aggregate more, or add a LIMIT."
            ) from exc
        raise _translate(exc, memory_limit) from exc
    finally:
        timer.cancel()


def _translate(exc: duckdb.Error, memory_limit: object) -> ConsoleError:
    """DuckDB's error as the console's: a refusal for the guards, a failure otherwise."""
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
    if "configuration has been locked" in text:
        return QueryRefused(f"Settings cannot be changed in the console. ({text})")
    if isinstance(exc, duckdb.InvalidInputException | duckdb.CatalogException) and (
        "read-only" in text.lower() or "read only" in text.lower()
    ):
        return QueryRefused(f"The console is read-only. ({text})")
    return QueryFailed(text)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
