"""Flow: throughput, lead time, aging work in progress, cumulative flow, net flow."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pmo_metrics.charts.flow import (
    aging_wip_chart,
    cumulative_flow_chart,
    lead_time_scatter,
    net_flow_chart,
    throughput_chart,
)
from pmo_metrics.evaluation import metric
from pmo_metrics.headers import column_label
from ui.components import data_table, kpi_card, metric_block, page_header
from ui.context import page_context
from ui.data import metric_table, metric_value
from ui.i18n import (
    chart_title,
    lang,
    metric_label,
    period_label,
    status_word,
    t,
    with_month_labels,
)

ctx = page_context("flow")
page_header(ctx, "page_flow")
period = period_label(ctx.scope.first_month, ctx.scope.last_month)
over_time = ctx.trend()  # charts over time show the 12 months up to the period
trend_period = period_label(over_time.scope.first_month, over_time.scope.last_month)


def title(name: str, when: str = period) -> str:
    m = metric(name)
    return chart_title(metric_label(name), m.unit, when) if m else name


cards = st.columns(4)
for column, name in zip(cards, ("throughput", "lead-time", "wip", "cycle-time"), strict=True):
    with column:
        kpi_card(ctx, name)

left, right = st.columns(2)
with left:
    st.subheader(t("throughput"))
    metric_block(
        ctx,
        "throughput-weekly",
        "flow_throughput",
        chart=lambda f: throughput_chart(
            f.sort_values("week"), title("throughput-weekly"), period="week"
        ),
        table=False,
    )
with right:
    st.subheader(t("net_flow"))
    metric_block(
        ctx,
        "net-flow",
        "flow_net",
        chart=lambda f: net_flow_chart(
            with_month_labels(f),
            title("net-flow"),
            names={"created": column_label("created", lang()), "done": t("done")},
            lang=lang(),
        ),
        table=False,
    )

st.subheader(t("lead_time"))
percentiles = metric_table(ctx.con, ctx.version, "lead-time", ctx.scope)
lines = {}
if not percentiles.empty:
    weights = percentiles.frame["items"]
    if len(percentiles.frame) == 1 or "overall_p85_days" not in percentiles.frame:
        row = percentiles.frame.iloc[0]
        lines = {"P50": row["p50_days"], "P85": row["p85_days"], "P95": row["p95_days"]}
    else:
        lines = {"P85": percentiles.frame["overall_p85_days"].iloc[0]}
metric_block(
    ctx,
    "lead-time-items",
    "flow_lead_time",
    chart=lambda f: lead_time_scatter(f, title("lead-time"), percentiles=lines, lang=lang()),
)
contradicted = metric_value(ctx.con, ctx.version, "resolved-before-created", ctx.scope)
if contradicted:
    st.caption(t("flow_resolved_before_created", count=f"{contradicted:.0f}"))
    with st.expander(t("flow_resolved_before_created_list")):
        data_table(
            metric_table(ctx.con, ctx.version, "resolved-before-created", ctx.scope).frame,
            key="flow_contradicted",
            file_stem="resolved-before-created",
        )


def reference_name(aging: pd.DataFrame) -> str:
    """The aging chart's line, named in the page's language: which P85 the metric used."""
    used = str(aging["reference"].iloc[0]) if len(aging) else "P85 lead time"
    return t({"P85 cycle time": "p85_cycle_time"}.get(used, "p85_lead_time"))


left, right = st.columns(2)
with left:
    st.subheader(t("aging_wip"))
    metric_block(
        ctx,
        "aging-wip",
        "flow_aging",
        chart=lambda f: aging_wip_chart(
            f.rename(columns={"status_category": "status"}),
            title("aging-wip"),
            reference_days=f["p85_reference_days"].iloc[0] if len(f) else None,
            reference=reference_name(f),
            lang=lang(),
        ),
        table=False,
    )
with right:
    st.subheader(t("cfd"))
    metric_block(
        ctx,
        "cumulative-flow",
        "flow_cfd",
        chart=lambda f: cumulative_flow_chart(
            with_month_labels(f),
            title("cumulative-flow"),
            names={c: str(status_word(c)).capitalize() for c in ("To Do", "In Progress", "Done")},
            lang=lang(),
        ),
        table=False,
    )
