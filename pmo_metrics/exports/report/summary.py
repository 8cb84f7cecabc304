"""The report's Summary sheet: the key figures of each pillar against the previous month, the
whole portfolio's SLA compliance month by month (a chart), the services scorecard, portfolio
health with the reason for each colour and the applications per status (a chart), the top
risks, and links to the other sheets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
from openpyxl.styles import Font

from pmo_metrics.exports.report.model import key_figures, t
from pmo_metrics.exports.report.sheets import (
    Book,
    write_health,
    write_risks,
    write_scorecard,
    write_sla_trend,
)
from pmo_metrics.exports.workbook import (
    CHANGE,
    LINK_COLOUR,
    NOTE_FONT,
    STATUS_FILL,
    WRAP,
    SheetWriter,
    bar_chart,
    colour_bars,
    count_axis,
    status_key,
    unit_format,
)
from pmo_metrics.locale import metric_definition, metric_label
from pmo_metrics.locale import month_name as month_label
from pmo_metrics.metrics import status
from pmo_metrics.metrics.risks import TOP_RISKS
from pmo_metrics.periods import shift_month

LINK_FONT = Font(color=LINK_COLOUR, underline="single")


def write_summary(book: Book, w: SheetWriter) -> None:
    lang, month = book.lang, book.report.month_name
    when = datetime.now().strftime("%Y-%m-%d %H:%M")
    w.title(f"{t('title', lang)}: {month}", t("generated", lang, when=when))
    write_key_figures(book, w)
    # the whole portfolio's SLA compliance over the year, as each service sheet draws its own
    write_sla_trend(book, w, t("portfolio_sla", lang, month=month))
    write_scorecard(book, w)
    write_health(book, w, t("health", lang, month=month))
    write_health_count(book, w)
    write_risks(book, w, t("top_risks", lang, month=month), TOP_RISKS)


def write_health_count(book: Book, w: SheetWriter) -> None:
    """How many applications are in each health status this month, as columns coloured by
    status: the portfolio's health at a glance, above the table of each application."""
    report = book.report
    computed = report.run("portfolio-health", report.filters())  # the table written above
    if computed.missing or computed.frame.empty:
        return  # the health section above already says why there is nothing
    w.heading(t("health_count", book.lang, month=report.month_name))
    block = w.table(health_count(computed.frame))
    chart = bar_chart(w.ws, block, "status", ["applications"], title=t("health_chart", book.lang))
    chart.legend = None  # one series, named by the title
    colour_bars(chart, [STATUS_FILL[key] for key in status.STATUSES])
    count_axis(chart, int(computed.frame.shape[0]))
    w.chart(chart, block)
    w.gap()


def health_count(frame: pd.DataFrame) -> pd.DataFrame:
    """Applications per health status, every status listed (none is a 0 a sponsor should see).

    Columns: status (green, amber, red, grey), applications.
    """
    keys = [status_key(value) for value in frame["status"]]
    return pd.DataFrame(
        {
            "status": list(status.STATUSES),
            "applications": [keys.count(key) for key in status.STATUSES],
        }
    )


def write_key_figures(book: Book, w: SheetWriter) -> None:
    report, lang = book.report, book.lang
    heading = t("key_figures", lang, month=report.month_name)
    w.heading(heading)
    figures = key_figures(report)
    if not figures:
        book.missing(w, heading, "no metric is registered")
        return
    w.header(
        [
            t("pillar", lang),
            t("indicator", lang),
            t("value", lang),
            t("unit", lang),
            month_label(shift_month(report.month, -1), lang),
            t("change", lang),
            t("target", lang),
            t("status", lang),
            t("definition", lang),
        ]
    )
    for figure in figures:
        metric, fmt, row = figure.metric, unit_format(figure.metric.unit), w.row
        w.cell(row, 1, figure.pillar)
        label = metric_label(metric.name, lang)
        w.cell(row, 2, label)
        definition, numbers = metric_definition(metric.name, lang), figure.card
        if numbers.missing:
            w.cell(row, 3, status.badge(status.GREY, lang)).font = NOTE_FONT
            definition = f"{t('no_data', lang, why=numbers.missing)}\n{definition}"
            book.no_data.append(f"{w.ws.title}: {label}: {numbers.missing}")
        else:
            w.cell(row, 3, numbers.value, fmt)
        w.cell(row, 4, metric.unit)
        w.cell(row, 5, numbers.previous, fmt)
        change = w.cell(row, 6, numbers.change, CHANGE)
        if numbers.change:
            change.font = Font(color=variance_colour(numbers.change, metric.direction))
        w.cell(row, 7, figure.target, fmt)
        if figure.status is not None:
            w.status_cell(row, 8, figure.status)
        w.cell(row, 9, definition).alignment = WRAP
        w.row += 1
    w.widths[9] = 60
    w.gap()


def variance_colour(change: float, direction: str) -> str:
    """IBCS: a change for the better green, for the worse red, judged by the metric's
    direction; grey where neither way is better."""
    if direction not in ("higher", "lower"):
        return "666666"
    better = change > 0 if direction == "higher" else change < 0
    return (status.COLOURS[status.GREEN] if better else status.COLOURS[status.RED]).lstrip("#")


def write_contents(w: SheetWriter, links: Sequence[tuple[str, str]]) -> None:
    """A link to every other sheet, at the end of the Summary."""
    w.heading(t("contents", w.lang))
    for text, sheet in links:
        cell = w.cell(w.row, 1, text)
        # inside quotes an apostrophe of the sheet's name is doubled, as Excel writes it
        quoted = sheet.replace("'", "''")
        cell.hyperlink = f"#'{quoted}'!A1"
        cell.font = LINK_FONT
        w.row += 1
