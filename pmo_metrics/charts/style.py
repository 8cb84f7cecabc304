"""One look for every chart: IBCS notation, the Okabe–Ito palette, status icons.

IBCS: actual is solid dark grey, plan or target is an outline or a dashed line, the previous
period is light grey; good and bad variances are green and red judged by the metric's
direction. Status colours come from the metric status module with their icons, so a status is
never told by colour alone.

One meaning per colour, on every page: bluish green is good / on target, orange at risk,
vermillion bad / off target (a status, a bad variance such as a growing backlog, an item older
than P85); dark grey the actual, light grey the previous period; blues the forecast's
percentiles (light to dark: P50, P85, P95); reddish purple money spent (actual cost). Series
that carry no judgement (roles, categories) take :data:`SERIES`, which has none of the status
colours.
"""

from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from pmo_metrics import locale
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
COST = OKABE_ITO["reddish_purple"]  # money spent: actual cost
# The forecast's and the lead time's percentiles, light to dark: never a status colour.
PERCENTILES = {"P50": OKABE_ITO["sky_blue"], "P85": OKABE_ITO["blue"], "P95": "#003A5D"}
# Series without a judgement (roles, categories, opened vs closed): no status colour in it.
SERIES = [
    OKABE_ITO["blue"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["yellow"],
    "#6B4E9B",  # violet
    OKABE_ITO["black"],
    PREVIOUS,
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
    """Whether every vertical value drawn is a whole number and the axis spans at most ten
    (where plotly would put ticks at halves); larger spans get whole ticks from plotly itself.
    Bars start at zero, so their axis spans from zero: bars of 11 to 17 are not small counts
    (a tick at every unit from 0 to 17 would run together)."""
    values: list[float] = [0.0] if any(trace.type == "bar" for trace in fig.data) else []
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


# --- the page's language --------------------------------------------------------------------

# Plotly's separators: decimal point then thousands separator.
SEPARATORS = {"en": ".,", "es": ",."}


def localise(fig: go.Figure, lang: str, *, narrow: bool = False) -> go.Figure:
    """``fig`` with its numbers and dates as ``lang`` writes them: decimal comma and thousands
    point in Spanish (axes, hovers), date axes with the language's months (plotly bundles only
    English ones offline), month categories horizontal, thinned where they would not fit (a
    ``narrow`` figure, a third of the page or less, has room for four month labels)."""
    fig.update_layout(separators=SEPARATORS.get(locale.language(lang), ".,"))
    axes = _axis_values(fig, "x")
    most = 4 if narrow or len(axes) > 1 else 6  # small multiples have a third of the width
    for name_, values in axes.items():
        dates = _as_dates(values)
        if dates is not None:
            fig.layout[name_].update(date_ticks(dates, lang))
        elif values and all(isinstance(v, str) and _MONTH.match(v) for v in values):
            months = [str(v) for v in values]
            month_categories(fig, list(dict.fromkeys(months)), most=most, axis=name_)
    return fig


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")  # a date or a time as text: 2026-10-05
_MONTH = re.compile(r"^[A-Za-z]{3,4} \d{4}$")  # a month as locale.month_label writes it


def _axis_values(fig: go.Figure, axis: str) -> dict[str, list[object]]:
    """Every layout axis of ``axis`` (``xaxis``, ``xaxis2``...) with the values drawn on it."""
    found: dict[str, list[object]] = {}
    for trace in fig.data:
        values = getattr(trace, axis, None)
        ref = getattr(trace, f"{axis}axis", None) or axis
        if values is None or not hasattr(fig.layout, f"{axis}axis"):
            continue
        found.setdefault(f"{axis}axis{ref[1:]}", []).extend(list(values))
    return found


def _as_dates(values: list[object]) -> pd.DatetimeIndex | None:
    """``values`` as dates when every one is a date or a time (or an ISO date text), else None."""
    present = [v for v in values if v is not None and not (isinstance(v, float) and pd.isna(v))]
    if not present or any(isinstance(v, bool | int | float) for v in present):
        return None
    texts = [v for v in present if isinstance(v, str)]
    if texts and (len(texts) < len(present) or not all(_ISO_DATE.match(v) for v in texts)):
        return None
    try:
        return pd.DatetimeIndex(pd.to_datetime(pd.Series(present)))
    except (TypeError, ValueError):
        return None


def date_ticks(dates: pd.DatetimeIndex, lang: str) -> dict[str, object]:
    """Tick values and texts for a date axis spanning ``dates``: days ("4 oct") on a span of
    weeks, months ("oct 2026") otherwise, at most about eight, horizontal."""
    first, last = dates.min().normalize(), dates.max().normalize()
    span = (last - first).days
    if span <= 70:
        step = 7 if span > 14 else 1 if span <= 7 else 3
        ticks = pd.date_range(first, last + pd.Timedelta(days=1), freq=f"{step}D")
        texts = [_day(t, lang) for t in ticks]
    else:
        months = max(1, -(-span // 30 // 8))  # about eight labels at most
        ticks = pd.date_range(first.replace(day=1), last, freq=f"{months}MS")
        ticks = ticks[ticks >= first - pd.Timedelta(days=15)] if len(ticks) > 1 else ticks
        texts = [locale.month_label(t, lang) for t in ticks]
    return {"tickmode": "array", "tickvals": list(ticks), "ticktext": texts, "tickangle": 0}


def _day(stamp: pd.Timestamp, lang: str) -> str:
    month = locale.MONTH_ABBREVIATIONS[locale.language(lang)][stamp.month - 1]
    return f"{stamp.day} {month}"


def month_categories(
    fig: go.Figure, months: list[str], *, most: int = 6, axis: str = "xaxis"
) -> None:
    """Month labels (``oct 2026``) of a category axis horizontal: every 2nd or 3rd label when
    there are more than ``most`` (a small chart has room for about six)."""
    step = max(1, -(-len(months) // most))
    shown = months[::-1][::step][::-1]  # keep the latest month labelled
    fig.update_layout(
        {axis: {"tickmode": "array", "tickvals": shown, "ticktext": shown, "tickangle": 0}}
    )
