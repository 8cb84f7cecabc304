"""Delivery: per team, the velocity chart, say/do and the burnup with the forecast fan."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pmo_metrics.charts.delivery import burnup_fan, say_do_chart, velocity_chart
from ui.components import (
    data_table,
    empty_state,
    help_text,
    kpi_card,
    page_header,
    subject_select,
)
from ui.context import page_context
from ui.data import filter_options, metric, metric_table
from ui.filters import TEAM
from ui.i18n import chart_title, date_label, number, period_label, t

ctx = page_context("delivery")
page_header(ctx, "page_delivery")
teams = filter_options(ctx.con, ctx.version)["teams"]
if not teams:
    empty_state(t("no_teams"))
    st.stop()

team = subject_select(
    t("choose_team"), teams, key="delivery_team", filter_key=TEAM, current=ctx.scope.team
)
scope = ctx.scope._replace(team=team)
period = period_label(scope.first_month, scope.last_month)
team_ctx = ctx.narrowed(team=team)

cards = st.columns(4)
for column, name in zip(cards, ("velocity", "say-do", "unestimated", "throughput"), strict=True):
    with column:
        kpi_card(team_ctx, name)

velocity = metric_table(ctx.con, ctx.version, "velocity", scope)
stats = metric_table(ctx.con, ctx.version, "velocity-stats", scope)
names = {k: t(k) for k in ("committed", "completed", "average", "done", "scope")}
st.subheader(t("velocity_chart"), help=help_text("velocity"))
if velocity.empty:
    empty_state(velocity.missing)
else:
    frame = velocity.frame.sort_values("sprint_order")
    average = None if stats.empty else stats.frame["velocity_mean"].iloc[0]
    m = metric("velocity")
    left, right = st.columns([3, 2])
    left.plotly_chart(
        velocity_chart(
            frame, chart_title(f"{m.label} · {team}", m.unit, period), average=average, names=names
        ),
        key="delivery_velocity_chart",
    )
    right.plotly_chart(
        say_do_chart(frame, chart_title(metric("say-do").label, "", period)),
        key="delivery_say_do_chart",
    )
    data_table(
        frame, key="delivery_velocity", file_stem=f"velocity-{team}", help=help_text("velocity")
    )

st.subheader(t("burnup"), help=help_text("forecast"))
forecast = metric_table(ctx.con, ctx.version, "forecast", scope)
if forecast.empty or velocity.empty:
    empty_state(forecast.missing or velocity.missing)
else:
    row = forecast.frame.iloc[0]
    done = velocity.frame.sort_values("sprint_order").dropna(subset=["end_date"])
    progress = pd.DataFrame(
        {
            "date": pd.to_datetime(done["end_date"]),
            "done_points": done["completed_points"].fillna(0).cumsum(),
        }
    )
    if len(progress):
        remaining = float(row["remaining_points"] or 0)
        progress["scope_points"] = progress["done_points"].iloc[-1] + remaining
    st.caption(t("forecast_caption"))
    cols = st.columns(3)
    for col, level in zip(cols, ("p50", "p85", "p95"), strict=True):
        col.metric(
            level.upper(),
            date_label(row[f"{level}_date"]),
            f"{number(row[f'{level}_sprints'], 0)} sprints",
            delta_color="off",
            delta_arrow="off",
            help=help_text("forecast"),
        )
    if len(progress):  # the burnup needs sprint dates (a calendar or dated sprints)
        st.plotly_chart(
            burnup_fan(
                progress,
                row.to_dict(),
                chart_title(f"{t('burnup')} · {team}", "pts", ""),
                names=names,
            ),
            key="delivery_burnup",
        )
    data_table(forecast.frame, key="delivery_forecast", file_stem=f"forecast-{team}")
