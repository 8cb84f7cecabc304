"""Shared fixtures: a fresh store per test, paths to the real exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo_metrics.store import connect

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
