"""A seeded simulation of the sample year's ServiceNow tickets: incidents and requests, each
with its SLA outcome, reopens and the moments a month-end export needs to show its state."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from pmo_metrics.sample.catalog import APPS, CAU, HOLIDAYS, MANT, RESOLUTION_TARGETS, TD, TEXTS, App
from pmo_metrics.sample.year import AS_OF, month_end

# The simulation's tuning, not catalog rows: how often each service meets its target, how
# priorities are spread, and the queue each service's tickets are assigned to.
SLA_RATE = {MANT: 0.925, CAU: 0.945, TD: 0.80}
PRIORITY_WEIGHTS = {"incident": [3, 12, 55, 30], "request": [0, 6, 54, 40]}
GROUPS = {MANT: "Mantenimiento N2", TD: "Transformación Digital N2", CAU: "CAU N1"}
INCIDENT_TEXTS: list[str] = TEXTS["incident_texts"]
REQUEST_TEXTS: list[str] = TEXTS["request_texts"]


@dataclass
class Ticket:
    number: str
    kind: str  # incident | request
    service: str
    ci: str
    priority: int
    opened: datetime
    resolved: datetime | None
    closed: datetime | None
    made_sla: bool | None
    reopen_count: int
    group: str
    description: str
    on_hold: bool = False

    def state_as_of(self, moment: datetime) -> str:
        if self.closed and self.closed <= moment:
            return "Closed"
        if self.resolved and self.resolved <= moment:
            return "Resolved"
        if self.on_hold:
            return "On Hold"
        if moment - self.opened > timedelta(hours=1):
            return "In Progress"
        return "New"


def simulate_tickets(rng: random.Random) -> list[Ticket]:
    """About 2,000 incidents and 1,500 requests over the year, with SLA outcomes and reopens."""
    tickets: list[Ticket] = []
    by_service = {
        MANT: [a for a in APPS if MANT in a.services and not a.is_pmo],
        TD: [a for a in APPS if TD in a.services and not a.is_pmo],
        CAU: [a for a in APPS if not a.is_pmo],
    }
    counters = {"incident": 10230, "request": 20870}
    day = date(2025, 11, 1)
    while day <= AS_OF.date():
        weekday = day.weekday() < 5 and day not in HOLIDAYS
        for kind, service, per_day in (
            ("incident", MANT, 3.6),
            ("incident", TD, 1.3),
            ("incident", CAU, 1.3),
            ("request", CAU, 5.2),
        ):
            mean = per_day if weekday else per_day * 0.12
            for _ in range(_poisson(rng, mean)):
                counters[kind] += 1
                tickets.append(
                    _ticket(rng, kind, service, by_service[service], day, counters[kind])
                )
        day += timedelta(days=1)
    return tickets


def _poisson(rng: random.Random, mean: float) -> int:
    n, limit, product = 0, pow(2.718281828459045, -mean), rng.random()
    while product > limit:
        n += 1
        product *= rng.random()
    return n


def _ticket(
    rng: random.Random, kind: str, service: str, apps: list[App], day: date, n: int
) -> Ticket:
    app = rng.choice(apps)
    priority = rng.choices([1, 2, 3, 4], PRIORITY_WEIGHTS[kind])[0]
    opened = datetime.combine(day, time(rng.randint(7, 18), rng.randint(0, 59), rng.randint(0, 59)))
    target = RESOLUTION_TARGETS[service][priority]
    met = rng.random() < SLA_RATE[service] + (0.02 if priority >= 3 else -0.05)
    hours = target * (rng.uniform(0.05, 0.95) if met else rng.uniform(1.05, 3.5))
    on_hold = rng.random() < 0.015
    resolved = None if on_hold else opened + timedelta(hours=hours)
    if resolved and resolved > AS_OF:
        resolved = None
    closed = resolved + timedelta(days=3) if resolved else None
    reopen = rng.choices([0, 1, 2], [95, 4.2, 0.8])[0] if resolved else 0
    texts = INCIDENT_TEXTS if kind == "incident" else REQUEST_TEXTS
    prefix = "INC" if kind == "incident" else "RITM"
    return Ticket(
        number=f"{prefix}{n:07d}",
        kind=kind,
        service=service,
        ci=app.ci,
        priority=priority,
        opened=opened,
        resolved=resolved,
        closed=closed,
        made_sla=(met if resolved else None),
        reopen_count=reopen,
        group=GROUPS[service],
        description=f"{rng.choice(texts)} {app.name}",
        on_hold=on_hold,
    )


def rows_for_month(tickets: list[Ticket], kind: str, month: date) -> list[Ticket]:
    """Tickets a month's export holds: opened by its end and not closed before it started."""
    start, end = datetime.combine(month, time()), month_end(month)
    return [
        t
        for t in tickets
        if t.kind == kind and t.opened <= end and (t.closed is None or t.closed >= start)
    ]
