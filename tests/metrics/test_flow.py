"""Flow metrics on hand-built work items: throughput, percentiles, WIP, net and cumulative flow."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmo_metrics.metrics.plan import values_by
from pmo_metrics.metrics.registry import MissingData, get
from pmo_metrics.metrics.source import Filters

T = pd.Timestamp
MARCH = Filters.from_period("2026-03")  # as of 2026-04-01 00:00


def item(
    key: str,
    cat: str,
    created: str,
    resolved: str | None = None,
    *,
    kind: str = "Story",
    project: str = "P",
    **extra,
) -> dict:
    return {
        "item_key": key,
        "source": "jira",
        "project": project,
        "item_type": kind,
        "is_epic": kind == "Epic",
        "is_subtask": kind == "Sub-task",
        "status": cat,
        "status_category": cat,
        "created": T(created),
        "resolved": T(resolved) if resolved else None,
        **extra,
    }


ITEMS = [
    item("F1", "Done", "2026-03-02 09:00", "2026-03-04 21:00"),  # 2.5 days
    item("F2", "Done", "2026-03-01 00:00", "2026-03-11 00:00", kind="Bug"),  # 10 days
    item("F3", "Done", "2026-03-05 12:00", "2026-03-06 12:00", kind="Sub-task"),  # 1 day, counts
    item("F4", "Done", "2026-01-01 00:00", "2026-03-20 00:00", kind="Epic"),  # never counts
    # No resolution date: the date it entered Done (Status Category Changed), 3 days, April.
    item("F5", "Done", "2026-03-30 06:00", status_changed=T("2026-04-02 06:00")),
    item("F6", "In Progress", "2026-03-10 00:00"),
    item("F7", "To Do", "2026-03-20 00:00"),
    item("F8", "Done", "2026-02-01 00:00", "2026-02-05 00:00"),  # 4 days, February
    item("F9", "To Do", "2026-02-10 00:00", "2026-02-12 00:00"),  # reopened: not done
    item("Q1", "Done", "2026-03-01 00:00", "2026-03-02 00:00", project="Q"),  # 1 day
]


def records(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(r) for r in frame[columns].itertuples(index=False)]


def test_throughput_per_month(put, source):
    put("work_items", ITEMS)
    frame = get("throughput").run(source)
    # P: Feb F8; Mar F1, F2, F3 (sub-task counts, epic F4 does not); Apr F5 (Done by its status
    # change). Q: Mar Q1. Months without items are 0.
    assert records(frame, ["application", "month", "items"]) == [
        ("P", T("2026-02-01"), 1),
        ("P", T("2026-03-01"), 3),
        ("P", T("2026-04-01"), 1),
        ("Q", T("2026-02-01"), 0),
        ("Q", T("2026-03-01"), 1),
        ("Q", T("2026-04-01"), 0),
    ]
    assert get("throughput").value(source, MARCH) == 4.0
    assert get("throughput").value(source, Filters(application="Q")) == 1.0


def test_throughput_weekly_starts_on_monday(put, source):
    put("work_items", ITEMS)
    frame = get("throughput-weekly").run(source, Filters.from_period("2026-03", application="P"))
    # F1 Wed Mar 4 and F3 Fri Mar 6 -> week of Mon Mar 2; F2 Wed Mar 11 -> week of Mar 9.
    assert records(frame, ["week", "items"]) == [(T("2026-03-02"), 2), (T("2026-03-09"), 1)]


def test_lead_time_percentiles_are_numpy_linear(put, source):
    put("work_items", ITEMS)
    frame = get("lead-time").run(source, MARCH)
    # P: [1, 2.5, 10] -> P50 2.5; P85 at rank 1.7: 2.5 + 0.7 x 7.5 = 7.75; P95: 2.5 + 0.9 x 7.5.
    # Over all, [1, 1, 2.5, 10] -> P85 at rank 2.55: 2.5 + 0.55 x 7.5 = 6.625.
    assert records(frame, ["application", "items", "p50_days", "p85_days", "p95_days"]) == [
        ("P", 3, 2.5, 7.75, 9.25),
        ("Q", 1, 1.0, 1.0, 1.0),
    ]
    assert list(np.percentile([1, 2.5, 10], [50, 85, 95])) == [2.5, 7.75, 9.25]
    assert get("lead-time").value(source, MARCH) == pytest.approx(6.625)
    scatter = get("lead-time-items").run(source, MARCH)
    assert records(scatter, ["item_key", "lead_time_days", "resolved"]) == [
        ("Q1", 1.0, T("2026-03-02")),
        ("F1", 2.5, T("2026-03-04 21:00")),
        ("F3", 1.0, T("2026-03-06 12:00")),
        ("F2", 10.0, T("2026-03-11")),
    ]


def test_cycle_time_needs_status_history(put, source):
    put("work_items", ITEMS)
    with pytest.raises(MissingData, match="no status history: cycle time needs it"):
        get("cycle-time").run(source)
    # Never faked with lead time: with one known start, only that item counts.
    put(
        "work_items",
        [item("F1", "Done", "2026-03-02 09:00", "2026-03-04 21:00", started=T("2026-03-03 09:00"))],
    )
    frame = get("cycle-time").run(source, MARCH)
    assert records(frame, ["application", "items", "p50_days", "p85_days"]) == [("P", 1, 1.5, 1.5)]


def test_wip_and_aging(put, source):
    put("work_items", ITEMS, period="2026-03")
    assert records(get("wip").run(source), ["application", "team", "items"]) == [("P", "P", 1)]
    aging = get("aging-wip").run(source, MARCH)
    # F6 created March 10 (no start known): 22 days old on April 1, against the P85 lead time
    # of the items done in March (no status history anywhere): 6.625 days.
    assert records(
        aging, ["item_key", "age_days", "p85_reference_days", "reference", "beyond_reference"]
    ) == [("F6", 22.0, pytest.approx(6.625), "P85 lead time", True)]
    # F6 finishes in April: March's WIP (a past month) comes from March's snapshot.
    put("work_items", [item("F6", "Done", "2026-03-10 00:00", "2026-04-03 00:00")], "2026-04")
    assert get("wip").run(source).empty
    assert get("wip").value(source) == 0.0
    assert records(get("wip").run(source, MARCH), ["application", "items"]) == [("P", 1)]


def test_net_flow(put, source):
    put("work_items", ITEMS)
    frame = get("net-flow").run(source, MARCH)
    # P created in March: F1, F2, F3, F5, F6, F7 = 6 (epic F4 excluded); done F1, F2, F3 = 3.
    assert records(frame, ["application", "month", "created", "done", "net_flow"]) == [
        ("P", T("2026-03-01"), 6, 3, 3),
        ("Q", T("2026-03-01"), 1, 1, 0),
    ]
    assert get("net-flow").value(source, MARCH) == 3.0


def test_cumulative_flow_from_month_end_snapshots(put, source):
    with pytest.raises(MissingData, match="no month-end snapshots"):
        get("cumulative-flow").run(source)
    put("work_items", ITEMS, period="2026-03")
    put("work_items", [item("F6", "Done", "2026-03-10 00:00", "2026-04-03 00:00")], "2026-04")
    frame = get("cumulative-flow").run(source)
    assert records(frame, ["month", "status_category", "items"]) == [
        (T("2026-03-01"), "Done", 6),
        (T("2026-03-01"), "In Progress", 1),
        (T("2026-03-01"), "To Do", 2),
        (T("2026-04-01"), "Done", 7),
        (T("2026-04-01"), "To Do", 2),
    ]
    only_q = get("cumulative-flow").run(source, Filters.from_period("2026-04", application="Q"))
    assert records(only_q, ["month", "status_category", "items"]) == [(T("2026-04-01"), "Done", 1)]


def test_empty_selection_keeps_the_columns(put, source):
    put("work_items", ITEMS)
    for name in (
        "throughput",
        "throughput-weekly",
        "lead-time",
        "lead-time-items",
        "wip",
        "aging-wip",
        "net-flow",
        "resolved-before-created",
    ):
        frame = get(name).run(source, Filters(application="nothing"))
        assert frame.empty and list(frame.columns) == list(get(name).columns), name
    assert get("throughput").value(source, Filters(team="nobody")) == 0.0
    assert get("lead-time").value(source, Filters(team="nobody")) is None


def test_no_work_items_says_what_it_needs(source):
    with pytest.raises(MissingData, match="no work items: throughput needs a Jira or Azure"):
        get("throughput").run(source)


# Dates that contradict each other: N1 resolved 3 days before it was created; N2 (no resolution
# date) entered Done half a day before it was created. Both reached Done in March.
CONTRADICTED = [
    item("F1", "Done", "2026-03-02 09:00", "2026-03-04 21:00", started=T("2026-03-03 09:00")),
    item("F2", "Done", "2026-03-01 00:00", "2026-03-11 00:00"),  # 10 days
    item("N1", "Done", "2026-03-10 00:00", "2026-03-07 00:00", started=T("2026-03-06 00:00")),
    item("N2", "Done", "2026-03-20 12:00", status_changed=T("2026-03-20 00:00")),
    item("O1", "In Progress", "2026-03-25 00:00"),  # open: 7 days old on April 1
    item("Q1", "Done", "2026-03-01 00:00", "2026-03-02 00:00", project="Q"),  # 1 day
]


def test_items_resolved_before_created_leave_time_metrics_and_are_counted(put, source):
    put("work_items", CONTRADICTED)
    frame = get("lead-time").run(source, MARCH)
    # P without N1 (-3 days) and N2 (-0.5 days): [2.5, 10] -> P50 6.25; P85 at rank 0.85:
    # 2.5 + 0.85 x 7.5 = 8.875; P95 2.5 + 0.95 x 7.5 = 9.625. (With them, [-3, -0.5, 2.5, 10]
    # gave a P50 of 1.0.) Over all, [1, 2.5, 10] -> P85 at rank 1.7: 2.5 + 0.7 x 7.5 = 7.75.
    assert records(frame, ["application", "items", "p50_days", "p85_days", "p95_days"]) == [
        ("P", 2, 6.25, pytest.approx(8.875), pytest.approx(9.625)),
        ("Q", 1, 1.0, 1.0, 1.0),
    ]
    assert get("lead-time").value(source, MARCH) == pytest.approx(7.75)
    assert values_by(get("lead-time"), source, MARCH, "application", ["P", "Q"]) == {
        "P": pytest.approx(8.875),
        "Q": 1.0,
    }
    scatter = get("lead-time-items").run(source, MARCH)
    assert list(scatter["item_key"]) == ["Q1", "F1", "F2"]
    # Cycle time: N1's 1 day (started Mar 6, resolved Mar 7) rests on a creation date after its
    # resolution: left out too, so only F1's 1.5 days (Mar 3 09:00 to Mar 4 21:00) counts.
    cycle = get("cycle-time").run(source, MARCH)
    assert records(cycle, ["application", "items", "p50_days", "p85_days"]) == [("P", 1, 1.5, 1.5)]
    # Aging: O1 is 7 days old against the P85 cycle time of F1 alone, 1.5 days (with N1 it was
    # 1.0 + 0.85 x 0.5 = 1.425).
    aging = get("aging-wip").run(source, MARCH)
    assert records(aging, ["item_key", "age_days", "p85_reference_days", "reference"]) == [
        ("O1", 7.0, 1.5, "P85 cycle time")
    ]
    # Throughput counts items, not durations: N1 and N2 did reach Done in March.
    assert get("throughput").value(source, MARCH) == 5.0
    # ... and they are reported: key, dates and the negative lead time, by done date.
    left_out = get("resolved-before-created").run(source, MARCH)
    assert records(
        left_out, ["item_key", "application", "created", "resolved", "lead_time_days"]
    ) == [
        ("N1", "P", T("2026-03-10"), T("2026-03-07"), -3.0),
        ("N2", "P", T("2026-03-20 12:00"), T("2026-03-20"), -0.5),
    ]
    assert get("resolved-before-created").value(source, MARCH) == 2.0
    assert get("resolved-before-created").value(source, Filters(application="Q")) == 0.0
    assert get("resolved-before-created").value(source, Filters.from_period("2026-02")) == 0.0
    for name in ("lead-time", "lead-time-items", "cycle-time", "aging-wip"):
        assert "resolved before it was created" in get(name).definition, name
