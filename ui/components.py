"""The building blocks pages are made of: header, KPI card, status, empty state, tables.

Numbers are written with :mod:`ui.i18n`; every metric shows its definition, in the page's
language, as help; every table comes with CSV and XLSX downloads written by the formula-safe
exporters.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pmo_metrics.charts.style import inert, localise
from pmo_metrics.completeness import Coverage, coverage, period_months, summary
from pmo_metrics.evaluation import COMPUTE_FAILED, Scope, last_value, metric
from pmo_metrics.headers import HIDDEN, column_label
from pmo_metrics.metrics.portfolio import reason_text
from pmo_metrics.metrics.status import GREY, STATUSES, badge, judge
from ui.context import PageContext
from ui.data import card_target, card_trend, card_values, completeness_board, metric_table
from ui.filters import clear_filters, describe, is_filtered
from ui.i18n import (
    lang,
    metric_definition,
    metric_label,
    month_label,
    number,
    quantity,
    status_word,
    t,
    unit_label,
    versus,
)
from ui.markdown import plain

# Few's "fits one screen": card labels may wrap instead of being cut, values a little smaller.
CSS = """
<style>
[data-testid="stMetricLabel"] p {white-space: normal; overflow: visible; line-height: 1.2;}
[data-testid="stMetricLabel"] > div {overflow: visible;}
[data-testid="stMetricValue"] {font-size: 1.75rem;}
[data-testid="stMetricDelta"] div {white-space: normal; overflow: visible;}
[data-testid="stMetricDelta"] p {white-space: normal;}
h1 {padding-top: 0;}
</style>
"""


def page_header(
    ctx: PageContext,
    title_key: str,
    caption_key: str | None = None,
    *,
    shown: Scope | None = None,
) -> None:
    """Title, what the page is for, and what it shows: the active filters, or ``shown`` where
    the page narrows them itself (the Delivery page's one team), with a way to clear them."""
    st.html(CSS)
    st.title(t(title_key))
    left, right = st.columns([5, 1], vertical_alignment="center")
    what = t("active_filters", what=describe(shown or ctx.scope))
    left.caption(f"{t(caption_key)} {what}" if caption_key else what)
    right.button(
        t("clear_filters"),
        key=f"{title_key}_clear_filters",
        on_click=clear_filters,
        args=(ctx.default_period,),
        disabled=not is_filtered(ctx.scope, ctx.default_period),
        type="tertiary",
    )
    completeness_line(ctx)


def completeness_line(ctx: PageContext) -> None:
    """The selected month's completeness in one line (which expected sources are loaded, late,
    missing; the timesheets' gaps), under the header of every page."""
    month = ctx.scope.last_month or (ctx.default_period[1] if ctx.default_period else None)
    if not month:
        return
    board = completeness_board(ctx.con, ctx.version)
    # names come from the register: shown as the text they are
    st.caption(f":material/fact_check: {plain(summary(board, month, date.today(), lang()))}")


def status_text(status: str | None) -> str:
    """``✓ on target`` / ``! at risk`` / ``✗ off target`` / ``– no data`` (never colour alone)."""
    return badge(status if status in STATUSES else GREY, lang())


def is_health(values: pd.Series) -> bool:
    """A health column: every value it has is green / amber / red / grey."""
    present = values.dropna()
    return not present.empty and bool(present.isin(STATUSES).all())


def status_column(frame: pd.DataFrame, column: str = "status") -> pd.DataFrame:
    """``frame`` with its status column written as icon and word for a health, in words of the
    language for any other status (a risk ``open``, an action ``in progress``)."""
    if column not in frame.columns:
        return frame
    values = frame[column]
    shown = values.map(status_text) if is_health(values) else values.map(status_word)
    return frame.assign(**{column: shown})


def readable_statuses(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every status column (``status``, ``*_status``) readable: health columns
    as icon and word, others translated (and an indicator's ``direction``)."""
    columns = [
        c for c in frame.columns if c in ("status", "direction") or str(c).endswith("_status")
    ]
    for column in columns:
        frame = status_column(frame, column)
    return frame


def help_text(name: str) -> str:
    """The metric's definition and unit in the session's language, shown as the number's help
    (the registry's English, the locale's Spanish)."""
    m = metric(name)
    if m is None:
        return ""
    definition = metric_definition(name)
    return f"{definition} ({unit_label(m.unit)})" if m.unit else definition


def kpi_card(
    ctx: PageContext,
    name: str,
    *,
    status: str | None = None,
    label: str | None = None,
    container=None,
) -> float | None:
    """One number with its context: unit, change against the previous period of the same
    length (coloured by the metric's direction; or that there is none to compare with), status
    as icon and word, and the definition as help."""
    m = metric(name)
    box = container or st
    if m is None:
        box.metric(label or name, t("no_data"), border=True)
        return None
    comparison = card_values(ctx.con, ctx.version, name, ctx.scope)
    value = comparison.value if comparison else None
    delta = versus(comparison, m.unit)
    colour = {"higher": "normal", "lower": "inverse"}.get(m.direction, "off")
    if comparison is None or not comparison.change or (delta or "").startswith("±"):
        colour = "off"  # no change (or none that shows) is neither good nor bad
    trend = card_trend(ctx.con, ctx.version, name, ctx.scope)
    sources = sources_of(ctx, m.needs)
    if sources.state == "not_loaded":  # no number from data that is not there
        box.metric(
            label or metric_label(name),
            t("not_loaded"),
            help=help_text(name),
            border=True,
            chart_data=_sparkline(trend),
            chart_type="line",
        )
        box.caption(f":material/block: {t('not_loaded_sources', names=_listed(sources))}")
        return None
    shown = value
    last = last_value(trend) if value is None else None
    if last is not None:  # nothing this period: the latest month that has a value, said so
        shown, delta, colour = last[1], t("last_value_in", month=month_label(last[0])), "off"
    box.metric(
        label or metric_label(name),
        quantity(shown, m.unit) if shown is not None else t("no_data"),
        delta=delta,
        delta_color=colour,
        delta_arrow="off" if colour == "off" else "auto",
        help=help_text(name),
        border=True,
        chart_data=_sparkline(trend),
        chart_type="line",
    )
    target = card_target(ctx.con, ctx.version, name, ctx.scope)
    if target is not None and status is None and value is not None:
        status = judge(value, target[0], m.direction, target[1])
    if target is not None:
        judged = f" · {status_text(status)}" if status else ""
        box.caption(f"{t('target')} {quantity(target[0], m.unit)}{judged}")
    elif status:
        box.caption(status_text(status))
    if sources.state == "partial":
        box.caption(f":material/warning: {t('partial_sources', names=_listed(sources))}")
    return value


def sources_of(ctx: PageContext, tables: tuple[str, ...]) -> Coverage:
    """Whether a figure reading ``tables`` over the page's period and scope rests on expected
    sources not loaded (see :mod:`pmo_metrics.completeness`)."""
    months = period_months(ctx.scope.period)
    if not months:
        return Coverage("complete")
    board = completeness_board(ctx.con, ctx.version)
    scope = ctx.scope
    return coverage(
        board,
        tables,
        months,
        date.today(),
        service=scope.service,
        application=scope.application,
        team=scope.team,
    )


def _listed(sources: Coverage) -> str:
    return plain(", ".join(sources.missing))


def _sparkline(trend: dict[str, float | None] | None) -> list[float] | None:
    """A card's 12-month line from its first month with a value (none with fewer than two)."""
    values = list((trend or {}).values())
    while values and values[0] is None:
        values.pop(0)
    points = [float("nan") if v is None else v for v in values]
    return points if sum(v is not None for v in values) >= 2 else None


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
        figure = localise(inert(chart(frame)), lang())
        st.plotly_chart(figure, key=f"{key}_chart", config={"displaylogo": False})
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
    """A table as a reader sees it (:func:`plain_table`), with CSV and Excel downloads
    (formula-injection safe) of the table as computed."""
    event = plain_table(frame, key=f"{key}_table", height=height, **dataframe_args)
    download_buttons(frame, key=key, file_stem=file_stem, help=help)
    return event


def plain_table(
    frame: pd.DataFrame, *, key: str | None = None, dashes: bool = False, **dataframe_args
):
    """A table as a reader sees it: headers in the page's language, statuses and reasons in
    words of the language, cells without a value as "-", dates without a midnight time,
    numbers written as the page's language writes them; the columns that only serve the
    drawing are hidden. With ``dashes``, an empty number reads "-" rather than the
    browser's "None" (its column then sorts as text: Explore's pivots keep their numbers)."""
    shown = readable_statuses(frame)
    if "reason_parts" in shown.columns:  # portfolio health: its reasons in the page's language
        reasons = [reason_text(parts, lang()) for parts in shown["reason_parts"]]
        shown = shown.assign(reason=pd.Series(reasons, index=shown.index, dtype=object))
    shown = shown.drop(columns=list(HIDDEN), errors="ignore")
    text = _text_columns(shown)
    config = {c: column_format(shown[c], column_label(str(c), lang())) for c in shown.columns}
    data = shown.astype({c: "object" for c in text}).fillna({c: "-" for c in text})
    data = data.reset_index(drop=True)
    data = _gaps_as_dashes(data, config) if dashes else data
    styled = _in_language(data, config)
    # A cell without a value reads "-", whatever its type (a load never undone has no undone
    # date: the browser's table would write "None").
    dataframe_args.setdefault("placeholder", "-")
    return st.dataframe(
        data if styled is None else styled,
        hide_index=True,
        key=key,
        column_config=config | dataframe_args.pop("column_config", {}),
        **dataframe_args,
    )


# Streamlit sends a Styler's every cell as text, about 50 µs a cell: tables up to this size
# are written in the page's language; larger ones (a whole export in Explore) stay quick and
# are written by the browser's locale.
STYLED_CELLS = 4000


def _gaps_as_dashes(data: pd.DataFrame, config: dict) -> pd.DataFrame:
    """``data`` with every number column that has an empty cell written as text, "-" in the
    gaps: the browser's table draws an empty number as "None" whatever a styler says. Those
    columns sort as text; the downloads keep the numbers."""
    gaps = [c for c in data.columns if _is_number(data[c]) and bool(data[c].isna().any())]
    language = lang()
    for c in gaps:
        config[c] = st.column_config.TextColumn(column_label(str(c), language), alignment="right")
    return data.assign(**{c: data[c].map(lambda v: cell_number(v, language)) for c in gaps})


def _in_language(data: pd.DataFrame, config: dict):
    """``data`` styled so that its numbers read in the page's language (1.234,5 in Spanish,
    whatever the browser's locale) and a number without a value reads "-", the values kept
    for sorting; ``config`` loses the number formats the styler replaces. None when there is
    nothing to write or the table is too large to style."""
    numbers = [c for c in data.columns if _is_number(data[c])]
    if not numbers or data.size > STYLED_CELLS:
        return None
    language = lang()
    for c in numbers:  # a column_config format would take precedence over the styler's
        config[c] = st.column_config.NumberColumn(column_label(str(c), language))
    return data.style.format(
        {c: (lambda v, _l=language: cell_number(v, _l)) for c in numbers}, na_rep="-"
    )


def _is_number(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
        values.dtype
    )


def cell_number(value: object, language: str) -> str:
    """A number in a table: whole numbers without decimals, others with as many as their size
    needs (1.234 · 75,4 · 0,75); "-" without a value."""
    if value is None or pd.isna(value):  # type: ignore[arg-type]  # a table cell: a scalar
        return "-"
    amount = float(value)  # type: ignore[arg-type]  # numeric columns only
    size = abs(amount)
    decimals = 0 if amount.is_integer() or size >= 1000 else 1 if size >= 10 else 2
    return number(amount, decimals, language)


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [
        c
        for c in frame.columns
        if pd.api.types.is_string_dtype(frame[c].dtype) or frame[c].dtype == object
    ]


def column_format(values: pd.Series, label: str):
    """How one column is drawn: dates as dates (no 00:00:00), numbers with thousands
    separators and as many decimals as their size needs (the reader's browser writes them in
    Spanish when the page is in Spanish: Streamlit has no decimal comma of its own)."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        dates = values.dropna()
        midnight = dates.empty or bool((dates == dates.dt.normalize()).all())
        spanish = lang() == "es"
        if midnight:
            return st.column_config.DateColumn(
                label, format="DD/MM/YYYY" if spanish else "YYYY-MM-DD"
            )
        return st.column_config.DatetimeColumn(
            label, format="DD/MM/YYYY HH:mm" if spanish else "YYYY-MM-DD HH:mm"
        )
    if pd.api.types.is_bool_dtype(values.dtype) or not pd.api.types.is_numeric_dtype(values.dtype):
        return st.column_config.Column(label)
    if lang() == "es":
        return st.column_config.NumberColumn(label, format="localized")
    if pd.api.types.is_integer_dtype(values.dtype):
        return st.column_config.NumberColumn(label, format="%,d")
    numbers = values.dropna()
    largest = numbers.abs().max() if len(numbers) else 0
    whole = bool((numbers == numbers.round()).all())
    decimals = 0 if whole or largest >= 1000 else 1 if largest >= 10 else 2
    return st.column_config.NumberColumn(label, format=f"%,.{decimals}f")


def download_buttons(frame: pd.DataFrame, *, key: str, file_stem: str, help: str | None = None):
    from pmo_metrics.exports.safe import to_csv_bytes, to_xlsx_bytes

    # A row sized to its buttons, wrapping when narrow: fixed column shares cut the labels to
    # "C." and "E." in a narrow column.
    row = st.container(horizontal=True, wrap=True)
    row.download_button(
        t("download_csv"),
        data=lambda: to_csv_bytes(frame),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
        help=help,
        width="content",
    )
    row.download_button(
        t("download_xlsx"),
        data=lambda: to_xlsx_bytes(frame, sheet_name=file_stem),
        file_name=f"{file_stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
        help=help,
        width="content",
    )


def kpi_row(ctx: PageContext, names: tuple[str, ...] | list[str]) -> None:
    """A row of KPI cards, one per metric."""
    for column, name in zip(st.columns(len(names)), names, strict=True):
        with column:
            kpi_card(ctx, name)


def chart(fig: go.Figure, key: str, *, narrow: bool = False, **plotly_args) -> None:
    """A figure drawn in the page's language (separators, months), its texts made inert;
    ``narrow`` when it has a third of the page or less (fewer month labels fit)."""
    st.plotly_chart(
        localise(inert(fig), lang(), narrow=narrow),
        key=key,
        config={"displaylogo": False},
        **plotly_args,
    )


def subject_select(
    label: str,
    options: list[str],
    *,
    key: str,
    filter_key: str,
    current: str | None,
    default: str | None = None,
) -> str:
    """The one service / application / team a page is about. It follows the global filter
    (sidebar, drill-down, URL) and a change here sets that filter, so the link is shareable;
    with no filter it opens on ``default`` (e.g. the service most in need of attention)."""
    fallback = default if default in options else options[0]
    st.session_state[key] = current if current in options else fallback
    return st.selectbox(label, options, key=key, on_change=_copy_to_filter, args=(key, filter_key))


def _copy_to_filter(key: str, filter_key: str) -> None:
    st.session_state[filter_key] = st.session_state[key]
