"""The building blocks pages are made of: header, KPI card, status, empty state, tables.

Numbers are written with :mod:`ui.i18n`; every metric shows its registry definition as help;
every table comes with CSV and XLSX downloads written by the formula-safe exporters.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pmo_metrics.metrics.status import GREY, STATUSES, badge
from ui.context import PageContext
from ui.data import COMPUTE_FAILED, card_values, metric, metric_table
from ui.filters import clear_filters, describe, is_filtered
from ui.i18n import delta_text, lang, month_label, quantity, t

# Few's "fits one screen": card labels may wrap instead of being cut, values a little smaller.
CSS = """
<style>
[data-testid="stMetricLabel"] p {white-space: normal; overflow: visible; line-height: 1.2;}
[data-testid="stMetricLabel"] > div {overflow: visible;}
[data-testid="stMetricValue"] {font-size: 1.75rem;}
[data-testid="stMetricDelta"] div {white-space: normal;}
h1 {padding-top: 0;}
</style>
"""


def page_header(ctx: PageContext, title_key: str, caption_key: str | None = None) -> None:
    """Title, what the page is for, and which filters are active (with a way to clear them)."""
    st.html(CSS)
    st.title(t(title_key))
    left, right = st.columns([5, 1], vertical_alignment="center")
    what = t("active_filters", what=describe(ctx.scope))
    left.caption(f"{t(caption_key)} {what}" if caption_key else what)
    right.button(
        t("clear_filters"),
        key=f"{title_key}_clear_filters",
        on_click=clear_filters,
        args=(ctx.default_period,),
        disabled=not is_filtered(ctx.scope, ctx.default_period),
        type="tertiary",
    )


def status_text(status: str | None) -> str:
    """``✓ on target`` / ``! at risk`` / ``✗ off target`` / ``– no data`` (never colour alone)."""
    return badge(status if status in STATUSES else GREY, lang())


def status_column(frame: pd.DataFrame, column: str = "status") -> pd.DataFrame:
    """``frame`` with its status column written as icon and word, for tables."""
    if column not in frame.columns:
        return frame
    return frame.assign(**{column: frame[column].map(status_text)})


def help_text(name: str) -> str:
    """The registry's definition of the metric, shown as the number's help."""
    m = metric(name)
    if m is None:
        return ""
    return f"{m.definition} ({m.unit})" if m.unit else m.definition


def kpi_card(
    ctx: PageContext,
    name: str,
    *,
    status: str | None = None,
    label: str | None = None,
    container=None,
) -> float | None:
    """One number with its context: unit, change vs the previous month (coloured by the
    metric's direction), status as icon and word, and the definition as help."""
    m = metric(name)
    box = container or st
    if m is None:
        box.metric(label or name, t("no_data"), border=True)
        return None
    value, previous = card_values(ctx.con, ctx.version, name, ctx.scope)
    prev_scope = ctx.scope.previous_month()
    delta = None
    colour = {"higher": "normal", "lower": "inverse"}.get(m.direction, "off")
    if value is not None and previous is not None:
        delta = delta_text(value - previous, m.unit)
        if delta:
            delta = f"{delta} {t('vs_prev', month=month_label(prev_scope.last_month))}"
        if value == previous:  # no change is neither good nor bad
            colour = "off"
    box.metric(
        label or m.label,
        quantity(value, m.unit) if value is not None else t("no_data"),
        delta=delta,
        delta_color=colour,
        delta_arrow="off" if colour == "off" else "auto",
        help=help_text(name),
        border=True,
    )
    if status:
        box.caption(status_text(status))
    return value


def empty_state(message: str | None = None) -> None:
    """Say why there is nothing and where the missing data would come from."""
    if message and COMPUTE_FAILED in message:
        st.warning(message, icon=":material/error:")
    elif message:
        st.info(t("empty_missing", why=message.rstrip(".")), icon=":material/info:")
    else:
        st.info(t("empty_generic"), icon=":material/filter_alt_off:")


def metric_block(
    ctx: PageContext,
    name: str,
    key: str,
    *,
    chart: Callable[[pd.DataFrame], go.Figure] | None = None,
    table: bool = True,
    prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> pd.DataFrame | None:
    """A metric's chart and/or table for the page's scope, or its empty state."""
    result = metric_table(ctx.con, ctx.version, name, ctx.scope)
    if result.empty:
        empty_state(result.missing)
        return None
    frame = prepare(result.frame) if prepare else result.frame
    if frame.empty:
        empty_state(None)
        return None
    if chart is not None:
        st.plotly_chart(chart(frame), key=f"{key}_chart", config={"displaylogo": False})
    if table:
        data_table(frame, key=key, file_stem=name, help=help_text(name))
    return frame


def data_table(
    frame: pd.DataFrame,
    *,
    key: str,
    file_stem: str,
    help: str | None = None,
    height: int | str = "auto",
    **dataframe_args,
):
    """A table with CSV and Excel downloads (formula-injection safe)."""
    shown = frame
    if "status" in frame.columns:  # the status column says it with icon and word
        shown = status_column(frame.drop(columns=["icon", "word"], errors="ignore"))
    event = st.dataframe(
        shown, hide_index=True, key=f"{key}_table", height=height, **dataframe_args
    )
    download_buttons(frame, key=key, file_stem=file_stem, help=help)
    return event


def download_buttons(frame: pd.DataFrame, *, key: str, file_stem: str, help: str | None = None):
    from pmo_metrics.exports.safe import to_csv_bytes, to_xlsx_bytes

    left, right, _ = st.columns([1, 1, 6])
    left.download_button(
        t("download_csv"),
        data=lambda: to_csv_bytes(frame),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
        help=help,
    )
    right.download_button(
        t("download_xlsx"),
        data=lambda: to_xlsx_bytes(frame, sheet_name=file_stem),
        file_name=f"{file_stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
        help=help,
    )


def kpi_row(ctx: PageContext, names: tuple[str, ...] | list[str]) -> None:
    """A row of KPI cards, one per metric."""
    for column, name in zip(st.columns(len(names)), names, strict=True):
        with column:
            kpi_card(ctx, name)


def chart(fig: go.Figure, key: str) -> None:
    st.plotly_chart(fig, key=key, config={"displaylogo": False})


def subject_select(
    label: str, options: list[str], *, key: str, filter_key: str, current: str | None
) -> str:
    """The one service / application / team a page is about. It follows the global filter
    (sidebar, drill-down, URL) and a change here sets that filter, so the link is shareable."""
    st.session_state[key] = current if current in options else options[0]
    return st.selectbox(label, options, key=key, on_change=_copy_to_filter, args=(key, filter_key))


def _copy_to_filter(key: str, filter_key: str) -> None:
    st.session_state[filter_key] = st.session_state[key]
