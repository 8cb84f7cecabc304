"""The sample data: generated deterministically, in the real formats, and `demo` loads all of it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from pmo_metrics.demo import demo_batches, ensure_demo_data, load_demo
from pmo_metrics.sample.generate import generate
from pmo_metrics.sample.paths import SAMPLE_DIR
from pmo_metrics.sample.registers import indicator_rows
from pmo_metrics.schema.tables import table_specs
from pmo_metrics.store.connection import connect

ROOT = Path(__file__).resolve().parents[2]
MONTHS = [
    "2025-11",
    "2025-12",
    "2026-01",
    "2026-02",
    "2026-03",
    "2026-04",
    "2026-05",
    "2026-06",
    "2026-07",
    "2026-08",
    "2026-09",
    "2026-10",
]
MONTH_FILES = [
    "azure_devops_gestion_economica.csv",
    "jira_ciudadania_digital.csv",
    "jira_tramitacion.csv",
    "partes_de_horas.csv",
    "servicenow_incidents.xlsx",
    "servicenow_requests.csv",
]

# Rows per canonical table after `demo` (pinned: a change to the generator or to a reader that
# changes them must be deliberate).
DEMO_COUNTS = {
    "applications": 9,
    "services": 4,
    "indicators": 13,
    "resolution_targets": 12,
    "work_items": 1233,
    "sprints": 78,
    "tickets": 3070,
    "effort": 5863,
    "capacity": 216,
    "costs": 108,
    "risks": 20,
    "improvement_actions": 20,
    "stakeholders": 14,
    "expected_sources": 12,
    "work_item_snapshots": 8829,
    "ticket_snapshots": 19500,
}


def files_of(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def workbook_values(path: Path) -> dict[str, list[tuple]]:
    """The data sheets' cells (the Instructions sheet lists the registry's metrics, which
    grow as metrics are added, so the committed workbook is compared by its data)."""
    book = openpyxl.load_workbook(path)
    return {s.title: list(s.iter_rows(values_only=True)) for s in book.worksheets[1:]}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory):
    con = connect(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    result = load_demo(con)
    yield con, result
    con.close()


@pytest.mark.slow
def test_generator_is_deterministic_and_matches_the_committed_files(tmp_path: Path) -> None:
    generate(tmp_path / "a")
    generate(tmp_path / "b")
    first, second = files_of(tmp_path / "a"), files_of(tmp_path / "b")
    assert first == second  # byte for byte, the xlsx files included
    committed = files_of(SAMPLE_DIR)
    assert first.keys() == committed.keys()
    stale = [n for n in first if n != "pmo_workbook.xlsx" and first[n] != committed[n]]
    assert stale == [], "data/sample is stale: run python -m pmo_metrics.sample"
    assert workbook_values(tmp_path / "a" / "pmo_workbook.xlsx") == workbook_values(
        SAMPLE_DIR / "pmo_workbook.xlsx"
    )


def test_sample_layout_and_size() -> None:
    assert sorted(p.name for p in SAMPLE_DIR.iterdir()) == [*MONTHS, "pmo_workbook.xlsx"]
    for month in MONTHS:
        assert sorted(p.name for p in (SAMPLE_DIR / month).iterdir()) == MONTH_FILES
    size = sum(p.stat().st_size for p in SAMPLE_DIR.rglob("*") if p.is_file())
    assert size < 5_000_000
    batches = demo_batches()
    assert [b.period for b in batches] == ["2026-10", *MONTHS]
    assert batches[0].files == (SAMPLE_DIR / "pmo_workbook.xlsx",)


def test_files_are_in_the_tools_formats() -> None:
    month = SAMPLE_DIR / "2026-03"
    jira = (month / "jira_tramitacion.csv").read_bytes()
    assert jira.startswith(b"\xef\xbb\xbfSummary,Issue key,Issue id,Issue Type,Status,")
    header = jira.decode("utf-8-sig").split("\n", 1)[0].split(",")
    assert header.count("Sprint") >= 2 and header.count("Labels") >= 2
    assert "Custom field (Story Points)" in header
    assert b"/Mar/26 " in jira and (b" AM," in jira or b" PM," in jira)
    other = (month / "jira_ciudadania_digital.csv").read_bytes().decode("utf-8-sig")
    assert "Custom field (Story point estimate)" in other.split("\n", 1)[0]
    ado = (month / "azure_devops_gestion_economica.csv").read_bytes().decode("utf-8-sig")
    assert ado.startswith("ID,Work Item Type,Title,State,Assigned To,Area Path,Iteration Path")
    assert "@hacienda.example.es>" in ado
    spanish = (month / "partes_de_horas.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        spanish.decode("utf-8")
    text = spanish.decode("cp1252")
    assert text.startswith("Persona;Rol;Perfil;Fecha;Horas;Servicio;Aplicación\r\n")
    assert ";7,5;" in text and ";02/03/2026;" in text
    requests = (month / "servicenow_requests.csv").read_text(encoding="utf-8")
    assert requests.startswith('"number","opened_at","short_description","priority",')
    assert '"3 - Moderate"' in requests and "made_sla" not in requests


def test_sample_indicators_name_registry_metrics() -> None:
    from pmo_metrics.metrics.registry import all_metrics

    names = {m.name for m in all_metrics()}
    assert {r["metric"] for r in indicator_rows()} <= names


def test_demo_fills_every_table(demo_db) -> None:
    con, result = demo_db
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in table_specs()}
    assert counts == DEMO_COUNTS
    assert all(n > 0 for n in counts.values())
    loads = con.execute("SELECT period FROM loads ORDER BY load_id").fetchall()
    assert [p for (p,) in loads] == ["2026-10", *MONTHS]
    months = con.execute(
        "SELECT DISTINCT strftime(month, '%Y-%m') FROM work_item_snapshots ORDER BY 1"
    ).fetchall()
    assert [m for (m,) in months] == MONTHS
    last = con.execute("SELECT max(load_id) FROM loads").fetchall()[0][0]
    assert result.load_id == last
    assert set(result.counts) == set(table_specs())


def test_demo_loaded_the_spanish_timesheets_without_a_mapping(demo_db) -> None:
    con, _ = demo_db
    lines = (SAMPLE_DIR / "2026-03" / "partes_de_horas.csv").read_bytes().decode("cp1252")
    assert lines.splitlines()[1] == (
        "Lucía Fernández Ortega;Scrum Master;Jefe de proyecto;02/03/2026;3;"
        "Mantenimiento de aplicaciones;Sede electrónica"
    )
    row = con.execute(
        "SELECT person, role, profile, work_date, hours, service, application, source_file "
        "FROM effort JOIN loads USING (load_id) WHERE period = '2026-03' AND source_row = 2"
    ).fetchall()
    assert row == [
        (
            "Lucía Fernández Ortega",
            "Scrum Master",
            "Jefe de proyecto",
            date(2026, 3, 2),
            3.0,
            "Mantenimiento de aplicaciones",
            "Sede electrónica",
            "partes_de_horas.csv",
        )
    ]
    half_hours = con.execute("SELECT count(*) FROM effort WHERE hours <> floor(hours)")
    assert half_hours.fetchall()[0][0] > 0  # 7,5 read as 7.5, not 75


def test_spanish_file_imports_alone_without_a_mapping(con) -> None:
    from pmo_metrics.importing import import_paths

    path = SAMPLE_DIR / "2026-02" / "partes_de_horas.csv"
    lines = path.read_bytes().decode("cp1252").splitlines()
    result = import_paths(con, [path])
    assert result.counts["effort"].added == len(lines) - 1
    fields = lines[1].split(";")
    got = con.execute(
        "SELECT person, role, profile, strftime(work_date, '%d/%m/%Y'), hours, service, "
        "application FROM effort WHERE source_row = 2"
    ).fetchall()
    assert got == [
        (
            fields[0],
            fields[1],
            fields[2],
            fields[3],
            float(fields[4].replace(",", ".")),
            fields[5],
            fields[6],
        )
    ]


def test_ensure_demo_data_only_fills_an_empty_store(tmp_path: Path) -> None:
    root = tmp_path / "sample"
    (root / "2026-10").mkdir(parents=True)
    shutil.copy(SAMPLE_DIR / "pmo_workbook.xlsx", root)
    shutil.copy(SAMPLE_DIR / "2026-10" / "servicenow_requests.csv", root / "2026-10")
    con = connect(tmp_path / "a.duckdb")
    assert ensure_demo_data(con, root) is True
    assert con.execute("SELECT period FROM loads ORDER BY load_id").fetchall() == [
        ("2026-10",),
        ("2026-10",),
    ]
    assert ensure_demo_data(con, root) is False
    assert con.execute("SELECT count(*) FROM loads").fetchall() == [(2,)]
    con.close()
    with pytest.raises(FileNotFoundError, match="python -m pmo_metrics.sample"):
        demo_batches(tmp_path / "nowhere")


def test_demo_twice_changes_nothing(demo_db) -> None:
    con, _ = demo_db
    before = con.execute("SELECT count(*) FROM loads").fetchall()
    again = load_demo(con)
    assert again.load_id is None
    assert len(again.skipped_files) == 1 + 12 * len(MONTH_FILES)
    assert con.execute("SELECT count(*) FROM loads").fetchall() == before


@pytest.mark.slow
def test_demo_command(tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    run = subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "demo", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("loaded the sample: 73 files in 13 loads")
    assert f"  risks: {DEMO_COUNTS['risks']} rows" in run.stdout
    again = subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "demo", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0
    assert again.stdout.startswith("the sample (73 files) was already loaded; nothing changed")
