"""The Parquet export and the engine setting (DuckDB only: these run in the main test step)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pmo_metrics.engine import engine_name, lake_source, open_source
from pmo_metrics.metrics.source import Source
from pmo_metrics.schema.tables import table_specs
from pmo_metrics.store.loads import undo_load
from pmo_metrics.store.parquet import export_parquet, store_version

ROOT = Path(__file__).resolve().parents[2]

APPS = [
    {"application": "Payments", "services": ["Hosting", "Support"], "jira_project": "PAY",
     "itsm_ci": "pay-api", "team": "Team Blue"},
]  # fmt: skip
ITEMS = [
    {"item_key": "PAY-1", "source": "jira", "project": "PAY", "is_epic": False,
     "is_subtask": False, "status_category": "Done", "estimate": 3.0,
     "created": datetime(2026, 1, 5, 9, 0), "resolved": datetime(2026, 1, 7, 21, 0),
     "sprints": ["Sprint 9", "Sprint 10"]},
    {"item_key": "OPS-7", "source": "jira", "project": "OPS", "is_epic": False,
     "is_subtask": False, "status_category": "To Do", "estimate": None,
     "created": datetime(2026, 2, 1, 0, 0), "resolved": None, "sprints": []},
]  # fmt: skip
TICKETS = [
    {"ticket_id": "INC1", "source": "servicenow", "service": "Support", "configuration_item":
     "pay-api", "priority": 2, "is_open": False, "opened": datetime(2026, 1, 3, 8, 0),
     "resolved": datetime(2026, 1, 3, 12, 30), "made_sla": True},
]  # fmt: skip


def test_engine_name_defaults_to_duckdb_and_honours_the_setting(monkeypatch):
    monkeypatch.delenv("PMO_ENGINE", raising=False)
    assert engine_name() == "duckdb"
    monkeypatch.setenv("PMO_ENGINE", " Spark ")
    assert engine_name() == "spark"
    assert engine_name("duckdb") == "duckdb"
    monkeypatch.setenv("PMO_ENGINE", "oracle")
    with pytest.raises(ValueError, match="PMO_ENGINE must be one of duckdb, spark"):
        engine_name()


def test_duckdb_source_is_the_store_itself(con, put, monkeypatch):
    monkeypatch.delenv("PMO_ENGINE", raising=False)
    put("work_items", ITEMS)
    source = open_source(con)
    assert type(source) is Source
    assert source.count("work_items") == 2


def test_export_writes_every_canonical_table_with_its_types(con, put, tmp_path):
    put("applications", APPS)
    put("work_items", ITEMS)
    written = export_parquet(con, tmp_path / "lake")
    assert sorted(written) == sorted(table_specs())
    assert all(path == tmp_path / "lake" / f"{name}.parquet" for name, path in written.items())
    assert not list((tmp_path / "lake").glob(".*"))  # no partial files left behind

    back = duckdb.connect()
    items = back.execute(
        f"SELECT item_key, estimate, created, resolved, sprints FROM '{written['work_items']}' "
        "ORDER BY item_key"
    ).fetchall()
    assert items == [
        ("OPS-7", None, datetime(2026, 2, 1, 0, 0), None, []),
        ("PAY-1", 3.0, datetime(2026, 1, 5, 9, 0), datetime(2026, 1, 7, 21, 0),
         ["Sprint 9", "Sprint 10"]),
    ]  # fmt: skip
    described = dict(
        back.execute(
            f"SELECT column_name, column_type FROM (DESCRIBE '{written['work_items']}')"
        ).fetchall()
    )
    assert {c: described[c] for c in table_specs()["work_items"].types} == dict(
        table_specs()["work_items"].types
    )
    assert back.execute(f"SELECT count(*) FROM '{written['tickets']}'").fetchall() == [(0,)]


def test_store_version_changes_with_every_load_and_undo(con, put):
    empty = store_version(con)
    first = put("work_items", ITEMS[:1])
    after_load = store_version(con)
    put("work_items", [{**ITEMS[0], "estimate": 5.0}])  # same key, same count: a new load
    after_update = store_version(con)
    undo_load(con, first + 1)
    after_undo = store_version(con)
    assert len({empty, after_load, after_update, after_undo}) == 4
    assert store_version(con) == after_undo  # nothing changed, same fingerprint


def test_duckdb_over_the_lake_gives_what_the_store_gives(con, put, tmp_path):
    put("applications", APPS)
    put("work_items", ITEMS)
    put("tickets", TICKETS)
    written = export_parquet(con, tmp_path / "lake")
    written["tickets"].unlink()  # a lake without tickets: an empty table, not an error

    store, lake = Source.from_duckdb(con), lake_source(tmp_path / "lake", engine="duckdb")
    columns = ["item_key", "application", "team"]
    expected = [("OPS-7", "OPS", "OPS"), ("PAY-1", "Payments", "Team Blue")]
    for source in (store, lake):
        frame = source.execute(source.work_items().order_by("item_key"))
        assert list(frame[columns].itertuples(index=False, name=None)) == expected
    assert store.count("tickets") == 1
    assert lake.count("tickets") == 0
    ticket_columns = list(store.execute(store.tickets()).columns)
    assert list(lake.execute(lake.tickets()).columns) == ticket_columns


def test_export_parquet_command(con, put, db_path, tmp_path):
    put("work_items", ITEMS)
    con.close()  # the command opens the file itself
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "export-parquet", str(out), "--db", str(db_path)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.glob("*.parquet")) == sorted(
        f"{t}.parquet" for t in table_specs()
    )
    assert "work_items" in done.stdout and "2 rows" in done.stdout
    frame = pd.read_parquet(out / "work_items.parquet")
    assert sorted(frame["item_key"]) == ["OPS-7", "PAY-1"]


def test_export_parquet_command_without_a_store(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "export-parquet", str(tmp_path / "out"),
         "--db", str(tmp_path / "missing.duckdb")],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "no store at" in done.stdout
    assert not (tmp_path / "missing.duckdb").exists()
    assert not (tmp_path / "out").exists()


def test_dates_survive_the_round_trip(con, put, tmp_path):
    put("sprints", [{"team": "T", "sprint": "Sprint 1", "start_date": date(2026, 1, 5),
                     "end_date": date(2026, 1, 16), "committed_points": 10.0}])  # fmt: skip
    lake = lake_source(export_parquet(con, tmp_path)["sprints"].parent, engine="duckdb")
    frame = lake.execute(lake.table("sprints").select("start_date", "end_date"))
    # Ibis hands dates to pandas as datetime64, on the store and on the lake alike.
    assert list(frame.itertuples(index=False, name=None)) == [
        (pd.Timestamp("2026-01-05"), pd.Timestamp("2026-01-16"))
    ]
