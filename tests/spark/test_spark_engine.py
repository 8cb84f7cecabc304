"""The Spark engine (pyspark local mode): the same Source, the same numbers as on DuckDB.

Run with ``PMO_ENGINE=spark python -m pytest -m spark`` (the metric suite runs too).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pmo_metrics.engine import SparkMirror, lake_source, open_source, spark_session
from pmo_metrics.metrics.source import Filters, Source
from pmo_metrics.schema.tables import table_specs
from pmo_metrics.store.connection import connect
from pmo_metrics.store.loads import undo_load
from pmo_metrics.store.parquet import export_parquet

pytest.importorskip("pyspark")
pytestmark = pytest.mark.spark
ROOT = Path(__file__).resolve().parents[2]

APPS = [
    {"application": "Payments", "services": ["Hosting", "Support"], "jira_project": "PAY",
     "itsm_ci": "pay-api", "team": "Team Blue"},
    {"application": "Portal", "services": ["Hosting"], "ado_project": "Web", "team": None},
]  # fmt: skip
ITEMS = [
    {"item_key": "PAY-1", "source": "jira", "project": "PAY", "team": "ignored", "is_epic": False,
     "is_subtask": False, "status_category": "Done", "estimate": 3.0,
     "created": datetime(2026, 1, 5, 9, 0), "resolved": datetime(2026, 1, 7, 21, 0),
     "sprints": ["Sprint 9", "Sprint 10"]},
    {"item_key": "Web-4", "source": "azure_devops", "project": "Web", "team": "Web Team",
     "is_epic": False, "is_subtask": False, "status_category": "In Progress", "estimate": 5.0,
     "created": datetime(2026, 1, 20, 10, 30), "resolved": None, "sprints": ["Iteration 3"]},
    {"item_key": "OPS-7", "source": "jira", "project": "OPS", "is_epic": False,
     "is_subtask": False, "status_category": "To Do", "estimate": None,
     "created": datetime(2026, 2, 1, 0, 0), "resolved": None, "sprints": []},
]  # fmt: skip
TICKETS = [
    {"ticket_id": "INC1", "source": "servicenow", "service": "Support",
     "configuration_item": "pay-api", "priority": 2, "is_open": False,
     "opened": datetime(2026, 1, 3, 8, 0), "resolved": datetime(2026, 1, 3, 12, 30),
     "made_sla": True, "reopen_count": 0},
    {"ticket_id": "INC2", "source": "servicenow", "service": "Hosting",
     "configuration_item": "mainframe", "priority": 4, "is_open": True,
     "opened": datetime(2026, 1, 31, 23, 59, 59), "made_sla": None},
]  # fmt: skip


def records(source: Source, expr, order: str) -> list[tuple]:
    frame = source.execute(expr.order_by(order))
    return [tuple(None if _missing(v) else v for v in row) for row in frame.to_numpy().tolist()]


def _missing(value: object) -> bool:
    return not isinstance(value, (list, np.ndarray)) and bool(pd.isna(value))


def listed(value: object) -> object:
    return list(value) if isinstance(value, (list, np.ndarray)) else value


@pytest.fixture
def loaded(put):
    put("applications", APPS)
    put("work_items", ITEMS)
    put("tickets", TICKETS)


def test_open_source_on_spark_mirrors_the_store(con, loaded):
    source = open_source(con, engine="spark")
    assert isinstance(source, SparkMirror)
    assert source.count("work_items") == 3
    assert source.count("tickets") == 2


def test_portfolio_mapping_is_the_same_on_both_engines(con, loaded):
    duck, spark = open_source(con, engine="duckdb"), open_source(con, engine="spark")
    for source in (duck, spark):
        items = source.work_items()
        got = records(source, items.select("item_key", "application", "team"), "item_key")
        assert got == [
            ("OPS-7", "OPS", "OPS"),
            ("PAY-1", "Payments", "Team Blue"),
            ("Web-4", "Portal", "Web Team"),
        ]
        tickets = source.tickets()
        got = records(source, tickets.select("ticket_id", "application", "made_sla"), "ticket_id")
        assert got == [("INC1", "Payments", True), ("INC2", "mainframe", None)]
        hosting = source.applications_of_service("Hosting")
        assert sorted(source.execute(hosting)["application"]) == ["Payments", "Portal"]


def test_types_and_values_come_back_alike(con, loaded):
    duck, spark = open_source(con, engine="duckdb"), open_source(con, engine="spark")
    frames = [s.execute(s.work_items().order_by("item_key")) for s in (duck, spark)]
    a, b = frames
    assert list(a.columns) == list(b.columns)
    for column in ("item_key", "estimate", "created", "resolved", "is_epic"):
        assert a[column].tolist() == b[column].tolist() or (
            a[column].isna().tolist() == b[column].isna().tolist()
            and a[column].dropna().tolist() == b[column].dropna().tolist()
        ), column
    assert [listed(v) for v in a["sprints"]] == [listed(v) for v in b["sprints"]]
    assert [listed(v) for v in b["sprints"]] == [[], ["Sprint 9", "Sprint 10"], ["Iteration 3"]]


def test_filters_and_periods_are_the_same_on_both_engines(con, loaded):
    january = Filters.from_period("2026-01", service="Hosting")
    for source in (open_source(con, engine="duckdb"), open_source(con, engine="spark")):
        items = source.filter_scope(source.work_items(), january)
        items = items.filter(Source.in_period(items.created, january))
        assert records(source, items.select("item_key"), "item_key") == [("PAY-1",), ("Web-4",)]
        tickets = source.filter_scope(source.tickets(), january)
        tickets = tickets.filter(Source.in_period(tickets.opened, january))
        assert records(source, tickets.select("ticket_id"), "ticket_id") == [("INC2",)]


def test_portable_expressions_match_numpy(con, put):
    """What the metrics rely on: exact percentiles with linear interpolation, second-exact
    timestamp differences, Monday weeks, calendar months, unnested lists."""
    hours = [1.0, 2.0, 4.0, 10.0, 30.0]
    put("tickets", [
        {"ticket_id": f"T{i}", "source": "s", "is_open": False,
         "opened": datetime(2026, 3, 4, 10, 0),  # a Wednesday
         "resolved": datetime(2026, 3, 4, 10, 0) + pd.Timedelta(hours=h)}
        for i, h in enumerate(hours)
    ])  # fmt: skip
    put("work_items", ITEMS)
    expected = [float(np.percentile(hours, q)) for q in (50, 85, 90, 95)]
    for source in (open_source(con, engine="duckdb"), open_source(con, engine="spark")):
        t = source.table("tickets")
        took = t.resolved.delta(t.opened, unit="second").cast("float64") / 3600
        quantiles = t.aggregate(
            **{f"p{q}": took.quantile(q / 100) for q in (50, 85, 90, 95)},
            week=t.opened.truncate("W").cast("date").max(),
            month=t.opened.truncate("M").cast("date").max(),
        )
        row = source.execute(quantiles).iloc[0]
        assert [row[f"p{q}"] for q in (50, 85, 90, 95)] == pytest.approx(expected, abs=1e-12)
        assert pd.Timestamp(row["week"]) == pd.Timestamp("2026-03-02")  # the Monday
        assert pd.Timestamp(row["month"]) == pd.Timestamp("2026-03-01")
        w = source.table("work_items")
        pairs = w.select("item_key", sprint=w.sprints.unnest())
        assert records(source, pairs, "sprint") == [
            ("Web-4", "Iteration 3"), ("PAY-1", "Sprint 10"), ("PAY-1", "Sprint 9")
        ]  # fmt: skip


def test_rows_loaded_or_undone_after_opening_are_seen(con, put):
    source = open_source(con, engine="spark")
    assert source.count("work_items") == 0
    first = put("work_items", ITEMS[:1])
    assert source.count("work_items") == 1
    put("work_items", ITEMS[1:])
    assert source.count("work_items") == 3
    undo_load(con, first)
    assert records(source, source.table("work_items").select("item_key"), "item_key") == [
        ("OPS-7",),
        ("Web-4",),
    ]


def test_one_spark_application_with_a_session_per_source(tmp_path, con, put):
    other = connect(tmp_path / "other.duckdb")
    try:
        put("work_items", ITEMS)
        mine, theirs = open_source(con, engine="spark"), open_source(other, engine="spark")
        # Each Source has its own temporary views on the one shared application.
        assert mine.count("work_items") == 3
        assert theirs.count("work_items") == 0
        assert mine.count("work_items") == 3
        assert mine.backend._session.sparkContext is spark_session().sparkContext
        assert mine.backend._session is not theirs.backend._session
    finally:
        other.close()


def test_close_removes_the_mirror_files(con, loaded):
    source = open_source(con, engine="spark")
    assert source.count("tickets") == 2
    folder = source._root
    assert list(folder.rglob("tickets.parquet"))
    source.close()
    assert not folder.exists()


def test_spark_reads_a_parquet_lake(con, loaded, tmp_path, monkeypatch):
    written = export_parquet(con, tmp_path / "lake")
    written["risks"].unlink()  # a lake without the risk register
    monkeypatch.setenv("PMO_PARQUET_DIR", str(tmp_path / "lake"))
    source = open_source(con, engine="spark")
    assert not isinstance(source, SparkMirror)  # the lake, not the local store
    con.execute("DELETE FROM tickets")  # so the store no longer matters
    assert source.count("tickets") == 2
    items = source.work_items().select("item_key", "application")
    assert records(source, items, "item_key") == [
        ("OPS-7", "OPS"), ("PAY-1", "Payments"), ("Web-4", "Portal")
    ]  # fmt: skip
    assert source.count("risks") == 0
    risks = source.execute(source.table("risks"))
    assert list(risks.columns)[: len(table_specs()["risks"].types)] == list(
        table_specs()["risks"].types
    )
    same = lake_source(tmp_path / "lake", engine="spark")
    assert same.count("work_items") == 3


def kpi_json(db, name: str, **env: str) -> list[dict]:
    """``python -m pmo_metrics kpi NAME --format json`` in a real subprocess with ``env``."""
    done = subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "kpi", name, "--db", str(db), "--format", "json"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["rows"]


def test_the_setting_moves_the_command_line_to_spark(con, db_path, loaded, tmp_path):
    """PMO_ENGINE=spark alone (the store mirrored), then with PMO_PARQUET_DIR (a lake)."""
    export_parquet(con, tmp_path / "lake")
    con.close()  # the commands open the file themselves
    on_duckdb = kpi_json(db_path, "velocity", PMO_ENGINE="duckdb")
    assert [(r["team"], r["sprint"], r["committed_points"]) for r in on_duckdb] == [
        ("Team Blue", "Sprint 9", 3.0), ("Team Blue", "Sprint 10", 3.0),
        ("Web Team", "Iteration 3", 5.0),
    ]  # fmt: skip
    assert kpi_json(db_path, "velocity", PMO_ENGINE="spark") == on_duckdb
    lake = kpi_json(db_path, "velocity", PMO_ENGINE="spark", PMO_PARQUET_DIR=str(tmp_path / "lake"))
    assert lake == on_duckdb
