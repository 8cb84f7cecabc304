"""`store_holds_only_sample`: the rule behind the "sample data loaded" banner, on a small sample
(the workbook and one month of data/sample)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pmo_metrics.demo import load_demo, store_holds_only_sample
from pmo_metrics.importing import import_paths
from pmo_metrics.sample.paths import SAMPLE_DIR, WORKBOOK_NAME
from pmo_metrics.store.connection import connect
from pmo_metrics.store.loads import undo_load

MONTH = "2026-10"
OTHER_TICKETS = "\n".join(
    [
        "number,opened_at,resolved_at,priority,incident_state,assignment_group,business_service",
        "INC9000001,2020-01-06 09:14:22,2020-01-06 12:00:00,3 - Moderate,Closed,Desk,Portal",
    ]
)


@pytest.fixture
def sample_root(tmp_path: Path) -> Path:
    root = tmp_path / "sample"
    root.mkdir()
    shutil.copy(SAMPLE_DIR / WORKBOOK_NAME, root / WORKBOOK_NAME)
    shutil.copytree(SAMPLE_DIR / MONTH, root / MONTH)
    return root


@pytest.fixture
def con(tmp_path: Path):
    con = connect(tmp_path / "store.duckdb")
    yield con
    con.close()


def test_an_empty_store_does_not_hold_the_sample(con, sample_root: Path) -> None:
    assert not store_holds_only_sample(con, sample_root)


def test_the_sample_alone_and_again_after_undoing_a_real_import(
    con, sample_root: Path, tmp_path: Path
) -> None:
    load_demo(con, sample_root)
    assert store_holds_only_sample(con, sample_root)

    real = tmp_path / "incidents.csv"
    real.write_text(OTHER_TICKETS, encoding="utf-8")
    load_id = import_paths(con, [real]).load_id
    assert not store_holds_only_sample(con, sample_root)

    undo_load(con, load_id)
    assert store_holds_only_sample(con, sample_root)


def test_a_sample_file_loaded_with_another_file_is_not_the_sample_alone(
    con, sample_root: Path, tmp_path: Path
) -> None:
    real = tmp_path / "incidents.csv"
    real.write_text(OTHER_TICKETS, encoding="utf-8")
    import_paths(con, [sample_root / WORKBOOK_NAME, real])
    assert not store_holds_only_sample(con, sample_root)


def test_by_default_the_rule_knows_the_shipped_sample(con, sample_root: Path) -> None:
    load_demo(con, sample_root)  # files of data/sample, so the shipped sample's own files
    assert store_holds_only_sample(con)
