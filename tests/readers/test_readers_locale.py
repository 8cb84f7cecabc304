"""Locale: delimiters, encodings, decimal comma, thousands, day-first vs month-first dates."""

from __future__ import annotations

import hashlib
from datetime import datetime

from pmo_metrics.importing import import_paths
from pmo_metrics.readers import read_file

SPANISH = [
    [
        "Clave",
        "Resumen",
        "Tipo",
        "Estado",
        "Creada",
        "Resuelta",
        "Puntos de historia",
        "Prioridad",
        "Responsable",
        "Etiquetas",
    ],
    [
        "GES-1",
        "Alta de expediente",
        "Historia",
        "Hecho",
        "03/02/2026 9:15",
        "24/02/2026 17:40",
        "2,5",
        "Alta",
        "María Núñez",
        "trámite;núcleo",
    ],
    [
        "GES-2",
        "Notificación",
        "Subtarea",
        "En curso",
        "14/02/2026 10:00",
        "",
        "",
        "Media",
        "Íñigo",
        "",
    ],
    ["GES-3", "Épica de pagos", "Épica", "Pendiente", "01/03/2026", "", "1.234,5", "Baja", "", ""],
]


def test_spanish_semicolon_cp1252_file_loads_without_a_mapping(con, write_csv):
    path = write_csv("backlog_es.csv", SPANISH, delimiter=";", encoding="cp1252")
    parsed = read_file(path)
    assert parsed.source_kind == "pmo_template" and not parsed.errors, parsed.problems
    import_paths(con, [path])
    rows = con.execute(
        "SELECT item_key, project, summary, status, status_category, estimate, created, "
        "resolved, is_epic, is_subtask, labels, assignee FROM work_items ORDER BY item_key"
    ).fetchall()
    assert rows == [
        (
            "GES-1",
            "GES",
            "Alta de expediente",
            "Hecho",
            "Done",
            2.5,
            datetime(2026, 2, 3, 9, 15),
            datetime(2026, 2, 24, 17, 40),
            False,
            False,
            ["trámite", "núcleo"],
            "María Núñez",
        ),
        (
            "GES-2",
            "GES",
            "Notificación",
            "En curso",
            "In Progress",
            None,
            datetime(2026, 2, 14, 10, 0),
            None,
            False,
            True,
            [],
            "Íñigo",
        ),
        (
            "GES-3",
            "GES",
            "Épica de pagos",
            "Pendiente",
            "To Do",
            1234.5,
            datetime(2026, 3, 1),
            None,
            True,
            False,
            [],
            None,
        ),
    ]


def test_utf16_tab_file(write_csv):
    rows = [
        ["Issue key", "Summary", "Issue Type", "Status", "Project key", "Created"],
        ["A-1", "Ünïcode", "Story", "Done", "A", "22/Apr/26 7:56 AM"],
    ]
    path = write_csv("jira16.csv", rows, delimiter="\t", encoding="utf-16")
    parsed = read_file(path)
    frame = parsed.tables["work_items"]
    assert not parsed.errors
    assert frame["summary"].tolist() == ["Ünïcode"]
    assert frame["created"].tolist() == [datetime(2026, 4, 22, 7, 56)]


def test_utf8_bom_and_latin1_fallback(write_csv):
    rows = [["Issue key", "Summary", "Status", "Project key"], ["A-1", "Ñandú", "Done", "A"]]
    for kwargs in ({"bom": True}, {"encoding": "latin-1"}):
        parsed = read_file(write_csv("f.csv", rows, **kwargs))
        assert parsed.tables["work_items"]["summary"].tolist() == ["Ñandú"], kwargs


def test_day_first_decided_by_the_data(write_csv):
    rows = [
        ["Clave", "Estado", "Creada"],
        ["A-1", "Hecho", "05/03/2026"],
        ["A-2", "Hecho", "25/03/2026"],
    ]
    parsed = read_file(write_csv("d.csv", rows))
    assert parsed.tables["work_items"]["created"].tolist() == [
        datetime(2026, 3, 5),
        datetime(2026, 3, 25),
    ]
    assert not [p for p in parsed.problems if "day or the month" in p.expected]


def test_month_first_decided_by_the_data(write_csv):
    rows = [
        ["Clave", "Estado", "Creada"],
        ["A-1", "Hecho", "05/03/2026"],
        ["A-2", "Hecho", "03/25/2026"],
    ]
    parsed = read_file(write_csv("m.csv", rows))
    assert parsed.tables["work_items"]["created"].tolist() == [
        datetime(2026, 5, 3),
        datetime(2026, 3, 25),
    ]


def test_ambiguous_dates_are_a_warning_naming_the_order(write_csv):
    rows = [["Clave", "Estado", "Creada"], ["A-1", "Hecho", "05/03/2026"]]
    parsed = read_file(write_csv("a.csv", rows, delimiter=";"))
    assert parsed.tables["work_items"]["created"].tolist() == [datetime(2026, 3, 5)]
    [warning] = [p for p in parsed.problems if "day or the month" in p.expected]
    assert warning.severity == "warning" and warning.column == "Creada"
    assert "day/month/year (dd/mm/yyyy)" in warning.expected


def test_ambiguous_ado_dates_are_read_month_first(write_csv):
    rows = [
        ["ID", "Work Item Type", "Title", "State", "Area Path", "Created Date"],
        ["7", "User Story", "x", "New", "Portal", "3/4/2026 10:00:00 AM"],
    ]
    parsed = read_file(write_csv("ado.csv", rows))
    assert parsed.tables["work_items"]["created"].tolist() == [datetime(2026, 3, 4, 10)]
    [warning] = [p for p in parsed.problems if "day or the month" in p.expected]
    assert "month/day/year" in warning.expected


def test_thousands_separators_and_decimal_point(write_csv):
    rows = [
        ["application", "month", "budget", "actual"],
        ["Portal", "2026-01-01", "1,234.50", "1,000"],
        ["Tax", "2026-01-01", "2.5", "12"],
    ]
    parsed = read_file(write_csv("costs.csv", rows))
    frame = parsed.tables["costs"]
    assert frame["budget"].tolist() == [1234.5, 2.5] and frame["actual"].tolist() == [1000, 12]


def _many(n: int, summary: str) -> list[list[str]]:
    header = ["Issue key", "Summary", "Status", "Project key"]
    return [header] + [[f"A-{i}", f"{summary} {i}", "Done", "A"] for i in range(1, n + 1)]


def test_a_large_file_is_read_past_its_head_in_any_encoding(write_csv):
    """Beyond the sniffed head (64 KiB) a file is parsed from disk; a Windows-1252 body (the
    first non-UTF-8 byte far below the header) or UTF-16 is read whole, every row kept."""
    rows = _many(5000, "Ñandú")
    assert len(str(rows)) > 2 * 65536
    for name, kwargs in (("cp.csv", {"encoding": "cp1252"}), ("u16.csv", {"encoding": "utf-16"})):
        parsed = read_file(write_csv(name, rows, **kwargs))
        frame = parsed.tables["work_items"]
        assert not parsed.errors, name
        assert len(frame) == 5000, name
        assert frame["summary"].iloc[[0, -1]].tolist() == ["Ñandú 1", "Ñandú 5000"], name
        assert frame["source_row"].iloc[-1] == 5001, name


def test_a_ragged_row_far_below_the_head_is_reported_with_its_row(write_csv):
    rows = _many(5000, "Story")
    rows[4321] = [*rows[4321], "one field too many"]
    parsed = read_file(write_csv("ragged.csv", rows))
    assert [(p.row, p.value, p.expected) for p in parsed.errors] == [
        (4322, "5 fields", "4 fields like the header row")
    ]
    assert len(parsed.tables["work_items"]) == 4999
    assert parsed.sha256 == hashlib.sha256(write_csv("ragged.csv", rows).read_bytes()).hexdigest()
