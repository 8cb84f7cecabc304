"""Evaluating metrics for a scope: what the dashboard's pages, the monthly report and the
benchmarks share.

- :class:`Scope`, the selection as plain hashable text (period, service, application, team),
  which every page, the report and the benchmarks use; :meth:`Scope.filters` gives the
  :class:`~pmo_metrics.metrics.source.Filters` a metric runs on.
- :func:`run_metric` runs a metric for a scope and returns a :class:`MetricResult`: its table,
  or why there is none (the data it needs), instead of raising :class:`MissingData`.
- :func:`compute_metric` is that on a DuckDB connection as the dashboard computes it: a Source
  borrowed from a small pool (:func:`borrowed_source`: the SQL each expression compiles to is
  remembered across calls), the building blocks shared by every metric of one data version
  (:func:`version_memo`), and a failure reported instead of raised. The metrics benchmark
  (``bench/bench_metrics.py``) times this very path over :func:`overview_requests`.
- Headline numbers (:func:`metric_headline`, :func:`monthly_headlines`) and a KPI card's value
  against the previous period of the same length (:func:`card`, see :mod:`pmo_metrics.periods`)
  read metric tables through a :data:`Tables` function, so that the dashboard passes its cache
  and the report its own per-report runs.
- :data:`PILLARS`, the headline numbers of each pillar of the PMO method: the report's key
  figures, of which the overview draws :data:`OVERVIEW_CARDS` as cards.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NamedTuple

import duckdb
import pandas as pd

from pmo_metrics.engine import engine_name, open_source
from pmo_metrics.metrics.plan import month_filters, monthly_plan
from pmo_metrics.metrics.registry import Metric, MissingData, get
from pmo_metrics.metrics.source import Filters, Memo, Source, sharing
from pmo_metrics.periods import (
    Comparison,
    Period,
    compare,
    compare_by_month,
    month_keys,
    months_back,
)

log = logging.getLogger(__name__)
COMPUTE_FAILED = " could not be computed ("  # marks a failure in MetricResult.missing
TREND_MONTHS = 12


class Scope(NamedTuple):
    """The global filters as plain hashable values.

    ``period`` is ``YYYY-MM`` or ``YYYY-MM:YYYY-MM`` (inclusive), ``:YYYY-MM`` for everything
    up to the end of that month (cumulative figures), or None for all time.
    """

    period: str | None = None
    service: str | None = None
    application: str | None = None
    team: str | None = None

    @property
    def first_month(self) -> str | None:
        return self.period.partition(":")[0] or None if self.period else None

    @property
    def last_month(self) -> str | None:
        if not self.period:
            return None
        first, _, last = self.period.partition(":")
        return last or first

    def filters(self) -> Filters:
        if self.period and self.period.startswith(":"):  # up to the end of a month
            end = Filters.from_period(self.period[1:]).end
            return Filters(
                end=end, service=self.service, application=self.application, team=self.team
            )
        return Filters.from_period(
            self.period, service=self.service, application=self.application, team=self.team
        )

    def with_period(self, period: str | None) -> Scope:
        return self._replace(period=period)

    def months(self) -> Period | None:
        """The period as months (None for all time, or with no first month)."""
        return Period.parse(self.period) if self.period and self.first_month else None

    def previous_period(self) -> Scope | None:
        """The same scope over the previous period of the same length (what a card's change
        is against): Sep 2026 for Oct 2026, Nov 2025-Apr 2026 for May-Oct 2026."""
        period = self.months()
        return self.with_period(str(period.previous())) if period else None


@dataclass(frozen=True)
class MetricResult:
    """A metric's table for a scope, or why there is none."""

    frame: pd.DataFrame
    missing: str | None = None  # why the metric could not be computed (data it needs)
    failed: bool = False  # the computation raised: a bug to report, not a data gap

    @property
    def empty(self) -> bool:
        return self.missing is not None or self.frame.empty


class Headline(NamedTuple):
    """A metric's headline number (None when there is nothing to sum up), or why there is
    none."""

    value: float | None
    missing: str | None = None


# How a metric's table for a scope is obtained: the dashboard reads its cache, the report
# its own runs (each computed once).
Tables = Callable[[str, Scope], MetricResult]


def metric(name: str) -> Metric | None:
    """The registered metric, or None while its family has not landed."""
    try:
        return get(name)
    except KeyError:
        return None


def run_metric(source: Source, name: str, scope: Scope) -> MetricResult:
    """The metric's table for the scope; a metric whose data is not loaded (or that is not
    registered) comes back with the reason in ``missing``. Other errors are raised."""
    m = metric(name)
    if m is None:
        return MetricResult(pd.DataFrame(), f"the metric {name!r} is not available")
    try:
        return MetricResult(m.run(source, scope.filters()))
    except MissingData as exc:
        return MetricResult(pd.DataFrame(columns=list(m.columns)), str(exc))


def failure(label: str, columns: Sequence[str], exc: Exception) -> MetricResult:
    """What a computation that raised returns: the page says so instead of a traceback."""
    why = f"{label}{COMPUTE_FAILED}{type(exc).__name__}: {exc})"
    return MetricResult(pd.DataFrame(columns=list(columns)), why, failed=True)


# --- computing on the dashboard's connection ------------------------------------------------------

IDLE_SOURCES = 4  # DuckDB Sources kept per connection between computations
MEMO_VERSIONS = 2  # data versions whose shared building blocks are kept
MEMO_SECONDS = 3600.0  # how long a version's building blocks are kept (the caches' time to live)
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
    ``MEMO_VERSIONS`` versions, each for at most ``MEMO_SECONDS``)."""
    now = time.monotonic()
    with _lock:
        made, memo = _memos.get(version, (0.0, None))
        if memo is None or now - made > MEMO_SECONDS:
            made, memo = now, Memo()
        _memos[version] = (made, memo)
        _memos.move_to_end(version)
        while len(_memos) > MEMO_VERSIONS:
            _memos.popitem(last=False)
        return memo


def compute_metric(
    con: duckdb.DuckDBPyConnection, version: str, name: str, scope: Scope
) -> MetricResult:
    """The metric's table for the scope on the store's data ``version``, computed (what the
    dashboard caches); a failure comes back as ``failed`` with its reason."""
    m = metric(name)
    if m is None:
        return MetricResult(pd.DataFrame(), f"the metric {name!r} is not available")
    try:
        with borrowed_source(con) as source, sharing(version_memo(version)):
            return run_metric(source, name, scope)
    except Exception as exc:  # one broken metric must not take the page down with a traceback
        log.exception("metric %s failed for %s", name, scope)
        return failure(m.label, m.columns, exc)


# --- headline numbers -----------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def headline_value(m: Metric, frame: pd.DataFrame) -> float | None:
    """The metric's headline over ``frame`` (its empty value, e.g. 0 for counts, if no rows);
    None when there is no number."""
    if m.headline is None:
        return None
    return _number(m.empty_value if frame.empty else m.headline(frame))


def metric_headline(tables: Tables, name: str, scope: Scope) -> Headline:
    """The metric's headline number for the scope, or why there is none."""
    m = metric(name)
    if m is None or m.headline is None:
        return Headline(None, f"the metric {name!r} has no headline number")
    result = tables(name, scope)
    if result.missing:
        return Headline(None, result.missing)
    return Headline(headline_value(m, result.frame))


def metric_value(tables: Tables, name: str, scope: Scope) -> float | None:
    """The metric's headline number for the scope; None when there is nothing to sum up."""
    return metric_headline(tables, name, scope).value


def monthly_headlines(
    tables: Tables, name: str, scope: Scope, months: Sequence[str]
) -> dict[str, Headline]:
    """The headline number of each of ``months`` (consecutive, oldest first) in the scope's
    other filters.

    A metric whose table has a ``month`` column is computed once over the whole range and its
    headline applied to each month's rows, as its rows for a month do not depend on the months
    around it (tests/exports checks this for each such metric); others month by month. A month
    in which nothing happened reads as the metric's zero row where the metric fills a range's
    months (0 items), where asked alone it would have no rows (no number).
    """
    m = metric(name)
    if m is None or m.headline is None or "month" not in m.columns:
        return {month: metric_headline(tables, name, scope.with_period(month)) for month in months}
    result = tables(name, scope.with_period(f"{months[0]}:{months[-1]}"))
    if result.missing:
        return {month: Headline(None, result.missing) for month in months}
    frame = result.frame
    # Each month's rows in one pass (in the table's order, as a mask per month would give).
    keys = month_keys(frame["month"]).to_numpy()
    parts = {str(key): rows for key, rows in frame.groupby(keys, sort=False)}
    nothing = frame.iloc[:0]
    return {month: Headline(headline_value(m, parts.get(month, nothing))) for month in months}


def headline_by(name: str, frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """The metric's headline number per value of ``by`` (e.g. per month), computed by the
    registry's own headline so that rates are never summed: columns ``by``, ``value``."""
    m = get(name)
    if frame.empty or m.headline is None:
        return pd.DataFrame({by: [], "value": []})
    rows = [(key, m.headline(part)) for key, part in frame.groupby(by, sort=True)]
    return pd.DataFrame(rows, columns=[by, "value"])


# --- windows and cards ----------------------------------------------------------------------------


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
    period = scope.months()
    if (
        "month" not in m.columns
        or "period" not in m.dimensions
        or window is None
        or window.first_month is None
        or period is None
    ):
        return None
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


@dataclass(frozen=True)
class Card:
    """A KPI card's numbers: the headline against the previous period's, and why there is no
    headline when there is none."""

    comparison: Comparison
    missing: str | None = None

    @property
    def value(self) -> float | None:
        return self.comparison.value

    @property
    def previous(self) -> float | None:
        return self.comparison.previous

    @property
    def change(self) -> float | None:
        return self.comparison.change


def card(
    tables: Tables, name: str, scope: Scope, months_with_data: Collection[str] | None
) -> Card | None:
    """The headline for the scope against the headline for the previous period of the same
    length (see :mod:`pmo_metrics.periods`); None for a metric without a headline.

    ``months_with_data`` are the months the store has activity in: the previous period counts
    only when one of its months has data, so that an empty past never reads as a real zero.
    None counts every month (the report, which does not ask)."""
    m = metric(name)
    if m is None or m.headline is None:
        return None
    period = scope.months()
    if period is None:  # all time: no period before it
        now = metric_headline(tables, name, scope)
        return Card(Comparison(now.value, None, None), now.missing)
    with_data = period.previous().months if months_with_data is None else months_with_data
    window = card_window(m, scope)
    if window is not None:
        result = tables(name, window)
        if result.missing:
            return Card(Comparison(None, None, period.previous()), result.missing)
        comparison = compare_by_month(result.frame, m.headline, m.empty_value, period, with_data)
        return Card(comparison)
    previous = scope.previous_period()
    before = (
        metric_value(tables, name, previous)
        if previous is not None and any(month in with_data for month in period.previous().months)
        else None  # nothing loaded for it: not worth computing
    )
    now = metric_headline(tables, name, scope)
    return Card(compare(now.value, before, period, with_data), now.missing)


# --- the pillars, and what the overview computes --------------------------------------------------

# The headline numbers of each pillar of the PMO method (DOMAIN.md), by registry name, most
# important first: the report's key figures.
PILLARS: dict[str, tuple[str, ...]] = {
    "pillar_services": ("sla-compliance", "mttr", "ticket-backlog", "tickets-opened"),
    "pillar_portfolio": ("budget-variance", "cpi", "spi", "effort"),
    "pillar_delivery": ("velocity", "say-do", "throughput", "lead-time"),
    "pillar_improvement": ("on-time-rate", "overdue-actions"),
    "pillar_stakeholders": ("open-high-risks", "engagement-gap", "overdue-communications"),
}
# Those the overview draws as cards (pages/overview.py), two per pillar.
OVERVIEW_CARDS = frozenset(
    {"sla-compliance", "mttr", "cpi", "budget-variance", "velocity", "say-do", "on-time-rate",
     "overdue-actions", "open-high-risks", "overdue-communications"}
)  # fmt: skip
OVERVIEW_PILLARS: dict[str, tuple[str, ...]] = {
    pillar: tuple(name for name in names if name in OVERVIEW_CARDS)
    for pillar, names in PILLARS.items()
}
OVERVIEW_TRENDS = ("sla-compliance", "throughput")  # charted over the trend window
OVERVIEW_LAUNCHES = "services-launched-by-month"  # the third trend, over the window too
OVERVIEW_SCORECARD = "service-status"
OVERVIEW_PORTFOLIO = "portfolio-health"
OVERVIEW_RISKS = "risks"
OVERVIEW_ROLLOUT = "rollout-deliverables"  # over all time


def overview_requests(scope: Scope) -> list[tuple[str, Scope]]:
    """Every (metric, scope) one render of the overview computes, once each, in drawing order:
    what ``pages/overview.py`` asks the dashboard's cache for, and what the benchmark times."""
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


# --- a card's 12-month trend ----------------------------------------------------------------------


def monthly_values(
    tables: Tables, name: str, scope: Scope, months: Sequence[str], source: Source | None
) -> dict[str, Headline]:
    """:func:`monthly_headlines`, in one query where the metric has a monthly plan
    (:func:`pmo_metrics.metrics.plan.monthly_plan`) and a ``source`` to run it on."""
    m = metric(name)
    by_month = monthly_plan(name) if m is not None and "month" not in m.columns else None
    if by_month is None or source is None:
        return monthly_headlines(tables, name, scope, months)
    try:
        values = by_month(source, month_filters(months, scope.filters()), months)
    except MissingData as exc:
        return {month: Headline(None, str(exc)) for month in months}
    return {month: Headline(values.get(month)) for month in months}


def one_pass_trend(name: str) -> bool:
    """Whether a card's 12-month trend of ``name`` costs one query: its table has a month
    column, or it has a monthly plan. Others would cost a query per month, which a card does
    not spend."""
    m = metric(name)
    if m is None or m.headline is None or "period" not in m.dimensions:
        return False
    return "month" in m.columns or monthly_plan(name) is not None


def card_trend(
    tables: Tables,
    name: str,
    scope: Scope,
    source: Source | None,
    months_with_data: Collection[str],
) -> dict[str, float | None] | None:
    """The headline of each month of the scope's trend window, oldest first: a card's
    sparkline. A month the store has no activity in has no value (an empty past is not a
    zero). None when the trend would cost more than one query (:func:`one_pass_trend`)."""
    window = trend_window(scope)
    period = window.months() if window is not None else None
    if period is None or not one_pass_trend(name):
        return None
    values = monthly_values(tables, name, scope, period.months, source)
    return {
        month: head.value if month in months_with_data else None for month, head in values.items()
    }


def last_value(trend: dict[str, float | None] | None) -> tuple[str, float] | None:
    """The latest month of a trend that has a value, and that value: what a card shows when
    the period itself has none."""
    for month, value in reversed((trend or {}).items()):
        if value is not None:
            return month, value
    return None


def compute_card_trend(
    con: duckdb.DuckDBPyConnection,
    version: str,
    tables: Tables,
    name: str,
    scope: Scope,
    months_with_data: Collection[str],
) -> dict[str, float | None] | None:
    """:func:`card_trend` on a DuckDB connection as the dashboard computes it (a monthly plan
    runs on a pooled Source with the version's building blocks); a failure gives no trend."""
    if metric(name) is None:
        return None
    try:
        if monthly_plan(name) is None:  # read from the cached tables: no Source needed
            return card_trend(tables, name, scope, None, months_with_data)
        with borrowed_source(con) as source, sharing(version_memo(version)):
            return card_trend(tables, name, scope, source, months_with_data)
    except Exception:  # a sparkline is an extra: it never takes the card down
        log.exception("the trend of %s failed for %s", name, scope)
        return None


# --- a card's target ------------------------------------------------------------------------------

# Units whose figure over several services is still comparable with one service's target:
# rates and durations. A count summed over services is not (a backlog target is per service).
JUDGED_UNITS = ("%", "ratio", "days", "h")


def common_target(indicators: pd.DataFrame, name: str) -> tuple[float | None, float | None]:
    """The catalog's target and amber threshold for metric ``name`` among ``indicators`` (rows
    with ``metric``, ``target``, ``amber_threshold``), if they all agree; else none."""
    rows = indicators[indicators["metric"] == name]
    pairs = {(_number(r.target), _number(r.amber_threshold)) for r in rows.itertuples()}
    return pairs.pop() if len(pairs) == 1 else (None, None)


def card_target(
    indicators: pd.DataFrame, m: Metric, scope: Scope
) -> tuple[float, float | None] | None:
    """The target (and amber threshold) a KPI card of ``m`` is judged against: the selected
    service's indicator; with no service selected, the one target every service's indicator
    agrees on, for a rate or a duration only (:data:`JUDGED_UNITS`). None where there is none."""
    if scope.service is not None:
        indicators = indicators[indicators["service"] == scope.service]
    elif m.unit not in JUDGED_UNITS:
        return None
    target, amber = common_target(indicators, m.name)
    return None if target is None else (target, amber)
