"""Charts any page or the Explore builder can use: plan vs actual bars, stacked bars, lines."""

from __future__ import annotations

import math
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
    lang: str = "en",
) -> go.Figure:
    """IBCS plan (outlined) and actual (solid) side by side per category. Horizontal bars
    carry their values (a value axis under a list of names is read by nobody).

    ``frame`` columns: ``category``, ``plan``, ``actual``.
    """
    cats = frame[category].astype(str)
    fig = go.Figure()
    for col, key, style in (
        (plan, "plan", {"color": "white", "line": {"color": PLAN, "width": 1.5}}),
        (actual, "actual", {"color": ACTUAL}),
    ):
        x, y = (frame[col], cats) if horizontal else (cats, frame[col])
        labels = [_amount(v, lang, gap="") for v in frame[col]] if horizontal else None
        fig.add_bar(
            x=x,
            y=y,
            orientation="h" if horizontal else "v",
            name=name(names, key, key.capitalize()),
            marker=style,
            text=labels,
            textposition="outside" if horizontal else None,
            cliponaxis=False,
        )
    fig.update_layout(barmode="group", bargap=0.25)
    if horizontal:
        fig.update_yaxes(autorange="reversed")
        fig.update_xaxes(showticklabels=False, ticks="")
    return layout(fig, title, height=max(260, 60 + 28 * len(frame)) if horizontal else 300)


def share_of_plan_bars(
    frame: pd.DataFrame,
    title: str,
    *,
    category: str,
    plan: str,
    actual: str,
    unit: str,
    names: Mapping[str, str] | None = None,
    lang: str = "en",
) -> go.Figure:
    """What was realised as a share of what was planned, one bar per row, on one axis (% of
    the plan) with the plan as a line at 100 %: rows in different units (hours, percentage
    points, days) compare on one scale without mixing them. Each bar says its quantities in
    their own unit ("38 / 46 hours/month"); a row with no plan has no share and says so.

    ``frame`` columns: ``category``, ``unit``, ``plan``, ``actual``.
    """
    rows = frame.reset_index(drop=True)
    labels = [f"{c} · {u}" for c, u in zip(rows[category].astype(str), rows[unit], strict=True)]
    shares = [
        float(a) / float(p) * 100 if pd.notna(p) and float(p) and pd.notna(a) else None
        for p, a in zip(rows[plan], rows[actual], strict=True)
    ]
    texts = [
        f"{_amount(a, lang, gap='0')} / {_amount(p, lang, gap='-')}"
        for p, a in zip(rows[plan], rows[actual], strict=True)
    ]
    fig = go.Figure()
    fig.add_bar(
        x=[s if s is not None else 0 for s in shares],
        y=labels,
        orientation="h",
        name=name(names, "actual", "Actual"),
        marker={"color": ACTUAL},
        text=texts,
        textposition="outside",
        cliponaxis=False,
        customdata=[locale.number(s, 0, lang) if s is not None else "-" for s in shares],
        hovertemplate="%{y}<br>%{text} (%{customdata} %)<extra></extra>",
    )
    widest = max([100.0, *(s for s in shares if s is not None)])
    fig.add_vline(x=100, line={"color": PLAN, "width": 1.5, "dash": "dot"})
    fig.add_scatter(  # the plan line's entry in the legend
        x=[None], y=[None], mode="lines", line={"color": PLAN, "dash": "dot"},
        name=name(names, "plan", "Plan"),
    )  # fmt: skip
    fig.update_xaxes(range=[0, widest * 1.3], ticksuffix=" %", title=None)
    fig.update_yaxes(autorange="reversed", gridcolor="white")
    return layout(fig, title, height=max(260, 90 + 30 * len(rows)))


def _amount(value: float | None, lang: str, *, gap: str) -> str:
    """A quantity as a bar's label: whole numbers without decimals, others with one; ``gap``
    where there is none."""
    number = float("nan") if value is None else float(value)
    if math.isnan(number):
        return gap
    return locale.number(number, 0 if number.is_integer() else 1, lang)


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
