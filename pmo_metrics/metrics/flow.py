"""Flow: throughput, lead time, cycle time, WIP, aging WIP, net flow, cumulative flow.

Every work item but epics counts, sub-tasks included (as in Jira's Control Chart and Cumulative
Flow Diagram, which show the board's sub-tasks); only estimates leave sub-tasks out, and flow
counts items, not points. An item's done date is its resolution date (Jira ``Resolved``, ADO
``Closed Date``), else the date it entered the Done category (``Status Category Changed``).
An item done before it was created has dates that contradict each other: it counts in
throughput and net flow (it did reach Done), but no duration of it is known, so it is left out of
lead time, cycle time and aging's reference, and listed by ``resolved-before-created``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from pmo_metrics.metrics import plan
from pmo_metrics.metrics.common import (
    IN_PROGRESS,
    as_frame,
    complete_grid,
    days_between,
    done_date,
    exact_quantile,
    month_start,
    needs_rows,
    period_months,
    scoped_work_items,
    timestamp,
    week_start,
    work,
)
from pmo_metrics.metrics.registry import MissingData, metric
from pmo_metrics.metrics.source import Filters, Source
from pmo_metrics.periods import month_keys

SCOPE = ("period", "service", "application", "team")
NO_HISTORY = (
    "no status history: cycle time needs it (Azure DevOps `Activated Date`, or Jira `Status "
    "Category Changed` for items that went straight through); upload such an export on the "
    "Data page or with `python -m pmo_metrics import FILE`"
)
NO_ITEMS = (
    "no work items: {what} needs a Jira or Azure DevOps export; upload one on the Data page "
    "or with `python -m pmo_metrics import FILE`"
)
NO_SNAPSHOTS = (
    "no month-end snapshots: cumulative flow needs them (every load of a Jira or Azure DevOps "
    "export records the month-end state of the work items); import one export per month"
)


# --- Ibis building blocks ------------------------------------------------------------------------


def finished_items(items: ir.Table, f: Filters) -> ir.Table:
    """Work items (no epics) that reached Done inside the period, with their times; both times
    are empty for an item done before it was created (see the module docstring).

    Columns: item_key, application, team, item_type, created, started, done_at,
    lead_time_days, cycle_time_days.
    """
    rows = work(items).mutate(done_at=done_date(items))
    rows = rows.filter(rows.done_at.notnull() & Source.in_period(rows.done_at, f))
    known = ~done_before_created(rows)

    def timed(days: ir.FloatingValue) -> ir.FloatingValue:
        return ibis.ifelse(known, days, ibis.null("float64"))

    return rows.select(
        "item_key",
        "application",
        "team",
        "item_type",
        "created",
        "started",
        "done_at",
        lead_time_days=timed(days_between(rows.created, rows.done_at)),
        cycle_time_days=timed(days_between(rows.started, rows.done_at)),
    )


def done_before_created(rows: ir.Table) -> ir.BooleanValue:
    """True where ``done_at`` precedes ``created`` (False when either is unknown)."""
    return (rows.done_at < rows.created).fill_null(False)


def items_per_step(done: ir.Table, step: ir.DateValue, name: str) -> ir.Table:
    """Items done per application and month / week. Columns: application, ``name``, items."""
    rows = done.mutate(**{name: step})
    return rows.group_by(["application", name]).aggregate(items=rows.count())


def time_percentiles(done: ir.Table, column: str) -> ir.Table:
    """P50 / P85 / P95 of ``column`` per application, plus the P85 over all of them.

    Columns: application, items, p50_days, p85_days, p95_days, mean_days, overall_p85_days.
    """
    rows = done.filter(done[column].notnull())
    value = rows[column]
    per_app = rows.group_by("application").aggregate(
        items=rows.count(),
        p50_days=exact_quantile(value, 0.50),
        p85_days=exact_quantile(value, 0.85),
        p95_days=exact_quantile(value, 0.95),
        mean_days=value.mean(),
    )
    overall = rows.aggregate(overall_p85_days=exact_quantile(value, 0.85))
    return per_app.cross_join(overall).order_by("application")


def own_p85(rows: pd.DataFrame) -> float:
    """An application's P85, from its own row (the selection's P85 is over every application)."""
    return float(rows["p85_days"].iloc[0])


def p85_by_service(column: str, what: str) -> plan.Grouped:
    """The P85 of ``column`` per service in one pass, as :func:`time_percentiles` computes the
    P85 over all the items of the selection: the items of the service's applications (an
    application in several services counts in each)."""

    def grouped(
        source: Source, f: Filters, by: str, keys: list[str]
    ) -> dict[str, float | None] | None:
        if by != "service":
            return None
        if column == "cycle_time_days":
            _require_history(source)
        done = finished_items(scoped_work_items(source, f), f)
        rows = done.filter(done[column].notnull())
        pairs = source.service_applications()
        pairs = pairs.filter(pairs.service.isin(keys))
        joined = rows.join(pairs, "application")
        expr = joined.group_by("service").aggregate(p85=exact_quantile(joined[column], 0.85))
        frame = source.execute(expr)
        if frame.empty and source.count("work_items") == 0:
            raise MissingData(NO_ITEMS.format(what=what))
        return dict(zip(frame["service"], frame["p85"], strict=True))

    return grouped


# --- throughput ----------------------------------------------------------------------------------

THROUGHPUT_COLUMNS = ("application", "month", "items")


@metric(
    name="throughput",
    label="Throughput",
    unit="items",
    direction="higher",
    definition=(
        "Work items reaching Done per month, by resolution date (epics excluded, sub-tasks "
        "included as on Jira's boards); a month without any is 0."
    ),
    family="flow",
    notes=(
        "Counts items, not points; an item resolved before it was created still counts (it did "
        "reach Done)."
    ),
    columns=THROUGHPUT_COLUMNS,
    needs=("work_items",),
    dimensions=SCOPE,
    headline=lambda frame: float(frame["items"].sum()),
    empty_value=0.0,
)
@needs_rows("work_items", NO_ITEMS.format(what="throughput"))
def compute_throughput(source: Source, filters: Filters) -> pd.DataFrame:
    done = finished_items(scoped_work_items(source, filters), filters)
    frame = source.execute(items_per_step(done, month_start(done.done_at), "month"))
    months = period_months(filters, frame["month"])
    return as_frame(
        complete_grid(frame, ["application"], "month", months, ["items"]), THROUGHPUT_COLUMNS
    )


plan.per_key("throughput", groups=("application",), services_from_applications=True)


WEEKLY_COLUMNS = ("application", "week", "items")


@metric(
    name="throughput-weekly",
    label="Weekly throughput",
    unit="items",
    direction="higher",
    definition=(
        "Work items reaching Done per week (weeks start on Monday), by resolution date; epics "
        "excluded; a week without any is 0."
    ),
    family="flow",
    columns=WEEKLY_COLUMNS,
    needs=("work_items",),
    dimensions=SCOPE,
    headline=lambda frame: float(frame["items"].sum()),
    empty_value=0.0,
)
@needs_rows("work_items", NO_ITEMS.format(what="weekly throughput"))
def compute_throughput_weekly(source: Source, filters: Filters) -> pd.DataFrame:
    done = finished_items(scoped_work_items(source, filters), filters)
    frame = source.execute(items_per_step(done, week_start(done.done_at), "week"))
    if frame.empty:
        return as_frame(frame, WEEKLY_COLUMNS)
    weeks = pd.to_datetime(frame["week"])
    steps = pd.date_range(weeks.min(), weeks.max(), freq="W-MON")
    return as_frame(complete_grid(frame, ["application"], "week", steps, ["items"]), WEEKLY_COLUMNS)


# --- lead time / cycle time ----------------------------------------------------------------------

TIME_COLUMNS = (
    "application",
    "items",
    "p50_days",
    "p85_days",
    "p95_days",
    "mean_days",
    "overall_p85_days",
)


@metric(
    name="lead-time",
    label="Lead time",
    unit="days",
    direction="lower",
    definition=(
        "Resolved - created, in fractional days, over the work items resolved in the period "
        "(epics excluded); P50 / P85 / P95 with linear interpolation, per application; the "
        "headline is the P85 over all of them. An item resolved before it was created "
        "(contradictory dates) is left out and counted by resolved-before-created."
    ),
    family="flow",
    notes=("Not cycle time: lead time includes the time an item waited before work began."),
    columns=TIME_COLUMNS,
    needs=("work_items",),
    dimensions=SCOPE,
    headline=lambda frame: float(frame["overall_p85_days"].iloc[0]),
)
@needs_rows("work_items", NO_ITEMS.format(what="lead time"))
def compute_lead_time(source: Source, filters: Filters) -> pd.DataFrame:
    done = finished_items(scoped_work_items(source, filters), filters)
    return as_frame(source.execute(time_percentiles(done, "lead_time_days")), TIME_COLUMNS)


plan.per_key(
    "lead-time",
    groups=("application",),
    group_headline=own_p85,
    grouped=p85_by_service("lead_time_days", "lead time"),
)


@plan.splits("lead-time", "application")
def lead_time_of(source: Source, filters: Filters, by: str, key: str) -> pd.DataFrame:
    """The lead-time table of one application: its row of the selection's table (its items'
    percentiles), whose P85 is then also the P85 over all the selected items."""
    frame = plan.rows_of(source, filters, "lead-time", by, key)
    frame["overall_p85_days"] = frame["p85_days"]
    return frame


@plan.monthly("lead-time")
def lead_time_by_month(
    source: Source, filters: Filters, months: Sequence[str]
) -> dict[str, float | None]:
    """The lead-time headline of each month in one query: the P85 over the items done in that
    month, as :func:`time_percentiles` computes it over a month's selection."""
    done = finished_items(scoped_work_items(source, filters), filters)
    rows = done.filter(done.lead_time_days.notnull())
    expr = rows.group_by(month=month_start(rows.done_at)).aggregate(
        p85=exact_quantile(rows.lead_time_days, 0.85)
    )
    frame = source.execute(expr)
    if frame.empty and source.count("work_items") == 0:  # as needs_rows says
        raise MissingData(NO_ITEMS.format(what="lead time"))
    found = dict(zip(month_keys(frame["month"]), frame["p85"], strict=True)) if len(frame) else {}
    return {month: plan.as_number(found.get(month)) for month in months}


LEAD_ITEMS_COLUMNS = (
    "item_key",
    "application",
    "team",
    "item_type",
    "created",
    "resolved",
    "lead_time_days",
)


@metric(
    name="lead-time-items",
    label="Lead time per item",
    unit="days",
    direction="lower",
    definition=(
        "Each work item resolved in the period with its lead time (resolved - created, in "
        "fractional days), for the scatter chart; the headline is the P85. An item resolved "
        "before it was created is left out (see resolved-before-created)."
    ),
    family="flow",
    columns=LEAD_ITEMS_COLUMNS,
    needs=("work_items",),
    dimensions=SCOPE,
    headline=lambda frame: float(np.percentile(frame["lead_time_days"].dropna(), 85)),
)
@needs_rows("work_items", NO_ITEMS.format(what="lead time"))
def compute_lead_time_items(source: Source, filters: Filters) -> pd.DataFrame:
    done = finished_items(scoped_work_items(source, filters), filters)
    done = done.filter(done.lead_time_days.notnull()).order_by(["done_at", "item_key"])
    frame = source.execute(done.rename(resolved="done_at"))
    return as_frame(frame, LEAD_ITEMS_COLUMNS)


@metric(
    name="cycle-time",
    label="Cycle time",
    unit="days",
    direction="lower",
    definition=(
        "Done - first In Progress, in fractional days, over the items done in the period whose "
        "start is known from status history; P50 / P85 / P95 per application, headline the P85 "
        "over all. Never replaced by lead time. An item resolved before it was created is "
        "left out: its dates contradict each other (see resolved-before-created)."
    ),
    family="flow",
    notes=(
        "Needs status history: Azure DevOps' `Activated Date`; Jira's `Status Category Changed` "
        "only for items In Progress now (for a Done item Jira cannot tell whether it went "
        "through In Progress). Without any start the metric says so rather than show lead time."
    ),
    columns=TIME_COLUMNS,
    needs=("work_items",),
    dimensions=SCOPE,
    headline=lambda frame: float(frame["overall_p85_days"].iloc[0]),
)
@needs_rows("work_items", NO_ITEMS.format(what="cycle time"))
def compute_cycle_time(source: Source, filters: Filters) -> pd.DataFrame:
    _require_history(source)
    done = finished_items(scoped_work_items(source, filters), filters)
    return as_frame(source.execute(time_percentiles(done, "cycle_time_days")), TIME_COLUMNS)


plan.per_key(
    "cycle-time",
    groups=("application",),
    group_headline=own_p85,
    grouped=p85_by_service("cycle_time_days", "cycle time"),
)


# The same columns as the per-item lead times: these items are the ones left out of them.
CONTRADICTED_COLUMNS = LEAD_ITEMS_COLUMNS


@metric(
    name="resolved-before-created",
    label="Items resolved before created",
    unit="items",
    direction="lower",
    definition=(
        "Work items that reached Done in the period before they were created (resolution, or "
        "entry into Done, earlier than creation; epics excluded), with their negative lead "
        "time: contradictory dates, so they count in throughput but are left out of lead "
        "time, cycle time and aging's reference. The headline is how many."
    ),
    family="flow",
    columns=CONTRADICTED_COLUMNS,
    needs=("work_items",),
    dimensions=SCOPE,
    headline=lambda frame: float(len(frame)),
    empty_value=0.0,
)
@needs_rows("work_items", NO_ITEMS.format(what="lead time"))
def compute_resolved_before_created(source: Source, filters: Filters) -> pd.DataFrame:
    done = finished_items(scoped_work_items(source, filters), filters)
    done = done.filter(done_before_created(done)).order_by(["done_at", "item_key"])
    rows = done.select(
        "item_key",
        "application",
        "team",
        "item_type",
        "created",
        resolved=done.done_at,
        lead_time_days=days_between(done.created, done.done_at),
    )
    return as_frame(source.execute(rows), CONTRADICTED_COLUMNS)


def _require_history(source: Source) -> None:
    items = source.table("work_items")
    started = items.filter(items.started.notnull()).count()  # a scalar, not a table
    if int(cast(Any, source.execute(started))) == 0:
        raise MissingData(NO_HISTORY)


# --- WIP -----------------------------------------------------------------------------------------

WIP_COLUMNS = ("application", "team", "items")


def wip_counts(items: ir.Table) -> ir.Table:
    """Items In Progress per application and team. Columns: application, team, items."""
    rows = items.filter((items.status_category == IN_PROGRESS) & ~items.is_epic.fill_null(False))
    return (
        rows.group_by(["application", "team"])
        .aggregate(items=rows.count())
        .order_by(["application", "team"])
    )


@metric(
    name="wip",
    label="Work in progress",
    unit="items",
    direction="lower",
    definition=(
        "Work items In Progress at the as-of date (end of the period): from that month's "
        "month-end snapshot for a past month, else the items' current status; epics excluded."
    ),
    family="flow",
    notes=(
        "A past month without a month-end snapshot falls back to the items' current status, "
        "which can differ from that month's."
    ),
    columns=WIP_COLUMNS,
    needs=("work_items", "work_item_snapshots"),
    dimensions=SCOPE,
    headline=lambda frame: float(frame["items"].sum()),
    empty_value=0.0,
)
@needs_rows("work_items", NO_ITEMS.format(what="WIP"))
def compute_wip(source: Source, filters: Filters) -> pd.DataFrame:
    snapshot = _past_month_snapshot(source, filters)
    if snapshot is not None:
        return as_frame(source.execute(wip_counts(snapshot)), WIP_COLUMNS)
    items = scoped_work_items(source, filters)
    items = items.filter(items.created.isnull() | (items.created < timestamp(filters.as_of)))
    return as_frame(source.execute(wip_counts(items)), WIP_COLUMNS)


def _past_month_snapshot(source: Source, f: Filters) -> ir.Table | None:
    """The month-end snapshot of the period's last month, when that month is over and has one."""
    if not f.end or pd.Timestamp(f.end) > pd.Timestamp.now():
        return None
    last_month = (pd.Timestamp(f.end) - pd.DateOffset(months=1)).date()
    snaps = source.filter_scope(source.work_item_snapshots(), f)
    snaps = snaps.filter(snaps.month == ibis.date(last_month))
    return snaps if int(cast(Any, source.execute(snaps.count()))) else None  # a scalar count


AGING_COLUMNS = (
    "item_key",
    "application",
    "team",
    "status_category",
    "started_or_created",
    "age_days",
    "p85_reference_days",
    "reference",
    "beyond_reference",
)


@metric(
    name="aging-wip",
    label="Aging work in progress",
    unit="days",
    direction="lower",
    definition=(
        "For each item In Progress at the as-of date: as-of - start (or created when the start "
        "is unknown), in days, against the P85 cycle time of the items done in the period "
        "(the P85 lead time where no status history exists); an item resolved before it was "
        "created is left out of that P85 (see resolved-before-created)."
    ),
    family="flow",
    columns=AGING_COLUMNS,
    needs=("work_items",),
    dimensions=SCOPE,
)
@needs_rows("work_items", NO_ITEMS.format(what="aging WIP"))
def compute_aging_wip(source: Source, filters: Filters) -> pd.DataFrame:
    items = scoped_work_items(source, filters)
    as_of = timestamp(filters.as_of)
    open_ = work(items).filter(items.status_category == IN_PROGRESS)
    open_ = open_.mutate(started_or_created=ibis.coalesce(open_.started, open_.created))
    open_ = open_.filter(open_.started_or_created < as_of)
    aged = open_.select(
        "item_key",
        "application",
        "team",
        "status_category",
        "started_or_created",
        age_days=days_between(open_.started_or_created, as_of),
    )
    done = finished_items(items, filters)
    reference = done.aggregate(
        p85_cycle=exact_quantile(done.cycle_time_days, 0.85),
        p85_lead=exact_quantile(done.lead_time_days, 0.85),
    )
    frame = source.execute(aged.cross_join(reference).order_by(ibis.desc("age_days")))
    if frame.empty:
        return as_frame(frame, AGING_COLUMNS)
    cycle = frame["p85_cycle"].notna()
    frame["p85_reference_days"] = frame["p85_cycle"].where(cycle, frame["p85_lead"])
    frame["reference"] = np.where(cycle, "P85 cycle time", "P85 lead time")
    frame["beyond_reference"] = frame["age_days"] > frame["p85_reference_days"]
    return as_frame(frame, AGING_COLUMNS)


# --- net flow / cumulative flow ------------------------------------------------------------------

NET_FLOW_COLUMNS = ("application", "month", "created", "done", "net_flow")


@metric(
    name="net-flow",
    label="Net flow",
    unit="items",
    direction="neutral",
    definition=(
        "Work items created minus work items done, per application and month (epics "
        "excluded); positive means the backlog grows."
    ),
    family="flow",
    columns=NET_FLOW_COLUMNS,
    needs=("work_items",),
    dimensions=SCOPE,
    headline=lambda frame: float(frame["net_flow"].sum()),
    empty_value=0.0,
)
@needs_rows("work_items", NO_ITEMS.format(what="net flow"))
def compute_net_flow(source: Source, filters: Filters) -> pd.DataFrame:
    items = work(scoped_work_items(source, filters))
    items = items.mutate(done_at=done_date(items))
    created = items.filter(items.created.notnull() & Source.in_period(items.created, filters))
    done = items.filter(items.done_at.notnull() & Source.in_period(items.done_at, filters))
    events = created.select(
        "application",
        month=month_start(created.created),
        created=ibis.literal(1),
        done=ibis.literal(0),
    ).union(
        done.select(
            "application",
            month=month_start(done.done_at),
            created=ibis.literal(0),
            done=ibis.literal(1),
        ),
        distinct=False,
    )
    per_month = events.group_by(["application", "month"]).aggregate(
        created=events.created.sum(), done=events.done.sum()
    )
    frame = source.execute(per_month)
    months = period_months(filters, frame["month"])
    frame = complete_grid(frame, ["application"], "month", months, ["created", "done"])
    if not frame.empty:
        frame["net_flow"] = frame["created"] - frame["done"]
    return as_frame(frame, NET_FLOW_COLUMNS)


CFD_COLUMNS = ("month", "status_category", "items")


@metric(
    name="cumulative-flow",
    label="Cumulative flow",
    unit="items",
    direction="neutral",
    definition=(
        "Work items per status category (To Do, In Progress, Done) at each month end, from "
        "the month-end snapshots the loads record; epics excluded."
    ),
    family="flow",
    notes=(
        "Month ends only: each load of a Jira or Azure DevOps export records the month-end "
        "state of its work items for its period, so a month without such a load has no point."
    ),
    columns=CFD_COLUMNS,
    needs=("work_item_snapshots",),
    dimensions=SCOPE,
)
def compute_cumulative_flow(source: Source, filters: Filters) -> pd.DataFrame:
    if source.count("work_item_snapshots") == 0:
        raise MissingData(NO_SNAPSHOTS)
    snaps = source.filter_scope(source.work_item_snapshots(), filters)
    snaps = snaps.filter(~snaps.is_epic.fill_null(False))
    if filters.start:
        snaps = snaps.filter(snaps.month >= ibis.date(filters.start))
    if filters.end:
        snaps = snaps.filter(snaps.month < ibis.date(filters.end))
    counts = snaps.group_by(["month", "status_category"]).aggregate(items=snaps.count())
    return as_frame(source.execute(counts.order_by(["month", "status_category"])), CFD_COLUMNS)
