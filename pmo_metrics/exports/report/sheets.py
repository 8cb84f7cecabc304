"""Writing the report's workbook: the book being written (its sheets, what had no data, how
many charts) and the sections more than one kind of sheet shows: the scorecard, portfolio
health, open risks and SLA compliance month by month."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import cast

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell

from pmo_metrics.evaluation import MetricResult, card_target
from pmo_metrics.evaluation import metric as find_metric
from pmo_metrics.exports.report.model import Report, t
from pmo_metrics.exports.safe import MAX_SHEET_TITLE, safe_sheet_title
from pmo_metrics.exports.workbook import (
    Block,
    SheetWriter,
    colour_by_status,
    line_chart,
    status_key,
    unit_format,
)
from pmo_metrics.locale import metric_label, short_month
from pmo_metrics.metrics.plan import as_number
from pmo_metrics.metrics.portfolio import reason_text
from pmo_metrics.metrics.risks import top_open_risks
from pmo_metrics.periods import month_keys

RISK_VIEW = ("risk_id", "title", "application", "service", "probability", "impact", "score",
             "band", "owner", "mitigation_due", "overdue")  # fmt: skip
SCORECARD_VIEW = ("service", "indicator", "value", "unit", "target", "status")


@dataclass
class Book:
    """The workbook being written for ``report``, and what had no data."""

    report: Report
    wb: Workbook = field(default_factory=Workbook)
    no_data: list[str] = field(default_factory=list)
    charts: int = 0

    @property
    def lang(self) -> str:
        return self.report.lang

    def sheet(self, title: str) -> SheetWriter:
        return SheetWriter(self.wb.create_sheet(unique_title(self.wb, title)), self.lang)

    def close(self, writer: SheetWriter, freeze: str | None = "A4") -> None:
        writer.finish(freeze)
        self.charts += writer.charts

    def missing(self, w: SheetWriter, section: str, why: str) -> None:
        w.note(t("no_data", self.lang, why=why))
        self.no_data.append(f"{w.ws.title}: {section}: {why}")

    def section(
        self,
        w: SheetWriter,
        heading: str,
        computed: MetricResult,
        *,
        view: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    ) -> Block | None:
        """A heading and a metric's table (or its ``no data`` line); the block written."""
        w.heading(heading)
        block = None
        if computed.missing:
            self.missing(w, heading, computed.missing)
        else:
            frame = view(computed.frame) if view else computed.frame
            if frame.empty:
                w.note(t("no_rows", self.lang, month=self.report.month_name))
            else:
                block = w.table(frame)
        w.gap()
        return block


def unique_title(wb: Workbook, title: str) -> str:
    """A valid sheet title not yet used in ``wb``: a long name cut at a word and marked
    (:func:`safe_sheet_title`), a repeat numbered (``Svc Centro de Atención… (2)``); Excel
    compares sheet names without case."""
    taken = {name.lower() for name in wb.sheetnames}
    name, n = safe_sheet_title(title), 2
    while name.lower() in taken:
        suffix = f" ({n})"
        # the name is cut again to leave room for the number, at a word as any cut
        name, n = safe_sheet_title(title, MAX_SHEET_TITLE - len(suffix)) + suffix, n + 1
    return name


# --- the scorecard ----------------------------------------------------------------------------


def write_scorecard(book: Book, w: SheetWriter, service: str | None = None) -> None:
    """The catalog scorecard of the month (one service's indicators, or every service's)."""
    report = book.report
    heading = t(
        "scorecard" if service is None else "indicators_month", book.lang, month=report.month_name
    )
    # Each indicator is judged on its own service's data, so one run serves every sheet.
    computed = report.run("scorecard", report.filters())
    if service is None:
        view = scorecard_view
    else:

        def view(frame: pd.DataFrame) -> pd.DataFrame:
            return scorecard_view(frame[frame["service"] == service]).drop(columns="service")

    block = book.section(w, heading, computed, view=view)
    if block is not None:
        shown = view(computed.frame)
        for r, unit in zip(range(block.first_row, block.last_row + 1), shown["unit"], strict=True):
            for name in ("value", "target"):
                cell = w.ws.cell(row=r, column=block.columns[name])
                cell.number_format = unit_format(unit or "")


def scorecard_view(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[list(SCORECARD_VIEW)]


# --- portfolio health -------------------------------------------------------------------------


def write_health(
    book: Book, w: SheetWriter, heading: str, applications: Sequence[str] | None = None
) -> None:
    """Portfolio health of the month: each application's status, the reason for its colour,
    and every dimension's value coloured by its own status."""
    report = book.report
    # An application's health depends only on its own data and the period, so one run of the
    # whole portfolio serves the Summary, every service and every application.
    computed = report.run("portfolio-health", report.filters())
    if not computed.missing and applications is not None:
        frame = computed.frame[computed.frame["application"].isin(list(applications))]
        computed = MetricResult(frame)
    block = book.section(w, heading, computed, view=partial(health_view, lang=book.lang))
    if block is None:
        return
    frame = computed.frame.reset_index(drop=True)
    for dimension in health_dimensions(frame):
        col = block.columns[dimension]
        for i, key in enumerate(frame[f"{dimension}_status"]):
            # never a merged cell: the writer merges nothing
            cell = cast(Cell, w.ws.cell(row=block.first_row + i, column=col))
            colour_by_status(cell, status_key(key))


def health_dimensions(frame: pd.DataFrame) -> list[str]:
    """The dimension columns of a portfolio-health table (those with a ``_status`` twin)."""
    return [c for c in frame.columns if f"{c}_status" in frame.columns]


def health_view(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """application, status, reason (in ``lang``), then each dimension's value."""
    reasons = [reason_text(parts, lang) for parts in frame["reason_parts"]]
    view = frame.assign(reason=pd.Series(reasons, index=frame.index, dtype=object))
    return view[["application", "status", "reason", *health_dimensions(frame)]]


# --- risks ------------------------------------------------------------------------------------


def write_risks(
    book: Book, w: SheetWriter, heading: str, limit: int | None, **scope: str | None
) -> None:
    """The open risks, most important first, at most ``limit`` (all with None), in the columns
    a sponsor reads (the register itself is on the Risks page)."""
    report = book.report
    book.section(
        w,
        heading,
        report.run("risks", report.filters(**scope)),
        view=lambda frame: top_open_risks(frame, limit)[list(RISK_VIEW)],
    )


# --- SLA compliance month by month ------------------------------------------------------------


def write_sla_trend(book: Book, w: SheetWriter, heading: str, **scope: str | None) -> None:
    """SLA compliance month by month over the window, against the service's target (with no
    scope, the whole portfolio's, against the target every service shares)."""
    report = book.report
    computed = report.run("sla-compliance", report.window(**scope))
    w.heading(heading)
    if computed.missing:
        book.missing(w, heading, computed.missing)
        w.gap()
        return
    monthly = monthly_sla(computed.frame, report.months)
    monthly["month"] = [short_month(m, book.lang) for m in monthly["month"]]
    target = sla_target(report, scope)
    if target is not None:
        monthly["target_pct"] = target
    block = w.table(monthly)
    metric = find_metric("sla-compliance")
    label = metric_label("sla-compliance", book.lang) if metric is not None else "sla-compliance"
    chart = line_chart(
        w.ws,
        block,
        "month",
        "compliance_pct",
        target="target_pct" if target is not None else None,
        title=f"{label}, %",
    )
    w.chart(chart, block)
    w.gap()


def monthly_sla(frame: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """The sla-compliance table summed over the services in scope, one row per month.

    Columns: month (YYYY-MM), tickets, met_sla, compliance_pct (empty without tickets).
    """
    # Plain Python over the few rows (a service's or the portfolio's months): a pandas group
    # and join cost more than the sums. Counts are whole numbers: summed exactly in any order.
    tickets, met = dict.fromkeys(months, 0), dict.fromkeys(months, 0)
    keys = month_keys(frame["month"]).tolist() if len(frame) else []
    for key, n, m in zip(keys, frame["tickets"].tolist(), frame["met_sla"].tolist(), strict=True):
        if key in tickets:
            tickets[key] += int(n)
            met[key] += int(m)
    return pd.DataFrame(
        {
            "month": months,
            "tickets": pd.Series(list(tickets.values()), dtype="int64"),
            "met_sla": pd.Series(list(met.values()), dtype="int64"),
            "compliance_pct": [met[k] / tickets[k] * 100 if tickets[k] else np.nan for k in months],
        }
    )


def sla_target(report: Report, scope: Mapping[str, str | None]) -> float | None:
    """The SLA compliance target of ``scope``: a service's, if the catalog gives exactly one;
    the whole portfolio's, the one every service shares (the key figure's, judged as the
    dashboard's card); none for an application, whose tickets no one target covers."""
    service = scope.get("service")
    if service is None:
        metric = find_metric("sla-compliance")
        if any(scope.values()) or metric is None:
            return None
        judged = card_target(report.catalog.indicators, metric, report.filters())
        return judged[0] if judged else None
    rows = report.catalog.indicators_of(service)
    targets = rows[rows["metric"] == "sla-compliance"]["target"]
    return as_number(targets.iloc[0]) if len(targets) == 1 else None
