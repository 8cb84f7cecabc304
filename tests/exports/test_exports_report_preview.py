"""The Report page's preview is the workbook's Summary: every key figure, scorecard row, health
row and top risk the page shows before building is the cell the sponsor reads after (issue 14,
item 7). Compared on the sample's latest month, in both languages, cell by cell."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pmo_metrics.exports.report import build_report
from pmo_metrics.exports.report.model import t
from pmo_metrics.exports.report.preview import summary_preview
from pmo_metrics.locale import yes_no
from pmo_metrics.metrics.source import Source, sharing
from pmo_metrics.store.connection import connect, fetch_scalar

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    from pmo_metrics.demo import load_demo

    con = connect(tmp_path_factory.mktemp("preview") / "sample.duckdb")
    load_demo(con)
    yield con
    con.close()


def rows_after(ws, first_header: str) -> list[list[object]]:
    """The rows of the table whose header row starts with ``first_header``, to the first blank
    row."""
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(values) if r[0] == first_header) + 1
    rows = []
    for r in values[start:]:
        if r[0] is None:
            break
        rows.append(r)
    return rows


def same(a: object, b: object) -> bool:
    if a is None or (isinstance(a, float) and pd.isna(a)):
        return b is None
    if isinstance(a, float) and isinstance(b, int | float):
        return abs(a - b) < 1e-9
    return a == b


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_preview_is_the_summary_sheet(store, lang: str) -> None:
    month = fetch_scalar(store, "SELECT strftime(max(resolved), '%Y-%m') FROM tickets")
    with sharing():
        preview = summary_preview(Source.from_duckdb(store), month, lang)
    buffer = io.BytesIO()
    build_report(Source.from_duckdb(store), month, buffer, lang=lang)
    summary = openpyxl.load_workbook(buffer).worksheets[0]

    sheet = rows_after(summary, t("pillar", lang))
    figures = preview.key_figures
    assert len(sheet) == len(figures) >= 10
    for row, figure in zip(sheet, figures.itertuples(index=False), strict=True):
        assert (row[0], row[1]) == (figure.pillar, figure.indicator)
        if figure.missing is None:
            assert same(figure.value, row[2]), (figure.indicator, figure.value, row[2])
        for column, value in ((4, figure.previous), (5, figure.change), (6, figure.target)):
            assert same(value, row[column]), (figure.indicator, column, value, row[column])
    assert figures["status"].notna().any()  # some figure is judged: not vacuous

    for result in (preview.scorecard, preview.health, preview.risks):
        assert not result.missing and len(result.frame)
        frame = result.frame.reset_index(drop=True)
        first = frame.iloc[0, 0]
        values = [list(r) for r in summary.iter_rows(values_only=True)]
        start = next(i for i, r in enumerate(values) if r[0] == first)
        for i, expected in enumerate(frame.itertuples(index=False)):
            cells = values[start + i][: len(frame.columns)]
            for value, cell in zip(expected, cells, strict=True):
                if isinstance(value, bool | np.bool_):
                    # a yes/no is written as the language's word (a risk's overdue)
                    assert cell == yes_no(bool(value), lang), (frame.columns.tolist(), cells)
                    continue
                if isinstance(value, str) and isinstance(cell, str):
                    continue  # words (statuses, reasons) are written in the sheet's language
                assert same(value, cell), (frame.columns.tolist(), expected, cells)
