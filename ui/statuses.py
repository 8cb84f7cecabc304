"""Explained statuses and published months on the pages (issue 15): the draft / published
choice, the month's figures as shown, an explanation beside a status and the form to write one.

The rules live in :mod:`pmo_metrics.status_notes` and :mod:`pmo_metrics.publishing`; the writes
go through :mod:`pmo_metrics.actions` (role checked and audited there). The month's figures are
cached by data version; the notes and publications are read on every run (small tables that
change without a load).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import cast

import duckdb
import pandas as pd
import streamlit as st

from pmo_metrics import actions, publishing, status_notes
from pmo_metrics.access import PermissionDenied
from pmo_metrics.evaluation import Scope
from pmo_metrics.publishing import Publication
from pmo_metrics.status_notes import Explanation, NoteRefused, Subject
from ui.components import status_text
from ui.context import PageContext
from ui.data import TTL, table, tables
from ui.i18n import date_label, lang, month_label, quantity, t
from ui.markdown import plain

VIEW = "_status_view"  # "draft" or "published", kept across pages for the session
DRAFT, PUBLISHED = "draft", "published"


def single_month(ctx: PageContext) -> str | None:
    """The scope's month when it is one month (explanations and publications are per month)."""
    scope = ctx.scope
    if scope.first_month and scope.first_month == scope.last_month:
        return scope.last_month
    return None


@st.cache_data(max_entries=64, ttl=TTL, show_spinner=False)
def _live_figures(_con: duckdb.DuckDBPyConnection, version: str, month: str) -> pd.DataFrame:
    return publishing.month_figures(tables(_con, version), month)


def figures_now(ctx: PageContext, month: str) -> pd.DataFrame:
    """The month's figures as computed now (:func:`pmo_metrics.publishing.month_figures`) on
    the cached metric tables."""
    return _live_figures(ctx.con, ctx.version, month)


@dataclass(frozen=True)
class Shown:
    """What a page shows of a month: the publication chosen (None: the draft), the latest
    publication (for "changed since published"), the figures with their notes beside them."""

    month: str
    publication: Publication | None
    latest: Publication | None
    figures: pd.DataFrame  # publishing.FIGURE_COLUMNS and the notes' columns

    @cached_property
    def _rows(self) -> dict[tuple[object, object, object], int]:
        """Each subject's first row: a page asks for a status per card and per exception
        (a boolean mask over the figures each time cost a tenth of a second per rerun)."""
        f = self.figures
        keys = zip(f["kind"], f["scope"], f["item"], strict=True)
        found: dict[tuple[object, object, object], int] = {}
        for position, key in enumerate(keys):
            found.setdefault(key, position)
        return found

    def row(self, subject: Subject) -> pd.Series | None:
        position = self._rows.get((subject.kind, subject.scope, subject.item))
        return None if position is None else self.figures.iloc[position]

    def frozen_indicators(self, scorecard: pd.DataFrame) -> pd.DataFrame:
        """A scorecard table (service, indicator, value, target, status...) with the value,
        target and status of each indicator as shown (published)."""
        rows = self.figures[self.figures["kind"] == "indicator"]
        frozen = {
            (s, i): r
            for s, i, r in zip(rows["scope"], rows["item"], rows.itertuples(), strict=True)
        }
        out = scorecard.copy()
        for column in ("value", "target", "status"):
            out[column] = [
                getattr(frozen[key], column) if key in frozen else None
                for key in zip(out["service"], out["indicator"], strict=True)
            ]
        return out

    def status(self, subject: Subject) -> str | None:
        found = self.row(subject)
        return None if found is None or not isinstance(found["status"], str) else found["status"]


def view_choice(ctx: PageContext, key: str) -> Shown | None:
    """The draft / published choice for the scope's month (a sponsor starts on the published
    version, everyone else on the draft), with a line saying what is shown; None when the scope
    is not one month."""
    month = single_month(ctx)
    if month is None:
        return None
    cursor = ctx.con.cursor()
    latest = publishing.latest(cursor, month)
    if VIEW not in st.session_state:
        st.session_state[VIEW] = PUBLISHED if ctx.user.role == "sponsor" else DRAFT
    chosen = st.session_state[VIEW]
    if latest is None:
        st.caption(t("not_published", month=month_label(month)))
        chosen = DRAFT
    else:
        options = [DRAFT, PUBLISHED]
        st.session_state[key] = chosen
        st.segmented_control(
            t("view_choice"),
            options,
            key=key,
            format_func=lambda v: (
                t("view_draft") if v == DRAFT else t("view_published", version=latest.version)
            ),
            on_change=_remember,
            args=(key,),
            required=True,
        )
        chosen = st.session_state.get(key) or chosen
        if chosen == PUBLISHED:
            st.caption(
                t(
                    "published_banner",
                    version=latest.version,
                    month=month_label(month),
                    who=latest.published_by or "-",
                    when=date_label(latest.published_at),
                )
            )
        else:
            st.caption(t("draft_banner", month=month_label(month), version=latest.version))
            frozen = publishing.published_figures(cursor, month, latest.version)
            changed = len(publishing.changes(frozen, figures_now(ctx, month)))
            if changed:  # the PMO lead's cue to republish
                st.caption(t("changed_count", count=changed, version=latest.version))
    publication = latest if chosen == PUBLISHED else None
    if publication is not None:
        _, figures = publishing.month_status(cursor, month, version=publication.version)
    else:
        figures = status_notes.with_notes(
            figures_now(ctx, month), status_notes.notes_for(cursor, month)
        )
    return Shown(month, publication, latest, figures)


def _remember(key: str) -> None:
    value = st.session_state.get(key)
    if value in (DRAFT, PUBLISHED):
        st.session_state[VIEW] = value


# --- a status and its explanation -------------------------------------------------------------


def subject_name(subject: Subject) -> str:
    return f"{t('kind_' + subject.kind)} · {status_notes.subject_label(subject, lang())}"


def explanation(row: pd.Series | None) -> str:
    """The note beside a status as one line ('' without a note)."""
    if row is None:
        return ""
    return status_notes.note_text(row, lang())


def note_caption(shown: Shown, subject: Subject) -> None:
    """The explanation of ``subject``'s amber or red status under it, or that it has none."""
    row = shown.row(subject)
    if row is None or row["status"] not in status_notes.EXPLAINED:
        return
    text = explanation(row)
    if text:
        since = t("explained_since", month=month_label(str(row["opened_month"])))
        st.caption(f":material/comment: {plain(text)} ({since})")
    else:
        st.caption(f":material/comment: {t('unexplained')}")


def changed_caption(ctx: PageContext, shown: Shown, subject: Subject, unit: str) -> None:
    """ "changed since published: before -> after" under a figure whose value or status now
    differs from the latest published version's."""
    if shown.latest is None:
        return
    cursor = ctx.con.cursor()
    frozen = publishing.published_figures(cursor, shown.month, shown.latest.version)
    diff = publishing.changes(frozen, figures_now(ctx, shown.month))
    found = diff[
        (diff["kind"] == subject.kind)
        & (diff["scope"] == subject.scope)
        & (diff["item"] == subject.item)
    ]
    if found.empty:
        return
    r = found.iloc[0]
    before = figure_text(r["before"], r["status_before"], unit)
    after = figure_text(r["after"], r["status_after"], unit)
    st.caption(f":material/history: {t('changed_since', before=before, after=after)}")


def figure_text(value: object, status: object, unit: str) -> str:
    """A figure with its status as a reader sees it: ``75.0% (✗ off target)``; "-" without
    a value."""
    present = isinstance(value, (int, float)) and not pd.isna(value)
    number = quantity(float(cast(float, value)), unit) if present else "-"
    return f"{number} ({status_text(status)})" if isinstance(status, str) else number


def exceptions_table(shown: Shown) -> pd.DataFrame:
    """The amber and red statuses shown, reds first, with their explanations: columns status,
    kind, subject, explanation."""
    rows = publishing.exceptions_of(shown.figures)
    return pd.DataFrame(
        {
            "status": rows["status"],
            "kind": [t(f"kind_{k}") for k in rows["kind"]],
            "subject": [
                status_notes.subject_label(Subject(k, s, i), lang())
                for k, s, i in zip(rows["kind"], rows["scope"], rows["item"], strict=True)
            ],
            "explanation": [explanation(r) or t("unexplained") for _, r in rows.iterrows()],
        }
    )


def flagged_subjects(shown: Shown, keep: Callable[[Subject], bool] | None = None) -> list[Subject]:
    """The amber and red subjects shown, reds first (``keep(subject)`` to narrow them)."""
    rows = publishing.exceptions_of(shown.figures)
    subjects = [
        Subject(k, s, i) for k, s, i in zip(rows["kind"], rows["scope"], rows["item"], strict=True)
    ]
    return [s for s in subjects if keep is None or keep(s)]


# --- the form ---------------------------------------------------------------------------------


def explain_popover(ctx: PageContext, shown: Shown, subjects: list[Subject], key: str) -> None:
    """A small "Explain" popover beside a status, for the PMO lead on the draft: pick one of
    ``subjects`` (amber or red), write cause, action, owner, due date and a related risk or
    improvement action; or close the explanation that applies."""
    if not subjects or shown.publication is not None or not ctx.can("explain_status"):
        return
    with st.popover(t("explain"), icon=":material/edit_note:", key=f"{key}_popover"):
        # each option written out (no format_func): "✗ off target · Service · name"
        names = {f"{status_text(shown.status(s))} · {subject_name(s)}": s for s in subjects}
        chosen = names[st.selectbox(t("explain_what"), list(names), key=f"{key}_subject")]
        current = shown.row(chosen)
        with st.form(f"{key}_form", clear_on_submit=True, enter_to_submit=False):
            cause = st.text_area(t("explain_cause"), key=f"{key}_cause", height=80)
            action = st.text_input(t("explain_action"), key=f"{key}_action")
            owner = st.text_input(t("explain_owner"), key=f"{key}_owner")
            due = st.date_input(t("explain_due"), value=None, key=f"{key}_due")
            risk = _pick(ctx, "risks", "risk_id", t("explain_risk"), f"{key}_risk")
            improvement = _pick(
                ctx,
                "improvement_actions",
                "action_id",
                t("explain_improvement"),
                f"{key}_improvement",
            )
            saved = st.form_submit_button(t("explain_save"), type="primary")
        if saved:
            text = Explanation(cause, action, owner, due, risk, improvement)
            _explain(ctx, chosen, shown, text)
        note = current["note_id"] if current is not None and "note_id" in current else None
        if note is not None and pd.notna(note):
            if st.button(t("explain_close"), key=f"{key}_close", type="tertiary"):
                _close(ctx, int(note), shown.month)


def _pick(ctx: PageContext, name: str, column: str, label: str, key: str) -> str | None:
    register = table(ctx.con, ctx.version, name)
    if register.empty:
        return None
    labels = {
        str(i): f"{i} · {title}"
        for i, title in zip(register[column], register["title"], strict=True)
    }
    options = ["", *sorted(labels)]
    chosen = st.selectbox(label, options, key=key, format_func=lambda v: labels.get(v, "-"))
    return chosen or None


def _explain(ctx: PageContext, subject: Subject, shown: Shown, text: Explanation) -> None:
    fields = {
        "explain_cause": text.cause,
        "explain_action": text.action,
        "explain_owner": text.owner,
    }
    missing = [t(key).lower() for key, value in fields.items() if not value.strip()]
    if missing:  # said in the page's language (the package's refusal is in English)
        st.error(t("explain_missing", fields=", ".join(missing)), icon=":material/error:")
        return
    try:
        actions.explain_status(
            ctx.con.cursor(), ctx.user, subject, shown.month, text, status=shown.status(subject)
        )
    except (NoteRefused, PermissionDenied) as exc:
        st.error(t("explain_refused", why=str(exc)), icon=":material/error:")
        return
    st.session_state["_status_flash"] = t("explain_saved", month=month_label(shown.month))
    st.rerun()


def _close(ctx: PageContext, note_id: int, month: str) -> None:
    try:
        actions.close_note(ctx.con.cursor(), ctx.user, note_id, month)
    except (NoteRefused, PermissionDenied) as exc:
        st.error(t("explain_refused", why=str(exc)), icon=":material/error:")
        return
    st.session_state["_status_flash"] = t("explain_closed", month=month_label(month))
    st.rerun()


def flash() -> None:
    """The confirmation of the last explanation saved or closed (after the rerun that shows it)."""
    message = st.session_state.pop("_status_flash", None)
    if message:
        st.success(message, icon=":material/check:")


def notes_in_window(ctx: PageContext, service: str, window: Scope) -> pd.DataFrame:
    """The explanations of ``service`` and of its indicators written in the window's months, as
    markers for its indicator trend: columns facet (the indicator; empty for the service's own:
    on every indicator), x (the month as the chart writes it), text."""
    notes = status_notes.all_notes(ctx.con.cursor())
    first, last = window.first_month or "", window.last_month or ""
    mine = notes[
        (notes["scope"] == service)
        & notes["kind"].isin(("service", "indicator"))
        & (notes["opened_month"] >= first)
        & (notes["opened_month"] <= last)
    ]
    return pd.DataFrame(
        {
            "facet": [
                i if k == "indicator" else ""
                for k, i in zip(mine["kind"], mine["item"], strict=True)
            ],
            "x": [month_label(m) for m in mine["opened_month"]],
            "text": [explanation(r) for _, r in mine.iterrows()],
        },
        columns=["facet", "x", "text"],
    )
