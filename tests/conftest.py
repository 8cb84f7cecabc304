"""Shared fixtures: a fresh store per test, paths to the real exports."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pmo_metrics.store.connection import connect

ROOT = Path(__file__).resolve().parents[1]
REAL_EXPORTS = ROOT.parent / "shared" / "real-exports"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "pmo.duckdb"


@pytest.fixture
def con(db_path: Path):
    connection = connect(db_path)
    yield connection
    connection.close()


@pytest.fixture
def real_exports() -> Path:
    if not REAL_EXPORTS.exists():
        pytest.skip("../shared/real-exports is not beside the project")
    return REAL_EXPORTS


@pytest.fixture
def put(con):
    """Load hand-built rows into a canonical table through the real load path.

    ``put("tickets", [{"ticket_id": "INC1", ...}, ...])``; each call is one load.
    """
    from uuid import uuid4

    import pandas as pd

    from pmo_metrics.schema.problems import ParsedFile
    from pmo_metrics.store.loads import load_parsed

    def put(table: str, rows: list[dict], period: str | None = None) -> int | None:
        frame = pd.DataFrame(rows)
        frame["source_sheet"] = "test"
        frame["source_row"] = range(2, 2 + len(frame))
        parsed = ParsedFile(f"{table}.test", uuid4().hex, "test", {table: frame}, [], len(frame))
        return load_parsed(con, [parsed], period=period).load_id

    return put


# --- engines: the metric suite runs on DuckDB, and again on Spark under PMO_ENGINE=spark --------

# Test folders whose tests hold on every engine: under PMO_ENGINE=spark they carry the `spark`
# marker, so `PMO_ENGINE=spark pytest -m spark` runs them on Spark with the same expectations.
ENGINE_PORTABLE = ("metrics",)


def pytest_collection_modifyitems(config, items):
    if os.environ.get("PMO_ENGINE", "").strip().lower() != "spark":
        return
    portable = [ROOT / "tests" / name for name in ENGINE_PORTABLE]
    for item in items:
        if any(item.path.is_relative_to(folder) for folder in portable):
            item.add_marker(pytest.mark.spark)


@pytest.fixture
def source(con):
    """The metrics' Source over ``con`` on the engine of $PMO_ENGINE (DuckDB by default).

    On Spark the store is mirrored as Parquet when a metric reads it, so rows ``put`` after
    this fixture was created are seen, as on DuckDB.
    """
    from pmo_metrics.engine import open_source

    opened = open_source(con)
    yield opened
    if hasattr(opened, "close"):
        opened.close()
