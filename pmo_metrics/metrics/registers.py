"""Helpers for the metrics over the PMO's own registers: costs, effort, capacity, risks,
improvement actions, stakeholders, services.

These tables are keyed by application and/or service but carry no team, so the global filters
reach them through the portfolio: a team selects the applications the portfolio gives it, and a
service selects the rows of that service plus, where a row names no service, the rows of the
applications that belong to it. Everything here builds portable Ibis expressions.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import ibis
import ibis.expr.types as ir
import pandas as pd

from pmo_metrics.metrics.registry import MissingData
from pmo_metrics.metrics.source import Filters, Source

# Where the PMO lead fills each register in (the template workbook, uploaded on the Data page).
SHEET_HINT = "sheet of the PMO workbook (Data page)"


def needs_sheet(what: str, sheet: str) -> MissingData:
    """The MissingData error for a metric whose register is empty."""
    return MissingData(f"{what} needs the {sheet} {SHEET_HINT}")


def require_rows(source: Source, table: str, what: str) -> None:
    """Raise MissingData naming the template sheet (named as the table) when ``table`` holds no
    rows at all; an empty selection of a loaded table is an empty result, not missing data."""
    if source.count(table) == 0:
        raise needs_sheet(what, table)


def scoped(source: Source, table: ir.Table, f: Filters) -> ir.Table:
    """``table`` narrowed by the service / application / team filters, through the portfolio.

    - service: rows whose ``service`` is it, or (where the row names no service, or the table
      has no service column) whose application belongs to it in the portfolio;
    - team: rows whose application the portfolio assigns to that team;
    - application: rows of that application.
    """
    cols = set(table.columns)
    if f.service and "application" in cols:
        in_service = source.applications_of_service(f.service).application
        by_app = table.application.isin(in_service)
        if "service" in cols:
            by_app = (table.service == f.service) | (table.service.isnull() & by_app)
        table = table.filter(by_app)
        f = replace(f, service=None)
    if f.team and "team" not in cols and "application" in cols:
        apps = source.table("applications")
        table = table.filter(table.application.isin(apps.filter(apps.team == f.team).application))
        f = replace(f, team=None)
    return source.filter_scope(table, f)


def date_in_period(column: ir.DateValue, f: Filters) -> ir.BooleanValue:
    """A DATE column falls inside the filter's month range (always true without one)."""
    cond = ibis.literal(True)
    if f.start:
        cond &= column >= ibis.literal(f.start)
    if f.end:
        cond &= column < ibis.literal(f.end)
    return cond


def as_of_day(f: Filters) -> date:
    """The day states are judged on: the last day of the period, else today.

    A due date on this very day is not yet overdue; the day after it is.
    """
    return (f.as_of - pd.Timedelta(days=1)).date()


def day_literal(day: date) -> ir.DateScalar:
    return ibis.literal(day, type="date")
