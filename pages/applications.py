"""Applications: one application's health (and why), delivery, flow, incidents, cost, risks."""

from __future__ import annotations

import streamlit as st

from pmo_metrics.charts.finance import earned_value_chart
from pmo_metrics.charts.flow import throughput_chart
from pmo_metrics.evaluation import trend_window
from pmo_metrics.metrics.portfolio import health_reason
from pmo_metrics.status_notes import Subject
from ui.components import (
    chart,
    data_table,
    empty_state,
    help_text,
    kpi_row,
    metric_block,
    page_header,
    plain_table,
    status_text,
    subject_select,
)
from ui.context import page_context
from ui.data import filter_options, metric_table
from ui.filters import APPLICATION
from ui.i18n import chart_title, lang, period_label, t, with_month_labels
from ui.markdown import plain
from ui.statuses import explain_popover, flagged_subjects, flash, note_caption, view_choice

ctx = page_context("applications")
header = st.container()  # filled once the application is known: its caption names it
applications = filter_options(ctx.con, ctx.version)["applications"]
if not applications:
    with header:
        page_header(ctx, "page_applications")
    empty_state(t("no_applications"))
    st.stop()

application = subject_select(
    t("choose_application"),
    applications,
    key="applications_application",
    filter_key=APPLICATION,
    current=ctx.scope.application,
)
here = ctx.narrowed(application=application)
scope = here.scope
with header:
    page_header(ctx, "page_applications", shown=scope)
period = period_label(scope.first_month, scope.last_month)

# Health, and the dimension that set its colour.
st.subheader(t("health"), help=help_text("portfolio-health"))
health = metric_table(ctx.con, ctx.version, "portfolio-health", scope)
if health.empty:
    empty_state(health.missing)
else:
    row = health.frame.iloc[0]
    flash()
    shown = view_choice(ctx, "applications_status_view")  # the draft, or a published version
    subject = Subject("application", application)
    status = row.get("status")
    if shown is not None and shown.publication is not None:  # as published
        status = shown.status(subject)
    left, right = st.columns([6, 1], vertical_alignment="center")
    left.markdown(f"### {plain(application)} · {status_text(status)}")
    if shown is not None:
        with left:
            note_caption(shown, subject)
        with right:
            explain_popover(
                ctx, shown, flagged_subjects(shown, lambda s: s == subject), "applications_explain"
            )
    reason = health_reason(row, lang())
    if reason:
        st.caption(t("health_reason", reason=plain(reason)))
    plain_table(health.frame, key="applications_health", dashes=True)

st.subheader(t("delivery_flow"))
kpi_row(here, ("throughput", "lead-time", "say-do", "wip"))
year = trend_window(scope)
if year:
    metric_block(
        here.narrowed(period=year.period),
        "throughput",
        "applications_throughput",
        chart=lambda f: throughput_chart(
            with_month_labels(f),
            chart_title(t("throughput"), "items", period_label(year.first_month, year.last_month)),
        ),
        table=False,
    )

st.subheader(t("incidents"))
kpi_row(here, ("tickets-opened", "sla-compliance", "mttr", "ticket-backlog"))

st.subheader(t("cost_ev"), help=help_text("earned-value"))
kpi_row(here, ("cpi", "spi", "budget-variance"))
if year:
    ev = metric_table(ctx.con, ctx.version, "earned-value", year)
    if ev.empty:
        empty_state(ev.missing)
    else:
        frame = ev.frame.rename(
            columns={"pv": "planned_value", "ev": "earned_value", "ac": "actual_cost"}
        )
        frame = with_month_labels(frame)
        chart(
            earned_value_chart(frame, chart_title(t("cost_ev"), "EUR", period)),
            key="applications_ev_chart",
        )
        data_table(ev.frame, key="applications_ev", file_stem=f"earned-value-{application}")

st.subheader(t("risks"), help=help_text("risks"))
metric_block(here, "risks", "applications_risks")
