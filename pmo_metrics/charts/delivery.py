"""Delivery charts: the velocity chart and the burnup with the Monte Carlo forecast fan."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from pmo_metrics import locale
from pmo_metrics.charts.style import ACCENT, ACTUAL, PERCENTILES, PLAN, PREVIOUS, layout, name


def velocity_chart(
    velocity: pd.DataFrame,
    title: str,
    *,
    average: float | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "en",
) -> go.Figure:
    """Committed (outlined, the plan) and completed (solid, the actual) points per sprint, in
    sprint order, with the average velocity as a line (as Jira's velocity chart).

    ``velocity`` columns: sprint, committed_points, completed_points (rows in sprint order).
    """
    sprints = velocity["sprint"].astype(str).tolist()
    fig = go.Figure()
    fig.add_bar(
        x=sprints,
        y=velocity["committed_points"],
        name=name(names, "committed", "Committed"),
        marker={"color": "white", "line": {"color": PLAN, "width": 1.5}},
        hovertemplate="%{x}: %{y:,.1f} pts<extra>%{fullData.name}</extra>",
    )
    fig.add_bar(
        x=sprints,
        y=velocity["completed_points"],
        name=name(names, "completed", "Completed"),
        marker={"color": ACTUAL},
        hovertemplate="%{x}: %{y:,.1f} pts<extra>%{fullData.name}</extra>",
    )
    if average is not None and not pd.isna(average):
        fig.add_scatter(
            x=sprints,
            y=[average] * len(sprints),
            mode="lines",
            name=f"{name(names, 'average', 'Average')} {locale.number(average, 1, lang)}",
            line={"color": ACCENT, "width": 2, "dash": "dot"},
            hoverinfo="skip",
        )
    fig.update_layout(barmode="group", bargap=0.25, bargroupgap=0.05)
    fig.update_yaxes(title="pts")
    return layout(fig, title)


def burnup_fan(
    progress: pd.DataFrame,
    forecast: Mapping[str, Any] | None,
    title: str,
    *,
    names: Mapping[str, str] | None = None,
    lang: str = "en",
) -> go.Figure:
    """Done points accumulating over time against the scope, and the Monte Carlo fan: from
    today's done to the scope at the P50, P85 and P95 dates, named with their dates in the
    legend (labels on the chart would overlap: the three dates are often weeks apart).

    ``progress`` columns: date, done_points (cumulative), scope_points (cumulative).
    ``forecast`` keys: p50_date, p85_date, p95_date (any may be missing).
    """
    fig = go.Figure()
    fig.add_scatter(
        x=progress["date"],
        y=progress["scope_points"],
        mode="lines",
        name=name(names, "scope", "Scope"),
        line={"color": PREVIOUS, "width": 2, "shape": "hv"},
    )
    fig.add_scatter(
        x=progress["date"],
        y=progress["done_points"],
        mode="lines+markers",
        name=name(names, "done", "Done"),
        line={"color": ACTUAL, "width": 2.5},
    )
    if forecast and len(progress):
        start_x = progress["date"].iloc[-1]
        start_y = progress["done_points"].iloc[-1]
        scope = progress["scope_points"].iloc[-1]
        for level in ("p50", "p85", "p95"):
            colour = PERCENTILES[level.upper()]
            when = forecast.get(f"{level}_date")
            if when is None or pd.isna(when):
                continue
            fig.add_scatter(
                x=[start_x, pd.Timestamp(when)],
                y=[start_y, scope],
                mode="lines+markers",
                name=f"{level.upper()} {locale.date_label(pd.Timestamp(when), lang)}",
                line={"color": colour, "dash": "dash", "width": 1.5},
                marker={"symbol": ["circle", "diamond"], "size": [6, 10]},
            )
    fig.update_yaxes(title="pts", rangemode="tozero")
    return layout(fig, title, height=340)


def say_do_chart(velocity: pd.DataFrame, title: str, *, target: float | None = None) -> go.Figure:
    """Say/do ratio per sprint as bars (completed ÷ committed) carrying their values, as the
    card writes it (a ratio, 0.85, not 85 %), against the catalog's target when there is one,
    else against 1.0 (did what it said).

    ``velocity`` columns: sprint, say_do_ratio.
    """
    fig = go.Figure()
    fig.add_bar(
        x=velocity["sprint"].astype(str),
        y=velocity["say_do_ratio"],
        marker={"color": ACTUAL},
        texttemplate="%{y:.2f}",
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{x}: %{y:.2f}<extra></extra>",
    )
    fig.add_hline(y=target if target is not None else 1.0, line={"color": PLAN, "dash": "dash"})
    fig.update_yaxes(tickformat=".1f", rangemode="tozero")
    return layout(fig, title, height=260, legend=False)
