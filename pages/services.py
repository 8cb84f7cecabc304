"""Services: one service's indicators against targets, its applications, tickets and effort."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pmo_metrics.charts.generic import stacked_bars
from pmo_metrics.charts.scorecard import (
    bullet_bars,
    indicator_bullets,
    small_multiples,
    with_note_markers,
)
from pmo_metrics.evaluation import metric, trend_window
from pmo_metrics.metrics.status import most_urgent
from pmo_metrics.status_notes import Subject
from ui import drill
from ui.components import (
    chart,
    data_table,
    empty_state,
    help_text,
    kpi_row,
    metric_block,
    page_header,
    status_text,
    subject_select,
)
from ui.context import page_context
from ui.data import filter_options, metric_table, table
from ui.filters import APPLICATION, SERVICE
from ui.i18n import (
    chart_title,
    date_label,
    lang,
    metric_label,
    number,
    period_label,
    t,
    with_month_labels,
)
from ui.markdown import plain
from ui.statuses import (
    explain_popover,
    flagged_subjects,
    flash,
    note_caption,
    notes_in_window,
    view_choice,
)


def priority_name(priority: object, tickets: object) -> str:
    """A priority as the SLA chart names it, with its ticket count: "Priority 2 · 19 tickets"."""
    return t("priority_tickets", priority=priority, tickets=number(tickets, 0))


ctx = page_context("services")
header = st.container()  # filled once the service is known: its caption names the service shown
services = filter_options(ctx.con, ctx.version)["services"]
if not services:
    with header:
        page_header(ctx, "page_services")
    empty_state(t("no_services"))
    st.stop()

# With no service chosen, open on the one most in need of attention that has data (a planned
# service with nothing measured yet is not where a sponsor should land).
statuses = metric_table(ctx.con, ctx.version, "service-status", ctx.scope).frame
service = subject_select(
    t("choose_service"),
    services,
    key="services_service",
    filter_key=SERVICE,
    current=ctx.scope.service,
    default=most_urgent(
        zip(
            statuses.get("service", []),
            statuses.get("status", []),
            statuses.get("on_target_pct", []),
            strict=True,
        )
    ),
)
here = ctx.narrowed(service=service)
scope = here.scope
with header:
    page_header(ctx, "page_services", shown=scope)
period = period_label(scope.first_month, scope.last_month)

# A service not launched yet has nothing measured: said at the top, not as "no data".
catalog = table(ctx.con, ctx.version, "services")
row = catalog.loc[catalog["service"] == service]
planned = bool(len(row)) and row["state"].iloc[0] == "planned"

flash()
shown = view_choice(ctx, "services_status_view")  # the month's draft, or a published version
mine = statuses.loc[statuses["service"] == service] if "service" in statuses else statuses
if len(mine):  # its row of the statuses above (a service's status needs only its indicators)
    status = mine["status"].iloc[0]
    if shown is not None and shown.publication is not None:  # as published
        status = shown.status(Subject("service", service))
    left, right = st.columns([6, 1], vertical_alignment="center")
    said = t("planned_service") if planned else status_text(status)
    left.markdown(f"### {plain(service)} · {said}")
    if shown is not None:
        with left:
            note_caption(shown, Subject("service", service))
        with right:
            explain_popover(
                ctx,
                shown,
                flagged_subjects(shown, lambda s: s.scope == service and s.kind != "application"),
                "services_explain",
            )

if planned:
    launch = row["launch_date"].iloc[0]
    st.info(
        t("service_planned", launch=date_label(launch) if pd.notna(launch) else "-"),
        icon=":material/event_upcoming:",
    )

# Indicators against targets, this period and over the last 12 months.
st.subheader(t("indicators"), help=help_text("scorecard"))
scorecard = metric_table(ctx.con, ctx.version, "scorecard", scope)
if scorecard.empty:
    empty_state(scorecard.missing)
else:
    frame = scorecard.frame
    if shown is not None and shown.publication is not None:  # its indicators as published
        frame = shown.frozen_indicators(frame)
    chart(
        indicator_bullets(
            frame,
            chart_title(t("indicators"), "", period),
            names={"target": t("target")},
            lang=lang(),
        ),
        key="services_indicators_chart",
    )
    data_table(frame, key="services_indicators", file_stem=f"indicators-{service}", dashes=True)
if year := trend_window(scope):
    trend = metric_table(ctx.con, ctx.version, "scorecard-trend", year)
    if not trend.empty:
        frame = with_month_labels(trend.frame)
        figure = small_multiples(
            frame, chart_title(t("indicator_trend"), "", ""), facet="indicator"
        )
        # each explanation written in the window, a marker on its indicator (a service's: on each)
        notes = notes_in_window(ctx, service, year)
        chart(
            with_note_markers(figure, frame, notes, facet="indicator"), key="services_trend_chart"
        )

if planned:  # its tickets, applications and effort come once it is launched
    st.stop()

# Its applications, each a way into the Applications page.
st.subheader(t("its_applications"), help=help_text("portfolio-health"))
health = metric_table(ctx.con, ctx.version, "portfolio-health", scope)
if health.empty:
    empty_state(health.missing)
else:
    apps = health.frame
    data_table(
        apps,
        key="services_apps",
        file_stem=f"applications-{service}",
        dashes=True,
        on_select=drill.on_row_select("services_apps_table", APPLICATION, apps["application"]),
        selection_mode="single-row",
    )

# Tickets: SLA by priority, MTTR, backlog.
st.subheader(t("tickets"))
kpi_row(here, ("sla-compliance", "mttr", "ticket-backlog", "tickets-opened"))
m = metric("sla-by-priority")
metric_block(
    here,
    "sla-by-priority",
    "services_sla_priority",
    chart=lambda f: bullet_bars(
        f.assign(
            priority=[priority_name(p, n) for p, n in zip(f["priority"], f["tickets"], strict=True)]
        ),
        chart_title(metric_label("sla-by-priority") if m else "", "%", period),
        category="priority",
        value="compliance_pct",
        status=None,
        unit="%",
        lang=lang(),
    ),
)

# Effort by role and month.
st.subheader(t("effort"), help=help_text("effort"))
metric_block(
    here,
    "effort",
    "services_effort",
    chart=lambda f: stacked_bars(
        with_month_labels(f),
        chart_title(t("effort"), "h", period),
        x="month",
        stack="role",
        value="hours",
    ),
)
