"""Report: the monthly report of a chosen month as one .xlsx a sponsor can forward."""

from __future__ import annotations

import io

import streamlit as st

from pmo_metrics.engine import open_source
from pmo_metrics.exports.report import build_report
from ui.components import empty_state, page_header
from ui.context import page_context
from ui.data import filter_options
from ui.i18n import lang, month_label, t

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
