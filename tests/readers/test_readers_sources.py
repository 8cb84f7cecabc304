"""Azure DevOps, ServiceNow (xlsx labels, csv field names, event log) and the PMO template."""

from __future__ import annotations

from datetime import date, datetime

from pmo_metrics.importing import import_paths
from pmo_metrics.readers import read_file
from pmo_metrics.readers.detect import detect_source

ADO = [
    [
        "ID",
        "Work Item Type",
        "Title",
        "State",
        "Assigned To",
        "Area Path",
        "Iteration Path",
        "Story Points",
        "Created Date",
        "Closed Date",
        "Activated Date",
        "Tags",
        "Parent",
    ],
    [
        "101",
        "User Story",
        "Login",
        "Closed",
        "Ana Ruiz <ana@x.org>",
        "Portal\\Team Web",
        "Portal\\Sprint 7",
        "5",
        "8/14/2026 3:22:10 PM",
        "8/20/2026 9:00:00 AM",
        "8/15/2026 10:00:00 AM",
        "auth; mvp",
        "",
    ],
    [
        "102",
        "Task",
        "Write tests",
        "Active",
        "",
        "Portal\\Team Web",
        "Portal\\Sprint 7",
        "",
        "8/14/2026 4:00:00 PM",
        "",
        "8/16/2026 11:00:00 AM",
        "",
        "101",
    ],
    [
        "103",
        "Bug",
        "Crash",
        "Removed",
        "",
        "Portal",
        "Portal",
        "",
        "8/1/2026 1:00:00 PM",
        "",
        "",
        "",
        "",
    ],
    [
        "104",
        "Feature",
        "Self service",
        "New",
        "",
        "Portal",
        "Portal",
        "",
        "8/2/2026 1:00:00 PM",
        "",
        "",
        "",
        "",
    ],
]


def test_azure_devops_query_csv(con, write_csv):
    path = write_csv("ado.csv", ADO)
    assert detect_source(path) == "azure_devops"
    parsed = read_file(path)
    assert not parsed.errors and parsed.source_kind == "azure_devops"
    [removed] = [p for p in parsed.warnings if "Removed" in p.expected]
    assert removed.row == 4
    import_paths(con, [path])
    rows = con.execute(
        "SELECT item_key, source, project, team, status_category, is_epic, is_subtask, estimate,"
        " created, resolved, started, sprints, labels, assignee, parent_key FROM work_items "
        "ORDER BY item_key"
    ).fetchall()
    assert rows == [
        (
            "101",
            "azure_devops",
            "Portal",
            "Team Web",
            "Done",
            False,
            False,
            5.0,
            datetime(2026, 8, 14, 15, 22, 10),
            datetime(2026, 8, 20, 9),
            datetime(2026, 8, 15, 10),
            ["Sprint 7"],
            ["auth", "mvp"],
            "Ana Ruiz",
            None,
        ),
        (
            "102",
            "azure_devops",
            "Portal",
            "Team Web",
            "In Progress",
            False,
            True,
            None,
            datetime(2026, 8, 14, 16),
            None,
            datetime(2026, 8, 16, 11),
            ["Sprint 7"],
            [],
            None,
            "101",
        ),
        (
            "104",
            "azure_devops",
            "Portal",
            None,
            "To Do",
            True,
            False,
            None,
            datetime(2026, 8, 2, 13),
            None,
            None,
            [],
            [],
            None,
            None,
        ),
    ]


SN_LABELS = [
    "Number",
    "Opened",
    "Short description",
    "Priority",
    "State",
    "Assignment group",
    "Business service",
    "Configuration item",
    "Resolved",
    "Closed",
    "Made SLA",
    "Reopen count",
]


def test_servicenow_xlsx_with_labels(con, write_xlsx):
    path = write_xlsx(
        "incidents.xlsx",
        {
            "Page 1": [
                SN_LABELS,
                [
                    "INC0010001",
                    datetime(2026, 8, 1, 9, 14, 22),
                    "VPN down",
                    "2 - High",
                    "Closed",
                    "Network",
                    "Remote access",
                    "vpn-gw",
                    datetime(2026, 8, 1, 11),
                    datetime(2026, 8, 2),
                    True,
                    0,
                ],
                [
                    "INC0010002",
                    datetime(2026, 8, 3, 8),
                    "Slow",
                    "3 - Moderate",
                    "In Progress",
                    "Apps",
                    "Portal",
                    "portal-web",
                    None,
                    None,
                    False,
                    1,
                ],
                [
                    "RITM0000003",
                    datetime(2026, 8, 4, 8),
                    "Laptop",
                    4,
                    "Resolved",
                    "Desk",
                    "Workplace",
                    None,
                    datetime(2026, 8, 5, 8),
                    None,
                    None,
                    None,
                ],
            ]
        },
    )
    assert detect_source(path) == "servicenow"
    import_paths(con, [path])
    rows = con.execute(
        "SELECT ticket_id, source, ticket_type, service, configuration_item, priority, "
        "priority_label, state, is_open, opened, resolved, made_sla, reopen_count, source_sheet,"
        " source_row FROM tickets ORDER BY ticket_id"
    ).fetchall()
    assert rows == [
        (
            "INC0010001",
            "servicenow",
            "incident",
            "Remote access",
            "vpn-gw",
            2,
            "High",
            "Closed",
            False,
            datetime(2026, 8, 1, 9, 14, 22),
            datetime(2026, 8, 1, 11),
            True,
            0,
            "Page 1",
            2,
        ),
        (
            "INC0010002",
            "servicenow",
            "incident",
            "Portal",
            "portal-web",
            3,
            "Moderate",
            "In Progress",
            True,
            datetime(2026, 8, 3, 8),
            None,
            False,
            1,
            "Page 1",
            3,
        ),
        (
            "RITM0000003",
            "servicenow",
            "request",
            "Workplace",
            None,
            4,
            None,
            "Resolved",
            False,
            datetime(2026, 8, 4, 8),
            datetime(2026, 8, 5, 8),
            None,
            None,
            "Page 1",
            4,
        ),
    ]


def test_servicenow_csv_field_names_event_log(con, write_csv):
    rows = [
        [
            "number",
            "opened_at",
            "sys_updated_on",
            "priority",
            "incident_state",
            "assignment_group",
            "business_service",
            "cmdb_ci",
            "resolved_at",
            "has_breached",
            "reopen_count",
            "short_description",
        ],
        [
            "INC1",
            "2026-08-01 09:14:22",
            "2026-08-01 09:14:22",
            "3 - Moderate",
            "1",
            "Desk",
            "Portal",
            "portal-web",
            "?",
            "?",
            "0",
            "Cannot log in",
        ],
        [
            "INC2",
            "2026-08-02 10:00:00",
            "2026-08-02 10:00:00",
            "1 - Critical",
            "2",
            "Apps",
            "Tax",
            "tax-engine",
            "?",
            "false",
            "0",
            "Down",
        ],
        [
            "INC1",
            "?",
            "2026-08-03 12:00:00",
            "2 - High",
            "6",
            "?",
            "?",
            "?",
            "2026-08-03 12:00:00",
            "true",
            "1",
            "?",
        ],
    ]
    path = write_csv("incident.csv", rows)
    assert detect_source(path) == "servicenow"
    import_paths(con, [path])
    got = con.execute(
        "SELECT ticket_id, priority, priority_label, state, is_open, opened, resolved, made_sla,"
        " reopen_count, assignment_group, short_description, source_row FROM tickets "
        "ORDER BY ticket_id"
    ).fetchall()
    assert got == [
        (
            "INC1",
            2,
            "High",
            "Resolved",
            False,
            datetime(2026, 8, 1, 9, 14, 22),
            datetime(2026, 8, 3, 12),
            False,
            1,
            "Desk",
            "Cannot log in",
            4,
        ),
        (
            "INC2",
            1,
            "Critical",
            "In Progress",
            True,
            datetime(2026, 8, 2, 10),
            None,
            True,
            0,
            "Apps",
            "Down",
            3,
        ),
    ]


TEMPLATE = {
    "Instructions": [["How to fill this workbook"], ["One sheet per table."]],
    "applications": [
        ["application", "description", "services", "criticality", "jira_project", "is_pmo"],
        ["e.g. Citizen portal", "example", "Service A; Service B", "high", "CP", "no"],
        ["Portal", "Citizen portal", "Digital; Support", "high", "PORT", "no"],
        ["PMO", "The PMO rollout", "Governance", "medium", "PMO", "yes"],
    ],
    "Servicios": [
        ["Servicio", "Estado", "Fecha de lanzamiento"],
        ["Digital", "launched", datetime(2026, 1, 15)],
        ["Support", "piloting", "15/02/2026"],
    ],
    "indicators": [
        ["service", "indicator", "metric", "target", "direction", "amber_threshold"],
        ["Digital", "SLA", "sla_compliance", 95, "Higher", 90],
    ],
    "risks": [
        ["risk_id", "title", "probability", "impact", "status", "raised"],
        ["R1", "Key person leaves", 3, 4, "open", datetime(2026, 2, 1)],
    ],
    "sprints": [
        ["team", "sprint", "start_date", "end_date", "committed_points"],
        ["Web", "Sprint 1", datetime(2026, 1, 5), datetime(2026, 1, 16), 30],
        ["Web", "Sprint 2", None, None, None],
    ],
}


def test_template_workbook_every_sheet_in_one_load(con, write_xlsx):
    path = write_xlsx("pmo.xlsx", TEMPLATE)
    assert detect_source(path) == "pmo_template"
    result = import_paths(con, [path])
    assert {t: c.added for t, c in result.counts.items()} == {
        "applications": 2,
        "services": 2,
        "indicators": 1,
        "risks": 1,
        "sprints": 2,
    }
    apps = con.execute(
        "SELECT application, services, is_pmo, source_sheet, source_row "
        "FROM applications ORDER BY 1"
    ).fetchall()
    assert apps == [
        ("PMO", ["Governance"], True, "applications", 4),
        ("Portal", ["Digital", "Support"], False, "applications", 3),
    ]
    assert con.execute(
        "SELECT service, state, launch_date FROM services ORDER BY 1"
    ).fetchall() == [
        ("Digital", "launched", date(2026, 1, 15)),
        ("Support", "piloting", date(2026, 2, 15)),
    ]
    assert con.execute("SELECT direction, target FROM indicators").fetchall() == [("higher", 95.0)]
    assert con.execute(
        "SELECT team, sprint, start_date, committed_points FROM sprints ORDER BY 2"
    ).fetchall() == [("Web", "Sprint 1", date(2026, 1, 5), 30.0), ("Web", "Sprint 2", None, None)]
    [undated] = [w for w in result.warnings if "dates" in w.expected]
    assert undated.sheet == "sprints" and undated.row == 3


def test_csv_matching_one_table_by_synonyms(con, write_csv):
    rows = [
        ["Persona", "Rol", "Fecha", "Horas", "Servicio", "Aplicación"],
        ["Ana", "Analista", "02/03/2026", "7,5", "Digital", "Portal"],
    ]
    path = write_csv("horas.csv", rows, delimiter=";", encoding="cp1252")
    import_paths(con, [path])
    assert con.execute(
        "SELECT person, role, work_date, hours, service, application FROM effort"
    ).fetchall() == [("Ana", "Analista", date(2026, 3, 2), 7.5, "Digital", "Portal")]


def test_the_same_tickets_as_xlsx_and_csv_are_one_set(con, write_xlsx, write_csv):
    labels = [
        ["Number", "Opened", "Priority", "State"],
        ["INC1", datetime(2026, 8, 1, 9), "3 - Moderate", "New"],
        ["INC2", datetime(2026, 8, 2, 9), "2 - High", "Closed"],
    ]
    xlsx = write_xlsx("t.xlsx", {"Page 1": labels})
    csv_path = write_csv(
        "t.csv",
        [
            ["number", "opened_at", "priority", "state"],
            ["INC1", "2026-08-01 09:00:00", "3 - Moderate", "New"],
            ["INC2", "2026-08-02 09:00:00", "2 - High", "Closed"],
        ],
    )
    import_paths(con, [xlsx])
    again = import_paths(con, [csv_path])
    # same content, other file: nothing added, nothing changed (provenance is not content)
    assert again.counts["tickets"].added == 0 and again.counts["tickets"].unchanged == 2
    assert con.execute("SELECT count(*) FROM tickets").fetchall() == [(2,)]


def test_byte_identical_file_changes_nothing_and_newer_export_updates(con, write_csv):
    header = ["Issue key", "Summary", "Status", "Project key", "Custom field (Story Points)"]
    first = write_csv(
        "e1.csv", [header, ["A-1", "x", "To Do", "A", "3"], ["A-2", "y", "To Do", "A", ""]]
    )
    import_paths(con, [first])
    assert import_paths(con, [first]).load_id is None
    newer = write_csv(
        "e2.csv",
        [
            header,
            ["A-1", "x", "Done", "A", "3"],
            ["A-2", "y", "To Do", "A", ""],
            ["A-3", "z", "To Do", "A", "1"],
        ],
    )
    result = import_paths(con, [newer])
    counts = result.counts["work_items"]
    assert (counts.added, counts.updated, counts.unchanged) == (1, 1, 1)
    assert con.execute(
        "SELECT status_category FROM work_items WHERE item_key = 'A-1'"
    ).fetchall() == [("Done",)]


def test_unknown_status_is_to_do_with_a_warning(write_csv):
    rows = [
        ["Issue key", "Summary", "Status", "Project key"],
        ["A-1", "x", "Parked", "A"],
        ["A-2", "y", "parked", "A"],
        ["A-3", "z", "QA", "A"],
    ]
    parsed = read_file(write_csv("s.csv", rows))
    assert parsed.tables["work_items"]["status_category"].tolist() == [
        "To Do",
        "To Do",
        "In Progress",
    ]
    [warning] = parsed.warnings
    assert (warning.row, warning.value, warning.column) == (2, "Parked", "Status")
    assert "counted as To Do (2 item(s))" in warning.expected
