"""Improvement: actions by status, on-time rate, the overdue list, benefits."""

from __future__ import annotations

import streamlit as st

from pmo_metrics.charts.generic import grouped_bars, share_of_plan_bars
from pmo_metrics.evaluation import metric
from ui.components import help_text, kpi_row, metric_block, page_header
from ui.context import page_context
from ui.i18n import chart_title, lang, metric_label, period_label, t, with_month_labels

ctx = page_context("improvement")
page_header(ctx, "page_improvement")
period = period_label(ctx.scope.first_month, ctx.scope.last_month)
over_time = ctx.trend()  # charts over time show the 12 months up to the period
trend_period = period_label(over_time.scope.first_month, over_time.scope.last_month)


def title(name: str, unit: str | None = None, when: str = period) -> str:
    m = metric(name)
    return chart_title(metric_label(name), m.unit if unit is None else unit, when) if m else name


# Benefits are a table (each in its own unit, with no one number to sum them up): charted below.
kpi_row(ctx, ("improvement-actions", "on-time-rate", "overdue-actions", "days-to-close"))

left, right = st.columns(2)
with left:
    st.subheader(t("actions_by_status"), help=help_text("improvement-actions"))
    metric_block(  # over the 12 months up to the period: one month alone is a single bar
        over_time,
        "improvement-actions",
        "improvement_actions",
        chart=lambda f: grouped_bars(
            with_month_labels(f),
            title("improvement-actions", when=trend_period),
            x="month",
            columns=["opened", "closed"],
            names={"opened": t("opened"), "closed": t("closed")},
        ),
        table=False,
    )
with right:
    st.subheader(t("benefits"), help=help_text("improvement-benefits"))
    metric_block(
        ctx,
        "improvement-benefits",
        "improvement_benefits",
        chart=lambda f: share_of_plan_bars(
            f.assign(service=f["service"].fillna("–")),
            title("improvement-benefits", t("share_of_expected")),
            category="service",
            unit="unit",
            plan="expected",
            actual="realised",
            names={"plan": t("expected"), "actual": t("realised")},
            lang=lang(),
        ),
    )

st.subheader(t("overdue_actions"), help=help_text("overdue-actions"))
metric_block(ctx, "overdue-actions", "improvement_overdue")
