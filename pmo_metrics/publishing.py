"""Publishing a month: its figures, statuses and explanations frozen as a numbered version.

What is frozen is what the dashboard judges (:func:`month_figures`): every pillar figure of the
whole portfolio (value, previous month, target, status, as the overview's cards and the
report's key figures compute them), every service's status and indicators (the scorecard), and
every application's health. With them go the explanations that applied to the month
(:mod:`pmo_metrics.status_notes`).

- Version 1 is a publication; each later one a republication, which needs a reason. Every
  version is kept (tables ``publications``, ``published_figures``, ``published_notes``).
- A month with a red status that no explanation covers is not published: the refusal names
  each subject missing one.
- A load after a publication changes the store, not the published figures; :func:`changes`
  lists each figure whose value or status differs from the published one (before -> after).

The sponsor reads the latest published version; the PMO lead the draft (the figures as
computed now). Publishing happens through :mod:`pmo_metrics.actions` (role checked, audited in
the same transaction).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import duckdb
import pandas as pd

from pmo_metrics import status_notes
from pmo_metrics.evaluation import (
    PILLARS,
    MetricResult,
    Scope,
    Tables,
    card,
    card_target,
    metric,
    run_metric,
)
from pmo_metrics.metrics.source import Source
from pmo_metrics.metrics.status import judge
from pmo_metrics.status_notes import NOTE_COLUMNS, Subject, check_month

FIGURE_COLUMNS = (
    "kind", "scope", "item", "metric", "unit", "value", "previous", "target", "status",
)  # fmt: skip
PUBLISHED_NOTE_COLUMNS = tuple(c for c in NOTE_COLUMNS if c != "status")


class PublishRefused(ValueError):
    """A publication refused: a red without an explanation, a republication without a reason,
    a month published already or not yet (the message says which)."""

    def __init__(self, message: str, unexplained: list[Subject] | None = None) -> None:
        super().__init__(message)
        self.unexplained = unexplained or []


@dataclass(frozen=True)
class Publication:
    """One published version of a month."""

    month: str
    version: int
    published_by: str | None
    published_at: datetime
    reason: str | None


# --- the month's figures --------------------------------------------------------------------


def source_tables(source: Source) -> Tables:
    """Metric tables on ``source``, each (metric, scope) computed once: what the command line
    and the tests publish from (the dashboard passes its cached tables)."""
    runs: dict[tuple[str, Scope], MetricResult] = {}

    def tables(name: str, scope: Scope) -> MetricResult:
        if (name, scope) not in runs:
            runs[name, scope] = run_metric(source, name, scope)
        return runs[name, scope]

    return tables


def tables_on(con: duckdb.DuckDBPyConnection) -> Tables:
    """:func:`source_tables` on a Source over ``con`` (the command line, the report)."""
    from pmo_metrics.engine import open_source  # the engine choice: only when computing

    return source_tables(open_source(con.cursor()))


def _number(value: object) -> float | None:
    if value is None or isinstance(value, str):
        return None
    number = float(cast(float, value))  # a metric table's numeric cell
    return None if math.isnan(number) else number


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def month_figures(tables: Tables, month: str) -> pd.DataFrame:
    """Every figure of ``month`` that has a status or feeds one (see the module docstring):
    the 17 pillar figures, then one row per indicator, service and application.
    Columns :data:`FIGURE_COLUMNS`; ``status`` is None for a pillar figure with no target."""
    check_month(month)
    scope = Scope(month)
    scorecard = tables("scorecard", scope)
    rows: list[tuple[object, ...]] = []
    for names in PILLARS.values():
        for name in names:
            m, figure = metric(name), card(tables, name, scope, None)
            if m is None or figure is None:
                continue
            value = None if figure.missing else figure.value
            target = None if scorecard.empty else card_target(scorecard.frame, m, scope)
            status = judge(value, target[0], m.direction, target[1]) if target else None
            rows.append(("pillar", "", name, name, m.unit, value, figure.previous,
                         target[0] if target else None, status))  # fmt: skip
    if not scorecard.empty:
        for r in scorecard.frame.itertuples():
            rows.append(("indicator", _text(r.service), _text(r.indicator), _text(r.metric),
                         _text(r.unit), _number(r.value), None, _number(r.target),
                         _text(r.status) or None))  # fmt: skip
    services = tables("service-status", scope)
    if not services.empty:
        for r in services.frame.itertuples():
            rows.append(("service", _text(r.service), "", "", "%", _number(r.on_target_pct),
                         None, None, _text(r.status) or None))  # fmt: skip
    health = tables("portfolio-health", scope)
    if not health.empty:
        for r in health.frame.itertuples():
            rows.append(("application", _text(r.application), "", "", "", None, None, None,
                         _text(r.status) or None))  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(FIGURE_COLUMNS))
    for column in ("value", "previous", "target"):
        frame[column] = frame[column].astype("float64")
    return frame


# --- publishing ------------------------------------------------------------------------------


def _described(subjects: list[Subject]) -> str:
    return "; ".join(f"{kind} {status_notes.subject_label(Subject(kind, scope, item), 'en')}"
                     for kind, scope, item in subjects)  # fmt: skip


def publish(
    con: duckdb.DuckDBPyConnection,
    month: str,
    figures: pd.DataFrame,
    *,
    user: str | None,
    reason: str | None = None,
    republish: bool = False,
) -> Publication:
    """Freeze ``figures`` (:func:`month_figures` of ``month``) and the notes applying to the
    month as its next version. Call it inside the transaction that audits it.

    Refused when a red has no note, when ``republish`` is asked without a reason or of a month
    not published, and when a published month is published again without ``republish``."""
    check_month(month)
    notes = status_notes.notes_for(con, month)
    missing = status_notes.unexplained_reds(figures, notes)
    if missing:
        raise PublishRefused(
            f"{month} cannot be published: {len(missing)} red status(es) without an "
            f"explanation: {_described(missing)}. Explain each, then publish.",
            missing,
        )
    current = latest(con, month)
    reason = (reason or "").strip() or None
    if republish and current is None:
        raise PublishRefused(f"{month} was never published: publish it first")
    if not republish and current is not None:
        raise PublishRefused(
            f"{month} is published already (version {current.version}): republish it with a reason"
        )
    if republish and reason is None:
        raise PublishRefused(f"republishing {month} needs a reason (what changed, and why)")
    version = 1 if current is None else current.version + 1
    now = datetime.now()
    con.execute(
        "INSERT INTO publications VALUES (?, ?, ?, ?, ?)", [month, version, user, now, reason]
    )
    frozen = figures[list(FIGURE_COLUMNS)].assign(month=month, version=version)
    con.register("_frozen", frozen)
    try:
        con.execute(
            f"INSERT INTO published_figures (month, version, {', '.join(FIGURE_COLUMNS)}) "
            f"SELECT month, version, {', '.join(FIGURE_COLUMNS)} FROM _frozen"
        )
    finally:
        con.unregister("_frozen")
    columns = ", ".join(PUBLISHED_NOTE_COLUMNS)
    con.execute(
        f"INSERT INTO published_notes (month, version, {columns}) "
        f"SELECT ?, ?, {columns} FROM status_notes WHERE note_id IN "
        f"(SELECT unnest(?::BIGINT[]))",
        [month, version, [int(n) for n in notes["note_id"]]],
    )
    return Publication(month, version, user, now, reason)


# --- reading what was published --------------------------------------------------------------


def publications(con: duckdb.DuckDBPyConnection, month: str | None = None) -> pd.DataFrame:
    """The versions published (of ``month``, or of every month), newest first. Columns month,
    version, published_by, published_at, reason, figures, notes."""
    where = "WHERE p.month = ?" if month else ""
    return (
        con.cursor()
        .execute(
            "SELECT p.month, p.version, p.published_by, p.published_at, p.reason, "
            "(SELECT count(*) FROM published_figures f WHERE f.month = p.month "
            "AND f.version = p.version) AS figures, "
            "(SELECT count(*) FROM published_notes n WHERE n.month = p.month "
            "AND n.version = p.version) AS notes "
            f"FROM publications p {where} ORDER BY p.month DESC, p.version DESC",
            [month] if month else [],
        )
        .df()
    )


def latest(con: duckdb.DuckDBPyConnection, month: str) -> Publication | None:
    """The newest published version of ``month``, None if it was never published."""
    rows = (
        con.cursor()
        .execute(
            "SELECT month, version, published_by, published_at, reason FROM publications "
            "WHERE month = ? ORDER BY version DESC LIMIT 1",
            [month],
        )
        .fetchall()
    )
    return Publication(*rows[0]) if rows else None


def published_figures(
    con: duckdb.DuckDBPyConnection, month: str, version: int | None = None
) -> pd.DataFrame:
    """The figures of a published version of ``month`` (the newest by default), columns
    :data:`FIGURE_COLUMNS`; empty if it was never published."""
    version = version if version is not None else _latest_version(con, month)
    return (
        con.cursor()
        .execute(
            f"SELECT {', '.join(FIGURE_COLUMNS)} FROM published_figures "
            "WHERE month = ? AND version = ? ORDER BY kind, scope, item",
            [month, version],
        )
        .df()
    )


def published_notes(
    con: duckdb.DuckDBPyConnection, month: str, version: int | None = None
) -> pd.DataFrame:
    """The notes as a published version of ``month`` froze them (the newest by default),
    columns :data:`PUBLISHED_NOTE_COLUMNS`."""
    version = version if version is not None else _latest_version(con, month)
    return (
        con.cursor()
        .execute(
            f"SELECT {', '.join(PUBLISHED_NOTE_COLUMNS)} FROM published_notes "
            "WHERE month = ? AND version = ? ORDER BY kind, scope, item",
            [month, version],
        )
        .df()
    )


def _latest_version(con: duckdb.DuckDBPyConnection, month: str) -> int:
    found = latest(con, month)
    return found.version if found else 0


def same(before: float | None, after: float | None) -> bool:
    """Two figures equal to 9 significant digits (or both without a value)."""
    if before is None or after is None or pd.isna(before) or pd.isna(after):
        return (before is None or pd.isna(before)) and (after is None or pd.isna(after))
    return math.isclose(before, after, rel_tol=1e-9, abs_tol=1e-12)


CHANGE_COLUMNS = ("kind", "scope", "item", "metric", "unit", "before", "after", "status_before",
                  "status_after")  # fmt: skip


def changes(published: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Each figure whose value or status differs between a published version and the figures
    computed now (a figure in one only too). Columns :data:`CHANGE_COLUMNS`, in the order of
    the published figures, then those new since."""
    key = ["kind", "scope", "item"]
    both = published.merge(current, on=key, how="outer", suffixes=("_p", "_c"), indicator=True)
    rows = []
    for r in both.to_dict("records"):
        before, after = _number(r["value_p"]), _number(r["value_c"])
        status_before = r["status_p"] if isinstance(r["status_p"], str) else None
        status_after = r["status_c"] if isinstance(r["status_c"], str) else None
        if r["_merge"] == "both" and same(before, after) and status_before == status_after:
            continue
        metric_name = r["metric_p"] if isinstance(r["metric_p"], str) else r["metric_c"]
        unit = r["unit_p"] if isinstance(r["unit_p"], str) else r["unit_c"]
        rows.append((r["kind"], r["scope"], r["item"], metric_name, unit, before, after,
                     status_before, status_after))  # fmt: skip
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))


# --- for the report and the pack -------------------------------------------------------------


def month_status(
    con: duckdb.DuckDBPyConnection,
    month: str,
    tables: Tables | None = None,
    *,
    version: int | None = None,
) -> tuple[Publication | None, pd.DataFrame]:
    """The month's statuses with their explanations, for the report and the steering pack: the
    published version (the newest, or ``version``) when the month is published, else the
    figures computed now (on ``tables``, or on a Source over ``con``) with the notes that apply.
    Returns the publication (None for the draft) and the figures, columns
    :data:`FIGURE_COLUMNS` then the note's (``cause``, ``action``, ``owner``, ``due``,
    ``risk_id``, ``action_id``... empty where there is none)."""
    found = latest(con, month) if version is None else _version(con, month, version)
    if found is not None:
        figures = published_figures(con, month, found.version)
        notes = published_notes(con, month, found.version)
        return found, status_notes.with_notes(figures, notes)
    figures = month_figures(tables or tables_on(con), month)
    return None, status_notes.with_notes(figures, status_notes.notes_for(con, month))


def _version(con: duckdb.DuckDBPyConnection, month: str, version: int) -> Publication | None:
    rows = (
        con.cursor()
        .execute(
            "SELECT month, version, published_by, published_at, reason FROM publications "
            "WHERE month = ? AND version = ?",
            [month, version],
        )
        .fetchall()
    )
    return Publication(*rows[0]) if rows else None


def exceptions_of(figures: pd.DataFrame) -> pd.DataFrame:
    """The amber and red rows of :func:`month_status`'s figures, reds first: the top
    exceptions with their explanations."""
    return status_notes.flagged(figures)
