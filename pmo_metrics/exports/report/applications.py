"""A sheet per application: health, delivery (sprints), flow (throughput, lead time),
incidents' SLA compliance, cost and earned value, budget, and its open risks."""

from __future__ import annotations

import pandas as pd

from pmo_metrics.evaluation import metric as find_metric
from pmo_metrics.exports.report.model import t
from pmo_metrics.exports.report.sheets import Book, write_health, write_risks, write_sla_trend
from pmo_metrics.exports.workbook import SheetWriter, bar_chart
from pmo_metrics.locale import metric_label, short_month

# What an application sheet shows of the velocity table.
VELOCITY_VIEW = ("team", "sprint", "start_date", "end_date", "committed_points",
                 "completed_points", "say_do_ratio", "carry_over_points")  # fmt: skip


def write_application(book: Book, app: str) -> str:
    """The application's sheet; its title."""
    report, lang = book.report, book.lang
    month = report.month_name
    w = book.sheet(t("app_sheet", lang, name=app))
    info = report.catalog.record("applications", "application", app)
    parts = [", ".join(map(str, info["services"]))] if "services" in info else []
    parts += [str(info[k]) for k in ("criticality", "owner", "lifecycle") if k in info]
    w.title(t("app_title", lang, name=app), " · ".join(parts) or None)
    write_health(book, w, t("app_health", lang, month=month), [app])
    write_delivery(book, w, app)
    write_throughput(book, w, app)
    heading = t("lead_time", lang, month=month)
    book.section(w, heading, report.run("lead-time", report.filters(application=app)))
    write_sla_trend(book, w, t("incidents", lang, month=month), application=app)
    heading = t("cost", lang, month=month)
    book.section(w, heading, report.run("earned-value", report.to_date(application=app)))
    heading = t("budget", lang, month=month)
    book.section(w, heading, report.run("budget-variance", report.filters(application=app)))
    write_risks(book, w, t("risks", lang, month=month), None, application=app)
    book.close(w)
    return w.ws.title


def _title(name: str, lang: str) -> str:
    """A chart's title: the metric's label and unit (``name`` is registered: it ran)."""
    metric = find_metric(name)
    return f"{metric_label(name, lang)}, {metric.unit}" if metric is not None else name


def write_delivery(book: Book, w: SheetWriter, app: str) -> None:
    """Committed against completed points per sprint, as columns (committed outlined)."""
    report = book.report
    heading = t("delivery", book.lang, month=report.month_name)
    computed = report.run("velocity", report.window(application=app))
    block = book.section(w, heading, computed, view=lambda f: f[list(VELOCITY_VIEW)])
    if block is not None:
        chart = bar_chart(
            w.ws,
            block,
            "sprint",
            ["committed_points", "completed_points"],
            plan="committed_points",
            title=_title("velocity", book.lang),
        )
        w.chart(chart, block)


def write_throughput(book: Book, w: SheetWriter, app: str) -> None:
    """Items done per month over the window, as columns."""
    report = book.report
    heading = t("flow", book.lang, month=report.month_name)
    values = report.monthly("throughput", report.months, application=app)
    missing = next((c.missing for c in values.values() if c.missing), None)
    w.heading(heading)
    if missing:
        book.missing(w, heading, missing)
        w.gap()
        return
    frame = pd.DataFrame(
        {
            "month": [short_month(m, book.lang) for m in report.months],
            "items": [int(values[m].value or 0) for m in report.months],
        }
    )
    block = w.table(frame)
    chart = bar_chart(w.ws, block, "month", ["items"], title=_title("throughput", book.lang))
    w.chart(chart, block)
    w.gap()
