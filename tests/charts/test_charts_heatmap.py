"""The portfolio heat map: values in the cells, a dimension with no data anywhere left out and
named, labels horizontal on short lines (issue 14, item 5)."""

from __future__ import annotations

import pandas as pd

from pmo_metrics.charts.scorecard import judged_columns, status_heatmap

FRAME = pd.DataFrame(
    {
        "application": ["Billing", "CRM"],
        "status": ["red", "green"],
        "say_do": [0.61, 1.0],
        "say_do_status": ["red", "green"],
        "throughput": [None, None],
        "throughput_status": ["grey", "grey"],
        "cost_variance_pct": [-7.65, 1234.5],
        "cost_variance_pct_status": ["grey", "amber"],
    }
)


def test_a_dimension_grey_everywhere_is_left_out():
    columns = ["status", "say_do_status", "throughput_status", "cost_variance_pct_status"]
    assert judged_columns(FRAME, columns) == (
        ["status", "say_do_status", "cost_variance_pct_status"],
        ["throughput_status"],
        [],
    )


def test_a_dimension_with_values_but_no_target_is_shown_unjudged():
    no_target = FRAME.assign(throughput=[12.0, None])  # values, grey everywhere: no target
    columns = ["status", "say_do_status", "throughput_status"]
    values = {"say_do_status": "say_do", "throughput_status": "throughput"}
    assert judged_columns(no_target, columns, values) == (
        ["status", "say_do_status", "throughput_status"],
        [],
        ["throughput_status"],
    )
    # no value and no judgement anywhere: left out and named
    assert judged_columns(FRAME, columns, values) == (
        ["status", "say_do_status"],
        ["throughput_status"],
        [],
    )


def test_cells_show_icon_and_value_in_the_language_and_labels_wrap():
    fig = status_heatmap(
        FRAME,
        "Portfolio health",
        row="application",
        columns=["status", "say_do_status", "cost_variance_pct_status"],
        column_labels={"status": "Health", "cost_variance_pct_status": "Desviación de coste %"},
        values={"say_do_status": "say_do", "cost_variance_pct_status": "cost_variance_pct"},
        lang="es",
    )
    heat = fig.data[0]
    # rows bottom-up (CRM first), columns as given
    assert [list(r) for r in heat.text] == [["✓", "✓ 1", "! 1.234"], ["✗", "✗ 0,61", "-7,65"]]
    assert fig.layout.xaxis.tickangle == 0
    assert list(fig.layout.xaxis.ticktext) == [
        "Health",
        "say_do_status",
        "Desviación<br>de coste %",
    ]
