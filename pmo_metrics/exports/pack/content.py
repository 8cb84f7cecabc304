"""What the steering pack says, as plain typed data, built from the monthly report's model.

The pack and the .xlsx report read one computation: the key figures are
:func:`~pmo_metrics.exports.report.model.key_figures`, a service's indicators are the rows of
the report's scorecard run, their 12-month trend the report's
:func:`~pmo_metrics.exports.report.services.indicator_trend`, an application's health the
report's portfolio-health run, all through one :class:`~pmo_metrics.exports.report.model.Report`
(each metric and scope computed once). Around them: the month's completeness line
(:mod:`pmo_metrics.completeness`), its statuses with the PMO lead's explanations and its
published version (:func:`pmo_metrics.publishing.month_status`).

The writers (:mod:`.pdf`, :mod:`.slides`) only lay this out; nothing here knows a page size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

import duckdb
import pandas as pd

from pmo_metrics import completeness, locale, publishing, status_notes
from pmo_metrics.completeness import Board, Coverage
from pmo_metrics.exports.report.model import Report, application_names, key_figures, service_names
from pmo_metrics.exports.report.services import indicator_trend
from pmo_metrics.headers import column_label
from pmo_metrics.metrics import status
from pmo_metrics.metrics.plan import as_number
from pmo_metrics.metrics.portfolio import DIMENSIONS, health_reason
from pmo_metrics.metrics.registry import get as find_registered
from pmo_metrics.metrics.source import Filters, Source, sharing
from pmo_metrics.periods import shift_month
from pmo_metrics.status_notes import Subject

TOP_EXCEPTIONS = 12  # the status table's rows; the rest are counted under it


def t(key: str, lang: str, **values: object) -> str:
    """The pack's text ``key`` in ``lang``: ``pack.<key>`` of the locale's one table."""
    return locale.t(f"pack.{key}", lang, **values)


def _number(value: object) -> float | None:
    if value is None or isinstance(value, str):
        return None
    number = float(cast(float, value))  # a metric table's numeric cell
    return None if math.isnan(number) else number


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table's rows as dicts keyed by column name (every column here is named by a str)."""
    return cast(list[dict[str, Any]], frame.to_dict("records"))


def _status(value: object) -> str:
    """green / amber / red / grey (anything else or missing is grey)."""
    key = str(value).strip().lower() if isinstance(value, str) else ""
    return key if key in status.STATUSES else status.GREY


# --- the content ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyCard:
    """A pillar's figure of the whole portfolio: the month against the month before."""

    pillar: str  # the pillar's name in the pack's language
    metric: str  # registry name
    label: str
    unit: str
    direction: str
    value: float | None
    previous: float | None
    change: float | None
    target: float | None
    status: str | None  # None: no target every service shares, not judged
    missing: str | None  # why there is no value
    sources: Coverage = field(default_factory=lambda: Coverage("complete"))


@dataclass(frozen=True)
class Flag:
    """An amber or red status of the month (a top exception) and its explanation."""

    kind: str  # status_notes.KINDS
    subject: str  # how a reader names it
    status: str
    value: float | None
    unit: str
    target: float | None
    explanation: str  # '' when the PMO lead has not written one


@dataclass(frozen=True)
class IndicatorLine:
    """A service's indicator this month against its target, and over the 12 months to it."""

    name: str
    metric: str
    unit: str
    direction: str
    value: float | None
    target: float | None
    amber_threshold: float | None
    status: str
    trend: tuple[float | None, ...]  # one per month of PackContent.months
    explanation: str
    sources: Coverage = field(default_factory=lambda: Coverage("complete"))


@dataclass(frozen=True)
class ServicePage:
    name: str
    subtitle: str
    status: str
    indicators: tuple[IndicatorLine, ...]
    explanation: str


@dataclass(frozen=True)
class DimensionLine:
    """One health dimension of an application: its value and its own status."""

    label: str
    unit: str
    value: float | None
    status: str
    sources: Coverage = field(default_factory=lambda: Coverage("complete"))


@dataclass(frozen=True)
class ApplicationPage:
    name: str
    subtitle: str
    status: str
    reason: str
    dimensions: tuple[DimensionLine, ...]
    explanation: str


@dataclass(frozen=True)
class PackContent:
    """Everything the steering pack of a month shows, in its language."""

    month: str  # YYYY-MM
    lang: str
    month_name: str
    completeness: str
    generated_by: str | None
    generated_at: datetime
    publication: publishing.Publication | None
    changed_since_published: int  # figures that differ from the published version now
    figures: tuple[KeyCard, ...]
    exceptions: tuple[Flag, ...]  # at most TOP_EXCEPTIONS
    more_exceptions: int  # those not shown
    months: tuple[str, ...]  # the trend's month labels, oldest first
    services: tuple[ServicePage, ...]
    applications: tuple[ApplicationPage, ...]

    @property
    def previous_month(self) -> str:
        return locale.month_label(shift_month(self.month, -1), self.lang)


# --- building it ------------------------------------------------------------------------------


def pack_content(
    con: duckdb.DuckDBPyConnection,
    month: str,
    *,
    lang: str = "en",
    source: Source | None = None,
    generated_by: str | None = None,
    now: datetime | None = None,
) -> PackContent:
    """The pack of ``month`` (``YYYY-MM``) on the store ``con`` (``source`` computes the metrics:
    by default the engine's Source over ``con``)."""
    Filters.from_period(month)  # refuses anything but YYYY-MM, before any work
    lang = locale.language(lang)
    now = now or datetime.now()
    if source is None:
        from pmo_metrics.engine import open_source  # the engine choice: only when computing

        source = open_source(con.cursor())
    with sharing():  # one state of the store, as the report reads it
        return _content(con, Report(source, month, lang), generated_by, now)


def _content(
    con: duckdb.DuckDBPyConnection, report: Report, generated_by: str | None, now: datetime
) -> PackContent:
    month, lang = report.month, report.lang
    publication, figures = publishing.month_status(con, month, report.run)
    changed = 0
    if publication is not None:
        current = publishing.month_figures(report.run, month)
        changed = len(publishing.changes(figures[list(publishing.FIGURE_COLUMNS)], current))
    notes = _explanations(figures, lang)
    flags = [_flag(row, notes, lang) for row in _records(publishing.exceptions_of(figures))]
    board = completeness.read_board(con)
    sources = Sources(board, month, now.date())
    return PackContent(
        month=month,
        lang=lang,
        month_name=report.month_name,
        completeness=completeness.summary(board, month, now.date(), lang),
        generated_by=generated_by,
        generated_at=now,
        publication=publication,
        changed_since_published=changed,
        figures=tuple(_cards(report, sources)),
        exceptions=tuple(flags[:TOP_EXCEPTIONS]),
        more_exceptions=max(len(flags) - TOP_EXCEPTIONS, 0),
        months=tuple(locale.short_month(m, lang) for m in report.months),
        services=tuple(
            _service(report, name, notes, sources)
            for name in service_names(report.source, report.catalog)
        ),
        applications=tuple(
            _application(report, name, notes, sources)
            for name in application_names(report.source, report.catalog)
        ),
    )


@dataclass(frozen=True)
class Sources:
    """Whether a figure of the month rests on expected sources not loaded (as the dashboard's
    cards say it: :func:`pmo_metrics.completeness.coverage`)."""

    board: Board
    month: str
    today: date

    def of(self, metric: str, **scope: str | None) -> Coverage:
        try:
            needs = find_registered(metric).needs
        except KeyError:
            return Coverage("complete")
        return completeness.coverage(self.board, needs, [self.month], self.today, **scope)


def _cards(report: Report, sources: Sources) -> list[KeyCard]:
    """The report's key figures (the Summary sheet's rows), as cards."""
    return [
        KeyCard(
            pillar=figure.pillar,
            metric=figure.metric.name,
            label=locale.metric_label(figure.metric.name, report.lang),
            unit=figure.metric.unit,
            direction=figure.metric.direction,
            value=None if figure.card.missing else figure.card.value,
            previous=figure.card.previous,
            change=None if figure.card.missing else figure.card.change,
            target=figure.target,
            status=figure.status,
            missing=figure.card.missing,
            sources=sources.of(figure.metric.name),
        )
        for figure in key_figures(report)
    ]


def _explanations(figures: pd.DataFrame, lang: str) -> dict[Subject, str]:
    """Each subject's explanation as one line (subjects without one left out)."""
    found: dict[Subject, str] = {}
    for row in _records(figures):
        text = status_notes.note_text(row, lang)
        if text:
            found[Subject(str(row["kind"]), str(row["scope"]), str(row["item"]))] = text
    return found


def _flag(row: dict[str, Any], notes: dict[Subject, str], lang: str) -> Flag:
    subject = Subject(str(row["kind"]), str(row["scope"]), str(row["item"]))
    unit = row["unit"] if isinstance(row["unit"], str) else ""
    return Flag(
        kind=subject.kind,
        subject=status_notes.subject_label(subject, lang),
        status=_status(row["status"]),
        value=_number(row["value"]),
        unit=unit,
        target=_number(row["target"]),
        explanation=notes.get(subject, ""),
    )


def _service(report: Report, name: str, notes: dict[Subject, str], sources: Sources) -> ServicePage:
    """The service's indicators as its sheet's scorecard writes them, with their trend."""
    info = report.catalog.record("services", "service", name)
    subtitle = " · ".join(str(info[k]) for k in ("description", "state") if k in info)
    scorecard = report.run("scorecard", report.filters())
    rows = pd.DataFrame()
    if not scorecard.missing and not scorecard.frame.empty:
        rows = scorecard.frame[(scorecard.frame["service"] == name).to_numpy(dtype=bool)]
    catalog = report.catalog.indicators_of(name)
    trend = indicator_trend(report, catalog) if not catalog.empty else pd.DataFrame()
    lines = []
    for row in _records(rows):
        indicator = str(row["indicator"])
        series = trend[indicator].tolist() if indicator in trend.columns else []
        lines.append(
            IndicatorLine(
                name=indicator,
                metric=str(row["metric"]),
                unit=row["unit"] if isinstance(row["unit"], str) else "",
                direction=str(row["direction"]),
                value=_number(row["value"]),
                target=_number(row["target"]),
                amber_threshold=as_number(row["amber_threshold"]),
                status=_status(row["status"]),
                trend=tuple(_number(v) for v in series),
                explanation=notes.get(Subject("indicator", name, indicator), ""),
                sources=sources.of(str(row["metric"]), service=name),
            )
        )
    service_status = _status(rows["service_status"].iloc[0]) if len(rows) else status.GREY
    return ServicePage(
        name=name,
        subtitle=subtitle,
        status=service_status,
        indicators=tuple(lines),
        explanation=notes.get(Subject("service", name), ""),
    )


def _application(
    report: Report, name: str, notes: dict[Subject, str], sources: Sources
) -> ApplicationPage:
    """The application's health row, as its sheet's health table writes it."""
    info = report.catalog.record("applications", "application", name)
    parts = [", ".join(map(str, info["services"]))] if "services" in info else []
    parts += [str(info[k]) for k in ("criticality", "owner", "lifecycle") if k in info]
    health = report.run("portfolio-health", report.filters())
    row: dict[str, Any] = {}
    if not health.missing and not health.frame.empty:
        found = health.frame[(health.frame["application"] == name).to_numpy(dtype=bool)]
        row = _records(found)[0] if len(found) else {}
    dimensions = tuple(
        DimensionLine(
            label=column_label(d.column, report.lang),
            unit=_unit(d.metric),
            value=_number(row.get(d.column)),
            status=_status(row.get(f"{d.column}_status")),
            sources=sources.of(d.metric, application=name),
        )
        for d in DIMENSIONS
        if d.column in row
    )
    reason = health_reason(row, report.lang) if row else health.missing
    return ApplicationPage(
        name=name,
        subtitle=" · ".join(parts),
        status=_status(row.get("status")),
        reason=str(reason or ""),
        dimensions=dimensions,
        explanation=notes.get(Subject("application", name), ""),
    )


def _unit(metric_name: str) -> str:
    try:
        return find_registered(metric_name).unit
    except KeyError:
        return ""


# --- shared by the writers ---------------------------------------------------------------------


def badge(key: str | None, lang: str) -> str:
    """A status as icon and word (``✓ on target``); '–' when the figure is not judged."""
    return "–" if key is None else status.badge(key, lang)


def judged(key: str, value: float | None, lang: str) -> str:
    """A status as icon and word; a value with no target to judge it by is "not judged", not
    "no data"."""
    if key == status.GREY and value is not None:
        return f"{status.icon(key)} {t('not_judged', lang)}"
    return status.badge(key, lang)


def figure_text(value: float | None, unit: str, lang: str, sources: Coverage | None = None) -> str:
    """A number with its unit as the language writes it (``89,9 %``); '–' without one; "not
    loaded" for a figure whose every expected source is missing (no number from data that is
    not there)."""
    if sources is not None and sources.state == "not_loaded":
        return locale.t("not_loaded", lang)
    return locale.quantity(value, unit, lang)


def loaded(value: float | None, sources: Coverage) -> float | None:
    """The value a status is worded from: none where every expected source is missing."""
    return None if sources.state == "not_loaded" else value


def sources_note(sources: Coverage, lang: str) -> str:
    """What a figure's sources lack: ``partial: Jira PEMP not loaded``; '' when complete."""
    names = ", ".join(sources.missing)
    if sources.state == "not_loaded":
        return locale.t("not_loaded_sources", lang, names=names)
    if sources.state == "partial":
        return locale.t("partial_sources", lang, names=names)
    return ""


def generated_line(content: PackContent) -> str:
    """Who made the pack and when, in the pack's language."""
    when = (
        f"{locale.date_label(content.generated_at, content.lang)} "
        f"{content.generated_at.strftime('%H:%M')}"
    )
    if content.generated_by:
        return t("generated_by", content.lang, who=content.generated_by, when=when)
    return t("generated", content.lang, when=when)


def publication_line(content: PackContent) -> str:
    """The published version the pack's statuses are, or that they are the draft."""
    found, lang = content.publication, content.lang
    if found is None:
        return t("draft", lang)
    line = t(
        "published",
        lang,
        version=found.version,
        when=locale.date_label(found.published_at, lang),
        who=found.published_by or "–",
    )
    if content.changed_since_published:
        line += " · " + t("changed_since", lang, n=content.changed_since_published)
    return line


@dataclass(frozen=True)
class Band:
    """A stretch of a bullet's scale and the status a value there has."""

    start: float
    end: float
    status: str


@dataclass(frozen=True)
class BulletScale:
    """A bullet chart's geometry: a scale from 0 to ``top`` with qualitative bands (where a
    value would be green, amber or red), the value's bar and the target's mark."""

    top: float
    bands: tuple[Band, ...]
    value: float | None
    target: float | None


def bullet_scale(line: IndicatorLine) -> BulletScale | None:
    """The bullet of an indicator, None when it has no target to draw against or a value below
    zero (a scale from 0 would hide it)."""
    target, value, amber = line.target, line.value, line.amber_threshold
    if target is None or target < 0 or (value is not None and value < 0):
        return None
    known = [x for x in (target, value, amber) if x is not None]
    top = max(known) * 1.15 or 1.0
    if line.direction == "higher":
        edge = amber if amber is not None and amber <= target else target
        bands = (
            Band(0.0, edge, status.RED),
            Band(edge, target, status.AMBER),
            Band(target, top, status.GREEN),
        )
    elif line.direction == "lower":
        edge = amber if amber is not None and amber >= target else target
        bands = (
            Band(0.0, target, status.GREEN),
            Band(target, edge, status.AMBER),
            Band(edge, top, status.RED),
        )
    else:
        return None
    return BulletScale(top, tuple(b for b in bands if b.end > b.start), value, target)
