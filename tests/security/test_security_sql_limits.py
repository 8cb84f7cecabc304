"""The SQL console's limits hold for the server, not only for DuckDB: a result is cut by bytes
before it leaves DuckDB, the dashboard's sandbox copies no table, an oversized statement is
refused before any parsing. Peak memory is the kernel's measure of a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pmo_metrics.sql_console import (
    MAX_QUERY_CHARS,
    QueryRefused,
    QueryTimeout,
    run_readonly_query,
    truncation_note,
)

from .measure import run_measured

ROOT = Path(__file__).resolve().parents[2]
# 2,000 rows of 1 MB each: 2 GB once copied out of DuckDB (inside it, one shared string).
HUGE = "SELECT s FROM (SELECT repeat('x', 1000000) s) CROSS JOIN range(2000)"
MEMORY_BOUND_MB = 1_000


def test_a_huge_result_is_cut_at_the_byte_limit_and_says_so(console_db):
    frame = run_readonly_query(console_db, HUGE, byte_limit=5_000_000)
    assert 1 <= len(frame) <= 5  # 1 MB rows under a 5 MB cap
    assert set(frame["s"].str.len()) == {1_000_000}
    assert frame.attrs["truncated"] is True
    assert frame.attrs["truncated_by"] == "bytes"
    assert truncation_note(frame) == (
        f"the result was cut at the size limit of 5 MB: {len(frame)} rows are shown"
    )


def test_a_result_under_both_limits_is_whole(console_db):
    frame = run_readonly_query(console_db, "SELECT range AS i FROM range(3000)")
    assert frame["i"].tolist() == list(range(3000))
    assert frame.attrs["truncated"] is False and frame.attrs["truncated_by"] is None
    assert truncation_note(frame) is None


def _measured_in_the_dashboard_way(store: Path, script: str):
    """``script`` run in a fresh process holding the app's read-write connection as ``con``."""
    prologue = (
        "import json, sys\n"
        "from pmo_metrics.store.connection import connect\n"
        "from pmo_metrics.sql_console import run_readonly_query\n"
        "con = connect(sys.argv[1])\n"
    )
    return run_measured([sys.executable, "-c", prologue + script, str(store)], cwd=ROOT)


def test_the_dashboard_stays_under_a_memory_bound_on_a_huge_result(store_path):
    done = _measured_in_the_dashboard_way(
        store_path,
        f"frame = run_readonly_query(con, {HUGE!r})\n"
        "print(json.dumps({'rows': len(frame), 'by': frame.attrs['truncated_by']}))\n",
    )
    assert not done.killed and done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["by"] == "bytes" and result["rows"] < 2000
    assert done.peak_mb < MEMORY_BOUND_MB


@pytest.fixture
def store_with_a_wide_table(store_path: Path) -> Path:
    """A table of 400,000 rows x 500 characters: tiny on disk (one repeated value), 200 MB as
    Arrow, so that a copy of it per query shows in the process's memory."""
    # Built in a process of its own: the test process stays small for the tests measured after.
    build = (
        "import sys, duckdb; con = duckdb.connect(sys.argv[1]); con.execute("
        "\"CREATE TABLE wide AS SELECT range AS i, repeat('w', 500) AS s FROM range(400000)\"); "
        "con.execute('CHECKPOINT'); con.close()"
    )
    subprocess.run([sys.executable, "-c", build, str(store_path)], check=True, timeout=120)
    return store_path


def test_the_dashboard_copies_no_table_the_query_names(store_with_a_wide_table):
    done = _measured_in_the_dashboard_way(
        store_with_a_wide_table,
        "from pathlib import Path\n"
        "def peak_mb():\n"
        "    for line in Path('/proc/self/status').read_text().splitlines():\n"
        "        if line.startswith('VmHWM:'):\n"
        "            return int(line.split()[1]) / 1024\n"
        "run_readonly_query(con, 'SELECT 1')  # the sandbox's own start-up, not a copy\n"
        "before = peak_mb()\n"
        "counts = [run_readonly_query(con, q).iloc[0, 0] for q in (\n"
        "    'SELECT count(*) FROM wide', 'SELECT max(length(s)) FROM wide',\n"
        "    'SELECT count(*) FROM wide a JOIN wide b USING (i) WHERE a.i < 10')]\n"
        "print(json.dumps({'counts': [int(c) for c in counts], 'grew': peak_mb() - before}))\n",
    )
    assert not done.killed and done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["counts"] == [400_000, 500, 10]
    assert result["grew"] < 100  # a copy of `wide` alone is over 200 MB


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT [" + ",".join(["1"] * 60_000) + "]",  # 120 KB
        " UNION ALL ".join(["SELECT 1"] * 20_000),  # 380 KB
    ],
    ids=["120KB-list", "20000-unions"],
)
def test_an_oversized_statement_is_refused_before_parsing(console_db, sql):
    with pytest.raises(QueryRefused) as caught:
        run_readonly_query(console_db, sql)
    assert str(caught.value) == (
        f"The query is {len(sql):,} characters long; the console takes at most "
        f"{MAX_QUERY_CHARS:,}. Shorten it (e.g. a filter instead of a long list of values)."
    )


def test_a_statement_at_the_size_limit_is_checked_and_runs(console_db):
    sql = "SELECT len([" + ",".join(["1"] * 9_990) + "]) AS n"
    assert len(sql) <= MAX_QUERY_CHARS
    assert run_readonly_query(console_db, sql)["n"].tolist() == [9_990]


def test_the_time_limit_interrupts_a_result_while_it_streams(console_db):
    """Rows trickle out (one per 10^9 scanned): the timer stops the fetch, not only the plan."""
    with pytest.raises(QueryTimeout, match="stopped after the time limit of 1 s"):
        run_readonly_query(
            console_db,
            "SELECT i FROM range(1000000000000) t(i) WHERE i % 1000000000 = 0",
            timeout_s=1,
            row_limit=1_000_000,
        )


def test_the_size_guard_keeps_the_query_order_names_and_types(console_db):
    frame = run_readonly_query(
        console_db,
        "SELECT range AS a, -range AS a, [range, 1] AS l, DATE '2026-04-01' + range::INT AS d, "
        "range::DECIMAL(9, 2) AS m, NULL AS n FROM range(4) ORDER BY 1 DESC",
    )
    assert list(frame.columns) == ["a", "a", "l", "d", "m", "n"]
    assert frame.iloc[:, 0].tolist() == [3, 2, 1, 0]
    assert frame.iloc[:, 1].tolist() == [-3, -2, -1, 0]
    assert [list(v) for v in frame["l"]] == [[3, 1], [2, 1], [1, 1], [0, 1]]
    assert str(frame["d"].dtype).startswith("datetime64")
    assert frame["m"].tolist() == [3.0, 2.0, 1.0, 0.0]
    assert frame["n"].isna().all()


@pytest.mark.parametrize(
    ("sql", "first_column"),
    [
        ("EXPLAIN SELECT * FROM applications", "explain_key"),
        ("SUMMARIZE applications", "column_name"),
    ],
)
def test_other_statement_forms_pass_the_size_guard(console_db, sql, first_column):
    frame = run_readonly_query(console_db, sql)
    assert frame.columns[0] == first_column and len(frame) >= 1
    assert frame.attrs["truncated"] is False
