"""Workbooks whose zip headers under-state what a member inflates to (issue 12, High 1).

The declared sizes (central directory and local header) pass every declared-size guard; the
deflate data inflates to hundreds of MB. The import must refuse the file, naming the member,
while inflating no more than the declared size: before any parser sees it.
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from pmo_metrics.importing import import_paths
from pmo_metrics.schema.problems import ImportRejected
from pmo_metrics.store.connection import connect

from . import measure
from .conftest import store_fingerprint

ROOT = Path(__file__).resolve().parents[2]
MEMBER = "xl/sharedStrings.xml"
DECLARED = 4 << 20
SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
GOOD = [["number", "state", "opened_at"], ["INC0000001", "New", "2026-03-02 10:00:00"]]


def workbook_bytes(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "tickets"
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def understated_workbook(path: Path, inflated_mb: int, declared: int = DECLARED) -> Path:
    """A real workbook plus ``xl/sharedStrings.xml`` (wired into its relationships) holding
    ``inflated_mb`` MB of shared strings, whose headers say it holds ``declared`` bytes."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes(GOOD)))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "[Content_Types].xml":
                body = body.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                    b"</Types>",
                )
            if info.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/sharedStrings" '
                    b'Target="sharedStrings.xml"/></Relationships>',
                )
            zf.writestr(info.filename, body)
        with zf.open(MEMBER, "w") as member:  # streamed: never held in memory
            member.write(b'<?xml version="1.0" encoding="UTF-8"?>' + SST)
            block = b"<si><t>x</t></si>" * (1 << 16)
            left = inflated_mb << 20
            while left > 0:
                left -= member.write(block[:left])
            member.write(b"</sst>")
    return declare_size(path, MEMBER, declared)


def declare_size(path: Path, name: str, size: int) -> Path:
    """Patch the uncompressed size of ``name`` in its local header and in the central
    directory (the compressed data is left as it is)."""
    blob = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, name_length_at, size_at, name_at in (
        (b"PK\x03\x04", 26, 22, 30),
        (b"PK\x01\x02", 28, 24, 46),
    ):
        at, found = 0, False
        while (at := blob.find(signature, at)) >= 0:
            length = struct.unpack_from("<H", blob, at + name_length_at)[0]
            if blob[at + name_at : at + name_at + length] == encoded:
                struct.pack_into("<I", blob, at + size_at, size)
                found = True
            at += 4
        assert found, f"{name} not found after {signature!r}"
    path.write_bytes(bytes(blob))
    return path


def run_measured(*args: str) -> tuple[int, str, float]:
    """``python -m pmo_metrics ARGS`` as a real process: exit code, stdout and the process's
    own peak resident memory in MB (its VmHWM: wait4's figure carries pytest's own peak)."""
    done = measure.run_measured([sys.executable, "-m", "pmo_metrics", *args], cwd=ROOT)
    return done.returncode, done.stdout + done.stderr, done.peak_mb


def test_the_command_line_refuses_an_understated_member_without_inflating_it(tmp_path):
    # 400 MB of shared strings declared as 4 MB, in a ~1 MB file. Before the guard inflated
    # members itself, the parsers unpacked all of it: a peak of 1.5 GB, then a wrong error.
    db = tmp_path / "pmo.duckdb"
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook_bytes(GOOD))
    bomb = understated_workbook(tmp_path / "bomb.xlsx", inflated_mb=400)
    assert bomb.stat().st_size < 2 << 20
    assert zipfile.ZipFile(bomb).getinfo(MEMBER).file_size == DECLARED
    code, _, _ = run_measured("import", str(good), "--db", str(db))
    assert code == 0
    con = connect(db, read_only=True)
    before = store_fingerprint(con)
    con.close()

    code, out, peak_mb = run_measured("import", str(bomb), "--db", str(db))

    assert peak_mb < 400, f"peak {peak_mb} MB: the member was inflated ({out})"
    assert code == 1, out
    assert "nothing was loaded" in out
    assert f"'{MEMBER}' inflates past 4 MB (declared 4 MB)" in out, out
    assert "refused as a possible zip bomb" in out
    con = connect(db, read_only=True)
    assert store_fingerprint(con) == before
    con.close()


@pytest.mark.parametrize("declared", [600, DECLARED - 1])
def test_a_member_one_byte_past_its_declared_size_is_refused(tmp_path, declared):
    # 4 MB of shared strings declaring 600 bytes (a tiny lie) or one byte less (the least).
    con = connect(tmp_path / "pmo.duckdb")
    path = understated_workbook(tmp_path / "liar.xlsx", inflated_mb=4, declared=declared)
    before = store_fingerprint(con)
    with pytest.raises(ImportRejected) as caught:
        import_paths(con, [path])
    assert store_fingerprint(con) == before
    text = "\n".join(str(p) for p in caught.value.problems)
    assert f"'{MEMBER}' inflates past" in text
    assert "refused as a possible zip bomb" in text
    con.close()


def test_a_member_short_of_its_declared_size_is_damaged(tmp_path):
    path = understated_workbook(tmp_path / "short.xlsx", inflated_mb=1, declared=DECLARED)
    con = connect(tmp_path / "pmo.duckdb")
    with pytest.raises(ImportRejected) as caught:
        import_paths(con, [path])
    text = "\n".join(str(p) for p in caught.value.problems)
    assert f"its part '{MEMBER}' unpacks to 1 MB, not the 4 MB it declares" in text
    assert "damaged" in text
    con.close()
