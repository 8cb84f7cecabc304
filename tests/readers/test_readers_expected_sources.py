"""The expected-sources register read from a PMO workbook whose sheet and headers are in
Spanish, as a PMO writes it by hand (issue 15, item 1)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from pmo_metrics.readers import read_file


def test_a_spanish_register_sheet(write_xlsx):
    path = write_xlsx(
        "libro_pmo.xlsx",
        {
            "Fuentes esperadas": [
                ["Fuente", "Tipo", "Identificador", "Servicios", "Aplicaciones", "Día límite",
                 "Desde", "Responsable"],
                ["Jira SEDE", "jira", "SEDE", "Mantenimiento", "Sede; Registro", 5,
                 date(2026, 1, 1), "Lucía"],
                ["Partes de horas", "timesheets", "partes_de_horas*.csv", None, None, 3, None,
                 None],
            ]
        },
    )  # fmt: skip
    parsed = read_file(path)
    assert not parsed.problems, [str(p) for p in parsed.problems]
    frame = parsed.tables["expected_sources"]
    assert frame["source"].tolist() == ["Jira SEDE", "Partes de horas"]
    assert frame["kind"].tolist() == ["jira", "timesheets"]
    assert frame["identifier"].tolist() == ["SEDE", "partes_de_horas*.csv"]
    assert list(frame["applications"].iloc[0]) == ["Sede", "Registro"]
    assert frame["due_day"].tolist() == [5, 3]
    assert frame["first_month"].iloc[0] == pd.Timestamp("2026-01-01")


def test_an_unknown_kind_or_due_day_is_refused(write_xlsx):
    path = write_xlsx(
        "libro_pmo.xlsx",
        {
            "expected_sources": [
                ["source", "kind", "due_day"],
                ["Encuesta", "survey", 5],
                ["Costes", "costs", 40],
            ]
        },
    )
    parsed = read_file(path)
    errors = {(p.row, p.column, str(p.value)) for p in parsed.errors}
    assert errors == {(2, "kind", "survey"), (3, "due_day", "40")}
