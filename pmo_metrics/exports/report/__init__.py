"""The monthly report: one .xlsx a sponsor can forward, written with openpyxl.

Sheets: a Summary (key figures per pillar against the previous month, the whole portfolio's
SLA compliance over the 12 months, the services scorecard, portfolio health with the reason for
each colour and the applications per status, the top risks, links to the other sheets),
one sheet per service (its indicators against their targets over the 12 months to the report
month, SLA by priority, tickets, effort, its applications) and one per application (health,
delivery, flow, incidents, cost and earned value, risks). Charts are native Excel charts over
the sheet's own cells.

Every number comes from the metric registry, with its label, unit and definition; a metric that
cannot be computed writes ``no data: <why>`` instead of failing the report. Every text cell is
neutralised against formula injection (see :mod:`pmo_metrics.exports.safe`).

The modules, by reason to change: :mod:`.model` what the report computes (its runs, scopes,
catalog, key figures), :mod:`.sheets` the workbook being written and the sections several
sheets share, :mod:`.summary`, :mod:`.services` and :mod:`.applications` each kind of sheet,
:mod:`.build` the whole report and saving it.
"""

from __future__ import annotations

from pmo_metrics.exports.report.build import ReportSummary, build_report, save_workbook
from pmo_metrics.exports.report.model import (
    Catalog,
    Report,
    application_names,
    service_names,
    trend_months,
)
from pmo_metrics.exports.report.services import indicator_trend
from pmo_metrics.exports.report.sheets import unique_title

__all__ = [
    "Catalog",
    "Report",
    "ReportSummary",
    "application_names",
    "build_report",
    "indicator_trend",
    "save_workbook",
    "service_names",
    "trend_months",
    "unique_title",
]
