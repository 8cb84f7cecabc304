"""Finance charts: earned value over time."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from pmo_metrics.charts.style import ACTUAL, COST, PLAN, layout, name


def earned_value_chart(
    ev: pd.DataFrame, title: str, *, names: Mapping[str, str] | None = None
) -> go.Figure:
    """Planned value dashed (the plan), earned value solid (the actual), actual cost in
    the colour of money spent, cumulative per month.

    ``ev`` columns: month, planned_value, earned_value, actual_cost (rows in time order; the
    applications of one month are added up).
    """
    frame = ev.groupby("month", as_index=False, sort=False)[
        ["planned_value", "earned_value", "actual_cost"]
    ].sum(min_count=1)
    fig = go.Figure()
    series = (
        ("planned_value", "PV", {"color": PLAN, "dash": "dash"}),
        ("earned_value", "EV", {"color": ACTUAL}),
        ("actual_cost", "AC", {"color": COST}),
    )
    for col, default, line in series:
        fig.add_scatter(
            x=frame["month"].astype(str),
            y=frame[col],
            mode="lines+markers",
            name=name(names, col, default),
            line={**line, "width": 2},
            hovertemplate="%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>",
        )
    fig.update_yaxes(title="€", rangemode="tozero")
    return layout(fig, title)
