"""Completeness on the dashboard (issue 15, item 1): the line under every page's header, the Data
page's checklist of expected sources, and KPI cards that say "not loaded" (or partial) instead
of a number from data that is not there."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pmo_metrics.importing import import_paths
from pmo_metrics.sample.paths import SAMPLE_DIR
from pmo_metrics.store.connection import connect
from pmo_metrics.store.loads import undo_load

OCT = "2026-10"


def completeness_captions(at) -> list[str]:
    # the line is written as Markdown with its punctuation escaped
    return [c.value.replace("\\", "") for c in at.caption if "fact_check" in c.value]


def test_every_page_says_what_is_loaded_for_the_month(app, sample_db) -> None:
    """The sample's 12 expected sources in October: 11 loaded on 2 Nov (the day the sample's PMO
    loaded them, before their due day), Jira PEMP never sent."""
    at = app(sample_db, "pages/flow.py", period=OCT)
    assert completeness_captions(at) == [
        ":material/fact_check: Oct 2026: 11 of 12 sources loaded (last 2 Nov) · "
        "not loaded: Jira PEMP"
    ]
    es = app(sample_db, "pages/risks.py", period=OCT, lang="es")
    assert completeness_captions(es) == [
        ":material/fact_check: oct 2026: 11 de 12 fuentes cargadas (la última el 2 nov) · "
        "sin cargar: Jira PEMP"
    ]


def test_the_data_page_shows_the_checklist_and_the_register_in_spanish(app, sample_db) -> None:
    at = app(sample_db, "pages/data.py", period=OCT, lang="es")
    assert not at.exception, [e.message for e in at.exception]
    grid = next(d.value for d in at.dataframe if "oct 2026" in d.value.columns)
    pemp = grid.loc[grid["source"] == "Jira PEMP"].iloc[0]
    assert (pemp["ago 2026"], pemp["sept 2026"], pemp["oct 2026"]) == (
        "–",
        "✗ sin cargar",
        "✗ sin cargar",
    )  # expected from September on
    sede = grid.loc[grid["source"] == "Jira Tramitación"].iloc[0]
    assert sede["oct 2026"] == "✓ 2 nov"
    incidents = grid.loc[grid["source"] == "ServiceNow incidencias"].iloc[0]
    assert (incidents["mar 2026"], incidents["abr 2026"]) == ("✓ 1 abr", "! con retraso 4 may")
    assert [tab.label for tab in at.tabs] == [
        "Aplicaciones", "Servicios", "Indicadores", "Objetivos de resolución", "Fuentes esperadas"
    ]  # fmt: skip


def test_a_figure_rests_on_a_source_not_loaded(app, sample_db, card) -> None:
    at = app(sample_db, "pages/overview.py", period=OCT)
    # the work items' figures over the whole portfolio miss Jira PEMP's: shown, and said so
    velocity = [c.value for c in at.caption if "partial" in c.value]
    assert ":material/warning: partial: Jira PEMP not loaded" in velocity
    assert card(at, "SLA compliance").value != "Not loaded"


@pytest.fixture(scope="module")
def without_tickets(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with October's exports loaded again without the two ServiceNow files."""
    path = tmp_path_factory.mktemp("completeness") / "no-tickets.duckdb"
    shutil.copy(sample_db, path)
    con = connect(path)
    try:
        october = con.execute(
            "SELECT l.load_id FROM loads l JOIN load_files f USING (load_id) "
            "WHERE l.period = ? AND f.file_name = 'servicenow_incidents.xlsx'",
            [OCT],
        ).fetchall()[0][0]
        undo_load(con, october)
        files = [p for p in sorted((SAMPLE_DIR / OCT).iterdir()) if "servicenow" not in p.name]
        import_paths(con, files, period=OCT, user="test")
    finally:
        con.close()
    return path


def test_the_sla_card_says_not_loaded_when_the_ticket_export_is_missing(
    app, without_tickets, card
) -> None:
    at = app(without_tickets, "pages/overview.py", period=OCT)
    assert not at.exception, [e.message for e in at.exception]
    assert card(at, "SLA compliance").value == "Not loaded"
    shown = [c.value.replace("\\", "") for c in at.caption]
    assert ":material/block: not loaded: ServiceNow incidencias, ServiceNow peticiones" in shown
    es = app(without_tickets, "pages/overview.py", period=OCT, lang="es")
    assert card(es, "Cumplimiento del ANS").value == "Sin cargar"


def test_the_data_page_writes_a_gap_as_a_dash_and_edits_in_spanish(app, without_tickets) -> None:
    """Issue 14's leftovers: the undone date of a load still active read "None"; the catalog
    editor's columns were headed in English on the Spanish page."""
    at = app(without_tickets, "pages/data.py", period=OCT, lang="es")
    assert not at.exception, [e.message for e in at.exception]
    loads = next(d for d in at.dataframe if "undone_at" in d.value.columns)
    assert loads.value["undone_at"].isna().sum() > 0  # the loads never undone
    assert loads.proto.placeholder == "-"
    editors = [d for d in at.dataframe if d.proto.editing_mode]
    columns = {
        name: config.get("label")
        for editor in editors
        for name, config in json.loads(editor.proto.columns).items()
    }
    assert columns["application"] == "Aplicación"
    assert (columns["due_day"], columns["first_month"]) == ("Día límite", "Esperada desde")
