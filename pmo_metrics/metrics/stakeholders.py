"""Stakeholders: engagement (PMBOK levels 1 unaware, 2 resistant, 3 neutral, 4 supportive,
5 leading) and its gap, overdue communications and the power / interest grid.

- Engagement gap = desired - current. The headline ``engagement-gap`` is the mean shortfall:
  the mean of max(gap, 0) over the stakeholders with both levels (a stakeholder more engaged
  than desired has no shortfall; it does not offset another's).
- A communication is overdue when last contact + the agreed frequency (days) is before the
  as-of day (the period's last day, else today); due on that very day is not overdue.
  Stakeholders never contacted (no last contact) cannot be judged and are not listed.
- Power / interest: "high" means 3 or more on the 1-5 scale, "low" 1-2. Quadrants (Mendelow):
  high power and interest "manage closely", high power only "keep satisfied", high interest
  only "keep informed", neither "monitor".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from pmo_metrics.metrics.common import as_frame
from pmo_metrics.metrics.registers import as_of_day, day_literal, require_rows, scoped
from pmo_metrics.metrics.registry import metric
from pmo_metrics.metrics.source import Filters, Source

REGISTER_SCOPE = ("service", "application", "team")
HIGH = 3  # on the 1-5 power and interest scales, 3 and above is "high"
QUADRANTS: tuple[tuple[str, str, str], ...] = (
    # (quadrant, power, interest)
    ("manage closely", "high", "high"),
    ("keep satisfied", "high", "low"),
    ("keep informed", "low", "high"),
    ("monitor", "low", "low"),
)
ENGAGEMENT_COLUMNS = (
    "stakeholder", "organisation", "role", "service", "application", "power", "interest",
    "current", "desired", "gap",
)  # fmt: skip
GAP_COLUMNS = ("stakeholder", "service", "application", "current", "desired", "gap", "shortfall")
OVERDUE_COLUMNS = (
    "stakeholder", "organisation", "role", "service", "application", "last_contact",
    "contact_frequency_days", "next_contact_due", "days_overdue",
)  # fmt: skip
GRID_COLUMNS = ("quadrant", "power", "interest", "stakeholders")


def engagement(stakeholders: ir.Table) -> ir.Table:
    """Each stakeholder's current and desired engagement and gap = desired - current (empty
    when a level is missing). Columns: ENGAGEMENT_COLUMNS."""
    s = stakeholders
    return s.select(
        "stakeholder", "organisation", "role", "service", "application", "power", "interest",
        current=s.current_engagement,
        desired=s.desired_engagement,
        gap=s.desired_engagement - s.current_engagement,
    ).order_by([ibis.desc("gap"), "stakeholder"])  # fmt: skip


def engagement_gaps(stakeholders: ir.Table) -> ir.Table:
    """Stakeholders with both levels, their gap and shortfall = max(gap, 0). Columns:
    stakeholder, service, application, current, desired, gap, shortfall."""
    e = engagement(stakeholders)
    e = e.filter(e.current.notnull() & e.desired.notnull())
    return e.select(
        "stakeholder", "service", "application", "current", "desired", "gap",
        shortfall=ibis.greatest(e.gap, 0),
    ).order_by([ibis.desc("gap"), "stakeholder"])  # fmt: skip


def overdue_communications(stakeholders: ir.Table, day: date) -> ir.Table:
    """Stakeholders whose last contact + contact frequency (days) is before ``day``, with the
    date the contact was due and the days overdue. Columns: OVERDUE_COLUMNS."""
    on = day_literal(day)
    s = stakeholders.filter(
        stakeholders.last_contact.notnull() & stakeholders.contact_frequency_days.notnull()
    )
    since = on.delta(s.last_contact, unit="day")
    late = s.filter(since > s.contact_frequency_days)
    return late.select(
        "stakeholder", "organisation", "role", "service", "application", "last_contact",
        "contact_frequency_days",
        next_contact_due=(
            late.last_contact + late.contact_frequency_days.as_interval("D")
        ).cast("date"),
        days_overdue=on.delta(late.last_contact, unit="day") - late.contact_frequency_days,
    ).order_by([ibis.desc("days_overdue"), "stakeholder"])  # fmt: skip


def power_interest_counts(stakeholders: ir.Table) -> ir.Table:
    """Stakeholders per power level (high/low) and interest level (high/low)."""
    s = stakeholders.filter(stakeholders.power.notnull() & stakeholders.interest.notnull())
    return s.group_by(
        power=ibis.ifelse(s.power >= HIGH, "high", "low"),
        interest=ibis.ifelse(s.interest >= HIGH, "high", "low"),
    ).aggregate(stakeholders=s.count())


def power_interest_grid(counts: pd.DataFrame) -> pd.DataFrame:
    """The four quadrants with their counts (0 where none); empty when nobody is placed."""
    if counts.empty:
        return counts
    rows: Iterable[Any] = counts.itertuples()  # power, interest, stakeholders
    found = {(r.power, r.interest): int(r.stakeholders) for r in rows}
    return pd.DataFrame(
        [
            {"quadrant": q, "power": p, "interest": i, "stakeholders": found.get((p, i), 0)}
            for q, p, i in QUADRANTS
        ]
    )


def _stakeholders(source: Source, filters: Filters) -> ir.Table:
    require_rows(source, "stakeholders", "Stakeholders")
    return scoped(source, source.table("stakeholders"), filters)


def mean_shortfall(frame: pd.DataFrame) -> float:
    return float(frame["shortfall"].mean())


@metric(
    name="stakeholder-engagement",
    label="Stakeholder engagement",
    unit="level",
    direction="higher",
    definition="Each stakeholder's current and desired engagement (1 unaware, 2 resistant, "
    "3 neutral, 4 supportive, 5 leading) and gap = desired − current.",
    family="stakeholders",
    columns=ENGAGEMENT_COLUMNS,
    needs=("stakeholders", "applications"),
    dimensions=REGISTER_SCOPE,
)
def stakeholder_engagement_metric(source: Source, filters: Filters) -> pd.DataFrame:
    return as_frame(source.execute(engagement(_stakeholders(source, filters))), ENGAGEMENT_COLUMNS)


@metric(
    name="engagement-gap",
    label="Engagement gap",
    unit="levels",
    direction="lower",
    definition="Mean shortfall of stakeholder engagement: the mean of max(desired − current, 0) "
    "over the stakeholders with both levels (0 = everyone as engaged as desired).",
    family="stakeholders",
    notes=(
        "A stakeholder more engaged than desired has no shortfall and does not offset another's."
    ),
    columns=GAP_COLUMNS,
    needs=("stakeholders", "applications"),
    dimensions=REGISTER_SCOPE,
    headline=mean_shortfall,
)
def engagement_gap_metric(source: Source, filters: Filters) -> pd.DataFrame:
    return as_frame(source.execute(engagement_gaps(_stakeholders(source, filters))), GAP_COLUMNS)


@metric(
    name="overdue-communications",
    label="Overdue communications",
    unit="stakeholders",
    direction="lower",
    definition="Stakeholders whose last contact + agreed contact frequency is before the as-of "
    "date (the period's last day, else today); headline: how many.",
    family="stakeholders",
    notes=(
        "Due on the as-of day itself is not overdue; a stakeholder never contacted (no last "
        "contact) cannot be judged and is not listed."
    ),
    columns=OVERDUE_COLUMNS,
    needs=("stakeholders", "applications"),
    dimensions=("period", *REGISTER_SCOPE),
    headline=lambda frame: float(len(frame)),
    empty_value=0.0,
)
def overdue_communications_metric(source: Source, filters: Filters) -> pd.DataFrame:
    expr = overdue_communications(_stakeholders(source, filters), as_of_day(filters))
    return as_frame(source.execute(expr), OVERDUE_COLUMNS)


@metric(
    name="power-interest",
    label="Power / interest grid",
    unit="stakeholders",
    direction="neutral",
    definition="Stakeholders per quadrant of the power / interest grid, high meaning 3 or more "
    "on the 1–5 scales: manage closely, keep satisfied, keep informed, monitor.",
    family="stakeholders",
    notes=(
        'Quadrants as in Mendelow\'s grid: high power and interest "manage closely", high power '
        'only "keep satisfied", high interest only "keep informed", neither "monitor".'
    ),
    columns=GRID_COLUMNS,
    needs=("stakeholders", "applications"),
    dimensions=REGISTER_SCOPE,
)
def power_interest_metric(source: Source, filters: Filters) -> pd.DataFrame:
    counts = source.execute(power_interest_counts(_stakeholders(source, filters)))
    return as_frame(power_interest_grid(counts), GRID_COLUMNS)
