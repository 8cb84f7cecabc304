"""What the monthly report computes, apart from how its sheets are written: the scopes it asks
about (the report month, the 12 months to it, everything to date), each (metric, scope) run
once, the catalog read once, the names of its services and applications, and the Summary's key
figures.

Every table comes from the metric registry. A run for a service or an application is taken
from the whole portfolio's table where the metric's plan says how
(:func:`pmo_metrics.metrics.plan.split_table`), and every whole table goes through
:func:`pmo_metrics.metrics.plan.whole_table`: the report, the scorecard and portfolio health
(whose values per key come from :func:`pmo_metrics.metrics.plan.values_by`) share one
computation of each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pmo_metrics import locale
from pmo_metrics.evaluation import (
    PILLARS,
    Card,
    Headline,
    MetricResult,
    Scope,
    card,
    card_target,
    monthly_values,
)
from pmo_metrics.evaluation import metric as find_metric
from pmo_metrics.locale import month_name as month_label  # the report names months in full
from pmo_metrics.metrics import status
from pmo_metrics.metrics.plan import (
    split_table,
    whole_table,
)
from pmo_metrics.metrics.registry import Metric, MissingData
from pmo_metrics.metrics.source import Source
from pmo_metrics.periods import months_back

TREND_MONTHS = 12
INDICATOR_COLUMNS = ["service", "indicator", "metric", "target", "direction", "amber_threshold"]


def t(key: str, lang: str, **values: object) -> str:
    """The report's text ``key`` in ``lang``: ``report.<key>`` of the locale's one table."""
    return locale.t(f"report.{key}", lang, **values)


def trend_months(month: str, count: int = TREND_MONTHS) -> list[str]:
    """The ``count`` months ending with ``month``, oldest first."""
    return months_back(month, count)


def _present(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if hasattr(value, "__len__"):
        return len(value) > 0
    return value is not None and not pd.isna(value)


def _names(values: pd.Series) -> set[str]:
    return {str(v) for v in values.dropna() if str(v).strip()}


# --- the catalog, read once -----------------------------------------------------------------


@dataclass(frozen=True)
class Catalog:
    """The catalog and portfolio tables the report reads whole, once: services, applications
    and the services' indicators."""

    services: pd.DataFrame
    applications: pd.DataFrame
    indicators: pd.DataFrame  # columns INDICATOR_COLUMNS, by service and indicator

    @classmethod
    def read(cls, source: Source) -> Catalog:
        indicators = source.table("indicators")
        return cls(
            services=source.execute(source.table("services")),
            applications=source.execute(source.table("applications")),
            indicators=source.execute(
                indicators.select(*INDICATOR_COLUMNS).order_by(["service", "indicator"])
            ),
        )

    def record(self, table: str, key: str, name: str) -> dict[str, Any]:
        """The services or applications record of ``name`` without its empty fields ({} if
        none)."""
        frame = self.services if table == "services" else self.applications
        rows = frame[(frame[key] == name).to_numpy(dtype=bool)]
        if rows.empty:
            return {}
        return {str(k): v for k, v in rows.iloc[0].to_dict().items() if _present(v)}

    def indicators_of(self, service: str) -> pd.DataFrame:
        """The service's indicators (columns INDICATOR_COLUMNS)."""
        every = self.indicators
        return every[(every["service"] == service).to_numpy(dtype=bool)].reset_index(drop=True)

    def applications_of_service(self, service: str) -> list[str]:
        """The portfolio's applications of ``service``, in the portfolio's order."""
        apps = self.applications
        return [
            app
            for app, services in zip(apps["application"], apps["services"], strict=True)
            if services is not None and not isinstance(services, float) and service in services
        ]


def service_names(source: Source, catalog: Catalog | None = None) -> list[str]:
    """Catalog services and any service indicators or tickets name, in name order."""
    catalog = catalog or Catalog.read(source)
    tickets = source.table("tickets")
    names = _names(catalog.services["service"]) | _names(catalog.indicators["service"])
    names |= _names(source.execute(tickets.select("service").distinct())["service"])
    return sorted(names, key=str.casefold)


def application_names(source: Source, catalog: Catalog | None = None) -> list[str]:
    """Portfolio applications and whatever else work items and tickets resolve to (a Jira
    project or configuration item the portfolio does not map), in name order."""
    catalog = catalog or Catalog.read(source)
    names = _names(catalog.applications["application"])
    # what the work items and tickets resolve to, as portfolio health lists them (shared)
    names |= {str(v) for v in source.data_applications() if str(v).strip()}
    return sorted(names, key=str.casefold)


# --- the report's runs ------------------------------------------------------------------------


@dataclass
class Report:
    """What one report computes: each (metric, scope) once, and the catalog once."""

    source: Source
    month: str
    lang: str
    _runs: dict[tuple[str, Scope], MetricResult] = field(default_factory=dict)
    _catalog: Catalog | None = None

    @property
    def month_name(self) -> str:
        return month_label(self.month, self.lang)

    @property
    def months(self) -> list[str]:
        return trend_months(self.month)

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog.read(self.source)
        return self._catalog

    def filters(self, period: str | None = None, **scope: str | None) -> Scope:
        """The scope of the report month (or ``period``) with the given filters."""
        return Scope(period or self.month, **scope)

    def window(self, **scope: str | None) -> Scope:
        """The 12 months to the report month."""
        return self.filters(f"{self.months[0]}:{self.month}", **scope)

    def to_date(self, **scope: str | None) -> Scope:
        """Everything up to the end of the report month (cumulative figures)."""
        return self.filters(f":{self.month}", **scope)

    def run(self, name: str, scope: Scope) -> MetricResult:
        """The metric's table; each (metric, scope) is computed once per report, a service's
        or an application's from the whole portfolio's where the metric's plan says how
        (:func:`pmo_metrics.metrics.plan.split_table`: one query serves every sheet)."""
        key = (name, scope)
        if key not in self._runs:
            self._runs[key] = self._compute(name, scope)
        return self._runs[key]

    def _compute(self, name: str, scope: Scope) -> MetricResult:
        m = find_metric(name)
        if m is None:
            return MetricResult(pd.DataFrame(), f"the metric {name!r} is not available")
        filters = scope.filters()
        try:
            frame = split_table(self.source, name, filters)
            # Shared with the plans' own uses (values_by, the splits): one run per filters.
            return MetricResult(whole_table(self.source, m, filters) if frame is None else frame)
        except MissingData as exc:
            return MetricResult(pd.DataFrame(columns=list(m.columns)), str(exc))

    def monthly(self, name: str, months: Sequence[str], **scope: str | None) -> dict[str, Headline]:
        """The headline number of each of ``months`` (consecutive, oldest first), see
        :func:`pmo_metrics.evaluation.monthly_values` (in one query where the metric has a
        monthly plan)."""
        return monthly_values(self.run, name, self.filters(**scope), months, self.source)


# --- the Summary's key figures ----------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    pillar: str
    metric: Metric
    card: Card  # the month against the month before, as the dashboard's KPI card
    target: float | None
    status: str | None


def key_figures(report: Report) -> list[KeyFigure]:
    """Each pillar's headline metrics this month and the month before, judged where the
    catalog gives every service the same target for that metric."""
    indicators = report.catalog.indicators
    figures = []
    for pillar, names in PILLARS.items():
        for name in names:
            metric = find_metric(name)
            # Every month counts as loaded: the previous month's figure is shown as computed.
            figure = card(report.run, name, report.filters(), None)
            if metric is None or figure is None:
                continue
            # As the dashboard's KPI card on the whole portfolio: a target every service shares.
            judged = card_target(indicators, metric, report.filters())
            figures.append(
                KeyFigure(
                    pillar=t(pillar, report.lang),
                    metric=metric,
                    card=figure,
                    target=judged[0] if judged else None,
                    status=status.judge(figure.value, judged[0], metric.direction, judged[1])
                    if judged
                    else None,
                )
            )
    return figures
