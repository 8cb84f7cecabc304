"""Many readers while a PMO lead imports; writers serialised; another process kept out cleanly.

The dashboard's design: one read-write connection per process, a cursor per reader (thread),
the import in one transaction on a cursor of its own. DuckDB's MVCC then gives every reader
either the state before the load or the state after it, never a half-done load, and no lock
errors. Another process cannot open the file while the dashboard holds it: a command-line
import fails fast with a clear message and changes nothing.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import pmo_metrics.store.loads as loads
from pmo_metrics.importing import import_paths
from pmo_metrics.sql_console import run_readonly_query
from pmo_metrics.store.connection import connect

from .conftest import fingerprint, pmo, write_tickets

READERS = 20
CONSOLE_READERS = 5  # of the 20, these read through the SQL console's sandbox
STATE_SQL = """
SELECT (SELECT count(*) FROM tickets) AS tickets,
       (SELECT sum(hash(ticket_id || coalesce(short_description, '')))::VARCHAR FROM tickets)
           AS content,
       (SELECT count(*) FROM tickets_history) AS history,
       (SELECT count(*) FROM ticket_snapshots) AS snapshots,
       (SELECT count(*) FROM loads) AS loads
"""


def state(cur) -> tuple:
    """The store as one reader sees it, in ONE statement (one snapshot)."""
    return tuple(cur.execute(STATE_SQL).fetchall()[0])


def console_state(con) -> tuple:
    frame = run_readonly_query(con, STATE_SQL)
    return tuple(frame[column].tolist()[0] for column in frame.columns)


class Reader(threading.Thread):
    """Reads the state in a loop on its own cursor, noting when each read started."""

    def __init__(self, con, use_console: bool, phase: dict):
        super().__init__(daemon=True)
        self.con, self.use_console, self.phase = con, use_console, phase
        self.answers: list[tuple[str, str, tuple]] = []  # (phase at start, at end, state)
        self.errors: list[BaseException] = []
        self.stop = threading.Event()
        self.progress = threading.Condition()

    def run(self) -> None:
        cur = self.con.cursor()
        try:
            while not self.stop.is_set():
                started = self.phase["now"]
                answer = console_state(self.con) if self.use_console else state(cur)
                with self.progress:
                    self.answers.append((started, self.phase["now"], answer))
                    self.progress.notify_all()
                self.stop.wait(0.01)  # a viewer clicking, not a busy loop starving the import
        except BaseException as exc:  # noqa: BLE001 - every failure is a test failure
            self.errors.append(exc)
        finally:
            cur.close()

    def reads_in(self, phase: str) -> int:
        return sum(1 for start, end, _ in self.answers if start == end == phase)

    def wait_for(self, phase: str, count: int) -> None:
        with self.progress:
            ok = self.progress.wait_for(
                lambda: self.reads_in(phase) >= count or self.errors, timeout=300
            )
        assert ok and not self.errors, self.errors


def test_twenty_readers_during_an_import_see_before_or_after(
    tmp_path, monkeypatch, record_property
):
    app = connect(tmp_path / "pmo.duckdb")  # the dashboard's one read-write connection
    try:
        import_paths(app.cursor(), [write_tickets(tmp_path / "march.csv", 0, 2000, "march")])
        before = state(app.cursor())

        # Hold the import inside its transaction, after its tickets were written, until
        # every reader has read while it was there: the overlap is certain, not lucky.
        inside, release = threading.Event(), threading.Event()
        upsert = loads._upsert

        def held_upsert(con, spec, frame, *rest):
            counts = upsert(con, spec, frame, *rest)
            if spec.name == "tickets":
                inside.set()
                assert release.wait(300)
            return counts

        monkeypatch.setattr(loads, "_upsert", held_upsert)
        phase = {"now": "before"}
        readers = [Reader(app, i < CONSOLE_READERS, phase) for i in range(READERS)]
        for r in readers:
            r.start()
        for r in readers:
            r.wait_for("before", 1)

        april = write_tickets(tmp_path / "april.csv", 1500, 1000, "april")
        outcome: dict = {}

        def importer() -> None:
            try:
                outcome["result"] = import_paths(app.cursor(), [april])
            except BaseException as exc:  # noqa: BLE001
                outcome["error"] = exc

        writer = threading.Thread(target=importer)
        writer.start()
        assert inside.wait(300)
        phase["now"] = "during"
        for r in readers:
            r.wait_for("during", 3)
        phase["now"] = "committing"
        release.set()
        writer.join(300)
        assert "error" not in outcome, outcome.get("error")
        after = state(app.cursor())
        phase["now"] = "after"
        for r in readers:
            r.wait_for("after", 1)
        for r in readers:
            r.stop.set()
        for r in readers:
            r.join(300)
    finally:
        release.set()
        app.close()

    assert before == (2000, before[1], 0, 2000, 1)
    assert after[0] == 2500 and after[2] == 500 and after[4] == 2 and after != before
    for r in readers:
        assert not r.errors, r.errors
        seen = {answer for _, _, answer in r.answers}
        assert seen <= {before, after}, f"a reader saw a half-done load: {seen - {before, after}}"
        assert all(a == before for s, e, a in r.answers if s == e == "during")
        assert all(a == after for s, e, a in r.answers if s == e == "after")
    total = sum(len(r.answers) for r in readers)
    during = sum(r.reads_in("during") for r in readers)
    assert during >= 3 * READERS
    assert total >= READERS * 5
    record_property("answers", total)  # figures for the README (pytest --junitxml)
    record_property("answers_during_open_load", during)


def test_writes_of_one_process_are_serialised(tmp_path):
    """Two imports at once on cursors of one connection: one waits for the other, so the
    overlapping keys are updated, never added twice."""
    app = connect(tmp_path / "pmo.duckdb")
    try:
        files = [
            write_tickets(tmp_path / "a.csv", 0, 3000, "a"),
            write_tickets(tmp_path / "b.csv", 1000, 3000, "b"),
        ]
        errors: list[BaseException] = []
        start = threading.Barrier(2)

        def run(path: Path) -> None:
            try:
                start.wait()
                import_paths(app.cursor(), [path])
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(f,)) for f in files]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        assert not errors, errors
        rows = app.execute("SELECT count(*), count(DISTINCT ticket_id) FROM tickets").fetchall()[0]
        assert rows == (4000, 4000)
        assert app.execute("SELECT count(*) FROM tickets_history").fetchall()[0][0] == 2000
        assert app.execute("SELECT count(*) FROM loads").fetchall()[0][0] == 2
    finally:
        app.close()


def test_command_line_import_while_the_dashboard_holds_the_store(tmp_path, holder):
    db = tmp_path / "pmo.duckdb"
    first = write_tickets(tmp_path / "march.csv", 0, 100, "march")
    assert pmo("import", str(first), "--db", str(db)).returncode == 0
    before = fingerprint(db)
    dashboard = holder(db)
    april = write_tickets(tmp_path / "april.csv", 50, 100, "april")
    done = pmo("import", str(april), "--db", str(db))
    assert done.returncode == 1
    assert f"The database {db} is in use by another process" in done.stderr
    dashboard.release()
    assert fingerprint(db) == before
    done = pmo("import", str(april), "--db", str(db))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "tickets: 50 added, 50 updated, 0 unchanged" in done.stdout


@pytest.mark.parametrize("runs", [4])
def test_concurrent_command_line_imports_never_corrupt(tmp_path, runs):
    """Several import processes started at once: each either loads or is refused with the
    clear message; the store ends with exactly the union of the loaded files."""
    import subprocess
    import sys

    from .conftest import ROOT, pmo_env

    db = tmp_path / "pmo.duckdb"
    assert pmo("import", str(write_tickets(tmp_path / "base.csv", 0, 10, "base")),
               "--db", str(db)).returncode == 0  # fmt: skip
    files = [
        write_tickets(tmp_path / f"f{i}.csv", 1000 * (i + 1), 500, f"f{i}") for i in range(runs)
    ]
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "pmo_metrics", "import", str(f), "--db", str(db)],
            cwd=ROOT,
            env=pmo_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for f in files
    ]
    outcomes = [(c, *c.communicate(timeout=300)) for c in children]
    loaded = 0
    for child, out, err in outcomes:
        if child.returncode == 0:
            loaded += 1
            assert "tickets: 500 added, 0 updated, 0 unchanged" in out
        else:
            assert child.returncode == 1 and "is in use by another process" in err, out + err
    assert loaded >= 1
    con = connect(db, read_only=True)
    try:
        count, distinct = con.execute(
            "SELECT count(*), count(DISTINCT ticket_id) FROM tickets"
        ).fetchall()[0]
        loads_count = con.execute("SELECT count(*) FROM loads").fetchall()[0][0]
    finally:
        con.close()
    assert (count, distinct, loads_count) == (10 + 500 * loaded, 10 + 500 * loaded, 1 + loaded)
