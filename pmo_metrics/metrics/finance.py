"""Finance: earned value (PV, EV, AC and the indices derived from them) and budget variance.

The costs sheet holds, per application and month, the month's budget and actual cost, and the
planned value, earned value (or % complete) and BAC cumulative to date. So:

- AC (actual cost to date) = the running sum of the monthly ``actual`` up to the month;
- PV = ``planned_value``, else the running sum of the monthly ``budget``;
- EV = ``earned_value``, else ``pct_complete`` / 100 x BAC;
- BAC = the month's ``bac``, else the application's BAC given in any month.

Running sums start at the application's first month, whatever the period filter, because to
date means to date.
"""

from __future__ import annotations

from dataclasses import replace

import ibis
import ibis.expr.types as ir
import pandas as pd

from pmo_metrics.metrics import plan
from pmo_metrics.metrics.common import as_frame, pct, ratio
from pmo_metrics.metrics.registers import date_in_period, require_rows, scoped
from pmo_metrics.metrics.registry import metric
from pmo_metrics.metrics.source import Filters, Source

SCOPE = ("period", "service", "application", "team")
EV_COLUMNS = (
    "application", "month", "pv", "ev", "ac", "bac",
    "cv", "sv", "cpi", "spi", "eac", "etc", "vac", "tcpi", "tcpi_basis",
)  # fmt: skip
TCPI_BAC, BUDGET_EXCEEDED, WORK_COMPLETE = "BAC", "budget exceeded", "work complete"
CPI_COLUMNS = ("application", "month", "value", "ev", "ac")
SPI_COLUMNS = ("application", "month", "value", "ev", "pv")
BUDGET_COLUMNS = ("application", "month", "budget", "actual", "variance_pct")


def _costs(source: Source, filters: Filters) -> ir.Table:
    require_rows(source, "costs", "Finance")
    return scoped(source, source.table("costs"), filters)


def earned_value(costs: ir.Table, filters: Filters) -> ir.Table:
    """Earned value per application and month: CV = EV - AC, SV = EV - PV, CPI = EV / AC,
    SPI = EV / PV, EAC = BAC / CPI, ETC = EAC - AC, VAC = BAC - EAC, and TCPI (see
    :func:`tcpi_with_basis`); a ratio is empty when its denominator is 0 or empty.

    Rows: the months with an actual cost or an earned-value input (budget-only future months
    are left out). Columns: application, month, pv, ev, ac, bac, cv, sv, cpi, spi, eac, etc,
    vac, tcpi, tcpi_basis.
    """
    to_date = ibis.window(group_by="application", order_by="month", preceding=None, following=0)
    whole = ibis.window(group_by="application")
    c = costs.mutate(
        ac=costs.actual.sum().over(to_date),
        pv=ibis.coalesce(costs.planned_value, costs.budget.sum().over(to_date)),
        bac_=ibis.coalesce(costs.bac, costs.bac.max().over(whole)),
    )
    c = c.filter(
        date_in_period(c.month, filters)
        & (c.actual.notnull() | c.earned_value.notnull() | c.pct_complete.notnull())
    )
    c = c.mutate(ev=ibis.coalesce(c.earned_value, c.pct_complete / 100.0 * c.bac_))
    c = c.mutate(cpi=ratio(c.ev, c.ac), spi=ratio(c.ev, c.pv))
    c = c.mutate(eac=ratio(c.bac_, c.cpi))
    tcpi, basis = tcpi_with_basis(c.bac_, c.ev, c.ac)
    return c.select(
        "application",
        "month",
        pv=c.pv.cast("float64"),
        ev=c.ev.cast("float64"),
        ac=c.ac.cast("float64"),
        bac=c.bac_.cast("float64"),
        cv=c.ev - c.ac,
        sv=c.ev - c.pv,
        cpi=c.cpi,
        spi=c.spi,
        eac=c.eac,
        etc=c.eac - c.ac,
        vac=c.bac_ - c.eac,
        tcpi=tcpi,
        tcpi_basis=basis,
    ).order_by(["application", "month"])


def tcpi_with_basis(
    bac: ir.NumericValue, ev: ir.NumericValue, ac: ir.NumericValue
) -> tuple[ir.FloatingValue, ir.StringValue]:
    """TCPI = (BAC - EV) / (BAC - AC), the efficiency the remaining work needs to finish on
    budget, with its basis: "BAC" where it is defined (budget left, AC < BAC, and work left or
    none, EV <= BAC). Else it is empty and the basis says why: "work complete" (EV >= BAC,
    nothing left to earn) or "budget exceeded" (AC >= BAC with work left). No TCPI against EAC
    replaces it: with EAC = BAC / CPI, (BAC - EV) / (EAC - AC) is the CPI itself."""
    remaining_work, remaining_budget = bac - ev, bac - ac
    defined = (remaining_budget > 0) & (remaining_work >= 0)
    tcpi = ibis.ifelse(
        defined, remaining_work.cast("float64") / remaining_budget, ibis.null("float64")
    )
    basis = ibis.cases(
        (defined, TCPI_BAC),
        (remaining_work <= 0, WORK_COMPLETE),
        (remaining_budget <= 0, BUDGET_EXCEEDED),
        else_=ibis.null("string"),
    )
    return tcpi, basis


def budget_variance(costs: ir.Table, filters: Filters) -> ir.Table:
    """Budget variance % per application and month = (actual - budget) / budget x 100 (empty when
    the budget is 0 or either figure is missing). Columns: application, month, budget, actual,
    variance_pct."""
    c = costs.filter(
        date_in_period(costs.month, filters) & (costs.budget.notnull() | costs.actual.notnull())
    )
    return c.select(
        "application",
        "month",
        budget=c.budget.cast("float64"),
        actual=c.actual.cast("float64"),
        variance_pct=pct(c.actual - c.budget, c.budget),
    ).order_by(["application", "month"])


# --- headlines ----------------------------------------------------------------------------------


def _latest_month(frame: pd.DataFrame, *needed: str) -> pd.DataFrame:
    known = frame.dropna(subset=list(needed))
    return known[known["month"] == known["month"].max()] if len(known) else known


def _index_at_latest_month(frame: pd.DataFrame, numerator: str, denominator: str) -> float | None:
    """Sum(numerator) / sum(denominator) over the applications at the latest month of the
    selection (the figures are cumulative, so the latest month is the status to date)."""
    latest = _latest_month(frame, numerator, denominator)
    den = float(latest[denominator].sum())
    return None if latest.empty or den == 0 else float(latest[numerator].sum()) / den


def cpi_headline(frame: pd.DataFrame) -> float | None:
    return _index_at_latest_month(frame, "ev", "ac")


def spi_headline(frame: pd.DataFrame) -> float | None:
    return _index_at_latest_month(frame, "ev", "pv")


def budget_variance_headline(frame: pd.DataFrame) -> float | None:
    """(sum actual - sum budget) / sum budget x 100 over the months with both figures."""
    both = frame.dropna(subset=["budget", "actual"])
    budget = float(both["budget"].sum())
    return (
        None if both.empty or budget == 0 else (float(both["actual"].sum()) - budget) / budget * 100
    )


# --- registered metrics -------------------------------------------------------------------------

_EV_DEFINITION = (
    "Earned value per application and month: CV = EV − AC, SV = EV − PV, CPI = EV ÷ AC, "
    "SPI = EV ÷ PV, EAC = BAC ÷ CPI, ETC = EAC − AC, VAC = BAC − EAC, "
    "TCPI = (BAC − EV) ÷ (BAC − AC); PV, EV and AC are cumulative to the month. TCPI is "
    "defined while budget is left (AC < BAC, tcpi_basis 'BAC'); once AC ≥ BAC it is left "
    "empty and marked 'budget exceeded', and with nothing left to earn (EV ≥ BAC) 'work "
    "complete' (a TCPI against EAC = BAC ÷ CPI would only repeat the CPI)."
)


@metric(
    name="earned-value",
    label="Earned value",
    unit="EUR",
    direction="neutral",
    definition=_EV_DEFINITION + " Headline: CPI at the latest month, all applications together.",
    family="finance",
    notes=(
        "PV planned value, EV earned value, AC actual cost, BAC budget at completion; CV and SV "
        "are amounts (negative = over cost, behind schedule), CPI and SPI ratios (below 1 = "
        "over cost, behind schedule). CPI, EAC, ETC and VAC are empty while AC is 0."
    ),
    columns=EV_COLUMNS,
    needs=("costs", "applications"),
    dimensions=SCOPE,
    headline=cpi_headline,
)
def earned_value_metric(source: Source, filters: Filters) -> pd.DataFrame:
    return earned_value_table(source, filters)


def earned_value_table(source: Source, filters: Filters) -> pd.DataFrame:
    """The :func:`earned_value` table of the selection (columns ``EV_COLUMNS``): the period's
    rows of the table to date, whose running sums start at each application's first month
    whatever the period, so that one query serves every period ending in the same month (the
    earned value, CPI and SPI of a report; shared inside a sharing block)."""
    to_date = replace(filters, start=None)

    def build() -> pd.DataFrame:
        return as_frame(source.execute(earned_value(_costs(source, to_date), to_date)), EV_COLUMNS)

    frame = source.remember(("earned_value", to_date), build)
    if filters.start is None or frame.empty:
        return frame
    keep = pd.to_datetime(frame["month"]) >= pd.Timestamp(filters.start)
    return as_frame(frame[keep.to_numpy(dtype=bool)], EV_COLUMNS)


@metric(
    name="cpi",
    label="Cost performance index (CPI)",
    unit="ratio",
    direction="higher",
    definition="CPI = EV ÷ AC, cumulative to the month (1 = on budget, below 1 = over cost); "
    "over several applications, ΣEV ÷ ΣAC at the latest month.",
    family="finance",
    columns=CPI_COLUMNS,
    needs=("costs", "applications"),
    dimensions=SCOPE,
    headline=cpi_headline,
)
def cpi_metric(source: Source, filters: Filters) -> pd.DataFrame:
    ev = earned_value_table(source, filters)
    return as_frame(ev.rename(columns={"cpi": "value"}), CPI_COLUMNS)


@metric(
    name="spi",
    label="Schedule performance index (SPI)",
    unit="ratio",
    direction="higher",
    definition="SPI = EV ÷ PV, cumulative to the month (1 = on schedule, below 1 = behind); "
    "over several applications, ΣEV ÷ ΣPV at the latest month.",
    family="finance",
    columns=SPI_COLUMNS,
    needs=("costs", "applications"),
    dimensions=SCOPE,
    headline=spi_headline,
)
def spi_metric(source: Source, filters: Filters) -> pd.DataFrame:
    ev = earned_value_table(source, filters)
    return as_frame(ev.rename(columns={"spi": "value"}), SPI_COLUMNS)


@metric(
    name="budget-variance",
    label="Budget variance",
    unit="%",
    direction="lower",
    definition="Budget variance % = (actual − budget) ÷ budget × 100 per application and month; "
    "over a selection, (Σactual − Σbudget) ÷ Σbudget × 100 over the months with both figures.",
    family="finance",
    notes=(
        "Positive means overspent. A month with a budget and no actual yet has no variance and "
        "is not counted."
    ),
    columns=BUDGET_COLUMNS,
    needs=("costs", "applications"),
    dimensions=SCOPE,
    headline=budget_variance_headline,
    # costs name no service: a service's rows are its applications' (sums split exactly)
)
def budget_variance_metric(source: Source, filters: Filters) -> pd.DataFrame:
    return as_frame(source.execute(budget_variance(_costs(source, filters), filters)),
                    BUDGET_COLUMNS)  # fmt: skip


plan.per_key("budget-variance", groups=("application",), services_from_applications=True)
