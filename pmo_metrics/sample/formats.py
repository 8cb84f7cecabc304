"""Writers for the sample files, each in the format and locale the real tool produces.

- Jira Cloud "Export CSV (all fields)": UTF-8 with BOM, repeated ``Labels`` and ``Sprint``
  columns, ``22/Apr/26 7:56 AM`` dates, estimates as ``5.0``.
- Azure DevOps query "Export to CSV": the query's columns, ``Name <email>`` people, US dates
  ``8/14/2026 3:22:10 PM``, one iteration per item.
- ServiceNow incident list exported to Excel (labels, sheet ``Page 1``) and a request list
  exported to CSV (field names, every value quoted, no SLA flag: SLA comes from the catalog).
- Timesheets saved from a Spanish Excel: ``;``, Windows-1252, decimal comma, dd/mm/yyyy and
  Spanish headers.

Files are written byte-for-byte deterministically (xlsx zip entries get a fixed timestamp).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, TypedDict, cast

from openpyxl import Workbook

from pmo_metrics.sample.catalog import APP_BY_PROJECT, Team
from pmo_metrics.sample.tickets import Ticket
from pmo_metrics.sample.work import Item, Sprint
from pmo_metrics.sample.year import AS_OF, month_end

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PRIORITY_LABEL = {1: "1 - Critical", 2: "2 - High", 3: "3 - Moderate", 4: "4 - Low"}
FIXED_ZIP_TIME = (2026, 10, 31, 0, 0, 0)
PMO_STATUS = {
    "Backlog": "Por hacer",
    "To Do": "Por hacer",
    "In Progress": "En curso",
    "In Review": "En revisión",
    "Done": "Hecho",
}


def jira_date(moment: datetime | None) -> str:
    if moment is None:
        return ""
    hour = moment.hour % 12 or 12
    ampm = "AM" if moment.hour < 12 else "PM"
    return (
        f"{moment.day:02d}/{MONTH_ABBR[moment.month - 1]}/{moment.year % 100:02d} "
        f"{hour}:{moment.minute:02d} {ampm}"
    )


def ado_date(moment: datetime | None) -> str:
    if moment is None:
        return ""
    hour = moment.hour % 12 or 12
    ampm = "AM" if moment.hour < 12 else "PM"
    return (
        f"{moment.month}/{moment.day}/{moment.year} "
        f"{hour}:{moment.minute:02d}:{moment.second:02d} {ampm}"
    )


def snow_date(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def _csv_text(
    rows: Iterable[Sequence[object]],
    *,
    delimiter: str = ",",
    quoting: Literal[0, 1, 2, 3] = csv.QUOTE_MINIMAL,  # the csv module's QUOTE_* constants
    newline: str = "\n",
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=newline)
    writer.writerows(rows)
    return buffer.getvalue()


def _state_moment(item: Item, moment: datetime) -> tuple[datetime, datetime]:
    """(updated, status category changed) as they read at ``moment``."""
    events = [t for t in (item.created, item.started, item.resolved) if t and t <= moment]
    updated = max(events)
    status, category = item.as_of(moment)
    if category == "Done":
        changed = item.resolved
    elif category == "In Progress":
        changed = item.started
    else:
        changed = item.created
    return updated, changed or item.created


def _sprint_names(item: Item, sprints: Sequence[Sprint], moment: datetime) -> list[str]:
    return [
        sprints[i].name
        for i in item.sprints
        if datetime.combine(sprints[i].start, datetime.min.time()) <= moment
    ]


def write_jira_csv(
    path: Path, team: Team, items: Sequence[Item], sprints: Sequence[Sprint], month: date
) -> Path:
    """A Jira Cloud all-fields export of ``items`` as they stood at the end of ``month``."""
    moment = min(month_end(month), AS_OF)
    sprint_lists = [_sprint_names(i, sprints, moment) for i in items]
    n_sprint = max([len(s) for s in sprint_lists] + [1])
    n_labels = max([len(i.labels) for i in items] + [1])
    header = (
        [
            "Summary",
            "Issue key",
            "Issue id",
            "Issue Type",
            "Status",
            "Project key",
            "Project name",
            "Project type",
            "Project lead",
            "Priority",
            "Resolution",
            "Assignee",
            "Reporter",
            "Creator",
            "Created",
            "Updated",
            "Last Viewed",
            "Resolved",
            "Due date",
        ]
        + ["Labels"] * n_labels
        + [
            "Description",
            "Original estimate",
            "Remaining Estimate",
            "Time Spent",
            "Custom field (Rank)",
        ]
        + ["Sprint"] * n_sprint
        + [
            "Custom field (Start date)",
            team.points_field,
            "Custom field (Team)",
            "Parent",
            "Parent key",
            "Parent summary",
            "Status Category",
            "Status Category Changed",
        ]
    )
    rows: list[Sequence[object]] = [header]
    for item, sprint_names in zip(items, sprint_lists, strict=True):
        status, category = item.as_of(moment)
        if item.project == "PMO":
            status = PMO_STATUS[status]
        elif status == "Backlog" and item.item_type != "Epic":
            status = "To Do" if item.issue_id % 3 else "Backlog"  # two workflows in use
        updated, changed = _state_moment(item, moment)
        done = category == "Done"
        spent = ""
        if done and item.started and item.item_type != "Epic":
            resolved = cast(datetime, item.resolved)  # done: the item is resolved
            spent = str(int(min((resolved - item.started).total_seconds(), 8 * 3600 * 5)))
        description = ""
        if item.item_type == "Story" and item.issue_id % 3 == 0:
            description = (
                f"Como usuario quiero {item.summary.lower()}.\n\n"
                "Criterios de aceptación:\n* Funciona en la sede\n* Pasa las pruebas"
            )
        parent = item.parent
        rows.append(
            [
                item.summary,
                item.key,
                item.issue_id,
                item.item_type,
                status,
                item.project,
                _project_name(item.project),
                "software",
                "Lucía Fernández Ortega",
                item.priority,
                "Done" if done else "",
                item.assignee or "",
                "Rosa Delgado Marín",
                "Rosa Delgado Marín",
                jira_date(item.created),
                jira_date(updated),
                jira_date(updated),
                jira_date(item.resolved if done else None),
                "",
            ]
            + list(item.labels)
            + [""] * (n_labels - len(item.labels))
            + [description, "", "", spent, f"0|i00{item.issue_id % 997:03d}:"]
            + sprint_names
            + [""] * (n_sprint - len(sprint_names))
            + [
                "",
                _points(item.estimate),
                team.name if item.item_type != "Epic" else "",
                parent.issue_id if parent else "",
                parent.key if parent else "",
                parent.summary if parent else "",
                category,
                jira_date(changed),
            ]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_csv_text(rows).encode("utf-8-sig"))
    return path


def _points(estimate: float | None) -> str:
    return "" if estimate is None else f"{estimate:.1f}"


def _project_name(key: str) -> str:
    return APP_BY_PROJECT[key].name


ADO_TYPES = {
    "Story": "User Story",
    "Task": "User Story",
    "Bug": "Bug",
    "Sub-task": "Task",
    "Epic": "Epic",
}
ADO_STATES = {
    "Backlog": "New",
    "To Do": "New",
    "In Progress": "Active",
    "In Review": "Active",
    "Done": "Closed",
}


def _email(name: str) -> str:
    parts = name.lower().translate(str.maketrans("áéíóúñ", "aeioun")).replace(".", "").split()
    return f"{name} <{parts[0]}.{parts[1]}@hacienda.example.es>"


def write_ado_csv(
    path: Path, team: Team, items: Sequence[Item], sprints: Sequence[Sprint], month: date
) -> Path:
    """An Azure DevOps flat-query export: one row per work item, its last iteration only."""
    moment = min(month_end(month), AS_OF)
    header = [
        "ID",
        "Work Item Type",
        "Title",
        "State",
        "Assigned To",
        "Area Path",
        "Iteration Path",
        "Story Points",
        "Priority",
        "Created Date",
        "Activated Date",
        "Closed Date",
        "Tags",
        "Parent",
    ]
    rows: list[Sequence[object]] = [header]
    for item in items:
        status, category = item.as_of(moment)
        names = _sprint_names(item, sprints, moment)
        project = item.project
        iteration = f"{project}\\{names[-1]}" if names else project
        item_type = ADO_TYPES[item.item_type]
        rows.append(
            [
                item.key,
                item_type,
                item.summary,
                ADO_STATES[status],
                _email(item.assignee) if item.assignee else "",
                f"{project}\\{team.name}",
                iteration,
                "" if item_type == "Task" else _points(item.estimate).replace(".0", ""),
                {"Highest": 1, "High": 2, "Medium": 2, "Low": 3}[item.priority],
                ado_date(item.created),
                ado_date(item.started if item.started and item.started <= moment else None),
                ado_date(item.resolved if category == "Done" else None),
                "; ".join(item.labels),
                item.parent.key if item.parent else "",
            ]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_csv_text(rows, newline="\r\n").encode("utf-8-sig"))
    return path


class TicketView(TypedDict):
    """A ticket's fields as the tool showed them at a moment (:func:`_ticket_view`)."""

    state: str
    resolved: datetime | None
    closed: datetime | None
    made_sla: bool
    reopen_count: int
    updated: datetime


def _ticket_view(t: Ticket, moment: datetime) -> TicketView:
    """A ticket's fields as the tool showed them at ``moment`` (an open ticket's SLA flag
    reads true until it is resolved late, as ServiceNow's does before the breach)."""
    resolved = t.resolved if t.resolved and t.resolved <= moment else None
    closed = t.closed if t.closed and t.closed <= moment else None
    updated = max(x for x in (t.opened, resolved, closed) if x)
    return {
        "state": t.state_as_of(moment),
        "resolved": resolved,
        "closed": closed,
        "made_sla": bool(t.made_sla) if resolved else True,
        "reopen_count": t.reopen_count if resolved else 0,
        "updated": updated,
    }


def write_servicenow_xlsx(path: Path, tickets: Sequence[Ticket], month: date) -> Path:
    """An incident list exported to Excel from ServiceNow: labels as headers, sheet Page 1."""
    moment = min(month_end(month), AS_OF)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Page 1")
    sheet.append(
        [
            "Number",
            "Opened",
            "Short description",
            "Priority",
            "State",
            "Category",
            "Assignment group",
            "Business service",
            "Configuration item",
            "Resolved",
            "Closed",
            "Made SLA",
            "Reopen count",
            "Updated",
        ]
    )
    for t in tickets:
        view = _ticket_view(t, moment)
        sheet.append(
            [
                t.number,
                t.opened,
                t.description,
                PRIORITY_LABEL[t.priority],
                view["state"],
                "Software" if t.service != "Centro de Atención a Usuarios" else "Consulta",
                t.group,
                t.service,
                t.ci,
                view["resolved"],
                view["closed"],
                "true" if view["made_sla"] else "false",
                view["reopen_count"],
                view["updated"],
            ]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return normalise_xlsx(path)


def write_servicenow_csv(path: Path, tickets: Sequence[Ticket], month: date) -> Path:
    """A request list exported to CSV: field names, every value quoted, no made_sla column."""
    moment = min(month_end(month), AS_OF)
    rows: list[list[object]] = [
        [
            "number",
            "opened_at",
            "short_description",
            "priority",
            "state",
            "assignment_group",
            "business_service",
            "cmdb_ci",
            "resolved_at",
            "closed_at",
            "reopen_count",
            "sys_updated_on",
        ]
    ]
    for t in tickets:
        view = _ticket_view(t, moment)
        rows.append(
            [
                t.number,
                snow_date(t.opened),
                t.description,
                PRIORITY_LABEL[t.priority],
                view["state"],
                t.group,
                t.service,
                t.ci,
                snow_date(view["resolved"]),
                snow_date(view["closed"]),
                view["reopen_count"],
                snow_date(view["updated"]),
            ]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_csv_text(rows, quoting=csv.QUOTE_ALL, newline="\r\n").encode("utf-8"))
    return path


def write_spanish_timesheet(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    """Timesheets as a Spanish Excel saves CSV: ``;``, cp1252, 7,5 hours, dd/mm/yyyy."""
    out: list[list[object]] = [
        ["Persona", "Rol", "Perfil", "Fecha", "Horas", "Servicio", "Aplicación"]
    ]
    for r in rows:
        hours = f"{r['hours']:g}".replace(".", ",")
        out.append(
            [
                r["person"],
                r["role"],
                r["profile"],
                r["work_date"].strftime("%d/%m/%Y"),
                hours,
                r["service"],
                r["application"],
            ]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_csv_text(out, delimiter=";", newline="\r\n").encode("cp1252"))
    return path


_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def normalise_xlsx(path: Path) -> Path:
    """Rewrite an .xlsx with fixed zip timestamps and document dates, so that regenerating
    the sample changes no byte (openpyxl stamps the current time in both)."""
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = _CORE_DATES.sub(rb"\g<1>2026-10-31T00:00:00Z\g<2>", data)
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, data)
    return path
