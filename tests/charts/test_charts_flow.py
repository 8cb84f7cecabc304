"""Cumulative flow: one month end is drawn (a stacked bar), several as stacked areas."""

from __future__ import annotations

import pandas as pd

from pmo_metrics.charts.flow import cumulative_flow_chart


def cfd(months: list[str]) -> pd.DataFrame:
    rows = [
        {"month": pd.Timestamp(m), "status_category": c, "items": n}
        for m in months
        for c, n in (("Done", 1194), ("In Progress", 22), ("To Do", 136))
    ]
    return pd.DataFrame(rows)


def test_a_single_month_is_a_stacked_bar_with_its_counts():
    fig = cumulative_flow_chart(cfd(["2026-10-01"]), "Cumulative flow")
    assert [t.type for t in fig.data] == ["bar", "bar", "bar"]
    assert [(t.name, list(t.y)) for t in fig.data] == [
        ("Done", [1194]),
        ("In Progress", [22]),
        ("To Do", [136]),
    ]
    assert fig.layout.barmode == "stack"


def test_several_months_are_stacked_areas():
    fig = cumulative_flow_chart(cfd(["2026-09-01", "2026-10-01"]), "Cumulative flow")
    assert [(t.type, t.stackgroup) for t in fig.data] == [("scatter", "cfd")] * 3
    assert list(fig.data[0].y) == [1194, 1194]
