"""A seeded simulation of the sample people's time: vacations, daily timesheet lines and the
hours each person had available each month."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from pmo_metrics.sample.catalog import APPS, CAU, PEOPLE
from pmo_metrics.sample.year import MONTHS, working_days


def vacations(rng: random.Random) -> dict[str, set[date]]:
    """Two weeks in August (or July) and a few days at Christmas for each person."""
    out: dict[str, set[date]] = {}
    for p in PEOPLE:
        first = date(2026, rng.choice([7, 8, 8]), rng.choice([1, 10, 16]))
        days = {first + timedelta(days=i) for i in range(14)}
        xmas = date(2025, 12, rng.choice([22, 26, 29]))
        days |= {xmas + timedelta(days=i) for i in range(4)}
        out[p.name] = days
    return out


# How much of a person's available time they book to applications, month by month: meetings,
# training and unbooked days pull it down, a release or a backlog of incidents pushes it past
# 100 % (overtime). A person has their own habit; each month moves around it.
BOOKED_HABIT = (0.72, 1.0)  # a person's usual share, drawn once
BOOKED_SWING = 0.1  # a month's spread around the habit (standard deviation)
BOOKED_RANGE = (0.62, 1.07)  # no month outside this


def booked_shares(rng: random.Random) -> dict[tuple[str, date], float]:
    """Each person's share of their available hours booked, per month (:data:`BOOKED_RANGE`)."""
    shares: dict[tuple[str, date], float] = {}
    for p in PEOPLE:
        habit = rng.uniform(*BOOKED_HABIT)
        for month in MONTHS:
            share = rng.gauss(habit, BOOKED_SWING)
            shares[(p.name, month)] = min(max(share, BOOKED_RANGE[0]), BOOKED_RANGE[1])
    return shares


def _booked(rng: random.Random, full: float, share: float) -> float:
    """A day's hours booked: the day's share, a little noise, in half hours (at least one)."""
    return max(1.0, round(2 * full * share * rng.uniform(0.92, 1.08)) / 2)


def simulate_effort(rng: random.Random, holidays_off: dict[str, set[date]]) -> list[dict[str, Any]]:
    """Daily timesheet lines: each person's day, the month's share of it (:func:`booked_shares`),
    split over one or two of their applications."""
    rows = []
    shares = booked_shares(rng)
    for month in MONTHS:
        for day in working_days(month):
            summer = day.month in (7, 8)  # jornada intensiva: 7 h days in summer
            for p in PEOPLE:
                if day in holidays_off[p.name]:
                    continue
                full = 7.0 if summer or day.weekday() == 4 else 8.0
                total = _booked(rng, full, shares[(p.name, month)])
                if len(p.apps) > 1 and total >= 4.0 and rng.random() < 0.45:
                    first = min(rng.choice([2.5, 3.0, 4.0, 5.5]), total - 1.0)
                    split = [(p.apps[0], first), (rng.choice(p.apps[1:]), total - first)]
                else:
                    split = [(p.apps[0] if rng.random() < 0.7 else rng.choice(p.apps), total)]
                for app_name, hours in split:
                    app = next(a for a in APPS if a.name == app_name)
                    service = (
                        p.service
                        if p.service in app.services or p.service == CAU
                        else app.services[0]
                    )
                    rows.append(
                        {
                            "person": p.name,
                            "role": p.role,
                            "profile": p.profile,
                            "work_date": day,
                            "hours": hours,
                            "service": service,
                            "application": app_name,
                        }
                    )
    return rows


def capacity_rows(holidays_off: dict[str, set[date]]) -> list[dict[str, Any]]:
    rows = []
    for month in MONTHS:
        days = working_days(month)
        for p in PEOPLE:
            available = [d for d in days if d not in holidays_off[p.name]]
            hours = sum(7.0 if d.month in (7, 8) or d.weekday() == 4 else 8.0 for d in available)
            rows.append({"person": p.name, "month": month, "hours_available": hours})
    return rows
