"""Tickets resolved before they were opened: left out of MTTR and of the SLA judged by duration,
and counted."""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_metrics.metrics.registry import get
from pmo_metrics.metrics.source import Filters

T = pd.Timestamp
MARCH = Filters.from_period("2026-03")


def ticket(tid: str, opened: str, resolved: str, **extra) -> dict:
    return {
        "ticket_id": tid,
        "source": "servicenow",
        "service": "Desk",
        "priority": 3,
        "opened": T(opened),
        "resolved": T(resolved),
        "is_open": False,
        **extra,
    }


TICKETS = [
    ticket("A1", "2026-03-02 08:00", "2026-03-02 11:00"),  # 3 h
    ticket("A2", "2026-03-05 12:00", "2026-03-05 00:00"),  # resolved 12 h before it was opened
    ticket("A3", "2026-03-06 00:00", "2026-03-06 06:00"),  # 6 h
    ticket("A4", "2026-03-09 10:00", "2026-03-09 09:00", made_sla=False),  # -1 h, flagged
]


def records(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in r) for r in frame[columns].itertuples(False)]


def test_tickets_resolved_before_opened_leave_mttr_and_are_counted(put, source):
    put("resolution_targets", [{"service": "Desk", "priority": 3, "target_hours": 24.0}])
    put("tickets", TICKETS)
    frame = get("mttr").run(source, MARCH)
    # A1 3 h and A3 6 h: mean 4.5, P90 at rank 0.9: 3 + 0.9 x 3 = 5.7. A2 (-12 h) and A4 (-1 h)
    # are counted apart (with them the mean was (3 - 12 + 6 - 1) / 4 = -1).
    assert records(
        frame, ["service", "tickets", "mttr_hours", "p90_hours", "resolved_before_opened"]
    ) == [("Desk", 2, 4.5, pytest.approx(5.7), 2)]
    assert get("mttr").value(source, MARCH) == pytest.approx(4.5)
    assert "resolved before it was opened" in get("mttr").definition
    # SLA: A1 and A3 met their 24 h by duration; A2's -12 h proves nothing: unjudged (it was
    # "met" before); A4's flag still judges it (missed). 2 met of 3 judged, 4 resolved.
    sla = get("sla-compliance").run(source, MARCH)
    cols = ["tickets", "met_sla", "compliance_pct", "resolved", "unjudged"]
    assert records(sla, cols) == [(3, 2, pytest.approx(200 / 3), 4, 1)]
