"""Report: the monthly report of a chosen month as one .xlsx a sponsor can forward."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from pmo_metrics import actions, locale, publishing
from pmo_metrics.engine import open_source
from pmo_metrics.evaluation import MetricResult
from pmo_metrics.exports.pack import FORMATS as PACK_FORMATS
from pmo_metrics.exports.pack import MIME as PACK_MIME
from pmo_metrics.exports.pack import build_pack
from pmo_metrics.exports.report import build_report
from pmo_metrics.status_notes import Subject
from ui.components import empty_state, page_header, plain_table, status_text
from ui.context import page_context
from ui.data import filter_options, report_preview, tables
from ui.i18n import lang, month_label, quantity, t
from ui.statuses import figure_text, figures_now, subject_name

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


# --- the steering pack (issue 15) -------------------------------------------------------------


def pack_section() -> None:
    """The month for the steering committee as a PDF or slides: the .xlsx report's numbers."""
    st.subheader(t("pack_heading"), help=t("pack_help"))
    kind = st.radio(
        t("pack_format"),
        list(PACK_FORMATS),
        format_func=lambda k: t(f"pack_{k}"),
        horizontal=True,
        key="pack_format",
    )
    if st.button(t("pack_build"), key="pack_build"):
        buffer = io.BytesIO()
        with st.spinner(t("pack_building")):
            summary = build_pack(
                ctx.con.cursor(), month, buffer, fmt=kind, lang=lang(), generated_by=ctx.user.name
            )
        st.session_state["pack_file"] = (month, kind, lang(), buffer.getvalue(), summary)
    built = st.session_state.get("pack_file")
    if built and built[:3] == (month, kind, lang()):
        name = f"pmo-steering-pack-{month}.{kind}"
        st.caption(built[4].text())
        st.download_button(
            t("pack_download", name=name),
            data=built[3],
            file_name=name,
            mime=PACK_MIME[kind],
            key="pack_download",
            icon=":material/download:",
            on_click="ignore",
        )


pack_section()


# --- publishing the month (issue 15) ----------------------------------------------------------


def changes_as_read(diff: pd.DataFrame) -> pd.DataFrame:
    """Each figure changed since the month was published: what it was, what it is now."""
    subjects = [
        Subject(k, s, i) for k, s, i in zip(diff["kind"], diff["scope"], diff["item"], strict=True)
    ]
    units = [u if isinstance(u, str) else "" for u in diff["unit"]]
    return pd.DataFrame(
        {
            "figure": [subject_name(s) for s in subjects],
            "before": [
                figure_text(v, st_, u)
                for v, st_, u in zip(diff["before"], diff["status_before"], units, strict=True)
            ],
            "after": [
                figure_text(v, st_, u)
                for v, st_, u in zip(diff["after"], diff["status_after"], units, strict=True)
            ],
        }
    )


def publish(latest: publishing.Publication | None, reason: str) -> None:
    cursor = ctx.con.cursor()
    try:
        if latest is None:
            done = actions.publish_month(
                cursor, ctx.user, month, tables=tables(ctx.con, ctx.version)
            )
        else:
            done = actions.republish_month(
                cursor, ctx.user, month, reason, tables=tables(ctx.con, ctx.version)
            )
    except publishing.PublishRefused as exc:
        why = str(exc)
        if exc.unexplained:
            names = "; ".join(subject_name(s) for s in exc.unexplained)
            why = t("publish_unexplained", count=len(exc.unexplained), names=names)
        elif latest is not None and not reason.strip():
            why = t("republish_needs_reason")
        st.error(t("publish_refused", why=why), icon=":material/block:")
        return
    st.session_state["_publish_flash"] = t(
        "published_ok", month=month_label(month), version=done.version
    )
    st.rerun()


def publish_section() -> None:
    st.subheader(t("publish_heading"), help=t("publish_help"))
    message = st.session_state.pop("_publish_flash", None)
    if message:
        st.success(message, icon=":material/check:")
    cursor = ctx.con.cursor()
    latest = publishing.latest(cursor, month)
    if latest is None:
        st.caption(t("publish_none", month=month_label(month)))
    else:
        frozen = publishing.published_figures(cursor, month, latest.version)
        diff = publishing.changes(frozen, figures_now(ctx, month))
        if diff.empty:
            st.caption(t("publish_no_changes", version=latest.version))
        else:
            st.markdown(f"**{t('publish_changes', version=latest.version)}**")
            with st.container(key="report_publish_changes"):
                plain_table(changes_as_read(diff))
    if ctx.can("publish"):
        reason = ""
        if latest is not None:
            reason = st.text_input(t("republish_reason"), key="report_publish_reason")
        label = "publish_button" if latest is None else "republish_button"
        if st.button(t(label, month=month_label(month)), key="report_publish", type="primary"):
            publish(latest, reason)
    else:
        st.caption(t("publish_not_allowed"))
    versions = publishing.publications(cursor, month)
    if not versions.empty:
        st.markdown(f"**{t('publish_versions')}**")
        with st.container(key="report_publish_versions"):  # named for browser tests
            plain_table(versions.drop(columns="month"))


publish_section()
