"""Status charts: indicators against targets, trends against a target, the portfolio heat map.

Every status mark carries its icon (✓ ! ✗ –) beside its Okabe–Ito colour.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from pmo_metrics.charts.style import (
    ACTUAL,
    PLAN,
    STATUS_ORDER,
    layout,
    name,
    status_colour,
    status_icon,
)
from pmo_metrics.locale import number


def bullet_bars(
    frame: pd.DataFrame,
    title: str,
    *,
    category: str,
    value: str = "value",
    target: str = "target",
    status: str | None = "status",
    unit: str = "",
    names: Mapping[str, str] | None = None,
    lang: str = "en",
) -> go.Figure:
    """Bullet graph on one scale: a horizontal bar per category (top to bottom), the target as
    a tick mark when given. With ``status``, bars take the status colour and icon; without,
    they are plain actuals (IBCS dark grey). Instead of gauges.

    ``frame`` columns: ``category``, ``value``, optionally ``target`` and ``status``.
    """
    frame = frame.iloc[::-1]  # plotly draws the first row at the bottom
    judged = status is not None and status in frame
    icons = [f"{status_icon(s)} " for s in frame[status]] if judged else [""] * len(frame)
    labels = [
        f"{i}{_with_unit(v, unit, lang)}" if pd.notna(v) else i.strip() or "–"
        for i, v in zip(icons, frame[value], strict=True)
    ]
    fig = go.Figure()
    fig.add_bar(
        y=frame[category].astype(str),
        x=frame[value],
        orientation="h",
        name=name(names, "actual", "Actual"),
        marker={"color": [status_colour(s) for s in frame[status]] if judged else ACTUAL},
        text=labels,
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:,.1f}" + unit + "<extra></extra>",
    )
    if target in frame:
        fig.add_scatter(
            y=frame[category].astype(str),
            x=frame[target],
            mode="markers",
            name=name(names, "target", "Target"),
            marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": PLAN}},
            hovertemplate="%{y}: "
            + name(names, "target", "Target")
            + " %{x:,.1f}"
            + unit
            + "<extra></extra>",
        )
    fig.update_xaxes(rangemode="tozero", showgrid=True, gridcolor="#EEEEEE")
    height = max(200, 60 + 34 * len(frame))
    return layout(fig, title, height=height, legend=target in frame)


def indicator_bullets(
    frame: pd.DataFrame,
    title: str,
    *,
    label: str = "indicator",
    names: Mapping[str, str] | None = None,
    lang: str = "en",
) -> go.Figure:
    """One bullet graph per indicator, each on its own scale (indicators have different
    units, each axis labelled): the value as a bar coloured by status with its icon, the target
    as a tick, and behind them the qualitative ranges in greys, the darkest where the value
    would be off target: below the amber threshold for higher-is-better, above it for
    lower-is-better (:func:`qualitative_ranges`).

    ``frame`` columns: ``label``, value, target, status, unit (direction and amber_threshold
    give the ranges where present).
    """
    from plotly.subplots import make_subplots

    n = len(frame)
    if n == 0:
        return layout(go.Figure(), title, height=120, legend=False)
    # room under each bullet for its scale's numbers
    fig = make_subplots(rows=n, cols=1, vertical_spacing=min(0.6 / n, 0.12))
    rows: Iterable[Any] = frame.itertuples(index=False)  # value, target, unit, status, label
    for i, row in enumerate(rows, start=1):
        value, target = row.value, row.target
        unit = getattr(row, "unit", "") or ""
        unit = unit if unit in ("%", "h", "pts") else ""
        state = getattr(row, "status", "grey")
        amber = getattr(row, "amber_threshold", None)
        bounds = (value, target, amber, 0)  # the amber threshold in view: where "poor" begins
        top = max(v for v in bounds if v is not None and not pd.isna(v)) * 1.2 or 1
        text = "–" if pd.isna(value) else f"{status_icon(state)} {_with_unit(value, unit, lang)}"
        fig.add_bar(
            x=[0 if pd.isna(value) else value],
            y=[str(getattr(row, label))],
            orientation="h",
            marker={"color": status_colour(state)},
            text=[text],
            textposition="outside",
            cliponaxis=False,
            showlegend=False,
            width=0.5,
            hovertemplate="%{y}: %{x:,.1f}" + unit + "<extra></extra>",
            row=i,
            col=1,
        )
        if target is not None and not pd.isna(target):
            fig.add_scatter(
                x=[target],
                y=[str(getattr(row, label))],
                mode="markers",
                showlegend=False,
                marker={"symbol": "line-ns", "size": 20, "line": {"width": 3, "color": PLAN}},
                hovertemplate=f"{name(names, 'target', 'Target')} %{{x:,.1f}}{unit}<extra></extra>",
                row=i,
                col=1,
            )
        ranges = qualitative_ranges(target, amber, getattr(row, "direction", None), top)
        for x0, x1, shade in ranges:
            fig.add_vrect(x0=x0, x1=x1, fillcolor=shade, line_width=0, layer="below", row=i, col=1)
        fig.update_xaxes(
            range=[0, top], row=i, col=1, showgrid=False, nticks=4, tickfont={"size": 10}
        )
    fig.update_yaxes(showgrid=False, zeroline=False)
    return layout(fig, title, height=60 + 72 * n, legend=False)


# Few's bullet graph: qualitative ranges in greys, darkest for the worst.
RANGE_SHADES = {"poor": "#D9D9D9", "fair": "#E9E9E9", "good": "#F5F5F5"}


def qualitative_ranges(
    target: float | None, amber: float | None, direction: str | None, top: float
) -> list[tuple[float, float, str]]:
    """The (from, to, shade) ranges behind a bullet from 0 to ``top``: poor beyond the amber
    threshold, fair between it and the target, good past the target, in the direction that
    is better. None without a target, an amber threshold on the right side, or a direction."""
    if target is None or amber is None or pd.isna(target) or pd.isna(amber):
        return []
    shades = RANGE_SHADES
    if direction == "higher" and amber <= target:
        return [(0, amber, shades["poor"]), (amber, target, shades["fair"]),
                (target, top, shades["good"])]  # fmt: skip
    if direction == "lower" and amber >= target:
        return [(0, target, shades["good"]), (target, amber, shades["fair"]),
                (amber, top, shades["poor"])]  # fmt: skip
    return []


def trend_vs_target(
    series: pd.DataFrame,
    title: str,
    *,
    target: float | None = None,
    unit: str = "",
    x: str = "month",
    value: str = "value",
    names: Mapping[str, str] | None = None,
    lang: str = "en",
) -> go.Figure:
    """The actual as a solid line over time (left to right), the target dashed.

    ``series`` columns: ``x``, ``value`` (and optionally ``status`` to mark each point).
    """
    fig = go.Figure()
    marker_colours = [status_colour(s) for s in series["status"]] if "status" in series else ACTUAL
    fig.add_scatter(
        x=series[x].astype(str),
        y=series[value],
        mode="lines+markers",
        name=name(names, "actual", "Actual"),
        line={"color": ACTUAL, "width": 2.5},
        marker={"color": marker_colours, "size": 8},
        hovertemplate="%{x}: %{y:,.1f}" + unit + "<extra></extra>",
        connectgaps=False,
    )
    if target is not None and not pd.isna(target):
        fig.add_hline(
            y=target,
            line={"color": PLAN, "dash": "dash", "width": 1.5},
            annotation_text=f"{name(names, 'target', 'Target')} {_with_unit(target, unit, lang)}",
            annotation_position="top left",
        )
    return layout(fig, title, height=260, legend=False)


def small_multiples(
    series: pd.DataFrame,
    title: str,
    *,
    facet: str,
    x: str = "month",
    value: str = "value",
    target: str | None = "target",
    columns: int = 3,
) -> go.Figure:
    """One small trend per ``facet`` value (e.g. an indicator), each with its dashed target.

    ``series`` columns: ``facet``, ``x``, ``value`` and optionally ``target``.
    """
    from plotly.subplots import make_subplots

    keys = list(dict.fromkeys(series[facet].astype(str)))
    if not keys:
        return layout(go.Figure(), title, height=200, legend=False)
    rows = (len(keys) + columns - 1) // columns
    # each row's title sits above its plot, clear of the month labels of the row above
    spacing = min(0.35, 110 / (200 * rows))
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=keys, vertical_spacing=spacing)
    for i, key in enumerate(keys):
        part = series[series[facet].astype(str) == key]
        r, c = i // columns + 1, i % columns + 1
        fig.add_scatter(
            x=part[x].astype(str),
            y=part[value],
            mode="lines+markers",
            line={"color": ACTUAL, "width": 2},
            marker={"size": 5},
            showlegend=False,
            row=r,
            col=c,
        )
        if target and target in part and part[target].notna().any():
            fig.add_scatter(
                x=part[x].astype(str),
                y=part[target],
                mode="lines",
                line={"color": PLAN, "dash": "dash", "width": 1},
                showlegend=False,
                hoverinfo="skip",
                row=r,
                col=c,
            )
    fig.update_annotations(font_size=12)
    return layout(fig, title, height=60 + 200 * rows + 60 * (rows - 1), legend=False)


NOTE_MARKER = "#000000"  # an explanation's marker: black, apart from the status colours


def with_note_markers(
    fig: go.Figure,
    series: pd.DataFrame,
    notes: pd.DataFrame,
    *,
    facet: str,
    x: str = "month",
    value: str = "value",
    target: str = "target",
    columns: int = 3,
) -> go.Figure:
    """``fig`` (from :func:`small_multiples` over ``series``) with a marker per explanation:
    ``notes`` columns ``facet`` (the small multiple it belongs to; empty for every one), ``x``
    (where on the axis, as ``series`` writes it) and ``text`` (shown on hover). A marker sits on
    the value at that point, or on the target where there is no value; none where neither is."""
    keys = list(dict.fromkeys(series[facet].astype(str)))
    for note in notes.to_dict("records"):
        wanted = note.get("facet")
        chosen = keys if not isinstance(wanted, str) or not wanted else [wanted]
        for key in (k for k in chosen if k in keys):
            at = series[(series[facet].astype(str) == key) & (series[x].astype(str) == note["x"])]
            heights = [v for v in (*at[value], *at.get(target, [])) if not _blank(v)]
            if not heights:
                continue
            i = keys.index(key)
            fig.add_scatter(
                x=[note["x"]],
                y=[heights[0]],
                mode="markers",
                marker={"symbol": "diamond", "size": 11, "color": NOTE_MARKER},
                hovertext=[str(note["text"])],
                hoverinfo="text",
                showlegend=False,
                row=i // columns + 1,
                col=i % columns + 1,
            )
    return fig


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def status_heatmap(
    frame: pd.DataFrame,
    title: str,
    *,
    row: str,
    columns: list[str],
    column_labels: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
    lang: str = "en",
) -> go.Figure:
    """Rows (e.g. applications, top to bottom) × dimensions, each cell coloured by its status
    and showing its icon, and its value where ``values`` names the value column of a status
    column; hover tells the status word. Labels are horizontal, wrapped on short lines.

    ``frame`` columns: ``row`` and one status column (green/amber/red/grey) per dimension.
    """
    frame = frame.iloc[::-1]
    codes = {s: i for i, s in enumerate(STATUS_ORDER)}
    z = [[codes.get(_status(v), 3) for v in frame[c]] for c in columns]
    text = [_cell_texts(frame, c, (values or {}).get(c), lang) for c in columns]
    n = len(STATUS_ORDER)
    scale = []
    for i, s in enumerate(STATUS_ORDER):
        scale += [[i / n, status_colour(s)], [(i + 1) / n, status_colour(s)]]
    labels = [str((column_labels or {}).get(c, c)) for c in columns]
    fig = go.Figure(
        go.Heatmap(
            z=list(map(list, zip(*z, strict=True))) if z else [],
            x=labels,
            y=frame[row].astype(str),
            text=list(map(list, zip(*text, strict=True))) if text else [],
            texttemplate="%{text}",
            textfont={"size": 13, "color": "white"},
            colorscale=scale,
            zmin=-0.5,
            zmax=n - 0.5,
            showscale=False,
            xgap=3,
            ygap=3,
            hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
        )
    )
    lines = max((len(_wrapped(label).split("<br>")) for label in labels), default=1)
    fig.update_xaxes(
        side="top",
        showgrid=False,
        linecolor="white",
        ticks="",
        tickangle=0,
        tickfont={"size": 11},
        # our own labels, wrapped (the trace's text is escaped as imported text)
        tickvals=labels,
        ticktext=[_wrapped(label) for label in labels],
    )
    fig.update_yaxes(showgrid=False, zeroline=False)
    height = max(260, 120 + 16 * lines + 34 * len(frame))
    fig = layout(fig, title, height=height, legend=False)
    # the column labels sit on top, between the title and the cells
    fig.update_layout(margin={"t": 70 + 16 * lines}, title={"y": 0.99, "yanchor": "top"})
    return fig


def _with_unit(value: float, unit: str, lang: str) -> str:
    """A value on a bar or a target line: 79.9% / 79,9 %, 12.0 h / 12,0 h, 0.7."""
    text = number(value, 1, lang)
    if unit == "%":
        return f"{text} %" if lang == "es" else f"{text}%"
    return f"{text} {unit}" if unit.strip() else text


def judged_columns(
    frame: pd.DataFrame, columns: list[str], values: Mapping[str, str] | None = None
) -> tuple[list[str], list[str], list[str]]:
    """(columns drawn, columns left out, drawn columns nothing judges). A column is drawn when
    a cell is judged or, with ``values`` (status column -> value column), holds a value: a
    dimension without a target still shows its values, uncoloured. One with neither anywhere is
    said in words, not drawn as a grey stripe."""

    def has_values(column: str) -> bool:
        found = (values or {}).get(column)
        return found is not None and found in frame.columns and bool(frame[found].notna().any())

    judged = [c for c in columns if any(_status(v) != "grey" for v in frame[c])]
    shown = [c for c in columns if c in judged or has_values(c)]
    return shown, [c for c in columns if c not in shown], [c for c in shown if c not in judged]


def _cell_texts(frame: pd.DataFrame, column: str, value_column: str | None, lang: str) -> list[str]:
    icons = [status_icon(_status(v)) for v in frame[column]]
    if value_column is None or value_column not in frame.columns:
        return icons
    shorts = [_short(v, lang) for v in frame[value_column]]
    grey = status_icon("grey")  # a value nothing judges (no target): the value alone
    return [
        (v if i == grey else f"{i} {v}") if v else i for i, v in zip(icons, shorts, strict=True)
    ]


def _short(value: object, lang: str) -> str:
    """A cell's value in a few characters: 1,234 · 92 · 0.92 (none: empty)."""
    if value is None or isinstance(value, bool | str):
        return ""
    try:
        amount = float(value)  # type: ignore[arg-type]  # numpy and Python numbers alike
    except (TypeError, ValueError):
        return ""
    if math.isnan(amount):
        return ""
    decimals = 0 if abs(amount) >= 10 or amount.is_integer() else 2
    text = number(amount, decimals, lang)
    return text.rstrip("0").rstrip(".,") if decimals else text


def _wrapped(label: str, width: int = 12) -> str:
    """``label`` broken into lines of about ``width`` characters, at spaces."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "<br>".join(lines) or label


def _status(value: object) -> str:
    return value if isinstance(value, str) and value in STATUS_ORDER else "grey"


def status_counts_bar(frame: pd.DataFrame, title: str, *, status: str = "status") -> go.Figure:
    """How many items are in each status, as one horizontal stacked bar with icons."""
    counts = frame[status].map(_status).value_counts()
    fig = go.Figure()
    for s in STATUS_ORDER:
        if counts.get(s, 0):
            fig.add_bar(
                x=[counts[s]],
                y=[""],
                orientation="h",
                name=f"{status_icon(s)} {s}",
                marker={"color": status_colour(s)},
                text=[f"{status_icon(s)} {counts[s]}"],
                textposition="inside",
            )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(visible=False)
    return layout(fig, title, height=140)
