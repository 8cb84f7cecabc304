"""The monthly report workbook: a tiny hand-built store with values worked out by hand."""

from __future__ import annotations

import io
from pathlib import Path
from uuid import uuid4

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pmo_metrics.evaluation import Scope
from pmo_metrics.exports.report import (
    Report,
    ReportSummary,
    build_report,
    indicator_trend,
    trend_months,
    unique_title,
)
from pmo_metrics.exports.safe import is_formula_like
from pmo_metrics.exports.workbook import SheetWriter
from pmo_metrics.metrics import registry
from pmo_metrics.metrics.source import Filters, Source
from pmo_metrics.periods import month_keys, shift_month
from pmo_metrics.schema.problems import ParsedFile
from pmo_metrics.store.connection import connect
from pmo_metrics.store.loads import load_parsed

MONTH = "2026-08"
SERVICE = "Service desk"
APP = "Payroll"
EVIL_DESCRIPTION = "=cmd|' /C calc'!A0"
EVIL_RISK = '=HYPERLINK("http://evil.example","click")'


def ticket(ticket_id: str, opened: str, resolved: str, made_sla: bool) -> dict:
    return {
        "ticket_id": ticket_id,
        "source": "servicenow",
        "service": SERVICE,
        "configuration_item": "payroll-ci",
        "priority": 3,
        "is_open": False,
        "opened": opened,
        "resolved": resolved,
        "made_sla": made_sla,
    }


def tiny_rows() -> dict[str, list[dict]]:
    """One service with an SLA indicator (target 90, amber 80), one application with two
    sprints and six tickets, one open risk; text that would run as a formula in two places.

    By hand: SLA compliance August = 3 met / 4 resolved = 75.0 % (red: below the amber 80),
    July = 2 / 2 = 100.0 %; sprint 1 committed 8 / completed 5, sprint 2 committed 5 /
    completed 3 (PAY-2 carried over counts in both commitments, completed in its last sprint);
    velocity = mean of completed over the closed sprints ending in August = (5 + 3) / 2 = 4.0.
    """
    base = {"source": "jira", "project": "PAY", "is_epic": False, "is_subtask": False,
            "created": "2026-07-20 10:00"}  # fmt: skip
    return {
        "services": [{"service": SERVICE, "description": EVIL_DESCRIPTION, "state": "launched"}],
        "indicators": [
            {"service": SERVICE, "indicator": "Resolved in time", "metric": "sla-compliance",
             "target": 90.0, "direction": "higher", "amber_threshold": 80.0},
        ],
        "applications": [
            {"application": APP, "services": [SERVICE], "jira_project": "PAY",
             "itsm_ci": "payroll-ci", "team": "Pay team"},
        ],
        "sprints": [
            {"team": "Pay team", "sprint": "PAY Sprint 1", "start_date": "2026-07-27",
             "end_date": "2026-08-07"},
            {"team": "Pay team", "sprint": "PAY Sprint 2", "start_date": "2026-08-10",
             "end_date": "2026-08-21"},
        ],
        "work_items": [
            {**base, "item_key": "PAY-1", "estimate": 5.0, "status_category": "Done",
             "sprints": ["PAY Sprint 1"], "resolved": "2026-08-05 12:00"},
            {**base, "item_key": "PAY-2", "estimate": 3.0, "status_category": "Done",
             "sprints": ["PAY Sprint 1", "PAY Sprint 2"], "resolved": "2026-08-20 12:00"},
            {**base, "item_key": "PAY-3", "estimate": 2.0, "status_category": "To Do",
             "sprints": ["PAY Sprint 2"]},
        ],
        "tickets": [
            ticket("INC1", "2026-08-03 09:00", "2026-08-03 15:00", True),
            ticket("INC2", "2026-08-04 09:00", "2026-08-05 09:00", True),
            ticket("INC3", "2026-08-10 09:00", "2026-08-12 09:00", False),
            ticket("INC4", "2026-08-20 09:00", "2026-08-20 10:00", True),
            ticket("INC5", "2026-07-01 09:00", "2026-07-01 11:00", True),
            ticket("INC6", "2026-07-02 09:00", "2026-07-02 12:00", True),
        ],
        "risks": [
            {"risk_id": "R-1", "title": EVIL_RISK, "application": APP, "service": SERVICE,
             "probability": 4, "impact": 5, "status": "open", "raised": "2026-06-01"},
        ],
    }  # fmt: skip


@pytest.fixture
def tiny(con, put) -> Source:
    for table, rows in tiny_rows().items():
        put(table, rows)
    return Source.from_duckdb(con)


@pytest.fixture(scope="module")
def tiny_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[ReportSummary, Path]:
    """The tiny store's report, built once for the read-only assertions below (the store is
    loaded through the same load path as the ``put`` fixture)."""
    folder = tmp_path_factory.mktemp("tiny")
    con = connect(folder / "tiny.duckdb")
    for table, rows in tiny_rows().items():
        frame = pd.DataFrame(rows).assign(source_sheet="test")
        frame["source_row"] = range(2, 2 + len(frame))
        parsed = ParsedFile(f"{table}.test", uuid4().hex, "test", {table: frame}, [], len(frame))
        load_parsed(con, [parsed])
    out = folder / "report.xlsx"
    summary = build_report(Source.from_duckdb(con), MONTH, out)
    con.close()
    return summary, out


def rows_of(ws) -> list[tuple]:
    return [row for row in ws.iter_rows(values_only=True) if any(v is not None for v in row)]


def row_starting(ws, *first: object) -> tuple:
    """The first row whose leading cells are ``first``."""
    for row in rows_of(ws):
        if row[: len(first)] == first:
            return row
    raise AssertionError(f"no row starts with {first!r} in {ws.title}")


def block_under(ws, heading: str) -> list[tuple]:
    """The rows of the table under ``heading`` (header row first), up to the next blank row."""
    found, out = False, []
    for row in ws.iter_rows(values_only=True):
        if found:
            if all(v is None for v in row):
                break
            out.append(row)
        elif row[0] == heading:
            found = True
    assert found, f"no heading {heading!r} in {ws.title}"
    return out


def assert_nothing_runs(wb) -> None:
    """No cell is a formula, and no text cell starts with a formula character unescaped."""
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                assert not is_formula_like(cell.value), f"{ws.title}!{cell.coordinate}"


@pytest.fixture
def workbook(tiny_report):
    summary, path = tiny_report
    return summary, openpyxl.load_workbook(path)


def test_sheets_and_summary(workbook) -> None:
    summary, wb = workbook
    assert wb.sheetnames == ["Summary", "Svc Service desk", "App Payroll"]
    assert summary.sheets == tuple(wb.sheetnames)
    assert summary.services == (SERVICE,)
    assert summary.applications == (APP,)
    assert summary.charts == sum(len(ws._charts) for ws in wb)
    assert "3 sheets (1 services, 1 applications)" in summary.text()


def test_key_figures_by_hand(workbook) -> None:
    _, wb = workbook
    ws = wb["Summary"]
    assert ws["A1"].value == "PMO monthly report: August 2026"
    header = row_starting(ws, "Pillar")
    assert header[:9] == ("Pillar", "Indicator", "Value", "Unit", "July 2026", "Change",
                          "Target", "Status", "What it measures")  # fmt: skip
    sla = registry.get("sla-compliance")
    row = row_starting(ws, "Services", sla.label)
    assert row[2:8] == (75.0, "%", 100.0, -25.0, 90.0, "✗ off target")
    assert row[8] == sla.definition  # definitions come from the registry
    velocity = registry.get("velocity")
    row = row_starting(ws, "Delivery", velocity.label)
    # no sprint ended in July; a sum over teams is never judged against one service's target
    assert row[2:8] == (4.0, "pts", None, None, None, None)


def test_number_formats_and_status_colours(workbook) -> None:
    _, wb = workbook
    ws = wb["Summary"]
    for row in ws.iter_rows(min_row=1, max_row=40):
        if row[1].value == registry.get("sla-compliance").label:
            assert row[2].number_format == '0.0"%"'
            assert row[5].number_format == "+#,##0.0;-#,##0.0;0.0"
            assert row[7].fill.fgColor.rgb.endswith("D55E00")  # Okabe–Ito vermillion: red
            # IBCS: a fall in a higher-is-better metric is a change for the worse, in red
            assert row[5].font.color.rgb.endswith("D55E00")
            break
    else:
        raise AssertionError("no SLA compliance row")


def test_scorecard_and_risks_on_the_summary(workbook) -> None:
    _, wb = workbook
    ws = wb["Summary"]
    card = block_under(ws, "Services scorecard, August 2026")
    assert [row[:6] for row in card] == [
        ("Service", "Indicator", "Value", "Unit", "Target", "Status"),
        (SERVICE, "Resolved in time", 75.0, "%", 90.0, "✗ off target"),
    ]
    risks = block_under(ws, "Top open risks, August 2026")
    assert risks[0][:3] == ("Risk", "Title", "Application")
    assert risks[1][:3] == ("R-1", "'" + EVIL_RISK, APP)
    assert risks[1][6] == 20  # score = 4 x 5
    assert risks[0][10] == "Overdue" and risks[1][10] == "No"  # no mitigation date: not overdue


@pytest.mark.parametrize(("lang", "yes", "no"), [("en", "Yes", "No"), ("es", "Sí", "No")])
def test_yes_no_in_the_language(lang: str, yes: str, no: str) -> None:
    """A boolean column is written as words, never TRUE / FALSE (which Excel shows in English
    whatever the reader's language); a missing value stays empty."""
    w = SheetWriter(openpyxl.Workbook().active, lang)
    frame = pd.DataFrame(
        {
            "closed": [True, False, True],
            "overdue": pd.array([np.bool_(True), None, False], dtype="boolean"),
            "items": [1, 0, 2],  # numbers stay numbers: 1 and 0 are not yes and no
        }
    )
    block = w.table(frame)
    cells = [
        [w.ws.cell(row=r, column=c).value for c in (1, 2, 3)]
        for r in range(block.first_row, block.last_row + 1)
    ]
    assert cells == [[yes, yes, 1], [no, None, 0], [yes, no, 2]]
    assert all(w.ws.cell(row=2, column=c).data_type == "s" for c in (1, 2))


def test_summary_charts_by_hand(workbook) -> None:
    """The Summary draws the portfolio's SLA compliance by month against the target every
    service shares, and the applications per health status, over its own cells."""
    _, wb = workbook
    ws = wb["Summary"]
    trend = block_under(ws, "SLA compliance of every service over the 12 months to August 2026")
    assert trend[0][:5] == ("Month", "Tickets", "Met SLA", "Compliance %", "Target %")
    assert len(trend) == 1 + 12
    # July 2 met of 2 = 100.0 %; August 3 of 4 = 75.0 % (the key figure); the one service's
    # target 90 is the target every service shares
    assert [r[:5] for r in trend[-3:]] == [
        ("Jun 2026", 0, 0, None, 90.0),
        ("Jul 2026", 2, 2, 100.0, 90.0),
        ("Aug 2026", 4, 3, 75.0, 90.0),
    ]
    assert row_starting(ws, "Services", registry.get("sla-compliance").label)[2] == 75.0
    counts = [r[:2] for r in block_under(ws, "Applications by status, August 2026")]
    # Payroll is red (SLA compliance 75.0 % below its target): one off target, none else
    assert counts == [
        ("Status", "Applications"),
        ("✓ on target", 0),
        ("! at risk", 0),
        ("✗ off target", 1),
        ("– no data", 0),
    ]
    kinds = [type(chart).__name__ for chart in ws._charts]
    assert kinds == ["LineChart", "BarChart"]
    # each chart over its table's cells: the rows under the heading and its header row
    sla_row = next(c.row for (c,) in ws.iter_rows(max_col=1) if c.value == "Sep 2025")
    status_row = next(c.row for (c,) in ws.iter_rows(max_col=1) if c.value == "✓ on target")
    refs = [s.val.numRef.f for chart in ws._charts for s in chart.series]
    assert refs == [
        f"'Summary'!$D${sla_row}:$D${sla_row + 11}",  # compliance
        f"'Summary'!$E${sla_row}:$E${sla_row + 11}",  # target
        f"'Summary'!$B${status_row}:$B${status_row + 3}",  # applications per status
    ]


def test_service_sheet(workbook) -> None:
    _, wb = workbook
    ws = wb["Svc Service desk"]
    assert ws["A1"].value == f"Service: {SERVICE}"
    assert ws["A2"].value == f"'{EVIL_DESCRIPTION} · launched"
    trend = block_under(ws, "Indicators over the 12 months to August 2026")
    assert trend[0][:3] == ("Month", "Resolved in time", "Resolved in time · target")
    assert [r[:3] for r in trend[1:]][-3:] == [
        ("Jun 2026", None, 90.0),
        ("Jul 2026", 100.0, 90.0),
        ("Aug 2026", 75.0, 90.0),
    ]
    tickets = block_under(ws, "Tickets over the 12 months to August 2026")
    assert tickets[0][:5] == ("Month", "Tickets", "Met SLA", "Compliance %", "Target %")
    assert tickets[-1][:5] == ("Aug 2026", 4, 3, 75.0, 90.0)
    assert tickets[-2][:5] == ("Jul 2026", 2, 2, 100.0, 90.0)
    assert len(ws._charts) == 2  # the indicator against its target; SLA compliance by month
    assert ws.freeze_panes == "A4"


def test_application_sheet(workbook) -> None:
    _, wb = workbook
    ws = wb["App Payroll"]
    assert ws["A1"].value == f"Application: {APP}"
    sprints = block_under(ws, "Delivery: sprints ending in the 12 months to August 2026")
    assert sprints[0][:8] == (
        "Team", "Sprint", "Start", "End", "Committed points", "Completed points",
        "Say/do ratio", "Carried over points",
    )  # fmt: skip
    assert [r[1] for r in sprints[1:]] == ["PAY Sprint 1", "PAY Sprint 2"]
    assert [r[4:8] for r in sprints[1:]] == [(8.0, 5.0, 0.625, 3.0), (5.0, 3.0, 0.6, 2.0)]
    throughput = block_under(ws, "Throughput over the 12 months to August 2026")
    assert throughput[-1][:2] == ("Aug 2026", 2)
    assert len(ws._charts) == 3  # velocity, throughput, incidents' SLA compliance
    health = block_under(ws, "Health, August 2026")
    assert health[0][:3] == ("Application", "Status", "Reason")
    assert health[1][:2] == (APP, "✗ off target")
    assert "SLA compliance 75.0% < target 90%" in health[1][2]


def test_sheet_titles_cut_at_a_word_and_kept_unique() -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    names = [
        "Svc Centro de Atención a Usuarios",  # long: cut after a whole word
        "App " + "Expedienteselectronicosdelaadministracion",  # no space after App: mid-word
        "Svc Centro de Atención a Usuarias",  # cuts to the first one's title
        "Svc Centro de Atención a Usuarios externos",  # and a third
        "SVC CENTRO DE ATENCIÓN A USUARIOS",  # Excel compares names without case
    ]
    for name in names:
        wb.create_sheet(unique_title(wb, name))
    assert wb.sheetnames == [
        "Svc Centro de Atención a…",
        "App Expedienteselectronicosdel…",
        "Svc Centro de Atención a… (2)",
        "Svc Centro de Atención a… (3)",
        "SVC CENTRO DE ATENCIÓN A… (4)",
    ]
    assert all(len(title) <= 31 for title in wb.sheetnames)


def test_contents_link_to_sheets_with_cut_names(con, put, tmp_path: Path) -> None:
    """Two services whose sheet names cut to the same title: each link opens its own sheet."""
    long_names = ["Centro de Atención a Usuarias", "Centro de Atención a Usuarios"]  # name order
    put("services", [{"service": name, "state": "launched"} for name in long_names])
    put("risks", [{"risk_id": "R-9", "title": "x", "service": long_names[1], "probability": 1,
                   "impact": 1, "status": "open", "raised": "2026-06-01"}])  # fmt: skip
    summary = build_report(Source.from_duckdb(con), MONTH, tmp_path / "long.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "long.xlsx")
    assert wb.sheetnames == [
        "Summary",
        "Svc Centro de Atención a…",
        "Svc Centro de Atención a… (2)",
    ]
    assert summary.sheets == tuple(wb.sheetnames)
    links = {
        row[0].value: row[0].hyperlink.location or row[0].hyperlink.target
        for row in wb["Summary"].iter_rows()
        if row[0].hyperlink is not None
    }
    assert links == {
        f"Service: {long_names[0]}": "#'Svc Centro de Atención a…'!A1",
        f"Service: {long_names[1]}": "#'Svc Centro de Atención a… (2)'!A1",
    }
    for text, location in links.items():  # each link's sheet is that service's
        sheet = wb[location.split("'")[1]]
        assert sheet["A1"].value == text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_header_has_a_label(tiny, tmp_path: Path, monkeypatch, lang: str) -> None:
    """Every column the report heads comes from headers.py ("Met SLA", not "Met sla"): none
    falls back to its code name made readable (an indicator is headed by its catalog name)."""
    from pmo_metrics.exports import workbook
    from pmo_metrics.headers import LABELS, column_label

    asked: list[str] = []

    def label(name: str, lang: str) -> str:
        asked.append(name)
        return column_label(name, lang)

    monkeypatch.setattr(workbook, "column_label", label)
    build_report(tiny, MONTH, tmp_path / "headers.xlsx", lang=lang)
    assert {"met_sla", "compliance_pct", "applications", "overdue"} <= set(asked)
    assert sorted(set(asked) - set(LABELS)) == []


def test_no_cell_can_run_as_a_formula(workbook) -> None:
    _, wb = workbook
    assert_nothing_runs(wb)


def test_charts_reference_the_sheet_cells(workbook) -> None:
    _, wb = workbook
    ws = wb["Svc Service desk"]
    refs = [s.val.numRef.f for chart in ws._charts for s in chart.series]
    assert all(ref.startswith("'Svc Service desk'!") for ref in refs)


def test_spanish_report(tiny, tmp_path: Path) -> None:
    summary = build_report(tiny, MONTH, tmp_path / "informe.xlsx", lang="es")
    wb = openpyxl.load_workbook(tmp_path / "informe.xlsx")
    assert wb.sheetnames == ["Resumen", "Serv Service desk", "Apl Payroll"]
    assert summary.sheets == tuple(wb.sheetnames)
    ws = wb["Resumen"]
    assert ws["A1"].value == "Informe mensual de la PMO: agosto 2026"
    row = row_starting(ws, "Servicios", "Cumplimiento del ANS")  # the label in Spanish
    assert row[2:8] == (75.0, "%", 100.0, -25.0, 90.0, "✗ fuera de objetivo")
    assert row[8].startswith("Tickets resueltos en el mes")  # so is the definition
    health = block_under(ws, "Salud de la cartera, agosto 2026")
    assert health[1][:3] == (
        "Payroll",
        "✗ fuera de objetivo",
        "Cumplimiento ANS 75,0 % < objetivo 90 %",
    )
    sprints = block_under(
        wb["Apl Payroll"], "Entrega: sprints terminados en los 12 meses hasta agosto 2026"
    )
    assert sprints[0][:6] == ("Equipo", "Sprint", "Inicio", "Fin", "Puntos comprometidos",
                              "Puntos completados")  # fmt: skip
    tickets = block_under(wb["Serv Service desk"], "Tickets en los 12 meses hasta agosto 2026")
    assert tickets[0][0] == "Mes" and tickets[-1][0] == "Ago 2026"


def test_report_into_a_file_object_with_progress(tiny) -> None:
    buffer, told = io.BytesIO(), []
    build_report(tiny, MONTH, buffer, progress=lambda f, text: told.append((f, text)))
    assert openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).sheetnames[0] == "Summary"
    fractions = [f for f, _ in told]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert (1 / 4, f"Service: {SERVICE}") in told


def test_an_empty_store_gives_a_summary_of_what_is_missing(con, tmp_path: Path) -> None:
    summary = build_report(Source.from_duckdb(con), MONTH, tmp_path / "empty.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "empty.xlsx")
    assert wb.sheetnames == ["Summary"]
    assert summary.services == () and summary.applications == () and summary.charts == 0
    ws = wb["Summary"]
    sla = registry.get("sla-compliance")
    row = row_starting(ws, "Services", sla.label)
    assert row[2] == "– no data"
    assert row[8].startswith("no data: no tickets")
    assert any("no tickets" in gap for gap in summary.no_data)
    assert_nothing_runs(wb)


def test_a_bad_month_is_refused_before_writing(tiny, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="expected YYYY-MM"):
        build_report(tiny, "August", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_months_helpers() -> None:
    assert shift_month("2026-01", -1) == "2025-12"
    assert shift_month("2025-12", 1) == "2026-01"
    assert trend_months("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]


def test_monthly_split_equals_month_by_month(tiny) -> None:
    """The report computes a metric with a ``month`` column once over the window and reads
    each month's rows. Wherever the month asked alone has rows, the numbers are the same;
    where it has none (nothing happened in that month for that scope), the window's rows for
    the month are the zero rows the metric fills a range with, or there are none."""
    months = ["2026-06", "2026-07", "2026-08"]
    report = Report(tiny, MONTH, "en")
    checked = 0
    for metric in registry.all_metrics():
        if metric.headline is None or "month" not in metric.columns:
            continue
        split = report.monthly(metric.name, months)
        window = report.run(metric.name, Scope(f"{months[0]}:{months[-1]}"))
        for month in months:
            alone = Report(tiny, MONTH, "en").run(metric.name, Scope(month))
            assert (split[month].missing is None) == (alone.missing is None), metric.name
            if alone.missing:
                continue
            if alone.frame.empty:
                rows = window.frame[(month_keys(window.frame["month"]) == month).to_numpy()]
                numbers = rows.select_dtypes("number").fillna(0)
                assert (numbers == 0).all().all(), (metric.name, month, rows)
            else:
                expected = metric.headline(alone.frame)
                assert split[month].value == pytest.approx(expected, nan_ok=True), (
                    metric.name,
                    month,
                )
        checked += 1
    assert checked >= 5


def test_indicator_trend_equals_the_scorecard_trend(tiny) -> None:
    """The report's month-by-month indicators are the registry's scorecard-trend values."""
    report = Report(tiny, MONTH, "en")
    mine = indicator_trend(report, report.catalog.indicators_of(SERVICE))
    window = f"{trend_months(MONTH)[0]}:{MONTH}"
    theirs = registry.get("scorecard-trend").run(tiny, Filters.from_period(window, service=SERVICE))
    theirs = theirs[theirs["indicator"] == "Resolved in time"]
    assert list(month_keys(theirs["month"])) == trend_months(MONTH)
    assert mine["Resolved in time"].tolist() == pytest.approx(theirs["value"].tolist(), nan_ok=True)
