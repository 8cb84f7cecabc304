"""Service levels on hand-built tickets: SLA flag vs target, MTTR, backlog at month end, reopens."""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_metrics.metrics.registry import MissingData, get
from pmo_metrics.metrics.source import Filters, Source

T = pd.Timestamp
MARCH = Filters.from_period("2026-03")


def ticket(
    tid: str,
    service: str,
    priority: int,
    opened: str,
    resolved: str | None = None,
    *,
    made_sla: bool | None = None,
    is_open: bool | None = None,
    **extra,
) -> dict:
    return {
        "ticket_id": tid,
        "source": "servicenow",
        "service": service,
        "priority": priority,
        "opened": T(opened),
        "resolved": T(resolved) if resolved else None,
        "made_sla": made_sla,
        "is_open": (resolved is None and "closed" not in extra) if is_open is None else is_open,
        **extra,
    }


TARGETS = [
    {"service": "Desk", "priority": 1, "target_hours": 4.0},
    {"service": "Desk", "priority": 3, "target_hours": 24.0},
]
TICKETS = [
    ticket("T1", "Desk", 1, "2026-03-02 08:00", "2026-03-02 11:00"),  # 3 h <= 4: met
    ticket("T2", "Desk", 1, "2026-03-03 08:00", "2026-03-03 14:00", made_sla=True),  # flag wins
    ticket("T3", "Desk", 3, "2026-03-04 00:00", "2026-03-05 12:00"),  # 36 h > 24: missed
    ticket("T4", "Desk", 3, "2026-03-10 00:00", "2026-03-10 10:00", made_sla=False),  # flag wins
    ticket("T5", "Desk", 5, "2026-03-11 00:00", "2026-03-11 01:00"),  # no flag, no target
    ticket("T6", "Desk", 3, "2026-02-20 00:00", "2026-04-02 00:00"),  # resolved in April
    ticket("T7", "Desk", 1, "2026-03-25 00:00"),  # still open
    ticket("T8", "Apps", 2, "2026-03-01 00:00", "2026-03-01 02:00", made_sla=True),
    ticket("T9", "Desk", 3, "2026-01-15 00:00", closed=T("2026-03-20 00:00")),  # closed, no res.
]


@pytest.fixture
def loaded(source, put) -> Source:
    """The conftest ``source`` (the engine of $PMO_ENGINE) over the tickets above."""
    put("resolution_targets", TARGETS)
    put("tickets", TICKETS)
    return source


def records(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in r) for r in frame[columns].itertuples(False)]


def test_sla_flag_wins_over_the_target(loaded):
    frame = get("sla-compliance").run(loaded, MARCH)
    # Desk: T1 met (3 h <= 4 h), T2 met (flag, though 6 h > 4 h), T3 missed (36 h > 24 h), T4
    # missed (flag, though 10 h <= 24 h); T5 has neither flag nor target: unjudged.
    cols = ["service", "month", "tickets", "met_sla", "compliance_pct", "resolved", "unjudged"]
    assert records(frame, cols) == [
        ("Apps", T("2026-03-01"), 1, 1, 100.0, 1, 0),
        ("Desk", T("2026-03-01"), 4, 2, 50.0, 5, 1),
    ]
    assert get("sla-compliance").value(loaded, MARCH) == pytest.approx(3 / 5 * 100)
    by_priority = get("sla-by-priority").run(loaded, MARCH)
    assert records(
        by_priority, ["service", "priority", "tickets", "met_sla", "compliance_pct"]
    ) == [
        ("Apps", 2, 1, 1, 100.0),
        ("Desk", 1, 2, 2, 100.0),
        ("Desk", 3, 2, 0, 0.0),
        ("Desk", 5, 0, 0, None),
    ]


def test_sla_without_flag_or_targets_says_what_it_needs(put, source):
    put("tickets", [ticket("X1", "Desk", 3, "2026-03-02 08:00", "2026-03-02 11:00")])
    with pytest.raises(MissingData, match="Made SLA.*resolution targets"):
        get("sla-compliance").run(source)


def test_mttr_and_p90(loaded):
    frame = get("mttr").run(loaded, MARCH)
    # Desk resolved in March: 3, 6, 36, 10, 1 hours -> mean 56 / 5 = 11.2; P90 at rank 3.6 of
    # [1, 3, 6, 10, 36]: 10 + 0.6 x 26 = 25.6.
    assert records(frame, ["service", "tickets", "mttr_hours", "p90_hours"]) == [
        ("Apps", 1, 2.0, 2.0),
        ("Desk", 5, 11.2, pytest.approx(25.6)),
    ]
    assert get("mttr").value(loaded, MARCH) == pytest.approx(58 / 6)


def test_opened_and_resolved(loaded):
    opened = get("tickets-opened").run(loaded, MARCH)
    assert records(opened, ["service", "month", "tickets"]) == [
        ("Apps", T("2026-03-01"), 1),
        ("Desk", T("2026-03-01"), 6),
    ]
    resolved = get("tickets-resolved").run(loaded, Filters.from_period("2026-03:2026-04"))
    assert records(resolved, ["service", "month", "tickets"]) == [
        ("Apps", T("2026-03-01"), 1),
        ("Apps", T("2026-04-01"), 0),
        ("Desk", T("2026-03-01"), 5),
        ("Desk", T("2026-04-01"), 1),
    ]
    assert get("tickets-opened").value(loaded, Filters(service="Apps")) == 1.0


def test_backlog_at_each_month_end(loaded):
    frame = get("ticket-backlog").run(loaded, Filters.from_period("2026-02:2026-03"))
    # End of Feb (2026-03-01 00:00): T6 (9 days old) and T9 (45 days, closed on March 20).
    #   mean 27; P90 9 + 0.9 x 36 = 41.4. T8 opened exactly at 2026-03-01 00:00: not before.
    # End of March (2026-04-01 00:00): T6 (40 days, resolved April 2) and T7 (7 days).
    #   mean 23.5; P90 7 + 0.9 x 33 = 36.7.
    cols = ["service", "month", "open_tickets", "mean_age_days", "p90_age_days"]
    assert records(frame, cols) == [
        ("Desk", T("2026-02-01"), 2, 27.0, pytest.approx(41.4)),
        ("Desk", T("2026-03-01"), 2, 23.5, pytest.approx(36.7)),
    ]
    assert get("ticket-backlog").value(loaded, Filters.from_period("2026-02:2026-03")) == 2.0
    # T8's service has nothing open at the end of March: no row, and the headline is 0.
    assert get("ticket-backlog").value(loaded, Filters.from_period("2026-03", service="Apps")) == 0


def test_reopen_rate(con, put, loaded):
    with pytest.raises(MissingData, match="reopen_count"):
        get("reopen-rate").run(loaded)
    # The same month's export again, now with the field (April: the first load's period, from
    # its newest activity; a file of an older period would not replace the newer state).
    put(
        "tickets",
        [
            {**TICKETS[0], "reopen_count": 0},
            {**TICKETS[1], "reopen_count": 2},
        ],
        period="2026-04",
    )
    frame = get("reopen-rate").run(loaded, MARCH)
    # Only T1 and T2 have the field: 1 of 2 reopened.
    assert records(frame, ["service", "resolved", "reopened", "reopen_rate_pct"]) == [
        ("Desk", 2, 1, 50.0),
    ]


def test_a_ticket_in_several_rows_counts_once(con, put, loaded):
    # An event log's later row for T7 (now resolved) updates the ticket: one T7, its last state.
    # It comes in the same period as the first load (April, its newest activity).
    put(
        "tickets",
        [ticket("T7", "Desk", 1, "2026-03-25 00:00", "2026-03-26 00:00")],
        period="2026-04",
    )
    assert con.execute("SELECT count(*) FROM tickets WHERE ticket_id = 'T7'").fetchall() == [(1,)]
    assert get("tickets-opened").value(loaded, MARCH) == 7.0
    assert get("tickets-resolved").value(loaded, MARCH) == 7.0


def test_empty_selection_and_no_tickets(con, loaded):
    for name in (
        "tickets-opened",
        "tickets-resolved",
        "sla-compliance",
        "sla-by-priority",
        "mttr",
        "ticket-backlog",
    ):
        frame = get(name).run(loaded, Filters.from_period("2026-03", service="Nobody"))
        assert frame.empty and list(frame.columns) == list(get(name).columns), name
    con.execute("DELETE FROM tickets")
    with pytest.raises(MissingData, match="no tickets: MTTR needs an ITSM ticket export"):
        get("mttr").run(loaded)
