"""Overview: the sponsor's landing page, one screen, most important numbers top-left."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pmo_metrics.charts.generic import plan_actual_bars, step_line
from pmo_metrics.charts.scorecard import judged_columns, status_heatmap, trend_vs_target
from pmo_metrics.evaluation import (
    OVERVIEW_LAUNCHES,
    OVERVIEW_PILLARS,
    OVERVIEW_PORTFOLIO,
    OVERVIEW_RISKS,
    OVERVIEW_ROLLOUT,
    OVERVIEW_SCORECARD,
    OVERVIEW_TRENDS,
    headline_by,
    metric,
    trend_window,
)
from pmo_metrics.headers import column_label
from pmo_metrics.metrics.portfolio import DIMENSIONS
from pmo_metrics.metrics.risks import top_open_risks
from pmo_metrics.periods import Comparison, Period
from pmo_metrics.status_notes import Subject
from ui import drill
from ui.components import (
    chart,
    empty_state,
    help_text,
    kpi_card,
    page_header,
    plain_table,
    status_text,
)
from ui.context import page_context
from ui.data import metric_table
from ui.filters import APPLICATION, SERVICE
from ui.i18n import (
    chart_title,
    lang,
    metric_label,
    period_label,
    quantity,
    t,
    versus,
    with_month_labels,
)
from ui.statuses import (
    changed_caption,
    exceptions_table,
    explain_popover,
    flagged_subjects,
    flash,
    note_caption,
    view_choice,
)

# What the page computes is listed in pmo_metrics.evaluation (OVERVIEW_*, overview_requests),
# which the metrics benchmark times: a metric drawn here is named there.

ctx = page_context("overview")
page_header(ctx, "page_overview", "overview_caption")
scope = ctx.scope
period = period_label(scope.first_month, scope.last_month)
flash()
shown = view_choice(ctx, "overview_status_view")  # the month's draft, or a published version


def pillar_cards() -> None:
    columns = st.columns(len(OVERVIEW_PILLARS))
    for column, (pillar, names) in zip(columns, OVERVIEW_PILLARS.items(), strict=True):
        with column:
            st.markdown(f"**{t(pillar)}**")
            for name in names:
                subject = Subject("pillar", "", name)
                if shown is not None and shown.publication is not None:
                    published_card(name)
                else:
                    kpi_card(ctx, name)
                    if shown is not None:
                        m = metric(name)
                        changed_caption(ctx, shown, subject, m.unit if m else "")
                if shown is not None:
                    note_caption(shown, subject)


def published_card(name: str) -> None:
    """A pillar card as the month was published: value, change, target and status frozen."""
    m = metric(name)
    row = shown.row(Subject("pillar", "", name)) if shown is not None else None
    if m is None or row is None or shown is None:
        st.metric(metric_label(name), t("no_data"), border=True)
        return
    value = None if pd.isna(row["value"]) else float(row["value"])
    previous = None if pd.isna(row["previous"]) else float(row["previous"])
    comparison = Comparison(value, previous, Period.parse(shown.month).previous())
    colour = {"higher": "normal", "lower": "inverse"}.get(m.direction, "off")
    st.metric(
        metric_label(name),
        quantity(value, m.unit) if value is not None else t("no_data"),
        delta=versus(comparison, m.unit),
        delta_color=colour if comparison.change else "off",
        help=help_text(name),
        border=True,
    )
    if not pd.isna(row["target"]):
        judged = f" · {status_text(row['status'])}" if isinstance(row["status"], str) else ""
        st.caption(f"{t('target')} {quantity(float(row['target']), m.unit)}{judged}")


def top_exceptions() -> None:
    st.subheader(t("top_exceptions"), help=t("top_exceptions_help"))
    if shown is None:
        st.info(t("month_only"), icon=":material/calendar_month:")
        return
    left, right = st.columns([6, 1], vertical_alignment="bottom")
    with right:
        explain_popover(ctx, shown, flagged_subjects(shown), "overview_explain")
    frame = exceptions_table(shown)
    if frame.empty:
        st.caption(t("no_exceptions", month=period))
        return
    with left:
        st.caption(period)
    with st.container(key="overview_exceptions"):  # the key names it in browser tests
        plain_table(frame)


def scorecard() -> None:
    st.subheader(t("scorecard"), help=help_text(OVERVIEW_SCORECARD))
    result = metric_table(ctx.con, ctx.version, OVERVIEW_SCORECARD, scope)
    if result.empty:
        empty_state(result.missing)
        return
    frame = result.frame.sort_values("service")
    statuses = frame["status"]
    if shown is not None and shown.publication is not None:  # as published
        statuses = frame["service"].map(lambda s: shown.status(Subject("service", s)))
    table = pd.DataFrame(
        {
            t("service"): frame["service"],
            t("health"): statuses.map(status_text),
            t("on_target"): [
                f"{on} / {judged}"
                for on, judged in zip(frame["on_target"], frame["judged"], strict=True)
            ],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        key="overview_scorecard",
        on_select=drill.on_row_select("overview_scorecard", SERVICE, frame["service"]),
        selection_mode="single-row",
    )
    drill.select(
        t("drill_service"),
        list(frame["service"]),
        key="overview_open_service",
        filter_key=SERVICE,
        placeholder=t("drill_service"),
    )


def portfolio() -> None:
    m = metric(OVERVIEW_PORTFOLIO)
    st.subheader(t("portfolio_heatmap"), help=help_text(OVERVIEW_PORTFOLIO))
    result = metric_table(ctx.con, ctx.version, OVERVIEW_PORTFOLIO, scope)
    if m is None or result.empty:
        empty_state(result.missing)
        return
    frame = result.frame.sort_values("application")
    labels = {f"{d.column}_status": column_label(d.column, lang()) for d in DIMENSIONS}
    values = {f"{d.column}_status": d.column for d in DIMENSIONS}
    dimensions, empty, unjudged = judged_columns(
        frame, [c for c in frame.columns if c in labels], values
    )
    fig = status_heatmap(
        frame,
        chart_title(metric_label(OVERVIEW_PORTFOLIO), "", period),
        row="application",
        columns=["status", *dimensions],
        column_labels={"status": t("health"), **labels},
        values=values,
        lang=lang(),
    )
    chart(
        drill.selectable_cells(fig),
        key="overview_heatmap",
        on_select=drill.on_point_select("overview_heatmap", APPLICATION),
        selection_mode="points",
    )
    if unjudged:  # values without a target: shown, not coloured
        st.caption(t("heatmap_no_target", names=", ".join(labels[c] for c in unjudged)))
    if empty:
        st.caption(t("heatmap_unjudged", names=", ".join(labels[c] for c in empty)))
    drill.select(
        t("drill_application"),
        list(frame["application"]),
        key="overview_open_application",
        filter_key=APPLICATION,
        placeholder=t("drill_application"),
    )


def trends() -> None:
    st.subheader(t("trends"))
    year = trend_window(scope)
    if year is None:
        empty_state(None)
        return
    when = period_label(year.first_month, scope.last_month)
    columns = st.columns(3)
    for column, name in zip(columns, OVERVIEW_TRENDS, strict=False):
        m = metric(name)
        result = metric_table(ctx.con, ctx.version, name, year)
        with column:
            if m is None or result.empty:
                empty_state(result.missing)
                continue
            series = with_month_labels(headline_by(name, result.frame, "month"))
            chart(
                trend_vs_target(
                    series,
                    chart_title(metric_label(name), m.unit, when),
                    unit="%" if m.unit == "%" else "",
                ),
                key=f"overview_trend_{name}",
                narrow=True,
            )
    with columns[2]:
        m = metric(OVERVIEW_LAUNCHES)
        launched = metric_table(ctx.con, ctx.version, OVERVIEW_LAUNCHES, year)
        if m is None or launched.empty:
            empty_state(launched.missing)
        else:
            chart(
                step_line(
                    with_month_labels(launched.frame),
                    chart_title(t("services_launched"), "", when),
                    x="month",
                    value="cumulative_launched",
                ),
                key="overview_launched",
                narrow=True,
            )


def top_risks() -> None:
    st.subheader(t("top_risks"), help=help_text(OVERVIEW_RISKS))
    result = metric_table(ctx.con, ctx.version, OVERVIEW_RISKS, scope)
    if result.empty:
        empty_state(result.missing)
        return
    top = top_open_risks(result.frame)[["title", "application", "score", "band", "owner"]]
    plain_table(top, key="overview_top_risks")


def rollout() -> None:
    st.subheader(t("rollout"), help=help_text(OVERVIEW_ROLLOUT))
    m = metric(OVERVIEW_ROLLOUT)
    result = metric_table(ctx.con, ctx.version, OVERVIEW_ROLLOUT, scope.with_period(None))
    if m is None or result.empty:
        empty_state(result.missing)
        return
    frame = result.frame.sort_values("sprint_order").tail(8)
    chart(
        plan_actual_bars(
            frame,
            chart_title(t("deliverables"), m.unit, ""),
            category="sprint",
            plan="planned",
            actual="done",
            names={"plan": t("committed"), "actual": t("done")},
            horizontal=True,  # iteration names read across, not at a slant
            lang=lang(),
        ),
        key="overview_rollout",
    )


pillar_cards()
top_exceptions()
scorecard()
portfolio()  # the page's width: nine dimensions and the health, each header readable
trends()
left, right = st.columns(2)
with left:
    top_risks()
with right:
    rollout()
