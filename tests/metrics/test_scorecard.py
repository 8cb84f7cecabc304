"""The scorecard: status rules for both directions at their exact boundaries, grey for every
kind of no data, service status = worst indicator, share on target, the monthly trend."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pmo_metrics.metrics import status
from pmo_metrics.metrics.registry import MissingData, get
from pmo_metrics.metrics.scorecard import indicator_value
from pmo_metrics.metrics.source import Filters, Source

# --- the rule itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "target", "direction", "amber", "expected"),
    [
        # higher is better: target 95, amber boundary 90
        (96, 95, "higher", 90, "green"),
        (95, 95, "higher", 90, "green"),  # exactly on target
        (19 / 20 * 100, 95, "higher", 90, "green"),  # 95 computed in floating point
        (94.9, 95, "higher", 90, "amber"),
        (90, 95, "higher", 90, "amber"),  # exactly on the amber boundary
        (89.9, 95, "higher", 90, "red"),
        (94, 95, "higher", None, "red"),  # no amber threshold: missing the target is red
        # lower is better: target 5, amber boundary 10
        (4, 5, "lower", 10, "green"),
        (5, 5, "lower", 10, "green"),
        (5.1, 5, "lower", 10, "amber"),
        (10, 5, "lower", 10, "amber"),
        (10.1, 5, "lower", 10, "red"),
        (0, 0, "lower", 1, "green"),
        # no data
        (None, 95, "higher", 90, "grey"),
        (float("nan"), 95, "higher", 90, "grey"),
        (50, None, "higher", 90, "grey"),
        (50, 95, "sideways", 90, "grey"),
    ],
)
def test_judge(value, target, direction, amber, expected):
    assert status.judge(value, target, direction, amber) == expected


def test_worst_ignores_grey_unless_all_grey():
    assert status.worst(["green", "grey", "amber"]) == "amber"
    assert status.worst(["green", "red", "amber"]) == "red"
    assert status.worst(["grey", "green"]) == "green"
    assert status.worst(["grey", "grey"]) == "grey"
    assert status.worst([]) == "grey"


def test_icons_and_words_in_one_place():
    assert [status.badge(s) for s in status.STATUSES] == [
        "✓ on target", "! at risk", "✗ off target", "– no data",
    ]  # fmt: skip
    assert status.word("red", "es") == "fuera de objetivo"


# --- the scorecard over a store ----------------------------------------------------------------

MAR = date(2026, 3, 1)


def ind(service, indicator, metric, target, direction, amber=None) -> dict:
    return {"service": service, "indicator": indicator, "metric": metric, "target": target,
            "direction": direction, "amber_threshold": amber}  # fmt: skip


INDICATORS = [
    ind("S1", "On time", "on-time-rate", 80, "higher", 60),  # 80 % -> green, on the target
    ind("S1", "On time strict", "on-time-rate", 95, "higher", 90),  # 80 % -> red
    ind("S1", "Budget", "budget-variance", 5, "lower", 10),  # +10 % -> amber, on the boundary
    ind("S1", "Risks", "open-high-risks", 0, "lower", 1),  # 2 -> red
    ind("S1", "Unknown", "no-such-metric", 1, "higher"),  # grey
    ind("S2", "On time", "on-time-rate", 60, "higher", 50),  # 50 % -> amber, on the boundary
    ind("S2", "Budget", "budget-variance", 5, "lower", 10),  # +5 % -> green, on the target
    ind("S2", "Risks", "open-high-risks", 0, "lower", 1),  # none -> 0 -> green
    ind("S2", "SLA", "sla-compliance", 95, "higher", 90),  # 19 of 20 -> 95 % -> green
    ind("S3", "On time", "on-time-rate", 80, "higher", 60),  # nothing closed -> grey
    ind("S3", "Effort", "effort", 100, "higher"),  # no timesheets loaded -> grey
]
SERVICES = [{"service": s} for s in ("S1", "S2", "S3", "S5")]  # S5: no indicators
APPS = [
    {"application": "A", "services": ["S1"], "team": "Red"},
    {"application": "B", "services": ["S2"], "team": "Blue"},
]
COSTS = [
    {"application": "A", "month": MAR, "budget": 100, "actual": 110},
    {"application": "B", "month": MAR, "budget": 100, "actual": 105},
]
RISKS = [
    {"risk_id": "R1", "title": "t", "application": "A", "probability": 4, "impact": 4,
     "status": "open"},
    {"risk_id": "R2", "title": "t", "application": "A", "service": "S1", "probability": 2,
     "impact": 5, "status": "open"},
    {"risk_id": "R3", "title": "t", "application": "B", "probability": 1, "impact": 1,
     "status": "open"},
]  # fmt: skip


def action(aid, service, on_time: bool) -> dict:
    closed = date(2026, 3, 10) if on_time else date(2026, 3, 25)
    return {"action_id": aid, "title": "t", "service": service, "status": "closed",
            "opened": date(2026, 2, 1), "due": date(2026, 3, 20), "closed": closed}  # fmt: skip


ACTIONS = [action(f"A{i}", "S1", i < 4) for i in range(5)] + [
    action("B1", "S2", True), action("B2", "S2", False),
]  # fmt: skip
TICKETS = [
    {"ticket_id": f"INC{i}", "source": "servicenow", "service": "S2", "is_open": False,
     "opened": pd.Timestamp("2026-03-02 09:00"), "resolved": pd.Timestamp("2026-03-03 09:00"),
     "made_sla": i != 0}
    for i in range(20)
]  # fmt: skip
MARCH = Filters.from_period("2026-03")


@pytest.fixture
def loaded(put, source) -> Source:
    put("services", SERVICES)
    put("indicators", INDICATORS)
    put("applications", APPS)
    put("costs", COSTS)
    put("risks", RISKS)
    put("improvement_actions", ACTIONS)
    put("tickets", TICKETS)
    return source


def test_scorecard_statuses(loaded):
    card = get("scorecard").run(loaded, MARCH)
    got = [
        (r.service, r.indicator, None if pd.isna(r.value) else round(r.value, 9), r.status,
         r.service_status)
        for r in card.itertuples()
    ]  # fmt: skip
    assert got == [
        ("S1", "Budget", 10.0, "amber", "red"),
        ("S1", "On time", 80.0, "green", "red"),
        ("S1", "On time strict", 80.0, "red", "red"),
        ("S1", "Risks", 2.0, "red", "red"),
        ("S1", "Unknown", None, "grey", "red"),
        ("S2", "Budget", 5.0, "green", "amber"),
        ("S2", "On time", 50.0, "amber", "amber"),
        ("S2", "Risks", 0.0, "green", "amber"),
        ("S2", "SLA", 95.0, "green", "amber"),
        ("S3", "Effort", None, "grey", "grey"),
        ("S3", "On time", None, "grey", "grey"),
    ]
    assert list(card.loc[card["indicator"] == "Budget", "icon"]) == ["!", "✓"]
    assert list(card.loc[card["indicator"] == "Risks", "word"]) == ["off target", "on target"]
    assert list(card.loc[card["indicator"] == "SLA", "unit"]) == ["%"]
    # 4 green of the 8 indicators with data
    assert get("scorecard").value(loaded, MARCH) == 50


def test_service_status_is_the_worst_indicator(loaded):
    frame = get("service-status").run(loaded, MARCH)
    assert [tuple(None if pd.isna(v) else v for v in r)
            for r in frame.drop(columns=["icon", "word"]).itertuples(index=False)] == [
        ("S1", "red", 5, 4, 1, 25.0),
        ("S2", "amber", 4, 4, 3, 75.0),
        ("S3", "grey", 2, 0, 0, None),
        ("S5", "grey", 0, 0, 0, None),
    ]  # fmt: skip
    assert get("service-status").value(loaded, MARCH) == pytest.approx(4 / 8 * 100)


def test_filters_select_services(loaded):
    assert set(get("scorecard").run(loaded, Filters.from_period("2026-03", service="S2"))
               ["service"]) == {"S2"}  # fmt: skip
    assert set(get("scorecard").run(loaded, Filters.from_period("2026-03", application="B"))
               ["service"]) == {"S2"}  # fmt: skip
    assert set(get("service-status").run(loaded, Filters(team="Red"))["service"]) == {"S1"}


def test_indicator_value_is_the_metric_headline_for_the_service(loaded):
    assert (
        indicator_value(loaded, "budget-variance", Filters.from_period("2026-03", service="S1"))
        == 10
    )
    assert indicator_value(loaded, "no-such-metric", MARCH) is None
    assert indicator_value(loaded, "effort", MARCH) is None  # MissingData -> no value


def test_trend_month_by_month(loaded):
    frame = get("scorecard-trend").run(loaded, Filters.from_period("2026-02:2026-03", service="S2"))
    got = [(r.indicator, r.month.month, None if pd.isna(r.value) else round(r.value, 9),
            r.status) for r in frame.itertuples()]  # fmt: skip
    assert got == [
        ("Budget", 2, None, "grey"),  # no costs in February
        ("Budget", 3, 5.0, "green"),
        ("On time", 2, None, "grey"),  # nothing closed in February
        ("On time", 3, 50.0, "amber"),
        ("Risks", 2, 0.0, "green"),
        ("Risks", 3, 0.0, "green"),
        ("SLA", 2, None, "grey"),
        ("SLA", 3, 95.0, "green"),
    ]


def test_trend_defaults_to_the_last_12_months(loaded):
    frame = get("scorecard-trend").run(loaded, Filters(service="S2"))
    assert len(frame) == 4 * 12 and frame["month"].nunique() == 12


def test_empty_selection_keeps_the_columns(loaded):
    for name in ("scorecard", "service-status", "scorecard-trend"):
        frame = get(name).run(loaded, Filters(service="S9"))
        assert frame.empty and list(frame.columns) == list(get(name).columns)


def test_without_indicators_says_which_sheet(source):
    with pytest.raises(MissingData, match="indicators sheet of the PMO workbook"):
        get("scorecard").run(source)
