"""The PMO's own rollout: deliverables per iteration (carry-over, natural order, sub-tasks and
epics left out, other projects ignored) and services launched over time."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pmo_metrics.metrics.registry import MissingData, get
from pmo_metrics.metrics.source import Filters, Source


def item(key, sprints, cat="Done", kind="Task", project="PMO") -> dict:
    return {"item_key": key, "source": "jira", "project": project, "item_type": kind,
            "is_epic": kind == "Epic", "is_subtask": kind == "Sub-task", "status": cat,
            "status_category": cat, "created": pd.Timestamp("2026-01-05"),
            "sprints": sprints}  # fmt: skip


ITEMS = [
    item("D1", ["Iteration 1"]),
    item("D2", ["Iteration 1", "Iteration 2"]),  # carried over: planned in both, done in 2
    item("D3", ["Iteration 2"], cat="In Progress"),
    item("D4", ["Iteration 10"]),  # after Iteration 2 in natural order
    item("D5", ["Iteration 2"], kind="Sub-task"),
    item("E1", ["Iteration 1"], kind="Epic"),
    item("X1", ["Iteration 1"], project="APP"),  # another project's work
]
APPS = [
    {"application": "PMO office", "jira_project": "PMO", "team": "PMO team", "is_pmo": True},
    {"application": "App", "jira_project": "APP", "services": ["S1", "S2"], "team": "Red",
     "is_pmo": False},
]  # fmt: skip
SERVICES = [
    {"service": "S1", "state": "launched", "launch_date": date(2026, 2, 10)},
    {"service": "S2", "state": "launched", "launch_date": date(2026, 4, 1)},
    {"service": "S3", "state": "piloting", "launch_date": date(2026, 6, 1)},
    {"service": "S4", "state": "planned"},
    {"service": "S5", "state": "launched"},  # launched, date unknown
]


@pytest.fixture
def loaded(put, source) -> Source:
    put("work_items", ITEMS)
    put("applications", APPS)
    put("services", SERVICES)
    return source


def test_deliverables_per_iteration(loaded):
    frame = get("rollout-deliverables").run(loaded)
    got = frame[["application", "team", "sprint", "planned", "done", "done_cumulative"]]
    assert [tuple(r) for r in got.itertuples(index=False)] == [
        ("PMO office", "PMO team", "Iteration 1", 2, 1, 1),  # D1, D2 planned; D1 done
        ("PMO office", "PMO team", "Iteration 2", 2, 1, 2),  # D2, D3 planned; D2 done
        ("PMO office", "PMO team", "Iteration 10", 1, 1, 3),
    ]
    assert get("rollout-deliverables").value(loaded) == 3
    assert get("rollout-deliverables").run(loaded, Filters(application="App")).empty


def test_services_launched_as_of_a_date(loaded):
    frame = get("services-launched").run(loaded, Filters.from_period("2026-03"))
    launched = dict(zip(frame["service"], frame["launched"], strict=True))
    # S2 launches on 1 April: not yet on 31 March
    assert launched == {"S1": True, "S2": False, "S3": False, "S4": False, "S5": True}
    assert get("services-launched").value(loaded, Filters.from_period("2026-03")) == 2
    assert get("services-launched").value(loaded, Filters.from_period("2026-04")) == 3
    assert set(get("services-launched").run(loaded, Filters(application="App"))["service"]) == {
        "S1", "S2",
    }  # fmt: skip


def test_services_launched_by_month(loaded):
    frame = get("services-launched-by-month").run(loaded, Filters.from_period("2026-01:2026-05"))
    assert [tuple(r) for r in frame.itertuples(index=False)] == [
        (pd.Timestamp("2026-01-01"), 0, 0),
        (pd.Timestamp("2026-02-01"), 1, 1),
        (pd.Timestamp("2026-03-01"), 0, 1),
        (pd.Timestamp("2026-04-01"), 1, 2),
        (pd.Timestamp("2026-05-01"), 0, 2),
    ]
    # a later period still counts the launches before it
    later = get("services-launched-by-month").run(loaded, Filters.from_period("2026-05"))
    assert [tuple(r) for r in later.itertuples(index=False)] == [(pd.Timestamp("2026-05-01"), 0, 2)]
    assert get("services-launched-by-month").value(loaded, Filters.from_period("2025-12")) == 0


def test_without_a_pmo_project_says_so(put, source):
    put("applications", [{"application": "App", "is_pmo": False}])
    with pytest.raises(MissingData, match="is_pmo in the applications sheet"):
        get("rollout-deliverables").run(source)
    with pytest.raises(MissingData, match="services sheet"):
        get("services-launched").run(source)
