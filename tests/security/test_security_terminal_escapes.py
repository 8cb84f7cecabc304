"""Text from imported files reaches the terminal escaped: an escape sequence in a cell cannot
clear the screen, retitle the window or hide what follows (real processes, exact bytes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEADER = "Summary,Issue key,Issue id,Issue Type,Status,Project key,Priority,Created,Resolved\n"
# Clear the screen, set the window title (OSC ... BEL), then a bidi override.
HOSTILE = "\x1b[2J\x1b]0;pwned\x07Fix\u202eit"
SHOWN = "\\x1b[2J\\x1b]0;pwned\\x07Fix\\u202eit"


def pmo(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pmo_metrics", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _jira_csv(path: Path, summary: str, created: str) -> Path:
    row = f"{summary},PRJ-1,1001,Story,Done,PRJ,High,{created},2026-04-03 10:00\n"
    path.write_text(HEADER + row, encoding="utf-8")
    return path


def test_sql_table_output_escapes_control_characters_of_imported_text(tmp_path):
    db = tmp_path / "pmo.duckdb"
    source = _jira_csv(tmp_path / "jira.csv", HOSTILE, "2026-04-01 09:00")
    loaded = pmo("import", str(source), "--db", str(db), "--period", "2026-04")
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    done = pmo("sql", "SELECT item_key, summary FROM work_items", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout and "\u202e" not in done.stdout
    assert done.stdout.split() == ["item_key", "summary", "PRJ-1", SHOWN]
    # CSV is data for a file, not for a terminal: the text stays exactly as imported.
    csv = pmo("sql", "SELECT summary FROM work_items", "--db", str(db), "--format", "csv")
    assert csv.stdout.splitlines() == ["summary", HOSTILE]


def test_import_error_report_escapes_control_characters(tmp_path):
    db = tmp_path / "pmo.duckdb"
    source = _jira_csv(tmp_path / "jira.csv", "Fix it", "\x1b[2J\x1b]0;pwned\x07not a date")
    done = pmo("import", str(source), "--db", str(db), "--period", "2026-04")
    assert done.returncode == 1
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert (
        "  ERROR jira.csv, row 2, column 'Created': value '\\x1b[2J\\x1b]0;pwned\\x07not a date'; "
        "expected a real date and time"
    ) in done.stdout


def test_import_summary_escapes_control_characters_in_its_warnings(tmp_path):
    db = tmp_path / "pmo.duckdb"
    source = tmp_path / "jira.csv"
    # No story points on a Done item: a warning that quotes the (hostile) issue key.
    source.write_text(
        HEADER + "Fix it,\x1b[2JPRJ-1,1001,Story,Done,PRJ,High,2026-04-01 09:00,2026-04-03 10:00\n",
        encoding="utf-8",
    )
    done = pmo("import", str(source), "--db", str(db), "--period", "2026-04")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "\x1b" not in done.stdout
    assert "column 'Issue key': value '\\x1b[2JPRJ-1'; expected an estimate" in done.stdout
    assert len(done.stdout.splitlines()) > 3  # still one line per part of the summary
