"""Issue 12, Medium 5 (in part): every load, undo and redo is audited in its own transaction,
whoever makes it (the command line, the Data page, the demo and the first-start sample load)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pmo_metrics import audit
from pmo_metrics.demo import demo_batches, load_demo
from pmo_metrics.store.connection import connect

ROOT = Path(__file__).resolve().parents[2]


def pmo(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pmo_metrics", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "USER": "luis"},
        timeout=300,
    )


def test_command_line_import_undo_and_redo_each_leave_one_entry(tmp_path):
    db = tmp_path / "pmo.duckdb"
    export = tmp_path / "jan.csv"
    export.write_text(
        "number,priority,state,opened_at\nINC1,1 - Critical,New,2026-01-10 10:00:00\n",
        encoding="utf-8",
    )
    for args in (("import", str(export)), ("undo", "1"), ("redo", "1")):
        done = pmo(*args, "--db", str(db))
        assert done.returncode == 0, done.stdout + done.stderr
    con = connect(db)
    frame = audit.entries(con)
    con.close()
    assert frame["action"].tolist() == ["redo", "undo", "import"]
    assert frame["detail"].tolist() == [
        "load 1",
        "load 1: tickets: 1 rows removed",
        "load 1: jan.csv",
    ]
    assert set(frame["username"]) == {"cli:luis"}  # the command line actor, by OS account


def test_the_demo_load_is_audited_load_by_load(con):
    load_demo(con)
    frame = audit.entries(con)
    loads = con.execute("SELECT count(*) FROM loads").fetchall()[0][0]
    assert loads == len(demo_batches())
    assert frame["action"].tolist() == ["import"] * loads
    details = sorted(frame["detail"].tolist(), key=lambda d: int(d.split(":")[0].split()[1]))
    # the sample says so, and that its loads carry simulated dates (the entry keeps its own)
    assert details[0] == "load 1: pmo_workbook.xlsx; sample data, load dates simulated"


def test_a_load_that_fails_leaves_no_entry(con):
    import pandas as pd
    import pytest

    from pmo_metrics.schema.problems import ParsedFile
    from pmo_metrics.store.loads import load_parsed

    frame = pd.DataFrame([{"stakeholder": "Ana", "power": "very high"}])
    frame["source_sheet"], frame["source_row"] = None, 2
    broken = ParsedFile("b.xlsx", "b", "test", {"stakeholders": frame}, [], 1)
    with pytest.raises(Exception):  # noqa: B017 - the cast fails inside the transaction
        load_parsed(con, [broken], period="2026-01")
    assert audit.entries(con).empty


def test_a_role_that_may_not_read_the_audit_log_cannot_query_it(con):
    """The dashboard's console hides the audit log from an analyst (it exists for the lead)."""
    import pytest

    from pmo_metrics.sql_console import ConsoleError, run_readonly_query

    audit.record(con, "ana", "import", "load 1: secret.csv")
    shown = run_readonly_query(con, "SELECT count(*) AS n FROM audit_log")
    assert shown["n"].tolist() == [1]  # the PMO lead's console
    with pytest.raises(ConsoleError, match="audit_log"):
        run_readonly_query(con, "SELECT * FROM audit_log", hidden=("audit_log",))
    tables = run_readonly_query(con, "SHOW TABLES", hidden=("audit_log",))
    assert "audit_log" not in set(tables.iloc[:, 0])


# --- issue 12, Medium 5 (the rest): every change in its transaction, queries, the chain ----


def _chain_of(con) -> list[int]:
    return [r[0] for r in con.execute("SELECT seq FROM audit_log ORDER BY seq").fetchall()]


def test_a_mapping_save_and_its_entry_are_one_transaction(con):
    """The audit entry cannot be written (its table is away): the profile is not saved either
    (the Data page wrote the profile, then the entry, in two transactions)."""
    import pytest

    from pmo_metrics import actions
    from pmo_metrics.access import Actor
    from pmo_metrics.importing import list_mapping_profiles

    lead = Actor("ana", "pmo_lead")
    actions.save_mapping(con, lead, "itsm", "tickets", {"Number": "ticket_id"})
    assert audit.entries(con)[["username", "action", "detail"]].values.tolist() == [
        ["ana", "save_mapping", "itsm -> tickets: 1 columns"]
    ]
    con.execute("ALTER TABLE audit_log RENAME TO audit_log_away")
    with pytest.raises(Exception, match="audit_log"):
        actions.save_mapping(con, lead, "other", "tickets", {"Id": "ticket_id"})
    con.execute("ALTER TABLE audit_log_away RENAME TO audit_log")
    assert list(list_mapping_profiles(con)["name"]) == ["itsm"]
    with pytest.raises(PermissionError):
        actions.save_mapping(con, Actor("eva", "sponsor"), "x", "tickets", {"Id": "ticket_id"})
    assert len(audit.entries(con)) == 1


def test_the_sample_loaded_at_first_start_is_audited_as_such(con):
    from pmo_metrics import actions

    assert actions.load_sample_at_first_start(con) is True
    frame = audit.entries(con)
    assert set(frame["username"]) == {actions.FIRST_START}
    assert all(d.endswith("; sample data, load dates simulated") for d in frame["detail"])
    assert actions.load_sample_at_first_start(con) is False  # never twice
    assert audit.verify(con).intact


def test_console_queries_in_the_dashboard_are_audited_before_they_run(con):
    import pytest

    from pmo_metrics import actions
    from pmo_metrics.access import Actor, PermissionDenied
    from pmo_metrics.sql_console import ConsoleError

    analyst = Actor("luis", "analyst")
    assert actions.query(con, analyst, "SELECT 42 AS n")["n"].tolist() == [42]
    with pytest.raises(ConsoleError):  # the analyst may not read the audit log...
        actions.query(con, analyst, "SELECT * FROM audit_log")
    with pytest.raises(ConsoleError):  # ...nor write
        actions.query(con, analyst, "DELETE FROM audit_log")
    with pytest.raises(PermissionDenied):  # a sponsor has no console: nothing recorded
        actions.query(con, Actor("eva", "sponsor"), "SELECT 1")
    frame = audit.entries(con)
    assert frame[["username", "action", "detail"]].values.tolist() == [
        ["luis", "sql", "DELETE FROM audit_log"],
        ["luis", "sql", "SELECT * FROM audit_log"],
        ["luis", "sql", "SELECT 42 AS n"],
    ]


def test_command_line_queries_are_audited(tmp_path):
    db = tmp_path / "pmo.duckdb"
    connect(db).close()
    done = pmo("sql", "SELECT 42 AS answer", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "42" in done.stdout
    con = connect(db)
    frame = audit.entries(con)
    con.close()
    assert frame[["username", "action", "detail"]].values.tolist() == [
        ["cli:luis", "sql", "SELECT 42 AS answer"]
    ]


def test_the_chain_finds_an_edited_a_removed_and_an_inserted_entry(con):
    for n in range(1, 5):
        audit.record(con, "ana", "import", f"load {n}")
    assert audit.verify(con) == audit.Verdict(4)
    con.execute("UPDATE audit_log SET detail = 'load 9' WHERE seq = 2")
    verdict = audit.verify(con)
    assert (verdict.broken, verdict.reason) == (2, "an entry's content does not match its hash")
    con.execute("UPDATE audit_log SET detail = 'load 2' WHERE seq = 2")
    assert audit.verify(con).intact
    con.execute("DELETE FROM audit_log WHERE seq = 3")
    assert (audit.verify(con).broken, audit.verify(con).reason) == (3, "an entry is missing")
    con.execute("INSERT INTO audit_log VALUES (now()::TIMESTAMP, 'eve', 'import', 'x', 3, 'ab')")
    assert audit.verify(con).broken == 3
    con.execute("DELETE FROM audit_log WHERE seq = 4")  # the last entry, removed with its seq
    con.execute("DELETE FROM audit_log WHERE username = 'eve'")
    con.execute("UPDATE audit_log SET seq = 3 WHERE seq = 4")
    assert audit.verify(con).broken is None  # nothing left to notice: the entries 1, 2 hold
    assert audit.verify(con).entries == 2


def test_a_store_of_an_older_version_is_chained_once_when_opened(tmp_path):
    """Its log has no chain columns: opening it chains every entry, in the order written."""
    import duckdb

    db = tmp_path / "old.duckdb"
    old = duckdb.connect(str(db))
    old.execute(
        "CREATE TABLE audit_log (happened_at TIMESTAMP NOT NULL, username VARCHAR, "
        "action VARCHAR NOT NULL, detail VARCHAR)"
    )
    old.execute(
        "INSERT INTO audit_log VALUES ('2026-01-02 10:00', 'ana', 'undo', 'load 1'), "
        "('2026-01-01 09:00', 'ana', 'import', 'load 1')"
    )
    old.close()
    con = connect(db)
    try:
        assert audit.verify(con) == audit.Verdict(2)
        assert audit.entries(con)["action"].tolist() == ["undo", "import"]  # newest first
    finally:
        con.close()


def test_blanked_hashes_break_the_chain_and_are_never_chained_again(con):
    """Blanking every hash must not pass for "an older store": the log stays broken, and the
    next entry does not build a new chain over the edited rows."""
    for n in (1, 2):
        audit.record(con, "ana", "import", f"load {n}")
    con.execute("UPDATE audit_log SET seq = NULL, entry_hash = NULL, detail = 'forged'")
    verdict = audit.verify(con)
    assert (verdict.intact, verdict.broken) == (False, 1)
    audit.record(con, "ana", "undo", "load 2")
    assert not audit.verify(con).intact


def test_an_entry_time_with_a_time_zone_or_nanoseconds_keeps_the_chain(con):
    from datetime import UTC, datetime

    import pandas as pd

    audit.record(con, "ana", "import", "load 1", at=datetime(2026, 3, 1, 9, tzinfo=UTC))
    audit.record(con, "ana", "undo", "load 1", at=pd.Timestamp("2026-03-01 10:00:00.123456789"))
    assert audit.verify(con) == audit.Verdict(2)


def test_writers_on_many_cursors_keep_one_chain(con):
    import threading

    def write(n: int) -> None:
        cur = con.cursor()
        for i in range(25):
            audit.record(cur, f"user{n}", "sql", f"SELECT {i}")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert audit.verify(con) == audit.Verdict(100)
    assert _chain_of(con) == list(range(1, 101))


def test_verify_audit_says_whether_the_log_holds(tmp_path):
    db = tmp_path / "pmo.duckdb"
    con = connect(db)
    for n in (1, 2, 3):
        audit.record(con, "ana", "import", f"load {n}")
    con.close()
    done = pmo("verify-audit", "--db", str(db))
    assert (done.returncode, done.stdout.strip()) == (
        0,
        "the audit log is intact: 3 entries, chain verified",
    )
    con = connect(db)
    con.execute("UPDATE audit_log SET username = 'someone else' WHERE seq = 2")
    con.close()
    done = pmo("verify-audit", "--db", str(db))
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "the audit log was altered: an entry's content does not match its hash (entry 2 of 3); "
        "entries from there on cannot be trusted"
    )


def test_an_oversized_query_is_recorded_by_its_start_and_length(con):
    import pytest

    from pmo_metrics import actions
    from pmo_metrics.access import Actor
    from pmo_metrics.sql_console import MAX_QUERY_CHARS, ConsoleError

    sql = "SELECT " + "1+" * MAX_QUERY_CHARS + "1"
    with pytest.raises(ConsoleError):
        actions.query(con, Actor("luis", "analyst"), sql)
    detail = audit.entries(con)["detail"].tolist()
    assert detail == [f"{sql[:200]}... ({len(sql):,} characters)"]
