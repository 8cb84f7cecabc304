"""The formula-injection-safe writers: exact escapes, and the bytes read back."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pandas as pd
import pytest

from pmo_metrics.exports.safe import (
    is_formula_like,
    neutralise,
    neutralise_text,
    safe_sheet_title,
    to_csv_bytes,
    to_xlsx_bytes,
)

PAYLOADS = {
    "=1+1": "'=1+1",
    "+1+1": "'+1+1",
    "-1+1": "'-1+1",
    "@SUM(A1:A2)": "'@SUM(A1:A2)",
    "\t=cmd": "'\t=cmd",
    "\r=cmd": "'\r=cmd",
    '=HYPERLINK("http://evil","x")': '\'=HYPERLINK("http://evil","x")',
    "plain": "plain",
    "a=b": "a=b",
    "": "",
    "'already": "'already",
}


@pytest.mark.parametrize(("raw", "expected"), PAYLOADS.items())
def test_neutralise_text_prefixes_exactly_the_owasp_characters(raw, expected):
    assert neutralise_text(raw) == expected


def test_neutralise_leaves_numbers_dates_and_missing_values_alone():
    frame = pd.DataFrame(
        {
            "title": ["=2+3", "ok", None],
            "points": [-5, 3, 0],
            "ratio": [-0.5, float("nan"), 1.25],
            "done": [True, False, True],
            "when": pd.to_datetime(["2026-08-01", "2026-08-02", None]),
            "mixed": ["-x", -7, None],
        }
    )
    out = neutralise(frame)
    assert out["title"].tolist()[:2] == ["'=2+3", "ok"]
    assert pd.isna(out["title"].iloc[2])
    assert out["points"].tolist() == [-5, 3, 0]
    assert out["points"].dtype == frame["points"].dtype
    assert out["ratio"].iloc[0] == -0.5
    assert out["done"].tolist() == [True, False, True]
    assert out["when"].dtype == frame["when"].dtype
    assert out["mixed"].tolist()[:2] == ["'-x", -7]
    # the input is not modified
    assert frame["title"].iloc[0] == "=2+3"


def test_neutralise_escapes_column_names_and_categoricals():
    frame = pd.DataFrame({"=evil": pd.Categorical(["@x", "y"]), "ok": [1, 2]})
    out = neutralise(frame)
    assert list(out.columns) == ["'=evil", "ok"]
    assert out["'=evil"].astype(str).tolist() == ["'@x", "y"]


def test_neutralise_of_an_empty_frame_keeps_its_columns():
    out = neutralise(pd.DataFrame({"a": pd.Series(dtype="str"), "b": pd.Series(dtype="float")}))
    assert list(out.columns) == ["a", "b"] and out.empty


def _payload_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": list(PAYLOADS),
            "number": [-(i + 0.5) for i in range(len(PAYLOADS))],
        }
    )


def test_csv_bytes_have_a_bom_and_read_back_escaped():
    data = to_csv_bytes(_payload_frame())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["text", "number"]
    assert [r[0] for r in rows[1:]] == list(PAYLOADS.values())
    assert rows[1][1] == "-0.5"  # a negative number is written as a number, unescaped
    assert not any(is_formula_like(cell) for row in rows for cell in row if not _is_number(cell))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_csv_dates_and_times():
    frame = pd.DataFrame(
        {
            "day": pd.to_datetime(["2026-08-31", "2026-09-01"]),
            "at": pd.to_datetime(["2026-08-31 14:30", "2026-09-01 00:00"]),
        }
    )
    text = to_csv_bytes(frame).decode("utf-8-sig")
    assert text.splitlines() == [
        "day,at",
        "2026-08-31,2026-08-31 14:30:00",
        "2026-09-01,2026-09-01 00:00:00",
    ]


def test_csv_of_non_ascii_text_is_utf8():
    data = to_csv_bytes(pd.DataFrame({"aplicación": ["Gestión ñ €"]}))
    assert data.decode("utf-8-sig").splitlines() == ["aplicación", "Gestión ñ €"]


def test_xlsx_bytes_store_text_as_text_never_formulas():
    frame = _payload_frame()
    frame["when"] = pd.Timestamp("2026-08-31")
    frame["at"] = pd.Timestamp("2026-08-31 14:30")
    wb = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame, sheet_name="tickets")))
    ws = wb["tickets"]
    assert [c.value for c in ws[1]] == ["text", "number", "when", "at"]
    texts = [ws.cell(row=r, column=1) for r in range(2, ws.max_row + 1)]
    # openpyxl reads an empty string back as None; with lxml (python-pptx requires it) openpyxl
    # writes a carriage return as &#13;, so every text comes back exactly as written
    assert [c.value or "" for c in texts] == list(PAYLOADS.values())
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert ws.cell(row=2, column=2).value == -0.5
    assert ws.cell(row=2, column=2).data_type == "n"
    assert ws.cell(row=2, column=3).value == datetime(2026, 8, 31)
    assert ws.cell(row=2, column=3).is_date
    assert ws.cell(row=2, column=3).number_format == "yyyy-mm-dd"
    assert ws.cell(row=2, column=4).value == datetime(2026, 8, 31, 14, 30)
    assert ws.freeze_panes == "A2"


def test_xlsx_handles_missing_values_dates_and_control_characters():
    frame = pd.DataFrame(
        {
            "day": [date(2026, 1, 31), None],
            "n": pd.array([1, None], dtype="Int64"),
            "t": ["bell\x07here", None],
            "tags": [["a", "b"], []],
        }
    )
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame))).active
    assert ws.title == "data"
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=2)] == [
        [datetime(2026, 1, 31), 1, "bellhere", "['a', 'b']"],
        [None, None, None, "[]"],
    ]


def test_xlsx_of_an_empty_frame_has_only_the_header():
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(pd.DataFrame({"a": []})))).active
    assert [[c.value for c in row] for row in ws.iter_rows()] == [["a"]]


def test_sheet_titles_are_made_valid():
    assert safe_sheet_title("a/b:c*d?[e]") == "a_b_c_d__e_"
    # no space in the first 31 characters: cut mid-word, the cut marked, 31 in all
    assert safe_sheet_title("x" * 40) == "x" * 30 + "…"
    assert safe_sheet_title("x" * 31) == "x" * 31  # 31 fits: nothing cut
    assert safe_sheet_title("") == "data"


def test_long_sheet_titles_are_cut_at_a_word_and_marked():
    # 33 characters: the last space within 30 (room for the mark) is after "a"
    assert safe_sheet_title("Svc Centro de Atención a Usuarios") == "Svc Centro de Atención a…"
    assert safe_sheet_title("Serv Mantenimiento de aplicaciones") == "Serv Mantenimiento de…"
    # a space right after the 30th character keeps all 30
    assert safe_sheet_title("a" * 30 + " tail") == "a" * 30 + "…"
    # one short word before a long one: whole words would keep 3 of 30, so cut mid-word
    assert safe_sheet_title("Svc " + "y" * 40) == "Svc " + "y" * 26 + "…"
    # a shorter limit (room for a number) cuts at a word too
    assert safe_sheet_title("Svc Centro de Atención a Usuarios", 24) == "Svc Centro de Atención…"
    assert all(len(safe_sheet_title(n)) <= 31 for n in ("z" * 100, "w " * 50, " " * 40))
