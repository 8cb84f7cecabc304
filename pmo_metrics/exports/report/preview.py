"""The Summary sheet's tables before the report is built: what the Report page previews.

The same model as the sheet (:mod:`.model`'s key figures and runs, :mod:`.sheets`' views), so
that what the PMO lead checks on the page is what the sponsor reads in the workbook
(tests/exports/test_exports_report_preview.py compares them cell by cell).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pandas as pd

from pmo_metrics.evaluation import MetricResult
from pmo_metrics.exports.report.model import Report, key_figures
from pmo_metrics.exports.report.sheets import RISK_VIEW, health_view, scorecard_view
from pmo_metrics.locale import metric_label
from pmo_metrics.metrics.risks import TOP_RISKS, top_open_risks
from pmo_metrics.metrics.source import Source

KEY_FIGURE_COLUMNS = ("pillar", "indicator", "value", "unit", "previous", "change", "target",
                      "status")  # fmt: skip


@dataclass(frozen=True)
class SummaryPreview:
    """The Summary sheet's sections as tables: the key figures (one row per pillar figure,
    ``value`` empty with ``missing`` saying why), and the scorecard, portfolio health and top
    risks as the sheet shows them (or why there is none)."""

    key_figures: pd.DataFrame
    scorecard: MetricResult
    health: MetricResult
    risks: MetricResult


def summary_preview(source: Source, month: str, lang: str) -> SummaryPreview:
    """The Summary of ``month``'s report in ``lang``, computed as :func:`build_report` does."""
    report = Report(source, month, lang)
    scope = report.filters()
    return SummaryPreview(
        key_figures=key_figure_table(report),
        scorecard=_view(report.run("scorecard", scope), scorecard_view),
        health=_view(report.run("portfolio-health", scope), partial(health_view, lang=lang)),
        risks=_view(
            report.run("risks", scope),
            lambda frame: top_open_risks(frame, TOP_RISKS)[list(RISK_VIEW)],
        ),
    )


def key_figure_table(report: Report) -> pd.DataFrame:
    rows = [
        {
            "pillar": f.pillar,
            "indicator": metric_label(f.metric.name, report.lang),
            "value": None if f.card.missing else f.card.value,
            "unit": f.metric.unit,
            "previous": f.card.previous,
            "change": f.card.change,
            "target": f.target,
            "status": f.status,
            "missing": f.card.missing,
        }
        for f in key_figures(report)
    ]
    return pd.DataFrame(rows, columns=[*KEY_FIGURE_COLUMNS, "missing"])


def _view(result: MetricResult, view: Callable[[pd.DataFrame], pd.DataFrame]) -> MetricResult:
    return result if result.missing else MetricResult(view(result.frame))
