"""Drill-down: from a card, a table row or a selectbox to the service or application behind it.

A callback sets the global filter (allowed before the sidebar widgets are drawn) and asks for
a page switch; the page then calls :func:`follow`, which switches with the filter in the URL.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit.errors import StreamlitAPIException

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


def follow() -> None:
    """Switch to the page a drill-down callback asked for (the filter is already set)."""
    page = st.session_state.pop(_TARGET, None)
    if not page:
        return
    try:
        st.switch_page(f"pages/{page}.py")
    except StreamlitAPIException:
        # A page run on its own, outside the router, has no other pages to switch to; the
        # filter is set, so the user sees the selection applied here.
        pass
