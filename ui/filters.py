"""The global filters: month or month range, service, application, team, and the language.

They live in the sidebar and are bound to the URL (``bind="query-params"``), so that a view can
be shared as a link: ``?period=2026-06&period=2026-08&service=Service%20desk&lang=es``. The
widget keys are the query parameter names; code that changes a filter (drill-down, "clear
filters") sets ``st.session_state[key]`` in a callback, before the widgets are drawn.
"""

from __future__ import annotations

import streamlit as st

from pmo_metrics.evaluation import Scope
from ui.data import filter_options
from ui.i18n import LANGUAGES, period_label, t
from ui.markdown import plain

PERIOD, SERVICE, APPLICATION, TEAM, LANG = "period", "service", "application", "team", "lang"
_CHOICES = (SERVICE, APPLICATION, TEAM)
BOUND = frozenset({PERIOD, SERVICE, APPLICATION, TEAM, LANG})  # widgets bound to the URL


def language_switch() -> str:
    """The language radio (first in the sidebar, so everything after it is translated).

    Bound widgets write their option's label to the URL, so the options are the codes
    themselves (``?lang=es``); likewise the months are ``YYYY-MM`` so that a shared link
    means the same month in either language."""
    return st.sidebar.radio(
        "Language / Idioma",
        list(LANGUAGES),
        horizontal=True,
        help=" / ".join(f"{code}: {name}" for code, name in LANGUAGES.items()),
        key=LANG,
        bind="query-params",
    )


def sidebar_filters(con, version: str) -> Scope:
    """Draw the filters in the sidebar and return the selection."""
    options = filter_options(con, version)
    sidebar = st.sidebar
    sidebar.subheader(t("filters"))
    period = None
    months = options["months"]
    if months:
        latest = months[-1]
        _one_month_link(months)
        first, last = sidebar.select_slider(
            t("period"),
            months,
            value=(latest, latest),
            key=PERIOD,
            help=t("period_help"),
            bind="query-params",
        )
        period = first if first == last else f"{first}:{last}"
    else:
        sidebar.caption(t("no_months"))
    chosen = {}
    for key, choices in ((SERVICE, "services"), (APPLICATION, "applications"), (TEAM, "teams")):
        chosen[key] = sidebar.selectbox(
            t(key),
            options[choices],
            index=None,
            placeholder=t("all"),
            key=key,
            bind="query-params",
        )
    return Scope(period=period, **chosen)


def _one_month_link(months: list[str]) -> None:
    """A shared link naming one month (``?period=2026-09``) means that month: the period
    slider is bound to the URL as its two ends (``period=2026-09&period=2026-09``) and would
    otherwise drop a lone month and open on the newest one."""
    linked = st.query_params.get_all(PERIOD)
    if len(linked) == 1 and linked[0] in months:
        st.session_state[PERIOD] = (linked[0], linked[0])
        st.query_params[PERIOD] = [linked[0], linked[0]]


def default_months(con, version: str) -> tuple[str, str] | None:
    months = filter_options(con, version)["months"]
    return (months[-1], months[-1]) if months else None


def clear_filters(default_period: tuple[str, str] | None) -> None:
    """Callback: every filter back to its default (the latest month, everything else "All")."""
    for key in _CHOICES:
        st.session_state[key] = None
    if default_period and PERIOD in st.session_state:
        st.session_state[PERIOD] = default_period


def select(key: str, value: str | None) -> None:
    """Callback helper: set one global filter (drill-down from a chart, table or selectbox)."""
    st.session_state[key] = value


def describe(scope: Scope) -> str:
    """``Aug 2026 · Service: Service desk · Team: Alpha`` for the caption on every page."""
    parts = [period_label(scope.first_month, scope.last_month)] if scope.period else []
    for key in _CHOICES:
        value = getattr(scope, key)
        if value:
            parts.append(f"{t(key)}: {plain(value)}")
    if not any(getattr(scope, k) for k in _CHOICES):
        parts.append(t("no_filters"))
    return " · ".join(p for p in parts if p)


def is_filtered(scope: Scope, default_period: tuple[str, str] | None) -> bool:
    default = None
    if default_period:
        default = default_period[0]
    return any(getattr(scope, k) for k in _CHOICES) or (scope.period or None) != default
