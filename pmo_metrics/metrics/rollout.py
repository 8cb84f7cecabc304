"""The PMO's own rollout: deliverables done per iteration against those planned, and the
catalog's services by state with their launch dates over time.

The rollout backlog is the work of the applications the portfolio marks ``is_pmo``. Its
deliverables per iteration follow the delivery rules (:mod:`pmo_metrics.metrics.delivery`),
counted in items rather than points: planned = the deliverables that were in the iteration (one
carried over counts in each), done = Done deliverables whose last iteration it is; epics and
sub-tasks are not deliverables. A service counts as launched on a day when its state is
``launched`` and its launch date (if given) is on or before that day.
"""

from __future__ import annotations

from datetime import date

import ibis.expr.types as ir
import pandas as pd

from pmo_metrics.metrics.common import as_frame
from pmo_metrics.metrics.delivery import velocity_table
from pmo_metrics.metrics.registers import SHEET_HINT, as_of_day, day_literal, require_rows
from pmo_metrics.metrics.registry import MissingData, metric
from pmo_metrics.metrics.source import Filters, Source
from pmo_metrics.metrics.sprint_dates import DATES_RULE

DELIVERABLE_COLUMNS = (
    "application", "team", "sprint", "sprint_order", "start_date", "end_date", "closed",
    "planned", "done", "done_cumulative",
)  # fmt: skip
SERVICE_COLUMNS = ("service", "state", "launch_date", "launched")
LAUNCH_COLUMNS = ("month", "launched", "cumulative_launched")
LAUNCHED = "launched"


def pmo_applications(source: Source) -> list[str]:
    """The applications the portfolio marks as the PMO's own rollout project."""
    apps = source.table("applications")
    names = source.execute(apps.filter(apps.is_pmo.fill_null(False)).select("application"))
    return sorted(names["application"].dropna().unique())


def rollout_deliverables(velocity: pd.DataFrame, application: str) -> pd.DataFrame:
    """Deliverables planned and done per iteration of one PMO application, from its velocity
    table; done_cumulative = deliverables done up to and including the iteration."""
    frame = velocity.rename(columns={"committed_items": "planned", "completed_items": "done"})
    frame = frame.assign(application=application)
    frame["done_cumulative"] = frame.groupby("team")["done"].cumsum()
    return frame


def services_in_scope(source: Source, filters: Filters) -> ir.Table:
    """The catalog's services, narrowed to the selected service, or to the services of the
    selected application / team through the portfolio."""
    services = source.table("services")
    if filters.service:
        services = services.filter(services.service == filters.service)
    apps = source.table("applications")
    if filters.application:
        apps = apps.filter(apps.application == filters.application)
    if filters.team:
        apps = apps.filter(apps.team == filters.team)
    if filters.application or filters.team:
        services = services.filter(services.service.isin(apps.select(s=apps.services.unnest()).s))
    return services


def service_launches(services: ir.Table, day: date) -> ir.Table:
    """Each service's state, launch date and whether it was launched by ``day``.
    Columns: service, state, launch_date, launched."""
    state = services.state.lower().strip()
    launched = (state == LAUNCHED) & (
        services.launch_date.isnull() | (services.launch_date <= day_literal(day))
    )
    return services.select("service", "state", "launch_date", launched=launched).order_by(
        [services.launch_date, "service"]
    )


def launches_by_month(launches: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Services launched per month and cumulatively, from the first launch (or the period's
    first month) to the as-of month; services launched without a date cannot be placed.
    Columns: month, launched, cumulative_launched."""
    dated = launches[launches["launched"].astype(bool) & launches["launch_date"].notna()]
    if dated.empty:
        return dated
    months = pd.to_datetime(dated["launch_date"]).dt.to_period("M").dt.to_timestamp()
    per_month = months.value_counts().sort_index()
    first = pd.Timestamp(filters.start) if filters.start else per_month.index.min()
    last = pd.Timestamp(as_of_day(filters)).to_period("M").to_timestamp()
    calendar = pd.date_range(min(first, per_month.index.min()), last, freq="MS")
    launched = per_month.reindex(calendar, fill_value=0)
    frame = pd.DataFrame(
        {
            "month": calendar,
            "launched": launched.to_numpy(),
            "cumulative_launched": launched.cumsum(),
        }
    )
    return frame[frame["month"] >= first].reset_index(drop=True)


def _services(source: Source, filters: Filters) -> pd.DataFrame:
    require_rows(source, "services", "The services launched")
    expr = service_launches(services_in_scope(source, filters), as_of_day(filters))
    return source.execute(expr)


@metric(
    name="rollout-deliverables",
    label="PMO rollout: deliverables per iteration",
    unit="items",
    direction="higher",
    definition="The PMO's own project (applications marked as the PMO's): deliverables planned "
    "per iteration (those that were in it) and done (Done deliverables whose last iteration it "
    "is), for the iterations that ended in the period; headline: deliverables done. "
    f"Iterations are sprints: {DATES_RULE}",
    family="rollout",
    columns=DELIVERABLE_COLUMNS,
    needs=("applications", "work_items", "sprints"),
    dimensions=("period", "application"),
    headline=lambda frame: float(frame["done"].sum()),
    empty_value=0.0,
)
def rollout_deliverables_metric(source: Source, filters: Filters) -> pd.DataFrame:
    apps = pmo_applications(source)
    if not apps:
        raise MissingData(
            f"The PMO rollout needs an application marked is_pmo in the applications {SHEET_HINT}"
        )
    if filters.application:
        apps = [a for a in apps if a == filters.application]
    frames = [
        rollout_deliverables(
            velocity_table(source, Filters(start=filters.start, end=filters.end, application=a),
                           what="the PMO rollout"),
            a,
        )
        for a in apps
    ]  # fmt: skip
    frames = [f for f in frames if not f.empty]
    if not frames:
        return as_frame(pd.DataFrame(), DELIVERABLE_COLUMNS)
    return as_frame(pd.concat(frames, ignore_index=True), DELIVERABLE_COLUMNS)


@metric(
    name="services-launched",
    label="Services launched",
    unit="services",
    direction="higher",
    definition="The catalog's services with their state (planned, piloting, launched) and launch "
    "date; headline: services launched by the as-of date (the period's last day, else today).",
    family="rollout",
    columns=SERVICE_COLUMNS,
    needs=("services", "applications"),
    dimensions=("period", "service", "application", "team"),
    headline=lambda frame: float(frame["launched"].astype(bool).sum()),
    empty_value=0.0,
)
def services_launched_metric(source: Source, filters: Filters) -> pd.DataFrame:
    return as_frame(_services(source, filters), SERVICE_COLUMNS)


@metric(
    name="services-launched-by-month",
    label="Services launched over time",
    unit="services",
    direction="higher",
    definition="Services launched per month and cumulatively, by launch date, up to the as-of "
    "month; headline: services launched by then.",
    family="rollout",
    columns=LAUNCH_COLUMNS,
    needs=("services", "applications"),
    dimensions=("period", "service", "application", "team"),
    headline=lambda frame: float(frame["cumulative_launched"].iloc[-1]),
    empty_value=0.0,
)
def services_launched_by_month_metric(source: Source, filters: Filters) -> pd.DataFrame:
    return as_frame(launches_by_month(_services(source, filters), filters), LAUNCH_COLUMNS)
