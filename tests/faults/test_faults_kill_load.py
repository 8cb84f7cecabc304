"""A real import (or undo) process killed with SIGKILL inside its transaction loses nothing:
the store opens, every table equals its state before that load, and the load can be re-run.

The child is the real ``python -m pmo_metrics import``; a ``sitecustomize`` put first on its
PYTHONPATH only pauses it at a chosen point inside the load transaction (after rows were
written), so the kill lands there every time instead of by luck.
"""

from __future__ import annotations

import os
import signal
import sys

import pytest

from pmo_metrics.store.connection import connect
from pmo_metrics.store.loads import versioned_specs

from .conftest import fingerprint, pmo, pmo_popen, write_tickets


def kill_at(args: list[str], pause_after: str, hook_dir) -> None:
    """Run the command until it reaches the pause point inside its transaction, then SIGKILL."""
    child = pmo_popen(*args, pause_after=pause_after, hook_dir=hook_dir)
    try:
        line = child.stderr.readline()
        while line and "FAULT POINT REACHED" not in line:
            line = child.stderr.readline()
        assert "FAULT POINT REACHED" in line, "the child ended before the fault point"
        assert child.poll() is None
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=60)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL


@pytest.fixture
def loaded_store(tmp_path):
    """A store with one committed load of 1,000 tickets (INC0..INC999)."""
    db = tmp_path / "pmo.duckdb"
    first = write_tickets(tmp_path / "march.csv", 0, 1000, "first")
    done = pmo("import", str(first), "--db", str(db))
    assert done.returncode == 0, done.stdout + done.stderr
    return db


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize(
    ("rows", "pause_after"),
    [
        # after the tickets upsert (rows added and 500 updated, history written)
        (3_000, "pmo_metrics.store.loads:_upsert:1"),
        # after the snapshot upsert: the last step before COMMIT; more rows than a DuckDB
        # row group (122,880), so the uncommitted rows were written to the file itself
        pytest.param(130_000, "pmo_metrics.store.loads:_snapshot:1", marks=pytest.mark.slow),
    ],
)
def test_import_killed_inside_its_transaction(tmp_path, loaded_store, rows, pause_after):
    before = fingerprint(loaded_store)
    # Overlaps the first load: INC500..INC999 change (updates), the rest are new.
    big = write_tickets(tmp_path / "april.csv", 500, rows, "second")
    kill_at(["import", str(big), "--db", str(loaded_store)], pause_after, tmp_path / "hook")

    con = connect(loaded_store)  # opens (replaying its WAL) as the dashboard would
    con.close()
    assert fingerprint(loaded_store) == before

    # The same file imports cleanly afterwards: nothing half-done blocks it.
    done = pmo("import", str(big), "--db", str(loaded_store))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"tickets: {rows - 500} added, 500 updated, 0 unchanged" in done.stdout
    after = fingerprint(loaded_store)
    assert after["tickets"][0] == 500 + rows
    assert after["tickets_history"][0] == 500
    assert after["loads"][0] == 2


def test_undo_killed_inside_its_transaction(tmp_path, loaded_store):
    second = write_tickets(tmp_path / "april.csv", 500, 1000, "second")
    assert pmo("import", str(second), "--db", str(loaded_store)).returncode == 0
    before = fingerprint(loaded_store)
    tables = len(versioned_specs())  # the tables files load; snapshots are derived after
    kill_at(
        ["undo", "2", "--db", str(loaded_store)],
        f"pmo_metrics.store.loads:_undo_table:{tables}",  # every table undone, not committed
        tmp_path / "hook",
    )
    connect(loaded_store).close()
    assert fingerprint(loaded_store) == before
    done = pmo("undo", "2", "--db", str(loaded_store))
    assert done.returncode == 0, done.stdout + done.stderr
    assert fingerprint(loaded_store)["tickets"][0] == 1000
