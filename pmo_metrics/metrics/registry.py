"""The metric registry: each metric's name, label, unit, direction, definition and dimensions.

Pages, the command line and the report read labels and definitions from here; nothing restates
them. A metric registers itself with :func:`metric`, decorating the function that computes its
tidy table from a :class:`~pmo_metrics.metrics.source.Source` and :class:`Filters`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from pmo_metrics.metrics.source import Filters, Source

Direction = Literal["higher", "lower", "neutral"]
Compute = Callable[[Source, Filters], pd.DataFrame]


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
