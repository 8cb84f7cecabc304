"""Why a status is amber or red: the PMO lead's explanations (table ``status_notes``).

A note explains one *subject*'s status in a month: a pillar's figure of the whole portfolio, a
service's indicator, a service or an application (:class:`Subject`). It says the cause, the
action taken, its owner and due date, and may name a risk of the register (``risk_id``) or an
improvement action (``action_id``).

A note is carried forward: written for September, it applies to September and every month
after until it is closed; closed as of a month, it applies to the months before that one only
(closed in the month it was written for, it applies to none: withdrawn). A new note for a
subject closes the one that applied to it in that month, so each subject has at most one note
per month: the newest.

Writing and closing happen through :mod:`pmo_metrics.actions` (role checked, audited in the same
transaction); this module holds the rules and the reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

import duckdb
import pandas as pd

from pmo_metrics import locale
from pmo_metrics.store.connection import fetch_row

KINDS = ("pillar", "indicator", "service", "application")
EXPLAINED = ("red", "amber")  # the statuses a note is asked for, worst first
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

NOTE_COLUMNS = (
    "note_id", "kind", "scope", "item", "opened_month", "status", "cause", "action", "owner",
    "due", "risk_id", "action_id", "written_by",
)  # fmt: skip


class NoteRefused(ValueError):
    """A note that cannot be written or closed as asked (the message says why)."""


class Subject(NamedTuple):
    """What a status belongs to: ``kind`` (:data:`KINDS`), ``scope`` (the service or
    application, '' for a pillar figure), ``item`` (the indicator, or a pillar figure's metric,
    '' for a service or an application)."""

    kind: str
    scope: str
    item: str = ""


@dataclass(frozen=True)
class Explanation:
    """What the PMO lead writes about a status."""

    cause: str
    action: str
    owner: str
    due: date | None = None
    risk_id: str | None = None
    action_id: str | None = None


def check_month(month: str) -> str:
    if not isinstance(month, str) or not _MONTH.match(month):
        raise NoteRefused(f"a month is written YYYY-MM (e.g. 2026-10), not {month!r}")
    return month


def _checked(subject: Subject, text: Explanation) -> tuple[Subject, Explanation]:
    if subject.kind not in KINDS:
        raise NoteRefused(f"a status belongs to one of {', '.join(KINDS)}, not {subject.kind!r}")
    if subject.kind != "pillar" and not subject.scope.strip():
        raise NoteRefused(f"a {subject.kind}'s status names its {subject.kind}")
    if subject.kind in ("pillar", "indicator") and not subject.item.strip():
        what = "metric" if subject.kind == "pillar" else "indicator"
        raise NoteRefused(f"a {subject.kind}'s status names its {what}")
    missing = [name for name in ("cause", "action", "owner") if not getattr(text, name).strip()]
    if missing:
        raise NoteRefused(f"an explanation needs its {', '.join(missing)}")

    def blank_as_none(value: str | None) -> str | None:
        return value.strip() or None if value else None

    cleaned = Explanation(
        cause=text.cause.strip(),
        action=text.action.strip(),
        owner=text.owner.strip(),
        due=text.due,
        risk_id=blank_as_none(text.risk_id),
        action_id=blank_as_none(text.action_id),
    )
    return subject, cleaned


def write(
    con: duckdb.DuckDBPyConnection,
    subject: Subject,
    month: str,
    text: Explanation,
    *,
    status: str | None,
    user: str | None,
) -> int:
    """Write a note for ``subject`` from ``month`` on, closing the one that applied to it in
    that month; its id. Call it inside the transaction that audits it."""
    check_month(month)
    subject, text = _checked(subject, text)
    now = datetime.now()
    con.execute(
        "UPDATE status_notes SET closed_month = ?, closed_by = ?, closed_at = ? "
        "WHERE kind = ? AND scope = ? AND item = ? AND opened_month <= ? "
        "AND (closed_month IS NULL OR closed_month > ?)",
        [month, user, now, *subject, month, month],
    )
    row = fetch_row(con, "SELECT nextval('status_note_seq')")
    note_id = int(row[0]) if row else 0
    con.execute(
        "INSERT INTO status_notes (note_id, kind, scope, item, opened_month, status, cause, "
        "action, owner, due, risk_id, action_id, written_by, written_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            note_id, *subject, month, status, text.cause, text.action, text.owner, text.due,
            text.risk_id, text.action_id, user, now,
        ],
    )  # fmt: skip
    return note_id


def close(con: duckdb.DuckDBPyConnection, note_id: int, month: str, *, user: str | None) -> Subject:
    """Close note ``note_id`` as of ``month`` (it no longer applies from that month on); the
    subject it explained. Call it inside the transaction that audits it."""
    check_month(month)
    row = fetch_row(
        con,
        "SELECT kind, scope, item, opened_month, closed_month FROM status_notes WHERE note_id = ?",
        [note_id],
    )
    if row is None:
        raise NoteRefused(f"there is no explanation {note_id}")
    if row[4] is not None:
        raise NoteRefused(f"explanation {note_id} was already closed as of {row[4]}")
    con.execute(
        "UPDATE status_notes SET closed_month = ?, closed_by = ?, closed_at = ? WHERE note_id = ?",
        [max(month, row[3]), user, datetime.now(), note_id],
    )
    return Subject(row[0], row[1], row[2])


def notes_for(con: duckdb.DuckDBPyConnection, month: str) -> pd.DataFrame:
    """The note applying to each subject in ``month`` (the newest, when several do): written
    for that month or before, and not closed as of it or before. Columns :data:`NOTE_COLUMNS`."""
    check_month(month)
    frame = (
        con.cursor()
        .execute(
            f"SELECT {', '.join(NOTE_COLUMNS)} FROM status_notes "
            "WHERE opened_month <= ? AND (closed_month IS NULL OR closed_month > ?) "
            "QUALIFY row_number() OVER (PARTITION BY kind, scope, item "
            "ORDER BY opened_month DESC, note_id DESC) = 1 "
            "ORDER BY kind, scope, item",
            [month, month],
        )
        .df()
    )
    return frame.reset_index(drop=True)


def all_notes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every note ever written, newest first, with when it was closed: the history."""
    return (
        con.cursor()
        .execute(
            f"SELECT {', '.join(NOTE_COLUMNS)}, written_at, closed_month, closed_by "
            "FROM status_notes ORDER BY note_id DESC"
        )
        .df()
    )


def with_notes(figures: pd.DataFrame, notes: pd.DataFrame) -> pd.DataFrame:
    """``figures`` (columns kind, scope, item, ...) with the note of each subject beside it
    (its :data:`NOTE_COLUMNS` other than the subject; empty where there is none)."""
    extra = [c for c in NOTE_COLUMNS if c not in ("kind", "scope", "item", "status")]
    if notes.empty:
        return figures.assign(**{c: pd.Series([None] * len(figures), dtype=object) for c in extra})
    keyed = notes[["kind", "scope", "item", *extra]]
    return figures.merge(keyed, on=["kind", "scope", "item"], how="left")


def flagged(figures: pd.DataFrame) -> pd.DataFrame:
    """The amber and red rows of ``figures`` (any columns with kind, scope, item, status),
    reds first, then by kind as in :data:`KINDS`, then by name."""
    rows = figures[figures["status"].isin(EXPLAINED)]
    severity = {s: i for i, s in enumerate(EXPLAINED)}
    kinds = {k: i for i, k in enumerate(KINDS)}
    order = [
        severity[s] * len(KINDS) + kinds.get(k, len(KINDS))
        for s, k in zip(rows["status"], rows["kind"], strict=True)
    ]
    ordered = rows.assign(_order=order).sort_values(["_order", "scope", "item"], kind="stable")
    return ordered.drop(columns="_order").reset_index(drop=True)


def exceptions(figures: pd.DataFrame, notes: pd.DataFrame) -> pd.DataFrame:
    """The amber and red subjects of ``figures`` (:func:`flagged`), each with its note (see
    :func:`with_notes`)."""
    return with_notes(flagged(figures), notes)


def unexplained_reds(figures: pd.DataFrame, notes: pd.DataFrame) -> list[Subject]:
    """The red subjects of ``figures`` that no note applies to: what stops a publication."""
    reds = exceptions(figures, notes)
    reds = reds[(reds["status"] == "red") & reds["note_id"].isna()]
    return [
        Subject(k, s, i) for k, s, i in zip(reds["kind"], reds["scope"], reds["item"], strict=True)
    ]


def subject_label(subject: Subject, lang: str) -> str:
    """How a reader names a subject: a pillar figure by its metric's label, an indicator as
    ``service · indicator``, a service or an application by its name."""
    kind, scope, item = subject
    if kind == "pillar":
        return locale.metric_label(item, lang)
    if kind == "indicator":
        return f"{scope} · {item}"
    return scope


def note_text(note: pd.Series | dict[str, object], lang: str) -> str:
    """A note as one line beside its status: ``cause. Action: ... (owner, due 15 Nov 2026)``,
    with the risk or improvement action it names; '' for a subject without a note."""
    cause = note.get("cause")
    if cause is None or (isinstance(cause, float) and pd.isna(cause)):
        return ""
    due = note.get("due")
    when = locale.date_label(pd.Timestamp(due), lang) if due is not None and pd.notna(due) else "-"
    text = locale.t(
        "note_line", lang, cause=cause, action=note.get("action"), owner=note.get("owner"), due=when
    )
    links = []
    for column, key in (("risk_id", "note_risk"), ("action_id", "note_action")):
        value = note.get(column)
        if value is not None and not (isinstance(value, float) and pd.isna(value)) and value:
            links.append(locale.t(key, lang, id=value))
    return f"{text} [{'; '.join(links)}]" if links else text
