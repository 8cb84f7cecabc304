"""Explore (the analyst): a pivot and chart builder over any metric or table, a read-only SQL
console, every result downloadable."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pmo_metrics import actions
from pmo_metrics.access import PermissionDenied
from pmo_metrics.charts.generic import CHART_KINDS, explore_chart
from pmo_metrics.metrics.registry import all_metrics
from pmo_metrics.pivot import AGGREGATES
from pmo_metrics.pivot import pivot as pivot_frame
from pmo_metrics.sql_console import ConsoleError, truncation_note
from ui.components import chart, data_table, empty_state, help_text, page_header
from ui.connection import cursor
from ui.context import page_context
from ui.data import canonical_tables, metric_table, table
from ui.i18n import metric_label, t

ctx = page_context("explore")
page_header(ctx, "page_explore", "explore_caption")

metrics = {f"metric:{m.name}": f"{metric_label(m.name)} ({m.name})" for m in all_metrics()}
tables = {f"table:{name}": t("explore_table", name=name) for name in canonical_tables()}
choices = {**metrics, **tables}
choice = st.selectbox(t("dataset"), list(choices), format_func=choices.get, key="explore_dataset")
kind, _, name = choice.partition(":")
if kind == "metric":
    st.caption(help_text(name))
    result = metric_table(ctx.con, ctx.version, name, ctx.scope)
    frame, missing = result.frame, result.missing
else:
    frame, missing = table(ctx.con, ctx.version, name), None

pivot_tab, chart_tab, sql_tab = st.tabs([t("pivot"), t("chart_type"), t("sql_console")])


def pivot(frame: pd.DataFrame) -> None:
    columns = list(frame.columns)
    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(frame[c])]
    a, b, c, d = st.columns(4)
    rows = a.multiselect(t("rows_by"), columns, key="explore_rows")
    across = b.selectbox(t("columns_by"), [None, *columns], key="explore_columns")
    value = c.selectbox(t("values"), [None, *numeric], key="explore_values")
    how = d.selectbox(t("aggregate"), AGGREGATES, key="explore_aggregate")
    if not rows:
        data_table(frame, key="explore_data", file_stem=name)
        return
    result = pivot_frame(frame, rows, across=across, value=value, how=how)
    data_table(result, key="explore_pivot", file_stem=f"{name}-pivot")


def builder(frame: pd.DataFrame) -> None:
    columns = list(frame.columns)
    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(frame[c])]
    if not numeric:
        empty_state(None)
        return
    a, b, c, d = st.columns(4)
    kind = a.selectbox(t("chart_type"), CHART_KINDS, key="explore_chart_kind")
    x = b.selectbox("x", columns, key="explore_x")
    y = c.selectbox("y", numeric, key="explore_y")
    colour = d.selectbox("colour", [None, *columns], key="explore_colour")
    chart(
        explore_chart(frame, f"{y} by {x}", kind=kind, x=x, y=y, colour=colour), key="explore_chart"
    )


def console() -> None:
    allowed = ctx.can("sql")
    sql = st.text_area(
        "SQL",
        value="SELECT service, count(*) AS tickets FROM tickets GROUP BY ALL",
        key="explore_sql",
        height=120,
        disabled=not allowed,
    )
    if st.button(t("sql_run"), key="explore_sql_run", disabled=not allowed, type="primary"):
        try:  # audited; the audit log is hidden from roles that may not read it
            st.session_state["explore_sql_result"] = actions.query(cursor(), ctx.user, sql)
        except (ConsoleError, PermissionDenied) as exc:
            st.session_state.pop("explore_sql_result", None)
            st.error(t("sql_refused", why=exc))
    # Only the shown result is kept: at most the console's row and size limits.
    result = st.session_state.get("explore_sql_result")
    if result is not None:
        note = truncation_note(result)
        if note:
            st.caption(f"{note[0].upper()}{note[1:]}.")
        data_table(result, key="explore_sql_result", file_stem="query")


with pivot_tab:
    if missing or frame.empty:
        empty_state(missing)
    else:
        pivot(frame)
with chart_tab:
    if missing or frame.empty:
        empty_state(missing)
    else:
        builder(frame)
with sql_tab:
    console()
