"""Hostile uploads through the real import path (``importing.import_paths``): each is refused
with a clear error and every table stays as it was. Complements tests/readers (which covers
the plain zip bomb, the XML bomb at the top of a sheet, and the limits lowered by patching):
here the attacks are crafted the way an attacker would, against the real limits.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from pmo_metrics.importing import import_paths
from pmo_metrics.readers import limits
from pmo_metrics.schema.problems import ImportRejected
from pmo_metrics.store.connection import connect

from .conftest import store_fingerprint

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["number", "priority", "state", "opened_at", "short_description"]


def workbook_bytes(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "tickets"
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD = [HEADER, ["INC0000001", "3 - Moderate", "New", "2026-03-02 10:00:00", "printer"]]


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook ``data`` with member ``name`` replaced by ``content``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            zf.writestr(info.filename, content if info.filename == name else source.read(info))
    return out.getvalue()


def forge_declared_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the central directory so that ``name`` declares ``size`` bytes unpacked (the
    data stays small: a bomb that only lies about its size must be refused from the lie)."""
    blob = bytearray(data)
    at = 0
    while (at := blob.find(b"PK\x01\x02", at)) >= 0:
        name_len = struct.unpack_from("<H", blob, at + 28)[0]
        if blob[at + 46 : at + 46 + name_len].decode() == name:
            struct.pack_into("<I", blob, at + 24, size)
            return bytes(blob)
        at += 4
    raise AssertionError(f"{name} not in the zip")


@pytest.fixture
def store(tmp_path):
    """An open store with one load already in it, and its fingerprint."""
    con = connect(tmp_path / "pmo.duckdb")
    first = tmp_path / "first.xlsx"
    first.write_bytes(workbook_bytes(GOOD))
    import_paths(con, [first])
    yield con
    con.close()


def refused(con, path: Path) -> str:
    """Import ``path``; it must be rejected with nothing loaded. Returns the error text."""
    before = store_fingerprint(con)
    with pytest.raises(ImportRejected) as caught:
        import_paths(con, [path])
    assert store_fingerprint(con) == before
    errors = [p for p in caught.value.problems if p.severity == "error"]
    assert errors, caught.value.problems
    return "\n".join(str(p) for p in errors)


def test_a_workbook_lying_about_its_size_is_refused(store, tmp_path):
    path = tmp_path / "liar.xlsx"
    path.write_bytes(
        forge_declared_size(workbook_bytes(GOOD), "xl/worksheets/sheet1.xml", 0xFFFF0000)
    )
    text = refused(store, path)
    assert "unpacks to at most 1024 MB" in text
    assert "refused as a possible zip bomb" in text


def test_billion_laughs_in_a_sheet_is_refused(store, tmp_path):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "lol">'
        + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
        + "]>"
    )
    sheet = laughs + (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    path = tmp_path / "laughs.xlsx"
    path.write_bytes(with_member(workbook_bytes(GOOD), "xl/worksheets/sheet1.xml", sheet.encode()))
    text = refused(store, path)
    assert "declares some (refused: XML bomb risk)" in text


def test_an_external_entity_is_refused(store, tmp_path):
    sheet = (
        '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        'uniqueCount="1"><si><t>&xxe;</t></si></sst>'
    )
    data = workbook_bytes(GOOD)
    zf = zipfile.ZipFile(io.BytesIO(data))
    member = (
        "xl/sharedStrings.xml"
        if "xl/sharedStrings.xml" in zf.namelist()
        else "xl/worksheets/sheet1.xml"
    )
    path = tmp_path / "xxe.xlsx"
    path.write_bytes(with_member(data, member, sheet.encode()))
    text = refused(store, path)
    assert "XML bomb risk" in text
    assert "root:" not in text


def padded_bomb(tmp_path: Path) -> Path:
    """The DOCTYPE of a billion-laughs bomb pushed 20 KB down by a comment."""
    laughs = (
        '<!DOCTYPE worksheet [<!ENTITY l0 "lol">'
        + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
        + "]>"
    )
    sheet = (
        '<?xml version="1.0"?><!--' + "x" * 20_000 + "-->" + laughs
        + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>number</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>state</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>INC1</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>&l9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )  # fmt: skip
    path = tmp_path / "padded.xlsx"
    path.write_bytes(with_member(workbook_bytes(GOOD), "xl/worksheets/sheet1.xml", sheet.encode()))
    return path


def test_a_bomb_hidden_after_a_long_comment_is_not_expanded(store, tmp_path):
    """Past the guard's 8 KB look-ahead; the Excel reader must still never expand it."""
    text = refused(store, padded_bomb(tmp_path))
    assert "lollollol" not in text


def test_a_bomb_hidden_after_a_long_comment_is_named_as_such(store, tmp_path):
    assert "XML bomb" in refused(store, padded_bomb(tmp_path))


def test_an_oversize_file_is_refused_before_it_is_read(store, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:  # sparse: the size is real, the disk use is not
        f.write(b"number,state\n")
        f.truncate(limits.MAX_UPLOAD_BYTES + (1 << 20))
    text = refused(store, path)
    assert f"a file of at most {limits.MAX_UPLOAD_BYTES >> 20} MB" in text


def test_too_many_columns_at_the_real_limit(store, tmp_path):
    columns = limits.MAX_COLUMNS + 1
    path = tmp_path / "wide.csv"
    header = ["number", "state"] + [f"extra{i}" for i in range(columns - 2)]
    path.write_text(
        ",".join(header) + "\n" + ",".join(["INC1", "New"] + [""] * (columns - 2)) + "\n",
        encoding="utf-8",
    )
    text = refused(store, path)
    assert f"at most {limits.MAX_COLUMNS} columns; the file has {columns}" in text


def test_a_sheet_declaring_millions_of_rows_is_refused_before_parsing(store, tmp_path):
    data = workbook_bytes(GOOD)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    sheet = sheet.replace('<dimension ref="A1:E2"', '<dimension ref="A1:E9000000"')
    assert "A1:E9000000" in sheet
    path = tmp_path / "tall.xlsx"
    path.write_bytes(with_member(data, "xl/worksheets/sheet1.xml", sheet.encode()))
    text = refused(store, path)
    assert "declares 9,000,000 rows x 5 columns" in text


def test_an_oversized_cell_is_refused(store, tmp_path):
    path = tmp_path / "cell.csv"
    path.write_text(
        "number,state,opened_at,short_description\n"
        f"INC9,New,2026-03-02 10:00:00,{'A' * (limits.MAX_CELL_CHARS + 1)}\n",
        encoding="utf-8",
    )
    text = refused(store, path)
    assert f"at most {limits.MAX_CELL_CHARS:,} characters in a cell" in text


def test_the_command_line_refuses_a_bomb_and_loads_nothing(tmp_path):
    db = tmp_path / "cli.duckdb"
    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook_bytes(GOOD))
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(
        forge_declared_size(workbook_bytes(GOOD), "xl/worksheets/sheet1.xml", 0xFFFF0000)
    )

    def run(*files: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pmo_metrics", "import", *map(str, files), "--db", str(db)],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    assert run(good).returncode == 0
    con = connect(db, read_only=True)
    before = store_fingerprint(con)
    con.close()
    done = run(good, bomb)  # one bad file blocks the whole batch
    assert done.returncode == 1
    assert "nothing was loaded" in done.stdout
    assert "refused as a possible zip bomb" in done.stdout
    con = connect(db, read_only=True)
    assert store_fingerprint(con) == before
    con.close()
