"""Report: the monthly report of a chosen month as one .xlsx a sponsor can forward."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from pmo_metrics import locale
from pmo_metrics.engine import open_source
from pmo_metrics.evaluation import MetricResult
from pmo_metrics.exports.report import build_report
from ui.components import empty_state, page_header, plain_table, status_text
from ui.context import page_context
from ui.data import filter_options, report_preview
from ui.i18n import lang, month_label, quantity, t

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ctx = page_context("report")
page_header(ctx, "page_report", "report_caption")
months = filter_options(ctx.con, ctx.version)["months"]
if not months:
    empty_state(t("no_months"))
    st.stop()

default = ctx.scope.last_month if ctx.scope.last_month in months else months[-1]
month = st.selectbox(
    t("report_month"),
    months[::-1],
    index=months[::-1].index(default),
    format_func=month_label,
    key="report_month",
)


def key_figures_as_read(frame: pd.DataFrame) -> pd.DataFrame:
    """Each figure written with its own unit (one column mixes %, h and EUR)."""

    def written(value: object, unit: str) -> str:
        return "-" if value is None or pd.isna(value) else quantity(float(value), unit)

    units = frame["unit"]
    return frame[["pillar", "indicator"]].assign(
        value=[written(v, u) for v, u in zip(frame["value"], units, strict=True)],
        previous=[written(v, u) for v, u in zip(frame["previous"], units, strict=True)],
        change=[
            locale.delta_text(c, u, lang()) or "-"
            for c, u in zip(frame["change"], units, strict=True)
        ],
        target=[written(v, u) for v, u in zip(frame["target"], units, strict=True)],
        # judged only against a target every service shares: otherwise not judged, not "no data"
        status=[status_text(s) if isinstance(s, str) else "-" for s in frame["status"]],
    )[["pillar", "indicator", "value", "previous", "change", "target", "status"]]


def preview_section(title: str, result: MetricResult, key: str) -> None:
    st.markdown(f"**{title}**")
    if result.empty:
        empty_state(result.missing)
    else:
        plain_table(result.frame, key=key, dashes=True)


preview = report_preview(ctx.con, ctx.version, month, lang())
st.subheader(t("report_preview"), help=t("report_preview_help"))
st.markdown(f"**{t('report_key_figures')}**")
plain_table(key_figures_as_read(preview.key_figures), key="report_preview_figures")
left, right = st.columns(2)
with left:
    preview_section(t("scorecard"), preview.scorecard, "report_preview_scorecard")
with right:
    preview_section(t("top_risks"), preview.risks, "report_preview_risks")
preview_section(t("portfolio_heatmap"), preview.health, "report_preview_health")

if st.button(t("report_build"), type="primary", key="report_build"):
    bar = st.progress(0.0, text=t("report_building"))
    buffer = io.BytesIO()
    summary = build_report(
        open_source(ctx.con.cursor()),
        month,
        buffer,
        progress=lambda fraction, text: bar.progress(min(max(fraction, 0.0), 1.0), text=text),
        lang=lang(),
    )
    bar.progress(1.0)
    st.session_state["report_file"] = (month, lang(), buffer.getvalue(), summary)

built = st.session_state.get("report_file")
if built and built[0] == month:
    _, _, content, summary = built
    name = f"pmo-report-{month}.xlsx"
    st.success(t("report_ready", month=month_label(month)))
    st.caption(summary.text())
    st.download_button(
        t("report_download", name=name),
        data=content,
        file_name=name,
        mime=XLSX,
        key="report_download",
        icon=":material/download:",
        on_click="ignore",
        type="primary",
    )
    if summary.no_data:
        with st.expander(f"{len(summary.no_data)} × {t('no_data')}"):
            st.markdown("\n".join(f"- {gap}" for gap in summary.no_data))
