"""Continuous improvement: actions opened and closed per month, the on-time rate, open actions
past due, benefit expected vs realised, and days from opened to closed.

An action is closed on its ``closed`` date unless it was cancelled (cancelled actions are never
"closed", on time or late). It is open on a day when it was opened by then, is not cancelled and
has not been closed by then (an action marked closed without a date counts as closed).
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from pmo_metrics.metrics.common import as_frame, month_start, pct
from pmo_metrics.metrics.registers import (
    as_of_day,
    date_in_period,
    day_literal,
    require_rows,
    scoped,
)
from pmo_metrics.metrics.registry import metric
from pmo_metrics.metrics.source import Filters, Source

SCOPE = ("period", "service", "application", "team")
ACTIONS_COLUMNS = ("month", "opened", "closed")
ON_TIME_COLUMNS = ("month", "closed", "closed_on_time", "on_time_pct")
OVERDUE_COLUMNS = (
    "action_id", "title", "service", "application", "owner", "status", "opened", "due",
    "days_overdue",
)  # fmt: skip
BENEFIT_COLUMNS = ("service", "unit", "actions", "expected", "realised", "realised_pct")
DAYS_COLUMNS = ("month", "actions", "mean_days", "median_days")


def _status(actions: ir.Table) -> ir.StringValue:
    return actions.status.lower().strip()


def closed_actions(actions: ir.Table, filters: Filters) -> ir.Table:
    """Actions closed (not cancelled) with a closing date inside the period."""
    return actions.filter(
        actions.closed.notnull()
        & (_status(actions) != "cancelled")
        & date_in_period(actions.closed, filters)
    )


def actions_per_month(actions: ir.Table, filters: Filters) -> ir.Table:
    """Actions opened and actions closed in each month. Columns: month, opened, closed."""
    opened = actions.filter(date_in_period(actions.opened, filters))
    closed = closed_actions(actions, filters)
    events = opened.select(
        month=month_start(opened.opened), opened=ibis.literal(1), closed=ibis.literal(0)
    ).union(
        closed.select(
            month=month_start(closed.closed), opened=ibis.literal(0), closed=ibis.literal(1)
        ),
        distinct=False,
    )
    return (
        events.group_by("month")
        .aggregate(opened=events.opened.sum(), closed=events.closed.sum())
        .order_by("month")
    )


def on_time_rate(actions: ir.Table, filters: Filters) -> ir.Table:
    """Per closing month: actions closed that had a due date, those closed on or before it, and
    on-time % = closed by their due date / closed x 100 (actions without a due date cannot be
    judged and are left out). Columns: month, closed, closed_on_time, on_time_pct."""
    closed = closed_actions(actions, filters)
    closed = closed.filter(closed.due.notnull())
    grouped = closed.group_by(month=month_start(closed.closed)).aggregate(
        closed=closed.count(),
        closed_on_time=(closed.closed <= closed.due).cast("int64").sum(),
    )
    return grouped.mutate(on_time_pct=pct(grouped.closed_on_time, grouped.closed)).order_by("month")


def overdue_actions(actions: ir.Table, day: date) -> ir.Table:
    """Actions open on ``day`` whose due date is before it, with the days overdue."""
    on = day_literal(day)
    status = _status(actions)
    closed_by = (actions.closed.notnull() & (actions.closed <= on)) | (
        actions.closed.isnull() & (status == "closed")
    )
    open_ = actions.filter((actions.opened <= on) & (status != "cancelled") & ~closed_by)
    late = open_.filter(open_.due.notnull() & (open_.due < on))
    return late.mutate(days_overdue=on.delta(late.due, unit="day")).order_by(
        [ibis.desc("days_overdue"), "action_id"]
    )


def improvement_benefits(actions: ir.Table, day: date) -> ir.Table:
    """Benefit expected vs realised per service and benefit unit, over the actions opened by
    ``day`` (not cancelled) that state a benefit; realised % = realised / expected x 100.
    Columns: service, unit, actions, expected, realised, realised_pct."""
    a = actions.filter(
        (actions.opened <= day_literal(day))
        & (_status(actions) != "cancelled")
        & (actions.benefit_expected.notnull() | actions.benefit_realised.notnull())
    )
    grouped = a.group_by("service", unit=a.benefit_unit).aggregate(
        actions=a.count(),
        expected=a.benefit_expected.sum().cast("float64"),
        realised=ibis.coalesce(a.benefit_realised.sum(), 0).cast("float64"),
    )
    return grouped.mutate(realised_pct=pct(grouped.realised, grouped.expected)).order_by(
        ["service", "unit"]
    )


def days_to_close(closed: pd.DataFrame) -> pd.DataFrame:
    """Mean and median days from opened to closed per closing month (numpy's median).
    ``closed`` has columns month, days. Columns: month, actions, mean_days, median_days."""
    if closed.empty:
        return closed
    rows = [
        {
            "month": month,
            "actions": len(group),
            "mean_days": float(np.mean(group["days"])),
            "median_days": float(np.median(group["days"])),
        }
        for month, group in closed.groupby("month", sort=True)
    ]
    return pd.DataFrame(rows)


def _actions(source: Source, filters: Filters) -> ir.Table:
    require_rows(source, "improvement_actions", "Improvement")
    return scoped(source, source.table("improvement_actions"), filters)


def _on_time_headline(frame: pd.DataFrame) -> float | None:
    closed = float(frame["closed"].sum())
    return None if closed == 0 else float(frame["closed_on_time"].sum()) / closed * 100


def _mean_days_headline(frame: pd.DataFrame) -> float | None:
    actions = float(frame["actions"].sum())
    return None if actions == 0 else float((frame["mean_days"] * frame["actions"]).sum()) / actions


@metric(
    name="improvement-actions",
    label="Improvement actions opened and closed",
    unit="actions",
    direction="higher",
    definition="Improvement actions opened and closed (not cancelled) per month, by their opening "
    "and closing dates; headline: actions closed.",
    family="improvement",
    columns=ACTIONS_COLUMNS,
    needs=("improvement_actions", "applications"),
    dimensions=SCOPE,
    headline=lambda frame: float(frame["closed"].sum()),
    empty_value=0.0,
)
def improvement_actions_metric(source: Source, filters: Filters) -> pd.DataFrame:
    expr = actions_per_month(_actions(source, filters), filters)
    return as_frame(source.execute(expr), ACTIONS_COLUMNS)


@metric(
    name="on-time-rate",
    label="Improvement actions on time",
    unit="%",
    direction="higher",
    definition="Improvement actions closed by their due date ÷ actions closed × 100, by closing "
    "month; actions without a due date are not judged.",
    family="improvement",
    columns=ON_TIME_COLUMNS,
    needs=("improvement_actions", "applications"),
    dimensions=SCOPE,
    headline=_on_time_headline,
)
def on_time_rate_metric(source: Source, filters: Filters) -> pd.DataFrame:
    expr = on_time_rate(_actions(source, filters), filters)
    return as_frame(source.execute(expr), ON_TIME_COLUMNS)


@metric(
    name="overdue-actions",
    label="Overdue improvement actions",
    unit="actions",
    direction="lower",
    definition="Improvement actions still open on the as-of date (the period's last day, else "
    "today) whose due date is before it, with the days overdue; headline: how many.",
    family="improvement",
    columns=OVERDUE_COLUMNS,
    needs=("improvement_actions", "applications"),
    dimensions=SCOPE,
    headline=lambda frame: float(len(frame)),
    empty_value=0.0,
)
def overdue_actions_metric(source: Source, filters: Filters) -> pd.DataFrame:
    expr = overdue_actions(_actions(source, filters), as_of_day(filters))
    return as_frame(source.execute(expr), OVERDUE_COLUMNS)


@metric(
    name="improvement-benefits",
    label="Improvement benefits",
    unit="benefit",
    direction="higher",
    definition="Benefit expected and realised per service and unit, over the actions opened by "
    "the as-of date and not cancelled; realised % = realised ÷ expected × 100.",
    family="improvement",
    columns=BENEFIT_COLUMNS,
    needs=("improvement_actions", "applications"),
    dimensions=SCOPE,
)
def improvement_benefits_metric(source: Source, filters: Filters) -> pd.DataFrame:
    expr = improvement_benefits(_actions(source, filters), as_of_day(filters))
    return as_frame(source.execute(expr), BENEFIT_COLUMNS)


@metric(
    name="days-to-close",
    label="Days to close an improvement action",
    unit="days",
    direction="lower",
    definition="Days from opened to closed of the improvement actions closed in each month, mean "
    "and median; headline: the mean over the selection.",
    family="improvement",
    columns=DAYS_COLUMNS,
    needs=("improvement_actions", "applications"),
    dimensions=SCOPE,
    headline=_mean_days_headline,
)
def days_to_close_metric(source: Source, filters: Filters) -> pd.DataFrame:
    closed = closed_actions(_actions(source, filters), filters)
    expr = closed.select(
        month=month_start(closed.closed), days=closed.closed.delta(closed.opened, unit="day")
    )
    return as_frame(days_to_close(source.execute(expr)), DAYS_COLUMNS)
