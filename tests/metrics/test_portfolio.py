"""Portfolio health: each dimension judged against the strictest target of the application's
services, health = worst judged dimension, the reason naming it; open demand; filters."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pmo_metrics.metrics.portfolio import DIMENSIONS, dimension_values
from pmo_metrics.metrics.registry import MissingData, get
from pmo_metrics.metrics.scorecard import indicator_value
from pmo_metrics.metrics.source import Filters, Source

MAR = date(2026, 3, 1)
MARCH = Filters.from_period("2026-03")

APPS = [
    {"application": "A", "services": ["S1"], "team": "Red", "jira_project": "PA",
     "itsm_ci": "CI-A"},
    {"application": "B", "services": ["S1", "S2"], "team": "Blue", "jira_project": "PB",
     "itsm_ci": "CI-B"},
    {"application": "C", "team": "Blue"},  # in no service: nothing to judge against
]  # fmt: skip


def ind(service, indicator, metric, target, direction, amber) -> dict:
    return {"service": service, "indicator": indicator, "metric": metric, "target": target,
            "direction": direction, "amber_threshold": amber}  # fmt: skip


INDICATORS = [
    ind("S1", "SLA", "sla-compliance", 95, "higher", 90),
    ind("S1", "Risks", "open-high-risks", 0, "lower", 1),
    ind("S1", "Budget", "budget-variance", 5, "lower", 10),
    ind("S2", "SLA", "sla-compliance", 98, "higher", 95),  # stricter: B is judged on 98
    ind("S2", "Throughput", "throughput", 2, "higher", 1),
]


def tickets(prefix, ci, service, n, missed) -> list[dict]:
    return [
        {"ticket_id": f"{prefix}{i}", "source": "servicenow", "service": service,
         "configuration_item": ci, "is_open": False,
         "opened": pd.Timestamp("2026-03-02 09:00"), "resolved": pd.Timestamp("2026-03-02 17:00"),
         "made_sla": i >= missed}
        for i in range(n)
    ]  # fmt: skip


TICKETS = tickets("A", "CI-A", "S1", 20, 1) + tickets("B", "CI-B", "S2", 10, 1)  # 95 %, 90 %
COSTS = [
    {"application": "A", "month": MAR, "budget": 100, "actual": 103},  # +3 %
    {"application": "B", "month": MAR, "budget": 100, "actual": 120},  # +20 %
]
RISKS = [
    {"risk_id": "R1", "title": "t", "application": "A", "probability": 3, "impact": 4,
     "status": "open"},  # 12: high
    {"risk_id": "R2", "title": "t", "application": "B", "probability": 1, "impact": 2,
     "status": "open"},
]  # fmt: skip


def item(key, project, cat, created, resolved=None, kind="Story") -> dict:
    return {"item_key": key, "source": "jira", "project": project, "item_type": kind,
            "is_epic": kind == "Epic", "is_subtask": kind == "Sub-task", "status": cat,
            "status_category": cat, "created": pd.Timestamp(created),
            "resolved": None if resolved is None else pd.Timestamp(resolved)}  # fmt: skip


ITEMS = [
    item("PA-1", "PA", "To Do", "2026-02-01"),
    item("PA-2", "PA", "To Do", "2026-02-01", kind="Epic"),  # never demand
    item("PB-1", "PB", "Done", "2026-03-01", "2026-03-10"),  # lead time 9 days
    item("PB-2", "PB", "In Progress", "2026-03-02"),
    item("PB-3", "PB", "To Do", "2026-04-02"),  # created after March
    item("X-1", "X", "To Do", "2026-01-05"),  # a Jira project outside the portfolio
]


@pytest.fixture
def loaded(put, source) -> Source:
    put("applications", APPS)
    put("indicators", INDICATORS)
    put("tickets", TICKETS)
    put("costs", COSTS)
    put("risks", RISKS)
    put("work_items", ITEMS)
    return source


def test_health_reason_and_dimensions(loaded):
    frame = get("portfolio-health").run(loaded, MARCH).set_index("application")
    assert list(frame.index) == ["A", "B", "C", "X"]
    assert dict(frame["status"]) == {"A": "amber", "B": "red", "C": "grey", "X": "grey"}
    assert frame.loc["A", "reason"] == "Open high and critical risks 1 > target 0"
    assert frame.loc["B", "reason"] == (
        "SLA compliance 90.0% < target 98%; Cost variance 20.0% > target 5%"
    )
    assert frame.loc["C", "reason"].startswith("not judged: its services have no indicator")
    assert frame.loc["A", "icon"] == "!"
    dims = [d.column for d in DIMENSIONS]
    assert [c for c in frame.columns if c in dims] == [
        "open_demand", "throughput", "lead_time_p85", "say_do", "incidents_opened",
        "sla_compliance", "effort_hours", "cost_variance_pct", "open_high_risks",
    ]  # fmt: skip

    def dim(app: str, column: str) -> tuple:
        value = frame.loc[app, column]
        return (None if pd.isna(value) else round(float(value), 9),
                frame.loc[app, f"{column}_status"])  # fmt: skip

    assert dim("A", "sla_compliance") == (95.0, "green")  # S1's 95: exactly on target
    assert dim("B", "sla_compliance") == (90.0, "red")  # S2's stricter 98, amber from 95
    assert dim("A", "cost_variance_pct") == (3.0, "green")
    assert dim("B", "cost_variance_pct") == (20.0, "red")
    assert dim("A", "open_high_risks") == (1.0, "amber")
    assert dim("B", "open_high_risks") == (0.0, "green")
    assert dim("B", "throughput") == (1.0, "amber")  # S2 only: target 2, amber 1
    assert dim("A", "throughput") == (0.0, "grey")  # no target for A
    assert dim("B", "lead_time_p85") == (9.0, "grey")
    assert dim("A", "open_demand") == (1.0, "grey")
    assert dim("B", "open_demand") == (1.0, "grey")  # PB-2; PB-3 came later
    assert dim("X", "open_demand") == (1.0, "grey")
    assert dim("A", "incidents_opened") == (20.0, "grey")
    assert dim("A", "effort_hours") == (None, "grey")  # no timesheets: no data
    assert dim("A", "say_do") == (None, "grey")  # no sprints


def test_values_computed_in_one_go_equal_the_headline_per_application(loaded):
    apps = ["A", "B", "C", "X"]
    for dim in DIMENSIONS:
        fast = dimension_values(loaded, dim, apps, MARCH)
        slow = {a: indicator_value(loaded, dim.metric, Filters.from_period("2026-03",
                                                                           application=a))
                for a in apps}  # fmt: skip
        assert fast == pytest.approx(slow) if fast else slow == dict.fromkeys(apps), dim.column


def test_filters_and_empty(loaded):
    assert list(get("portfolio-health").run(loaded, Filters(service="S2"))["application"]) == ["B"]
    assert list(get("portfolio-health").run(loaded, Filters(team="Blue"))["application"]) == [
        "B", "C",
    ]  # fmt: skip
    assert list(get("portfolio-health").run(loaded, Filters(application="X"))["application"]) == [
        "X"
    ]
    frame = get("portfolio-health").run(loaded, Filters(service="S9"))
    assert frame.empty and list(frame.columns) == list(get("portfolio-health").columns)
    # A amber, B red: none of the two judged is green
    assert get("portfolio-health").value(loaded, MARCH) == 0


def test_open_demand(loaded):
    frame = get("open-demand").run(loaded, MARCH)
    assert [tuple(r) for r in frame.itertuples(index=False)] == [("A", 1), ("B", 1), ("X", 1)]
    # at the end of February neither PB-1 nor PB-2 existed yet
    feb = get("open-demand").run(loaded, Filters.from_period("2026-02"))
    assert [tuple(r) for r in feb.itertuples(index=False)] == [("A", 1), ("X", 1)]
    assert get("open-demand").value(loaded, Filters(application="C")) == 0


def test_open_demand_without_work_items(source):
    with pytest.raises(MissingData, match="no work items"):
        get("open-demand").run(source)
