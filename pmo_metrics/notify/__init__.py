"""Alerts and distribution (issue 15, §5): rules evaluated after every load and by ``python -m
pmo_metrics notify``, their events kept once in an outbox and sent by e-mail and webhook, and
the published month's steering pack sent to a list (``distribute``).

- :mod:`~pmo_metrics.notify.settings`: the settings file (rules, channels, the list) and where
  credentials come from;
- :mod:`~pmo_metrics.notify.rules`: the rules, each event with its key and dashboard link;
- :mod:`~pmo_metrics.notify.outbox`: each event once, drained with retries and backoff;
- :mod:`~pmo_metrics.notify.deliver`: SMTP and webhook;
- this module: :func:`evaluate` (the rules on a store), :func:`notify` (evaluate, enqueue,
  send) and :func:`after_load` (the same after an import, never failing it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import duckdb

from pmo_metrics import completeness
from pmo_metrics.notify import outbox, rules
from pmo_metrics.notify.rules import Event
from pmo_metrics.notify.settings import Settings, load_settings

if TYPE_CHECKING:  # annotations only: the metrics load when the rules run
    from pmo_metrics.evaluation import Tables

log = logging.getLogger(__name__)
STATUS_RULES = ("turns_red", "amber_twice", "p1_sla")


@dataclass(frozen=True)
class Notified:
    """What one run did: the month evaluated, events found and added, the drain's result."""

    month: str | None
    found: int
    enqueued: int
    drained: outbox.Drained


def evaluate(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    month: str | None,
    today: date,
    tables: Tables | None = None,
) -> list[Event]:
    """The events of the settings' rules for ``month`` (the status rules; none without a
    month) and as of ``today`` (overdue mitigations, sources not loaded)."""
    events: list[Event] = []
    lang, base = settings.lang, settings.base_url
    on = set(settings.rules)
    if month and on.intersection(STATUS_RULES):
        events += _status_events(con, settings, month, tables)
    if "mitigation_overdue" in on:
        risks = rules.read_open_risks(con)
        days = settings.mitigation_overdue_days
        events += rules.mitigation_overdue(risks, today, days, month or f"{today:%Y-%m}", lang,
                                           base)  # fmt: skip
    if "source_late" in on:
        months = [m for m in (month, rules.previous_month(f"{today:%Y-%m}")) if m]
        events += rules.source_late(completeness.read_board(con), months, today, lang, base)
    return events


def _status_events(
    con: duckdb.DuckDBPyConnection, settings: Settings, month: str, tables: Tables | None
) -> list[Event]:
    from pmo_metrics.evaluation import Scope  # loads the metrics (Ibis): only when evaluating
    from pmo_metrics.publishing import tables_on

    tables = tables or tables_on(con)
    lang, base, on = settings.lang, settings.base_url, set(settings.rules)
    before_month = rules.previous_month(month)
    now, before = rules.statuses(tables, month), rules.statuses(tables, before_month)
    events: list[Event] = []
    if "turns_red" in on:
        events += rules.turns_red(now, before, month, lang, base)
    amber = [s for s, v in now.items() if v == rules.AMBER and before.get(s) == rules.AMBER]
    if "amber_twice" in on and amber:  # the month before that only when it can matter
        earlier = rules.statuses(tables, rules.previous_month(month, 2))
        events += rules.amber_twice(now, before, earlier, month, lang, base)
    if "p1_sla" in on:
        scorecard = tables("scorecard", Scope(month))
        by_priority = tables("sla-by-priority", Scope(month))
        if not scorecard.empty and not by_priority.empty:
            targets = rules.sla_targets(scorecard.frame)
            events += rules.p1_sla(by_priority.frame, targets, month, lang, base)
    return events


def notify(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    *,
    month: str | None = None,
    today: date | None = None,
    trigger: str = "notify",
    tables: Tables | None = None,
    now: datetime | None = None,
) -> Notified:
    """Evaluate the rules (on ``month``, default the newest month loaded), enqueue the new
    events for the configured channels, send what is due; the run is recorded."""
    from pmo_metrics.notify.deliver import senders

    month = month or rules.latest_month(con)
    try:
        events = evaluate(con, settings, month, today or date.today(), tables)
    except Exception as exc:
        outbox.record_run(con, trigger, month, None, f"{type(exc).__name__}: {exc}")
        raise
    added = outbox.enqueue(con, events, settings.channels(), now)
    outbox.record_run(con, trigger, month, added)
    with senders(settings) as send:
        drained = outbox.drain(con, send, now)
    return Notified(month, len(events), added, drained)


def load_period(con: duckdb.DuckDBPyConnection, load_id: int) -> str | None:
    rows = con.execute("SELECT period FROM loads WHERE load_id = ?", [load_id]).fetchall()
    return rows[0][0] if rows else None


def after_load(con: duckdb.DuckDBPyConnection, load_id: int | None) -> Notified | None:
    """The rules after load ``load_id`` (on its period), when the settings configure a
    channel. Never raises: the load stands whatever happens here; a failure is recorded in
    ``alert_runs`` (the Data page shows it) and logged."""
    if load_id is None:  # nothing new was loaded
        return None
    trigger = f"load {load_id}"
    try:
        settings = load_settings()
        if not settings.channels():
            return None
        return notify(con, settings, month=load_period(con, load_id), trigger=trigger)
    except Exception as exc:  # whatever fails here must not fail the load it follows
        log.warning("alerts after load %s failed: %s", load_id, exc)
        try:
            if not _recorded(con, trigger):
                outbox.record_run(con, trigger, None, None, f"{type(exc).__name__}: {exc}")
        except Exception:  # the store itself failing: the log line above is all there is
            log.exception("could not record the failed alert run")
        return None


def _recorded(con: duckdb.DuckDBPyConnection, trigger: str) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM alert_runs WHERE trigger = ? AND error IS NOT NULL", [trigger]
    ).fetchall()
    return bool(rows[0][0])
