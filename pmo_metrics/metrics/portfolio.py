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
set it, e.g. "SLA compliance 82.0% < target 95%".
"""

from __future__ import annotations

import re
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
    label: str
    metric: str


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("open_demand", "Open demand", "open-demand"),
    Dimension("throughput", "Throughput", "throughput"),
    Dimension("lead_time_p85", "Lead time P85", "lead-time"),
    Dimension("say_do", "Say/do ratio", "say-do"),
    Dimension("incidents_opened", "Incidents opened", "tickets-opened"),
    Dimension("sla_compliance", "SLA compliance", "sla-compliance"),
    Dimension("effort_hours", "Effort", "effort"),
    Dimension("cost_variance_pct", "Cost variance", "budget-variance"),
    Dimension("open_high_risks", "Open high and critical risks", "open-high-risks"),
)  # fmt: skip
HEALTH_COLUMNS = (
    "application", "status", "icon", "reason",
    *(c for d in DIMENSIONS for c in (d.column, f"{d.column}_status")),
)  # fmt: skip

# Units written after a number in a reason; counts and ratios read fine bare.
_SPELLED_UNITS = {"h": " h", "days": " days", "pts": " pts", "EUR": " EUR"}


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


def _number(value: float, unit: str | None) -> str:
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "ratio":
        return f"{value:.2f}"
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    return text + _SPELLED_UNITS.get(unit or "", "")


def _target(value: float, unit: str | None) -> str:
    return f"{value:g}" + ("%" if unit == "%" else _SPELLED_UNITS.get(unit or "", ""))


# A dimension as judged for one application: its value, its target (indicator row), status.
Judged = tuple[Dimension, float | None, Mapping[str, Any] | None, str]


def explain(judged: list[Judged]) -> str:
    """Why an application has its health: the dimensions that set the colour, in English (the
    metric's table is one for every language; :func:`reason_in` says it in another)."""
    health = status.worst(s for *_, s in judged)
    if health in (status.RED, status.AMBER):
        parts = []
        for dim, value, target, s in judged:
            if s != health:
                continue
            # Red or amber: judged, so the dimension has a value and a target.
            value, target = cast(float, value), cast(Mapping[str, Any], target)
            unit = cast(Metric, registry.used("portfolio-health", dim.metric)).unit  # declared
            op = "<" if str(target["direction"]).strip().lower() == "higher" else ">"
            parts.append(
                f"{dim.label} {_number(value, unit)} {op} target {_target(target['target'], unit)}"
            )
        return "; ".join(parts)
    with_target = [t for _, _, t, _ in judged if t is not None]
    if health == status.GREEN:
        n = sum(1 for *_, s in judged if s == status.GREEN)
        return _ON_TARGET.format(n=n)
    if not with_target:
        return _NO_INDICATOR
    return _NO_DATA


_ON_TARGET = "all {n} dimension(s) with a target on target"
_NO_INDICATOR = "not judged: its services have no indicator on these dimensions"
_NO_DATA = "not judged: no data for the dimensions with a target"
# The reasons that are sentences, in Spanish; a judged dimension's part is rebuilt from its
# value and target (_part_in).
_SENTENCES_ES = {
    _NO_INDICATOR: "sin evaluar: sus servicios no tienen indicadores en estas dimensiones",
    _NO_DATA: "sin evaluar: sin datos en las dimensiones con objetivo",
}
_ON_TARGET_ES = "las {n} dimensiones con objetivo, en objetivo"
# A dimension's name in a Spanish reason, by its column (the heat map's headers, without the
# unit they carry: the reason writes the unit after the number).
_DIMENSIONS_ES = {
    "open_demand": "Demanda abierta",
    "throughput": "Rendimiento",
    "lead_time_p85": "Tiempo de entrega P85",
    "say_do": "Ratio say/do",
    "incidents_opened": "Incidencias abiertas",
    "sla_compliance": "Cumplimiento ANS",
    "effort_hours": "Esfuerzo",
    "cost_variance_pct": "Desviación de coste",
    "open_high_risks": "Riesgos altos y críticos abiertos",
}
_PART = re.compile(
    r"^(?P<value>-?[\d,]+(?:\.\d+)?)(?P<unit>%| h| days| pts| EUR)? (?P<op>[<>]) target "
    r"(?P<target>-?[\d.e+-]+)(?:%| h| days| pts| EUR)?$"
)


def reason_in(reason: object, lang: str) -> object:
    """A health reason of :func:`explain` in ``lang``: ``SLA compliance 80.8% < target 90%``
    is ``Cumplimiento ANS 80,8 % < objetivo 90 %`` in Spanish. English, and anything that is
    not such a reason, comes back as it is."""
    if lang != "es" or not isinstance(reason, str):
        return reason
    if reason in _SENTENCES_ES:
        return _SENTENCES_ES[reason]
    on_target = re.fullmatch(re.escape(_ON_TARGET).replace(r"\{n\}", r"(\d+)"), reason)
    if on_target:
        return _ON_TARGET_ES.format(n=on_target.group(1))
    parts = [_part_in(part) for part in reason.split("; ")]
    return reason if None in parts else "; ".join(cast(list[str], parts))


def _part_in(part: str) -> str | None:
    """One judged dimension's part of a reason in Spanish; None if ``part`` is not one."""
    for dim in DIMENSIONS:
        if not part.startswith(f"{dim.label} "):
            continue
        found = _PART.match(part[len(dim.label) + 1 :])
        if found is None:
            return None
        unit = (found["unit"] or "").strip()
        value = float(found["value"].replace(",", ""))
        written = locale.quantity(value, unit or "", "es") if unit else _number_es(value, dim)
        aim = _target_es(float(found["target"]), unit)
        return f"{_DIMENSIONS_ES[dim.column]} {written} {found['op']} objetivo {aim}"
    return None


def _number_es(value: float, dim: Dimension) -> str:
    """A bare number of a reason (a count, a ratio) as Spanish writes it."""
    unit = cast(Metric, registry.used("portfolio-health", dim.metric)).unit  # declared
    decimals = 2 if unit == "ratio" else 0 if value.is_integer() else 1
    return locale.number(value, decimals, "es")


def _target_es(value: float, unit: str) -> str:
    """A target as :func:`_target` writes it (no trailing zeros), in Spanish: 90 %, 0,85."""
    text = f"{value:g}".replace(".", ",")
    if unit == "%":
        return f"{text} %"
    return f"{text} {locale.unit_label(unit, 'es')}" if unit else text


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
        rows[a].update(status=health, icon=status.icon(health), reason=explain(judged[a]))
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
