"""``python -m pmo_metrics sql``: real processes, exact output, refusals with exit code 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pmo(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pmo_metrics", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def test_sql_csv_output_is_exact_and_neutralises_formulas(store_path):
    done = pmo(
        "sql",
        "SELECT application, team FROM applications ORDER BY team",
        "--db",
        str(store_path),
        "--format",
        "csv",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "application,team",
        "Billing,Alpha",
        "CRM,Beta",
        '"\'=HYPERLINK(""http://x"")",Gamma',
    ]


def test_sql_table_output_and_truncation_note(store_path):
    done = pmo("sql", "SELECT range AS i FROM range(5)", "--db", str(store_path), "--max-rows", "3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["i", "0", "1", "2"]
    assert "only the first 3 rows are shown" in done.stderr


def test_sql_refusals_exit_1_with_the_message(store_path, tmp_path):
    target = tmp_path / "out.csv"
    done = pmo("sql", f"COPY applications TO '{target}'", "--db", str(store_path))
    assert done.returncode == 1
    assert "this is a COPY statement and COPY reads or writes files" in done.stderr
    done = pmo("sql", "SELECT * FROM read_csv('/etc/passwd')", "--db", str(store_path))
    assert done.returncode == 1
    assert "Reading files is not allowed in the console (read_csv())" in done.stderr
    assert "root:" not in done.stdout + done.stderr
    assert not target.exists()


def test_sql_while_another_process_holds_the_store(store_path):
    """DuckDB allows one writing process: the query fails fast with a clear message."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, duckdb; con = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
            "sys.stdin.read()",
            str(store_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        done = pmo("sql", "SELECT 1", "--db", str(store_path))
        assert done.returncode == 1
        assert "is in use by another process" in done.stderr
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
