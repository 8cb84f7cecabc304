"""Flow charts: throughput, lead-time scatter with percentile lines, aging WIP, cumulative
flow, net flow."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from pmo_metrics import locale
from pmo_metrics.charts.style import (
    ACCENT,
    ACTUAL,
    BAD,
    GOOD,
    OKABE_ITO,
    PERCENTILES,
    SERIES,
    layout,
    name,
)

# Workflow categories are not statuses: no green / orange / red (style's one meaning per colour).
CATEGORY_COLOURS = {
    "To Do": OKABE_ITO["sky_blue"],
    "In Progress": OKABE_ITO["blue"],
    "Done": ACTUAL,
}
PERCENTILE_COLOURS = PERCENTILES


def throughput_chart(throughput: pd.DataFrame, title: str, *, period: str = "month") -> go.Figure:
    """Items done per period as solid bars, time left to right (rows come in time order;
    several rows of one period, e.g. one per application, are added up).

    ``throughput`` columns: ``period`` (month or week), items.
    """
    frame = throughput.groupby(period, as_index=False, sort=False)["items"].sum()
    fig = go.Figure(
        go.Bar(
            x=frame[period].astype(str),
            y=frame["items"],
            marker={"color": ACTUAL},
            text=frame["items"],
            textposition="outside",
            hovertemplate="%{x}: %{y:,}<extra></extra>",
        )
    )
    fig.update_yaxes(rangemode="tozero")
    return layout(fig, title, height=280, legend=False)


def lead_time_scatter(
    items: pd.DataFrame,
    title: str,
    *,
    percentiles: Mapping[str, float] | None = None,
    lang: str = "en",
) -> go.Figure:
    """Each resolved item at its resolution date and lead time, with P50/P85/P95 lines.

    ``items`` columns: item_key, resolved, lead_time_days. ``percentiles``: {"P50": days, ...}.
    """
    fig = go.Figure(
        go.Scatter(
            x=items["resolved"],
            y=items["lead_time_days"],
            mode="markers",
            marker={"color": ACTUAL, "size": 6, "opacity": 0.6},
            text=items["item_key"],
            hovertemplate=f"%{{text}}: %{{y:.1f}} {locale.unit_label('days', lang)}<extra></extra>",
            showlegend=False,
        )
    )
    for label, days in (percentiles or {}).items():
        if days is None or pd.isna(days):
            continue
        fig.add_hline(
            y=days,
            line={"color": PERCENTILE_COLOURS.get(label, ACCENT), "dash": "dash", "width": 1.5},
            annotation_text=f"{label} {locale.number(days, 1, lang)} d",
            annotation_position="top left",
            annotation_font={"color": PERCENTILE_COLOURS.get(label, ACCENT)},
        )
    fig.update_yaxes(title=locale.unit_label("days", lang), rangemode="tozero")
    return layout(fig, title, height=340, legend=False)


def aging_wip_chart(
    aging: pd.DataFrame,
    title: str,
    *,
    reference_days: float | None = None,
    reference: str = "P85",
    lang: str = "en",
) -> go.Figure:
    """Every open item's age by status, against the P85 lead or cycle time: items above the
    line are older than 85% of finished ones took.

    ``aging`` columns: item_key, status, age_days.
    """
    order = list(dict.fromkeys(aging["status"].astype(str)))
    fig = go.Figure()
    over = reference_days if reference_days is not None else float("inf")
    colours = aging["age_days"].map(lambda d: BAD if d > over else ACTUAL)
    fig.add_scatter(
        x=aging["status"].astype(str),
        y=aging["age_days"],
        mode="markers",
        marker={"color": colours, "size": 8, "opacity": 0.75},
        text=aging["item_key"],
        hovertemplate=f"%{{text}}: %{{y:.0f}} {locale.unit_label('days', lang)}<extra></extra>",
        showlegend=False,
    )
    if reference_days is not None and not pd.isna(reference_days):
        fig.add_hline(
            y=reference_days,
            line={"color": ACCENT, "dash": "dash"},
            annotation_text=f"{reference} {locale.number(reference_days, 1, lang)} d",
            annotation_position="top left",
        )
    fig.update_xaxes(categoryorder="array", categoryarray=order)
    fig.update_yaxes(title=locale.unit_label("days", lang), rangemode="tozero")
    return layout(fig, title, height=320, legend=False)


def cumulative_flow_chart(
    cfd: pd.DataFrame, title: str, *, names: Mapping[str, str] | None = None, lang: str = "en"
) -> go.Figure:
    """Items per status category at each month end, stacked (Done at the bottom).

    ``cfd`` columns: month, status_category, items.
    """
    order = list(dict.fromkeys(cfd["month"]))  # rows come in time order
    wide = cfd.pivot_table(
        index="month", columns="status_category", values="items", aggfunc="sum", fill_value=0
    ).reindex(order)
    fig = go.Figure()
    order = [c for c in ("Done", "In Progress", "To Do") if c in wide.columns]
    order += [c for c in wide.columns if c not in order]
    for i, category in enumerate(order):
        colour = CATEGORY_COLOURS.get(category, SERIES[i % len(SERIES)])
        if len(wide) == 1:  # an area needs two month ends: one month is a stacked bar
            fig.add_bar(x=wide.index.astype(str), y=wide[category],
                        name=name(names, str(category), str(category)),
                        marker_color=colour)  # fmt: skip
        else:
            fig.add_scatter(
                x=wide.index.astype(str),
                y=wide[category],
                name=name(names, str(category), str(category)),
                mode="lines",
                stackgroup="cfd",
                line={"width": 0.5, "color": colour},
            )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title=locale.unit_label("items", lang))
    return layout(fig, title, height=320)


def net_flow_chart(
    net: pd.DataFrame,
    title: str,
    *,
    period: str = "month",
    names: Mapping[str, str] | None = None,
    lang: str = "en",
) -> go.Figure:
    """Created minus done per period: a positive bar (red) means the backlog grew, a negative
    one (green) that it shrank.

    ``net`` columns: ``period``, created, done, net_flow (rows in time order).
    """
    frame = net.groupby(period, as_index=False, sort=False)[["created", "done", "net_flow"]].sum()
    colours = [BAD if v > 0 else GOOD for v in frame["net_flow"]]
    fig = go.Figure(
        go.Bar(
            x=frame[period].astype(str),
            y=frame["net_flow"],
            marker={"color": colours},
            customdata=frame[["created", "done"]],
            text=[("+" if v > 0 else "") + locale.number(v, 0, lang) for v in frame["net_flow"]],
            textposition="outside",
            hovertemplate=(
                f"%{{x}}: {name(names, 'created', 'created')} %{{customdata[0]}}, "
                f"{name(names, 'done', 'done')} %{{customdata[1]}}<extra></extra>"
            ),
        )
    )
    fig.add_hline(y=0, line={"color": ACTUAL, "width": 1})
    return layout(fig, title, height=280, legend=False)
