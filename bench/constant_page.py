"""A page with the dashboard's furniture filled with constants: the browser bench's baseline.

    streamlit run bench/constant_page.py    # then open ?cards=10&charts=5&tables=2

The same sidebar as the dashboard (language, period slider, three selectboxes bound to the URL)
and as many KPI cards, plotly charts and tables as the query string asks for, so that what the
framework and the browser cost is measured apart from what the data costs. Nothing is computed.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
CHOICES = [f"Choice {n}" for n in range(1, 21)]
PER_ROW = 5  # cards per row, as the overview's pillars
SPARKLINE = [91.0, 92.5, 90.1, 93.0, 94.2, 92.8, 93.9, 95.1, 92.0, 93.3, 94.0, 93.5]


def count(name: str, default: int) -> int:
    """How many of one kind of furniture the link asks for."""
    try:
        return max(0, int(st.query_params.get(name, default)))
    except ValueError:
        return default


def sidebar() -> None:
    st.sidebar.radio(
        "Language / Idioma", ["en", "es"], horizontal=True, key="lang", bind="query-params"
    )
    st.sidebar.subheader("Filters")
    st.sidebar.select_slider(
        "Period", MONTHS, value=(MONTHS[-1], MONTHS[-1]), key="period", bind="query-params"
    )
    for key in ("service", "application", "team"):
        st.sidebar.selectbox(
            key.title(), CHOICES, index=None, placeholder="All", key=key, bind="query-params"
        )


def cards(n: int) -> None:
    for start in range(0, n, PER_ROW):
        row = range(start, min(n, start + PER_ROW))
        for column, i in zip(st.columns(PER_ROW), row, strict=False):
            column.metric(
                f"Card {i}",
                "93.5 %",
                delta="+1.2 pp",
                border=True,
                help="A number.",
                chart_data=SPARKLINE,  # the dashboard's cards carry a 12-month line
                chart_type="line",
            )


def figure(i: int) -> go.Figure:
    """Alternately a bar chart and a heat map of constants, 12 months wide."""
    if i % 2:
        z = [[(r * 7 + c) % 4 for c in range(6)] for r in range(12)]
        return go.Figure(go.Heatmap(z=z, x=[f"Dim {c}" for c in range(6)], y=MONTHS))
    fig = go.Figure(go.Bar(x=MONTHS, y=[80 + (m * 3) % 17 for m in range(12)], name="actual"))
    fig.add_scatter(x=MONTHS, y=[90] * 12, name="target", mode="lines")
    return fig.update_layout(title=f"Chart {i}", height=320)


def charts(n: int) -> None:
    for start in range(0, n, 2):
        for column, i in zip(st.columns(2), range(start, min(n, start + 2)), strict=False):
            column.plotly_chart(figure(i), key=f"chart_{i}", config={"displaylogo": False})


def tables(n: int) -> None:
    frame = pd.DataFrame(
        {
            "service": CHOICES[:15],
            "status": ["✓ on target", "! at risk", "✗ off target"] * 5,
            "value": [12.5 * r for r in range(15)],
            "month": pd.to_datetime(MONTHS[:12] + MONTHS[:3]),
        }
    )
    for i in range(n):
        st.subheader(f"Table {i}")
        st.dataframe(frame, hide_index=True, key=f"table_{i}")


st.set_page_config(page_title="constant", layout="wide")
sidebar()
st.title("Constant page")
st.caption("The dashboard's furniture filled with constants.")
cards(count("cards", 10))
charts(count("charts", 5))
tables(count("tables", 2))
