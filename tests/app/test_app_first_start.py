"""The dashboard's first start on an empty store (issue 14, item 8): the sample is loaded with
its progress shown (copied from its store image: tests/sample/test_sample_prebuilt.py compares
it with reading the files), audited as the first start's, and the overview's figures are then
warmed in the background for every session."""

from __future__ import annotations

from pathlib import Path

from pmo_metrics.actions import FIRST_START
from pmo_metrics.demo import SAMPLE_NOTE, demo_batches, load_demo
from pmo_metrics.evaluation import Scope
from pmo_metrics.store.connection import connect
from ui import warm
from ui.connection import _shown


def test_the_first_start_loads_the_sample_month_by_month_as_the_first_start(
    app, empty_db: Path
) -> None:
    at = app(empty_db, demo_on_empty=True)
    assert not at.exception, [e.message for e in at.exception]
    assert not at.get("progress")  # the bar is gone once the sample is in
    con = connect(empty_db)
    try:
        loads = con.execute("SELECT loaded_by, period FROM loads ORDER BY load_id").fetchall()
        audited = con.execute(
            "SELECT DISTINCT username FROM audit_log WHERE detail LIKE ?", [f"%{SAMPLE_NOTE}%"]
        ).fetchall()
    finally:
        con.close()
    assert len(loads) == len(demo_batches())  # the workbook, then one load per month
    assert {user for user, _ in loads} == {FIRST_START}
    assert audited == [(FIRST_START,)]


def test_the_sample_load_reports_its_progress_by_period(tmp_path: Path) -> None:
    steps: list[tuple[float, str]] = []  # (fraction done, the workbook's name or a month)
    con = connect(tmp_path / "sample.duckdb")
    try:
        load_demo(con, progress=lambda fraction, period: steps.append((fraction, period)))
    finally:
        con.close()
    fractions = [fraction for fraction, _ in steps]
    assert fractions == sorted(fractions) and 0 <= fractions[0] and fractions[-1] == 1.0
    months = [batch.period for batch in demo_batches()[1:]]
    assert [period for _, period in steps][-1] == months[-1]  # the last month loads last
    assert set(months) <= {period for _, period in steps}
    assert steps[0][1] == "pmo_workbook.xlsx"  # the portfolio and catalog come first


def test_what_is_warmed_starts_with_the_overview_as_it_opens() -> None:
    options = {
        "months": ["2026-09", "2026-10"],
        "services": ["Desk", "Portal"],
        "teams": ["Alpha"],
        "applications": ["CRM"],
    }
    assert warm.scopes(options) == [
        Scope(period="2026-10"),
        Scope(period="2026-10", service="Desk"),
        Scope(period="2026-10", service="Portal"),
        Scope(period="2026-10", team="Alpha"),
        Scope(period="2026-10", application="CRM"),
    ]
    assert warm.scopes({**options, "months": []}) == []


def test_the_progress_names_a_month_the_year_or_the_workbook(monkeypatch) -> None:
    monkeypatch.setattr("ui.i18n.lang", lambda: "en")
    assert _shown("2026-03") == "Mar 2026"  # a month read from its files
    assert _shown("2025-11..2026-10") == "Nov 2025 – Oct 2026"  # the image: the whole year
    assert _shown("pmo_workbook.xlsx") == "pmo_workbook.xlsx"


def test_the_warm_up_leaves_the_cards_trends_and_targets_for_the_first_session(
    sample_db: Path, monkeypatch
) -> None:
    from pmo_metrics import evaluation
    from ui import data
    from ui.connection import data_version

    con = connect(sample_db)  # as the pages open it: one configuration per file and process
    try:
        version = data_version(con)
        warm.warm(con, version)
        opening = warm.scopes(data.filter_options(con, version))[0]
        computed: list[str] = []  # what a session would still have to compute itself
        trend, target = evaluation.compute_card_trend, evaluation.card_target
        monkeypatch.setattr(
            evaluation,
            "compute_card_trend",
            lambda *a, **k: computed.append("trend") or trend(*a, **k),
        )
        monkeypatch.setattr(
            evaluation, "card_target", lambda *a, **k: computed.append("target") or target(*a, **k)
        )
        for name in warm.card_names():
            data.card_trend(con, version, name, opening)
            data.card_target(con, version, name, opening)
    finally:
        con.close()
    assert warm.card_names() and computed == []
