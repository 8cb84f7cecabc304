"""Charts any page or the Explore builder can use: plan vs actual bars, stacked bars, lines."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from pmo_metrics import locale
from pmo_metrics.charts.style import ACTUAL, PLAN, SERIES, layout, name

CHART_KINDS = ("bar", "line", "scatter")


def plan_actual_bars(
    frame: pd.DataFrame,
    title: str,
    *,
    category: str,
    plan: str,
    actual: str,
    horizontal: bool = False,
    names: Mapping[str, str] | None = None,
) -> go.Figure:
    """IBCS plan (outlined) and actual (solid) side by side per category.

    ``frame`` columns: ``category``, ``plan``, ``actual``.
    """
    cats = frame[category].astype(str)
    fig = go.Figure()
    for col, key, style in (
        (plan, "plan", {"color": "white", "line": {"color": PLAN, "width": 1.5}}),
        (actual, "actual", {"color": ACTUAL}),
    ):
        x, y = (frame[col], cats) if horizontal else (cats, frame[col])
        fig.add_bar(
            x=x,
            y=y,
            orientation="h" if horizontal else "v",
            name=name(names, key, key.capitalize()),
            marker=style,
        )
    fig.update_layout(barmode="group", bargap=0.25)
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    return layout(fig, title, height=max(260, 60 + 28 * len(frame)) if horizontal else 300)


def plan_actual_facets(
    frame: pd.DataFrame,
    title: str,
    *,
    facet: str,
    category: str,
    plan: str,
    actual: str,
    names: Mapping[str, str] | None = None,
    lang: str = "en",
) -> go.Figure:
    """IBCS plan and actual bars, horizontal, one small chart per ``facet`` value (a unit:
    hours, %, days), each on its own scale: one unit per axis. Each bar carries its value
    (the small scales have no room for ticks).

    ``frame`` columns: ``facet``, ``category``, ``plan``, ``actual``.
    """
    from plotly.subplots import make_subplots

    keys = list(dict.fromkeys(frame[facet].fillna("–").astype(str)))
    if not keys:
        return layout(go.Figure(), title, height=200, legend=False)
    parts = [frame[frame[facet].fillna("–").astype(str) == k] for k in keys]
    sizes = [len(p) + 1.2 for p in parts]  # bars plus room for the unit's title
    fig = make_subplots(
        rows=len(keys),
        cols=1,
        subplot_titles=keys,
        row_heights=[n / sum(sizes) for n in sizes],
        vertical_spacing=min(0.3 / len(keys), 0.06),
    )
    for row, part in enumerate(parts, start=1):
        cats = part[category].astype(str)
        for col, key, style in (
            (plan, "plan", {"color": "white", "line": {"color": PLAN, "width": 1.5}}),
            (actual, "actual", {"color": ACTUAL}),
        ):
            fig.add_bar(
                x=part[col],
                y=cats,
                orientation="h",
                name=name(names, key, key.capitalize()),
                marker=style,
                text=[locale.number(v, 0 if float(v).is_integer() else 1, lang) for v in part[col]],
                textposition="outside",
                cliponaxis=False,
                showlegend=row == 1,
                legendgroup=key,
                row=row,
                col=1,
            )
        fig.update_yaxes(autorange="reversed", row=row, col=1)
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_xaxes(showticklabels=False, showgrid=False, ticks="")
    fig.update_annotations(font_size=12, xanchor="left", x=0)
    height = int(110 + 30 * sum(sizes))
    fig = layout(fig, title, height=height)
    # the legend above the first unit's title, not on it
    fig.update_layout(legend={"y": 1 + 24 / height}, margin={"t": 80})
    return fig


def stacked_bars(
    frame: pd.DataFrame,
    title: str,
    *,
    x: str,
    stack: str,
    value: str,
    horizontal: bool = False,
    colours: Mapping[str, str] | None = None,
) -> go.Figure:
    """One bar per ``x`` split by ``stack`` (e.g. actions per month by status)."""
    wide = frame.pivot_table(index=x, columns=stack, values=value, aggfunc="sum", fill_value=0)
    fig = go.Figure()
    for i, key in enumerate(wide.columns):
        colour = (colours or {}).get(str(key), SERIES[i % len(SERIES)])
        xs, ys = (
            (wide[key], wide.index.astype(str))
            if horizontal
            else (wide.index.astype(str), wide[key])
        )
        fig.add_bar(
            x=xs,
            y=ys,
            name=str(key),
            orientation="h" if horizontal else "v",
            marker={"color": colour},
        )
    fig.update_layout(barmode="stack")
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    return layout(fig, title, height=max(280, 60 + 28 * len(wide)) if horizontal else 300)


def grouped_bars(
    frame: pd.DataFrame,
    title: str,
    *,
    x: str,
    columns: list[str],
    names: Mapping[str, str] | None = None,
) -> go.Figure:
    """Several actual series side by side per ``x`` (rows in order), e.g. opened vs closed."""
    fig = go.Figure()
    for i, col in enumerate(columns):
        fig.add_bar(
            x=frame[x].astype(str),
            y=frame[col],
            name=name(names, col, col),
            marker={"color": ACTUAL if i == 0 else SERIES[(i - 1) % len(SERIES)]},
        )
    fig.update_layout(barmode="group", bargap=0.25)
    return layout(fig, title, height=300)


def step_line(frame: pd.DataFrame, title: str, *, x: str, value: str) -> go.Figure:
    """A cumulative count over time as a step line (e.g. services launched)."""
    fig = go.Figure(
        go.Scatter(
            x=frame[x].astype(str),
            y=frame[value],
            mode="lines+markers",
            line={"color": ACTUAL, "width": 2.5, "shape": "hv"},
        )
    )
    fig.update_yaxes(rangemode="tozero")
    return layout(fig, title, height=260, legend=False)


def lines(
    frame: pd.DataFrame, title: str, *, x: str, columns: list[str], dashed: tuple[str, ...] = ()
) -> go.Figure:
    """Several series over time; ``dashed`` ones are plans (IBCS)."""
    fig = go.Figure()
    for i, col in enumerate(columns):
        fig.add_scatter(
            x=frame[x].astype(str),
            y=frame[col],
            name=col,
            mode="lines+markers",
            line={
                "color": PLAN if col in dashed else SERIES[i % len(SERIES)],
                "dash": "dash" if col in dashed else "solid",
            },
        )
    return layout(fig, title)


def explore_chart(
    frame: pd.DataFrame, title: str, *, kind: str, x: str, y: str, colour: str | None = None
) -> go.Figure:
    """The Explore page's chart builder: bar, line or scatter of ``y`` by ``x``."""
    fig = go.Figure()
    groups = frame.groupby(colour, sort=False) if colour else [(None, frame)]
    for i, (key, part) in enumerate(groups):
        key = key[0] if isinstance(key, tuple) else key
        style = {"color": SERIES[i % len(SERIES)] if colour else ACTUAL}
        label = str(key) if colour else y
        if kind == "bar":
            fig.add_bar(x=part[x].astype(str), y=part[y], name=label, marker=style)
        else:
            fig.add_scatter(
                x=part[x],
                y=part[y],
                name=label,
                mode="lines+markers" if kind == "line" else "markers",
                marker=style,
                line=style if kind == "line" else None,
            )
    if kind == "bar":
        fig.update_layout(barmode="group")
    return layout(fig, title, legend=bool(colour))
