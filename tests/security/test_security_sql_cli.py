"""``python -m pmo_metrics sql``: real processes, exact output, refusals with exit code 1."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

from .measure import run_measured

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


def test_sql_cuts_a_huge_result_at_the_byte_cap_in_bounded_memory(store_path):
    """2,000 rows of 1 MB: 2 GB once out of DuckDB (6.7 GB and 27 s before the cap). The
    process's peak memory is the kernel's measure, not an estimate."""
    query = "SELECT s FROM (SELECT repeat('x',1000000) s) CROSS JOIN range(2000)"
    done = run_measured(
        [sys.executable, "-m", "pmo_metrics", "sql", query, "--db", str(store_path)], cwd=ROOT
    )
    assert not done.killed and done.returncode == 0, done.stderr[-2000:]
    assert "note: the result was cut at the size limit of 32 MB" in done.stderr
    assert "(--max-bytes to change)" in done.stderr
    shown = done.stdout.split()
    assert shown[0] == "s" and 1 <= len(shown) - 1 < 2000
    assert done.peak_mb < 1_000


def test_sql_max_bytes_sets_the_cap(store_path):
    query = "SELECT s FROM (SELECT repeat('x',1000000) s) CROSS JOIN range(2000)"
    done = pmo("sql", query, "--db", str(store_path), "--max-bytes", "3000000", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert "note: the result was cut at the size limit of 3 MB: " in done.stderr
    assert 1 <= len(done.stdout.splitlines()) - 1 <= 3


def test_sql_refuses_an_oversized_statement_before_parsing(store_path):
    query = "SELECT [" + ",".join(["1"] * 60_000) + "]"
    done = pmo("sql", query, "--db", str(store_path))
    assert done.returncode == 1
    assert done.stderr == (
        "error: The query is 120,008 characters long; the console takes at most 20,000. "
        "Shorten it (e.g. a filter instead of a long list of values).\n"
    )


def test_sql_reports_a_failed_allocation_on_the_way_out_cleanly(store_path):
    """The process may hold 3 GB of address space (a real kernel limit, not a stub) and the
    size cap is lifted: Arrow cannot allocate the batch and the command says so, no traceback."""

    def limit_address_space() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3_000_000_000, 3_000_000_000))

    query = "SELECT s FROM (SELECT repeat('x',1000000) s) CROSS JOIN range(2000)"
    done = subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "sql", query, "--db", str(store_path)]
        + ["--max-bytes", str(10**11), "--memory-limit", "8GB", "--format", "csv"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_address_space,
    )
    assert done.returncode == 1
    assert done.stderr == (
        "error: The server has not enough free memory for this result. Select fewer rows or "
        "columns, or lower the size limit.\n"
    )
