"""Improvement metrics on a tiny action log: opened / closed per month, on-time rate (closing ON
the due day is on time), overdue as of a date, benefits, days to close, empty and missing."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pmo_metrics.metrics.registry import MissingData, get
from pmo_metrics.metrics.source import Filters, Source


def action(aid, service, opened, *, due=None, closed=None, status="open", expected=None,
           realised=None, unit=None) -> dict:  # fmt: skip
    return {"action_id": aid, "title": f"action {aid}", "service": service, "owner": "PMO",
            "status": status, "opened": opened, "due": due, "closed": closed,
            "benefit_expected": expected, "benefit_realised": realised,
            "benefit_unit": unit}  # fmt: skip


def d(month: int, day: int) -> date:
    return date(2026, month, day)


ACTIONS = [
    # closed ON its due day: on time; 26 days
    action("A1", "S1", d(1, 5), due=d(1, 31), closed=d(1, 31), status="closed",
           expected=10, realised=8, unit="h"),
    # closed a day late; 32 days
    action("A2", "S1", d(1, 10), due=d(2, 10), closed=d(2, 11), status="closed",
           expected=20, realised=5, unit="h"),
    action("A3", "S2", d(2, 1), due=d(2, 15)),  # open, overdue from 16 Feb
    action("A4", "S2", d(2, 3), due=d(2, 28), expected=100, unit="EUR"),  # due ON 28 Feb
    # cancelled: never closed, never overdue, no benefit
    action("A5", "S1", d(1, 20), due=d(1, 25), closed=d(2, 1), status="cancelled",
           expected=50, unit="h"),
    action("A6", "S2", d(2, 5), closed=d(2, 20), status="closed"),  # no due date; 15 days
    action("A7", "S2", d(3, 1), due=d(3, 10), status="in progress"),
    action("A8", "S2", d(2, 1), due=d(2, 5), closed=d(2, 2), status="closed"),  # 1 day
]  # fmt: skip
JAN, FEB, MAR = (pd.Timestamp(f"2026-0{m}-01") for m in (1, 2, 3))


@pytest.fixture
def loaded(put, source) -> Source:
    put("improvement_actions", ACTIONS)
    return source


def tuples(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in r) for r in frame.itertuples(index=False)]


def test_opened_and_closed_per_month(loaded):
    frame = get("improvement-actions").run(loaded)
    assert list(frame.columns) == ["month", "opened", "closed"]
    # closed: A1 in Jan; A2, A6, A8 in Feb (A5 was cancelled)
    assert tuples(frame) == [(JAN, 3, 1), (FEB, 4, 3), (MAR, 1, 0)]
    assert get("improvement-actions").value(loaded) == 4


def test_on_time_rate(loaded):
    frame = get("on-time-rate").run(loaded)
    # Jan: A1 closed on its due day -> on time. Feb: A2 late, A8 on time; A6 has no due date.
    assert tuples(frame) == [(JAN, 1, 1, 100.0), (FEB, 2, 1, 50.0)]
    assert get("on-time-rate").value(loaded) == pytest.approx(200 / 3)
    assert get("on-time-rate").value(loaded, Filters(service="S2")) == 100
    assert get("on-time-rate").value(loaded, Filters.from_period("2026-02")) == 50


def test_overdue_actions_as_of_the_period_end(loaded):
    feb = get("overdue-actions").run(loaded, Filters.from_period("2026-02"))
    # as of 28 Feb: A3 13 days late; A4 is due that very day, so not overdue
    assert list(zip(feb["action_id"], feb["days_overdue"], strict=True)) == [("A3", 13)]
    mar = get("overdue-actions").run(loaded, Filters.from_period("2026-03"))
    assert list(zip(mar["action_id"], mar["days_overdue"], strict=True)) == [
        ("A3", 44), ("A4", 31), ("A7", 21),
    ]  # fmt: skip
    # as of 31 Jan: A1 closed that day, A5 cancelled -> none, which is 0, not "no data"
    assert get("overdue-actions").value(loaded, Filters.from_period("2026-01")) == 0


def test_benefits_expected_vs_realised(loaded):
    frame = get("improvement-benefits").run(loaded)
    assert list(frame.columns) == ["service", "unit", "actions", "expected", "realised",
                                   "realised_pct"]  # fmt: skip
    assert tuples(frame) == [
        ("S1", "h", 2, 30.0, 13.0, pytest.approx(13 / 30 * 100)),
        ("S2", "EUR", 1, 100.0, 0.0, 0.0),
    ]


def test_days_to_close(loaded):
    frame = get("days-to-close").run(loaded)
    # Jan: A1 26 days; Feb: A2 32, A6 15, A8 1 -> mean 16, median 15
    assert tuples(frame) == [(JAN, 1, 26.0, 26.0), (FEB, 3, 16.0, 15.0)]
    assert get("days-to-close").value(loaded) == pytest.approx((26 + 32 + 15 + 1) / 4)


def test_empty_selection_keeps_the_columns(loaded):
    nothing = Filters.from_period("2025-01")
    for name in ("improvement-actions", "on-time-rate", "overdue-actions", "days-to-close"):
        frame = get(name).run(loaded, nothing)
        assert frame.empty and list(frame.columns) == list(get(name).columns)
    assert get("on-time-rate").value(loaded, nothing) is None
    assert get("improvement-benefits").run(loaded, Filters(service="S9")).empty


def test_without_actions_says_which_sheet(source):
    with pytest.raises(MissingData, match="improvement_actions sheet of the PMO workbook"):
        get("on-time-rate").run(source)
