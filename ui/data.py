"""Cached reads for the pages: metric tables, headline numbers, filter options, raw tables.

What is computed and how lives in :mod:`pmo_metrics.evaluation` (scopes, the metric with its
missing-data state, the source pool and per-version memo, card values, trend windows, the
pillars); this module only caches it for Streamlit. Every cache is bounded (``max_entries``,
``ttl``) and keyed by the store's data version, so that an import or an undo shows at once. The
connection is passed as ``_con`` (not hashed).
"""

from __future__ import annotations

from functools import partial

import duckdb
import streamlit as st

from pmo_metrics import audit, completeness, evaluation
from pmo_metrics.demo import store_holds_only_sample
from pmo_metrics.engine import open_source
from pmo_metrics.evaluation import MetricResult, Scope, Tables
from pmo_metrics.exports.report.preview import SummaryPreview, summary_preview
from pmo_metrics.metrics.source import sharing
from pmo_metrics.periods import Comparison
from pmo_metrics.schema.tables import table_specs
from pmo_metrics.store.connection import default_db_path, fetch_row

TTL = "1h"


@st.cache_data(max_entries=1024, ttl=TTL, show_spinner=False)
def metric_table(
    _con: duckdb.DuckDBPyConnection, version: str, name: str, scope: Scope
) -> MetricResult:
    """The metric's table for the scope (a copy per call: nothing mutates the cached one)."""
    return evaluation.compute_metric(_con, version, name, scope)


def tables(con: duckdb.DuckDBPyConnection, version: str) -> Tables:
    """Metric tables as the evaluation layer reads them: from the cache."""
    return partial(metric_table, con, version)


def metric_value(
    con: duckdb.DuckDBPyConnection, version: str, name: str, scope: Scope
) -> float | None:
    """The metric's headline number for the scope; None when there is nothing to sum up."""
    return evaluation.metric_value(tables(con, version), name, scope)


def card_values(
    con: duckdb.DuckDBPyConnection, version: str, name: str, scope: Scope
) -> Comparison | None:
    """The headline for the scope against the headline for the previous period of the same
    length (see :func:`pmo_metrics.evaluation.card`); None for a metric without a headline."""
    with_data = filter_options(con, version)["months"]
    card = evaluation.card(tables(con, version), name, scope, with_data)
    return card.comparison if card else None


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def filter_options(_con: duckdb.DuckDBPyConnection, version: str) -> dict[str, list[str]]:
    """What the sidebar filters offer: months with activity, services, applications, teams."""
    cur = _con.cursor()
    months = cur.execute(
        """
        SELECT DISTINCT strftime(m, '%Y-%m') AS month FROM (
            SELECT date_trunc('month', resolved) AS m FROM work_items WHERE resolved IS NOT NULL
            UNION ALL SELECT date_trunc('month', created) FROM work_items WHERE created IS NOT NULL
            UNION ALL SELECT date_trunc('month', opened) FROM tickets
            UNION ALL SELECT date_trunc('month', work_date) FROM effort
            UNION ALL SELECT date_trunc('month', month) FROM costs
        ) ORDER BY month
        """
    ).fetchall()
    source = open_source(_con.cursor())
    teams = source.execute(source.work_items().select("team").distinct())["team"]
    applications = source.execute(source.work_items().select("application").distinct())
    portfolio = cur.execute("SELECT application FROM applications").fetchall()
    services = cur.execute("SELECT service FROM services").fetchall()
    return {
        "months": [m[0] for m in months],
        "services": sorted({s[0] for s in services}),
        "applications": sorted(
            {a[0] for a in portfolio} | set(applications["application"].dropna())
        ),
        "teams": sorted(set(teams.dropna())),
    }


@st.cache_data(max_entries=16, ttl=TTL, show_spinner=False)
def completeness_board(_con: duckdb.DuckDBPyConnection, version: str) -> completeness.Board:
    """The expected sources, the loads' arrivals and the timesheets' gaps that every page's
    completeness line, the KPI cards and the Data page's checklist are judged from."""
    return completeness.read_board(_con.cursor())


@st.cache_data(max_entries=16, ttl=TTL, show_spinner=False)
def holds_only_sample(_con: duckdb.DuckDBPyConnection, version: str) -> bool:
    """Whether the store holds the sample data and nothing else (the "sample data" banner)."""
    return store_holds_only_sample(_con.cursor())


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def table(_con: duckdb.DuckDBPyConnection, version: str, name: str, limit: int = 100_000):
    """A canonical table as stored (business columns and provenance), up to ``limit`` rows."""
    if name not in table_specs() and name not in ("loads", "load_files", "audit_log"):
        raise ValueError(f"unknown table {name!r}")
    return _con.cursor().execute(f"SELECT * FROM {name} LIMIT {int(limit)}").df()


def canonical_tables() -> list[str]:
    return list(table_specs())


def audit_verdict(con: duckdb.DuckDBPyConnection) -> audit.Verdict:
    """The audit chain's verdict, walked again only when the log has grown (every console query
    adds an entry: the Data page must not hash the whole log on every rerun). The dashboard holds
    the store's file lock, so the log changes only through this process."""
    entries, last = fetch_row(con.cursor(), "SELECT count(*), max(seq) FROM audit_log") or (0, 0)
    return _audit_verdict(con, str(default_db_path()), entries, last)


@st.cache_data(max_entries=4, ttl=TTL, show_spinner=False)
def _audit_verdict(
    _con: duckdb.DuckDBPyConnection, db: str, entries: int, last: int | None
) -> audit.Verdict:
    return audit.verify(_con.cursor())


@st.cache_data(max_entries=1024, ttl=TTL, show_spinner=False)
def card_trend(
    _con: duckdb.DuckDBPyConnection, version: str, name: str, scope: Scope
) -> dict[str, float | None] | None:
    """A KPI card's 12-month sparkline (see :func:`pmo_metrics.evaluation.card_trend`)."""
    with_data = filter_options(_con, version)["months"]
    return evaluation.compute_card_trend(
        _con, version, tables(_con, version), name, scope, with_data
    )


@st.cache_data(max_entries=1024, ttl=TTL, show_spinner=False)
def card_target(
    _con: duckdb.DuckDBPyConnection, version: str, name: str, scope: Scope
) -> tuple[float, float | None] | None:
    """The catalog target a KPI card is judged against (see
    :func:`pmo_metrics.evaluation.card_target`), from the scope's cached scorecard: kept, as
    reading it from the scorecard's table costs more than the card itself on every rerun."""
    m = evaluation.metric(name)
    if m is None or m.headline is None:
        return None
    # The scope's filters matter: an application's or a team's scorecard holds only its own
    # services' indicators, whose shared target then judges the card.
    scorecard = metric_table(_con, version, "scorecard", scope.with_period(scope.last_month))
    if scorecard.empty:
        return None
    return evaluation.card_target(scorecard.frame, m, scope)


@st.cache_data(max_entries=16, ttl=TTL, show_spinner=False)
def report_preview(
    _con: duckdb.DuckDBPyConnection, version: str, month: str, language: str
) -> SummaryPreview:
    """The monthly report's Summary of ``month`` (see
    :func:`pmo_metrics.exports.report.preview.summary_preview`), on the version's shared
    building blocks."""
    with (
        evaluation.borrowed_source(_con) as source,
        sharing(evaluation.version_memo(version)),
    ):
        return summary_preview(source, month, language)
