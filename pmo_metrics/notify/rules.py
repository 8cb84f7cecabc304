"""The alert rules: what in a month deserves a message, each an :class:`Event` with a key
(rule, subject, month) that the outbox keeps unique, so a rule that fires again never sends
twice.

- ``turns_red``: an indicator, service or application red in the month and not red in the
  month before (no status that month counts as not red).
- ``amber_twice``: amber in the month and in the month before, and not in the one before that
  (it fires when the second amber month arrives, not every month after).
- ``p1_sla``: a service whose priority-1 tickets resolved in the month met their SLA less often
  than the service's SLA compliance indicator's target.
- ``mitigation_overdue``: an open risk whose mitigation was due more than N days before today
  (``[alerts] mitigation_overdue_days``); one event per risk and due date (its month is the
  due date's: a new due date that passes is a new event).
- ``source_late``: an expected source not loaded by its due day (:mod:`pmo_metrics.completeness`
  judges it ``missing``), for the month evaluated and for the month before today's.

Statuses are the evaluation layer's: the scorecard, service-status and portfolio-health metrics
of the month (what :func:`pmo_metrics.publishing.month_figures` freezes for the indicators,
services and applications; its pillar figures are not alerted on and cost seconds a month).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import duckdb
import pandas as pd

from pmo_metrics import completeness
from pmo_metrics.locale import HEALTH_WORDS, date_label, language, month_label, number, t
from pmo_metrics.periods import shift_month
from pmo_metrics.status_notes import Subject, subject_label

if TYPE_CHECKING:  # annotations only: the evaluation layer loads the metrics (Ibis)
    from pmo_metrics.evaluation import Tables

Statuses = Mapping[Subject, str]  # a subject's status in one month
RED, AMBER = "red", "amber"
# The dashboard's page for each kind of subject, and the filter naming it (ui/filters.py).
PAGES = {"indicator": ("services", "service"), "service": ("services", "service"),
         "application": ("applications", "application")}  # fmt: skip


@dataclass(frozen=True)
class Event:
    """Something a rule found: what it is about, and the message saying it."""

    rule: str
    subject: str
    month: str
    title: str
    body: str
    link: str

    @property
    def key(self) -> str:
        return f"{self.rule}|{self.subject}|{self.month}"


def link(base_url: str, page: str, month: str | None, lang: str, **filters: str | None) -> str:
    """The dashboard's ``page`` opened on ``month`` with the filters (query parameters bound
    to its sidebar: ``period``, ``service``, ``application``, ``lang``). The period is a range
    slider: one month is the range from it to itself, ``period=M&period=M`` (a single value
    is not taken for a range, and the page would open on its default month)."""
    params = [(k, v) for k, v in filters.items() if v]
    if month:
        params += [("period", month), ("period", month)]
    params.append(("lang", language(lang)))
    path = "" if page == "overview" else page  # the overview is the dashboard's default page
    return f"{base_url.rstrip('/')}/{path}?{urlencode(params)}"


def previous_month(month: str, back: int = 1) -> str:
    return shift_month(month, -back)


# --- statuses ---------------------------------------------------------------------------------


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def statuses(tables: Tables, month: str) -> dict[Subject, str]:
    """Every indicator's, service's and application's status in ``month`` (green, amber, red,
    grey), as the scorecard and the portfolio judge them."""
    from pmo_metrics.evaluation import Scope  # the metrics load when a rule needs them

    scope = Scope(month)
    found: dict[Subject, str] = {}
    sources = (
        ("scorecard", "indicator", "service", "indicator"),
        ("service-status", "service", "service", None),
        ("portfolio-health", "application", "application", None),
    )
    for name, kind, scope_column, item_column in sources:
        result = tables(name, scope)
        if result.empty:
            continue
        for row in result.frame.to_dict("records"):
            status = _text(row.get("status"))
            if status:
                item = _text(row.get(item_column)) if item_column else ""
                found[Subject(kind, _text(row.get(scope_column)), item)] = status
    return found


def _status_event(
    rule: str, subject: Subject, month: str, lang: str, base_url: str, **values: str
) -> Event:
    page, key = PAGES[subject.kind]
    label = subject_label(subject, lang)
    return Event(
        rule,
        f"{subject.kind}:{subject.scope}:{subject.item}",
        month,
        t(f"alert_{rule}_title", lang, subject=label, month=month_label(month, lang)),
        t(f"alert_{rule}_body", lang, subject=label, month=month_label(month, lang), **values),
        link(base_url, page, month, lang, **{key: subject.scope}),
    )


def turns_red(now: Statuses, before: Statuses, month: str, lang: str, base_url: str) -> list[Event]:
    """Red in ``month`` (``now``) and not red the month before (``before``)."""
    previous = previous_month(month)
    words = HEALTH_WORDS[language(lang)]
    return [
        _status_event(
            "turns_red",
            s,
            month,
            lang,
            base_url,
            before=words.get(before.get(s, "grey"), before.get(s, "grey")),
            previous=month_label(previous, lang),
        )  # fmt: skip
        for s in sorted(now)
        if now[s] == RED and before.get(s) != RED
    ]


def amber_twice(
    now: Statuses, before: Statuses, earlier: Statuses, month: str, lang: str, base_url: str
) -> list[Event]:
    """Amber in ``month`` and the month before, not in the month before that."""
    previous = month_label(previous_month(month), lang)
    return [
        _status_event("amber_twice", s, month, lang, base_url, previous=previous)
        for s in sorted(now)
        if now[s] == AMBER and before.get(s) == AMBER and earlier.get(s) != AMBER
    ]


def sla_targets(scorecard: pd.DataFrame) -> dict[str, float]:
    """Each service's SLA compliance target (its indicator of metric ``sla-compliance``; the
    strictest, the highest, when it has several)."""
    targets: dict[str, float] = {}
    rows = scorecard[scorecard["metric"] == "sla-compliance"].dropna(subset=["target"])
    for r in rows.to_dict("records"):
        service, target = str(r["service"]), float(r["target"])
        targets[service] = max(target, targets.get(service, target))
    return targets


def p1_sla(
    by_priority: pd.DataFrame,
    targets: Mapping[str, float],
    month: str,
    lang: str,
    base_url: str,
) -> list[Event]:
    """Services whose priority-1 SLA compliance in ``month`` is below their SLA target."""
    events = []
    p1 = by_priority[pd.to_numeric(by_priority["priority"], errors="coerce") == 1]
    for r in p1.sort_values("service").to_dict("records"):
        service, value = str(r["service"]), r["compliance_pct"]
        if service not in targets or value is None or pd.isna(value):
            continue
        if float(value) >= targets[service]:
            continue
        label = month_label(month, lang)
        events.append(
            Event(
                "p1_sla",
                f"service:{service}",
                month,
                t("alert_p1_sla_title", lang, service=service, month=label),
                t(
                    "alert_p1_sla_body",
                    lang,
                    month=label,
                    value=number(float(value), 1, lang),
                    met=int(r["met_sla"]),
                    resolved=int(r["resolved"]),
                    target=number(targets[service], 1, lang),
                ),  # fmt: skip
                link(base_url, "services", month, lang, service=service),
            )
        )
    return events


@dataclass(frozen=True)
class Risk:
    """An open risk with a mitigation due date (the register's current state)."""

    risk_id: str
    title: str
    owner: str | None
    due: date
    service: str | None = None
    application: str | None = None


def mitigation_overdue(
    risks: Iterable[Risk], today: date, days: int, month: str, lang: str, base_url: str
) -> list[Event]:
    """Open risks whose mitigation was due more than ``days`` days before ``today``."""
    events = []
    for r in sorted(risks, key=lambda r: r.risk_id):
        late = (today - r.due).days
        if late <= days:
            continue
        events.append(
            Event(
                "mitigation_overdue",
                f"risk:{r.risk_id}",
                f"{r.due:%Y-%m}",
                t("alert_mitigation_overdue_title", lang, risk=r.risk_id, title=r.title),
                t(
                    "alert_mitigation_overdue_body",
                    lang,
                    risk=r.risk_id,
                    title=r.title,
                    owner=r.owner or "–",
                    due=date_label(r.due, lang),
                    days=late,
                ),  # fmt: skip
                link(
                    base_url, "risks", month, lang, service=r.service, application=r.application
                ),  # fmt: skip
            )
        )
    return events


def source_late(
    board: completeness.Board, months: Sequence[str], today: date, lang: str, base_url: str
) -> list[Event]:
    """Expected sources not loaded by their due day in each of ``months``."""
    events = []
    for month in dict.fromkeys(months):
        for row in completeness.month_sources(board, month, today):
            if row.state != "missing":
                continue
            name, label = row.source.source, month_label(month, lang)
            events.append(
                Event(
                    "source_late",
                    f"source:{name}",
                    month,
                    t("alert_source_late_title", lang, source=name, month=label),
                    t(
                        "alert_source_late_body",
                        lang,
                        source=name,
                        month=label,
                        due=date_label(row.due, lang),
                    ),  # fmt: skip
                    link(base_url, "data", month, lang),
                )
            )
    return events


# --- reading the store ------------------------------------------------------------------------


def read_open_risks(con: duckdb.DuckDBPyConnection) -> list[Risk]:
    rows = con.execute(
        "SELECT risk_id, title, owner, mitigation_due, service, application FROM risks "
        "WHERE lower(trim(status)) <> 'closed' AND mitigation_due IS NOT NULL ORDER BY risk_id"
    ).fetchall()
    return [Risk(*r) for r in rows]


def latest_month(con: duckdb.DuckDBPyConnection) -> str | None:
    """The newest period of an active load: the month the figures are about."""
    rows = con.execute("SELECT max(period) FROM loads WHERE status = 'loaded'").fetchall()
    return rows[0][0] if rows and rows[0][0] else None
