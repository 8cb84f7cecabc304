"""The metric registry: each metric's name, label, unit, direction, definition and dimensions.

Pages, the command line and the report read labels and definitions from here; nothing restates
them. A metric registers itself with :func:`metric`, decorating the function that computes its
tidy table from a :class:`~pmo_metrics.metrics.source.Source` and :class:`Filters`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

import pandas as pd

from pmo_metrics.metrics.source import Filters, Source

Direction = Literal["higher", "lower", "neutral"]
Compute = Callable[[Source, Filters], pd.DataFrame]
# (source, filters, by, keys) -> the headline of each key's rows, in one pass; None: cannot.
Grouped = Callable[[Source, Filters, str, list[str]], "dict[str, float | None] | None"]
GROUP_DIMENSIONS = ("service", "application", "team")


class MissingData(LookupError):
    """A metric cannot be computed from what is loaded; the message says which data it needs."""


@dataclass(frozen=True)
class Metric:
    name: str  # command-line name, e.g. "velocity"
    label: str  # e.g. "Sprint velocity"
    unit: str  # pts, %, days, h, items, tickets, EUR, ratio, score
    direction: Direction  # which way is better
    definition: str  # one or two sentences, as in KPIS.md
    family: str  # delivery, flow, service_levels, scorecard, portfolio, finance, ...
    columns: tuple[str, ...]  # output columns, in order
    needs: tuple[str, ...]  # canonical tables it reads
    dimensions: tuple[str, ...] = ("period",)  # filters it honours
    compute: Compute | None = None
    # The one number that sums the table up for a selection (KPI cards, scorecard indicators):
    # e.g. SLA compliance over all rows = sum(met_sla) / sum(tickets) x 100. None if no rows.
    headline: Callable[[pd.DataFrame], float | None] | None = None
    # The headline of an empty selection: 0 for counts (no overdue action is 0, not "no data").
    empty_value: float | None = None
    # Columns of the table the headline splits by exactly: for a value g of such a column, the
    # headline of the rows with that value IS the metric's value with g as the filter (checked
    # per metric: sums, counts and ratios of summed counts split; a P85 over the selection or a
    # filter that reaches further than the column does not).
    groups: tuple[str, ...] = ()
    # The headline of one group's rows where it differs from ``headline`` (lead time: the
    # group's own P85 row, not the P85 over the whole selection).
    group_headline: Callable[[pd.DataFrame], float | None] | None = None
    # True when the table has one row per application (and, where the data names one, per
    # service) and the headline of any set of rows is the value of that set (sums, counts):
    # per-service values then follow from the rows as the service filter picks them (the
    # rows naming the service, and the rows naming none whose application belongs to it).
    services_from_applications: bool = False
    # For a ``by`` the table cannot split by: every key's value in one pass, built from the
    # metric's own building blocks; returns None for a ``by`` it does not handle.
    grouped: Grouped | None = field(default=None, compare=False)

    def values_by(
        self, source: Source, filters: Filters | None, by: str, keys: Iterable[str]
    ) -> dict[str, float | None]:
        """``{k: self.value(source, filters with by=k)}`` for each of ``keys``, computed once.

        ``by`` is "service", "application" or "team" (a filter on ``by`` itself is replaced by
        each key). How: (1) ``by`` in :attr:`groups`: one run, the headline per group of rows;
        (2) per service from per-application rows mapped through the portfolio, where
        :attr:`services_from_applications`; (3) the metric's :attr:`grouped` pass; (4) else one
        run per key. A key whose own data is missing (where ``value`` raises MissingData for it
        alone, e.g. SLA compliance of a service whose tickets cannot be judged) gets None;
        MissingData for the selection as a whole (nothing loaded) is raised.
        """
        if self.headline is None:
            raise TypeError(f"metric {self.name!r} has no headline number")
        if by not in GROUP_DIMENSIONS:
            raise ValueError(f"values_by: {by!r} is not one of {GROUP_DIMENSIONS}")
        keys = list(dict.fromkeys(keys))
        base = replace(filters or Filters(), **{by: None})
        if not keys:
            return {}
        values: dict[str, float | None] | None = None
        if by in self.groups:
            values = self._split(self.run(source, base), by)
        elif by == "service" and self.services_from_applications:
            values = self._per_service(source, self.run(source, base), keys)
        elif self.grouped is not None:
            values = self.grouped(source, base, by, keys)
        if values is None:  # no one-pass way for this pair: one run per key, exact by definition
            return self._per_key(source, base, by, keys)
        return {k: _number(values.get(k, self.empty_value)) for k in keys}

    def _split(self, frame: pd.DataFrame, by: str) -> dict[str, float | None]:
        headline = self.group_headline or self.headline
        return {k: headline(rows) for k, rows in frame.groupby(by, sort=False)}

    def _per_service(
        self, source: Source, frame: pd.DataFrame, keys: list[str]
    ) -> dict[str, float | None]:
        pairs = source.execute(source.service_applications())
        apps_of = pairs.groupby("service")["application"].apply(set).to_dict()
        own = frame["service"] if "service" in frame.columns else None  # effort, risks
        out = {}
        for service in keys:
            mine = frame["application"].isin(apps_of.get(service, ()))
            if own is not None:  # the service filter's rule (registers.scoped)
                mine = (own == service).fillna(False) | (own.isna() & mine)
            rows = frame[mine.to_numpy(dtype=bool)]
            out[service] = self.headline(rows) if len(rows) else self.empty_value
        return out

    def _per_key(
        self, source: Source, base: Filters, by: str, keys: list[str]
    ) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        missing: list[MissingData] = []
        for k in keys:
            try:
                out[k] = _number(self.value(source, replace(base, **{by: k})))
            except MissingData as exc:
                out[k] = None
                missing.append(exc)
        if len(missing) == len(keys):
            raise missing[0]  # no key computable: the data is not loaded
        return out

    def value(self, source: Source, filters: Filters | None = None) -> float | None:
        """The headline number for a selection (service, application, team, period)."""
        if self.headline is None:
            raise TypeError(f"metric {self.name!r} has no headline number")
        frame = self.run(source, filters)
        return self.empty_value if frame.empty else self.headline(frame)

    def run(self, source: Source, filters: Filters | None = None) -> pd.DataFrame:
        """Compute the metric, guaranteeing the documented columns (empty table if no rows)."""
        frame = self.compute(source, filters or Filters())
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            raise AssertionError(f"{self.name} did not return columns {missing}")
        return frame[list(self.columns)]


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


REGISTRY: dict[str, Metric] = {}


def metric(**fields: object) -> Callable[[Compute], Compute]:
    """Register the decorated function as the computation of a metric described by ``fields``."""

    def register(compute: Compute) -> Compute:
        m = Metric(compute=compute, **fields)  # type: ignore[arg-type]
        if m.name in REGISTRY:
            raise ValueError(f"metric {m.name!r} is registered twice")
        REGISTRY[m.name] = m
        return compute

    return register


def get(name: str) -> Metric:
    load_all()
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown metric {name!r}; `kpi --list` lists them") from None


def all_metrics() -> list[Metric]:
    load_all()
    return sorted(REGISTRY.values(), key=lambda m: (m.family, m.name))


def empty(columns: tuple[str, ...] | list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def load_all() -> None:
    """Import every metric family module so that each registers its metrics."""
    import importlib
    import pkgutil

    import pmo_metrics.metrics as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name not in ("registry", "source"):
            importlib.import_module(f"pmo_metrics.metrics.{info.name}")
