"""Risks & stakeholders: heat map, the register with filters, engagement gaps, overdue
communications."""

from __future__ import annotations

import streamlit as st

from pmo_metrics.charts.risks import engagement_chart, power_interest_grid, risk_heatmap
from pmo_metrics.evaluation import metric
from pmo_metrics.headers import column_label
from pmo_metrics.metrics.stakeholders import QUADRANTS
from ui.components import (
    data_table,
    empty_state,
    help_text,
    kpi_row,
    metric_block,
    page_header,
)
from ui.context import page_context
from ui.data import metric_table
from ui.i18n import chart_title, lang, metric_label, period_label, status_word, t

ctx = page_context("risks")
page_header(ctx, "page_risks")
period = period_label(ctx.scope.first_month, ctx.scope.last_month)


def title(name: str) -> str:
    m = metric(name)
    return chart_title(metric_label(name), m.unit, period) if m else name


kpi_row(ctx, ("open-high-risks", "risk-exposure", "overdue-mitigations", "overdue-communications"))

left, right = st.columns([2, 3])
with left:
    st.subheader(t("risk_heatmap"), help=help_text("risk-heatmap"))
    metric_block(
        ctx,
        "risk-heatmap",
        "risks_heatmap",
        chart=lambda f: risk_heatmap(
            f,
            title("risk-heatmap"),
            axis_titles=(column_label("impact", lang()), column_label("probability", lang())),
        ),
        table=False,
    )
with right:
    st.subheader(t("risk_register"), help=help_text("risks"))
    register = metric_table(ctx.con, ctx.version, "risks", ctx.scope)
    if register.empty:
        empty_state(register.missing)
    else:
        frame = register.frame
        a, b = st.columns(2)
        statuses = sorted(frame["status"].dropna().unique())
        chosen_status = a.multiselect(
            t("risk_status"),
            statuses,
            default=[s for s in statuses if s == "open"] or statuses,
            format_func=status_word,
            key="risks_status",
        )
        bands = [b for b in ("critical", "high", "medium", "low") if b in set(frame["band"])]
        chosen_bands = b.multiselect(
            t("risk_band"), bands, default=bands, format_func=status_word, key="risks_band"
        )
        shown = frame[frame["status"].isin(chosen_status) & frame["band"].isin(chosen_bands)]
        data_table(
            shown.sort_values("score", ascending=False),
            key="risks_register",
            file_stem="risk-register",
            help=help_text("risks"),
            height=320,
        )

left, right = st.columns([3, 2])
with left:
    st.subheader(t("engagement_gaps"), help=help_text("engagement-gap"))
    metric_block(
        ctx,
        "engagement-gap",
        "risks_engagement",
        chart=lambda f: engagement_chart(
            f,
            title("engagement-gap"),
            names={
                "current": t("current"),
                "desired": t("desired"),
                **{f"level_{i}": t(f"level_{i}") for i in range(1, 6)},
            },
        ),
        table=False,
    )
with right:
    st.subheader(t("power_interest"), help=help_text("power-interest"))
    metric_block(
        ctx,
        "power-interest",
        "risks_power_interest",
        chart=lambda f: power_interest_grid(
            f, title("power-interest"), names={q: t(q) for q, _, _ in QUADRANTS}
        ),
        table=False,
    )

st.subheader(t("overdue_comms"), help=help_text("overdue-communications"))
metric_block(ctx, "overdue-communications", "risks_overdue_comms")
