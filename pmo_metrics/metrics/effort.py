"""Effort: timesheet hours by service, application, role, profile and month, and utilisation
(hours logged against the hours available where the capacity sheet gives them)."""

from __future__ import annotations

from dataclasses import replace

import ibis
import ibis.expr.types as ir
import pandas as pd

from pmo_metrics.metrics import plan
from pmo_metrics.metrics.common import as_frame, month_start, pct
from pmo_metrics.metrics.registers import date_in_period, require_rows, scoped
from pmo_metrics.metrics.registry import metric
from pmo_metrics.metrics.source import Filters, Source

SCOPE = ("period", "service", "application", "team")
EFFORT_COLUMNS = ("service", "application", "role", "profile", "month", "hours", "share_pct")
UTILISATION_COLUMNS = ("person", "month", "hours", "hours_available", "utilisation_pct")


def _effort(source: Source, filters: Filters) -> ir.Table:
    require_rows(source, "effort", "Effort")
    effort = scoped(source, source.table("effort"), filters)
    return effort.filter(date_in_period(effort.work_date, filters))


def effort_hours(effort: ir.Table, by: tuple[str, ...] = ()) -> ir.Table:
    """Hours per service, application, role, profile and month; ``share_pct`` is the service's
    share of all the hours in the selection (the same on every row of the service).
    Columns: ``by`` (each value a selection of its own), service, application, role, profile,
    month, hours, share_pct."""
    grouped = effort.group_by(
        *by, "service", "application", "role", "profile", month=month_start(effort.work_date)
    ).aggregate(hours=effort.hours.sum().cast("float64"))
    by_service = ibis.window(group_by=[*by, "service"])
    selection = ibis.window(group_by=list(by)) if by else None
    return grouped.mutate(
        share_pct=pct(grouped.hours.sum().over(by_service), grouped.hours.sum().over(selection))
    ).order_by([*by, "service", "application", "role", "profile", "month"])


def effort_by_service(source: Source, filters: Filters) -> dict[str, pd.DataFrame]:
    """The effort table of each service (as the metric with that service filter) of the
    selection ``filters`` (its service filter aside), in one query. Every timesheet row names
    its service (a required column), so a service's rows are those naming it (the service
    filter's rule, :func:`~pmo_metrics.metrics.registers.scoped`). Shared inside a sharing
    block."""
    base = replace(filters, service=None)

    def build() -> dict[str, pd.DataFrame]:
        effort = _effort(source, base)
        frame = source.execute(effort_hours(effort.mutate(_key=effort.service), ("_key",)))
        return {
            str(key): as_frame(rows, EFFORT_COLUMNS)
            for key, rows in frame.groupby("_key", sort=False)
        }

    return source.remember(("effort_by_service", base), build)


@plan.splits("effort", "service")
def _effort_of_service(source: Source, base: Filters, by: str, key: str) -> pd.DataFrame:
    tables = effort_by_service(source, base)
    if key not in tables:  # nothing of the service's: its own run says how it is empty
        return plan.run_for(source, "effort", base, by, key)
    return as_frame(tables[key], EFFORT_COLUMNS)  # a copy: the memo's table is never changed


def utilisation(
    effort: ir.Table, capacity: ir.Table, filters: Filters, *, narrowed: bool
) -> ir.Table:
    """Utilisation % per person and month = hours logged / hours available x 100, for the
    person-months the capacity sheet covers. With a service / application / team filter only the
    hours in that scope count and only the people who logged some are listed.
    Columns: person, month, hours, hours_available, utilisation_pct."""
    logged = effort.group_by("person", month=month_start(effort.work_date)).aggregate(
        hours=effort.hours.sum().cast("float64")
    )
    cap = capacity.filter(date_in_period(capacity.month, filters))
    cap = cap.group_by("person", "month").aggregate(
        hours_available=cap.hours_available.sum().cast("float64")
    )
    how = "inner" if narrowed else "left"
    joined = cap.join(logged, ["person", "month"], how=how)
    hours = ibis.coalesce(joined.hours, 0.0)
    return joined.select(
        "person",
        "month",
        hours=hours,
        hours_available=joined.hours_available,
        utilisation_pct=pct(hours, joined.hours_available),
    ).order_by(["person", "month"])


def total_hours(frame: pd.DataFrame) -> float:
    return float(frame["hours"].sum())


def utilisation_headline(frame: pd.DataFrame) -> float | None:
    """Sum of hours / sum of hours available x 100 over the selection."""
    available = float(frame["hours_available"].sum())
    return None if available == 0 else float(frame["hours"].sum()) / available * 100


@metric(
    name="effort",
    label="Effort",
    unit="h",
    direction="neutral",
    definition="Hours logged per service, application, role, profile and month, with each "
    "service's share of all the hours selected; headline: total hours.",
    family="effort",
    columns=EFFORT_COLUMNS,
    needs=("effort", "applications"),
    dimensions=SCOPE,
    headline=total_hours,
)
def effort_metric(source: Source, filters: Filters) -> pd.DataFrame:
    return as_frame(source.execute(effort_hours(_effort(source, filters))), EFFORT_COLUMNS)


plan.per_key("effort", groups=("application",), services_from_applications=True)


@metric(
    name="utilisation",
    label="Utilisation",
    unit="%",
    direction="neutral",
    definition="Hours logged ÷ hours available × 100 per person and month, where the capacity "
    "sheet gives the hours available; headline: Σhours ÷ Σhours available × 100.",
    family="effort",
    columns=UTILISATION_COLUMNS,
    needs=("effort", "capacity", "applications"),
    dimensions=SCOPE,
    headline=utilisation_headline,
)
def utilisation_metric(source: Source, filters: Filters) -> pd.DataFrame:
    require_rows(source, "capacity", "Utilisation")
    effort = _effort(source, filters)
    narrowed = bool(filters.service or filters.application or filters.team)
    expr = utilisation(effort, source.table("capacity"), filters, narrowed=narrowed)
    return as_frame(source.execute(expr), UTILISATION_COLUMNS)
