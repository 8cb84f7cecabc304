"""Stakeholder metrics on a tiny register: engagement gap and its headline, overdue
communications (due ON the as-of day is not overdue), power / interest quadrants (3 is high)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pmo_metrics.metrics.registry import MissingData, get
from pmo_metrics.metrics.source import Filters, Source


def person(name, power, interest, current, desired, *, service=None, app=None, last=None,
           every=None) -> dict:  # fmt: skip
    return {"stakeholder": name, "organisation": "Client", "role": "r", "service": service,
            "application": app, "power": power, "interest": interest,
            "current_engagement": current, "desired_engagement": desired,
            "last_contact": last, "contact_frequency_days": every}  # fmt: skip


STAKEHOLDERS = [
    # due 1 Mar + 30 = 31 Mar: ON the as-of day of March, not overdue
    person("Ana", 5, 5, 2, 5, service="S1", last=date(2026, 3, 1), every=30),
    # due 28 Feb + 30 = 30 Mar: 1 day overdue on 31 Mar; power 3 is high, interest 2 low
    person("Ben", 3, 2, 4, 3, app="A", last=date(2026, 2, 28), every=30),
    # due 1 Jan + 14 = 15 Jan
    person("Cy", 2, 3, 3, 4, service="S2", last=date(2026, 1, 1), every=14),
    person("Dee", 2, 2, None, 4, service="S2", every=30),  # never contacted: not judged
    person("Eve", None, None, 1, 1, service="S2", last=date(2026, 4, 10), every=7),
    person("Fay", 4, 4, 4, 4, service="S1"),
]
APPS = [{"application": "A", "services": ["S1"], "team": "Red"}]
MARCH = Filters.from_period("2026-03")


@pytest.fixture
def loaded(put, source) -> Source:
    put("stakeholders", STAKEHOLDERS)
    put("applications", APPS)
    return source


def test_engagement_and_gap(loaded):
    frame = get("stakeholder-engagement").run(loaded)
    gaps = [(s, None if pd.isna(g) else g) for s, g in zip(frame["stakeholder"], frame["gap"],
                                                            strict=True)]  # fmt: skip
    assert gaps == [("Ana", 3), ("Cy", 1), ("Eve", 0), ("Fay", 0), ("Ben", -1), ("Dee", None)]


def test_engagement_gap_headline_is_the_mean_shortfall(loaded):
    frame = get("engagement-gap").run(loaded)
    assert list(frame["stakeholder"]) == ["Ana", "Cy", "Eve", "Fay", "Ben"]  # Dee: no level
    assert list(frame["shortfall"]) == [3, 1, 0, 0, 0]  # Ben's surplus does not offset
    assert get("engagement-gap").value(loaded) == pytest.approx(4 / 5)
    # S1: Ana, Fay and Ben (application A belongs to S1) -> (3 + 0 + 0) / 3
    assert get("engagement-gap").value(loaded, Filters(service="S1")) == pytest.approx(1.0)


def test_overdue_communications_edge(loaded):
    march = get("overdue-communications").run(loaded, MARCH)
    assert [(r.stakeholder, r.next_contact_due, r.days_overdue) for r in march.itertuples()] == [
        ("Cy", pd.Timestamp("2026-01-15"), 75),
        ("Ben", pd.Timestamp("2026-03-30"), 1),
    ]
    assert get("overdue-communications").value(loaded, MARCH) == 2
    feb = get("overdue-communications").run(loaded, Filters.from_period("2026-02"))
    assert list(zip(feb["stakeholder"], feb["days_overdue"], strict=True)) == [("Cy", 44)]
    assert get("overdue-communications").value(loaded, Filters.from_period("2025-12")) == 0


def test_power_interest_quadrants(loaded):
    frame = get("power-interest").run(loaded)
    assert [tuple(r) for r in frame.itertuples(index=False)] == [
        ("manage closely", "high", "high", 2),  # Ana 5/5, Fay 4/4
        ("keep satisfied", "high", "low", 1),  # Ben 3/2
        ("keep informed", "low", "high", 1),  # Cy 2/3
        ("monitor", "low", "low", 1),  # Dee 2/2 (Eve has no power / interest)
    ]
    s2 = get("power-interest").run(loaded, Filters(service="S2"))
    assert list(s2["stakeholders"]) == [0, 0, 1, 1]


def test_empty_selection_keeps_the_columns(loaded):
    for name in ("stakeholder-engagement", "engagement-gap", "overdue-communications",
                 "power-interest"):  # fmt: skip
        frame = get(name).run(loaded, Filters(service="S9"))
        assert frame.empty and list(frame.columns) == list(get(name).columns)
    assert get("engagement-gap").value(loaded, Filters(service="S9")) is None


def test_without_a_register_says_which_sheet(source):
    with pytest.raises(MissingData, match="stakeholders sheet of the PMO workbook"):
        get("engagement-gap").run(source)
