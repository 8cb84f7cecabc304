"""Loads in any order: a file is the state of its rows at its period.

Defects of issue 11 each test reproduces: a load snapshotting rows it does not carry (1), an
older period overwriting newer state (2), undo of an older load deleting rows a later load still
holds (4), conflicting rows for one key in one batch (14).
"""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_metrics.schema.problems import ParsedFile
from pmo_metrics.store.loads import load_parsed, redo_load, undo_load


def parsed(name: str, tables: dict[str, list[dict]], sha: str | None = None) -> ParsedFile:
    frames = {}
    for table, rows in tables.items():
        frame = pd.DataFrame(rows)
        frame["source_sheet"] = None
        frame["source_row"] = range(2, 2 + len(frame))
        frames[table] = frame
    return ParsedFile(name, sha or name, "test", frames, [], sum(len(r) for r in tables.values()))


def item(key: str, category: str, project: str = "P", created: str = "2026-01-05") -> dict:
    return {
        "item_key": key,
        "source": "jira",
        "project": project,
        "is_epic": False,
        "is_subtask": False,
        "status_category": category,
        "created": pd.Timestamp(created),
    }


def ticket(ticket_id: str, state: str = "New", opened: str = "2026-01-10") -> dict:
    return {
        "ticket_id": ticket_id,
        "source": "servicenow",
        "state": state,
        "is_open": state != "Closed",
        "opened": pd.Timestamp(opened),
    }


def load(con, name: str, period: str, **tables: list[dict]) -> int | None:
    return load_parsed(con, [parsed(name, tables)], period=period).load_id


def current(con, table: str = "work_items") -> list[tuple]:
    key, state = (
        ("item_key", "status_category") if table == "work_items" else ("ticket_id", "state")
    )
    return con.execute(f"SELECT {key}, {state} FROM {table} ORDER BY 1").fetchall()


def snapshots(con) -> list[tuple]:
    rows = con.execute(
        "SELECT strftime(month, '%Y-%m'), item_key, status_category FROM work_item_snapshots "
        "ORDER BY ALL"
    ).fetchall()
    return [tuple(r) for r in rows]


def business(con) -> dict[str, list[tuple]]:
    """Every canonical and snapshot table without provenance: what metrics read."""
    from pmo_metrics.schema.tables import table_specs

    out = {}
    for spec in table_specs().values():
        cols = ", ".join(f'"{c}"' for c in spec.columns)
        out[spec.name] = con.execute(f"SELECT {cols} FROM {spec.name} ORDER BY ALL").fetchall()
    return out


def test_a_load_does_not_snapshot_rows_it_does_not_carry(con):
    """Defect 1: project A's May snapshot was rewritten by importing project B for May."""
    load(con, "a-may.csv", "2026-05", work_items=[item("A-1", "To Do", "A")])
    load(con, "a-oct.csv", "2026-10", work_items=[item("A-1", "Done", "A")])
    before = snapshots(con)
    assert before == [("2026-05", "A-1", "To Do"), ("2026-10", "A-1", "Done")]
    load(con, "b-may.csv", "2026-05", work_items=[item("B-1", "In Progress", "B")])
    # A-1 stays To Do in May (its May state), not its October state; B-1 joins May and, as the
    # newest state known by October, October too.
    assert snapshots(con) == [
        ("2026-05", "A-1", "To Do"),
        ("2026-05", "B-1", "In Progress"),
        ("2026-10", "A-1", "Done"),
        ("2026-10", "B-1", "In Progress"),
    ]


def test_an_older_period_fills_history_and_never_replaces_newer_state(con):
    """Defect 2: a backfill of March after October overwrote the current (October) state."""
    load(con, "oct.csv", "2026-10", work_items=[item("P-1", "Done"), item("P-2", "In Progress")])
    result = load_parsed(
        con,
        [parsed("mar.csv", {"work_items": [item("P-1", "To Do"), item("P-3", "To Do")]})],
        period="2026-03",
    )
    counts = result.counts["work_items"]
    assert (counts.added, counts.updated, counts.unchanged, counts.older) == (1, 0, 0, 1)
    assert current(con) == [("P-1", "Done"), ("P-2", "In Progress"), ("P-3", "To Do")]
    assert snapshots(con) == [
        ("2026-03", "P-1", "To Do"),
        ("2026-03", "P-3", "To Do"),
        ("2026-10", "P-1", "Done"),
        ("2026-10", "P-2", "In Progress"),
        ("2026-10", "P-3", "To Do"),  # March is its newest known state by October
    ]
    assert "1 older than the state already loaded" in result.summary()


def test_the_same_period_again_replaces_that_periods_state_of_its_items_only(con):
    load(con, "oct.csv", "2026-10", work_items=[item("P-1", "In Progress"), item("P-2", "To Do")])
    load(con, "oct-fix.csv", "2026-10", work_items=[item("P-1", "Done")])
    assert current(con) == [("P-1", "Done"), ("P-2", "To Do")]
    assert snapshots(con) == [("2026-10", "P-1", "Done"), ("2026-10", "P-2", "To Do")]


def test_undo_of_an_older_load_keeps_the_rows_a_later_load_holds(con):
    """Defect 4: INC0-2 in jan, INC0-3 in feb; undo jan removed INC0-2 although feb holds them."""
    load(con, "jan.csv", "2026-01", tickets=[ticket(f"INC{i}") for i in range(3)])
    load(con, "feb.csv", "2026-02", tickets=[ticket(f"INC{i}") for i in range(4)])
    removed = undo_load(con, 1)
    assert removed == {}  # every row jan carried is still carried by feb
    assert [r[0] for r in current(con, "tickets")] == ["INC0", "INC1", "INC2", "INC3"]
    assert con.execute("SELECT DISTINCT load_id FROM tickets").fetchall() == [(2,)]


def test_undo_of_the_newer_load_restores_the_older_version(con):
    load(con, "jan.csv", "2026-01", tickets=[ticket("INC0", "New")])
    load(con, "feb.csv", "2026-02", tickets=[ticket("INC0", "Closed"), ticket("INC1")])
    assert undo_load(con, 2) == {"tickets": 2}
    assert current(con, "tickets") == [("INC0", "New")]


def test_undo_then_redo_equals_never_undoing(con):
    load(con, "jan.csv", "2026-01", work_items=[item("P-1", "To Do"), item("P-2", "To Do")])
    load(con, "feb.csv", "2026-02", work_items=[item("P-1", "In Progress")])
    load(con, "feb-fix.csv", "2026-02", work_items=[item("P-1", "Done")])
    never_undone = business(con)
    for order in ([2], [3, 2], [2, 3], [1, 3]):
        for load_id in order:
            undo_load(con, load_id)
        for load_id in reversed(order):
            redo_load(con, load_id)
        assert business(con) == never_undone, order


def test_undo_equals_loading_the_remaining_files_from_scratch(db_path, tmp_path):
    from pmo_metrics.store.connection import connect

    files = [
        ("jan.csv", "2026-01", [item("P-1", "To Do"), item("P-2", "To Do")]),
        ("mar.csv", "2026-03", [item("P-1", "Done"), item("P-3", "To Do")]),
        ("feb.csv", "2026-02", [item("P-2", "In Progress"), item("P-3", "In Progress")]),
    ]
    con = connect(db_path)
    for name, period, rows in files:
        load(con, name, period, work_items=rows)
    for undone in (1, 2, 3):
        redo = [f for i, f in enumerate(files, start=1) if i != undone]
        undo_load(con, undone)
        fresh = connect(tmp_path / f"fresh{undone}.duckdb")
        for name, period, rows in redo:
            load(fresh, name, period, work_items=rows)
        assert business(con) == business(fresh), f"undo {undone}"
        fresh.close()
        redo_load(con, undone)
    con.close()


def test_redo_is_refused_for_a_load_that_is_not_undone(con):
    load(con, "jan.csv", "2026-01", tickets=[ticket("INC0")])
    with pytest.raises(ValueError, match="is not undone"):
        redo_load(con, 1)
    with pytest.raises(ValueError, match="there is no load 9"):
        redo_load(con, 9)


def test_conflicting_rows_for_one_key_in_one_batch_are_named(con):
    """Defect 14: the last file won silently."""
    a = parsed("incidents.xlsx", {"tickets": [ticket("INC1", "New"), ticket("INC2", "New")]})
    b = parsed("incidents.csv", {"tickets": [ticket("INC1", "Closed"), ticket("INC2", "New")]})
    result = load_parsed(con, [a, b], period="2026-01")
    messages = [str(w) for w in result.warnings]
    assert len(messages) == 1, messages
    assert "INC1" in messages[0]
    assert "incidents.xlsx" in messages[0] and "incidents.csv" in messages[0]
    assert current(con, "tickets") == [("INC1", "Closed"), ("INC2", "New")]
