"""Cached reads for the pages: metric tables, headline numbers, filter options, raw tables.

Every cache is bounded (``max_entries``, ``ttl``) and keyed by the store's data version, so an
import or an undo shows at once. The connection is passed as ``_con`` (not hashed). A metric that
lacks its data comes back as ``MetricResult.missing`` (the message from the metric) instead of
raising, so that pages render an empty state.

Computing (:func:`compute_metric`, what :func:`metric_table` caches): on DuckDB each computation
borrows a Source from a small pool (its own cursor, one thread at a time), so that the SQL each
expression compiles to is remembered across calls; and every metric computed on one data version
shares its building blocks (:func:`version_memo`), so that e.g. velocity and say/do, or the KPI
cards and the portfolio health, run their common queries once. The metrics benchmark
(``bench/bench_metrics.py``) times this very path over :func:`overview_requests`.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

import duckdb
import pandas as pd
import streamlit as st

from pmo_metrics.demo import store_holds_only_sample
from pmo_metrics.engine import engine_name, open_source
from pmo_metrics.metrics.registry import Metric, MissingData, get
from pmo_metrics.metrics.source import Filters, Memo, Source, sharing
from pmo_metrics.periods import Comparison, Period, compare, compare_by_month, months_back
from pmo_metrics.schema.tables import table_specs

TTL = "1h"
TTL_SECONDS = 3600.0
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

    def months(self) -> Period | None:
        """The period as months (None for all time)."""
        return Period.parse(self.period) if self.period else None

    def previous_period(self) -> Scope | None:
        """The same scope over the previous period of the same length (what a card's change
        is against): Sep 2026 for Oct 2026, Nov 2025-Apr 2026 for May-Oct 2026."""
        period = self.months()
        return self.with_period(str(period.previous())) if period else None


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


# --- computing ----------------------------------------------------------------------------------

IDLE_SOURCES = 4  # DuckDB Sources kept per connection between computations
MEMO_VERSIONS = 2  # data versions whose shared building blocks are kept
_lock = threading.Lock()
_idle: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, list[Source]] = (
    weakref.WeakKeyDictionary()
)
_memos: OrderedDict[str, tuple[float, Memo]] = OrderedDict()


@contextmanager
def borrowed_source(con: duckdb.DuckDBPyConnection) -> Iterator[Source]:
    """A Source over ``con`` for one computation, used by one thread at a time.

    On DuckDB a Source (with its own cursor) is taken back into a small pool after use: it
    remembers the SQL its expressions compiled to, which is most of the cost of a metric on a
    warm store. One whose computation failed (other than for missing data) is dropped. Spark
    Sources are shared by the engine already.
    """
    if engine_name() != "duckdb":
        yield open_source(con.cursor())
        return
    with _lock:
        idle = _idle.get(con)
        source = idle.pop() if idle else None
    if source is None:
        source = open_source(con.cursor())
    try:
        yield source
    except MissingData:
        _give_back(con, source)
        raise
    _give_back(con, source)


def _give_back(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    with _lock:
        idle = _idle.setdefault(con, [])
        if len(idle) < IDLE_SOURCES:
            idle.append(source)


def version_memo(version: str) -> Memo:
    """The building blocks shared by every metric computed on data ``version`` (the last
    ``MEMO_VERSIONS`` versions, each for at most the caches' time to live)."""
    now = time.monotonic()
    with _lock:
        made, memo = _memos.get(version, (0.0, None))
        if memo is None or now - made > TTL_SECONDS:
            made, memo = now, Memo()
        _memos[version] = (made, memo)
        _memos.move_to_end(version)
        while len(_memos) > MEMO_VERSIONS:
            _memos.popitem(last=False)
        return memo


def compute_metric(
    con: duckdb.DuckDBPyConnection, version: str, name: str, scope: Scope
) -> MetricResult:
    """The metric's table for the scope, computed (what :func:`metric_table` caches)."""
    m = metric(name)
    if m is None:
        return MetricResult(pd.DataFrame(), f"The metric '{name}' is not available.")
    try:
        with borrowed_source(con) as source, sharing(version_memo(version)):
            frame = m.run(source, scope.filters())
    except MissingData as exc:
        return MetricResult(pd.DataFrame(columns=list(m.columns)), str(exc))
    except Exception as exc:  # one broken metric must not take the page down with a traceback
        log.exception("metric %s failed for %s", name, scope)
        why = f"{m.label}{COMPUTE_FAILED}{type(exc).__name__}: {exc})"
        return MetricResult(pd.DataFrame(columns=list(m.columns)), why, failed=True)
    return MetricResult(frame)


@st.cache_data(max_entries=1024, ttl=TTL, show_spinner=False)
def metric_table(_con: duckdb.DuckDBPyConnection, version: str, name: str, scope: Scope):
    """The metric's table for the scope (a copy per call: nothing mutates the cached one)."""
    return compute_metric(_con, version, name, scope)


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
    window trends are drawn over."""
    if not scope.last_month:
        return None
    first = months_back(scope.last_month, TREND_MONTHS)[0]
    first = min(first, scope.first_month or first)
    return scope.with_period(f"{first}:{scope.last_month}")


def card_window(m: Metric, scope: Scope) -> Scope | None:
    """For a metric by month, the window a KPI card reads its value and the previous period's
    from: the trend window, reaching back to the previous period's first month when that is
    further (a period longer than 6 months), so that one run serves the card, its change and
    the trend. None for other metrics."""
    window = trend_window(scope)
    if "month" not in m.columns or "period" not in m.dimensions or window is None:
        return None
    period = scope.months()
    first = min(window.first_month, period.previous().first)
    return scope.with_period(f"{first}:{scope.last_month}")


def card_scopes(m: Metric, scope: Scope) -> list[Scope]:
    """The scopes a KPI card computes ``m`` over: its window, else the scope and (when there
    is one) the previous period of the same length."""
    window = card_window(m, scope)
    if window is not None:
        return [window]
    previous = scope.previous_period()
    return [scope, previous] if previous else [scope]


def card_values(
    con: duckdb.DuckDBPyConnection, version: str, name: str, scope: Scope
) -> Comparison | None:
    """The headline for the scope against the headline for the previous period of the same
    length (see :mod:`pmo_metrics.periods`); None for a metric without a headline."""
    m = metric(name)
    if m is None or m.headline is None:
        return None
    period = scope.months()
    if period is None:  # all time: no period before it
        return Comparison(metric_value(con, version, name, scope), None, None)
    with_data = filter_options(con, version)["months"]
    window = card_window(m, scope)
    if window is not None:
        result = metric_table(con, version, name, window)
        if result.missing:
            return Comparison(None, None, period.previous())
        return compare_by_month(result.frame, m.headline, m.empty_value, period, with_data)
    previous = scope.previous_period()
    before = (
        metric_value(con, version, name, previous)
        if any(month in with_data for month in period.previous().months)
        else None  # nothing loaded for it: not worth computing
    )
    return compare(metric_value(con, version, name, scope), before, period, with_data)


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


# --- what the overview computes -------------------------------------------------------------------

# The headline numbers of each pillar, most important first (pages/overview.py draws them).
OVERVIEW_PILLARS: dict[str, tuple[str, ...]] = {
    "pillar_services": ("sla-compliance", "mttr"),
    "pillar_portfolio": ("cpi", "budget-variance"),
    "pillar_delivery": ("velocity", "say-do"),
    "pillar_improvement": ("on-time-rate", "overdue-actions"),
    "pillar_stakeholders": ("open-high-risks", "overdue-communications"),
}
OVERVIEW_TRENDS = ("sla-compliance", "throughput")  # charted over the trend window
OVERVIEW_LAUNCHES = "services-launched-by-month"  # the third trend, over the window too
OVERVIEW_SCORECARD = "service-status"
OVERVIEW_PORTFOLIO = "portfolio-health"
OVERVIEW_RISKS = "risks"
OVERVIEW_ROLLOUT = "rollout-deliverables"  # over all time


def overview_requests(scope: Scope) -> list[tuple[str, Scope]]:
    """Every (metric, scope) one render of the overview computes, once each, in drawing order:
    what ``pages/overview.py`` asks :func:`metric_table` for, and what the benchmark times."""
    requests: list[tuple[str, Scope]] = []
    for names in OVERVIEW_PILLARS.values():
        for name in names:
            m = metric(name)
            if m is not None and m.headline is not None:
                requests += [(name, s) for s in card_scopes(m, scope)]
    requests += [(OVERVIEW_SCORECARD, scope), (OVERVIEW_PORTFOLIO, scope)]
    window = trend_window(scope)
    if window is not None:
        requests += [(name, window) for name in (*OVERVIEW_TRENDS, OVERVIEW_LAUNCHES)]
    requests += [(OVERVIEW_RISKS, scope), (OVERVIEW_ROLLOUT, scope.with_period(None))]
    return list(dict.fromkeys(requests))


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


@st.cache_data(max_entries=16, ttl=TTL, show_spinner=False)
def holds_only_sample(_con: duckdb.DuckDBPyConnection, version: str) -> bool:
    """Whether the store holds the sample data and nothing else (the "sample data" banner)."""
    return store_holds_only_sample(_con.cursor())


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def table(_con: duckdb.DuckDBPyConnection, version: str, name: str, limit: int = 100_000):
    """A canonical table as stored (business columns and provenance), up to ``limit`` rows."""
    if name not in table_specs() and name not in ("loads", "load_files", "audit_log"):
        raise ValueError(f"unknown table {name!r}")
    return _con.cursor().execute(f"SELECT * FROM {name} LIMIT {int(limit)}").df()


def canonical_tables() -> list[str]:
    return list(table_specs())
