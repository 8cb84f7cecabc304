"""A sheet per service: its indicators against their targets this month and over the 12 months
to it, SLA by priority, tickets month by month, effort, and the health of its applications."""

from __future__ import annotations

from typing import Any, NamedTuple, cast

import pandas as pd

from pmo_metrics.evaluation import metric as find_metric
from pmo_metrics.exports.report.model import TREND_MONTHS, Report, t
from pmo_metrics.exports.report.sheets import Book, write_health, write_scorecard, write_sla_trend
from pmo_metrics.exports.workbook import SheetWriter, line_chart, unit_format
from pmo_metrics.locale import short_month
from pmo_metrics.metrics.plan import as_number

INDICATOR_CHARTS = 3  # side by side next to the trend table; the table holds every indicator


class Indicator(NamedTuple):
    """One catalog indicator of a service (a row of Catalog.indicators)."""

    service: str
    indicator: str
    metric: str
    target: Any


def indicator_rows(indicators: pd.DataFrame) -> list[Indicator]:
    # service, indicator and metric are the catalog's required text columns
    columns = [indicators[c] for c in ("service", "indicator", "metric", "target")]
    return [
        Indicator(cast(str, s), cast(str, i), cast(str, m), target)
        for s, i, m, target in zip(*columns, strict=True)
    ]


def write_service(book: Book, service: str) -> str:
    """The service's sheet; its title."""
    report, lang = book.report, book.lang
    w = book.sheet(t("service_sheet", lang, name=service))
    info = report.catalog.record("services", "service", service)
    subtitle = " · ".join(str(info[k]) for k in ("description", "state") if k in info)
    w.title(t("service_title", lang, name=service), subtitle or None)
    write_indicators(book, w, service)
    heading = t("sla_by_priority", lang, month=report.month_name)
    book.section(w, heading, report.run("sla-by-priority", report.filters(service=service)))
    write_sla_trend(book, w, t("tickets_trend", lang, month=report.month_name), service=service)
    heading = t("effort", lang, month=report.month_name)
    book.section(w, heading, report.run("effort", report.filters(service=service)))
    write_service_applications(book, w, service)
    book.close(w)
    return w.ws.title


def indicator_trend(report: Report, indicators: pd.DataFrame) -> pd.DataFrame:
    """Month by month over the window: each indicator's value and its target (for charts).

    Columns: month, then per indicator ``<indicator>`` and ``<indicator> · target``.
    """
    table: dict[str, list[Any]] = {"month": [short_month(m, report.lang) for m in report.months]}
    for ind in indicator_rows(indicators):
        values = report.monthly(ind.metric, report.months, service=ind.service)
        table[ind.indicator] = [values[m].value for m in report.months]
        table[target_column(ind.indicator, report.lang)] = [as_number(ind.target)] * TREND_MONTHS
    return pd.DataFrame(table)


def target_column(indicator: str, lang: str) -> str:
    return f"{indicator} · {t('target', lang).lower()}"


def write_indicators(book: Book, w: SheetWriter, service: str) -> None:
    """The service's indicators this month (the scorecard), then month by month with charts."""
    report, lang = book.report, book.lang
    indicators = report.catalog.indicators_of(service)
    if indicators.empty:
        heading = t("indicators_month", lang, month=report.month_name)
        w.heading(heading)
        book.missing(w, heading, t("no_indicators", lang))
        w.gap()
        return
    write_scorecard(book, w, service)
    w.heading(t("indicators_trend", lang, month=report.month_name))
    trend = indicator_trend(report, indicators)
    # An indicator's column is headed by its name as the catalog writes it: not a code name
    # for headers.py to label, nor one to "make readable" (that would recase or respace it).
    block = w.table(trend, headers={name: name for name in trend.columns if name != "month"})
    units = {ind.indicator: _unit(ind.metric) for ind in indicator_rows(indicators)}
    for name, col in block.columns.items():
        fmt = unit_format(units.get(name.split(" · ")[0]) or "")
        for r in range(block.first_row, block.last_row + 1):
            w.ws.cell(row=r, column=col).number_format = fmt
    for slot, ind in enumerate(indicators["indicator"][:INDICATOR_CHARTS]):
        chart = line_chart(
            w.ws,
            block,
            "month",
            ind,
            target=target_column(ind, lang),
            title=f"{ind}, {units.get(ind) or ''}",
        )
        w.chart(chart, block, slot=slot)
    w.gap()


def _unit(metric_name: str) -> str | None:
    metric = find_metric(metric_name)
    return metric.unit if metric else None


def write_service_applications(book: Book, w: SheetWriter, service: str) -> None:
    report = book.report
    heading = t("applications", book.lang, month=report.month_name)
    apps = report.catalog.applications_of_service(service)
    if not apps:
        w.heading(heading)
        book.missing(w, heading, t("no_applications", book.lang))
        return
    write_health(book, w, heading, apps)
