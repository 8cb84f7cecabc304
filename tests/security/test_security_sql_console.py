"""The SQL console: read-only, no files, no settings, one statement, row/time/memory limits.

Every test runs twice: on the file path (the command line: a read-only connection of its
own) and on the app's open read-write connection (the dashboard: a locked sandbox fed from a
rolled-back snapshot). Each refusal is asserted with its message, and the store is proved
unchanged afterwards.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pmo_metrics.sql_console import (
    QueryFailed,
    QueryRefused,
    QueryTimeout,
    console_config,
    console_connection,
    run_readonly_query,
)
from pmo_metrics.store.connection import connect

from .conftest import store_fingerprint

NOT_READ_ONLY = "Only read-only queries (SELECT, WITH, DESCRIBE, SHOW, EXPLAIN) are allowed"


def fingerprint(db) -> dict[str, str]:
    if isinstance(db, Path):
        con = duckdb.connect(str(db), read_only=True)
        try:
            return store_fingerprint(con)
        finally:
            con.close()
    return store_fingerprint(db.cursor())


def test_select_returns_the_rows(console_db):
    frame = run_readonly_query(
        console_db,
        "SELECT application, team FROM applications WHERE criticality <> 'low' ORDER BY 1",
    )
    assert frame.to_dict("records") == [
        {"application": "Billing", "team": "Alpha"},
        {"application": "CRM", "team": "Beta"},
    ]
    assert frame.attrs == {
        "truncated": False,
        "truncated_by": None,
        "row_limit": 10_000,
        "byte_limit": 32_000_000,
    }


@pytest.mark.parametrize(
    "sql",
    [
        "WITH a AS (SELECT * FROM applications) SELECT count(*) AS n FROM a",
        "FROM main.applications SELECT count(*) AS n",
        "SELECT count(*) AS n FROM (VALUES (1), (2), (3)) t(x)",
    ],
)
def test_other_read_only_forms_are_allowed(console_db, sql):
    assert run_readonly_query(console_db, sql).to_dict("records") == [{"n": 3}]


def test_describe_and_show_tables(console_db):
    columns = run_readonly_query(console_db, "DESCRIBE applications")["column_name"].tolist()
    assert columns[:3] == ["application", "description", "services"]
    tables = set(run_readonly_query(console_db, "SHOW TABLES")["name"])
    assert {"applications", "tickets", "loads", "audit_log"} <= tables


def test_empty_query_is_refused(console_db):
    with pytest.raises(QueryRefused, match="There is no query to run"):
        run_readonly_query(console_db, "  ")


def test_syntax_error_is_a_failure_with_duckdb_message(console_db):
    with pytest.raises(QueryFailed, match="syntax error"):
        run_readonly_query(console_db, "SELEC 1")


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT * FROM read_csv('/etc/passwd')", r"Reading files is not allowed .*read_csv\(\)"),
        ("SELECT * FROM read_text('/etc/passwd')", r"Reading files is not allowed .*read_text"),
        ("SELECT * FROM '/etc/passwd'", r"Reading files is not allowed .*'/etc/passwd'"),
        ("SELECT * FROM 'secrets.csv'", r"Reading files is not allowed .*'secrets.csv'"),
        ("SELECT * FROM glob('/etc/*')", r"Reading files is not allowed .*glob\(\)"),
    ],
)
def test_file_reads_are_refused(console_db, sql, message):
    with pytest.raises(QueryRefused, match=message):
        run_readonly_query(console_db, sql)


@pytest.mark.parametrize(
    "sql",
    [
        # Hidden from the statement check inside a string: the engine itself must refuse.
        "SELECT * FROM query('SELECT * FROM read_csv(''/etc/passwd'')')",
        "SELECT * FROM query_table('/etc/passwd')",
        "SELECT * FROM read_json('https://example.com/data.json')",
    ],
)
def test_the_engine_refuses_file_reads_the_statement_check_cannot_see(console_db, sql):
    with pytest.raises((QueryRefused, QueryFailed)) as caught:
        run_readonly_query(console_db, sql)
    text = str(caught.value)
    assert "root:" not in text  # nothing of /etc/passwd ever comes back
    if isinstance(caught.value, QueryRefused):
        assert "not allowed" in text


def test_the_engine_guard_alone_refuses_a_file_read(tmp_path):
    """Without the statement check: the console's connection itself cannot read files."""
    con = console_connection(":memory:", console_config("64MB", 1))
    try:
        with pytest.raises(duckdb.PermissionException, match="disabled by configuration"):
            con.execute("SELECT * FROM read_csv('/etc/passwd')").fetchall()
        with pytest.raises(duckdb.PermissionException):
            con.execute(f"COPY (SELECT 1) TO '{tmp_path / 'out.csv'}'").fetchall()
        with pytest.raises(duckdb.Error, match="configuration has been locked"):
            con.execute("SET enable_external_access = true")
        with pytest.raises(duckdb.Error, match="configuration has been locked"):
            con.execute("SET memory_limit = '100GB'")
        with pytest.raises(duckdb.Error, match="configuration has been locked"):
            con.execute("RESET lock_configuration")
    finally:
        con.close()
    assert not (tmp_path / "out.csv").exists()


def test_copy_to_is_refused_and_writes_nothing(console_db, tmp_path):
    target = tmp_path / "stolen.csv"
    with pytest.raises(QueryRefused, match=re.escape(f"{NOT_READ_ONLY}; this is a COPY statement")):
        run_readonly_query(console_db, f"COPY applications TO '{target}'")
    with pytest.raises(QueryRefused, match="COPY reads or writes files"):
        run_readonly_query(console_db, "COPY applications FROM '/etc/passwd'")
    assert not target.exists()


@pytest.mark.parametrize(
    ("sql", "kind", "reason"),
    [
        ("ATTACH '/tmp/other.duckdb' AS other", "ATTACH", "ATTACH opens another database"),
        ("DETACH other", "DETACH", "DETACH changes the attached databases"),
        ("INSTALL httpfs", "LOAD", "INSTALL and LOAD add extensions"),
        ("LOAD httpfs", "LOAD", "INSTALL and LOAD add extensions"),
        ("SET enable_external_access = true", "SET", "SET, RESET and USE change settings"),
        ("SET memory_limit = '100GB'", "SET", "SET, RESET and USE change settings"),
        ("RESET memory_limit", "SET", "SET, RESET and USE change settings"),
        ("PRAGMA enable_profiling", "PRAGMA", "PRAGMA changes or reads settings"),
        ("CALL pragma_version()", "CALL", "CALL runs procedures"),
        ("CHECKPOINT", "CALL", "CALL runs procedures"),
        ("EXPORT DATABASE '/tmp/dump'", "EXPORT", "EXPORT writes files"),
        ("BEGIN TRANSACTION", "TRANSACTION", "transactions are managed by the console"),
        ("VACUUM", "VACUUM", "VACUUM changes the database"),
        ("INSERT INTO applications (application) VALUES ('X')", "INSERT", "would change"),
        ("UPDATE applications SET team = 'X'", "UPDATE", "would change"),
        ("DELETE FROM applications", "DELETE", "would change"),
        ("DROP TABLE applications", "DROP", "would change"),
        ("CREATE TABLE t AS SELECT 1", "CREATE", "would change"),
        ("CREATE TEMP TABLE t AS SELECT 1", "CREATE", "would change"),
        ("ALTER TABLE applications ADD COLUMN x INT", "ALTER", "would change"),
    ],
)
def test_statements_that_are_not_queries_are_refused(console_db, sql, kind, reason):
    before = fingerprint(console_db)
    with pytest.raises(QueryRefused) as caught:
        run_readonly_query(console_db, sql)
    assert str(caught.value).startswith(f"{NOT_READ_ONLY}; this is a {kind} statement and")
    assert reason in str(caught.value)
    assert fingerprint(console_db) == before


def test_a_second_statement_is_refused_before_anything_runs(console_db):
    before = fingerprint(console_db)
    with pytest.raises(QueryRefused, match="Only one statement at a time: this text has 2"):
        run_readonly_query(console_db, "SELECT 1; DROP TABLE applications")
    assert fingerprint(console_db) == before
    assert run_readonly_query(console_db, "SELECT count(*) AS n FROM applications").n[0] == 3


def test_writes_hidden_in_a_select_change_nothing(console_db):
    before = fingerprint(console_db)
    for sql in (
        "SELECT nextval('load_id_seq')",
        "SELECT * FROM query('DELETE FROM applications')",
    ):
        with pytest.raises((QueryRefused, QueryFailed)):
            run_readonly_query(console_db, sql)
    # A checkpoint of a read-only file or of the in-memory sandbox is allowed and does nothing.
    run_readonly_query(console_db, "SELECT * FROM checkpoint()")
    assert fingerprint(console_db) == before


def test_python_variables_are_not_reachable(console_db):
    secret_frame = pd.DataFrame({"password": ["hunter2"]})  # noqa: F841 (the bait)
    with pytest.raises(QueryFailed, match="secret_frame does not exist"):
        run_readonly_query(console_db, "SELECT * FROM secret_frame")


def test_row_limit_truncates_and_says_so(console_db):
    frame = run_readonly_query(console_db, "SELECT range AS i FROM range(25)", row_limit=10)
    assert frame["i"].tolist() == list(range(10))
    assert frame.attrs["truncated"] is True and frame.attrs["truncated_by"] == "rows"
    assert frame.attrs["row_limit"] == 10
    exact = run_readonly_query(console_db, "SELECT range AS i FROM range(25)", row_limit=25)
    assert len(exact) == 25 and exact.attrs["truncated"] is False


def test_a_long_query_is_interrupted_at_the_time_limit(console_db):
    with pytest.raises(QueryTimeout, match="stopped after the time limit of 0.5 s"):
        run_readonly_query(
            console_db, "SELECT sum(i) FROM range(1000000000000) t(i)", timeout_s=0.5
        )
    # The connection it used is gone; the store still answers.
    assert run_readonly_query(console_db, "SELECT count(*) AS n FROM applications").n[0] == 3


def test_a_query_over_the_memory_limit_is_refused(console_db):
    with pytest.raises(QueryRefused, match="needs more memory than the console's limit of 64MB"):
        run_readonly_query(
            console_db,
            "SELECT list(i) FROM range(50000000) t(i)",
            memory_limit="64MB",
            timeout_s=60,
        )


def test_no_database_file(tmp_path):
    with pytest.raises(QueryFailed, match="There is no database at"):
        run_readonly_query(tmp_path / "missing.duckdb", "SELECT 1")
    assert not (tmp_path / "missing.duckdb").exists()


def test_the_app_connection_is_left_as_it_was(store_path):
    """The sandbox leaves no temp objects, no open transaction and no changed setting."""
    con = connect(store_path)
    try:
        settings = "SELECT current_setting('enable_external_access'), current_setting('threads')"
        before_settings = con.execute(settings).fetchall()
        before_tables = con.execute("SHOW ALL TABLES").fetchall()
        run_readonly_query(con, "SELECT * FROM applications")
        with pytest.raises(QueryRefused):
            run_readonly_query(con, "SET threads = 1")
        assert con.execute(settings).fetchall() == before_settings
        assert con.execute("SHOW ALL TABLES").fetchall() == before_tables
        con.execute("BEGIN TRANSACTION")  # would fail if a transaction were left open
        con.execute("ROLLBACK")
    finally:
        con.close()


def test_the_console_sees_only_committed_data(store_path):
    """An import in progress on another cursor of the app's connection is invisible."""
    con = connect(store_path)
    try:
        writer = con.cursor()
        writer.execute("BEGIN TRANSACTION")
        writer.execute("DELETE FROM applications")
        frame = run_readonly_query(con, "SELECT count(*) AS n FROM applications")
        assert frame.n[0] == 3
        writer.execute("ROLLBACK")
    finally:
        con.close()
