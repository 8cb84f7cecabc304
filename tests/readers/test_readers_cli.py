"""``python -m pmo_metrics import`` as a real subprocess: exit codes and what it prints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "import", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


JIRA = [
    ["Issue key", "Summary", "Issue Type", "Status", "Project key", "Custom field (Story Points)"],
    ["A-1", "x", "Story", "Done", "A", "3"],
    ["A-2", "y", "Story", "Done", "A", ""],
]


def test_import_ok_prints_the_summary(write_csv, tmp_path):
    db = tmp_path / "cli.duckdb"
    done = run(str(write_csv("a.csv", JIRA)), "--db", str(db), "--period", "2026-04")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:3] == [
        "load 1",
        "  work_items: 2 added, 0 updated, 0 unchanged",
        "  work_item_snapshots: 2 added, 0 updated, 0 unchanged",
    ]
    assert "1 warning(s):" in done.stdout and "row 3" in done.stdout


def test_import_failure_prints_every_error_and_loads_nothing(write_csv, tmp_path):
    db = tmp_path / "cli.duckdb"
    bad = write_csv(
        "bad.csv",
        [
            JIRA[0],
            ["A-1", "x", "Story", "Done", "A", "abc"],
            ["A-2", "y", "Story", "Done", "A", "1,2,3"],
        ],
    )
    done = run(str(bad), "--db", str(db))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0] == "nothing was loaded: 2 error(s) to fix in the file(s)"
    assert "row 2, column 'Custom field (Story Points)': value 'abc'" in lines[1]
    assert "row 3, column 'Custom field (Story Points)': value '1,2,3'" in lines[2]
    con = duckdb.connect(str(db))
    assert con.execute("SELECT count(*) FROM work_items").fetchall() == [(0,)]
    con.close()


def test_save_mapping_then_reuse_it(write_csv, tmp_path):
    db = tmp_path / "cli.duckdb"
    odd = [["Ref", "Headline", "Phase", "Space"], ["X-1", "a", "Done", "XP"]]
    done = run(
        str(write_csv("odd.csv", odd)),
        "--db",
        str(db),
        "--save-mapping",
        "odd",
        "--target",
        "work_items",
        "--map",
        "Ref=item_key",
        "--map",
        "Headline=summary",
        "--map",
        "Phase=status",
        "--map",
        "Space=project",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == "mapping profile 'odd' saved for work_items"
    odd.append(["X-2", "b", "To Do", "XP"])
    again = run(str(write_csv("odd2.csv", odd)), "--db", str(db), "--mapping", "odd")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "work_items: 1 added, 0 updated, 1 unchanged" in again.stdout


def test_unknown_profile_and_busy_store(write_csv, tmp_path):
    db = tmp_path / "cli.duckdb"
    path = str(write_csv("a.csv", JIRA))
    done = run(path, "--db", str(db), "--mapping", "nope")
    assert done.returncode == 1 and "no mapping profile named 'nope'" in done.stderr
    holder = duckdb.connect(str(db))  # holds the file's lock, as the dashboard would
    try:
        busy = run(path, "--db", str(db))
    finally:
        holder.close()
    assert busy.returncode == 1
    assert "is in use by another process" in busy.stderr
