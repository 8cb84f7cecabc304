"""The "sample data" banner shows while the store holds the sample and nothing else, in every
new session, and never after a real import (issue 11, defect 15)."""

from __future__ import annotations

from pathlib import Path

from pmo_metrics.importing import import_paths
from pmo_metrics.store.connection import connect
from ui.i18n import STRINGS

BANNER = STRINGS["demo_loaded"][0]
TICKETS = "\n".join(
    [
        "number,opened_at,resolved_at,priority,incident_state,assignment_group,business_service",
        "INC9000001,2020-01-06 09:14:22,2020-01-06 12:00:00,3 - Moderate,Closed,Desk,Portal",
    ]
)


def banner_shown(at) -> bool:
    return BANNER in [i.value for i in at.info]


def test_a_store_holding_the_sample_says_so_in_each_new_session(app, sample_db) -> None:
    assert banner_shown(app(sample_db))
    assert banner_shown(app(sample_db, "pages/flow.py"))


def test_no_banner_after_a_real_import(app, empty_db: Path, tmp_path: Path) -> None:
    # the dashboard fills the empty store with the sample, and says so
    first = app(empty_db, demo_on_empty=True)
    assert not first.exception, [e.message for e in first.exception]
    assert banner_shown(first)
    # then the PMO lead imports a real export: no new session may call it the sample
    export = tmp_path / "incidents.csv"
    export.write_text(TICKETS, encoding="utf-8")
    con = connect(empty_db)
    try:
        assert import_paths(con, [export]).load_id is not None
    finally:
        con.close()
    later = app(empty_db, demo_on_empty=True)
    assert not later.exception, [e.message for e in later.exception]
    assert not banner_shown(later)


def test_no_banner_on_an_empty_store(app, empty_db: Path) -> None:
    assert not banner_shown(app(empty_db))
