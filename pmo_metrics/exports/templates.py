"""The PMO's template workbook: one sheet per PMO-owned canonical table, built from the schema.

Each sheet has the table's canonical column names as its header (required ones filled and
commented), an example row whose first cell starts with ``e.g.`` (the readers skip it), Excel
data-validation lists where the values are fixed (:mod:`pmo_metrics.store.allowed`) and number
formats for dates. An ``Instructions`` sheet comes first. The same writer, given ``data``, writes
a filled workbook (the sample data uses it), so a template and a filled file never diverge.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pmo_metrics.metrics.registry import all_metrics
from pmo_metrics.schema.allowed import ALLOWED_VALUES, INTEGER_RANGES, LIST_SEPARATOR
from pmo_metrics.schema.tables import TableSpec, table_specs

# The canonical tables the PMO keeps by hand, in the order a new PMO fills them in.
PMO_TABLES: tuple[str, ...] = (
    "applications",
    "services",
    "indicators",
    "resolution_targets",
    "sprints",
    "effort",
    "capacity",
    "costs",
    "risks",
    "improvement_actions",
    "stakeholders",
    "expected_sources",
)
INSTRUCTIONS_SHEET = "Instructions"
EXAMPLE_PREFIX = "e.g. "
DATE_FORMAT = "yyyy-mm-dd"
VALIDATED_ROWS = 2000  # data validation and formats reach this row

PURPOSE: dict[str, str] = {
    "applications": "The applications portfolio: each information system, its services and "
    "which Jira project / Azure DevOps project / ITSM configuration item maps to it.",
    "services": "The services catalog: criteria, value process, roles, profiles, state and "
    "launch date of each service the PMO offers.",
    "indicators": "Each service's indicators: the registry metric measured, its target, which "
    "direction is better and the amber threshold (the boundary between amber and red).",
    "resolution_targets": "Resolution target in hours per service and ticket priority, used "
    "to judge SLA where a ticket export carries no SLA flag.",
    "sprints": "The sprint calendar: team, sprint name as the tool shows it, dates and the "
    "points committed at sprint start when known.",
    "effort": "Timesheets: hours per person, role, date, service and application.",
    "capacity": "Hours available per person and month (first day of the month), for utilisation.",
    "costs": "Budget and earned-value inputs per application and month: budget and actual "
    "cost of the month; planned value, earned value (or % complete) cumulative to date; BAC.",
    "risks": "The risk register: probability and impact 1-5, owner, mitigation and its due date.",
    "improvement_actions": "Continuous improvement actions: status, dates and benefit "
    "expected vs realised.",
    "stakeholders": "The stakeholder register: power / interest, current and desired "
    "engagement (1 unaware .. 5 leading), last contact and agreed contact frequency.",
    "expected_sources": "What the PMO expects every month: each export or sheet, the services "
    "and applications it feeds, and by which day of the following month it is due (the Data "
    "page's checklist and every page's completeness line judge the loads against it).",
}

HELP: dict[tuple[str, str], str] = {
    ("applications", "application"): "Name of the application (unique).",
    ("applications", "services"): "Services it belongs to, separated by ';'.",
    ("applications", "criticality"): "low, medium, high or critical.",
    ("applications", "lifecycle"): "e.g. development, production, retiring.",
    ("applications", "jira_project"): "Jira project key whose issues belong to it.",
    ("applications", "ado_project"): "Azure DevOps project (first segment of the area path).",
    ("applications", "itsm_ci"): "ITSM configuration item of its tickets.",
    ("applications", "team"): "Delivery team that works on it.",
    ("applications", "is_pmo"): "TRUE for the PMO's own rollout project.",
    ("services", "service"): "Name of the service (unique).",
    ("services", "state"): "planned, piloting or launched.",
    ("services", "launch_date"): "Date launched (or planned launch).",
    ("indicators", "service"): "A service of the services sheet.",
    ("indicators", "indicator"): "Name of the indicator, unique within the service.",
    ("indicators", "metric"): "A metric of the registry (see the list in Instructions).",
    ("indicators", "target"): "The value that counts as on target.",
    ("indicators", "direction"): "higher or lower: which is better.",
    ("indicators", "amber_threshold"): "Boundary between amber and red.",
    ("resolution_targets", "priority"): "Ticket priority 1 (critical) .. 5 (planning).",
    ("resolution_targets", "target_hours"): "Hours from opened to resolved.",
    ("sprints", "sprint"): "Sprint name exactly as in Jira / Azure DevOps.",
    ("sprints", "committed_points"): "Points committed at sprint start (optional).",
    ("effort", "work_date"): "Day worked (or the Monday of the week).",
    ("capacity", "month"): "First day of the month.",
    ("costs", "month"): "First day of the month.",
    ("costs", "budget"): "Budget of the month.",
    ("costs", "actual"): "Actual cost of the month.",
    ("costs", "planned_value"): "PV cumulative to the end of the month.",
    ("costs", "earned_value"): "EV cumulative; leave empty if pct_complete is given.",
    ("costs", "pct_complete"): "% complete (0-100); EV = % x BAC.",
    ("costs", "bac"): "Budget at completion.",
    ("risks", "probability"): "1 (rare) .. 5 (almost certain).",
    ("risks", "impact"): "1 (minor) .. 5 (severe).",
    ("risks", "status"): "open or closed.",
    ("improvement_actions", "status"): "open, in progress, closed or cancelled.",
    ("improvement_actions", "benefit_unit"): "e.g. hours/month, %, EUR/year.",
    ("stakeholders", "current_engagement"): "1 unaware, 2 resistant, 3 neutral, "
    "4 supportive, 5 leading.",
    ("stakeholders", "desired_engagement"): "1 unaware .. 5 leading.",
    ("stakeholders", "contact_frequency_days"): "Agreed days between contacts.",
    ("expected_sources", "source"): "Name of the source as the PMO calls it (unique).",
    ("expected_sources", "kind"): "jira, azure_devops, incidents, requests, timesheets, "
    "capacity, costs, risks, improvement_actions, stakeholders, sprints or catalog.",
    ("expected_sources", "identifier"): "Jira project key or Azure DevOps project; for other "
    "kinds a file name pattern (* any text); empty: any file of the kind.",
    ("expected_sources", "services"): "Services it feeds, separated by ';'.",
    ("expected_sources", "applications"): "Applications it feeds, separated by ';'.",
    ("expected_sources", "due_day"): "Day of the following month by which it is due.",
    ("expected_sources", "first_month"): "First month it is expected (first day of the month); "
    "empty: every month.",
}

EXAMPLES: dict[str, dict[str, Any]] = {
    "applications": {
        "application": "Sede electrónica",
        "description": "Citizen e-government portal",
        "services": ["Application maintenance", "Digital transformation"],
        "client_area": "Citizen services",
        "criticality": "high",
        "owner": "Head of e-government",
        "lifecycle": "production",
        "jira_project": "SEDE",
        "itsm_ci": "SEDE-PRO",
        "team": "Tramitación",
        "is_pmo": False,
    },
    "services": {
        "service": "Application maintenance",
        "description": "Corrective and evolutionary maintenance",
        "criteria": "Every application in production",
        "value_process": "Demand > analysis > delivery > acceptance",
        "roles": "Service manager; Scrum Master; Developer",
        "profiles": "Project manager; Analyst programmer",
        "state": "launched",
        "launch_date": date(2025, 3, 1),
    },
    "indicators": {
        "service": "Application maintenance",
        "indicator": "Incidents resolved in SLA",
        "metric": "sla-compliance",
        "target": 95.0,
        "direction": "higher",
        "amber_threshold": 90.0,
    },
    "resolution_targets": {"service": "Application maintenance", "priority": 1, "target_hours": 4},
    "sprints": {
        "team": "Tramitación",
        "sprint": "TRAM Sprint 31",
        "start_date": date(2025, 11, 10),
        "end_date": date(2025, 11, 21),
        "committed_points": 34,
        "goal": "Online payment in the citizen portal",
    },
    "effort": {
        "person": "Ana García",
        "role": "Developer",
        "profile": "Analyst programmer",
        "work_date": date(2026, 1, 12),
        "hours": 7.5,
        "service": "Application maintenance",
        "application": "Sede electrónica",
    },
    "capacity": {"person": "Ana García", "month": date(2026, 1, 1), "hours_available": 152},
    "costs": {
        "application": "Sede electrónica",
        "month": date(2026, 1, 1),
        "budget": 42000,
        "actual": 44150.5,
        "planned_value": 126000,
        "earned_value": 118000,
        "bac": 504000,
    },
    "risks": {
        "risk_id": "R-001",
        "title": "Key developer leaves the team",
        "application": "Sede electrónica",
        "service": "Application maintenance",
        "probability": 3,
        "impact": 4,
        "owner": "PMO lead",
        "status": "open",
        "raised": date(2026, 1, 15),
        "mitigation": "Pair programming and documentation",
        "mitigation_due": date(2026, 3, 31),
    },
    "improvement_actions": {
        "action_id": "IA-001",
        "title": "Automate the monthly export of tickets",
        "service": "Service desk",
        "owner": "PMO analyst",
        "status": "in progress",
        "opened": date(2026, 2, 1),
        "due": date(2026, 4, 30),
        "benefit_expected": 16,
        "benefit_unit": "hours/month",
    },
    "stakeholders": {
        "stakeholder": "Director of Digital Services",
        "organisation": "Client",
        "role": "Sponsor",
        "power": 5,
        "interest": 4,
        "current_engagement": 3,
        "desired_engagement": 5,
        "last_contact": date(2026, 9, 15),
        "contact_frequency_days": 30,
    },
    "expected_sources": {
        "source": "Jira SEDE",
        "kind": "jira",
        "identifier": "SEDE",
        "services": ["Application maintenance"],
        "applications": ["Sede electrónica"],
        "due_day": 5,
        "first_month": date(2026, 1, 1),
        "owner": "Tramitación Scrum Master",
    },
}

HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", start_color="FFE699", end_color="FFE699")
OPTIONAL_FILL = PatternFill("solid", start_color="D9E1F2", end_color="D9E1F2")
EXAMPLE_FONT = Font(italic=True, color="808080")


def metric_names() -> tuple[str, ...]:
    """The allowed values of ``indicators.metric``: the registry's names."""
    return tuple(m.name for m in all_metrics())


def allowed_values(table: str, column: str) -> tuple[str, ...] | None:
    """The fixed values of a column, or None where any value goes."""
    if (table, column) == ("indicators", "metric"):
        return metric_names()
    return ALLOWED_VALUES.get((table, column))


def write_templates(
    path: Path,
    *,
    tables: Sequence[str] | None = None,
    data: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> Path:
    """Write the template workbook to ``path`` and return it.

    ``tables`` selects and orders the sheets (default: every PMO table). ``data`` optionally
    maps a table to rows (dicts keyed by canonical column) written below the example row.
    """
    specs = table_specs()
    chosen = list(tables) if tables is not None else list(PMO_TABLES)
    unknown = [t for t in chosen if t not in specs]
    if unknown:
        raise ValueError(f"not canonical tables: {', '.join(unknown)}")
    workbook = Workbook()
    instructions = cast(Worksheet, workbook.active)  # a new workbook has one sheet, a worksheet
    instructions.title = INSTRUCTIONS_SHEET
    list_ranges = _write_instructions(instructions, [specs[t] for t in chosen])
    for name in chosen:
        sheet = workbook.create_sheet(name)
        _write_table_sheet(sheet, specs[name], list_ranges, (data or {}).get(name, ()))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def template_bytes(
    *,
    tables: Sequence[str] | None = None,
    data: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> bytes:
    """The workbook of :func:`write_templates` as bytes (for a download button)."""
    with tempfile.TemporaryDirectory() as tmp:
        return write_templates(Path(tmp) / "templates.xlsx", tables=tables, data=data).read_bytes()


def _write_instructions(sheet: Worksheet, specs: Sequence[TableSpec]) -> dict[tuple[str, str], str]:
    """Fill the Instructions sheet; returns the cell range holding each column's allowed values.

    The allowed values are listed here (not inline in the validation) because Excel limits an
    inline list to 255 characters, which the metric names exceed.
    """
    lines = [
        ("PMO Metrics: template workbook", ""),
        ("", ""),
        ("How to fill it", ""),
        ("", "One sheet per table; the header row holds the canonical column names: keep them."),
        ("", "Required columns have an orange header; optional ones a blue header."),
        (
            "",
            "Row 2 is an example: its first cell starts with 'e.g.' and it is skipped on "
            "import. Overwrite it or leave it.",
        ),
        ("", f"Dates: {DATE_FORMAT} (or an Excel date). Months: the first day of the month."),
        ("", "Lists (applications.services): several values in one cell separated by ';'."),
        (
            "",
            "A sheet may be left empty or deleted; a filled workbook loads all its sheets in "
            "one all-or-nothing load.",
        ),
        ("", ""),
        ("Sheet", "What it is for / required columns"),
    ]
    for spec in specs:
        lines.append((spec.name, PURPOSE.get(spec.name, "")))
        lines.append(("", "Required: " + ", ".join(spec.required)))
    lines.append(("", ""))
    for row in lines:
        sheet.append(row)
    sheet["A1"].font = Font(bold=True, size=14)
    table_header = lines.index(("Sheet", "What it is for / required columns")) + 1
    for cell in ("A3", f"A{table_header}", f"B{table_header}"):
        sheet[cell].font = HEADER_FONT
    start = len(lines) + 1
    sheet.cell(start, 1, "Allowed values").font = HEADER_FONT
    ranges: dict[tuple[str, str], str] = {}
    col = 1
    for spec in specs:
        for column in spec.columns:
            values = allowed_values(spec.name, column)
            if not values:
                continue
            sheet.cell(start + 1, col, f"{spec.name}.{column}").font = HEADER_FONT
            for i, value in enumerate(values):
                sheet.cell(start + 2 + i, col, value)
            letter = get_column_letter(col)
            ranges[(spec.name, column)] = (
                f"'{INSTRUCTIONS_SHEET}'!${letter}${start + 2}:${letter}${start + 1 + len(values)}"
            )
            col += 1
    for letter, width in (("A", 26), ("B", 100)):
        sheet.column_dimensions[letter].width = width
    for i in range(3, col):
        sheet.column_dimensions[get_column_letter(i)].width = 26
    return ranges


def _write_table_sheet(
    sheet: Worksheet,
    spec: TableSpec,
    list_ranges: Mapping[tuple[str, str], str],
    rows: Sequence[Mapping[str, Any]],
) -> None:
    columns = spec.columns
    for col, name in enumerate(columns, start=1):
        cell = sheet.cell(1, col, name)
        cell.font = HEADER_FONT
        required = name in spec.required
        cell.fill = REQUIRED_FILL if required else OPTIONAL_FILL
        note = HELP.get((spec.name, name), "")
        cell.comment = Comment(
            ("Required. " if required else "Optional. ") + note + f" ({_type_hint(spec, name)})",
            "PMO Metrics",
        )
    example = EXAMPLES.get(spec.name, {})
    for col, name in enumerate(columns, start=1):
        value = _cell_value(example.get(name))
        if col == 1:
            value = EXAMPLE_PREFIX + str(value if value is not None else "")
        cell = sheet.cell(2, col, value)
        cell.font = EXAMPLE_FONT
        _format(cell, spec.types[name])
    for r, row in enumerate(rows, start=3):
        for col, name in enumerate(columns, start=1):
            value = _cell_value(row.get(name))
            if value is not None:
                _format(sheet.cell(r, col, value), spec.types[name])
    for col, name in enumerate(columns, start=1):
        letter = get_column_letter(col)
        fmt = _number_format(spec.types[name])
        if fmt:
            sheet.column_dimensions[letter].number_format = fmt
        sheet.column_dimensions[letter].width = _width(spec, name, example.get(name))
        _add_validation(sheet, spec, name, letter, list_ranges)
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 20
    sheet["A1"].alignment = Alignment(vertical="center")


def _add_validation(
    sheet: Worksheet,
    spec: TableSpec,
    column: str,
    letter: str,
    list_ranges: Mapping[tuple[str, str], str],
) -> None:
    cells = f"{letter}3:{letter}{VALIDATED_ROWS}"
    key = (spec.name, column)
    if key in list_ranges:
        dv = DataValidation(type="list", formula1=list_ranges[key], allow_blank=True)
        dv.error = "Choose one of the values listed on the Instructions sheet."
    elif key in INTEGER_RANGES:
        low, high = INTEGER_RANGES[key]
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1=str(low),
            formula2=str(high),
            allow_blank=True,
        )
        dv.error = f"A whole number from {low} to {high}."
    elif spec.types[column] == "BOOLEAN":
        dv = DataValidation(type="list", formula1='"TRUE,FALSE"', allow_blank=True)
        dv.error = "TRUE or FALSE."
    else:
        return
    dv.errorTitle = column
    dv.showErrorMessage = True
    sheet.add_data_validation(dv)
    dv.add(cells)


def _cell_value(value: Any) -> Any:
    """A Python value as it goes into a cell: lists joined with ';', NaN/NaT/None as empty,
    numpy and pandas scalars as plain Python values."""
    if value is None:
        return None
    if isinstance(value, list | tuple) or getattr(value, "ndim", 0) == 1:  # list, numpy array
        return f"{LIST_SEPARATOR} ".join(str(v) for v in value)
    if value != value:  # NaN, NaT
        return None
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def _format(cell: Any, duck_type: str) -> None:
    fmt = _number_format(duck_type)
    if fmt and isinstance(cell.value, date | datetime | int | float):
        cell.number_format = fmt


def _number_format(duck_type: str) -> str | None:
    return {
        "DATE": DATE_FORMAT,
        "TIMESTAMP": "yyyy-mm-dd hh:mm",
        "INTEGER": "0",
        "BIGINT": "0",
        "DOUBLE": "#,##0.##",
    }.get(duck_type)


def _type_hint(spec: TableSpec, column: str) -> str:
    duck = spec.types[column]
    key = (spec.name, column)
    if key in INTEGER_RANGES:
        low, high = INTEGER_RANGES[key]
        return f"whole number {low}-{high}"
    return {
        "DATE": f"date {DATE_FORMAT}",
        "TIMESTAMP": "date and time",
        "INTEGER": "whole number",
        "BIGINT": "whole number",
        "DOUBLE": "number",
        "BOOLEAN": "TRUE or FALSE",
        "VARCHAR[]": "list separated by ';'",
    }.get(duck, "text")


def _width(spec: TableSpec, column: str, example: Any) -> float:
    shown = len(str(_cell_value(example) or "")) + (
        len(EXAMPLE_PREFIX) if column == spec.columns[0] else 0
    )
    return float(min(max(len(column) + 4, shown + 2, 12), 45))
