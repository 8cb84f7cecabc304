"""Large workbooks read ahead in a worker process (``readers/ahead.py``): what the parent gets is
what reading the file itself gives (rows, digest, problems), a refused workbook is reported as
before, and a child that dies leaves the file to the parent.

ReadAhead forks, so it runs in a fresh interpreter here (as in the command line: before any
thread or DuckDB exists), never in the test process; with ``idle_only=False``, for the machine
running the tests is rarely idle. The command line reads ahead only with an idle core: its
tests check what it prints and loads, the same either way.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from pmo_metrics.readers import ahead
from pmo_metrics.readers.ahead import READ_AHEAD_BYTES

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["Number", "Opened", "Short description", "Priority", "State", "Made SLA"]
STATES = ["New", "In Progress", "Resolved", "Closed"]


def ticket_workbook(path: Path, *, bad_row: int | None = None, rows: int = 20_000) -> Path:
    """A ServiceNow export above the read-ahead size; at ``bad_row`` (as Excel numbers it) a
    priority that is none (a row problem)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Page 1")
    ws.append(HEADER)
    for i in range(rows):
        priority = "urgent-ish" if i + 2 == bad_row else f"{i % 4 + 1} - Level"
        opened = f"2026-0{i % 9 + 1}-1{i % 10} 08:00:00"
        text = f"case {i} of {rows}: the user cannot log in from ward {i * 7919 % 10007}"
        ws.append([f"INC{1_000_000 + i}", opened, text, priority, STATES[i % 4], i % 3 != 0])
    wb.save(path)
    assert path.stat().st_size >= READ_AHEAD_BYTES, "too small to be read ahead"
    return path


def in_fresh_python(code: str, **env: str) -> dict:
    """Run ``code`` in a new interpreter of the project; what it printed last, as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


COMPARE = """
    import json, os, signal, sys
    from pathlib import Path
    from pmo_metrics.readers.ahead import ReadAhead

    path = Path(sys.argv[1] if len(sys.argv) > 1 else {path!r})
    with ReadAhead([path], idle_only=False) as ahead:
        forked = ahead._child is not None
        if {kill}:
            os.kill(ahead._child.pid, signal.SIGKILL)
        workbook = ahead.result(path)
        from pmo_metrics.readers import read_file

        ahead_read = read_file(path, workbook=workbook)
    own_read = read_file(path)
    same_tables = ahead_read.tables.keys() == own_read.tables.keys() and all(
        ahead_read.tables[t].equals(own_read.tables[t]) for t in own_read.tables
    )
    print(json.dumps({{
        "forked": forked,
        "read_ahead": workbook is not None,
        "same_tables": same_tables,
        "sha256": [ahead_read.sha256, own_read.sha256],
        "problems": [[str(p) for p in ahead_read.problems], [str(p) for p in own_read.problems]],
        "rows": [ahead_read.rows_read, own_read.rows_read],
    }}))
"""


def compare(path: Path, *, kill: bool = False) -> dict:
    return in_fresh_python(COMPARE.format(path=str(path), kill=kill))


@pytest.fixture(scope="module")
def tickets(tmp_path_factory) -> Path:
    return ticket_workbook(tmp_path_factory.mktemp("ahead") / "tickets.xlsx", bad_row=5)


@pytest.fixture(scope="module")
def clean_tickets(tmp_path_factory) -> Path:
    return ticket_workbook(tmp_path_factory.mktemp("ahead") / "clean.xlsx")


def test_a_workbook_read_ahead_gives_what_reading_it_gives(tickets):
    found = compare(tickets)
    assert found["forked"] and found["read_ahead"]
    assert found["same_tables"]
    digest = hashlib.sha256(tickets.read_bytes()).hexdigest()
    assert found["sha256"] == [digest, digest]
    assert found["rows"] == [20_000, 20_000]
    ahead_problems, own_problems = found["problems"]
    assert ahead_problems == own_problems
    assert [p for p in own_problems if p.startswith("ERROR")] == [
        "ERROR tickets.xlsx, sheet 'Page 1', row 5, column 'Priority': value 'urgent-ish'; "
        "expected a priority such as `3 - Moderate`, 3, or High"
    ]


def test_a_child_that_dies_leaves_the_file_to_the_parent(tickets):
    found = compare(tickets, kill=True)
    assert found["forked"] and not found["read_ahead"]
    assert found["same_tables"]
    assert found["problems"][0] == found["problems"][1]


def test_a_damaged_workbook_read_ahead_is_refused_as_when_read_in_place(tickets, tmp_path):
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(tickets.read_bytes()[: tickets.stat().st_size * 9 // 10])
    found = compare(cut)
    assert found["read_ahead"]
    assert found["problems"][0] == found["problems"][1]
    assert found["problems"][0] == [
        "ERROR cut.xlsx; expected a complete Excel workbook; this one is damaged or truncated "
        "(incomplete download or copy); save or download it again"
    ]
    assert found["sha256"][0] == hashlib.sha256(cut.read_bytes()).hexdigest()


def test_a_child_stopped_at_work_leaves_no_copy_of_the_file(tickets, tmp_path):
    # The parent stops the child at once (as when the store is busy): its private copy, made
    # in a folder of the parent's, goes with it. And a child that finished leaves none either.
    temp = tmp_path / "temp"
    temp.mkdir()
    found = in_fresh_python(
        f"""
        import json, os
        from pathlib import Path
        from pmo_metrics.readers.ahead import ReadAhead

        path = Path({str(tickets)!r})
        with ReadAhead([path], idle_only=False) as ahead:
            forked = ahead._child is not None
        stopped = os.listdir({str(temp)!r})
        with ReadAhead([path], idle_only=False) as ahead:
            read = ahead.result(path) is not None
        print(json.dumps({{"forked": forked, "read": read, "left": [stopped,
                                                                   os.listdir({str(temp)!r})]}}))
        """,
        TMPDIR=str(temp),
    )
    assert found == {"forked": True, "read": True, "left": [[], []]}


@pytest.mark.parametrize(
    ("cores", "load", "idle"),
    [(2, 0.4, True), (2, 1.0, True), (2, 1.2, False), (1, 0.1, False), (8, 6.5, True)],
)
def test_a_core_is_idle_when_the_load_leaves_one(monkeypatch, cores, load, idle):
    # The load average counts the command itself: on 2 cores, 1.0 leaves one idle.
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cores)))
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert ahead._idle_core() is idle


def test_a_csv_or_a_small_workbook_is_not_read_ahead(tmp_path, write_csv):
    small = ticket_workbook_small(tmp_path / "small.xlsx")
    text = write_csv("a.csv", [HEADER, ["INC1", "2026-01-01", "x", "3", "New", "true"]])
    found = in_fresh_python(
        f"""
        import json
        from pathlib import Path
        from pmo_metrics.readers.ahead import ReadAhead

        with ReadAhead([Path({str(small)!r}), Path({str(text)!r})], idle_only=False) as ahead:
            print(json.dumps({{"forked": ahead._child is not None,
                              "results": [ahead.result({str(small)!r}),
                                          ahead.result({str(text)!r})]}}))
        """
    )
    assert found == {"forked": False, "results": [None, None]}


def ticket_workbook_small(path: Path) -> Path:
    wb = Workbook()
    wb.active.append(HEADER)
    wb.active.append(["INC1", "2026-01-01", "x", "3", "New", True])
    wb.save(path)
    return path


def cli_import(path: Path, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "import", str(path), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_command_line_loads_a_workbook_read_ahead(clean_tickets, tmp_path):
    db = tmp_path / "cli.duckdb"
    done = cli_import(clean_tickets, db)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[:3] == [
        "load 1",
        "  tickets: 20000 added, 0 updated, 0 unchanged",
        "  ticket_snapshots: 20000 added, 0 updated, 0 unchanged",
    ]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT file_name, sha256, rows_read FROM load_files").fetchall() == [
            ("clean.xlsx", hashlib.sha256(clean_tickets.read_bytes()).hexdigest(), 20_000)
        ]
        assert con.execute(
            "SELECT count(DISTINCT ticket_id), min(ticket_id), max(ticket_id) FROM tickets"
        ).fetchall() == [(20_000, "INC1000000", "INC1019999")]
    finally:
        con.close()


def test_the_command_line_reports_a_workbook_the_child_refused(clean_tickets, tmp_path):
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(clean_tickets.read_bytes()[: clean_tickets.stat().st_size * 9 // 10])
    db = tmp_path / "cli.duckdb"
    done = cli_import(cut, db)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "nothing was loaded: 1 error(s) to fix in the file(s)",
        "  ERROR cut.xlsx; expected a complete Excel workbook; this one is damaged or truncated "
        "(incomplete download or copy); save or download it again",
    ]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM loads").fetchall() == [(0,)]
    finally:
        con.close()


def test_the_import_command_loads_no_metric_library(tmp_path, write_csv):
    # Ibis and sqlglot take a second to import; an import needs neither (the post-load checks
    # load the metrics only when a sprint has no dates).
    text = write_csv("a.csv", [HEADER, ["INC1", "2026-01-01", "x", "3", "New", "true"]])
    found = in_fresh_python(
        f"""
        import json, sys
        from pmo_metrics.cli import main
        main(["import", {str(text)!r}, "--db", {str(tmp_path / "m.duckdb")!r}])
        print(json.dumps(sorted(m for m in ("ibis", "sqlglot", "plotly") if m in sys.modules)))
        """
    )
    assert found == []
