"""Delivery: per team, the velocity chart, say/do and the burnup with the forecast fan."""

from __future__ import annotations

import logging

import duckdb
import pandas as pd
import streamlit as st

from pmo_metrics.charts.delivery import burnup_fan, say_do_chart, velocity_chart
from pmo_metrics.evaluation import (
    MetricResult,
    Scope,
    borrowed_source,
    failure,
    metric,
    version_memo,
)
from pmo_metrics.metrics.burnup import burnup
from pmo_metrics.metrics.delivery import (
    FORECAST_COLUMNS,
    FORECAST_WINDOW,
    forecast_table,
    undated_sprints,
)
from pmo_metrics.metrics.registry import MissingData
from pmo_metrics.metrics.source import Filters, sharing
from ui.components import (
    chart,
    data_table,
    empty_state,
    help_text,
    kpi_card,
    page_header,
    subject_select,
)
from ui.context import page_context
from ui.data import TTL, card_target, filter_options, metric_table
from ui.filters import TEAM
from ui.i18n import chart_title, date_label, lang, metric_label, number, period_label, t
from ui.markdown import plain

log = logging.getLogger(__name__)


# Cached like ui.data.metric_table, with the forecast's sample size as a parameter (the
# registered metric samples FORECAST_WINDOW sprints): it belongs in ui/data.py.
@st.cache_data(max_entries=256, ttl=TTL, show_spinner=False)
def forecast_result(
    _con: duckdb.DuckDBPyConnection, version: str, scope: Scope, sample_window: int
) -> MetricResult:
    try:
        with borrowed_source(_con) as source, sharing(version_memo(version)):
            frame = forecast_table(source, scope.filters(), sample_window=sample_window)
    except MissingData as exc:
        return MetricResult(pd.DataFrame(columns=list(FORECAST_COLUMNS)), str(exc))
    except Exception as exc:  # the page keeps rendering, as for every metric
        log.exception("forecast failed for %s", scope)
        return failure(metric("forecast").label, FORECAST_COLUMNS, exc)
    return MetricResult(frame)


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def undated_names(_con: duckdb.DuckDBPyConnection, version: str, team: str) -> list[str]:
    try:
        with borrowed_source(_con) as source, sharing(version_memo(version)):
            return undated_sprints(source, Filters(team=team))["sprint"].tolist()
    except MissingData:
        return []


ctx = page_context("delivery")
header = st.container()  # filled once the team is known: its caption names the team shown
teams = filter_options(ctx.con, ctx.version)["teams"]
if not teams:
    with header:
        page_header(ctx, "page_delivery")
    empty_state(t("no_teams"))
    st.stop()

team = subject_select(
    t("choose_team"), teams, key="delivery_team", filter_key=TEAM, current=ctx.scope.team
)
scope = ctx.scope._replace(team=team)
period = period_label(scope.first_month, scope.last_month)
team_ctx = ctx.narrowed(team=team)
with header:
    page_header(ctx, "page_delivery", shown=team_ctx.scope)

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
    say_do_target = card_target(ctx.con, ctx.version, "say-do", team_ctx.scope)
    left, right = st.columns([3, 2])
    with left:
        chart(
            velocity_chart(
                frame,
                chart_title(f"{metric_label('velocity')} · {team}", m.unit, period),
                average=average,
                names=names,
                lang=lang(),
            ),
            key="delivery_velocity_chart",
        )
    with right:
        chart(
            say_do_chart(
                frame,
                chart_title(metric_label("say-do"), "", period),
                target=say_do_target[0] if say_do_target else None,
            ),
            key="delivery_say_do_chart",
        )
    data_table(
        frame, key="delivery_velocity", file_stem=f"velocity-{team}", help=help_text("velocity")
    )
undated = undated_names(ctx.con, ctx.version, team)
if undated:
    st.caption(t("delivery_undated_sprints", names=", ".join(plain(n) for n in undated)))

st.subheader(t("burnup"), help=help_text("forecast"))
sample_window = st.number_input(
    t("forecast_sample_window"),
    min_value=1,
    max_value=26,
    value=FORECAST_WINDOW,
    step=1,
    key="delivery_forecast_sprints",
    help=t("forecast_sample_window_help"),
)
forecast = forecast_result(ctx.con, ctx.version, scope, int(sample_window))
if forecast.empty or velocity.empty:
    empty_state(forecast.missing or velocity.missing)
else:
    row = forecast.frame.iloc[0]
    progress = burnup(velocity.frame, float(row["remaining_points"]))
    st.caption(t("forecast_caption"))
    day = date_label(row["backlog_as_of"])
    st.caption(
        t(
            "forecast_basis",
            day=day,
            source=t(f"forecast_from_{row['backlog_from']}"),
            points=number(row["remaining_points"], 0),
            items=number(row["remaining_items"], 0),
            found=int(row["sample_sprints"]),
            samples=row["sample_points"] or "-",
        )
    )
    if isinstance(row["note"], str):  # fewer closed sprints than asked
        found, asked = int(row["sample_sprints"]), int(row["sample_window"])
        st.info(
            t("forecast_few_sprints", found=found, day=day, asked=asked), icon=":material/info:"
        )
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
        chart(
            burnup_fan(
                progress,
                row.to_dict(),
                chart_title(f"{t('burnup')} · {team}", "pts", ""),
                names=names,
                lang=lang(),
            ),
            key="delivery_burnup",
        )
    data_table(forecast.frame, key="delivery_forecast", file_stem=f"forecast-{team}")
