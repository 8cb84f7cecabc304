"""How metric values are computed for many keys at once: the execution plans, apart from what
each metric means (:mod:`pmo_metrics.metrics.registry`).

A report or a scorecard asks one metric for many services, applications or months. Asked one
by one, each selection is a new Ibis expression to compile (about 0.1 s each, most of the cost
on a small store). The plans here answer every key from one computation of the whole
selection, giving exactly what the key's own run gives:

- :func:`split_table`: a metric's table for ``service=k`` or ``application=k`` from the table
  (or the shared building block) of the selection without that filter. Declared per metric:
  :data:`ROW_SPLITS` for tables whose rows for a key ARE the whole table's rows naming it, and
  :func:`splits` for metrics that rebuild the key's table from a shared block.
- :func:`monthly_plan`: a metric's headline per month of a range in one pass, for a metric whose
  table has no month column (:func:`monthly` declares it).

Inside a :func:`~pmo_metrics.metrics.source.sharing` block the whole selection is computed once
(:meth:`Source.remember`); outside one, each call computes it afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd

from pmo_metrics.metrics.registry import Metric, get
from pmo_metrics.metrics.source import Filters, Source

# (source, filters without the key's filter, by, key) -> the metric's table with by=key.
Split = Callable[[Source, Filters, str, str], pd.DataFrame]
# (source, filters over the months, months "YYYY-MM") -> the headline of each month.
Monthly = Callable[[Source, Filters, Sequence[str]], dict[str, "float | None"]]

# Metrics whose table for ``by=k`` is the rows of the table without the filter whose ``by``
# column is k, in the same order: rows computed each from its own key's data alone (a
# register's rows; costs' running sums partitioned by application; counts per application and
# month over the same month grid), and MissingData only when the whole table is not loaded.
ROW_SPLITS: dict[str, tuple[str, ...]] = {
    "earned-value": ("application",),  # windows partitioned by application
    "budget-variance": ("application",),  # one row per application and month
    "risks": ("application",),  # one row per risk, judged on its own dates
    "throughput": ("application",),  # counts per application and month, every month of each
}

_SPLITS: dict[tuple[str, str], Split] = {}
_MONTHLY: dict[str, Monthly] = {}


def splits(name: str, *by: str) -> Callable[[Split], Split]:
    """Declare ``split`` as how ``name``'s table for each key of ``by`` is obtained from the
    whole selection's building blocks."""

    def register(split: Split) -> Split:
        for column in by:
            _SPLITS[name, column] = split
        return split

    return register


def monthly(name: str) -> Callable[[Monthly], Monthly]:
    """Declare ``plan`` as how ``name``'s headline per month is computed in one pass."""

    def register(plan: Monthly) -> Monthly:
        _MONTHLY[name] = plan
        return plan

    return register


def whole_table(source: Source, m: Metric, filters: Filters) -> pd.DataFrame:
    """``m``'s table for ``filters``, computed once inside a sharing block."""
    return source.remember(("metric_table", m.name, filters), lambda: m.run(source, filters))


def rows_of(source: Source, filters: Filters, name: str, by: str, key: str) -> pd.DataFrame:
    """The rows of ``name``'s table for ``filters`` whose ``by`` is ``key``."""
    frame = whole_table(source, get(name), filters)
    return frame[(frame[by] == key).to_numpy(dtype=bool)].reset_index(drop=True)


def _the_key(filters: Filters) -> tuple[str, str] | None:
    """The one service or application filter of ``filters`` (with no team), else None."""
    keys = [(by, getattr(filters, by)) for by in ("service", "application", "team")]
    chosen = [(by, value) for by, value in keys if value is not None]
    return chosen[0] if len(chosen) == 1 and chosen[0][0] != "team" else None


def split_table(source: Source, name: str, filters: Filters) -> pd.DataFrame | None:
    """``name``'s table for ``filters`` from the whole selection's (``filters`` without its
    service or application filter), where a plan says how; None where none does (run it).
    Raises MissingData as the metric's own run would."""
    chosen = _the_key(filters)
    if chosen is None:
        return None
    by, key = chosen
    base = replace(filters, **{by: None})
    if by in ROW_SPLITS.get(name, ()):
        m = get(name)
        return rows_of(source, base, name, by, key)[list(m.columns)]
    split = _SPLITS.get((name, by))
    if split is None:
        return None
    get(name)  # the family module that declares the split is loaded
    return split(source, base, by, key)


def monthly_plan(name: str) -> Monthly | None:
    """The one-pass plan of ``name``'s headline per month, if it has one."""
    get(name)  # the family module that declares the plan is loaded
    return _MONTHLY.get(name)


def month_filters(months: Sequence[str], filters: Filters) -> Filters:
    """``filters`` over ``months`` (consecutive, oldest first)."""
    period = Filters.from_period(f"{months[0]}:{months[-1]}")
    return replace(filters, start=period.start, end=period.end)


def as_number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
