"""The store: natural keys, all-or-nothing loads, identical files, history and undo."""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_metrics.schema.problems import ImportRejected, ParsedFile
from pmo_metrics.schema.tables import table_specs
from pmo_metrics.store.connection import connect
from pmo_metrics.store.loads import list_loads, load_parsed, undo_load


def parsed(name: str, sha: str, tables: dict[str, list[dict]]) -> ParsedFile:
    frames = {}
    for table, rows in tables.items():
        frame = pd.DataFrame(rows)
        frame["source_sheet"] = None
        frame["source_row"] = range(2, 2 + len(frame))
        frames[table] = frame
    return ParsedFile(name, sha, "test", frames, [], sum(len(r) for r in tables.values()))


def risk(risk_id: str, probability: int) -> dict:
    return {
        "risk_id": risk_id,
        "title": "t",
        "probability": probability,
        "impact": 2,
        "status": "open",
    }


def risks(con) -> list[tuple]:
    return con.execute(
        "SELECT risk_id, probability, load_id FROM risks ORDER BY risk_id"
    ).fetchall()


def table_contents(con) -> dict[str, list[tuple]]:
    return {
        name: con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall() for name in table_specs()
    }


def test_schema_is_idempotent(db_path):
    connect(db_path).close()
    con = connect(db_path)  # second time: nothing fails, nothing duplicated
    assert con.execute("SELECT count(*) FROM loads").fetchall() == [(0,)]


def test_a_store_with_text_row_hashes_is_converted_and_keeps_upserting(db_path):
    """Stores written before row hashes became numbers: the first connect converts them."""
    con = connect(db_path)
    load_parsed(con, [parsed("a.csv", "a", {"risks": [risk("R1", 1), risk("R2", 2)]})])
    for name in ("risks", "risks_history"):
        con.execute(f"ALTER TABLE {name} ALTER COLUMN row_hash SET DATA TYPE VARCHAR")
    con.close()
    con = connect(db_path)
    types = con.execute(
        "SELECT DISTINCT data_type FROM duckdb_columns() WHERE column_name = 'row_hash'"
    ).fetchall()
    assert types == [("UBIGINT",)]
    again = load_parsed(con, [parsed("b.csv", "b", {"risks": [risk("R1", 1), risk("R2", 5)]})])
    c = again.counts["risks"]
    assert (c.added, c.updated, c.unchanged) == (0, 1, 1)
    # An unchanged row is carried by load 2 too: its current version is load 2's (the newest).
    assert risks(con) == [("R1", 1, 2), ("R2", 5, 2)]


def test_natural_key_updates_never_duplicates(con):
    first = load_parsed(con, [parsed("a.csv", "a", {"risks": [risk("R1", 1), risk("R2", 2)]})])
    second = load_parsed(
        con, [parsed("b.csv", "b", {"risks": [risk("R1", 3), risk("R2", 2), risk("R3", 1)]})]
    )
    assert (first.counts["risks"].added, first.counts["risks"].updated) == (2, 0)
    c = second.counts["risks"]
    assert (c.added, c.updated, c.unchanged) == (1, 1, 1)
    # R2 is unchanged, and load 2 carries it too: its current version is the newest load's.
    assert risks(con) == [("R1", 3, 2), ("R2", 2, 2), ("R3", 1, 2)]


def test_provenance_is_kept(con):
    load_parsed(con, [parsed("register.csv", "a", {"risks": [risk("R1", 1), risk("R2", 2)]})])
    rows = con.execute(
        "SELECT risk_id, load_id, source_file, source_sheet, source_row FROM risks ORDER BY 1"
    ).fetchall()
    assert rows == [("R1", 1, "register.csv", None, 2), ("R2", 1, "register.csv", None, 3)]


def test_identical_file_changes_nothing(con):
    load_parsed(con, [parsed("a.csv", "same-bytes", {"risks": [risk("R1", 1)]})])
    before = table_contents(con)
    again = load_parsed(con, [parsed("a.csv", "same-bytes", {"risks": [risk("R1", 1)]})])
    assert again.load_id is None
    assert again.skipped_files == ["a.csv"]
    assert table_contents(con) == before
    assert len(list_loads(con)) == 1


def test_overlapping_files_in_one_load_are_one_set(con):
    xlsx = parsed("tickets.xlsx", "x", {"risks": [risk("R1", 1), risk("R2", 2)]})
    csv = parsed("tickets.csv", "c", {"risks": [risk("R1", 4), risk("R2", 2)]})
    result = load_parsed(con, [xlsx, csv])
    assert result.counts["risks"].added == 2
    assert [r[:2] for r in risks(con)] == [("R1", 4), ("R2", 2)]  # the last file wins


def test_duplicate_key_in_one_file_is_rejected_with_rows(con):
    bad = parsed("r.csv", "d", {"risks": [risk("R1", 1), risk("R2", 1), risk("R1", 2)]})
    with pytest.raises(ImportRejected) as err:
        load_parsed(con, [bad])
    message = str(err.value)
    assert "r.csv, row 2, column 'risk_id': value 'R1'" in message
    assert "found in rows 2, 4" in message
    assert risks(con) == []


def test_a_failing_load_leaves_every_table_as_it_was(con):
    load_parsed(con, [parsed("a.csv", "a", {"risks": [risk("R1", 1)]})])
    before = table_contents(con)
    # Risks would load, but the impact of the second table cannot be cast to INTEGER: the
    # failure comes after the first table was written inside the transaction.
    broken = parsed(
        "b.xlsx",
        "b",
        {
            "risks": [risk("R1", 5), risk("R9", 5)],
            "stakeholders": [{"stakeholder": "Ana", "power": "very high"}],
        },
    )
    with pytest.raises(Exception):  # noqa: B017 - any database error must roll back
        load_parsed(con, [broken])
    assert table_contents(con) == before
    assert con.execute("SELECT count(*) FROM loads").fetchall() == [(1,)]


def test_undo_restores_what_the_load_replaced(con):
    load_parsed(con, [parsed("a.csv", "a", {"risks": [risk("R1", 1), risk("R2", 2)]})])
    before = table_contents(con)
    load_parsed(con, [parsed("b.csv", "b", {"risks": [risk("R1", 3), risk("R3", 1)]})])
    removed = undo_load(con, 2)
    assert removed == {"risks": 2}
    assert table_contents(con) == before
    assert list_loads(con).set_index("load_id").loc[2, "status"] == "undone"


def test_undo_of_an_older_load_keeps_the_later_version(con):
    load_parsed(con, [parsed("a.csv", "a", {"risks": [risk("R1", 1)]})])
    load_parsed(con, [parsed("b.csv", "b", {"risks": [risk("R1", 2), risk("R2", 2)]})])
    load_parsed(con, [parsed("c.csv", "c", {"risks": [risk("R1", 3)]})])
    undo_load(con, 2)  # R2 goes; R1 keeps load 3's version
    assert risks(con) == [("R1", 3, 3)]
    undo_load(con, 3)  # now R1 goes back to load 1's version, not load 2's (undone)
    assert risks(con) == [("R1", 1, 1)]


def test_undo_twice_or_unknown_load_is_refused(con):
    load_parsed(con, [parsed("a.csv", "a", {"risks": [risk("R1", 1)]})])
    undo_load(con, 1)
    with pytest.raises(ValueError, match="already undone"):
        undo_load(con, 1)
    with pytest.raises(ValueError, match="there is no load 7"):
        undo_load(con, 7)


def test_an_undone_file_can_be_loaded_again(con):
    load_parsed(con, [parsed("a.csv", "a", {"risks": [risk("R1", 1)]})])
    undo_load(con, 1)
    again = load_parsed(con, [parsed("a.csv", "a", {"risks": [risk("R1", 1)]})])
    assert again.load_id == 2
    assert risks(con) == [("R1", 1, 2)]


def item(key: str, category: str, created: str) -> dict:
    return {
        "item_key": key,
        "source": "jira",
        "project": "P",
        "is_epic": False,
        "is_subtask": False,
        "status_category": category,
        "sprints": ["S1"],
        "created": pd.Timestamp(created),
    }


def test_month_end_snapshots_survive_later_loads_and_follow_undo(con):
    load_parsed(
        con,
        [parsed("m1.csv", "1", {"work_items": [item("P-1", "To Do", "2026-01-05")]})],
        period="2026-01",
    )
    load_parsed(
        con,
        [
            parsed(
                "m2.csv",
                "2",
                {
                    "work_items": [
                        item("P-1", "Done", "2026-01-05"),
                        item("P-2", "To Do", "2026-02-01"),
                    ]
                },
            )
        ],
        period="2026-02",
    )
    snap = "SELECT month, item_key, status_category FROM work_item_snapshots ORDER BY ALL"
    assert [(str(m), k, c) for m, k, c in con.execute(snap).fetchall()] == [
        ("2026-01-01", "P-1", "To Do"),
        ("2026-02-01", "P-1", "Done"),
        ("2026-02-01", "P-2", "To Do"),
    ]
    undo_load(con, 2)
    assert [(str(m), k, c) for m, k, c in con.execute(snap).fetchall()] == [
        ("2026-01-01", "P-1", "To Do"),
    ]


def test_period_is_inferred_from_the_newest_activity(con):
    load_parsed(con, [parsed("m.csv", "1", {"work_items": [item("P-1", "To Do", "2026-03-09")]})])
    assert con.execute("SELECT period FROM loads").fetchall() == [("2026-03",)]


def test_a_malformed_period_is_refused(con):
    with pytest.raises(ValueError, match="expected YYYY-MM"):
        load_parsed(con, [parsed("m.csv", "1", {"risks": [risk("R1", 1)]})], period="2026-3'")
