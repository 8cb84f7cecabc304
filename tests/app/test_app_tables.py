"""Statuses in tables, as rendered: only health columns (green / amber / red / grey) are drawn as
badges; a risk's, an action's or a load's status shows its own words, translated (issue 11,
defect 9)."""

from __future__ import annotations

import pandas as pd

from pmo_metrics.metrics.status import STATUSES, badge

BADGES = {language: {badge(s, language) for s in STATUSES} for language in ("en", "es")}


def table_with(at, *columns: str) -> pd.DataFrame:
    """The first table on the page that has all ``columns``."""
    for frame in (d.value for d in at.dataframe):
        if all(c in frame.columns for c in columns):
            return frame
    shown = [list(d.value.columns) for d in at.dataframe]
    raise AssertionError(f"no table with {columns} in {shown}")


def statuses(at, *columns: str) -> set[str]:
    return set(table_with(at, "status", *columns)["status"])


def test_the_risk_register_shows_open_risks_as_open(app, sample_db) -> None:
    assert statuses(app(sample_db, "pages/risks.py"), "risk_id") == {"open"}
    assert statuses(app(sample_db, "pages/risks.py", lang="es"), "risk_id") == {"abierto"}


def test_improvement_actions_show_their_progress(app, sample_db) -> None:
    assert statuses(app(sample_db, "pages/improvement.py"), "action_id") == {"open", "in progress"}
    spanish = app(sample_db, "pages/improvement.py", lang="es")
    assert statuses(spanish, "action_id") == {"abierto", "en curso"}


def test_the_load_history_says_loaded(app, sample_db) -> None:
    assert statuses(app(sample_db, "pages/data.py"), "load_id") == {"loaded"}
    assert statuses(app(sample_db, "pages/data.py", lang="es"), "load_id") == {"cargada"}


def test_health_columns_are_still_badges(app, sample_db) -> None:
    for language in ("en", "es"):
        at = app(sample_db, "pages/applications.py", lang=language)
        health = table_with(at, "status", "reason")
        columns = [c for c in health.columns if c == "status" or c.endswith("_status")]
        assert len(columns) > 1
        for column in columns:
            assert set(health[column]) <= BADGES[language], column
