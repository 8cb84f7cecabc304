"""One look for every chart: IBCS notation, the Okabe–Ito palette, status icons.

IBCS: actual is solid dark grey, plan or target is an outline or a dashed line, the previous
period is light grey; good and bad variances are green and red judged by the metric's
direction. Status colours come from the metric status module with their icons, so a status is
never told by colour alone.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Mapping

import plotly.graph_objects as go

from pmo_metrics.metrics import status as status_rules

# Okabe & Ito (2008), readable with every common colour-vision deficiency.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
ACTUAL = "#404040"  # IBCS: actual, solid
PREVIOUS = "#A6A6A6"  # IBCS: previous period
PLAN = "#404040"  # IBCS: plan/target, drawn as an outline or dashed line
GOOD = OKABE_ITO["bluish_green"]
BAD = OKABE_ITO["vermillion"]
ACCENT = OKABE_ITO["blue"]
SERIES = [
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["yellow"],
    OKABE_ITO["black"],
]
FONT = "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif"
STATUS_ORDER = status_rules.STATUSES


def status_colour(status: str | None) -> str:
    return status_rules.COLOURS.get(status or "", status_rules.COLOURS[status_rules.GREY])


def status_icon(status: str | None) -> str:
    return status_rules.icon(status or "")


def layout(fig: go.Figure, title: str, *, height: int = 320, legend: bool = True) -> go.Figure:
    """Title top-left, no decoration that carries no data, legend above the plot."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        font={"family": FONT, "size": 12, "color": "#262730"},
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "title": None},
        hoverlabel={"font": {"family": FONT}},
    )
    fig.update_xaxes(showgrid=False, linecolor="#BBBBBB", ticks="outside", tickcolor="#BBBBBB")
    fig.update_yaxes(gridcolor="#EEEEEE", zeroline=True, zerolinecolor="#BBBBBB")
    if _small_counts(fig):  # 0, 1, 2 tickets or items: no 0.5 tick
        fig.update_yaxes(dtick=1, tick0=0, tickformat="d")
    return fig


def _small_counts(fig: go.Figure) -> bool:
    """Whether every vertical value drawn is a whole number and they span at most ten (where
    plotly would put ticks at halves); larger spans get whole ticks from plotly itself."""
    values: list[float] = []
    for trace in fig.data:
        if getattr(trace, "orientation", None) == "h" or trace.type not in ("bar", "scatter"):
            return False
        for v in trace.y if trace.y is not None else ():
            if v is None or isinstance(v, bool):
                continue
            if not isinstance(v, numbers.Real):  # categories on the vertical axis
                return False
            if not math.isnan(v):
                values.append(float(v))
    return bool(values) and all(v.is_integer() for v in values) and max(values) - min(values) <= 10


def name(names: Mapping[str, str] | None, key: str, default: str) -> str:
    """A series name in the caller's language (``names`` maps keys to translations)."""
    return (names or {}).get(key, default)


def empty_figure(title: str, message: str = "No data") -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"size": 14, "color": PREVIOUS})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return layout(fig, title, height=200, legend=False)


# The trace attributes plotly draws as text (it reads a subset of HTML in them: links, images
# by style, line breaks); hover templates are ours and keep their markup.
_TEXT_ATTRIBUTES = ("x", "y", "text", "hovertext", "labels", "parents", "name")


def inert(fig: go.Figure) -> go.Figure:
    """``fig`` with every text that can come from an imported file escaped, so that a service
    named ``<a href=...>`` is drawn as those characters, not as a live link. Plotly turns the
    entities back into the characters on screen; a click on a point returns the escaped text
    (``ui.drill`` unescapes it)."""
    for trace in fig.data:
        for attribute in _TEXT_ATTRIBUTES:
            value = getattr(trace, attribute, None)
            if isinstance(value, str):
                trace[attribute] = html.escape(value, quote=False)
            elif value is not None and any(isinstance(v, str) for v in value):
                trace[attribute] = [
                    html.escape(v, quote=False) if isinstance(v, str) else v for v in value
                ]
    for annotation in fig.layout.annotations:  # subplot titles carry indicator names
        if annotation.text:
            annotation.text = html.escape(annotation.text, quote=False)
    return fig
