"""Statuses in tables, as rendered: only health columns (green / amber / red / grey) are drawn as
badges; a risk's, an action's or a load's status shows its own words, translated (issue 11,
defect 9)."""

from __future__ import annotations

import pandas as pd

from pmo_metrics import locale
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


def shown_cells(at, *columns: str) -> pd.DataFrame:
    """The first table with ``columns`` as the reader sees it: the text of every cell (the
    table's values stay numbers, for sorting and the downloads)."""
    from streamlit import dataframe_util

    for element in at.dataframe:
        if all(c in element.value.columns for c in columns):
            styler = element.proto.arrow_data.styler
            assert styler.display_values, "the table's numbers are not written by the page"
            return dataframe_util.convert_arrow_bytes_to_pandas_df(styler.display_values)
    raise AssertionError(f"no table with {columns}")


def test_numbers_in_tables_follow_the_page_language_and_a_missing_one_is_a_dash(
    app, sample_db
) -> None:
    """The Services page's indicators in Spanish whatever the browser's locale (issue 14,
    item 3): 7,88 not 7.876, and the indicator without data "-" (it showed "None"): the planned
    service's, measured once it is launched."""
    for language in ("en", "es"):
        at = app(sample_db, "pages/services.py", lang=language, service="Analítica de datos")
        values = table_with(at, "indicator", "value", "target")
        cells = shown_cells(at, "indicator", "value", "target")
        assert list(cells.columns) == list(values.columns)
        missing = values["value"] == "-"
        assert missing.all(), "the planned service's indicator has data this month"
        assert set(cells.loc[missing, "value"]) == {"-"}
        # a column with a gap is text (the browser draws an empty number as "None"); the
        # others stay numbers, written in the language
        assert values["target"].dtype.kind in "if"
        for raw, text in zip(values["target"], cells["target"], strict=True):
            assert text == locale.number(raw, expected_decimals(raw), language)
        assert set(values.loc[missing, "value"]) == {"-"}
    spanish = shown_cells(app(sample_db, "pages/services.py", lang="es"), "indicator", "value")
    budget = spanish.loc[spanish["metric"] == "budget-variance", "value"]
    assert list(budget) == ["7,88"]  # the sample's 7.876 %, as the browser wrote it in English


def expected_decimals(value: float) -> int:
    return 0 if float(value).is_integer() or abs(value) >= 1000 else 1 if abs(value) >= 10 else 2


def test_a_health_reason_reads_in_the_page_language(app, sample_db) -> None:
    at = app(sample_db, "pages/applications.py", lang="es")
    reasons = set(table_with(at, "reason")["reason"])
    assert reasons and not any("target" in r or "dimension(s)" in r for r in reasons), reasons
    assert any("objetivo" in r for r in reasons)
