"""The applications portfolio: open demand, and each application's health with the dimension
that set its colour.

Health judges nine dimensions per application, each the headline of a registry metric for that
application over the period: open demand, throughput, lead time P85, say/do, incidents opened,
SLA compliance, effort hours, cost variance and open high / critical risks. A dimension is
judged against the targets of the services the application belongs to: the indicators of those
services whose metric is the dimension's metric. With several, the strictest wins (the highest
target where higher is better, the lowest where lower is; on a tie the first service by name).
A dimension without such an indicator is grey and not judged; so is one without data. Health is
the worst judged dimension (grey when none is judged) and ``reason`` names the dimension(s) that
set it, e.g. "SLA compliance 82.0% < target 95%": written in English from ``reason_parts``, the
same reason free of language, which :func:`reason_text` writes in Spanish too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import ibis.expr.types as ir
import pandas as pd

from pmo_metrics import locale
from pmo_metrics.metrics import plan, registry, status
from pmo_metrics.metrics.common import as_frame, done_date, estimable_work, scoped_work_items
from pmo_metrics.metrics.common import timestamp as timestamp_literal
from pmo_metrics.metrics.registry import Metric, MissingData, metric
from pmo_metrics.metrics.source import Filters, Source

SCOPE = ("period", "service", "application", "team")
OPEN_DEMAND_COLUMNS = ("application", "open_items")
NO_WORK_ITEMS = (
    "no work items: open demand needs a Jira or Azure DevOps export; upload one on the Data page "
    "or with `python -m pmo_metrics import FILE`"
)


@dataclass(frozen=True)
class Dimension:
    """A health dimension: the registry metric it shows. Every application's value comes from
    one ``plan.values_by(metric, ..., "application", applications)`` (a test pins that it equals the
    headline asked per application)."""

    column: str
    metric: str

    def name(self, lang: str) -> str:
        """The dimension as a reason names it, in ``lang``."""
        return locale.health_dimension(self.column, lang)

    @property
    def label(self) -> str:
        return self.name("en")


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("open_demand", "open-demand"),
    Dimension("throughput", "throughput"),
    Dimension("lead_time_p85", "lead-time"),
    Dimension("say_do", "say-do"),
    Dimension("incidents_opened", "tickets-opened"),
    Dimension("sla_compliance", "sla-compliance"),
    Dimension("effort_hours", "effort"),
    Dimension("cost_variance_pct", "budget-variance"),
    Dimension("open_high_risks", "open-high-risks"),
)  # fmt: skip
_BY_COLUMN = {d.column: d for d in DIMENSIONS}
HEALTH_COLUMNS = (
    "application", "status", "icon", "reason", "reason_parts",
    *(c for d in DIMENSIONS for c in (d.column, f"{d.column}_status")),
)  # fmt: skip

# Units written after a number in a reason; counts and ratios read fine bare.
_SPELLED_UNITS = ("%", "h", "days", "pts", "EUR")


# --- open demand ---------------------------------------------------------------------------------


def open_demand(items: ir.Table, filters: Filters) -> ir.Table:
    """Work items open at the as-of moment (created before it and not Done by then), epics and
    sub-tasks excluded, per application. Columns: application, open_items."""
    work = estimable_work(items)
    as_of = timestamp_literal(filters.as_of)
    finished = done_date(work)
    done_by = (work.status_category == "Done") & (finished.isnull() | (finished < as_of))
    open_ = work.filter((work.created.isnull() | (work.created < as_of)) & ~done_by)
    return open_.group_by("application").aggregate(open_items=open_.count()).order_by("application")


@metric(
    name="open-demand",
    label="Open demand",
    unit="items",
    direction="neutral",
    definition="Work items open at the end of the period (created by then and not Done by "
    "then), epics and sub-tasks excluded, per application; headline: how many.",
    family="portfolio",
    columns=OPEN_DEMAND_COLUMNS,
    needs=("work_items", "applications"),
    dimensions=SCOPE,
    headline=lambda frame: float(frame["open_items"].sum()),
    empty_value=0.0,
)
def open_demand_metric(source: Source, filters: Filters) -> pd.DataFrame:
    if source.count("work_items") == 0:
        raise MissingData(NO_WORK_ITEMS)
    expr = open_demand(scoped_work_items(source, filters), filters)
    return as_frame(source.execute(expr), OPEN_DEMAND_COLUMNS)


plan.per_key("open-demand", groups=("application",), services_from_applications=True)


# --- health --------------------------------------------------------------------------------------


def dimension_values(
    source: Source, dim: Dimension, applications: list[str], period: Filters
) -> dict[str, float | None]:
    """Each application's value of ``dim`` over ``period``: the metric's headline for that
    application (None without data), all in one pass. Portfolio health declares the
    dimensions' metrics in its ``uses``."""
    m = cast(Metric, registry.used("portfolio-health", dim.metric))  # declared: registered
    try:
        return plan.values_by(m, source, period, "application", applications)
    except MissingData:
        return {}


def strictest_target(candidates: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """Of several indicators (rows with service, target, direction, amber_threshold) on one
    metric, the hardest to meet (see the module docstring); None when there are none."""
    ordered = sorted(candidates, key=lambda row: row["service"])  # stable: ties keep their order
    if not ordered:
        return None
    way = str(ordered[0]["direction"]).strip().lower()
    same = [row for row in ordered if str(row["direction"]).strip().lower() == way]
    pick = max if way == "higher" else min  # either gives the first of equal targets
    return pick(same, key=lambda row: row["target"])


# A dimension as judged for one application: its value, its target (indicator row), status.
Judged = tuple[Dimension, float | None, Mapping[str, Any] | None, str]


def explain(judged: list[Judged]) -> str:
    """Why an application has its health, as language-free parts (JSON, the table's
    ``reason_parts``) that :func:`reason_text` writes in either language: the dimensions that
    set a red or amber colour, each with its value, ``<`` or ``>``, its target and unit; or
    how many dimensions are on target; or why nothing was judged."""
    health = status.worst(s for *_, s in judged)
    if health in (status.RED, status.AMBER):
        misses = []
        for dim, value, target, s in judged:
            if s != health:
                continue
            # Red or amber: judged, so the dimension has a value and a target.
            value, target = cast(float, value), cast(Mapping[str, Any], target)
            unit = cast(Metric, registry.used("portfolio-health", dim.metric)).unit  # declared
            op = "<" if str(target["direction"]).strip().lower() == "higher" else ">"
            misses.append([dim.column, float(value), op, float(target["target"]), unit])
        return json.dumps({"misses": misses})
    if health == status.GREEN:
        return json.dumps({"on_target": sum(1 for *_, s in judged if s == status.GREEN)})
    judged_any = any(t is not None for _, _, t, _ in judged)
    return json.dumps({"not_judged": "no_data" if judged_any else "no_indicator"})


def reason_text(parts: object, lang: str) -> str | None:
    """A health reason written from its parts (:func:`explain`) in ``lang``: ``SLA
    compliance 80.8% < target 90%``, ``Cumplimiento ANS 80,8 % < objetivo 90 %``; None without
    parts (an empty table's gap)."""
    if not isinstance(parts, str) or not parts:
        return None
    reason = json.loads(parts)
    if "on_target" in reason:
        return locale.t("health_on_target", lang, n=reason["on_target"])
    if "not_judged" in reason:
        return locale.t(f"health_{reason['not_judged']}", lang)
    return "; ".join(
        locale.t(
            "health_miss",
            lang,
            dimension=_BY_COLUMN[column].name(lang),
            value=_written(value, unit, lang),
            op=op,
            target=_target(target, unit, lang),
        )
        for column, value, op, target, unit in reason["misses"]
    )


def health_reason(row: Mapping[str, Any], lang: str) -> str | None:
    """The reason of one row of the portfolio-health table, in ``lang``."""
    return reason_text(row["reason_parts"] if "reason_parts" in row else None, lang)


def _written(value: float, unit: str | None, lang: str) -> str:
    """A dimension's value as a reason writes it: 80.8%, 0.91, 1,234.5 h (80,8 %, 0,91,
    1.234,5 h); counts whole, ratios with two decimals."""
    if unit in _SPELLED_UNITS and lang == "es":
        return locale.quantity(value, unit, lang)
    decimals = 2 if unit == "ratio" else 1 if unit == "%" or not value.is_integer() else 0
    text = locale.number(value, decimals, lang)
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}" if unit in _SPELLED_UNITS else text


def _target(value: float, unit: str | None, lang: str) -> str:
    """A target as the catalog states it, without trailing zeros: 90%, 0.85, 60 days (90 %,
    0,85, 60 días)."""
    text = f"{value:g}".replace(".", ",") if lang == "es" else f"{value:g}"
    if unit == "%":
        return f"{text} %" if lang == "es" else f"{text}%"
    if unit not in _SPELLED_UNITS:
        return text
    return f"{text} {locale.unit_label(unit, lang)}" if lang == "es" else f"{text} {unit}"


def portfolio_applications(source: Source, filters: Filters) -> pd.DataFrame:
    """The portfolio's applications in scope with their services. Columns: application,
    services."""
    apps = source.table("applications")
    apps = source.filter_scope(apps, Filters(application=filters.application, team=filters.team))
    if filters.service:
        apps = apps.filter(apps.services.contains(filters.service))
    return source.execute(apps.select("application", "services"))


def portfolio_health(source: Source, filters: Filters) -> pd.DataFrame:
    """Each application's health and dimensions. Columns: HEALTH_COLUMNS."""
    period = Filters(start=filters.start, end=filters.end)
    portfolio = portfolio_applications(source, filters)
    apps: Iterable[Any] = portfolio.itertuples()  # application, services
    services_of: dict[str, list[str]] = {r.application: _as_list(r.services) for r in apps}
    applications = sorted(set(services_of) | _applications_with_data(source, filters, period))
    if not applications:
        return as_frame(pd.DataFrame(), HEALTH_COLUMNS)
    indicators = cast(  # rows keyed by the indicators table's column names
        list[dict[str, Any]], source.execute(source.table("indicators")).to_dict("records")
    )
    rows: dict[str, dict[str, Any]] = {a: {"application": a} for a in applications}
    judged: dict[str, list[Judged]] = {a: [] for a in applications}
    for dim in DIMENSIONS:
        values = dimension_values(source, dim, applications, period)
        on_metric = [row for row in indicators if row["metric"] == dim.metric]
        # apps often share their services: one target per set of services
        targets: dict[tuple[str, ...], Mapping[str, Any] | None] = {}
        for a in applications:
            value = values.get(a)
            mine = tuple(services_of.get(a, []))
            if mine not in targets:
                targets[mine] = strictest_target(row for row in on_metric if row["service"] in mine)
            target = targets[mine]
            s = status.GREY if target is None else status.judge(
                value, target["target"], target["direction"], target["amber_threshold"]
            )  # fmt: skip
            rows[a][dim.column] = value
            rows[a][f"{dim.column}_status"] = s
            judged[a].append((dim, value, target, s))
    for a in applications:
        health = status.worst(s for *_, s in judged[a])
        parts = explain(judged[a])
        rows[a].update(
            status=health, icon=status.icon(health), reason=reason_text(parts, "en"),
            reason_parts=parts,
        )  # fmt: skip
    return as_frame(pd.DataFrame(list(rows.values())), HEALTH_COLUMNS)


def _as_list(services: Any) -> list[str]:  # a list, an array, a string, None or NaN
    if services is None or isinstance(services, float):  # NULL comes back as None or NaN
        return []
    return [services] if isinstance(services, str) else [str(s) for s in services]


def _applications_with_data(source: Source, filters: Filters, period: Filters) -> set[str]:
    """Applications outside the portfolio that have data (a Jira project, an ADO project, a
    configuration item), only when no service / team filter narrows to portfolio ones."""
    if filters.service or filters.team:
        return set()
    names = set(source.data_applications())
    if filters.application:
        names &= {filters.application}
    return names


def share_green(frame: pd.DataFrame) -> float | None:
    judged = frame[frame["status"] != status.GREY]
    return None if judged.empty else float((judged["status"] == status.GREEN).mean() * 100)


@metric(
    name="portfolio-health",
    label="Portfolio health",
    unit="%",
    direction="higher",
    definition="Per application: open demand, throughput, lead time P85, say/do, incidents "
    "opened, SLA compliance, effort hours, cost variance and open high / critical risks, each "
    "judged against the strictest target of the application's services (grey without a target "
    "or data); health is the worst judged dimension, and the reason names it. Headline: share "
    "of judged applications that are green.",
    family="portfolio",
    notes=(
        "Each dimension is judged against the indicators of the application's services whose "
        "metric is that dimension's metric; with several services the strictest target wins. "
        "The portfolio page names the dimension that set the colour."
    ),
    columns=HEALTH_COLUMNS,
    needs=("applications", "indicators", "work_items", "tickets", "effort", "costs", "risks"),
    dimensions=SCOPE,
    uses=tuple(d.metric for d in DIMENSIONS),
    headline=share_green,
)
def portfolio_health_metric(source: Source, filters: Filters) -> pd.DataFrame:
    return portfolio_health(source, filters)
