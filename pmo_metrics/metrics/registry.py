"""The metric registry: each metric's name, label, unit, direction, definition and dimensions.

Pages, the command line and the report read labels and definitions from here; nothing restates
them. A metric registers itself with :func:`metric`, decorating the function that computes its
tidy table from a :class:`~pmo_metrics.metrics.source.Source` and :class:`Filters`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, cast

import pandas as pd

from pmo_metrics.metrics.source import Filters, Source

Direction = Literal["higher", "lower", "neutral"]
Compute = Callable[[Source, Filters], pd.DataFrame]
Headline = Callable[[pd.DataFrame], float | None]

# The sections of docs/METRICS.md, in the order a PMO reads them: family -> (title, what holds
# for every metric of the family). Every metric's family must be here (tests/test_docs.py).
FAMILIES: dict[str, tuple[str, str]] = {
    "delivery": (
        "Delivery (sprints)",
        "As in Jira's velocity chart and Azure DevOps' velocity report. Only stories, tasks, bugs "
        "and the like count: epics never, and sub-tasks never carry points (their parent does). "
        "An item's last sprint is the last of its sprints in sprint order, not the export's "
        "column order. Sprints sort by the calendar's start dates where the calendar dates every "
        "sprint of the team, else by name in natural order (Sprint 2 before Sprint 10).",
    ),
    "flow": (
        "Flow",
        "Every work item but epics counts, sub-tasks included (as on Jira's Control Chart and "
        "Cumulative Flow Diagram); flow counts items, not points. An item's done date is its "
        "resolution date (Jira `Resolved`, Azure DevOps `Closed Date`), else the date it entered "
        "Done (`Status Category Changed`).",
    ),
    "service_levels": (
        "Service levels (ITSM)",
        "A ticket that appears in several rows (an event-log export) is one ticket: its last "
        "state counts, so every count here counts tickets, not rows.",
    ),
    "scorecard": (
        "Services catalog scorecard",
        "Each service has indicators, each with a metric of this registry, a target, a direction "
        "(higher or lower is better) and an amber threshold (the boundary between amber and "
        "red). An indicator's value is its metric's headline for the service over the period. "
        "Values equal to 9 significant digits count as equal, so 19 / 20 x 100 meets a target "
        "of 95.",
    ),
    "portfolio": (
        "Portfolio (per application)",
        "A work item's application is the portfolio application whose Jira or Azure DevOps "
        "project is the item's project, else the project itself; a ticket's is the application "
        "whose configuration item it names.",
    ),
    "finance": (
        "Finance (earned value)",
        "The costs sheet gives, per application and month, the month's budget and actual cost, "
        "and the planned value, earned value (or % complete) and BAC to date. AC = the running "
        "sum of the monthly actual; PV = planned value, else the running sum of the monthly "
        "budget; EV = earned value, else % complete / 100 x BAC; BAC = the month's, else the "
        "application's BAC given in any month. Running sums start at the application's first "
        "month whatever the period: to date means to date.",
    ),
    "effort": ("Effort", "Timesheet hours, and capacity where the capacity sheet gives it."),
    "risks": (
        "Risks",
        "Score = probability (1–5) x impact (1–5); bands 1–4 low, 5–9 medium, 10–15 high, 16–25 "
        "critical. A risk counts once raised by the as-of day (or with no raised date) and is "
        "open unless closed on or before that day; a mitigation due on the day itself is not "
        "overdue.",
    ),
    "improvement": (
        "Continuous improvement",
        "A cancelled action is never closed, on time or late. An action marked closed without a "
        "closing date counts as closed.",
    ),
    "rollout": (
        "PMO rollout",
        "The PMO is itself delivered as an agile project: its backlog is the work of the "
        "applications the portfolio marks as the PMO's (`is_pmo`), documentary deliverables and "
        "service launches; its progress is the deliverables obtained and the services launched.",
    ),
    "stakeholders": (
        "Stakeholders",
        "Engagement levels as in PMBOK's stakeholder engagement assessment matrix: 1 unaware, "
        "2 resistant, 3 neutral, 4 supportive, 5 leading.",
    ),
}

# What holds for every metric (docs/METRICS.md opens with these).
RULES: tuple[str, ...] = (
    "Time is the export's local time; months are calendar months; weeks start on Monday.",
    "A period is a month or a range of months. States (open, overdue, in progress) are judged "
    "on the as-of day: the period's last day, or today when no period is selected.",
    "A work item's status category (To Do, In Progress, Done) is the export's `Status Category` "
    "where present, else its status name mapped: Done, Closed, Resolved, Completed, Hecho, "
    "Cerrado, Finalizado, Resuelto, ... -> Done; In Progress, Active, In Review, QA, Testing, "
    "En curso, ... -> In Progress; everything else -> To Do, an unknown status with a warning "
    "at import. Case and accents do not matter; the full mapping is STATUS_CATEGORY in the "
    "work-item reader (pmo_metrics/readers/workitems.py), and it is configurable there.",
    "Epics are never counted as work; sub-tasks never count estimates (their parent does), as in "
    "Jira's velocity chart.",
    "Percentiles use linear interpolation (numpy's default).",
    "A metric that cannot be computed from the data loaded says so, naming the data it needs, "
    "instead of substituting another metric (cycle time is never replaced by lead time).",
    "Service, application and team filters reach the registers (costs, effort, risks, actions, "
    "stakeholders), which carry no team, through the portfolio: a team selects its "
    "applications; a service selects its own rows and the rows of its applications that name "
    "no service.",
)


class MissingData(LookupError):
    """A metric cannot be computed from what is loaded; the message says which data it needs."""


@dataclass(frozen=True)
class Metric:
    name: str  # command-line name, e.g. "velocity"
    label: str  # e.g. "Sprint velocity"
    unit: str  # pts, %, days, h, items, tickets, EUR, ratio, score
    direction: Direction  # which way is better
    definition: str  # one or two sentences, shown next to the number; docs/METRICS.md prints it
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
    # Traps and context the definition has no room for: the tool whose number it matches, what
    # it is not, what it needs to be computed. docs/METRICS.md prints them under the definition.
    notes: str = ""
    # The metrics whose values this one reads (portfolio health's dimensions), by name; a
    # metric reaches another only through :func:`used`, which checks this declaration.
    # ``(ANY_HEADLINE,)``: any metric with a headline, named by data (the scorecard's
    # indicators name their metrics in the services catalog).
    uses: tuple[str, ...] = ()

    # How the metric's value per service, application or team is computed in one pass is its
    # plan (pmo_metrics.metrics.plan.per_key, values_by); docs/METRICS.md reads it here.
    @property
    def groups(self) -> tuple[str, ...]:
        return cast(tuple[str, ...], getattr(KEY_PLANS.get(self.name), "groups", ()))

    @property
    def services_from_applications(self) -> bool:
        return bool(getattr(KEY_PLANS.get(self.name), "services_from_applications", False))

    @property
    def grouped(self) -> object | None:
        return getattr(KEY_PLANS.get(self.name), "grouped", None)

    def value(self, source: Source, filters: Filters | None = None) -> float | None:
        """The headline number for a selection (service, application, team, period)."""
        if self.headline is None:
            raise TypeError(f"metric {self.name!r} has no headline number")
        frame = self.run(source, filters)
        return self.empty_value if frame.empty else self.headline(frame)

    def run(self, source: Source, filters: Filters | None = None) -> pd.DataFrame:
        """Compute the metric, guaranteeing the documented columns (empty table if no rows)."""
        compute = cast(Compute, self.compute)  # metric() always sets it
        frame = compute(source, filters or Filters())
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            raise AssertionError(f"{self.name} did not return columns {missing}")
        return frame[list(self.columns)]


REGISTRY: dict[str, Metric] = {}
# Each metric's per-key plan (pmo_metrics.metrics.plan.KeyPlan), filled by plan.per_key: the
# registry only holds it, so that Metric can show it without importing the plans.
KEY_PLANS: dict[str, Any] = {}


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


ANY_HEADLINE = "*"  # in ``uses``: any registered metric with a headline number


def used(user: str, name: str) -> Metric | None:
    """The metric ``name`` as metric ``user`` reads it, checked against ``user``'s ``uses``.

    A name ``user`` declares gives that metric. Under ``uses=(ANY_HEADLINE,)``, any name
    gives the registered metric if it has a headline, else None (a catalog indicator naming a
    metric the registry does not know, or one without a number: the indicator is grey).
    A name ``user`` does not declare is a bug in ``user``: ValueError.
    """
    declared = get(user).uses
    if name in declared:
        return get(name)
    if ANY_HEADLINE in declared:
        found = REGISTRY.get(name)
        return found if found is not None and found.headline is not None else None
    raise ValueError(f"metric {user!r} reads {name!r} without declaring it in uses=")


def all_metrics() -> list[Metric]:
    load_all()
    return sorted(REGISTRY.values(), key=lambda m: (m.family, m.name))


def empty(columns: tuple[str, ...] | list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


_loaded = False  # every family module imported (get() asks on every call: a folder scan)


def load_all() -> None:
    """Import every metric family module so that each registers its metrics."""
    global _loaded
    if _loaded:
        return
    import importlib
    import pkgutil

    import pmo_metrics.metrics as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name not in ("registry", "source"):
            importlib.import_module(f"pmo_metrics.metrics.{info.name}")
    _loaded = True
