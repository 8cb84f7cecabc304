"""Effort metrics on a tiny timesheet: hours by service / application / role / profile / month,
each service's share, utilisation against capacity, filters, empty and missing data."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pmo_metrics.metrics.registry import MissingData, get
from pmo_metrics.metrics.source import Filters, Source


def hours(person, role, profile, day, h, service, app) -> dict:
    return {"person": person, "role": role, "profile": profile, "work_date": day, "hours": h,
            "service": service, "application": app}  # fmt: skip


EFFORT = [
    hours("Ana", "Dev", "Senior", date(2026, 1, 5), 6, "S1", "A"),
    hours("Ana", "Dev", "Senior", date(2026, 1, 20), 4, "S1", "A"),
    hours("Ben", "QA", "Junior", date(2026, 1, 7), 5, "S2", "B"),
    hours("Ana", "Dev", "Senior", date(2026, 2, 2), 5, "S2", "B"),
    hours("Ben", "QA", "Junior", date(2026, 2, 3), 5, "S2", "B"),
]
CAPACITY = [
    {"person": "Ana", "month": date(2026, 1, 1), "hours_available": 20},
    {"person": "Ana", "month": date(2026, 2, 1), "hours_available": 20},
    {"person": "Ben", "month": date(2026, 1, 1), "hours_available": 5},
    {"person": "Cy", "month": date(2026, 1, 1), "hours_available": 10},
]
APPS = [
    {"application": "A", "services": ["S1"], "team": "Red"},
    {"application": "B", "services": ["S2"], "team": "Blue"},
]
JAN, FEB = pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")


@pytest.fixture
def loaded(put, source) -> Source:
    put("effort", EFFORT)
    put("capacity", CAPACITY)
    put("applications", APPS)
    return source


def test_hours_and_service_share(loaded):
    frame = get("effort").run(loaded)
    assert list(frame.columns) == [
        "service", "application", "role", "profile", "month", "hours", "share_pct",
    ]  # fmt: skip
    # S1 10 h and S2 15 h of 25 h: shares 40 % and 60 %
    assert [tuple(r) for r in frame.itertuples(index=False)] == [
        ("S1", "A", "Dev", "Senior", JAN, 10.0, 40.0),
        ("S2", "B", "Dev", "Senior", FEB, 5.0, 60.0),
        ("S2", "B", "QA", "Junior", JAN, 5.0, 60.0),
        ("S2", "B", "QA", "Junior", FEB, 5.0, 60.0),
    ]
    assert get("effort").value(loaded) == 25


def test_share_is_of_the_selected_hours(loaded):
    jan = get("effort").run(loaded, Filters.from_period("2026-01"))
    assert list(jan["share_pct"]) == pytest.approx([10 / 15 * 100, 5 / 15 * 100])
    assert get("effort").value(loaded, Filters.from_period("2026-01")) == 15
    assert get("effort").value(loaded, Filters(team="Blue")) == 15
    assert list(get("effort").run(loaded, Filters(service="S1"))["share_pct"]) == [100.0]


def test_utilisation(loaded):
    frame = get("utilisation").run(loaded)
    assert list(frame.columns) == [
        "person", "month", "hours", "hours_available", "utilisation_pct",
    ]  # fmt: skip
    # Ben's February has no capacity: left out. Cy logged nothing: 0 %.
    assert [tuple(r) for r in frame.itertuples(index=False)] == [
        ("Ana", JAN, 10.0, 20.0, 50.0),
        ("Ana", FEB, 5.0, 20.0, 25.0),
        ("Ben", JAN, 5.0, 5.0, 100.0),
        ("Cy", JAN, 0.0, 10.0, 0.0),
    ]
    assert get("utilisation").value(loaded) == pytest.approx(20 / 55 * 100)
    # only the hours of service S1, only the people who logged some
    s1 = get("utilisation").run(loaded, Filters(service="S1"))
    assert [tuple(r) for r in s1.itertuples(index=False)] == [("Ana", JAN, 10.0, 20.0, 50.0)]


def test_empty_selection_keeps_the_columns(loaded):
    for name in ("effort", "utilisation"):
        frame = get(name).run(loaded, Filters.from_period("2025-06"))
        assert frame.empty and list(frame.columns) == list(get(name).columns)
        assert get(name).value(loaded, Filters.from_period("2025-06")) is None


def test_missing_data_names_the_sheet(put, source):
    with pytest.raises(MissingData, match="effort sheet"):
        get("effort").run(source)
    put("effort", EFFORT)
    with pytest.raises(MissingData, match="capacity sheet of the PMO workbook"):
        get("utilisation").run(source)
