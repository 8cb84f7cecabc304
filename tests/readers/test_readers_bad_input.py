"""Every bad input: a clear message, and the store exactly as it was (nothing loaded)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from pmo_metrics.importing import import_paths
from pmo_metrics.readers import limits, read_file
from pmo_metrics.schema.problems import ImportRejected

JIRA = [
    "Issue key",
    "Summary",
    "Issue Type",
    "Status",
    "Project key",
    "Created",
    "Custom field (Story Points)",
]


@pytest.fixture
def loaded(con, write_csv, store_state):
    """A store that already holds one load, so 'unchanged' is not just 'empty'."""
    path = write_csv(
        "base.csv", [JIRA, ["B-1", "kept", "Story", "Done", "B", "01/Apr/26 9:00 AM", "2"]]
    )
    import_paths(con, [path])
    return store_state()


def rejected(con, paths: list[Path]) -> list:
    with pytest.raises(ImportRejected) as caught:
        import_paths(con, paths)
    return [p for p in caught.value.problems if p.severity == "error"]


def assert_unchanged(before, store_state):
    assert store_state() == before


def test_empty_file(con, tmp_path, loaded, store_state):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    [error] = rejected(con, [path])
    assert error.file == "empty.csv" and "the file is empty (0 bytes)" in error.expected
    assert_unchanged(loaded, store_state)


def test_header_only(con, write_csv, loaded, store_state):
    [error] = rejected(con, [write_csv("h.csv", [JIRA])])
    assert "header row only" in error.expected
    assert_unchanged(loaded, store_state)


def test_csv_renamed_xlsx(con, write_csv, loaded, store_state):
    path = write_csv("data.xlsx", [JIRA, ["A-1", "x", "Story", "Done", "A", "", ""]])
    [error] = rejected(con, [path])
    assert "this file is a text (CSV) file renamed" in error.expected
    assert_unchanged(loaded, store_state)


def test_pdf_renamed_xlsx(con, tmp_path, loaded, store_state):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    [error] = rejected(con, [path])
    assert error.expected == "a CSV or Excel file; this file is a PDF document renamed .xlsx"
    assert_unchanged(loaded, store_state)


def test_truncated_workbook(con, write_xlsx, loaded, store_state):
    path = write_xlsx("t.xlsx", {"Page 1": [["Number", "Opened"], ["INC1", "2026-08-01"]]})
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    [error] = rejected(con, [path])
    assert "damaged or truncated" in error.expected
    assert_unchanged(loaded, store_state)


def test_password_protected_workbook(con, tmp_path, loaded, store_state):
    # What Excel writes when a password is set: an OLE2 compound file holding EncryptedPackage.
    body = bytearray(4096)
    name = "EncryptedPackage".encode("utf-16-le")
    body[1024 : 1024 + len(name)] = name
    path = tmp_path / "secret.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(body))
    [error] = rejected(con, [path])
    assert "password-protected; save it without a password" in error.expected
    assert_unchanged(loaded, store_state)


def _zip_bomb(path: Path, uncompressed: int) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(uncompressed >> 20):
                member.write(chunk)
    path.write_bytes(buffer.getvalue())


def test_zip_bomb_refused_from_declared_sizes(con, tmp_path, loaded, store_state):
    path = tmp_path / "bomb.xlsx"
    _zip_bomb(path, 64 << 20)  # 64 MB of zeros pack into ~64 KB: ratio ~1000:1
    [error] = rejected(con, [path])
    assert "refused as a possible zip bomb" in error.expected
    assert_unchanged(loaded, store_state)


def test_zip_declaring_too_much_refused(con, tmp_path, loaded, store_state, monkeypatch):
    monkeypatch.setattr(limits, "MAX_XLSX_UNCOMPRESSED_BYTES", 1 << 20)
    path = tmp_path / "big.xlsx"
    _zip_bomb(path, 2 << 20)
    [error] = rejected(con, [path])
    assert "unpacks to at most 1 MB" in error.expected and "zip bomb" in error.expected
    assert_unchanged(loaded, store_state)


def test_xml_bomb_refused(con, tmp_path, loaded, store_state):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY '
            'lol "lol"><!ENTITY lol2 "&lol;&lol;">]><worksheet>&lol2;</worksheet>',
        )
    path = tmp_path / "xml.xlsx"
    path.write_bytes(buffer.getvalue())
    [error] = rejected(con, [path])
    assert "XML bomb" in error.expected
    assert_unchanged(loaded, store_state)


def test_too_many_rows(con, write_csv, loaded, store_state, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 2)
    rows = [JIRA] + [[f"A-{i}", "x", "Story", "Done", "A", "", ""] for i in range(3)]
    [error] = rejected(con, [write_csv("rows.csv", rows)])
    assert "at most 2 rows; the file has 3" in error.expected
    assert_unchanged(loaded, store_state)


def test_too_many_rows_in_a_sheet_refused_from_its_dimension(
    con, write_xlsx, loaded, store_state, monkeypatch
):
    monkeypatch.setattr(limits, "MAX_ROWS", 2)
    rows = [["Number", "Opened"]] + [[f"INC{i}", "2026-08-01"] for i in range(3)]
    [error] = rejected(con, [write_xlsx("rows.xlsx", {"Page 1": rows})])
    assert "at most 2 rows and" in error.expected and "4 rows x 2 columns" in error.expected
    assert_unchanged(loaded, store_state)


def test_too_many_columns(con, write_csv, loaded, store_state, monkeypatch):
    monkeypatch.setattr(limits, "MAX_COLUMNS", 5)
    [error] = rejected(con, [write_csv("cols.csv", [JIRA, ["A-1"] * 7])])
    assert "at most 5 columns; the file has 7" in error.expected
    assert_unchanged(loaded, store_state)


def test_too_big_cell(con, write_csv, loaded, store_state):
    huge = "x" * (limits.MAX_CELL_CHARS + 1)
    [error] = rejected(
        con, [write_csv("cell.csv", [JIRA, ["A-1", huge, "Story", "Done", "A", "", ""]])]
    )
    assert (error.row, error.column) == (2, "Summary")
    assert "at most 100,000 characters in a cell" in error.expected
    assert_unchanged(loaded, store_state)


def test_non_numeric_estimate_and_impossible_dates_all_reported(
    con, write_csv, loaded, store_state
):
    rows = [
        JIRA,
        ["A-1", "x", "Story", "Done", "A", "31/Feb/26 9:00 AM", "abc"],
        ["A-2", "y", "Story", "Done", "A", "01/Mar/26 9:00 AM", "3"],
        ["A-3", "z", "Story", "Done", "A", "02/Mar/26 9:00 AM", "5 pts"],
    ]
    errors = rejected(con, [write_csv("bad.csv", rows)])
    described = [(e.row, e.column, e.value, e.expected.split(" (")[0]) for e in errors]
    assert described == [
        (2, "Created", "31/Feb/26 9:00 AM", "a real date and time"),
        (2, "Custom field (Story Points)", "abc", "a number"),
        (4, "Custom field (Story Points)", "5 pts", "a number"),
    ]
    assert str(errors[1]) == (
        "ERROR bad.csv, row 2, column 'Custom field (Story Points)': value 'abc'; expected a "
        "number (e.g. 5, 2.5 or 2,5)"
    )
    assert_unchanged(loaded, store_state)


def test_impossible_numeric_date(con, write_csv, loaded, store_state):
    rows = [
        ["Clave", "Estado", "Creada"],
        ["A-1", "Hecho", "31/02/2026"],
        ["A-2", "Hecho", "28/02/2026"],
    ]
    [error] = rejected(con, [write_csv("fechas.csv", rows, delimiter=";")])
    assert (error.row, error.column, error.value) == (2, "Creada", "31/02/2026")
    assert error.expected.startswith("a real date and time")
    assert_unchanged(loaded, store_state)


def test_duplicate_keys_in_one_file(con, write_csv, loaded, store_state):
    rows = [
        JIRA,
        ["A-1", "x", "Story", "Done", "A", "", ""],
        ["A-2", "y", "Story", "Done", "A", "", ""],
        ["A-1", "z", "Story", "Done", "A", "", ""],
    ]
    [error] = rejected(con, [write_csv("dup.csv", rows)])
    assert error.value == "A-1" and "found in rows 2, 4" in error.expected
    assert_unchanged(loaded, store_state)


def test_missing_required_column(con, write_csv, loaded, store_state):
    rows = [["risk_id", "title", "probability", "status"], ["R1", "x", "3", "open"]]
    [error] = rejected(con, [write_csv("risks.csv", rows)])
    assert error.column == "impact" and "it is missing" in error.expected
    assert_unchanged(loaded, store_state)


def test_required_value_missing_and_out_of_range(con, write_csv, loaded, store_state):
    rows = [
        ["risk_id", "title", "probability", "impact", "status"],
        ["R1", "", "3", "4", "open"],
        ["R2", "y", "7", "4", "open"],
    ]
    errors = rejected(con, [write_csv("risks.csv", rows)])
    assert [(e.row, e.column, e.expected) for e in errors] == [
        (2, "title", "a value: 'title' is required"),
        (3, "probability", "a value from 1 to 5"),
    ]
    assert_unchanged(loaded, store_state)


def test_one_bad_file_blocks_the_whole_batch(con, write_csv, tmp_path, loaded, store_state):
    good = write_csv("good.csv", [JIRA, ["A-1", "x", "Story", "Done", "A", "", "1"]])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    [error] = rejected(con, [good, empty])
    assert error.file == "empty.csv"
    assert_unchanged(loaded, store_state)


def test_read_file_never_raises_on_a_missing_file(tmp_path):
    parsed = read_file(tmp_path / "nope.csv")
    assert [p.expected for p in parsed.errors] == [
        "a file that can be opened (No such file or directory)"
    ]


def test_a_value_outside_the_schema_vocabulary_is_refused(con, write_xlsx, store_state):
    """The readers check the same fixed values the template offers (store/allowed.py)."""
    from pmo_metrics.importing import import_paths
    from pmo_metrics.schema.problems import ImportRejected

    path = write_xlsx(
        "portfolio.xlsx",
        {"applications": [["application", "criticality"], ["Nóminas", "very high"]]},
    )
    before = store_state()
    with pytest.raises(ImportRejected) as err:
        import_paths(con, [path])
    message = str(err.value)
    assert "row 2, column 'criticality': value 'very high'" in message
    assert "expected low or medium or high or critical" in message
    assert store_state() == before
