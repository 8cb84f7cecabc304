"""How metric values are computed for many keys at once: the execution plans, apart from what
each metric means (:mod:`pmo_metrics.metrics.registry`).

A report or a scorecard asks one metric for many services, applications or months. Asked one
by one, each selection is a new Ibis expression to compile (about 0.1 s each, most of the cost
on a small store). The plans here answer every key from one computation of the whole
selection, giving exactly what the key's own run gives:

- :func:`split_table`: a metric's table for ``service=k`` or ``application=k`` from the table
  (or the shared building block) of the selection without that filter. Declared per metric:
  :data:`ROW_SPLITS` for tables whose rows for a key ARE the whole table's rows naming it,
  :data:`SERVICE_ROWS` for tables whose rows for a service are those of its applications, and
  :func:`splits` for metrics that rebuild the key's table from a shared block.
- :func:`monthly_plan`: a metric's headline per month of a range in one pass, for a metric whose
  table has no month column (:func:`monthly` declares it).
- :func:`values_by`: a metric's headline for each of many services, applications or teams, by
  the metric's :class:`KeyPlan` (declared with :func:`per_key` beside the metric): split from
  one run's rows, mapped from per-application rows, or the metric's own grouped pass (delivery's
  ``velocity_values_by`` over its ``selection_lists``, flow's ``p85_by_service``, ...).

Inside a :func:`~pmo_metrics.metrics.source.sharing` block the whole selection is computed once
(:meth:`Source.remember`); outside one, each call computes it afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

import pandas as pd

from pmo_metrics.metrics.registry import KEY_PLANS, Headline, Metric, MissingData, get, load_all
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
    "mttr": ("service",),  # aggregates per service and month of the service's own tickets
}

# Metrics whose table for ``service=s`` is the rows of the table without the filter whose
# application belongs to s in the portfolio, in the same order: tables over a register that
# names no service (the service filter reaches it only through the portfolio), with rows
# computed each from its own application's data alone.
SERVICE_ROWS: tuple[str, ...] = ("budget-variance",)  # costs: one row per application and month

GROUP_DIMENSIONS = ("service", "application", "team")
# (source, filters, by, keys) -> the headline of each key's rows, in one pass; None: cannot.
Grouped = Callable[[Source, Filters, str, list[str]], "dict[str, float | None] | None"]

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
    """The rows of ``name``'s table for ``filters`` whose ``by`` is ``key``, in the table's
    order (every key's rows split in one pass, shared inside a sharing block)."""

    def split() -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
        frame = whole_table(source, get(name), filters)
        return frame.iloc[:0], {str(k): rows for k, rows in frame.groupby(by, sort=False)}

    nothing, parts = source.remember(("rows_of", name, filters, by), split)
    return parts.get(key, nothing).reset_index(drop=True)


def applications_by_service(source: Source) -> dict[str, set[str]]:
    """Each service's applications in the portfolio (shared inside a sharing block)."""

    def build() -> dict[str, set[str]]:
        pairs = source.execute(source.service_applications())
        return cast(
            dict[str, set[str]], pairs.groupby("service")["application"].apply(set).to_dict()
        )

    return source.remember(("applications_by_service",), build)


def run_for(source: Source, name: str, filters: Filters, by: str, key: str) -> pd.DataFrame:
    """``name``'s own run for ``filters`` with ``by=key`` (a split's way out)."""
    chosen: dict[str, Any] = {by: key}  # a Filters field: service or application
    return get(name).run(source, replace(filters, **chosen))


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
    if by == "service" and name in SERVICE_ROWS:
        frame = whole_table(source, get(name), base)
        mine = frame["application"].isin(applications_by_service(source).get(key, set()))
        return frame[mine.to_numpy(dtype=bool)].reset_index(drop=True)
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


def declared_splits() -> list[tuple[str, str]]:
    """Every (metric, by) whose table :func:`split_table` obtains from the whole selection."""
    load_all()  # the family modules declare theirs
    rows = [(name, by) for name, bys in ROW_SPLITS.items() for by in bys]
    return rows + [(name, "service") for name in SERVICE_ROWS] + sorted(_SPLITS)


def declared_monthly() -> list[str]:
    """Every metric with a one-pass monthly plan."""
    load_all()  # the family modules declare theirs
    return sorted(_MONTHLY)


# --- per service, application or team: values_by -------------------------------------------


@dataclass(frozen=True)
class KeyPlan:
    """How a metric's headline per service, application or team is computed in one pass."""

    # Columns of the table the headline splits by exactly: for a value g of such a column, the
    # headline of the rows with that value IS the metric's value with g as the filter (checked
    # per metric: sums, counts and ratios of summed counts split; a P85 over the selection or a
    # filter that reaches further than the column does not).
    groups: tuple[str, ...] = ()
    # The headline of one group's rows where it differs from the metric's headline (lead time:
    # the group's own P85 row, not the P85 over the whole selection).
    group_headline: Headline | None = None
    # True when the table has one row per application (and, where the data names one, per
    # service) and the headline of any set of rows is the value of that set (sums, counts):
    # per-service values then follow from the rows as the service filter picks them (the
    # rows naming the service, and the rows naming none whose application belongs to it).
    services_from_applications: bool = False
    # For a ``by`` the table cannot split by: every key's value in one pass, built from the
    # metric's own building blocks; returns None for a ``by`` it does not handle.
    grouped: Grouped | None = field(default=None, compare=False)


def per_key(name: str, **fields: Any) -> None:
    """Declare metric ``name``'s :class:`KeyPlan` (once, beside its ``@metric``)."""
    if name in KEY_PLANS:
        raise ValueError(f"metric {name!r} has two per-key plans")
    KEY_PLANS[name] = KeyPlan(**fields)


def key_plan(name: str) -> KeyPlan:
    """Metric ``name``'s per-key plan (none declared: one run per key)."""
    get(name)  # the family module that declares it is loaded
    return cast(KeyPlan, KEY_PLANS.get(name, KeyPlan()))


def values_by(
    m: Metric, source: Source, filters: Filters | None, by: str, keys: Iterable[str]
) -> dict[str, float | None]:
    """``{k: m.value(source, filters with by=k)}`` for each of ``keys``, computed once.

    ``by`` is "service", "application" or "team" (a filter on ``by`` itself is replaced by
    each key). How, by ``m``'s :class:`KeyPlan`: (1) ``by`` in its groups: one run, the
    headline per group of rows; (2) per service from per-application rows mapped through the
    portfolio, where services_from_applications; (3) its grouped pass; (4) else one run per
    key. A key whose own data is missing (where ``value`` raises MissingData for it alone, e.g.
    SLA compliance of a service whose tickets cannot be judged) gets None; MissingData for the
    selection as a whole (nothing loaded) is raised.
    """
    if m.headline is None:
        raise TypeError(f"metric {m.name!r} has no headline number")
    if by not in GROUP_DIMENSIONS:
        raise ValueError(f"values_by: {by!r} is not one of {GROUP_DIMENSIONS}")
    keys = list(dict.fromkeys(keys))
    chosen: dict[str, Any] = {by: None}  # a Filters field: service, application or team
    base = replace(filters or Filters(), **chosen)
    if not keys:
        return {}
    how = key_plan(m.name)
    values: dict[str, float | None] | None = None
    # The whole selection's table through whole_table: the report, the scorecard and portfolio
    # health ask for the same tables, computed once inside a sharing block.
    if by in how.groups:
        values = _split(m, how, whole_table(source, m, base), by)
    elif by == "service" and how.services_from_applications:
        values = _per_service(m, source, whole_table(source, m, base), keys)
    elif how.grouped is not None:
        values = how.grouped(source, base, by, keys)
    if values is None:  # no one-pass way for this pair: one run per key, exact by definition
        return _per_key(m, source, base, by, keys)
    return {k: as_number(values.get(k, m.empty_value)) for k in keys}


def _split(m: Metric, how: KeyPlan, frame: pd.DataFrame, by: str) -> dict[str, float | None]:
    # values_by checked that the metric has a headline before it splits.
    headline = cast(Headline, how.group_headline or m.headline)
    return {cast(str, k): headline(rows) for k, rows in frame.groupby(by, sort=False)}


def _per_service(
    m: Metric, source: Source, frame: pd.DataFrame, keys: list[str]
) -> dict[str, float | None]:
    apps_of = applications_by_service(source)
    own = frame["service"] if "service" in frame.columns else None  # effort, risks
    headline = cast(Headline, m.headline)  # values_by checked that there is one
    out: dict[str, float | None] = {}
    for service in keys:
        mine = frame["application"].isin(apps_of.get(service, ()))
        if own is not None:  # the service filter's rule (registers.scoped)
            mine = (own == service).fillna(False) | (own.isna() & mine)
        rows = frame[mine.to_numpy(dtype=bool)]
        out[service] = headline(rows) if len(rows) else m.empty_value
    return out


def _per_key(
    m: Metric, source: Source, base: Filters, by: str, keys: list[str]
) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    missing: list[MissingData] = []
    for k in keys:
        try:
            key: dict[str, Any] = {by: k}  # a Filters field: service, application or team
            frame = whole_table(source, m, replace(base, **key))  # as m.value, shared
            out[k] = as_number(m.empty_value if frame.empty else cast(Headline, m.headline)(frame))
        except MissingData as exc:
            out[k] = None
            missing.append(exc)
    if len(missing) == len(keys):
        raise missing[0]  # no key computable: the data is not loaded
    return out
