"""Risks: the register with score and band, exposure per application and service, the
probability x impact heat map, overdue mitigations and open high / critical risks.

Score = probability (1-5) x impact (1-5); bands 1-4 low, 5-9 medium, 10-15 high, 16-25 critical.
The register is judged as of the period's last day (else today): a risk counts once raised by
then (or with no raised date), and is open unless it is closed with a closing date on or before
that day (a closed risk without a closing date is closed throughout). A mitigation is overdue
when its risk is open and its due date is before that day (due on the day itself is not).

Risks are listed most important first (:data:`PRIORITY`), and the sponsor's views (the
overview, the monthly report's Summary) show the first :data:`TOP_RISKS` open ones
(:func:`top_open_risks`).
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from pmo_metrics.metrics import plan
from pmo_metrics.metrics.common import as_frame
from pmo_metrics.metrics.registers import as_of_day, day_literal, require_rows, scoped
from pmo_metrics.metrics.registry import metric
from pmo_metrics.metrics.source import Filters, Source

SCOPE = ("period", "service", "application", "team")
# Upper bound of each band's score, in order.
BANDS: tuple[tuple[str, int], ...] = (("low", 4), ("medium", 9), ("high", 15), ("critical", 25))
HIGH_BANDS = ("high", "critical")
GRID = range(1, 6)
# Most important first: the higher score; at an equal score the higher impact (a rare disaster
# before a frequent nuisance: what it would cost is what a sponsor weighs); then the risk id, so
# that the order never depends on the order of the rows. (column, ascending)
PRIORITY: tuple[tuple[str, bool], ...] = (("score", False), ("impact", False), ("risk_id", True))
# The overview and the monthly report's Summary are a sponsor's two-minute read (UX.md): five
# risks fit the overview's one screen beside the rollout chart and are as many as a steering
# meeting works through; the whole register is one click away on the Risks page, and the
# report's sheet of each application lists all of its open risks.
TOP_RISKS = 5

REGISTER_COLUMNS = (
    "risk_id", "title", "application", "service", "probability", "impact", "score", "band",
    "status", "owner", "raised", "mitigation", "mitigation_due", "overdue",
)  # fmt: skip
EXPOSURE_COLUMNS = ("application", "service", "open_risks", "total_score", "high_or_critical")
HEATMAP_COLUMNS = ("probability", "impact", "risks")
OVERDUE_COLUMNS = (
    "risk_id", "title", "application", "service", "score", "band", "owner", "mitigation",
    "mitigation_due", "days_overdue",
)  # fmt: skip
HIGH_COLUMNS = (
    "risk_id", "title", "application", "service", "probability", "impact", "score", "band",
    "owner", "mitigation_due",
)  # fmt: skip


def band(score: ir.IntegerValue) -> ir.StringValue:
    """The band of a score: low 1-4, medium 5-9, high 10-15, critical 16-25."""
    *bounded, (last, _) = BANDS
    return ibis.cases(*((score <= top, name) for name, top in bounded), else_=last)


def risk_register(risks: ir.Table, day: date) -> ir.Table:
    """The risks raised by ``day``, with score, band, status as of ``day`` and overdue flag.
    Columns: as REGISTER_COLUMNS, plus is_open and days_overdue."""
    on = day_literal(day)
    known = risks.filter(risks.raised.isnull() | (risks.raised <= on))
    closed = (known.status.lower().strip() == "closed") & (
        known.closed.isnull() | (known.closed <= on)
    )
    score = known.probability * known.impact
    r = known.mutate(is_open=~closed, score=score)
    overdue = r.is_open & r.mitigation_due.notnull() & (r.mitigation_due < on)
    return r.mutate(
        band=band(r.score),
        status=ibis.ifelse(r.is_open, "open", "closed"),
        overdue=overdue,
        days_overdue=ibis.ifelse(
            overdue, on.delta(r.mitigation_due, unit="day"), ibis.null("int64")
        ),
    )


def by_priority(register: ir.Table) -> ir.Table:
    """``register`` in :data:`PRIORITY` order, most important risk first."""
    return register.order_by([ibis.asc(c) if up else ibis.desc(c) for c, up in PRIORITY])


def top_open_risks(register: pd.DataFrame, limit: int | None = TOP_RISKS) -> pd.DataFrame:
    """The open risks of ``register`` (the ``risks`` metric's table, in any row order), most
    important first (:data:`PRIORITY`), at most ``limit`` of them (all with None).

    Columns: those of ``register``.
    """
    columns, ascending = zip(*PRIORITY, strict=True)
    open_ = register[register["status"] == "open"]
    ordered = open_.sort_values(list(columns), ascending=list(ascending), kind="stable")
    return (ordered if limit is None else ordered.head(limit)).reset_index(drop=True)


def risk_exposure(register: ir.Table) -> ir.Table:
    """Open risks per application and service: their number, total score and how many are high
    or critical. Columns: application, service, open_risks, total_score, high_or_critical."""
    open_ = register.filter(register.is_open)
    return (
        open_.group_by("application", "service")
        .aggregate(
            open_risks=open_.count(),
            total_score=open_.score.sum(),
            high_or_critical=open_.band.isin(HIGH_BANDS).cast("int64").sum(),
        )
        .order_by([ibis.desc("total_score"), "application", "service"])
    )


def risk_heatmap_counts(register: ir.Table) -> ir.Table:
    """Open risks per probability x impact cell (only the cells that hold some)."""
    open_ = register.filter(register.is_open)
    return open_.group_by("probability", "impact").aggregate(risks=open_.count())


def full_grid(counts: pd.DataFrame) -> pd.DataFrame:
    """The 5 x 5 grid (probability, impact, risks) with 0 in empty cells; empty if no risks."""
    if counts.empty:
        return counts
    grid = pd.MultiIndex.from_product(
        [sorted(set(GRID) | set(counts["probability"])), sorted(set(GRID) | set(counts["impact"]))],
        names=["probability", "impact"],
    )
    series = counts.set_index(["probability", "impact"])["risks"].reindex(grid, fill_value=0)
    return series.astype("int64").reset_index()


def _register(source: Source, filters: Filters) -> ir.Table:
    require_rows(source, "risks", "Risks")
    return risk_register(scoped(source, source.table("risks"), filters), as_of_day(filters))


def count_rows(frame: pd.DataFrame) -> float:
    return float(len(frame))


def total_risks(frame: pd.DataFrame) -> float:
    return float(frame["risks"].sum())


def total_score(frame: pd.DataFrame) -> float:
    return float(frame["total_score"].sum())


_AS_OF = " As of the period's last day (else today)."


@metric(
    name="risks",
    label="Risk register",
    unit="score",
    direction="lower",
    definition="Every risk raised by the as-of date with score = probability × impact and band "
    "(1–4 low, 5–9 medium, 10–15 high, 16–25 critical); headline: open risks." + _AS_OF,
    family="risks",
    notes=(
        "Listed most important first: score, then impact (what the risk would cost), then risk "
        f"id. The overview and the monthly report's Summary show the first {TOP_RISKS} open "
        "risks; an "
        "application's sheet lists all of its open risks."
    ),
    columns=REGISTER_COLUMNS,
    needs=("risks", "applications"),
    dimensions=SCOPE,
    headline=lambda frame: float((frame["status"] == "open").sum()),
    empty_value=0.0,
)
def risks_metric(source: Source, filters: Filters) -> pd.DataFrame:
    return as_frame(source.execute(by_priority(_register(source, filters))), REGISTER_COLUMNS)


@metric(
    name="risk-exposure",
    label="Risk exposure",
    unit="score",
    direction="lower",
    definition="Open risks per application and service: how many, their total score "
    "(probability × impact) and how many are high or critical; headline: total score." + _AS_OF,
    family="risks",
    columns=EXPOSURE_COLUMNS,
    needs=("risks", "applications"),
    dimensions=SCOPE,
    headline=total_score,
    empty_value=0.0,
)
def risk_exposure_metric(source: Source, filters: Filters) -> pd.DataFrame:
    return as_frame(source.execute(risk_exposure(_register(source, filters))), EXPOSURE_COLUMNS)


@metric(
    name="risk-heatmap",
    label="Risk heat map",
    unit="risks",
    direction="lower",
    definition="Open risks counted per probability (1–5) × impact (1–5) cell, every cell of "
    "the grid listed; headline: open risks." + _AS_OF,
    family="risks",
    columns=HEATMAP_COLUMNS,
    needs=("risks", "applications"),
    dimensions=SCOPE,
    headline=total_risks,
    empty_value=0.0,
)
def risk_heatmap_metric(source: Source, filters: Filters) -> pd.DataFrame:
    counts = source.execute(risk_heatmap_counts(_register(source, filters)))
    return as_frame(full_grid(counts), HEATMAP_COLUMNS)


@metric(
    name="overdue-mitigations",
    label="Overdue risk mitigations",
    unit="risks",
    direction="lower",
    definition="Open risks whose mitigation due date is before the as-of date, with the days "
    "overdue; headline: how many." + _AS_OF,
    family="risks",
    columns=OVERDUE_COLUMNS,
    needs=("risks", "applications"),
    dimensions=SCOPE,
    headline=count_rows,
    empty_value=0.0,
)
def overdue_mitigations_metric(source: Source, filters: Filters) -> pd.DataFrame:
    register = _register(source, filters)
    overdue = register.filter(register.overdue).order_by(
        [ibis.desc("days_overdue"), ibis.desc("score"), "risk_id"]
    )
    return as_frame(source.execute(overdue), OVERDUE_COLUMNS)


@metric(
    name="open-high-risks",
    label="Open high and critical risks",
    unit="risks",
    direction="lower",
    definition="Open risks in the high (score 10–15) or critical (16–25) band; headline: how "
    "many." + _AS_OF,
    family="risks",
    columns=HIGH_COLUMNS,
    needs=("risks", "applications"),
    dimensions=SCOPE,
    headline=count_rows,
    empty_value=0.0,
)
def open_high_risks_metric(source: Source, filters: Filters) -> pd.DataFrame:
    register = _register(source, filters)
    high = register.filter(register.is_open & register.band.isin(HIGH_BANDS))
    return as_frame(source.execute(by_priority(high)), HIGH_COLUMNS)


plan.per_key("open-high-risks", groups=("application",), services_from_applications=True)
