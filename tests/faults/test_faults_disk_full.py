"""The disk fills up during an import (issue 12, Low 11): a plain message saying so and where,
and the store exactly as it was.

The store lives on a real 3 MB tmpfs (mounting needs root; elsewhere the test is skipped).
Before, the import ended in DuckDB's FatalException traceback.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import fingerprint, pmo, write_tickets


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 3 MB file system of its own, unmounted after the test."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_is_named_and_the_store_is_unchanged(small_disk, tmp_path):
    db = small_disk / "pmo.duckdb"
    first = write_tickets(tmp_path / "first.csv", 1, 5, "first")
    big = write_tickets(tmp_path / "big.csv", 100, 60_000, "big")  # needs more than is left
    assert pmo("import", str(first), "--db", str(db)).returncode == 0
    before = fingerprint(db)

    done = pmo("import", str(big), "--db", str(db))

    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert f"The disk holding {small_disk} is full (No space left on device" in done.stderr
    assert f"the store {db} could not be written" in done.stderr
    assert "Nothing was changed: the store is as it was before this command." in done.stderr
    assert fingerprint(db) == before
