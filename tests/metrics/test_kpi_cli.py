"""``python -m pmo_metrics kpi`` as a real subprocess over a real DuckDB file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from uuid import uuid4

import pandas as pd
import pytest

from pmo_metrics.schema.problems import ParsedFile
from pmo_metrics.store.connection import connect
from pmo_metrics.store.loads import load_parsed

ROOT = Path(__file__).resolve().parents[2]


def load(db: Path, table: str, rows: list[dict]) -> None:
    frame = pd.DataFrame(rows).assign(source_sheet="test")
    frame["source_row"] = range(2, 2 + len(frame))
    con = connect(db)
    try:
        load_parsed(
            con, [ParsedFile(f"{table}.csv", uuid4().hex, "test", {table: frame}, [], len(frame))]
        )
    finally:
        con.close()  # the subprocess needs the file unlocked


def kpi(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PMO_ENGINE": "duckdb"}
    return subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "kpi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def story(key: str, sprints: list[str], est: float, cat: str = "Done") -> dict:
    return {
        "item_key": key,
        "source": "jira",
        "project": "P",
        "is_epic": False,
        "is_subtask": False,
        "status_category": cat,
        "estimate": est,
        "sprints": sprints,
        "created": pd.Timestamp("2026-03-02"),
        "resolved": pd.Timestamp("2026-03-06") if cat == "Done" else None,
    }


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cli.duckdb"
    load(
        path,
        "work_items",
        [
            story("A", ["Sprint 9", "Sprint 10"], 5),
            story("B", ["Sprint 9"], 3),
            story("C", ["Sprint 10"], 2, "In Progress"),
            story("D", ["Sprint 11"], 1, "To Do"),
        ],
    )
    load(
        path,
        "tickets",
        [
            {
                "ticket_id": "INC1",
                "source": "servicenow",
                "service": "Desk",
                "is_open": False,
                "opened": pd.Timestamp("2026-03-02 08:00"),
                "resolved": pd.Timestamp("2026-03-02 10:00"),
                "made_sla": True,
            }
        ],
    )
    return path


def test_list_shows_names_labels_units_and_definitions():
    result = kpi("--list")
    assert result.returncode == 0, result.stderr
    for name in ("velocity", "throughput", "lead-time", "sla-compliance", "forecast", "mttr"):
        assert f"  {name} " in result.stdout
    assert "Sprint velocity (pts)" in result.stdout
    assert "Tickets resolved in the month that met their SLA" in result.stdout


def test_velocity_as_json(db):
    result = kpi("velocity", "--db", str(db), "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    # Sprint 9: A5 + B3 committed, B3 completed; Sprint 10: A5 + C2 committed, A5 completed.
    assert [
        (r["sprint"], r["committed_points"], r["completed_points"], r["say_do_ratio"]) for r in rows
    ] == [
        ("Sprint 9", 8.0, 3.0, 0.375),
        ("Sprint 10", 7.0, 5.0, 5 / 7),
        ("Sprint 11", 1.0, 0.0, 0.0),
    ]


def test_csv_with_filters(db):
    result = kpi(
        "sla-compliance",
        "--db",
        str(db),
        "--period",
        "2026-03",
        "--service",
        "Desk",
        "--format",
        "csv",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "service,month,tickets,met_sla,compliance_pct,resolved,unjudged",
        "Desk,2026-03-01,1,1,100.0,1,0",
    ]
    table = kpi("throughput", "--db", str(db), "--period", "2026-03", "--team", "P")
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[-1].split() == ["P", "2026-03-01", "2"]


def test_empty_selection_prints_the_columns(db):
    result = kpi("throughput", "--db", str(db), "--application", "nothing")
    assert result.returncode == 0, result.stderr
    assert "no rows" in result.stdout and "application, month, items" in result.stdout


def test_missing_data_exits_1_with_its_message(db):
    result = kpi("cycle-time", "--db", str(db))
    assert result.returncode == 1
    assert "no status history: cycle time needs it" in result.stderr


def test_unknown_metric_exits_2_with_the_list(db):
    result = kpi("velocityy", "--db", str(db))
    assert result.returncode == 2
    assert "unknown metric 'velocityy'" in result.stderr and "  velocity " in result.stderr
    bad = kpi("velocity", "--db", str(db), "--period", "2026-13")
    assert bad.returncode == 2 and "period" in bad.stderr
