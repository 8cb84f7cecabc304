"""A file's encoding is decided by the whole file, never by its first 64 KiB alone: a UTF-8 file
with one stray Windows-1252 byte far below its head is refused with the line of that byte
(decoding it all as Windows-1252 would garble every accented value: "AplicaciÃ³n"); a file
that is Windows-1252 throughout is still read as such."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

from pmo_metrics.readers import read_file

ROOT = Path(__file__).resolve().parents[2]
HEADER = "Issue key,Summary,Issue Type,Status,Project key,Story Points\n"
ROWS = 3000  # about 150 KB: the stray byte lies well beyond the first 64 KiB
STRAY_ROW = 2500  # data row 2500 is line 2501 of the file (the header is line 1)


def export(stray: bytes | None = None, encoding: str = "utf-8") -> bytes:
    lines = [HEADER.encode(encoding)]
    for i in range(1, ROWS + 1):
        summary = f"Aplicación de pagos {i}".encode(encoding)
        if i == STRAY_ROW and stray is not None:
            summary = b"Caf" + stray + b" " + str(i).encode()
        lines.append(b"A-%d," % i + summary + b",Story,Done,A,3\n")
    return b"".join(lines)


def test_a_stray_cp1252_byte_past_the_head_is_refused_with_its_line(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_bytes(export(stray=b"\xe9"))  # 'é' as Windows-1252 writes it
    assert path.read_bytes().index(b"Caf\xe9") > 65536
    db = tmp_path / "pmo.duckdb"

    done = subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "import", str(path), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 1, done.stdout + done.stderr
    assert "nothing was loaded: 1 error(s)" in done.stdout
    assert "byte 0xE9 at line 2501" in done.stdout
    assert "is not UTF-8" in done.stdout
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM work_items").fetchall() == [(0,)]
    finally:
        con.close()


def test_a_stray_byte_is_located_by_line_and_character(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_bytes(export(stray=b"\xe9"))

    parsed = read_file(path)

    [error] = parsed.errors
    # line 2501 is "A-2500,Caf\xe9 2500,...": the stray byte is its 11th character
    assert "byte 0xE9 at line 2501, character 11 is not UTF-8" in error.expected
    assert error.value.startswith("A-2500,Caf\\xe9 2500")
    assert not parsed.tables


def test_a_windows_1252_header_over_a_utf8_body_is_refused(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_bytes(
        "Issue key,Summary,Status,Project key,Aplicación\n".encode("cp1252")
        + "A-1,Aplicación,Done,A,Pagos\n".encode()
    )

    parsed = read_file(path)

    [error] = parsed.errors
    assert "byte 0xF3 at line 1, character 46 is not UTF-8" in error.expected


def test_a_file_in_windows_1252_throughout_is_still_read_as_such(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_bytes(export(encoding="cp1252"))

    parsed = read_file(path)

    assert not parsed.errors
    summaries = parsed.tables["work_items"]["summary"]
    assert summaries.iloc[[0, -1]].tolist() == ["Aplicación de pagos 1", "Aplicación de pagos 3000"]
