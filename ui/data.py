"""Cached reads for the pages: metric tables, headline numbers, filter options, raw tables.

Every cache is bounded (``max_entries``, ``ttl``) and keyed by the store's data version, so an
import or an undo shows at once. The connection is passed as ``_con`` (not hashed); each call
opens its own cursor. A metric that lacks its data comes back as ``MetricResult.missing`` (the
message from the metric) instead of raising, so that pages render an empty state.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import NamedTuple

import duckdb
import pandas as pd
import streamlit as st

from pmo_metrics.engine import open_source
from pmo_metrics.metrics.registry import Metric, MissingData, get
from pmo_metrics.metrics.source import Filters
from pmo_metrics.store.tables import table_specs

TTL = "1h"
log = logging.getLogger(__name__)
COMPUTE_FAILED = " could not be computed ("  # marks a failure in MetricResult.missing


class Scope(NamedTuple):
    """The global filters as plain hashable values (``period`` is ``YYYY-MM[:YYYY-MM]``)."""

    period: str | None = None
    service: str | None = None
    application: str | None = None
    team: str | None = None

    @property
    def first_month(self) -> str | None:
        return self.period.partition(":")[0] if self.period else None

    @property
    def last_month(self) -> str | None:
        if not self.period:
            return None
        first, _, last = self.period.partition(":")
        return last or first

    def filters(self) -> Filters:
        return Filters.from_period(
            self.period, service=self.service, application=self.application, team=self.team
        )

    def with_period(self, period: str | None) -> Scope:
        return self._replace(period=period)

    def previous_month(self) -> Scope | None:
        """The month before the last month of the period, alone (for "vs last month")."""
        if not self.last_month:
            return None
        return self.with_period(shift_month(self.last_month, -1))


def shift_month(month: str, by: int) -> str:
    stamp = pd.Period(month, freq="M") + by
    return f"{stamp.year:04d}-{stamp.month:02d}"


def months_back(last: str, count: int) -> list[str]:
    """``count`` months ending with ``last``, oldest first."""
    return [shift_month(last, -i) for i in range(count - 1, -1, -1)]


@dataclass(frozen=True)
class MetricResult:
    frame: pd.DataFrame
    missing: str | None = None  # why the metric could not be computed (data it needs)
    failed: bool = False  # the computation raised: a bug to report, not a data gap

    @property
    def empty(self) -> bool:
        return self.missing is not None or self.frame.empty


def metric(name: str) -> Metric | None:
    """The registered metric, or None while its family has not landed."""
    try:
        return get(name)
    except KeyError:
        return None


@st.cache_data(max_entries=1024, ttl=TTL, show_spinner=False)
def metric_table(_con: duckdb.DuckDBPyConnection, version: str, name: str, scope: Scope):
    """The metric's table for the scope (a copy per call: nothing mutates the cached one)."""
    m = metric(name)
    if m is None:
        return MetricResult(pd.DataFrame(), f"The metric '{name}' is not available.")
    try:
        frame = m.run(open_source(_con.cursor()), scope.filters())
    except MissingData as exc:
        return MetricResult(pd.DataFrame(columns=list(m.columns)), str(exc))
    except Exception as exc:  # one broken metric must not take the page down with a traceback
        log.exception("metric %s failed for %s", name, scope)
        why = f"{m.label}{COMPUTE_FAILED}{type(exc).__name__}: {exc})"
        return MetricResult(pd.DataFrame(columns=list(m.columns)), why, failed=True)
    return MetricResult(frame)


def metric_value(
    con: duckdb.DuckDBPyConnection, version: str, name: str, scope: Scope
) -> float | None:
    """The metric's headline number for the scope; None when there is nothing to sum up."""
    m = metric(name)
    result = metric_table(con, version, name, scope)
    if m is None or result.missing or m.headline is None:
        return None
    value = m.empty_value if result.frame.empty else m.headline(result.frame)
    return None if value is None or pd.isna(value) else float(value)


TREND_MONTHS = 12


def trend_window(scope: Scope) -> Scope | None:
    """The 12 months ending with the period's last month (longer if the period is): the
    window trends are drawn over and month-grained KPI cards are read from, so one cached
    run serves the card, its change against last month and the trend."""
    if not scope.last_month:
        return None
    first = months_back(scope.last_month, TREND_MONTHS)[0]
    first = min(first, scope.first_month or first)
    return scope.with_period(f"{first}:{scope.last_month}")


def month_key(values: pd.Series) -> pd.Series:
    """``YYYY-MM`` of a month column (dates or text)."""
    return pd.to_datetime(values).dt.strftime("%Y-%m")


def card_values(
    con: duckdb.DuckDBPyConnection, version: str, name: str, scope: Scope
) -> tuple[float | None, float | None]:
    """The headline for the scope and for the month before its last month."""
    m = metric(name)
    previous = scope.previous_month()
    if m is None or m.headline is None:
        return None, None
    window = trend_window(scope)
    if "month" not in m.columns or "period" not in m.dimensions or window is None:
        current = metric_value(con, version, name, scope)
        before = metric_value(con, version, name, previous) if previous else None
        return current, before
    result = metric_table(con, version, name, window)
    if result.missing:
        return None, None
    months = month_key(result.frame["month"]) if len(result.frame) else pd.Series([], dtype=str)

    def headline(mask: pd.Series) -> float | None:
        rows = result.frame[mask.to_numpy()] if len(mask) else result.frame
        value = m.empty_value if rows.empty else m.headline(rows)
        return None if value is None or pd.isna(value) else float(value)

    current = headline((months >= scope.first_month) & (months <= scope.last_month))
    return current, headline(months == previous.last_month)


def metric_series(
    con: duckdb.DuckDBPyConnection, version: str, name: str, scope: Scope, months: list[str]
) -> pd.DataFrame:
    """The headline number month by month: columns ``month``, ``value``."""
    values = [metric_value(con, version, name, scope.with_period(m)) for m in months]
    return pd.DataFrame({"month": months, "value": values})


def headline_by(name: str, frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """The metric's headline number per value of ``by`` (e.g. per month), computed by the
    registry's own headline so that rates are never summed: columns ``by``, ``value``."""
    m = get(name)
    if frame.empty or m.headline is None:
        return pd.DataFrame({by: [], "value": []})
    rows = [(key, m.headline(part)) for key, part in frame.groupby(by, sort=True)]
    return pd.DataFrame(rows, columns=[by, "value"])


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def filter_options(_con: duckdb.DuckDBPyConnection, version: str) -> dict[str, list[str]]:
    """What the sidebar filters offer: months with activity, services, applications, teams."""
    cur = _con.cursor()
    months = cur.execute(
        """
        SELECT DISTINCT strftime(m, '%Y-%m') AS month FROM (
            SELECT date_trunc('month', resolved) AS m FROM work_items WHERE resolved IS NOT NULL
            UNION ALL SELECT date_trunc('month', created) FROM work_items WHERE created IS NOT NULL
            UNION ALL SELECT date_trunc('month', opened) FROM tickets
            UNION ALL SELECT date_trunc('month', work_date) FROM effort
            UNION ALL SELECT date_trunc('month', month) FROM costs
        ) ORDER BY month
        """
    ).fetchall()
    source = open_source(_con.cursor())
    teams = source.execute(source.work_items().select("team").distinct())["team"]
    applications = source.execute(source.work_items().select("application").distinct())
    portfolio = cur.execute("SELECT application FROM applications").fetchall()
    services = cur.execute("SELECT service FROM services").fetchall()
    return {
        "months": [m[0] for m in months],
        "services": sorted({s[0] for s in services}),
        "applications": sorted(
            {a[0] for a in portfolio} | set(applications["application"].dropna())
        ),
        "teams": sorted(set(teams.dropna())),
    }


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def table(_con: duckdb.DuckDBPyConnection, version: str, name: str, limit: int = 100_000):
    """A canonical table as stored (business columns and provenance), up to ``limit`` rows."""
    if name not in table_specs() and name not in ("loads", "load_files", "audit_log"):
        raise ValueError(f"unknown table {name!r}")
    return _con.cursor().execute(f"SELECT * FROM {name} LIMIT {int(limit)}").df()


def canonical_tables() -> list[str]:
    return list(table_specs())
