"""The Explore page on the sample data: the pivot in its default choices, and the SQL console
saying when a result was cut."""

from __future__ import annotations

from pathlib import Path

from pmo_metrics.store.connection import connect


def _count_by(db: Path, table: str, column: str) -> dict[str, int]:
    con = connect(db)
    try:
        rows = con.execute(f"SELECT {column}, count(*) FROM {table} GROUP BY ALL").fetchall()
    finally:
        con.close()
    return {str(value): n for value, n in rows}


def _table_starting_with(at, column: str):
    """The one table on the page whose first column is ``column`` (AppTest has no table keys)."""
    found = [d.value for d in at.dataframe if list(d.value.columns[:1]) == [column]]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def test_pivot_by_one_column_counts_rows_with_the_default_value_and_aggregate(app, sample_db):
    """Rows by `state`, no value chosen: one count per state (it raised "Grouper for 'state'
    not 1-dimensional" when the count used the grouping column as its value)."""
    at = app(sample_db, "pages/explore.py")
    at.selectbox(key="explore_dataset").set_value("table:tickets").run()
    at.multiselect(key="explore_rows").set_value(["state"]).run()
    assert not at.exception, [e.message for e in at.exception]
    shown = _table_starting_with(at, "state")
    assert list(shown.columns) == ["state", "count"]
    assert dict(zip(shown["state"].astype(str), shown["count"], strict=True)) == _count_by(
        sample_db, "tickets", "state"
    )


def test_pivot_by_rows_and_columns_counts_each_pair(app, sample_db):
    at = app(sample_db, "pages/explore.py")
    at.selectbox(key="explore_dataset").set_value("table:tickets").run()
    at.multiselect(key="explore_rows").set_value(["state"]).run()
    at.selectbox(key="explore_columns").set_value("priority").run()
    assert not at.exception, [e.message for e in at.exception]
    shown = _table_starting_with(at, "state")
    assert shown.columns[0] == "state"
    counted = shown.drop(columns="state").fillna(0).to_numpy().sum()
    assert counted == sum(_count_by(sample_db, "tickets", "state").values())


def test_the_sql_console_cuts_a_huge_result_and_says_so(app, sample_db):
    """2,000 rows of 1 MB (2 GB out of DuckDB): the page shows what fits the size limit."""
    at = app(sample_db, "pages/explore.py")
    at.text_area(key="explore_sql").set_value(
        "SELECT s FROM (SELECT repeat('x', 1000000) s) CROSS JOIN range(2000)"
    )
    at.button(key="explore_sql_run").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    shown = _table_starting_with(at, "s")
    assert 1 <= len(shown) < 2000
    assert f"The result was cut at the size limit of 32 MB: {len(shown)} rows are shown." in [
        c.value for c in at.caption
    ]
