"""Drill-down: from a selectbox, a table row or a heat-map cell to the service or application
behind it.

A widget callback sets the global filter (allowed before the sidebar widgets are drawn) and
asks for a page; the next page run calls :func:`follow` first (``ui.context.page_context``),
which switches to that page.

The filters are widgets bound to the URL (``bind="query-params"``): Streamlit refuses to clear
or set a bound query parameter (``st.switch_page`` with the default ``query_params=None``
clears them all and raises ``query-param-bound-cannot-clear``; naming one in ``query_params``
raises ``query-param-bound-cannot-set``). So the switch passes the parameters no filter is
bound to, and the filters travel in their widgets' state: the sidebar draws them again on the
target page, which writes them back into its URL (``/services?service=...&period=...``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go
import streamlit as st

from ui.filters import BOUND

_TARGET = "_drill_to"
PAGE_OF = {"service": "services", "application": "applications"}


def _drill_to(filter_key: str, value: str | None) -> None:
    if value:
        st.session_state[filter_key] = value
        st.session_state[_TARGET] = PAGE_OF[filter_key]


def _from_select(widget_key: str, filter_key: str) -> None:
    _drill_to(filter_key, st.session_state.get(widget_key))


def _from_rows(widget_key: str, filter_key: str, values: Sequence[str]) -> None:
    state = st.session_state.get(widget_key)
    rows = state.selection.rows if state is not None else []
    if rows:
        _drill_to(filter_key, values[rows[0]])


def _from_points(widget_key: str, filter_key: str, axis: str) -> None:
    state = st.session_state.get(widget_key)
    points = state.selection.points if state is not None else []
    if points:
        value = points[0].get(axis)  # the chart's text is escaped (charts.style.inert)
        _drill_to(filter_key, html.unescape(value) if isinstance(value, str) else value)


def select(label: str, options: Sequence[str], *, key: str, filter_key: str, placeholder: str):
    """A selectbox that opens the chosen service / application page."""
    st.selectbox(
        label,
        options,
        index=None,
        key=key,
        placeholder=placeholder,
        on_change=_from_select,
        args=(key, filter_key),
    )


def on_row_select(key: str, filter_key: str, values: Sequence[str]):
    """An ``on_select`` callback for ``st.dataframe(key=key, selection_mode="single-row")``
    that opens the selected row's service / application (``values`` in row order)."""
    chosen = list(values)
    return lambda: _from_rows(key, filter_key, chosen)


def on_point_select(key: str, filter_key: str, axis: str = "y"):
    """An ``on_select`` callback for ``st.plotly_chart(key=key, selection_mode="points")``
    that opens the service / application named by the clicked point's ``axis`` value (a
    heat map's row)."""
    return lambda: _from_points(key, filter_key, axis)


def selectable_cells(fig: go.Figure) -> go.Figure:
    """The heat map ``fig`` with an invisible point on each cell, showing the cell's tooltip:
    Plotly cannot select a heat map's cells, so a click selects that point instead (what
    :func:`on_point_select` reads)."""
    heat = fig.data[0]
    rows, columns = list(heat.y), list(heat.x)
    text = [list(line) for line in heat.text] if heat.text is not None else None
    fig.add_scatter(
        x=[c for _ in rows for c in columns],
        y=[r for r in rows for _ in columns],
        text=[cell for line in text for cell in line] if text else None,
        mode="markers",
        marker={"symbol": "square", "size": 26, "opacity": 0},
        hovertemplate=heat.hovertemplate,
        showlegend=False,
    )
    # the points must not widen the axes: the cells keep the heat map's own extent
    fig.update_xaxes(range=[-0.5, len(columns) - 0.5])
    fig.update_yaxes(range=[-0.5, len(rows) - 0.5])
    return fig


def carried_params() -> dict[str, list[str]]:
    """The URL's parameters that no filter widget is bound to, for ``st.switch_page``."""
    return {k: st.query_params.get_all(k) for k in st.query_params if k not in BOUND}


def follow() -> None:
    """Switch to the page a drill-down callback asked for (the filter is already set).

    Called once the sidebar is drawn, before the page computes anything. A failed switch
    raises: a drill-down that silently stays on the page is a dead end."""
    page = st.session_state.pop(_TARGET, None)
    if page:
        st.switch_page(f"pages/{page}.py", query_params=carried_params())
