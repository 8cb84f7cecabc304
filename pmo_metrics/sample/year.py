"""The sample's year: twelve months from November 2025, seen from the end of October 2026."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pmo_metrics.sample.catalog import HOLIDAYS

# The moment the PMO lead looks from: October's exports are taken then, and a ticket that
# would resolve later is still open.
AS_OF = datetime(2026, 10, 31, 23, 59, 59)
MONTHS: tuple[date, ...] = tuple(
    date(2025 + (10 + i) // 12, (10 + i) % 12 + 1, 1) for i in range(12)
)


def month_end(month: date) -> datetime:
    nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return datetime.combine(nxt, time()) - timedelta(seconds=1)


def working_days(month: date) -> list[date]:
    end = month_end(month).date()
    days, d = [], month
    while d <= end:
        if d.weekday() < 5 and d not in HOLIDAYS:
            days.append(d)
        d += timedelta(days=1)
    return days
