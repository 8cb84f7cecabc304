"""Issue 12, Medium 5 (in part): every load, undo and redo is audited in its own transaction,
whoever makes it (the command line, the Data page, the demo and the first-start sample load)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pmo_metrics import audit
from pmo_metrics.demo import demo_batches, load_demo
from pmo_metrics.store import connect

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
    assert details[0] == "load 1: pmo_workbook.xlsx"


def test_a_load_that_fails_leaves_no_entry(con):
    import pandas as pd
    import pytest

    from pmo_metrics.readers.base import ParsedFile
    from pmo_metrics.store import load_parsed

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
