"""Where metrics read from: the canonical tables as Ibis tables, on any Ibis backend.

DuckDB is the embedded default; the same expressions run on another backend (Spark) unchanged.
The portfolio is applied here, once: a work item's application is the portfolio application
whose Jira project / Azure DevOps project is the item's project, else the project itself; a
ticket's application is the one whose ITSM configuration item it names, else the item itself.

Metrics computed together (one page render, the scorecard's indicators, the portfolio's
dimensions) often need the same building block, e.g. the sprint lists behind velocity and say/do,
or the same table count. Inside ``with sharing():`` each block is computed once per key
(:meth:`Source.remember`); outside, everything is computed afresh, as before.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, cast

import duckdb
import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pandas as pd

from pmo_metrics.periods import month_first_day


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
        end = next_month(_month_start(last or first))
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


def next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return month_first_day(day, 1)


T = TypeVar("T")


class Memo:
    """Building blocks computed once and shared by the metrics computed over ONE state of ONE
    store (a page render, a report, a benchmark run): whoever makes a Memo makes a new one
    when the data changes (the dashboard keys its memo by the store's data version).

    Keys name the block and everything it depends on (e.g. ``("sla_block", filters)``).
    Bounded (least recently used first out) and safe to share between threads: two threads
    asking for the same missing key may both compute it; both get equal values. A failed
    computation (e.g. MissingData) is not remembered. A DataFrame is handed out as a shallow
    copy: with pandas' copy-on-write, a caller changing its copy never changes the memo's.
    """

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value remembered for ``key``, else ``compute()`` remembered."""
        with self._lock:
            found = key in self._values
            if found:
                self._values.move_to_end(key)
                value = self._values[key]
        if not found:
            value = compute()
            with self._lock:
                self._values[key] = value
                while len(self._values) > self.max_entries:
                    self._values.popitem(last=False)
        # A DataFrame's copy is the same type T: the cast says so, mypy cannot see it.
        return cast(T, value.copy(deep=False)) if isinstance(value, pd.DataFrame) else value

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._values


_SHARED: ContextVar[Memo | None] = ContextVar("pmo_metrics_shared", default=None)


@contextmanager
def sharing(memo: Memo | None = None) -> Iterator[Memo]:
    """Within the block (in this thread), metrics share their building blocks through ``memo``
    (a new one by default). Use it only while the data does not change."""
    memo = Memo() if memo is None else memo
    token = _SHARED.set(memo)
    try:
        yield memo
    finally:
        _SHARED.reset(token)


def shared_memo() -> Memo | None:
    """The memo of the enclosing :func:`sharing` block, if any."""
    return _SHARED.get()


class Source:
    """The canonical tables of one store, as Ibis tables, with the portfolio applied."""

    def __init__(self, backend: ibis.BaseBackend) -> None:
        self.backend = backend
        # The canonical tables' schemas are fixed by the schema files: look each up once (Ibis
        # asks the database every time), and compile each distinct expression to SQL once.
        self._tables: dict[str, ir.Table] = {}
        self._views: dict[tuple[Any, ...], ir.Table] = {}
        _memoize_compile(backend)

    @classmethod
    def from_duckdb(cls, con: duckdb.DuckDBPyConnection) -> Source:
        return cls(ibis.duckdb.from_connection(con))

    def table(self, name: str) -> ir.Table:
        if name not in self._tables:
            self._tables[name] = self.backend.table(name)
        return self._tables[name]

    def execute(self, expr: ir.Expr) -> pd.DataFrame:
        # A table expression gives a DataFrame (a scalar one gives a scalar: callers cast).
        return cast(pd.DataFrame, self.backend.execute(expr))

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, computed once per ``key`` inside a :func:`sharing` block (the key
        must name the block and everything its value depends on); afresh outside one."""
        memo = _SHARED.get()
        return compute() if memo is None else memo.get(key, compute)

    def count(self, name: str) -> int:
        """Rows in the canonical table ``name`` (shared inside a :func:`sharing` block)."""
        return self.remember(
            ("count", name), lambda: int(self.backend.execute(self.table(name).count()))
        )

    def work_items(self) -> ir.Table:
        """Work items with ``application`` and ``team`` resolved through the portfolio."""
        return self._through_portfolio("work_items", self._by_project)

    def work_item_snapshots(self) -> ir.Table:
        """Month-end work item snapshots with ``application`` and ``team`` as in work_items."""
        return self._through_portfolio("work_item_snapshots", self._by_project)

    def tickets(self) -> ir.Table:
        """Tickets with ``application`` from the portfolio's ITSM configuration item."""
        return self._through_portfolio("tickets", self._by_ci)

    def _through_portfolio(self, name: str, build: Any) -> ir.Table:
        # Built once per pair of table expressions: building a join costs more than running
        # it on a small store. table() is still called, so a subclass can refresh its tables.
        table, apps = self.table(name), self.table("applications")
        key = (name, table.op(), apps.op())
        if key not in self._views:
            self._views[key] = self._named(name, build(table, apps))
        return self._views[key]

    def _named(self, name: str, view: ir.Table) -> ir.Table:
        """On DuckDB, ``view`` as a temporary view of this Source's connection, read as a
        table: Ibis compiles each query whole, and the portfolio's join alone costs about 10 ms
        of every query over tickets or work items; over the view a query compiles in a
        fraction of that, and runs the same SQL (DuckDB expands the view). The view is the
        connection's own (no other connection sees it) and named by its SQL, so two Sources
        on one connection share it. Other backends read the expression itself."""
        con = getattr(self.backend, "con", None)
        if self.backend.name != "duckdb" or con is None:
            return view
        sql = str(self.backend.compile(view))
        named = f"pmo_{name}_{hashlib.sha256(sql.encode()).hexdigest()[:16]}"
        con.execute(f'CREATE TEMP VIEW IF NOT EXISTS "{named}" AS {sql}')
        table = ops.DatabaseTable(named, schema=view.schema(), source=self.backend)
        return table.to_expr()

    @staticmethod
    def _by_project(items: ir.Table, apps: ir.Table) -> ir.Table:
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

    @staticmethod
    def _by_ci(tickets: ir.Table, apps: ir.Table) -> ir.Table:
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

    def data_applications(self) -> list[str]:
        """Every application the work items and tickets name (portfolio applied), sorted.

        The portfolio is applied to the distinct projects / configuration items rather than to
        every row: the same names, from a scan of two columns instead of a join of all rows.
        """

        def build() -> list[str]:
            apps = self.table("applications")
            items = self.table("work_items").select("project", "team").distinct()
            tickets = self.table("tickets").select("configuration_item").distinct()
            names: set[str] = set()
            for named in (self._by_project(items, apps), self._by_ci(tickets, apps)):
                found = self.execute(named.select("application").distinct())["application"]
                names |= set(found.dropna())
            return sorted(names)

        return list(self.remember(("data_applications",), build))

    def applications_of_service(self, service: str) -> ir.Table:
        apps = self.table("applications")
        return apps.filter(apps.services.contains(service)).select("application")

    def service_applications(self) -> ir.Table:
        """Each (service, application) pair of the portfolio, once: an application belongs to
        every service in its ``services``. Columns: service, application."""
        apps = self.table("applications")
        pairs = apps.select("application", service=apps.services.unnest())
        return pairs.filter(pairs.service.notnull()).select("service", "application").distinct()

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


def _memoize_compile(backend: ibis.BaseBackend, size: int = 512) -> None:
    """Remember the SQL of the last ``size`` distinct expressions ``backend`` compiled.

    Ibis compiles every expression from scratch (tens of milliseconds), which dominates a
    metric on a small selection. Expressions are immutable and compare by structure, so equal
    ones compile to the same SQL; what they read is still read afresh on every execution.
    """
    compile_ = getattr(backend, "compile", None)
    if compile_ is None or getattr(compile_, "_memoized", False):
        return

    @functools.lru_cache(maxsize=size)
    def compiled(node: Any, limit: object) -> object:  # node: an Ibis operation
        return compile_(node.to_expr(), limit=limit)

    def compile(expr: ir.Expr, /, *args: Any, **kwargs: Any) -> Any:
        limit = kwargs.pop("limit", None)
        if args or kwargs.get("params") or any(v is not None for v in kwargs.values()):
            return compile_(expr, *args, limit=limit, **kwargs)
        return compiled(expr.op(), limit)

    compile._memoized = True  # type: ignore[attr-defined]
    backend.compile = compile  # backend is an untyped Ibis backend
