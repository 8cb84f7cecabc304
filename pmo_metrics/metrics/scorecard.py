"""The services catalog scorecard: each indicator's value against its target, each service's
status, and the indicators month by month.

An indicator's value is the headline number of its registry metric for the service over the
filter's period (``Metric.value(source, Filters(service=..., period))``), computed for every
service at once with ``plan.values_by(metric, ..., "service", services)``: one run per metric (and
month, for the trend) instead of one per service and indicator. Its status follows
:mod:`pmo_metrics.metrics.status`: green meets the target, amber misses it within the amber
threshold, red otherwise, grey without data (no value, a metric the registry does not know, or
a metric whose data is not loaded). A service's status is its worst judged indicator; a grey
indicator never hides the others, and a service is grey only when every indicator is grey (or
it has none). The share on target is green indicators / indicators with data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from pmo_metrics.metrics import plan, registry, status
from pmo_metrics.metrics.common import as_frame
from pmo_metrics.metrics.registers import as_of_day, require_rows
from pmo_metrics.metrics.registry import ANY_HEADLINE, MissingData, metric
from pmo_metrics.metrics.source import Filters, Source, next_month
from pmo_metrics.periods import month_first_day

SCOPE = ("period", "service", "application", "team")
TREND_MONTHS = 12

SCORECARD_COLUMNS = (
    "service", "indicator", "metric", "unit", "value", "target", "direction", "amber_threshold",
    "status", "icon", "word", "service_status",
)  # fmt: skip
SERVICE_STATUS_COLUMNS = (
    "service", "status", "icon", "word", "indicators", "judged", "on_target", "on_target_pct",
)  # fmt: skip
TREND_COLUMNS = (
    "service", "indicator", "metric", "month", "value", "target", "direction", "amber_threshold",
    "status",
)  # fmt: skip


@dataclass(frozen=True)
class Indicator:
    service: str
    indicator: str
    metric: str
    target: float
    direction: str
    amber_threshold: float | None


def indicator_value(source: Source, metric_name: str, filters: Filters) -> float | None:
    """The headline of ``metric_name`` for ``filters``; None when the registry does not know
    the metric, it has no headline number, or its data is not loaded."""
    m = registry.used("scorecard", metric_name)
    if m is None:
        return None
    try:
        value = m.value(source, filters)
    except MissingData:
        return None
    return None if value is None or pd.isna(value) else float(value)


def indicator_values(
    source: Source, indicators: list[Indicator], period: Filters
) -> dict[tuple[str, str], float | None]:
    """Every indicator's value over ``period``, keyed (metric, service): each metric's headline
    for all the services that have an indicator on it, in one ``values_by`` (two indicators of a
    service on one metric, with different targets, share the value). None as in
    :func:`indicator_value`."""
    services_of: dict[str, list[str]] = {}
    for ind in indicators:
        services_of.setdefault(ind.metric, []).append(ind.service)
    values: dict[tuple[str, str], float | None] = {}
    for name, services in services_of.items():
        m = registry.used("scorecard", name)
        try:
            found = plan.values_by(m, source, period, "service", services) if m else {}
        except MissingData:
            found = {}
        values.update({(name, s): found.get(s) for s in services})
    return values


def services_in_scope(source: Source, filters: Filters) -> ir.Table:
    """Names of the services selected: the service filter, or the services of the selected
    application / team in the portfolio. Columns: service."""
    services = source.table("services").select("service")
    indicators = source.table("indicators").select("service")
    every = services.union(indicators)
    if filters.service:
        every = every.filter(every.service == filters.service)
    if filters.application or filters.team:
        apps = source.table("applications")
        if filters.application:
            apps = apps.filter(apps.application == filters.application)
        if filters.team:
            apps = apps.filter(apps.team == filters.team)
        every = every.filter(every.service.isin(apps.select(s=apps.services.unnest()).s))
    return every


def indicators_in_scope(source: Source, filters: Filters) -> list[Indicator]:
    require_rows(source, "indicators", "The scorecard")
    ind = source.table("indicators")
    ind = ind.filter(ind.service.isin(services_in_scope(source, filters).service))
    frame = source.execute(ind.order_by(["service", "indicator"]))
    rows: Iterable[Any] = frame.itertuples()  # the indicators table's columns
    return [
        Indicator(
            service=r.service,
            indicator=r.indicator,
            metric=r.metric,
            target=float(r.target),
            direction=str(r.direction),
            amber_threshold=None if pd.isna(r.amber_threshold) else float(r.amber_threshold),
        )
        for r in rows
    ]


def _unit(metric_name: str) -> str | None:
    m = registry.used("scorecard", metric_name)
    return m.unit if m else None


def scorecard(source: Source, filters: Filters) -> pd.DataFrame:
    """Every indicator of the selected services judged over the filter's period.
    Columns: SCORECARD_COLUMNS (status in green / amber / red / grey; icon and word from
    :mod:`status`; service_status = the service's worst indicator)."""
    period = Filters(start=filters.start, end=filters.end)
    indicators = indicators_in_scope(source, filters)
    values = indicator_values(source, indicators, period)
    rows = []
    for ind in indicators:
        value = values[ind.metric, ind.service]
        judged = status.judge(value, ind.target, ind.direction, ind.amber_threshold)
        rows.append({
            "service": ind.service, "indicator": ind.indicator, "metric": ind.metric,
            "unit": _unit(ind.metric), "value": value, "target": ind.target,
            "direction": ind.direction, "amber_threshold": ind.amber_threshold,
            "status": judged, "icon": status.icon(judged), "word": status.word(judged),
        })  # fmt: skip
    if not rows:
        return as_frame(pd.DataFrame(), SCORECARD_COLUMNS)
    frame = pd.DataFrame(rows)
    frame["service_status"] = frame.groupby("service")["status"].transform(status.worst)
    return as_frame(frame, SCORECARD_COLUMNS)


def service_status(card: pd.DataFrame, services: list[str]) -> pd.DataFrame:
    """Per service: its status (worst indicator), how many indicators, how many with data, how
    many on target and on_target_pct = on target / with data x 100. Services without indicators
    are listed grey. Columns: SERVICE_STATUS_COLUMNS."""
    statuses: dict[str, list[str]] = {}
    for service, judged_as in zip(card["service"].tolist(), card["status"].tolist(), strict=True):
        statuses.setdefault(service, []).append(judged_as)
    rows = []
    for service in sorted(set(services) | set(statuses)):
        mine = statuses.get(service, [])
        judged = sum(1 for s in mine if s != status.GREY)
        on_target = sum(1 for s in mine if s == status.GREEN)
        worst = status.worst(mine)
        rows.append({
            "service": service, "status": worst, "icon": status.icon(worst),
            "word": status.word(worst), "indicators": len(mine), "judged": judged,
            "on_target": on_target,
            "on_target_pct": on_target / judged * 100 if judged else None,
        })  # fmt: skip
    return as_frame(pd.DataFrame(rows), SERVICE_STATUS_COLUMNS)


def trend_months(filters: Filters, *, months: int = TREND_MONTHS) -> list[date]:
    """First days of the filter's months, else of the last ``months`` months up to today's."""
    if filters.start and filters.end:
        first, end = filters.start, filters.end
    else:
        end = next_month(as_of_day(filters).replace(day=1))
        first = month_first_day(end, -months)
    out, month = [], first
    while month < end:
        out.append(month)
        month = next_month(month)
    return out


def scorecard_trend(source: Source, filters: Filters) -> pd.DataFrame:
    """Each indicator's value and status month by month. Columns: TREND_COLUMNS."""
    rows = []
    indicators = indicators_in_scope(source, filters)
    for month in trend_months(filters):
        values = indicator_values(source, indicators, Filters(start=month, end=next_month(month)))
        for ind in indicators:
            value = values[ind.metric, ind.service]
            rows.append({
                "service": ind.service, "indicator": ind.indicator, "metric": ind.metric,
                "month": pd.Timestamp(month), "value": value, "target": ind.target,
                "direction": ind.direction, "amber_threshold": ind.amber_threshold,
                "status": status.judge(value, ind.target, ind.direction, ind.amber_threshold),
            })  # fmt: skip
    if not rows:
        return as_frame(pd.DataFrame(), TREND_COLUMNS)
    frame = pd.DataFrame(rows).sort_values(["service", "indicator", "month"], kind="stable")
    return as_frame(frame, TREND_COLUMNS)


def share_on_target(frame: pd.DataFrame) -> float | None:
    """Green indicators / indicators with data x 100."""
    judged = frame[frame["status"] != status.GREY]
    return None if judged.empty else float((judged["status"] == status.GREEN).mean() * 100)


def _service_share(frame: pd.DataFrame) -> float | None:
    judged = float(frame["judged"].sum())
    return None if judged == 0 else float(frame["on_target"].sum()) / judged * 100


_STATUS_RULE = (
    "green meets the target (≥ when higher is better, ≤ when lower), amber misses it within the "
    "amber threshold, red otherwise, grey without data"
)


@metric(
    name="scorecard",
    label="Services scorecard",
    unit="%",
    direction="higher",
    definition="Each service indicator's value over the period against its target: "
    + _STATUS_RULE
    + "; a service's status is its worst indicator. Headline: share of indicators with data "
    "that are on target.",
    family="scorecard",
    columns=SCORECARD_COLUMNS,
    needs=("indicators", "services"),
    dimensions=SCOPE,
    uses=(ANY_HEADLINE,),
    headline=share_on_target,
)
def scorecard_metric(source: Source, filters: Filters) -> pd.DataFrame:
    return scorecard(source, filters)


@metric(
    name="service-status",
    label="Service status",
    unit="%",
    direction="higher",
    definition="Each service's status, the worst of its indicators (grey only if none has "
    "data), with the share of its indicators on target among those with data.",
    family="scorecard",
    notes=(
        "A grey indicator never hides the others: a service is grey only when every indicator "
        "is grey (or it has none)."
    ),
    columns=SERVICE_STATUS_COLUMNS,
    needs=("indicators", "services"),
    dimensions=SCOPE,
    uses=(ANY_HEADLINE,),
    headline=_service_share,
)
def service_status_metric(source: Source, filters: Filters) -> pd.DataFrame:
    card = scorecard(source, filters)
    services = source.execute(services_in_scope(source, filters))["service"].dropna()
    return service_status(card, list(services))


@metric(
    name="scorecard-trend",
    label="Scorecard trend",
    unit="%",
    direction="higher",
    definition="Each service indicator's value and status in each month of the period (the last "
    "12 months by default): " + _STATUS_RULE + ". Headline: share on target.",
    family="scorecard",
    columns=TREND_COLUMNS,
    needs=("indicators", "services"),
    dimensions=SCOPE,
    uses=(ANY_HEADLINE,),
    headline=share_on_target,
)
def scorecard_trend_metric(source: Source, filters: Filters) -> pd.DataFrame:
    return scorecard_trend(source, filters)
