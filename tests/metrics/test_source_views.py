"""The portfolio-applied tickets and work items on DuckDB: a temporary view of the Source's own
connection, read as a table, that gives exactly the rows of the portfolio's join (an item of a
mapped Jira project takes the portfolio's application and team, an unmapped one its project; a
ticket of a mapped configuration item the portfolio's application, an unknown one the item).
On another engine the Source reads the join itself."""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_metrics.engine import engine_name
from pmo_metrics.metrics.source import Source

APPS = [
    {"application": "A", "services": ["S1"], "team": "Red", "jira_project": "PA",
     "itsm_ci": "CI-A"},
    {"application": "B", "services": ["S1"], "team": "Blue", "ado_project": "PB"},
]  # fmt: skip
ITEMS = [
    {"item_key": key, "source": "jira", "project": project, "team": team, "item_type": "Story",
     "is_epic": False, "is_subtask": False, "status": "Done", "status_category": "Done",
     "created": pd.Timestamp("2026-03-01")}
    for key, project, team in [("PA-1", "PA", None), ("PB-1", "PB", "Own"), ("X-1", "X", None),
                               ("X-2", "X", "Green")]
]  # fmt: skip
TICKETS = [
    {"ticket_id": tid, "source": "servicenow", "service": "S1", "configuration_item": ci,
     "priority": 3, "is_open": True, "opened": pd.Timestamp("2026-03-02")}
    for tid, ci in [("T1", "CI-A"), ("T2", "CI-Z"), ("T3", None)]
]  # fmt: skip

pytestmark = pytest.mark.skipif(engine_name() != "duckdb", reason="a DuckDB connection's views")


@pytest.fixture
def loaded(put, source) -> Source:
    put("applications", APPS)
    put("work_items", ITEMS)
    put("tickets", TICKETS)
    return source


def rows(source: Source, table, key: str, columns: list[str]) -> list[tuple]:
    frame = source.execute(table.select(*columns).order_by(key))
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(False)]


def test_work_items_read_a_view_that_gives_the_join_rows(loaded):
    view = loaded.work_items()
    assert view.op().name.startswith("pmo_work_items_")  # a table: Ibis compiles no join
    join = Source._by_project(loaded.table("work_items"), loaded.table("applications"))
    assert view.schema() == join.schema()
    columns = ["item_key", "project", "application", "team"]
    assert rows(loaded, view, "item_key", columns) == rows(loaded, join, "item_key", columns)
    assert rows(loaded, view, "item_key", columns) == [
        ("PA-1", "PA", "A", "Red"),
        ("PB-1", "PB", "B", "Blue"),
        ("X-1", "X", "X", "X"),  # no portfolio project, no team: the project
        ("X-2", "X", "X", "Green"),
    ]


def test_tickets_read_a_view_that_gives_the_join_rows(loaded):
    view = loaded.tickets()
    assert view.op().name.startswith("pmo_tickets_")
    columns = ["ticket_id", "configuration_item", "application"]
    assert rows(loaded, view, "ticket_id", columns) == [
        ("T1", "CI-A", "A"),
        ("T2", "CI-Z", "CI-Z"),
        ("T3", None, None),
    ]


def test_the_view_is_the_connections_own_and_shared_by_its_sources(loaded, con):
    name = loaded.tickets().op().name
    again = Source.from_duckdb(loaded.backend.con)
    assert again.tickets().op().name == name  # same SQL, same view: created once
    other = con.cursor()  # another connection to the same store
    assert name not in {r[0] for r in other.execute("SHOW TABLES").fetchall()}
    mine = loaded.backend.con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE temporary AND view_name = ?", [name]
    ).fetchall()
    assert mine == [(1,)]
