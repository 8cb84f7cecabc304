"""Helpers shared by the metric modules: work-item scope, dates, ratios, percentiles, sprints.

Everything here is either an Ibis expression builder (portable: DuckDB today, Spark later; no
backend-specific SQL) or plain numpy / pandas over small, already aggregated results.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from pmo_metrics.metrics.registry import Compute, MissingData, empty
from pmo_metrics.metrics.source import Filters, Source

DONE = "Done"
IN_PROGRESS = "In Progress"
TO_DO = "To Do"
SECONDS_PER_DAY = 86_400.0
SECONDS_PER_HOUR = 3_600.0

__all__ = [
    "DONE",
    "IN_PROGRESS",
    "TO_DO",
    "MissingData",
    "as_frame",
    "complete_grid",
    "days_between",
    "done_date",
    "estimable_work",
    "exact_quantile",
    "hours_between",
    "month_start",
    "natural_key",
    "needs_rows",
    "percentiles",
    "period_months",
    "pct",
    "ratio",
    "require",
    "scoped_tickets",
    "scoped_work_items",
    "timestamp",
    "week_start",
    "work",
]


# --- natural order -------------------------------------------------------------------------------

_DIGITS = re.compile(r"(\d+)")


def natural_key(name: object) -> tuple[Any, ...]:
    """Sort key that puts ``Sprint 9`` before ``Sprint 10`` (digit runs compare as numbers).

    >>> sorted(["Sprint 10", "Sprint 9", "sprint 2"], key=natural_key)
    ['sprint 2', 'Sprint 9', 'Sprint 10']
    """
    text = "" if name is None else str(name)
    parts = _DIGITS.split(text.casefold())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p != "")


# --- dates (Ibis) --------------------------------------------------------------------------------


def month_start(column: ir.TimestampValue | ir.DateValue) -> ir.DateValue:
    """The first day of the calendar month of ``column``, as a date."""
    return column.truncate("M").cast("date")


def week_start(column: ir.TimestampValue | ir.DateValue) -> ir.DateValue:
    """The Monday of the ISO week of ``column``, as a date (DuckDB and Spark weeks start Monday)."""
    return column.truncate("W").cast("date")


def days_between(start: ir.TimestampValue, end: ir.TimestampValue) -> ir.FloatingValue:
    """Fractional days from ``start`` to ``end`` (to the second); NULL if either is NULL."""
    return end.delta(start, unit="second").cast("float64") / SECONDS_PER_DAY


def hours_between(start: ir.TimestampValue, end: ir.TimestampValue) -> ir.FloatingValue:
    """Fractional hours from ``start`` to ``end`` (to the second); NULL if either is NULL."""
    return end.delta(start, unit="second").cast("float64") / SECONDS_PER_HOUR


def timestamp(value: Any) -> ir.TimestampScalar:  # a date, datetime or Timestamp
    """A timestamp literal for a Python / pandas date or timestamp."""
    return ibis.timestamp(pd.Timestamp(value).to_pydatetime())


# --- ratios and percentiles ----------------------------------------------------------------------


def ratio(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    """``numerator / denominator``, NULL (empty) when the denominator is 0 or NULL."""
    return ibis.ifelse(
        denominator == 0, ibis.null("float64"), numerator.cast("float64") / denominator
    )


def pct(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.FloatingValue:
    """``numerator / denominator x 100``, NULL when the denominator is 0 or NULL."""
    return ratio(numerator, denominator) * 100


def exact_quantile(column: ir.NumericColumn, q: float) -> ir.FloatingScalar:
    """Percentile with linear interpolation (numpy's default), computed by the backend.

    Ibis compiles it to DuckDB ``percentile_cont`` and Spark ``percentile``, both exact with
    linear interpolation between closest ranks, so it equals ``numpy.percentile(x, q * 100)``
    (to floating-point rounding: the backends and numpy order the interpolation's operations
    differently, e.g. 6.624999999999998 for 6.625).
    """
    return column.cast("float64").quantile(q)


def percentiles(values: Iterable[float], qs: Sequence[float] = (50, 85, 95)) -> list[float | None]:
    """numpy percentiles (linear interpolation) of ``values``; None for each when empty."""
    array = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, float)
    array = array[~np.isnan(array)]
    if array.size == 0:
        return [None for _ in qs]
    return [float(v) for v in np.percentile(array, qs)]


# --- scope ---------------------------------------------------------------------------------------


def work(items: ir.Table) -> ir.Table:
    """Work items that count as work: everything but epics (sub-tasks included, for flow)."""
    return items.filter(~items.is_epic)


def estimable_work(items: ir.Table) -> ir.Table:
    """Items whose estimates count (Jira velocity chart): neither epics nor sub-tasks."""
    return items.filter(~items.is_epic & ~items.is_subtask)


def done_date(items: ir.Table) -> ir.TimestampValue:
    """When a Done item reached Done: its resolution date, else the date it entered the Done
    category (Jira ``Status Category Changed``); NULL for items that are not Done."""
    return ibis.ifelse(
        items.status_category == DONE,
        ibis.coalesce(items.resolved, items.status_changed),
        ibis.null("timestamp"),
    )


def scoped_work_items(source: Source, filters: Filters) -> ir.Table:
    """Work items (portfolio applied) narrowed by the service / application / team filters."""
    return source.filter_scope(source.work_items(), filters)


def scoped_tickets(source: Source, filters: Filters) -> ir.Table:
    """Tickets (portfolio applied) narrowed by the service / application filters."""
    return source.filter_scope(source.tickets(), filters)


# --- month / week grids (pandas, on aggregated results) ------------------------------------------


def period_months(filters: Filters, observed: Iterable[object] = ()) -> list[pd.Timestamp]:
    """First days of the months to report: the filter's period (not past the as-of month), else
    every month from the first to the last one ``observed``."""
    seen = pd.to_datetime(pd.Series(list(observed)), errors="coerce").dropna()
    if filters.start:
        first = pd.Timestamp(filters.start)
        last = (filters.as_of - pd.Timedelta(seconds=1)).to_period("M").to_timestamp()
    elif len(seen):
        first = seen.min().to_period("M").to_timestamp()
        last = seen.max().to_period("M").to_timestamp()
    else:
        return []
    return list(pd.date_range(first, last, freq="MS"))


def complete_grid(
    frame: pd.DataFrame,
    by: Sequence[str],
    column: str,
    steps: Sequence[pd.Timestamp] | pd.DatetimeIndex,
    values: Sequence[str],
) -> pd.DataFrame:
    """``frame`` with a row for every group of ``by`` x every step of ``column`` (months,
    weeks), the missing ``values`` (counts) as 0: a month without items is a 0, not a gap."""
    if frame.empty or not len(steps):
        return frame
    by, values = list(by), list(values)
    rest = [c for c in frame.columns if c not in (*by, column, *values)]
    # Plain Python over the (small, aggregated) rows: pandas merges cost more than the query.
    stamps = [pd.Timestamp(s) for s in steps]
    seen = {
        (tuple(_key(v) for v in row[: len(by)]), pd.Timestamp(row[len(by)])): row[len(by) + 1 :]
        for row in frame[[*by, column, *values, *rest]].itertuples(index=False, name=None)
    }
    groups = sorted({key for key, _ in seen}, key=lambda k: tuple((v is None, v) for v in k))
    missing = (0,) * len(values) + (None,) * len(rest)
    rows = [
        (*group, stamp, *seen.get((group, stamp), missing)) for group in groups for stamp in stamps
    ]
    out = pd.DataFrame(rows, columns=[*by, column, *values, *rest])
    out[column] = pd.to_datetime(out[column])
    out[values] = out[values].astype("int64")
    for c in rest:  # keep the aggregate's dtypes (floats stay floats, NaN where missing)
        if frame[c].dtype.kind in "fiu":
            out[c] = out[c].astype("float64")
    return out[[*frame.columns]]


def _key(value: object) -> object:
    """A group key with every missing value as None (NaN != NaN would split the group)."""
    return None if value is None or value is pd.NA or value != value else value


# --- results -------------------------------------------------------------------------------------


def needs_rows(table: str, message: str) -> Callable[[Compute], Compute]:
    """Decorate a metric's ``compute(source, filters)``: an empty result raises
    :class:`MissingData` with ``message`` when the store holds no ``table`` rows at all (no data
    loaded), and stays an empty table when only the selection is empty. The store is counted
    only for an empty result, so a metric with rows pays nothing for the check."""

    def decorate(compute: Compute) -> Compute:
        @functools.wraps(compute)
        def checked(source: Source, filters: Filters) -> pd.DataFrame:
            frame = compute(source, filters)
            if frame.empty and source.count(table) == 0:
                raise MissingData(message)
            return frame

        return checked

    return decorate


def require(source: Source, expr: ir.Table, message: str) -> None:
    """Raise :class:`MissingData` with ``message`` when ``expr`` has no rows."""
    if int(cast(Any, source.execute(expr.count()))) == 0:  # a count: a scalar, not a table
        raise MissingData(message)


def as_frame(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``frame`` with exactly ``columns`` in order; an empty table with those columns if no rows."""
    if frame is None or frame.empty:
        return empty(tuple(columns))
    return frame[list(columns)].reset_index(drop=True)
