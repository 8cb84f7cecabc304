"""A path is a file name, never a pattern: `t?.csv`, `t[1].csv` or `t*.csv` import that one
file, even with `t1.csv` beside it (DuckDB's ``read_csv`` would expand them), and a name that
does not exist is an error naming it, not whatever it would match."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pmo_metrics.importing import import_paths
from pmo_metrics.readers.files import HEAD_BYTES, text_sheet

ROOT = Path(__file__).resolve().parents[2]
HEADER = "Issue key,Summary,Issue Type,Status,Project key,Custom field (Story Points)\n"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="? and * in file names")


def jira_csv(path: Path, prefix: str, count: int) -> Path:
    rows = "".join(f"{prefix}-{i},item {i},Story,Done,{prefix},3\n" for i in range(1, count + 1))
    path.write_bytes((HEADER + rows).encode("utf-8"))
    return path


def pmo_import(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "import", *args, "--period", "2026-04"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def stored(db: Path) -> tuple[list[str], list[tuple[str, str]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        keys = [r[0] for r in con.execute("SELECT item_key FROM work_items ORDER BY 1").fetchall()]
        files = con.execute("SELECT file_name, sha256 FROM load_files").fetchall()
        return keys, files
    finally:
        con.close()


@pytest.mark.parametrize("name", ["t?.csv", "t[1].csv", "t*.csv", "t[[]1.csv"])
def test_the_named_file_is_imported_not_the_files_it_would_match(tmp_path, name):
    jira_csv(tmp_path / "t1.csv", "OTHER", 2)
    named = jira_csv(tmp_path / name, "NAMED", 3)
    db = tmp_path / "pmo.duckdb"

    done = pmo_import(str(named), "--db", str(db))

    assert done.returncode == 0, done.stdout + done.stderr
    assert "work_items: 3 added" in done.stdout
    keys, files = stored(db)
    assert keys == ["NAMED-1", "NAMED-2", "NAMED-3"]
    assert files == [(name, hashlib.sha256(named.read_bytes()).hexdigest())]


def test_a_large_named_file_is_imported_alone(tmp_path, con):
    """Past the 64 KiB head a CSV is parsed from disk: still the named file only."""
    jira_csv(tmp_path / "t1.csv", "OTHER", 5000)
    named = jira_csv(tmp_path / "t?.csv", "NAMED", 4000)
    assert named.stat().st_size > 2 * 65536

    import_paths(con, [named], period="2026-04")

    keys = con.execute("SELECT item_key FROM work_items").fetchall()
    assert len(keys) == 4000 and all(k.startswith("NAMED-") for (k,) in keys)


def test_a_pattern_that_names_no_file_is_an_error_naming_it(tmp_path):
    jira_csv(tmp_path / "t1.csv", "OTHER", 2)
    db = tmp_path / "pmo.duckdb"

    done = pmo_import(str(tmp_path / "t?.csv"), "--db", str(db))

    assert done.returncode == 1
    assert "ERROR t?.csv; expected a file that can be opened" in done.stdout
    assert stored(db) == ([], [])


@pytest.mark.parametrize("name", ["t?.csv", "t[1].csv", "t*.csv"])
def test_duckdb_parses_the_literal_path_it_is_given(tmp_path, name):
    """The private copy has a plain name, but its folder (under $TMPDIR) may not: the path
    given to DuckDB's ``read_csv`` never acts as a pattern either."""
    jira_csv(tmp_path / "t1.csv", "OTHER", 4000)
    named = jira_csv(tmp_path / name, "NAMED", 3000)
    head = named.read_bytes()[:HEAD_BYTES]

    sheet = text_sheet(head, name, path=named)

    assert sheet.column(0).tolist() == [f"NAMED-{i}" for i in range(1, 3001)]
