"""The Explore pivot on tiny hand-built frames, exact expected records."""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_metrics.pivot import pivot

TICKETS = pd.DataFrame(
    {
        "state": ["open", "open", "closed", "closed", "closed"],
        "priority": ["P1", "P2", "P1", "P1", "P2"],
        "hours": [1.0, 3.0, 2.0, 4.0, 8.0],
    }
)


def test_no_value_counts_the_rows_of_each_group():
    # The grouping column is not also the value (that raised "Grouper ... not 1-dimensional").
    assert pivot(TICKETS, ["state"]).to_dict("records") == [
        {"state": "closed", "count": 3},
        {"state": "open", "count": 2},
    ]


def test_a_value_is_aggregated_and_spread_across_a_column():
    # closed: P1 2+4=6, P2 8; open: P1 1, P2 3
    assert pivot(TICKETS, ["state"], across="priority", value="hours").to_dict("records") == [
        {"state": "closed", "P1": 6.0, "P2": 8.0},
        {"state": "open", "P1": 1.0, "P2": 3.0},
    ]


def test_counting_across_a_column_and_a_column_both_rows_and_across():
    assert pivot(TICKETS, ["state"], across="priority").to_dict("records") == [
        {"state": "closed", "P1": 2, "P2": 1},
        {"state": "open", "P1": 1, "P2": 1},
    ]
    assert pivot(TICKETS, ["state"], across="state").to_dict("records") == [
        {"state": "closed", "count": 3},
        {"state": "open", "count": 2},
    ]


def test_empty_input_gives_the_output_columns():
    assert list(pivot(TICKETS.iloc[:0], ["state"]).columns) == ["state", "count"]


def test_an_unknown_aggregate_is_refused():
    with pytest.raises(ValueError, match="unknown aggregate 'total'"):
        pivot(TICKETS, ["state"], value="hours", how="total")
