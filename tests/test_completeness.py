"""Completeness: each expected source judged per month from real loads in a real DuckDB store
(on time, late, missing, not yet due, loaded twice, undone and redone, months out of order),
the one-line summary in both languages, the timesheets' people missing, and whether a figure
rests on a source not loaded."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from pmo_metrics import actions
from pmo_metrics.access import Actor, PermissionDenied
from pmo_metrics.completeness import (
    Arrival,
    Board,
    Coverage,
    Expected,
    checklist_grid,
    coverage,
    judge,
    matches,
    month_details,
    period_months,
    read_board,
    summary,
)
from pmo_metrics.editing import changed_rows, editable_frame
from pmo_metrics.schema.problems import ParsedFile
from pmo_metrics.store.loads import load_parsed, redo_load, undo_load

OCT, SEP = "2026-10", "2026-09"
REGISTER = [
    {"source": "Jira SEDE", "kind": "jira", "identifier": "SEDE", "applications": ["Sede"],
     "services": ["Maint"], "due_day": 5},
    {"source": "Incidents", "kind": "incidents", "identifier": "incidents*", "due_day": 3},
    {"source": "Requests", "kind": "requests", "due_day": 3},
    {"source": "Timesheets", "kind": "timesheets", "identifier": "horas", "due_day": 5},
]  # fmt: skip


def parsed(name: str, tables: dict[str, list[dict]], kind: str = "test") -> ParsedFile:
    frames = {}
    for table, rows in tables.items():
        frame = pd.DataFrame(rows)
        frame["source_sheet"] = None
        frame["source_row"] = range(2, 2 + len(frame))
        frames[table] = frame
    return ParsedFile(name, name, kind, frames, [], sum(len(r) for r in tables.values()))


def load(con, period: str, at: str, *files: ParsedFile, user: str = "ana") -> int:
    """Load the files for ``period`` as ``user``, the load dated ``at`` (when it arrived)."""
    load_id = load_parsed(con, list(files), period=period, user=user).load_id
    con.execute("UPDATE loads SET started_at = ? WHERE load_id = ?", [at, load_id])
    return int(load_id)


def items(project: str, n: int, tag: str = "") -> ParsedFile:
    rows = [
        {"item_key": f"{project}-{i}{tag}", "source": "jira", "project": project, "is_epic": False,
         "is_subtask": False, "status_category": "Done"}
        for i in range(n)
    ]  # fmt: skip
    return parsed(f"jira_{project.lower()}{tag}.csv", {"work_items": rows}, "jira")


def tickets(name: str, kind: str, n: int) -> ParsedFile:
    rows = [
        {"ticket_id": f"{name}-{i}", "source": "servicenow", "ticket_type": kind,
         "is_open": False, "opened": datetime(2026, 10, 2, 9)}
        for i in range(n)
    ]  # fmt: skip
    return parsed(name, {"tickets": rows}, "servicenow")


@pytest.fixture
def store(con):
    load(con, OCT, "2026-10-01 08:00", parsed("register.xlsx", {"expected_sources": REGISTER}))
    return con


def state(con, source: str, month: str, today: date):
    board = read_board(con)
    return judge(board, next(s for s in board.expected if s.source == source), month, today)


def test_on_time_late_missing_and_not_yet_due(store):
    load(store, OCT, "2026-11-03 10:00", items("SEDE", 2))  # due 5 Nov: on time
    load(store, OCT, "2026-11-04 12:00", tickets("incidents.xlsx", "incident", 3))  # due 3 Nov
    jira = state(store, "Jira SEDE", OCT, date(2026, 11, 20))
    assert (jira.state, jira.loaded_at, jira.loaded_by, jira.rows, jira.loads) == (
        "on_time",
        datetime(2026, 11, 3, 10),
        "ana",
        2,
        1,
    )
    assert jira.due == date(2026, 11, 5)
    incidents = state(store, "Incidents", OCT, date(2026, 11, 20))
    assert (incidents.state, incidents.rows) == ("late", 3)  # 4 Nov, one day after the 3rd
    # Requests never came: missing once the 3rd has passed, not yet due on the 3rd itself.
    assert state(store, "Requests", OCT, date(2026, 11, 4)).state == "missing"
    assert state(store, "Requests", OCT, date(2026, 11, 3)).state == "not_due"


def test_loaded_on_the_due_day_is_on_time(store):
    load(store, OCT, "2026-11-05 23:59", items("SEDE", 1))
    assert state(store, "Jira SEDE", OCT, date(2026, 12, 1)).state == "on_time"


def test_loaded_twice_counts_the_first_arrival_and_the_latest_rows(store):
    load(store, OCT, "2026-11-03 10:00", items("SEDE", 2))
    load(store, OCT, "2026-11-09 10:00", items("SEDE", 3, tag="b"), user="luis")
    jira = state(store, "Jira SEDE", OCT, date(2026, 11, 20))
    # arrived on 3 Nov (on time, by ana); the figures show the 9 Nov load's 3 rows
    assert (jira.state, jira.loaded_at, jira.loaded_by, jira.rows, jira.loads) == (
        "on_time",
        datetime(2026, 11, 3, 10),
        "ana",
        3,
        2,
    )


def test_an_undone_load_no_longer_counts_and_a_redone_one_does_again(store):
    first = load(store, OCT, "2026-11-03 10:00", items("SEDE", 2))
    second = load(store, OCT, "2026-11-09 10:00", items("SEDE", 3, tag="b"), user="luis")
    undo_load(store, first)
    jira = state(store, "Jira SEDE", OCT, date(2026, 11, 20))
    assert (jira.state, jira.loaded_at, jira.loaded_by, jira.loads) == (
        "late",
        datetime(2026, 11, 9, 10),
        "luis",
        1,
    )
    undo_load(store, second)
    assert state(store, "Jira SEDE", OCT, date(2026, 11, 20)).state == "missing"
    redo_load(store, first)
    assert state(store, "Jira SEDE", OCT, date(2026, 11, 20)).state == "on_time"


def test_months_loaded_out_of_order_are_each_judged_by_their_own_loads(store):
    load(store, OCT, "2026-11-03 10:00", items("SEDE", 2))
    load(store, SEP, "2026-11-10 10:00", items("SEDE", 2, tag="s"))  # September, a backfill
    today = date(2026, 11, 20)
    sep, oct_ = state(store, "Jira SEDE", SEP, today), state(store, "Jira SEDE", OCT, today)
    assert (sep.state, sep.due, sep.loaded_at) == (
        "late",
        date(2026, 10, 5),
        datetime(2026, 11, 10, 10),
    )
    assert (oct_.state, oct_.loaded_at) == ("on_time", datetime(2026, 11, 3, 10))


def test_another_project_or_file_is_not_the_source(store):
    load(store, OCT, "2026-11-03 10:00", items("REG", 2), tickets("requests.csv", "request", 1))
    today = date(2026, 11, 20)
    assert state(store, "Jira SEDE", OCT, today).state == "missing"  # REG is not SEDE
    assert state(store, "Incidents", OCT, today).state == "missing"  # requests, not incidents
    assert state(store, "Requests", OCT, today).state == "on_time"  # any file, on the 3rd


def test_the_kinds_match_their_rows_and_file_patterns():
    at = datetime(2026, 11, 1)
    jira = Arrival(1, OCT, at, None, True, "export.csv", "work_items", 5, "jira", "SEDE")
    assert matches(Expected("J", "jira", "sede"), jira)  # a project key, case ignored
    assert not matches(Expected("A", "azure_devops"), jira)  # any ADO work items: not Jira's
    assert matches(Expected("J", "jira"), jira)  # any Jira work items
    assert matches(Expected("J", "jira", "export*.csv"), jira)  # a file pattern
    assert not matches(Expected("J", "jira", "jira_*.csv"), jira)
    sheet = Arrival(1, OCT, at, None, True, "PMO Workbook.xlsx", "costs", 3)
    assert matches(Expected("C", "costs", "workbook"), sheet)  # no wildcard: contained
    assert matches(Expected("C", "costs", "pmo*.XLSX"), sheet)
    assert not matches(Expected("R", "risks"), sheet)
    assert matches(Expected("K", "catalog"), Arrival(1, OCT, at, None, True, "w", "services", 4))


def test_due_day_past_the_month_end_is_its_last_day():
    assert Expected("X", "costs", due_day=31).due("2027-01") == date(2027, 2, 28)
    assert Expected("X", "costs", due_day=3).due("2026-12") == date(2027, 1, 3)


def test_sources_expected_from_a_month_on(store):
    store.execute(
        "UPDATE expected_sources SET first_month = DATE '2026-10-01' WHERE source = 'Requests'"
    )
    board = read_board(store)
    grid = checklist_grid(board, [SEP, OCT], date(2026, 11, 20), "en")
    assert grid.loc[grid["source"] == "Requests", ["Sep 2026", "Oct 2026"]].values.tolist() == [
        ["–", "✗ not loaded"]
    ]


def capacity_and_effort(con, *, capacity: bool = True, effort: bool = True) -> None:
    month = date(2026, 10, 1)
    people = ["Ana", "Luis", "Eva"]
    hours = [{"person": p, "month": month, "hours_available": 140.0} for p in people]
    hours.append({"person": "Rosa", "month": month, "hours_available": 0.0})  # on leave
    booked = [{"person": "Ana", "role": "Dev", "work_date": date(2026, 10, 6), "hours": 7.5,
               "service": "Maint", "application": "Sede"}]  # fmt: skip
    if capacity:
        load(con, OCT, "2026-11-02 09:00", parsed("capacity.xlsx", {"capacity": hours}))
    if effort:
        load(con, OCT, "2026-11-04 09:00", parsed("horas_oct.csv", {"effort": booked}))


def test_summary_line_in_both_languages(store):
    capacity_and_effort(store, effort=False)
    # On 2 Nov nothing is due yet, and people have until the timesheets' due day to book
    assert summary(read_board(store), OCT, date(2026, 11, 2), "en") == (
        "Oct 2026: 0 of 4 sources loaded · due by 3 Nov: Incidents, Jira SEDE, Requests and 1 more"
    )
    load(store, OCT, "2026-11-03 10:00", items("SEDE", 2))
    load(store, OCT, "2026-11-09 12:00", tickets("incidents.xlsx", "incident", 3))
    capacity_and_effort(store, capacity=False)
    board = read_board(store)
    today = date(2026, 11, 20)
    # Luis and Eva booked nothing; Rosa had no hours available
    assert summary(board, OCT, today, "en") == (
        "Oct 2026: 3 of 4 sources loaded (last 9 Nov) · late: Incidents (9 Nov) · "
        "not loaded: Requests · timesheets: 2 people missing"
    )
    assert summary(board, OCT, today, "es") == (
        "oct 2026: 3 de 4 fuentes cargadas (la última el 9 nov) · con retraso: Incidents "
        "(9 nov) · sin cargar: Requests · partes de horas: faltan 2 personas"
    )


def test_summary_of_a_month_without_register(con):
    assert summary(read_board(con), OCT, date(2026, 11, 20), "en") == (
        "Oct 2026: no sources expected (the register is on the Data page)"
    )


def test_summary_lists_three_names_then_counts():
    board = Board(tuple(Expected(f"S{i}", "costs") for i in range(5)))
    assert summary(board, OCT, date(2026, 12, 1), "en") == (
        "Oct 2026: 0 of 5 sources loaded · not loaded: S0, S1, S2 and 2 more"
    )


def test_month_details_for_the_data_page(store):
    load(store, OCT, "2026-11-03 10:00", items("SEDE", 2))
    frame = month_details(read_board(store), OCT, date(2026, 11, 20), "es")
    first = frame.iloc[0]
    assert list(frame["source"]) == ["Incidents", "Jira SEDE", "Requests", "Timesheets"]
    assert frame["state"].tolist() == ["✗ sin cargar", "✓ 3 nov", "✗ sin cargar", "✗ sin cargar"]
    row = frame.iloc[1]
    assert (row["loaded_by"], row["rows"], row["loads"]) == ("ana", 2, 1)
    assert row["loaded_at"] == pd.Timestamp("2026-11-03 10:00")
    assert first["due"] == pd.Timestamp("2026-11-03")


def test_a_figure_on_sources_not_loaded(store):
    today = date(2026, 11, 20)
    needs = ("tickets", "services", "resolution_targets")  # the SLA card's tables
    board = read_board(store)
    # neither ticket export: no number; the catalog's tables do not count
    assert coverage(board, needs, [OCT], today) == Coverage("not_loaded", ("Incidents", "Requests"))
    load(store, OCT, "2026-11-02 10:00", tickets("incidents.xlsx", "incident", 3))
    assert coverage(read_board(store), needs, [OCT], today) == Coverage("partial", ("Requests",))
    load(store, OCT, "2026-11-02 11:00", tickets("requests.csv", "request", 3))
    assert coverage(read_board(store), needs, [OCT], today) == Coverage("complete")
    # not due yet: the month in progress is neither loaded nor missing
    assert coverage(board, needs, [OCT], date(2026, 11, 2)) == Coverage("complete")


def test_a_figure_counts_only_the_sources_of_its_scope(store):
    today = date(2026, 11, 20)
    needs = ("work_item_snapshots", "applications")  # read from the work items' loads
    board = read_board(store)
    assert coverage(board, needs, [OCT], today) == Coverage("not_loaded", ("Jira SEDE",))
    # Jira SEDE feeds Sede in Maint: another application's figure does not rest on it
    assert coverage(board, needs, [OCT], today, application="Nóminas") == Coverage("complete")
    assert coverage(board, needs, [OCT], today, service="Other") == Coverage("complete")
    assert coverage(board, needs, [OCT], today, service="Maint").state == "not_loaded"
    # a team's figure rests on the sources of its applications
    store.execute(
        "INSERT INTO applications (application, team) VALUES ('Sede', 'Web'), ('Nóminas', 'Pay')"
    )
    board = read_board(store)
    assert coverage(board, needs, [OCT], today, team="Web").state == "not_loaded"
    assert coverage(board, needs, [OCT], today, team="Pay") == Coverage("complete")
    assert coverage(board, needs, [OCT], today, team="Nobody") == Coverage("complete")
    # over two months, one loaded: partial
    load(store, SEP, "2026-10-03 10:00", items("SEDE", 1))
    assert coverage(read_board(store), needs, [SEP, OCT], today) == Coverage(
        "partial", ("Jira SEDE",)
    )


def test_the_months_a_figure_covers():
    assert period_months("2026-10") == ["2026-10"]
    assert period_months("2026-08:2026-10") == ["2026-08", "2026-09", "2026-10"]
    assert period_months(":2026-10") == ["2026-10"]  # cumulative: judged by its last month
    assert period_months(None) == []


def test_the_register_edited_on_the_data_page_is_audited_and_judged(store):
    """The Data page's editor: a due day moved from the 5th to the 10th makes a 9 Nov load on
    time; a sponsor may not edit; the edit is in the audit log."""
    load(store, OCT, "2026-11-09 10:00", items("SEDE", 2))
    assert state(store, "Jira SEDE", OCT, date(2026, 11, 20)).state == "late"
    before = editable_frame(
        store.execute("SELECT * FROM expected_sources").df(), "expected_sources"
    )
    after = before.copy()
    after.loc[after["source"] == "Jira SEDE", "due_day"] = 10
    rows = changed_rows(before, after)
    assert list(rows["source"]) == ["Jira SEDE"]
    with pytest.raises(PermissionDenied):
        actions.edit_catalog(store, Actor("sam", "sponsor"), "expected_sources", rows)
    result = actions.edit_catalog(store, Actor("ana", "pmo_lead"), "expected_sources", rows)
    assert state(store, "Jira SEDE", OCT, date(2026, 11, 20)).state == "on_time"
    logged = store.execute(
        "SELECT username, action, detail FROM audit_log ORDER BY seq DESC LIMIT 1"
    ).fetchall()
    assert logged == [
        ("ana", "edit_catalog", f"load {result.load_id}: dashboard edit: expected_sources; "
         "expected_sources: 1 row(s)")
    ]  # fmt: skip
