"""Paths that are not regular files (issue 12, Low 10): refused at once, never read.

Before, ``import`` of a named pipe blocked in ``open()`` until some writer came along: forever.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def import_command(*args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            [sys.executable, "-m", "pmo_metrics", "import", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"import {' '.join(args)} still runs after 60 s: it hangs")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "tickets.csv"
    os.mkfifo(fifo)
    db = tmp_path / "pmo.duckdb"

    done = import_command(str(fifo), "--db", str(db))

    assert done.returncode == 1, done.stdout + done.stderr
    assert "nothing was loaded" in done.stdout
    assert "tickets.csv; expected a regular file; this is a named pipe (FIFO)" in done.stdout


def test_a_directory_is_refused_as_such(tmp_path):
    folder = tmp_path / "exports.csv"
    folder.mkdir()

    done = import_command(str(folder), "--db", str(tmp_path / "pmo.duckdb"))

    assert done.returncode == 1, done.stdout + done.stderr
    assert "exports.csv; expected a regular file; this is a directory" in done.stdout
