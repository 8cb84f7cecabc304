"""Helpers for the reader tests: write real CSV / xlsx files, snapshot every store table."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from pmo_metrics.schema.tables import table_specs


@pytest.fixture
def write_csv(tmp_path: Path):
    def write(
        name: str,
        rows: list[list],
        *,
        delimiter: str = ",",
        encoding: str = "utf-8",
        bom: bool = False,
    ) -> Path:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
        data = buffer.getvalue().encode(encoding)
        path = tmp_path / name
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
        return path

    return write


@pytest.fixture
def write_xlsx(tmp_path: Path):
    def write(name: str, sheets: dict[str, list[list]]) -> Path:
        from openpyxl import Workbook

        wb = Workbook()
        wb.remove(wb.active)
        for title, rows in sheets.items():
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
        path = tmp_path / name
        wb.save(path)
        return path

    return write


@pytest.fixture
def store_state(con):
    """Every canonical table's rows (and the load history), to compare before and after."""

    def state() -> dict:
        tables = [*table_specs(), "loads", "load_files", "mapping_profiles"]
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}

    return state
