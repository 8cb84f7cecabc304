"""The outbox (table ``outbox``, schema ``72_outbox.sql``): every event to send, once per
channel, kept after it is sent.

- :func:`enqueue` adds an event for each channel unless its key is there already (the table's
  unique (event_key, channel)): evaluating the rules again never enqueues an event twice.
- :func:`drain` sends the pending rows whose next attempt is due. A row sent is marked sent and
  never picked again; a failure keeps it pending with its error, one more attempt counted and
  the next attempt put off (1 minute, doubling, at most :data:`MAX_DELAY`); after
  :data:`MAX_ATTEMPTS` it is marked failed (shown on the Data page; ``notify --retry-failed``
  puts it back). A server that is down loses nothing: the next ``notify`` tries again.

A message sent whose success could not be written (the process killed in between) is sent
again by the next drain: at least once, never lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import pandas as pd

from pmo_metrics.notify.rules import Event
from pmo_metrics.store.connection import transaction

MAX_ATTEMPTS = 10
FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=6)
ERROR_CHARS = 500


@dataclass(frozen=True)
class Message:
    """A row of the outbox to send."""

    event_id: int
    event_key: str
    channel: str
    title: str
    body: str
    link: str | None


# A channel's sender: sends one message or raises (the error's text is kept as the row's).
Send = Callable[[Message], None]


@dataclass(frozen=True)
class Drained:
    sent: int = 0
    failed: int = 0  # attempts that failed in this drain (the rows stay pending or are failed)
    pending: int = 0  # rows still waiting after it


def enqueue(
    con: duckdb.DuckDBPyConnection,
    events: Iterable[Event],
    channels: Iterable[str],
    now: datetime | None = None,
) -> int:
    """Add each event for each channel unless it is there; how many rows were added."""
    now = now or datetime.now()
    added = 0
    channels = tuple(channels)
    with transaction(con):
        for e in events:
            for channel in channels:
                rows = con.execute(
                    "INSERT INTO outbox VALUES (nextval('outbox_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "'pending', 0, NULL, NULL, NULL) ON CONFLICT DO NOTHING RETURNING event_id",
                    [e.key, channel, e.rule, e.subject, e.month, e.title, e.body, e.link, now],
                ).fetchall()
                added += len(rows)
    return added


def delay(attempts: int) -> timedelta:
    """How long after its ``attempts``-th failure a row is tried again."""
    return min(FIRST_DELAY * (1 << min(max(attempts - 1, 0), 20)), MAX_DELAY)


def due(con: duckdb.DuckDBPyConnection, now: datetime) -> list[Message]:
    rows = con.execute(
        "SELECT event_id, event_key, channel, title, body, link FROM outbox "
        "WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) "
        "ORDER BY event_id",
        [now],
    ).fetchall()
    return [Message(*r) for r in rows]


def drain(
    con: duckdb.DuckDBPyConnection,
    senders: Mapping[str, Send],
    now: datetime | None = None,
) -> Drained:
    """Send every pending row due at ``now`` through its channel's sender (a channel with no
    sender is left pending)."""
    now = now or datetime.now()
    sent = failed = 0
    for message in due(con, now):
        send = senders.get(message.channel)
        if send is None:
            continue
        try:
            send(message)
        except Exception as exc:  # any failure of a sender is the row's error, kept to retry
            failed += 1
            _failed(con, message.event_id, _error(exc), now)
        else:
            sent += 1
            with transaction(con):
                con.execute(
                    "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
                    "last_error = NULL, next_attempt_at = NULL WHERE event_id = ?",
                    [datetime.now(), message.event_id],
                )
    return Drained(sent, failed, count_pending(con))


def _error(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:ERROR_CHARS]


def _failed(con: duckdb.DuckDBPyConnection, event_id: int, error: str, now: datetime) -> None:
    with transaction(con):
        rows = con.execute("SELECT attempts FROM outbox WHERE event_id = ?", [event_id]).fetchall()
        attempts = int(rows[0][0]) + 1
        status = "failed" if attempts >= MAX_ATTEMPTS else "pending"
        con.execute(
            "UPDATE outbox SET attempts = ?, last_error = ?, status = ?, next_attempt_at = ? "
            "WHERE event_id = ?",
            [attempts, error, status, now + delay(attempts), event_id],
        )


def retry_failed(con: duckdb.DuckDBPyConnection) -> int:
    """Put the rows given up as failed back to pending, due now; how many."""
    with transaction(con):
        rows = con.execute(
            "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = NULL "
            "WHERE status = 'failed' RETURNING event_id"
        ).fetchall()
    return len(rows)


def count_pending(con: duckdb.DuckDBPyConnection) -> int:
    rows = con.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchall()
    return int(rows[0][0])


OUTBOX_COLUMNS = ("created_at", "channel", "rule", "month", "title", "status", "attempts",
                  "next_attempt_at", "last_error")  # fmt: skip


def unsent(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The rows not sent (pending and failed), failed first, then oldest first: the Data
    page's outbox section. Columns :data:`OUTBOX_COLUMNS`."""
    return (
        con.cursor()
        .execute(
            f"SELECT {', '.join(OUTBOX_COLUMNS)} FROM outbox WHERE status <> 'sent' "
            "ORDER BY status = 'failed' DESC, event_id"
        )
        .df()
    )


def unsent_shown(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`unsent`'s rows as the Data page shows them: headers, channels and states in
    ``lang`` (the titles are in the language the alerts were written in)."""
    from pmo_metrics.locale import t  # the words; the outbox itself needs none

    shown = frame.assign(
        channel=frame["channel"].map(lambda c: t(f"outbox_{c}", lang)),
        status=frame["status"].map(lambda s: t(f"outbox_{s}", lang)),
    ).drop(columns=["rule"])
    return shown.rename(columns={c: t(f"outbox_{c}", lang) for c in shown.columns})


def last_failed_run(con: duckdb.DuckDBPyConnection) -> tuple[datetime, str, str] | None:
    """The latest evaluation of the rules, when it failed: when, its trigger and its error."""
    rows = con.execute(
        "SELECT ran_at, trigger, error FROM alert_runs ORDER BY ran_at DESC LIMIT 1"
    ).fetchall()
    return (rows[0][0], rows[0][1], rows[0][2]) if rows and rows[0][2] else None


def record_run(
    con: duckdb.DuckDBPyConnection,
    trigger: str,
    month: str | None,
    events: int | None,
    error: str | None = None,
) -> None:
    with transaction(con):
        con.execute(
            "INSERT INTO alert_runs VALUES (?, ?, ?, ?, ?)",
            [datetime.now(), trigger, month, events, error[:ERROR_CHARS] if error else None],
        )
