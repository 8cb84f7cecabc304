"""The .xlsx fast path (fastexcel, typed Arrow columns) and the python-calamine path give the
same sheets, rows, values and problems; the fast path is taken for an export's layout."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from pmo_metrics.readers import convert, excel_fast, read_file
from pmo_metrics.readers.excel import workbook_sheets

D = dt.datetime
TICKETS = [
    "Number",
    "Opened",
    "Short description",
    "Priority",
    "State",
    "Assignment group",
    "Business service",
    "Configuration item",
    "Resolved",
    "Closed",
    "Made SLA",
    "Reopen count",
]
EXPORT = [
    TICKETS,
    ["INC1", D(2026, 1, 2, 3, 4), "Cannot log in", "3 - Moderate", "Closed", "Desk", "Portal",
     "web", D(2026, 1, 3, 4, 5), D(2026, 1, 3, 4, 5), True, 0.0],
    ["INC2", D(2026, 1, 5), "Slow", "1 - Critical", "In Progress", "Apps", "Tax", "eng", None,
     None, False, 2.0],
    [None] * 12,
    ["e.g. INC9", D(2026, 1, 5), "an example", "2 - High", "New", "", "", "", None, None, True,
     1.0],
    ["INC3", D(2026, 2, 1, 12, 30, 15, 250000), "x", "High", "6", "Infra", "HR", "hr",
     D(2026, 2, 2), None, True, 1.0],
]  # fmt: skip
JIRA = [
    ["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Sprint", "Sprint",
     "Custom field (Story point estimate)", "Created", "Resolved", None, ""],
    ["Do a", "PRJ-1", 10001.0, "Story", "Done", "S1", "S2", 3.0, D(2026, 1, 1, 9),
     D(2026, 1, 5), None, None],
    ["Do b", "PRJ-2", 10002.0, "Bug", "In Progress", "S2", None, None, D(2026, 1, 2, 9), None,
     "junk", None],
    ["Do c", "PRJ-3", 10003.0, "Sub-task", "To Do", None, None, 2.5, D(2026, 1, 3, 9), None,
     None, 7.0],
]  # fmt: skip


def write(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def shared_strings(path: Path) -> Path:
    """The same workbook with its text in a shared-string table, as Excel writes it (openpyxl
    writes inline strings); the table in reverse order of use, so that the header's strings
    come last and the reader must look them up beyond the first ones."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    cells = re.compile(rb'<c r="([A-Z]+\d+)"( s="\d+")? t="inlineStr"><is>(.*?)</is></c>')
    sheets = [n for n in parts if n.startswith("xl/worksheets/")]
    texts = [m.group(3) for n in sheets for m in cells.finditer(parts[n])]
    order = list(reversed(dict.fromkeys(texts)))
    index = {t: i for i, t in enumerate(order)}
    for name in sheets:
        parts[name] = cells.sub(
            lambda m: (
                b'<c r="%s"%s t="s"><v>%d</v></c>'
                % (m.group(1), m.group(2) or b"", index[m.group(3)])
            ),
            parts[name],
        )
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="%d" uniqueCount="%d">'
        % (len(texts), len(order))
        + b"".join(b"<si>%s</si>" % t for t in order)
        + b"</sst>"
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    out = path.with_name("shared_" + path.name)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out


def both(path: Path, monkeypatch) -> tuple:
    """read_file by the fast path, then by python-calamine only."""
    fast = read_file(path)
    monkeypatch.setattr(excel_fast, "FAST", False)
    slow = read_file(path)
    monkeypatch.setattr(excel_fast, "FAST", True)
    return fast, slow


def sheets(path: Path, *, fast: bool, monkeypatch) -> list:
    monkeypatch.setattr(excel_fast, "FAST", fast)
    try:
        return workbook_sheets(path.read_bytes(), path.name)
    finally:
        monkeypatch.setattr(excel_fast, "FAST", True)


def fast_sheet_names(path: Path) -> list[str]:
    """The sheets the fast path read (python-calamine returns object columns only)."""
    found = []
    data = path.read_bytes()
    reader = excel_fast._fastexcel_reader(data)
    for name, header in excel_fast._header_rows(data).items():
        index = reader.sheet_names.index(name)
        if excel_fast._fast_batch(reader, index, name, header, path.name, None) is not None:
            found.append(name)
    return found


def converted(col: pd.Series) -> dict:
    """Every converter's result for one raw column (the exception's type where it raises:
    e.g. 1e20 as a whole number, on both paths)."""
    converters = {
        "blank": convert.blank_mask,
        "text": convert.as_text,
        "number": convert.as_number,
        "number,": lambda c: convert.as_number(c, decimal=","),
        "integer": convert.as_integer,
        "boolean": convert.as_boolean,
        "datetime": lambda c: convert.as_datetime(c, day_first=True),
        "date": lambda c: convert.as_date(c, day_first=False),
        "list": lambda c: convert.as_list([c]),
    }
    out = {}
    for kind, fn in converters.items():
        try:
            out[kind] = fn(col)
        except Exception as exc:  # noqa: BLE001 (compared, not hidden)
            out[kind] = type(exc).__name__
    return out


def assert_same_results(a, b) -> None:
    if isinstance(a, tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_same_results(x, y)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b)
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
        assert a.dtype == b.dtype
    else:
        assert a == b


def assert_identical(path: Path, monkeypatch) -> None:
    """Same sheets (names, headers, row numbers), same converted columns, same tables and
    problems, by the fast path and by python-calamine."""
    fast_sheets = sheets(path, fast=True, monkeypatch=monkeypatch)
    slow_sheets = sheets(path, fast=False, monkeypatch=monkeypatch)
    assert [(s.name, s.headers, s.header_row) for s in fast_sheets] == [
        (s.name, s.headers, s.header_row) for s in slow_sheets
    ]
    for f, s in zip(fast_sheets, slow_sheets, strict=True):
        np.testing.assert_array_equal(f.rows, s.rows)
        for i in range(len(f.headers)):
            fast_results, slow_results = converted(f.column(i)), converted(s.column(i))
            for kind, result in fast_results.items():
                assert_same_results(result, slow_results[kind])
    fast, slow = both(path, monkeypatch)
    assert [str(p) for p in fast.problems] == [str(p) for p in slow.problems]
    assert fast.tables.keys() == slow.tables.keys()
    for table in fast.tables:
        pd.testing.assert_frame_equal(fast.tables[table], slow.tables[table])


def edited(rows: list[list], column: int, values: dict[str, object]) -> list[list]:
    """``rows`` with the cell of ``column`` replaced on the rows whose first cell is a key."""
    out = [list(r) for r in rows]
    for row in out[1:]:
        if row[0] in values:
            row[column] = values[row[0]]
    return out


def everywhere(rows: list[list], column: int, value_of) -> list[list]:
    out = [list(r) for r in rows]
    for i, row in enumerate(out[1:], start=1):
        if row[0] is not None:
            row[column] = value_of(i)
    return out


CASES = {
    "export": {"Page 1": EXPORT},
    "title row above the header": {"Page 1": [["Incidents, January"], *EXPORT]},
    "leading empty rows": {"Page 1": [[], [], *EXPORT]},
    "leading empty column": {"Page 1": [[None, *r] for r in EXPORT]},
    "text among dates": {"Page 1": edited(EXPORT, 1, {"INC1": "TBD", "INC2": 45000})},
    "a number in a text column": {"Page 1": edited(EXPORT, 7, {"INC1": 12.0, "INC3": 2.5})},
    "numbers in a text column": {
        "Page 1": everywhere(EXPORT, 7, lambda i: [12.0, 2.5, 1e20, -0.0, 1e-07][i % 5])
    },
    "dates in a text column": {
        "Page 1": everywhere(EXPORT, 2, lambda i: D(2026, 3, i % 3 + 1, 10 * (i % 2)))
    },
    "dates in a number column": {
        "Page 1": everywhere(EXPORT, 11, lambda i: D(2026, 3, 1, 10 * (i % 2)))
    },
    "yes/no in a date column": {"Page 1": everywhere(EXPORT, 8, lambda i: i % 2 == 0)},
    "numbers in a date column": {"Page 1": everywhere(EXPORT, 9, lambda i: 46000 + i / 4)},
    "yes/no with empty cells": {"Page 1": edited(EXPORT, 10, {"INC2": None})},
    "a time of day in a date column": {"Page 1": edited(EXPORT, 8, {"INC2": dt.time(3, 4)})},
    "repeated and empty headers, cells beyond the header": {"Sheet1": JIRA},
    "header only": {"Page 1": [TICKETS]},
    "template sheets": {
        "Instructions": [["Fill in the sheets"], ["one per table", "see the guide"]],
        "Tickets": EXPORT,
        "Empty": [],
    },
}


# Serial numbers of 1e20 days overflow on both paths alike (NaT, and numpy's warning).
@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@pytest.mark.parametrize("shared", [False, True], ids=["inline strings", "shared strings"])
@pytest.mark.parametrize("case", list(CASES))
def test_fast_path_and_python_calamine_agree(case, shared, tmp_path, monkeypatch):
    path = write(tmp_path / "w.xlsx", CASES[case])
    if shared:
        path = shared_strings(path)
    assert_identical(path, monkeypatch)


@pytest.mark.parametrize(
    ("case", "fast"),
    [
        ("export", ["Page 1"]),
        ("title row above the header", []),
        ("leading empty rows", []),
        ("leading empty column", []),
        ("text among dates", []),  # a mixed column: python-calamine keeps each cell's type
        ("numbers in a text column", ["Page 1"]),
        ("yes/no with empty cells", ["Page 1"]),
        ("repeated and empty headers, cells beyond the header", ["Sheet1"]),
        ("template sheets", ["Tickets"]),
    ],
)
def test_the_fast_path_is_taken_for_an_export_layout(case, fast, tmp_path):
    path = write(tmp_path / "w.xlsx", CASES[case])
    assert fast_sheet_names(path) == fast
    assert fast_sheet_names(shared_strings(path)) == fast


def test_an_export_read_by_the_fast_path_has_exact_values(tmp_path):
    path = write(tmp_path / "incidents.xlsx", {"Page 1": EXPORT})
    [sheet] = workbook_sheets(path.read_bytes(), path.name)
    assert sheet.headers == TICKETS and list(sheet.rows) == [2, 3, 6]  # blank, example: out
    assert [str(sheet.column(i).dtype) for i in (0, 1, 10, 11)] == [
        "str",
        "datetime64[ms]",
        "bool",
        "float64",
    ]
    parsed = read_file(path)
    assert parsed.problems == []
    frame = parsed.tables["tickets"]
    assert frame["ticket_id"].tolist() == ["INC1", "INC2", "INC3"]
    assert frame["opened"].tolist() == [
        pd.Timestamp("2026-01-02 03:04"),
        pd.Timestamp("2026-01-05"),
        pd.Timestamp("2026-02-01 12:30:15.250"),
    ]
    assert frame["resolved"].tolist()[::2] == [
        pd.Timestamp("2026-01-03 04:05"),
        pd.Timestamp("2026-02-02"),
    ]
    assert pd.isna(frame["resolved"].iloc[1])
    assert frame["priority"].tolist() == [3, 1, 2]
    assert frame["priority_label"].tolist() == ["Moderate", "Critical", "High"]
    assert frame["state"].tolist() == ["Closed", "In Progress", "Resolved"]
    assert frame["made_sla"].tolist() == [True, False, True]
    assert frame["reopen_count"].tolist() == [0, 2, 1]
    assert frame["is_open"].tolist() == [False, True, False]
    assert frame["ticket_type"].tolist() == ["incident"] * 3
    assert frame["source_row"].tolist() == [2, 3, 6]


def test_text_among_dates_is_a_row_problem_and_a_serial_number_a_date(tmp_path):
    rows = edited(EXPORT, 1, {"INC1": "TBD", "INC2": 45000})
    parsed = read_file(write(tmp_path / "t.xlsx", {"Page 1": rows}))
    errors = [str(p) for p in parsed.errors]
    assert errors[0] == (
        "ERROR t.xlsx, sheet 'Page 1', row 2, column 'Opened': value 'TBD'; expected a real "
        "date and time (e.g. 2026-08-01 09:14 or 22/Apr/26 7:56 AM)"
    )
    assert errors[1:] == [
        "ERROR t.xlsx, sheet 'Page 1', row 2, column 'Opened'; expected a value: 'opened' is "
        "required"
    ]
    [sheet] = workbook_sheets((tmp_path / "t.xlsx").read_bytes(), "t.xlsx")
    opened, bad, _ = convert.as_datetime(sheet.column(1), day_first=True)
    assert opened.iloc[1] == pd.Timestamp("2023-03-15") and bad.tolist() == [True, False, False]


def test_excel_numbers_in_a_text_column_read_as_written(tmp_path):
    rows = edited(EXPORT, 7, {"INC1": 12.0, "INC3": 2.5})
    frame = read_file(write(tmp_path / "n.xlsx", {"Page 1": rows})).tables["tickets"]
    assert frame["configuration_item"].tolist() == ["12", "eng", "2.5"]
    rows = everywhere(EXPORT, 7, lambda i: {1: 1e20, 2: 1e-07}.get(i, -0.0))
    frame = read_file(write(tmp_path / "f.xlsx", {"Page 1": rows})).tables["tickets"]
    assert frame["configuration_item"].tolist() == ["100000000000000000000", "1e-07", "0"]


def test_a_date_in_a_number_column_is_shown_as_excel_shows_it(tmp_path):
    rows = everywhere(EXPORT, 11, lambda i: D(2026, 3, 1, 10 * (i % 2)))
    parsed = read_file(write(tmp_path / "d.xlsx", {"Page 1": rows}))
    values = [(p.row, p.value) for p in parsed.errors if p.column == "Reopen count"]
    assert values == [(2, "2026-03-01 10:00:00"), (3, "2026-03-01"), (6, "2026-03-01 10:00:00")]


def test_repeated_sprint_columns_and_row_numbers(tmp_path):
    parsed = read_file(write(tmp_path / "jira.xlsx", {"Sheet1": JIRA}))
    frame = parsed.tables["work_items"]
    assert frame["item_key"].tolist() == ["PRJ-1", "PRJ-2", "PRJ-3"]
    assert [list(s) for s in frame["sprints"]] == [["S1", "S2"], ["S2"], []]
    assert frame["estimate"].tolist()[::2] == [3.0, 2.5]
    assert frame["source_row"].tolist() == [2, 3, 4]


def test_a_title_row_and_empty_rows_keep_the_row_numbers_excel_shows(tmp_path):
    rows = [[], ["Incidents, January"], [], *EXPORT]
    parsed = read_file(write(tmp_path / "r.xlsx", {"Page 1": rows}))
    assert parsed.tables["tickets"]["source_row"].tolist() == [5, 6, 9]
    rows = [[None, *r] for r in edited(EXPORT, 1, {"INC2": "TBD"})]
    parsed = read_file(write(tmp_path / "c.xlsx", {"Page 1": rows}))
    assert [(p.row, p.column, p.value) for p in parsed.errors][:1] == [(3, "Opened", "TBD")]


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
def test_typed_columns_convert_as_python_calamine_objects():
    floats = [12.0, 2.5, np.nan, 1e20, -0.0, 1e-07, 0.1 + 0.2, 45000.25]
    objects = [12.0, 2.5, "", 1e20, -0.0, 1e-07, 0.1 + 0.2, 45000.25]
    stamps = [D(2026, 1, 2), D(2026, 1, 2, 3, 4, 5, 123000), None, D(1900, 3, 1)]
    cells = [dt.date(2026, 1, 2), D(2026, 1, 2, 3, 4, 5, 123000), "", dt.date(1900, 3, 1)]
    pairs = [
        (pd.Series(floats), pd.Series(np.array(objects, dtype=object))),
        (pd.Series([True, False, True]), pd.Series(np.array([True, False, True], dtype=object))),
        (
            pd.Series(pd.to_datetime(stamps).as_unit("ms")),
            pd.Series(np.array(cells, dtype=object)),
        ),
        (pd.Series([], dtype="float64"), pd.Series(np.array([], dtype=object))),
    ]
    for typed, objs in pairs:
        typed_results, object_results = converted(typed), converted(objs)
        for kind, result in typed_results.items():
            assert_same_results(result, object_results[kind])
    assert convert.as_text(pairs[0][0]).tolist()[:2] == ["12", "2.5"]
    assert convert.as_text(pairs[2][0]).tolist()[:2] == ["2026-01-02", "2026-01-02 03:04:05.123000"]


def test_an_empty_workbook_is_refused_by_both_paths(tmp_path, monkeypatch):
    path = write(tmp_path / "empty.xlsx", {"Sheet1": []})
    fast, slow = both(path, monkeypatch)
    assert [str(p) for p in fast.problems] == [str(p) for p in slow.problems]
    assert "every sheet is empty" in fast.problems[0].expected
