"""The disk fills up during an import (issue 12, Low 11): a plain message saying so and where,
and the store exactly as it was.

The store lives on a real 3 MB tmpfs (mounting needs root; elsewhere those tests are skipped),
or the import runs under a file size limit (RLIMIT_FSIZE: writes past it fail with EFBIG, as
they would past a file system's largest file). Before, the import ended in DuckDB's
FatalException traceback.
"""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, fingerprint, pmo, pmo_env, write_tickets


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


def test_a_full_temporary_folder_is_named_and_nothing_is_loaded(small_disk, tmp_path):
    # The import reads a private copy of the file, made in TMPDIR: here the 3 MB disk.
    db = tmp_path / "pmo.duckdb"
    first = write_tickets(tmp_path / "first.csv", 1, 5, "first")
    big = write_tickets(tmp_path / "big.csv", 100, 60_000, "big")  # 6 MB: no room to copy it
    assert pmo("import", str(first), "--db", str(db)).returncode == 0
    before = fingerprint(db)

    done = subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "import", str(big), "--db", str(db)],
        cwd=ROOT,
        env={**pmo_env(), "TMPDIR": str(small_disk)},
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 1, done.stdout + done.stderr
    assert "nothing was loaded" in done.stdout
    assert (
        f"big.csv; expected room for the import's private copy in {small_disk}; the disk "
        "holding it is full (No space left on device)" in done.stdout
    ), done.stdout
    assert fingerprint(db) == before


def test_a_file_size_limit_is_named_and_the_store_is_unchanged(tmp_path):
    db = tmp_path / "pmo.duckdb"
    first = write_tickets(tmp_path / "first.csv", 1, 5, "first")
    big = write_tickets(tmp_path / "big.csv", 100, 20_000, "big")  # 2 MB: its copy fits
    assert pmo("import", str(first), "--db", str(db)).returncode == 0
    before = fingerprint(db)
    limit = db.stat().st_size + (512 << 10)  # the store may grow by 512 KB, the load needs more
    assert big.stat().st_size < limit

    def limited() -> None:  # in the child: a write past the limit fails instead of killing it
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "import", str(big), "--db", str(db)],
        cwd=ROOT,
        env=pmo_env(),
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limited,
    )

    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert f"The store {db} could not be written: it reached the largest file" in done.stderr
    assert "(File too large)" in done.stderr
    assert "Nothing was changed: the store is as it was before this command." in done.stderr
    assert fingerprint(db) == before


def test_the_data_page_says_the_disk_is_full_and_keeps_the_store(small_disk, tmp_path):
    """The same full disk met by an upload on the Data page: the page names it (no traceback,
    no DuckDB message), the store holds what it held, and the next import works once there is
    room (the page opens the store again: DuckDB refuses a connection after a failed write)."""
    from streamlit.testing.v1 import AppTest

    db = small_disk / "pmo.duckdb"
    first = write_tickets(tmp_path / "first.csv", 1, 5, "first")
    assert pmo("import", str(first), "--db", str(db)).returncode == 0
    before = fingerprint(db)
    big = write_tickets(tmp_path / "big.csv", 100, 60_000, "big")
    env = {"PMO_DB": str(db), "PMO_DEMO": "1", "PMO_DEMO_ON_EMPTY": "0"}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=120).run()
        at.file_uploader(key="data_upload").set_value([(big.name, big.read_bytes(), "text/csv")])
        at.run()
        at.button(key="data_import").click().run()
        assert not at.exception, [e.message for e in at.exception]
        errors = [e.value for e in at.error]
        assert len(errors) == 1 and errors[0].startswith(f"The disk holding {small_disk} is full")
        assert "Nothing was changed" in errors[0]
        at.run()  # the page runs again on a store that answers
        assert not at.exception, [e.message for e in at.exception]
        assert _table_with(at, "load_id")["load_id"].tolist() == [1]
        from ui.connection import reopen

        reopen()  # the page's store is closed before it is read from outside
    assert fingerprint(db) == before


def _table_with(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)
