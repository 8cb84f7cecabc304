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
from ui.i18n import chart_title, lang, metric_label, period_label, t, with_month_labels

# What the page computes is listed in pmo_metrics.evaluation (OVERVIEW_*, overview_requests),
# which the metrics benchmark times: a metric drawn here is named there.

ctx = page_context("overview")
page_header(ctx, "page_overview", "overview_caption")
scope = ctx.scope
period = period_label(scope.first_month, scope.last_month)


def pillar_cards() -> None:
    columns = st.columns(len(OVERVIEW_PILLARS))
    for column, (pillar, names) in zip(columns, OVERVIEW_PILLARS.items(), strict=True):
        with column:
            st.markdown(f"**{t(pillar)}**")
            for name in names:
                kpi_card(ctx, name)


def scorecard() -> None:
    st.subheader(t("scorecard"), help=help_text(OVERVIEW_SCORECARD))
    result = metric_table(ctx.con, ctx.version, OVERVIEW_SCORECARD, scope)
    if result.empty:
        empty_state(result.missing)
        return
    frame = result.frame.sort_values("service")
    shown = pd.DataFrame(
        {
            t("service"): frame["service"],
            t("health"): frame["status"].map(status_text),
            t("on_target"): [
                f"{on} / {judged}"
                for on, judged in zip(frame["on_target"], frame["judged"], strict=True)
            ],
        }
    )
    st.dataframe(
        shown,
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
    dimensions, unjudged = judged_columns(frame, [c for c in frame.columns if c in labels])
    fig = status_heatmap(
        frame,
        chart_title(metric_label(OVERVIEW_PORTFOLIO), "", period),
        row="application",
        columns=["status", *dimensions],
        column_labels={"status": t("health"), **labels},
        values={f"{d.column}_status": d.column for d in DIMENSIONS},
        lang=lang(),
    )
    chart(
        drill.selectable_cells(fig),
        key="overview_heatmap",
        on_select=drill.on_point_select("overview_heatmap", APPLICATION),
        selection_mode="points",
    )
    if unjudged:
        st.caption(t("heatmap_unjudged", names=", ".join(labels[c] for c in unjudged)))
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
        ),
        key="overview_rollout",
    )


pillar_cards()
left, right = st.columns([2, 3])
with left:
    scorecard()
with right:
    portfolio()
trends()
left, right = st.columns(2)
with left:
    top_risks()
with right:
    rollout()
