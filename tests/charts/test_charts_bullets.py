"""The services' bullet graphs (issue 14, item 6): each on a labelled scale, with the
qualitative ranges behind the bar in the direction that is better."""

from __future__ import annotations

import pandas as pd

from pmo_metrics.charts.scorecard import RANGE_SHADES, indicator_bullets, qualitative_ranges

POOR, FAIR, GOOD = RANGE_SHADES["poor"], RANGE_SHADES["fair"], RANGE_SHADES["good"]


def test_ranges_follow_the_direction() -> None:
    # SLA: higher is better, target 90, amber 85 -> poor below 85, good from 90
    assert qualitative_ranges(90, 85, "higher", 120) == [(0, 85, POOR), (85, 90, FAIR),
                                                         (90, 120, GOOD)]  # fmt: skip
    # budget variance: lower is better, target 5, amber 10 -> good below 5, poor from 10
    assert qualitative_ranges(5, 10, "lower", 12) == [(0, 5, GOOD), (5, 10, FAIR),
                                                      (10, 12, POOR)]  # fmt: skip


def test_no_ranges_without_a_consistent_threshold() -> None:
    assert qualitative_ranges(90, None, "higher", 120) == []
    assert qualitative_ranges(None, 85, "higher", 120) == []
    assert qualitative_ranges(90, 95, "higher", 120) == []  # amber on the wrong side
    assert qualitative_ranges(90, 85, "neutral", 120) == []


def test_each_bullet_has_a_scale_and_its_ranges() -> None:
    frame = pd.DataFrame(
        {
            "indicator": ["SLA", "Budget variance"],
            "value": [75.0, 7.9],
            "target": [90.0, 5.0],
            "amber_threshold": [85.0, 10.0],
            "direction": ["higher", "lower"],
            "status": ["red", "amber"],
            "unit": ["%", "%"],
        }
    )
    fig = indicator_bullets(frame, "Indicators")
    rects = [(s.xref, s.x0, s.x1, s.fillcolor) for s in fig.layout.shapes]
    assert rects == [
        ("x", 0, 85.0, POOR), ("x", 85.0, 90.0, FAIR), ("x", 90.0, 108.0, GOOD),
        ("x2", 0, 5.0, GOOD), ("x2", 5.0, 10.0, FAIR), ("x2", 10.0, 12.0, POOR),
    ]  # fmt: skip
    # the amber threshold is in view (10 * 1.2), and every axis shows its numbers
    assert list(fig.layout.xaxis2.range) == [0, 12.0]
    assert fig.layout.xaxis.showticklabels is not False
    assert fig.layout.xaxis2.showticklabels is not False
