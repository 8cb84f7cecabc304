"""Risk and stakeholder charts: the probability × impact heat map, engagement gaps, the power /
interest grid."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

import pandas as pd
import plotly.graph_objects as go

from pmo_metrics.charts.style import ACTUAL, OKABE_ITO, PLAN, layout, name
from pmo_metrics.metrics.risks import BANDS

# Shades of the score bands, light to strong; the band name is in every cell's hover.
BAND_COLOURS = {
    "low": "#E8F1F8",
    "medium": "#F9E3B0",
    "high": "#F2B27A",
    "critical": "#E07B4A",
}


def band(score: int) -> str:
    """The band of a probability × impact score, from the risk metrics' own thresholds."""
    return next((name for name, top in BANDS if score <= top), BANDS[-1][0])


def risk_heatmap(
    frame: pd.DataFrame,
    title: str,
    *,
    count: str = "risks",
    axis_titles: tuple[str, str] = ("impact", "probability"),
) -> go.Figure:
    """5 × 5 grid, impact left to right, probability bottom to top; each cell shows how many
    risks sit there, shaded by its score band.

    ``frame`` columns: probability, impact, ``count``.
    """
    # pandas-stubs types the fields of itertuples as any scalar; these columns hold numbers
    rows = cast(Iterable[Any], frame.itertuples(index=False))
    counts = {(int(r.probability), int(r.impact)): int(getattr(r, count)) for r in rows}
    levels = [1, 2, 3, 4, 5]
    fig = go.Figure()
    for p in levels:
        for i in levels:
            n = counts.get((p, i), 0)
            b = band(p * i)
            fig.add_shape(
                type="rect",
                x0=i - 0.48,
                x1=i + 0.48,
                y0=p - 0.48,
                y1=p + 0.48,
                fillcolor=BAND_COLOURS[b],
                line={"width": 0},
            )
            fig.add_annotation(
                x=i,
                y=p,
                text=str(n) if n else "",
                showarrow=False,
                font={"size": 16, "color": ACTUAL, "weight": "bold"},
            )
    # invisible points for hover
    fig.add_scatter(
        x=[i for p in levels for i in levels],
        y=[p for p in levels for _ in levels],
        mode="markers",
        marker={"opacity": 0, "size": 30},
        customdata=[[counts.get((p, i), 0), band(p * i), p * i] for p in levels for i in levels],
        hovertemplate="P %{y} × I %{x} = %{customdata[2]} (%{customdata[1]}): "
        "%{customdata[0]}<extra></extra>",
        showlegend=False,
    )
    fig.update_xaxes(title=axis_titles[0], tickvals=levels, range=[0.5, 5.5], showgrid=False)
    fig.update_yaxes(
        title=axis_titles[1], tickvals=levels, range=[0.5, 5.5], showgrid=False, zeroline=False
    )
    return layout(fig, title, height=360, legend=False)


def engagement_chart(
    frame: pd.DataFrame, title: str, *, names: Mapping[str, str] | None = None
) -> go.Figure:
    """Each stakeholder's current engagement (solid dot) and the desired one (outlined), joined
    by the gap. Levels 1 unaware … 5 leading.

    ``frame`` columns: stakeholder, current, desired.
    """
    frame = frame.iloc[::-1]
    fig = go.Figure()
    for r in frame.itertuples(index=False):
        fig.add_scatter(
            x=[r.current, r.desired],
            y=[r.stakeholder] * 2,
            mode="lines",
            line={"color": "#CCCCCC", "width": 4},
            showlegend=False,
            hoverinfo="skip",
        )
    fig.add_scatter(
        x=frame["desired"],
        y=frame["stakeholder"],
        mode="markers",
        name=name(names, "desired", "Desired"),
        marker={"symbol": "circle-open", "size": 13, "line": {"width": 2, "color": PLAN}},
    )
    fig.add_scatter(
        x=frame["current"],
        y=frame["stakeholder"],
        mode="markers",
        name=name(names, "current", "Current"),
        marker={"size": 11, "color": OKABE_ITO["blue"]},
    )
    fig.update_xaxes(
        range=[0.5, 5.5],
        tickvals=[1, 2, 3, 4, 5],
        ticktext=[
            name(names, f"level_{i}", t)
            for i, t in enumerate(("unaware", "resistant", "neutral", "supportive", "leading"), 1)
        ],
    )
    return layout(fig, title, height=max(240, 70 + 28 * len(frame)))


def power_interest_grid(
    frame: pd.DataFrame, title: str, *, names: Mapping[str, str] | None = None
) -> go.Figure:
    """Counts of stakeholders per quadrant of the power / interest grid.

    ``frame`` columns: quadrant, stakeholders (quadrant names as the metric gives them,
    shown as ``names`` gives them where it does).
    """
    fig = go.Figure(
        go.Bar(
            y=[name(names, str(q), str(q)) for q in frame["quadrant"]],
            x=frame["stakeholders"],
            orientation="h",
            marker={"color": ACTUAL},
            text=frame["stakeholders"],
            textposition="outside",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return layout(fig, title, height=240, legend=False)
