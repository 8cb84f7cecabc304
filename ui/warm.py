"""The overview's figures computed once per data version in the background, for every session.

The caches of :mod:`ui.data` follow the data version, so after a start or an import the first
person to open the overview used to pay for every figure on it, and each sidebar filter paid
again for the scope it chose. :func:`start` (called on every run, it acts once per version and
process) computes them in a background thread through the same cached functions, so that
sessions find them: first the overview as it opens (the latest month), then as each service,
team and application of the sidebar narrows it. The thread runs at a lower CPU priority so that
a person's page goes first, and stops when the data changes under it.
"""

from __future__ import annotations

import logging
import os
import threading

import duckdb

from pmo_metrics.evaluation import OVERVIEW_PILLARS, Scope, overview_requests
from ui import data
from ui.connection import data_version

log = logging.getLogger(__name__)
MAX_SCOPES = 40  # a large portfolio's applications are not all worth a background pass
NICENESS = 10  # how much the thread yields the CPU to pages being drawn
_started: set[str] = set()
_lock = threading.Lock()


def start(con: duckdb.DuckDBPyConnection, version: str) -> threading.Thread | None:
    """Warm the overview's caches for ``version`` in a background thread, once per process;
    the thread, or None when it was started before or ``PMO_WARM=0`` turns warming off (the
    AppTest suite: hundreds of short-lived stores, none worth warming)."""
    if os.environ.get("PMO_WARM", "1") == "0":
        return None
    with _lock:
        if version in _started:
            return None
        _started.add(version)
    thread = threading.Thread(target=warm, args=(con, version), name="pmo-warm", daemon=True)
    thread.start()
    return thread


def scopes(options: dict[str, list[str]]) -> list[Scope]:
    """What is warmed, most wanted first: the overview as it opens (the latest month), then the
    same month for each service, team and application the sidebar offers."""
    if not options["months"]:
        return []
    opening = Scope(period=options["months"][-1])
    filters = (("service", "services"), ("team", "teams"), ("application", "applications"))
    narrowed = [
        opening._replace(**{key: value}) for key, choices in filters for value in options[choices]
    ]
    return [opening, *narrowed][:MAX_SCOPES]


def card_names() -> list[str]:
    """The overview's KPI cards, in drawing order."""
    return [name for names in OVERVIEW_PILLARS.values() for name in names]


def warm(con: duckdb.DuckDBPyConnection, version: str) -> None:
    """Compute every figure of the overview (tables, then the cards' trends and targets) for
    each of :func:`scopes` into the shared caches."""
    _lower_priority()
    try:
        for n, scope in enumerate(scopes(data.filter_options(con, version))):
            requests = overview_requests(scope)
            if n == 0:  # the first session draws these in order: meet it halfway, not behind it
                requests.reverse()
            for name, request_scope in requests:
                data.metric_table(con, version, name, request_scope)
            for name in card_names():  # the cards' sparklines and targets, from those tables
                data.card_trend(con, version, name, scope)
                data.card_target(con, version, name, scope)
            if data_version(con) != version:  # an import or an undo: those figures are old
                return
    except Exception:  # a background nicety must never take the process down
        log.exception("warming the overview for %s failed", version)


def _lower_priority() -> None:
    """Linux gives each thread its own niceness: lower this one's alone."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
    except (AttributeError, OSError):  # not Linux, or not allowed: run at normal priority
        pass
