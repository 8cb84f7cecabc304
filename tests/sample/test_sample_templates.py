"""The template workbook: built from the schema, and every sheet round-trips through import."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from pmo_metrics.exports.templates import (
    EXAMPLE_PREFIX,
    INSTRUCTIONS_SHEET,
    PMO_TABLES,
    REQUIRED_FILL,
    metric_names,
    template_bytes,
    write_templates,
)
from pmo_metrics.schema.allowed import ALLOWED_VALUES
from pmo_metrics.schema.tables import table_specs
from pmo_metrics.store.connection import connect

ROOT = Path(__file__).resolve().parents[2]

# One or two rows per sheet, as a PMO lead would type them (lists as "a; b" cells).
FILL: dict[str, list[dict]] = {
    "applications": [
        {
            "application": "Nóminas",
            "description": "Payroll",
            "services": "Maintenance; Desk",
            "client_area": "HR",
            "criticality": "critical",
            "owner": "HR director",
            "lifecycle": "production",
            "jira_project": "NOM",
            "ado_project": "Payroll",
            "itsm_ci": "NOM-PRO",
            "team": "Economía",
            "is_pmo": False,
        },
        {
            "application": "PMO rollout",
            "services": "Maintenance",
            "criticality": "low",
            "is_pmo": True,
        },
    ],
    "services": [
        {
            "service": "Maintenance",
            "description": "Corrective",
            "criteria": "All apps",
            "value_process": "Ask > do",
            "roles": "SM; Dev",
            "profiles": "Analyst",
            "state": "launched",
            "launch_date": date(2025, 3, 1),
        },
        {"service": "Desk", "state": "planned", "launch_date": date(2027, 1, 15)},
    ],
    "indicators": [
        {
            "service": "Maintenance",
            "indicator": "SLA met",
            "metric": "sla-compliance",
            "target": 95.5,
            "direction": "higher",
            "amber_threshold": 90,
        },
    ],
    "resolution_targets": [
        {"service": "Maintenance", "priority": 1, "target_hours": 4},
        {"service": "Maintenance", "priority": 4, "target_hours": 72.5},
    ],
    "sprints": [
        {
            "team": "Economía",
            "sprint": "ECO Sprint 9",
            "start_date": date(2026, 1, 5),
            "end_date": date(2026, 1, 16),
            "committed_points": 34,
            "goal": "IRPF",
        },
        {
            "team": "Economía",
            "sprint": "ECO Sprint 10",
            "start_date": date(2026, 1, 19),
            "end_date": date(2026, 1, 30),
        },
    ],
    "effort": [
        {
            "person": "Ana García",
            "role": "Developer",
            "profile": "Programmer",
            "work_date": date(2026, 2, 3),
            "hours": 7.5,
            "service": "Maintenance",
            "application": "Nóminas",
        },
        {
            "person": "Ana García",
            "role": "Developer",
            "work_date": date(2026, 2, 4),
            "hours": 8,
            "service": "Maintenance",
            "application": "Nóminas",
        },
    ],
    "capacity": [{"person": "Ana García", "month": date(2026, 2, 1), "hours_available": 152}],
    "costs": [
        {
            "application": "Nóminas",
            "month": date(2026, 1, 1),
            "budget": 10000,
            "actual": 10500.25,
            "planned_value": 10000,
            "earned_value": 9800,
            "bac": 120000,
        },
        {
            "application": "Nóminas",
            "month": date(2026, 2, 1),
            "budget": 20000,
            "actual": 21000,
            "planned_value": 20000,
            "pct_complete": 16.5,
            "bac": 120000,
        },
    ],
    "risks": [
        {
            "risk_id": "R-1",
            "title": "Key person leaves",
            "application": "Nóminas",
            "service": "Maintenance",
            "probability": 4,
            "impact": 5,
            "owner": "PMO",
            "status": "open",
            "raised": date(2026, 1, 10),
            "mitigation": "Pairing",
            "mitigation_due": date(2026, 3, 31),
        },
        {
            "risk_id": "R-2",
            "title": "Budget cut",
            "probability": 1,
            "impact": 2,
            "status": "closed",
            "closed": date(2026, 2, 1),
        },
    ],
    "improvement_actions": [
        {
            "action_id": "IA-1",
            "title": "Automate exports",
            "service": "Desk",
            "application": "Nóminas",
            "owner": "PMO",
            "status": "in progress",
            "opened": date(2026, 1, 2),
            "due": date(2026, 3, 1),
            "benefit_expected": 12,
            "benefit_unit": "hours/month",
        },
        {
            "action_id": "IA-2",
            "title": "Checklist",
            "status": "closed",
            "opened": date(2026, 1, 5),
            "due": date(2026, 2, 1),
            "closed": date(2026, 2, 10),
            "benefit_expected": 2,
            "benefit_realised": 1.5,
        },
    ],
    "stakeholders": [
        {
            "stakeholder": "Sponsor",
            "organisation": "Client",
            "role": "Sponsor",
            "service": "Maintenance",
            "application": "Nóminas",
            "power": 5,
            "interest": 4,
            "current_engagement": 3,
            "desired_engagement": 5,
            "last_contact": date(2026, 9, 1),
            "contact_frequency_days": 30,
        },
    ],
    "expected_sources": [
        {
            "source": "Jira NOM",
            "kind": "jira",
            "identifier": "NOM",
            "services": "Maintenance",
            "applications": "Nóminas; Tributos",
            "due_day": 5,
            "first_month": date(2026, 1, 1),
            "owner": "Scrum Master",
        },
        {
            "source": "Timesheets",
            "kind": "timesheets",
            "identifier": "horas*.csv",
            "services": "Maintenance; Desk",
            "applications": "Nóminas",
            "due_day": 3,
        },
    ],
}


def expected(table: str, row: dict) -> dict:
    """The row as DuckDB returns it: every column present, lists split, numbers typed."""
    spec = table_specs()[table]
    out = {}
    for col, typ in spec.types.items():
        value = row.get(col)
        if value is not None and typ == "VARCHAR[]":
            value = [v.strip() for v in value.split(";")]
        elif value is not None and typ == "DOUBLE":
            value = float(value)
        out[col] = value
    return out


def fill(path: Path, rows: dict[str, list[dict]]) -> None:
    """Type rows below the example row, in the columns the header names."""
    book = openpyxl.load_workbook(path)
    for table, table_rows in rows.items():
        sheet = book[table]
        header = [c.value for c in sheet[1]]
        for r, row in enumerate(table_rows, start=3):
            for col, value in row.items():
                sheet.cell(r, header.index(col) + 1, value)
    book.save(path)


def read_back(con, table: str) -> list[dict]:
    spec = table_specs()[table]
    cols = ", ".join(f'"{c}"' for c in spec.columns)
    order = ", ".join(f'"{k}"' for k in spec.key)
    cur = con.execute(f"SELECT {cols} FROM {table} ORDER BY {order}")
    return [dict(zip(spec.columns, r, strict=True)) for r in cur.fetchall()]


def test_every_pmo_table_has_a_fill_row() -> None:
    assert set(FILL) == set(PMO_TABLES)


def test_template_is_built_from_the_schema(tmp_path: Path) -> None:
    path = write_templates(tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [INSTRUCTIONS_SHEET, *PMO_TABLES]
    for table in PMO_TABLES:
        spec = table_specs()[table]
        sheet = book[table]
        assert [c.value for c in sheet[1]] == list(spec.columns)
        assert sheet.max_row == 2
        assert str(sheet.cell(2, 1).value).startswith(EXAMPLE_PREFIX)
        assert sheet.cell(2, 1).font.italic
        assert sheet.freeze_panes == "A2"
        for cell in sheet[1]:
            assert cell.font.bold
            assert cell.comment is not None
            is_required = cell.fill.start_color.rgb == REQUIRED_FILL.start_color.rgb
            assert is_required == (cell.value in spec.required), (table, cell.value)
            assert cell.comment.text.startswith("Required." if is_required else "Optional.")


def test_validation_lists_come_from_the_allowed_values(tmp_path: Path) -> None:
    path = write_templates(tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(path)
    instructions = book[INSTRUCTIONS_SHEET]
    for (table, column), values in {
        **ALLOWED_VALUES,
        ("indicators", "metric"): metric_names(),
    }.items():
        sheet = book[table]
        letter = openpyxl.utils.get_column_letter(table_specs()[table].columns.index(column) + 1)
        [dv] = [
            d
            for d in sheet.data_validations.dataValidation
            if str(d.sqref) == f"{letter}3:{letter}2000"
        ]
        assert dv.type == "list"
        cells = dv.formula1.split("!")[1].replace("$", "")
        listed = [c.value for row in instructions[cells] for c in row]
        assert listed == list(values), (table, column)
    risks = book["risks"]
    whole = {
        str(d.sqref): (d.type, d.formula1, d.formula2)
        for d in risks.data_validations.dataValidation
        if d.type == "whole"
    }
    assert whole == {"E3:E2000": ("whole", "1", "5"), "F3:F2000": ("whole", "1", "5")}


def test_criticality_values_are_the_schema_comment() -> None:
    assert ALLOWED_VALUES[("applications", "criticality")] == ("low", "medium", "high", "critical")
    assert ALLOWED_VALUES[("improvement_actions", "status")] == (
        "open",
        "in progress",
        "closed",
        "cancelled",
    )


def test_subset_of_tables_and_unknown_table(tmp_path: Path) -> None:
    path = write_templates(tmp_path / "t.xlsx", tables=["risks", "costs"])
    assert openpyxl.load_workbook(path).sheetnames == [INSTRUCTIONS_SHEET, "risks", "costs"]
    with pytest.raises(ValueError, match="not canonical tables: nope"):
        write_templates(tmp_path / "u.xlsx", tables=["nope"])


def test_every_sheet_round_trips(tmp_path: Path, con) -> None:
    from pmo_metrics.importing import import_paths

    path = write_templates(tmp_path / "filled.xlsx")
    fill(path, FILL)
    result = import_paths(con, [path])
    assert {t: c.added for t, c in result.counts.items()} == {t: len(r) for t, r in FILL.items()}
    for table, rows in FILL.items():
        key = table_specs()[table].key
        want = sorted((expected(table, r) for r in rows), key=lambda r: [r[k] for k in key])
        assert read_back(con, table) == want, table
    prov = con.execute(
        "SELECT source_file, source_sheet, source_row FROM risks ORDER BY risk_id"
    ).fetchall()
    assert prov == [("filled.xlsx", "risks", 3), ("filled.xlsx", "risks", 4)]


def test_blank_template_loads_nothing(tmp_path: Path, con) -> None:
    from pmo_metrics.importing import import_paths
    from pmo_metrics.schema.problems import ImportRejected

    path = write_templates(tmp_path / "blank.xlsx")
    try:
        result = import_paths(con, [path])
    except ImportRejected as exc:  # refusing an empty workbook with a message is fine too
        assert "nothing was loaded" in str(exc)
    else:
        assert all(c.added == 0 for c in result.counts.values())
    for table in PMO_TABLES:
        assert con.execute(f"SELECT count(*) FROM {table}").fetchall() == [(0,)]


def test_template_command(tmp_path: Path) -> None:
    out = tmp_path / "templates.xlsx"
    run = subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "template", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"wrote {out} (12 sheets and the instructions)"
    assert openpyxl.load_workbook(out).sheetnames == [INSTRUCTIONS_SHEET, *PMO_TABLES]
    bad = subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "template", str(tmp_path / "t.csv")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert "must end in .xlsx" in bad.stdout


def test_store_rows_written_back_reimport_identically(tmp_path: Path, con) -> None:
    """A table read from DuckDB (numpy lists, NaN, Timestamps) written with ``data=`` and
    imported into another store gives the same rows: the path of an in-place catalog edit."""
    from pmo_metrics.importing import import_paths

    path = write_templates(tmp_path / "filled.xlsx")
    fill(path, FILL)
    import_paths(con, [path])
    data = {}
    for table in PMO_TABLES:
        cols = ", ".join(f'"{c}"' for c in table_specs()[table].columns)
        data[table] = con.execute(f"SELECT {cols} FROM {table}").df().to_dict("records")
    again = tmp_path / "again.xlsx"
    again.write_bytes(template_bytes(data=data))
    other = connect(tmp_path / "other.duckdb")
    import_paths(other, [again])
    for table in PMO_TABLES:
        assert read_back(other, table) == read_back(con, table), table
    other.close()
