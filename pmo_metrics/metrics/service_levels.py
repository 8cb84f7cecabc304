"""Service levels (ITSM): tickets opened and resolved, SLA compliance, MTTR, backlog, reopen rate.

The store holds one row per ticket (an event-log export is reduced to each ticket's last state
on import), so every count here counts tickets, not rows. Months are calendar months of the
export's local time.
"""

from __future__ import annotations

from typing import Any, cast

import ibis
import ibis.expr.types as ir
import pandas as pd

from pmo_metrics.metrics import plan
from pmo_metrics.metrics.common import (
    as_frame,
    complete_grid,
    days_between,
    exact_quantile,
    hours_between,
    month_start,
    needs_rows,
    pct,
    period_months,
    scoped_tickets,
)
from pmo_metrics.metrics.registry import MissingData, metric
from pmo_metrics.metrics.source import Filters, Source

SCOPE = ("period", "service", "application")
FAR_FUTURE = pd.Timestamp("9999-01-01")
NO_TICKETS = (
    "no tickets: {what} needs an ITSM ticket export (ServiceNow incidents or requests); "
    "upload one on the Data page or with `python -m pmo_metrics import FILE`"
)
NO_SLA = (
    "no SLA data: SLA compliance needs the export's SLA flag (ServiceNow `Made SLA` / "
    "`made_sla`, or `has_breached`) or the catalog's resolution targets per service and "
    "priority (resolution targets sheet of the PMO workbook, Data page)"
)
NO_REOPEN = (
    "no reopen counts: the reopen rate needs the ticket export's `reopen_count` (ServiceNow "
    "`Reopen count`) column; export it with the tickets and import again"
)


def resolved_in_period(tickets: ir.Table, f: Filters) -> ir.Table:
    """Tickets resolved inside the period, with ``month`` (of resolution),
    ``resolved_before_opened`` and ``resolution_hours``: empty for a ticket resolved before it
    was opened, whose dates contradict each other (MTTR leaves it out and counts it; the SLA
    cannot judge it by duration)."""
    rows = tickets.filter(tickets.resolved.notnull() & Source.in_period(tickets.resolved, f))
    before = (rows.resolved < rows.opened).fill_null(False)
    return rows.mutate(
        month=month_start(rows.resolved),
        resolved_before_opened=before,
        resolution_hours=ibis.ifelse(
            before, ibis.null("float64"), hours_between(rows.opened, rows.resolved)
        ),
    )


def _monthly(source: Source, expr: ir.Table, f: Filters, counts: list[str]) -> pd.DataFrame:
    """Execute a per (service, month) aggregate and give every month of the range a row."""
    frame = source.execute(expr)
    return complete_grid(frame, ["service"], "month", period_months(f, frame["month"]), counts)


# --- opened / resolved ---------------------------------------------------------------------------

COUNT_COLUMNS = ("service", "month", "tickets")


@metric(
    name="tickets-opened",
    label="Tickets opened",
    unit="tickets",
    direction="neutral",
    definition="Tickets opened in each month, by opening date, per service.",
    family="service_levels",
    columns=COUNT_COLUMNS,
    needs=("tickets",),
    dimensions=SCOPE,
    headline=lambda frame: float(frame["tickets"].sum()),
    empty_value=0.0,
)
@needs_rows("tickets", NO_TICKETS.format(what="tickets opened"))
def compute_tickets_opened(source: Source, filters: Filters) -> pd.DataFrame:
    t = scoped_tickets(source, filters)
    t = t.filter(Source.in_period(t.opened, filters)).mutate(month=month_start(t.opened))
    counts = t.group_by(["service", "month"]).aggregate(tickets=t.count())
    return as_frame(_monthly(source, counts, filters, ["tickets"]), COUNT_COLUMNS)


plan.per_key(
    "tickets-opened",
    groups=("service",),
    grouped=lambda source, f, by, keys: opened_by(source, f, by),
)


@metric(
    name="tickets-resolved",
    label="Tickets resolved",
    unit="tickets",
    direction="higher",
    definition="Tickets resolved in each month, by resolution date, per service.",
    family="service_levels",
    columns=COUNT_COLUMNS,
    needs=("tickets",),
    dimensions=SCOPE,
    headline=lambda frame: float(frame["tickets"].sum()),
    empty_value=0.0,
)
@needs_rows("tickets", NO_TICKETS.format(what="tickets resolved"))
def compute_tickets_resolved(source: Source, filters: Filters) -> pd.DataFrame:
    t = resolved_in_period(scoped_tickets(source, filters), filters)
    counts = t.group_by(["service", "month"]).aggregate(tickets=t.count())
    return as_frame(_monthly(source, counts, filters, ["tickets"]), COUNT_COLUMNS)


plan.per_key("tickets-resolved", groups=("service",))


def opened_by(source: Source, filters: Filters, by: str) -> dict[str, float | None] | None:
    """Tickets opened in the period per application, in one pass (as ``tickets-opened``)."""
    if by != "application":
        return None
    if source.count("tickets") == 0:
        raise MissingData(NO_TICKETS.format(what="tickets opened"))
    t = scoped_tickets(source, filters)
    t = t.filter(Source.in_period(t.opened, filters))
    frame = source.execute(t.group_by(by).aggregate(tickets=t.count()))
    return {k: float(n) for k, n in zip(frame[by], frame["tickets"], strict=True)}


# --- SLA -----------------------------------------------------------------------------------------


def sla_judged(tickets: ir.Table, targets: ir.Table, f: Filters) -> ir.Table:
    """Resolved tickets of the period with ``met``: the export's SLA flag where present, else
    resolution hours <= the catalog's target for the ticket's service and priority; NULL when
    neither exists (the ticket cannot be judged)."""
    resolved = resolved_in_period(tickets, f)
    target = targets.select(
        t_service=targets.service, t_priority=targets.priority, target_hours=targets.target_hours
    )
    joined = resolved.left_join(
        target,
        [resolved.service == target.t_service, resolved.priority == target.t_priority],
    )
    computed = joined.resolution_hours <= joined.target_hours
    return joined.mutate(met=ibis.coalesce(joined.made_sla, computed))


def sla_counts(judged: ir.Table, by: list[str]) -> ir.Table:
    """Columns: ``by``, resolved, unjudged, tickets (judged), met_sla, compliance_pct."""
    known = judged.met.notnull()
    return (
        judged.group_by(by)
        .aggregate(
            resolved=judged.count(),
            unjudged=(~known).sum(),
            tickets=known.sum(),
            met_sla=judged.met.fill_null(False).sum(),
        )
        .mutate(compliance_pct=lambda t: pct(t.met_sla, t.tickets))
    )


SLA_COUNTS = ["resolved", "unjudged", "tickets", "met_sla"]


def _sla_frame(source: Source, filters: Filters, by: list[str]) -> pd.DataFrame:
    tickets = scoped_tickets(source, filters)
    judged = sla_judged(tickets, source.table("resolution_targets"), filters)
    frame = source.execute(sla_counts(judged, by).order_by(by))
    _require_judged(frame)
    return frame


def _require_judged(frame: pd.DataFrame) -> None:
    """Resolved tickets of which none can be judged: the SLA data is missing."""
    if len(frame) and frame["resolved"].sum() and not frame["tickets"].sum():
        raise MissingData(NO_SLA)


def sla_block(source: Source, filters: Filters) -> pd.DataFrame:
    """SLA counts of the selection's tickets resolved in the period, per service, application
    and month of resolution: the one query behind SLA compliance per service and month and per
    application (the scorecard and the portfolio ask both for a period: whole counts add up
    exactly). Columns: service, application, month, resolved, unjudged, tickets, met_sla."""
    by = ["service", "application", "month"]

    def build() -> pd.DataFrame:
        tickets = scoped_tickets(source, filters)
        judged = sla_judged(tickets, source.table("resolution_targets"), filters)
        return source.execute(sla_counts(judged, by).select(*by, *SLA_COUNTS).order_by(by))

    return source.remember(("sla_block", filters), build)


def sla_summed(block: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """:func:`sla_block`'s counts summed per ``by`` (missing keys are a group, as in SQL), in
    ``by`` order, with compliance_pct = met / judged x 100 (empty when none is judged)."""
    frame = block.groupby(by, sort=True, dropna=False, as_index=False)[SLA_COUNTS].sum()
    frame["compliance_pct"] = (frame["met_sla"] / frame["tickets"] * 100).where(
        frame["tickets"] > 0
    )
    return frame


def sla_by(source: Source, filters: Filters, by: str) -> dict[str, float | None] | None:
    """SLA compliance % per application in one pass, with ``sla-compliance``'s own building
    blocks: met / judged x 100 over each application's tickets (None where none is judged)."""
    if by != "application":
        return None
    if source.count("tickets") == 0:
        raise MissingData(NO_TICKETS.format(what="SLA compliance"))
    frame = sla_summed(sla_block(source, filters), [by])
    _require_judged(frame)
    return {
        k: float(met) / float(n) * 100 if n else None
        for k, met, n in zip(frame[by], frame["met_sla"], frame["tickets"], strict=True)
    }


def sla_headline(frame: pd.DataFrame) -> float | None:
    """Met / judged x 100 over every row of the selection."""
    tickets = float(frame["tickets"].sum())
    return float(frame["met_sla"].sum()) / tickets * 100 if tickets else None


SLA_COLUMNS = ("service", "month", "tickets", "met_sla", "compliance_pct", "resolved", "unjudged")


@metric(
    name="sla-compliance",
    label="SLA compliance",
    unit="%",
    direction="higher",
    definition=(
        "Tickets resolved in the month that met their SLA / tickets resolved in the month x "
        "100 (ServiceNow's % resolved in time). Met = the export's SLA flag where it has one, "
        "else resolved - opened <= the catalog's resolution target for the service and "
        "priority; tickets with neither, or without a flag and resolved before they were "
        "opened, are left out of both and counted as unjudged."
    ),
    family="service_levels",
    notes=(
        "The export's SLA flag is `made_sla` / `Made SLA`, or the inverse of `has_breached`. A "
        "ticket is judged in the month it was resolved, not the month it was opened."
    ),
    columns=SLA_COLUMNS,
    needs=("tickets", "resolution_targets"),
    dimensions=SCOPE,
    headline=sla_headline,
)
@needs_rows("tickets", NO_TICKETS.format(what="SLA compliance"))
def compute_sla_compliance(source: Source, filters: Filters) -> pd.DataFrame:
    return sla_table(sla_block(source, filters), filters)


plan.per_key(
    "sla-compliance", groups=("service",), grouped=lambda source, f, by, keys: sla_by(source, f, by)
)


@plan.splits("sla-compliance", "service", "application")
def sla_compliance_of(source: Source, filters: Filters, by: str, key: str) -> pd.DataFrame:
    """The sla-compliance table of ``by=key``: the key's rows of the selection's
    :func:`sla_block` (a ticket's service and application are its block row's), as
    :func:`compute_sla_compliance` makes the table from them."""
    tables = sla_tables_by(source, filters, by) if filters.start else {}
    if key in tables:
        found = tables[key]
        if isinstance(found, MissingData):
            raise found
        return found.copy(deep=False)  # a copy: the memo's table is never changed
    block = sla_block(source, filters)
    # Only the period of the filters shapes the table (its months); the key picks the rows.
    frame = sla_table(block[(block[by] == key).to_numpy(dtype=bool)], filters)
    if frame.empty and source.count("tickets") == 0:  # as needs_rows says
        raise MissingData(NO_TICKETS.format(what="SLA compliance"))
    return frame


def sla_tables_by(
    source: Source, filters: Filters, by: str
) -> dict[str, pd.DataFrame | MissingData]:
    """:func:`sla_table` of each ``by`` (service or application) of the selection's
    :func:`sla_block`, in one pass: the block summed per key, service and month, each key's
    services completed to the period's months (``filters`` has a first month: the months do
    not depend on the rows), and each key's table split off; a key whose tickets none can be
    judged gets its MissingData. The counts are whole numbers: summed exactly in any order.
    Keys with no rows are left out. Shared inside a sharing block."""

    def build() -> dict[str, pd.DataFrame | MissingData]:
        block = sla_block(source, filters)
        keys = ["service"] if by == "service" else [by, "service"]
        frame = block.groupby([*keys, "month"], sort=True, dropna=False, as_index=False)[
            SLA_COUNTS
        ].sum()
        months = period_months(filters, frame["month"])
        counts = ["tickets", "met_sla", "resolved", "unjudged"]
        frame = complete_grid(frame, keys, "month", months, counts)
        out: dict[str, pd.DataFrame | MissingData] = {}
        for key, rows in frame.groupby(by, sort=False):
            try:
                _require_judged(rows)
            except MissingData as exc:
                out[str(key)] = exc
                continue
            rows = rows.assign(
                compliance_pct=(rows["met_sla"] / rows["tickets"] * 100).where(rows["tickets"] > 0)
            )
            out[str(key)] = as_frame(rows, SLA_COLUMNS)
        return out

    return source.remember(("sla_tables_by", filters, by), build)


def sla_table(block: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The sla-compliance table from the selection's :func:`sla_block`."""
    frame = sla_summed(block, ["service", "month"])
    _require_judged(frame)
    months = period_months(filters, frame["month"])
    frame = complete_grid(
        frame, ["service"], "month", months, ["tickets", "met_sla", "resolved", "unjudged"]
    )
    if not frame.empty:
        frame["compliance_pct"] = (frame["met_sla"] / frame["tickets"] * 100).where(
            frame["tickets"] > 0
        )
    return as_frame(frame, SLA_COLUMNS)


SLA_PRIORITY_COLUMNS = (
    "service",
    "priority",
    "tickets",
    "met_sla",
    "compliance_pct",
    "resolved",
    "unjudged",
)


@metric(
    name="sla-by-priority",
    label="SLA compliance by priority",
    unit="%",
    direction="higher",
    definition=(
        "SLA compliance (tickets that met their SLA / tickets resolved x 100) over the whole "
        "period, per service and priority (1 critical .. 5 planning)."
    ),
    family="service_levels",
    columns=SLA_PRIORITY_COLUMNS,
    needs=("tickets", "resolution_targets"),
    dimensions=SCOPE,
    headline=sla_headline,
)
@needs_rows("tickets", NO_TICKETS.format(what="SLA compliance"))
def compute_sla_by_priority(source: Source, filters: Filters) -> pd.DataFrame:
    return as_frame(_sla_frame(source, filters, ["service", "priority"]), SLA_PRIORITY_COLUMNS)


plan.per_key("sla-by-priority", groups=("service",))


@plan.splits("sla-by-priority", "service")
def sla_by_priority_of(source: Source, filters: Filters, by: str, key: str) -> pd.DataFrame:
    """The sla-by-priority table of one service: its rows of the selection's (counts per
    service and priority of each service's own tickets), judged missing as its own run would
    be. Where the selection as a whole has no judged ticket, the service's own run."""
    try:
        frame = plan.rows_of(source, filters, "sla-by-priority", by, key)
    except MissingData:
        return plan.run_for(source, "sla-by-priority", filters, by, key)
    _require_judged(frame)
    return frame


# --- MTTR ----------------------------------------------------------------------------------------

MTTR_COLUMNS = ("service", "month", "tickets", "mttr_hours", "p90_hours", "resolved_before_opened")


@metric(
    name="mttr",
    label="Mean time to resolve",
    unit="h",
    direction="lower",
    definition=(
        "Mean hours from opened to resolved over the tickets resolved in the month, with the "
        "P90 (linear interpolation); the headline is the mean over the whole selection. A "
        "ticket resolved before it was opened (contradictory dates) is left out and counted "
        "in resolved_before_opened."
    ),
    family="service_levels",
    notes=("A mean is pulled by a few long tickets: read it with the P90."),
    columns=MTTR_COLUMNS,
    needs=("tickets",),
    dimensions=SCOPE,
    headline=lambda f: (
        float((f["mttr_hours"] * f["tickets"]).sum() / f["tickets"].sum())
        if f["tickets"].sum()
        else None
    ),
)
@needs_rows("tickets", NO_TICKETS.format(what="MTTR"))
def compute_mttr(source: Source, filters: Filters) -> pd.DataFrame:
    t = resolved_in_period(scoped_tickets(source, filters), filters)
    t = t.filter(t.resolution_hours.notnull() | t.resolved_before_opened)
    per_month = t.group_by(["service", "month"]).aggregate(
        tickets=t.resolution_hours.count(),
        mttr_hours=t.resolution_hours.mean(),
        p90_hours=exact_quantile(t.resolution_hours, 0.90),
        resolved_before_opened=t.resolved_before_opened.sum(),
    )
    frame = source.execute(per_month.order_by(["service", "month"]))
    return as_frame(frame, MTTR_COLUMNS)


plan.per_key("mttr", groups=("service",))


# --- backlog -------------------------------------------------------------------------------------

BACKLOG_COLUMNS = (
    "service",
    "month",
    "open_tickets",
    "mean_age_days",
    "p90_age_days",
    "measured_at",
)


def month_ends(months: list[pd.Timestamp], as_of: pd.Timestamp) -> pd.DataFrame:
    """Where each month's backlog is measured: the month's end (the first moment of the next
    month), or the as-of moment for a month not over yet. Columns: month, measured_at."""
    ends = [min(m + pd.DateOffset(months=1), as_of) for m in months]
    return pd.DataFrame({"month": pd.to_datetime(months), "measured_at": pd.to_datetime(ends)})


def open_at(tickets: ir.Table, points: ir.Table) -> ir.Table:
    """Each ticket open at each measuring point: opened before it and not yet resolved (or
    closed) then. Tickets closed without any date are left out (when they ended is unknown).

    Columns: service, month, measured_at, age_days.
    """
    ended = ibis.coalesce(tickets.resolved, tickets.closed)
    ended = ibis.ifelse(
        ended.isnull() & tickets.is_open, ibis.timestamp(FAR_FUTURE.to_pydatetime()), ended
    )
    spans = tickets.select("service", "opened", ended_at=ended).filter(
        lambda t: t.ended_at.notnull()
    )
    pairs = spans.join(
        points, [spans.opened < points.measured_at, spans.ended_at >= points.measured_at]
    )
    return pairs.select(
        "service", "month", "measured_at", age_days=days_between(pairs.opened, pairs.measured_at)
    )


@metric(
    name="ticket-backlog",
    label="Ticket backlog",
    unit="tickets",
    direction="lower",
    definition=(
        "Tickets open at each month end (opened before it, resolved or closed after it), per "
        "service, with their mean and P90 age in days; the headline is the latest month's."
    ),
    family="service_levels",
    columns=BACKLOG_COLUMNS,
    needs=("tickets",),
    dimensions=SCOPE,
    headline=lambda f: float(f[f["month"] == f["month"].max()]["open_tickets"].sum()),
    empty_value=0.0,
    # every service's rows run to the same last month (complete_grid): the latest is its own
)
@needs_rows("tickets", NO_TICKETS.format(what="the ticket backlog"))
def compute_ticket_backlog(source: Source, filters: Filters) -> pd.DataFrame:
    tickets = scoped_tickets(source, filters)
    if filters.start:
        months = period_months(filters)
    else:  # every month from the first ticket's to the as-of month
        first = source.execute(tickets.opened.min())
        seen: list[Any] = (
            [first, filters.as_of - pd.Timedelta(seconds=1)] if pd.notna(first) else []
        )
        months = period_months(filters, seen)
    if not months:
        return as_frame(pd.DataFrame(), BACKLOG_COLUMNS)
    points = ibis.memtable(month_ends(months, filters.as_of))
    rows = open_at(tickets, points)
    per_month = rows.group_by(["service", "month", "measured_at"]).aggregate(
        open_tickets=rows.count(),
        mean_age_days=rows.age_days.mean(),
        p90_age_days=exact_quantile(rows.age_days, 0.90),
    )
    frame = source.execute(per_month)
    ends = month_ends(months, filters.as_of)
    frame = complete_grid(
        frame.drop(columns="measured_at"), ["service"], "month", months, ["open_tickets"]
    ).merge(ends, on="month")
    return as_frame(frame, BACKLOG_COLUMNS)


plan.per_key("ticket-backlog", groups=("service",))


# --- reopen rate ---------------------------------------------------------------------------------

REOPEN_COLUMNS = ("service", "month", "resolved", "reopened", "reopen_rate_pct")


@metric(
    name="reopen-rate",
    label="Reopen rate",
    unit="%",
    direction="lower",
    definition=(
        "Resolved tickets with a reopen count above 0 / resolved tickets x 100, per month of "
        "resolution, over the tickets whose export has the reopen count."
    ),
    family="service_levels",
    notes=(
        "Only where the export has a reopen count (ServiceNow's `reopen_count`); otherwise the "
        "metric says the data is missing rather than show 0."
    ),
    columns=REOPEN_COLUMNS,
    needs=("tickets",),
    dimensions=SCOPE,
    headline=lambda f: (
        float(f["reopened"].sum() / f["resolved"].sum() * 100) if f["resolved"].sum() else None
    ),
)
@needs_rows("tickets", NO_TICKETS.format(what="the reopen rate"))
def compute_reopen_rate(source: Source, filters: Filters) -> pd.DataFrame:
    raw = source.table("tickets")
    with_count = raw.filter(raw.reopen_count.notnull()).count()  # a scalar, not a table
    if int(cast(Any, source.execute(with_count))) == 0:
        if source.count("tickets") == 0:
            return as_frame(pd.DataFrame(), REOPEN_COLUMNS)  # no tickets at all: said below
        raise MissingData(NO_REOPEN)
    t = resolved_in_period(scoped_tickets(source, filters), filters)
    t = t.filter(t.reopen_count.notnull())
    counts = t.group_by(["service", "month"]).aggregate(
        resolved=t.count(), reopened=(t.reopen_count > 0).sum()
    )
    frame = _monthly(source, counts, filters, ["resolved", "reopened"])
    if not frame.empty:
        frame["reopen_rate_pct"] = (frame["reopened"] / frame["resolved"] * 100).where(
            frame["resolved"] > 0
        )
    return as_frame(frame, REOPEN_COLUMNS)


plan.per_key("reopen-rate", groups=("service",))
