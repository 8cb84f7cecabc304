"""The monthly report of the sample data (a year of a PMO's exports), and its command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from pmo_metrics.exports.report import (
    application_names,
    build_report,
    service_names,
    unique_title,
)
from pmo_metrics.exports.safe import is_formula_like
from pmo_metrics.metrics import registry
from pmo_metrics.metrics.source import Filters, Source
from pmo_metrics.store.connection import connect, fetch_scalar

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The sample loaded into a store, its latest month with resolved tickets, its report."""
    from pmo_metrics.demo import load_demo

    folder = tmp_path_factory.mktemp("sample-report")
    db = folder / "sample.duckdb"
    con = connect(db)
    load_demo(con)
    month = fetch_scalar(con, "SELECT strftime(max(resolved), '%Y-%m') FROM tickets")
    source = Source.from_duckdb(con)
    out = folder / "report.xlsx"
    facts = {
        "db": db,
        "month": month,
        "out": out,
        "summary": build_report(source, month, out),
        "services": service_names(source),
        "applications": application_names(source),
        "sla": registry.get("sla-compliance").value(source, Filters.from_period(month)),
    }
    con.close()
    return facts


def test_a_sheet_per_service_and_application(sample) -> None:
    wb = openpyxl.load_workbook(sample["out"])
    assert sample["services"] and sample["applications"]
    expected = openpyxl.Workbook()
    expected.remove(expected.active)
    for title in (
        ["Summary"]
        + [f"Svc {s}" for s in sample["services"]]
        + [f"App {a}" for a in sample["applications"]]
    ):
        expected.create_sheet(unique_title(expected, title))
    assert wb.sheetnames == expected.sheetnames
    assert sample["summary"].sheets == tuple(wb.sheetnames)


def test_long_names_cut_at_a_word_and_every_link_opens_its_sheet(sample) -> None:
    wb = openpyxl.load_workbook(sample["out"])
    # the sample's two longest services, 33 characters with the prefix
    assert "Svc Centro de Atención a…" in wb.sheetnames
    assert "Svc Mantenimiento de…" in wb.sheetnames
    links = [
        (cell.value, cell.hyperlink.location or cell.hyperlink.target)
        for (cell,) in wb["Summary"].iter_rows(max_col=1)
        if cell.hyperlink is not None
    ]
    assert len(links) == len(wb.sheetnames) - 1
    for text, location in links:
        sheet = location.removeprefix("#").rsplit("!", 1)[0].strip("'").replace("''", "'")
        assert wb[sheet]["A1"].value == text  # the sheet titled with the link's own words


def test_charts_on_every_sheet(sample) -> None:
    wb = openpyxl.load_workbook(sample["out"])
    for ws in wb.worksheets:
        assert ws._charts, f"{ws.title} has no chart"
    assert len(wb["Summary"]._charts) == 2  # SLA compliance by month; applications by status
    assert sample["summary"].charts == sum(len(ws._charts) for ws in wb)


def test_the_summary_charts_tables_are_the_key_figures_and_health(sample) -> None:
    ws = openpyxl.load_workbook(sample["out"])["Summary"]
    rows = list(ws.iter_rows(values_only=True))
    label = registry.get("sla-compliance").label
    figure = next(r for r in rows if r[1] == label)
    start = next(i for i, r in enumerate(rows) if r[0] and r[0].startswith("SLA compliance of"))
    months = rows[start + 2 : start + 14]
    # the portfolio's last two months are the key figure and its previous month
    assert months[-1][3] == pytest.approx(figure[2]) == pytest.approx(sample["sla"])
    assert months[-2][3] == pytest.approx(figure[4])
    assert all(r[3] == pytest.approx(r[2] / r[1] * 100) for r in months if r[1])
    start = next(i for i, r in enumerate(rows) if r[0] and r[0].startswith("Applications by"))
    counts = [r[1] for r in rows[start + 2 : start + 6]]
    start = next(i for i, r in enumerate(rows) if r[0] and r[0].startswith("Portfolio health"))
    health = []
    for r in rows[start + 2 :]:
        if r[0] is None:
            break
        health.append(r[1])
    assert sum(counts) == len(health) == len(sample["applications"])
    words = ["✓ on target", "! at risk", "✗ off target", "– no data"]
    assert counts == [health.count(word) for word in words]


def test_the_summary_figure_is_the_registry_number(sample) -> None:
    ws = openpyxl.load_workbook(sample["out"])["Summary"]
    label = registry.get("sla-compliance").label
    row = next(r for r in ws.iter_rows(values_only=True) if r[1] == label)
    assert row[2] == pytest.approx(sample["sla"])


def test_nothing_in_the_sample_report_runs_as_a_formula(sample) -> None:
    wb = openpyxl.load_workbook(sample["out"])
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                assert not is_formula_like(cell.value), f"{ws.title}!{cell.coordinate}"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "report", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_command_line_writes_the_report(sample, tmp_path: Path) -> None:
    out = tmp_path / "cli.xlsx"
    done = run_cli("--month", sample["month"], str(out), "--db", str(sample["db"]), "--lang", "es")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {out}: report for {sample['month']}: ")
    assert openpyxl.load_workbook(out).sheetnames[0] == "Resumen"


def test_the_command_line_refuses_a_bad_month_and_a_missing_database(sample, tmp_path) -> None:
    done = run_cli("--month", "2026-13", str(tmp_path / "x.xlsx"), "--db", str(sample["db"]))
    assert done.returncode == 1
    assert "expected YYYY-MM" in done.stderr
    done = run_cli("--month", "2026-08", str(tmp_path / "x.xlsx"), "--db", str(tmp_path / "no"))
    assert done.returncode == 1
    assert "no database at" in done.stderr
    done = run_cli("--month", "2026-08", str(tmp_path / "x.csv"), "--db", str(sample["db"]))
    assert done.returncode == 1
    assert "must end in .xlsx" in done.stderr
    assert not list(tmp_path.iterdir())
