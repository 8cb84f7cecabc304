"""Where metrics read from: the canonical tables as Ibis tables, on any Ibis backend.

DuckDB is the embedded default; the same expressions run on another backend (Spark) unchanged.
The portfolio is applied here, once: a work item's application is the portfolio application
whose Jira project / Azure DevOps project is the item's project, else the project itself; a
ticket's application is the one whose ITSM configuration item it names, else the item itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd


@dataclass(frozen=True)
class Filters:
    """The global filters: a month range (inclusive) and optional service, application, team."""

    start: date | None = None  # first day of the first month
    end: date | None = None  # first day of the month AFTER the last one (exclusive)
    service: str | None = None
    application: str | None = None
    team: str | None = None

    @classmethod
    def from_period(cls, period: str | None, **kwargs: Any) -> Filters:
        """``YYYY-MM`` or ``YYYY-MM:YYYY-MM`` (inclusive), or None for all time."""
        if not period:
            return cls(**kwargs)
        first, _, last = period.partition(":")
        start = _month_start(first)
        end = _next_month(_month_start(last or first))
        if end <= start:
            raise ValueError(f"period {period!r}: the last month comes before the first")
        return cls(start=start, end=end, **kwargs)

    @property
    def as_of(self) -> pd.Timestamp:
        """The moment states are judged at: the end of the period, else now."""
        return pd.Timestamp(self.end) if self.end else pd.Timestamp.now().ceil("D")


def _month_start(text: str) -> date:
    try:
        year, month = (int(x) for x in text.strip().split("-"))
        return date(year, month, 1)
    except ValueError as exc:
        raise ValueError(f"period {text!r}: expected YYYY-MM") from exc


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


class Source:
    """The canonical tables of one store, as Ibis tables, with the portfolio applied."""

    def __init__(self, backend: ibis.BaseBackend) -> None:
        self.backend = backend

    @classmethod
    def from_duckdb(cls, con: duckdb.DuckDBPyConnection) -> Source:
        return cls(ibis.duckdb.from_connection(con))

    def table(self, name: str) -> ir.Table:
        return self.backend.table(name)

    def execute(self, expr: ir.Expr) -> pd.DataFrame:
        return self.backend.execute(expr)

    def count(self, name: str) -> int:
        return int(self.backend.execute(self.table(name).count()))

    def work_items(self) -> ir.Table:
        """Work items with ``application`` and ``team`` resolved through the portfolio."""
        items = self.table("work_items")
        apps = self.table("applications")
        by_project = (
            apps.mutate(project=ibis.coalesce(apps.jira_project, apps.ado_project))
            .filter(lambda a: a.project.notnull())
            .select("project", portfolio_app=apps.application, portfolio_team=apps.team)
            .distinct(on="project", keep="first")
        )
        joined = items.left_join(by_project, items.project == by_project.project)
        return joined.select(
            *[c for c in items.columns if c not in ("team",)],
            application=ibis.coalesce(joined.portfolio_app, items.project),
            team=ibis.coalesce(joined.portfolio_team, items.team, items.project),
        )

    def work_item_snapshots(self) -> ir.Table:
        """Month-end work item snapshots with ``application`` and ``team`` as in work_items."""
        snaps = self.table("work_item_snapshots")
        apps = self.table("applications")
        by_project = (
            apps.mutate(project=ibis.coalesce(apps.jira_project, apps.ado_project))
            .filter(lambda a: a.project.notnull())
            .select("project", portfolio_app=apps.application, portfolio_team=apps.team)
            .distinct(on="project", keep="first")
        )
        joined = snaps.left_join(by_project, snaps.project == by_project.project)
        return joined.select(
            *[c for c in snaps.columns if c not in ("team",)],
            application=ibis.coalesce(joined.portfolio_app, snaps.project),
            team=ibis.coalesce(joined.portfolio_team, snaps.team, snaps.project),
        )

    def tickets(self) -> ir.Table:
        """Tickets with ``application`` from the portfolio's ITSM configuration item."""
        tickets = self.table("tickets")
        apps = self.table("applications")
        by_ci = (
            apps.filter(apps.itsm_ci.notnull())
            .select(ci=apps.itsm_ci, portfolio_app=apps.application)
            .distinct(on="ci", keep="first")
        )
        joined = tickets.left_join(by_ci, tickets.configuration_item == by_ci.ci)
        return joined.select(
            *tickets.columns,
            application=ibis.coalesce(joined.portfolio_app, tickets.configuration_item),
        )

    def applications_of_service(self, service: str) -> ir.Table:
        apps = self.table("applications")
        return apps.filter(apps.services.contains(service)).select("application")

    def filter_scope(self, table: ir.Table, f: Filters) -> ir.Table:
        """Apply the service / application / team filters a table has columns for."""
        cols = set(table.columns)
        if f.application and "application" in cols:
            table = table.filter(table.application == f.application)
        if f.team and "team" in cols:
            table = table.filter(table.team == f.team)
        if f.service:
            if "service" in cols:
                table = table.filter(table.service == f.service)
            elif "application" in cols:
                in_service = self.applications_of_service(f.service).application
                table = table.filter(table.application.isin(in_service))
        return table

    @staticmethod
    def in_period(column: ir.Column, f: Filters) -> ir.BooleanValue:
        """``column`` falls inside the filter's month range (always true without one)."""
        cond = ibis.literal(True)
        if f.start:
            cond &= column >= ibis.timestamp(pd.Timestamp(f.start))
        if f.end:
            cond &= column < ibis.timestamp(pd.Timestamp(f.end))
        return cond
