"""The audit log: who loaded, undid, edited or queried what, and when (table ``audit_log``).

Every change writes its entry inside its own transaction (the store's loads, undos and redos;
the actions of :mod:`pmo_metrics.actions`): committed or rolled back with the change. A console
query is recorded before it runs, so even a query that brings the process down is on record.

The entries are a hash chain: entry ``seq`` n carries the SHA-256 of its own fields and of
entry n-1's hash. Editing, deleting, inserting or reordering an entry breaks the chain from
that entry on, which :func:`verify` finds (``restore`` refuses such a backup, and
``python -m pmo_metrics verify-audit`` checks a store). A chain proves that nobody edited
the entries without also re-writing every later hash; it is not a signature (whoever can
write the file can build a new chain), so keep backups where the people audited cannot write.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from pmo_metrics.access import HasRole, name_of
from pmo_metrics.store.connection import WRITE_LOCK, fetch_row

# The actions the product records (free text is allowed, these are the ones it writes).
ACTIONS = (
    "import",  # detail: load id, files and row counts
    "undo",  # detail: load id and rows removed
    "redo",  # detail: load id
    "edit_catalog",  # detail: table and what changed
    "save_mapping",  # detail: profile name and target table
    "restore",  # detail: backup directory
    "manage_users",
    "sql",  # detail: the query's text, as typed
)

GENESIS = "0" * 64  # the "previous hash" of the first entry


def record(
    con: duckdb.DuckDBPyConnection,
    user: str | HasRole | None,
    action: str,
    detail: str = "",
    *,
    at: datetime | None = None,
) -> None:
    """Append one entry, chained to the last. ``user`` is a user name or a user object.

    Call it inside the transaction of the change it records (or alone, for a query)."""
    if not action:
        raise ValueError("an audit entry needs an action")
    with WRITE_LOCK:  # two writers of one process must not chain onto the same entry
        last = _last(con)
        if last is not None and last[0] is None:  # entries of an older version: chain them
            chain_unchained(con)
            last = _last(con)
        seq, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
        entry = (at or datetime.now(), name_of(user), action, detail)
        con.execute(
            "INSERT INTO audit_log (happened_at, username, action, detail, seq, entry_hash) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [*entry, seq, entry_hash(seq, *entry, previous)],
        )


def _last(con: duckdb.DuckDBPyConnection) -> tuple[Any, ...] | None:
    return fetch_row(
        con, "SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC NULLS LAST LIMIT 1"
    )


def entry_hash(
    seq: int,
    happened_at: datetime,
    username: str | None,
    action: str,
    detail: str | None,
    previous: str,
) -> str:
    """The hash an entry carries: its fields, unambiguously encoded, and the previous hash."""
    fields = [seq, happened_at.isoformat(), username, action, detail, previous]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Verdict:
    """What :func:`verify` found: ``entries`` checked and the first ``broken`` one, if any."""

    entries: int
    broken: int | None = None  # seq of the first entry whose hash does not hold
    reason: str = ""
    unchained: bool = False  # every entry predates the chain (a store of an older version)

    @property
    def intact(self) -> bool:
        return self.broken is None

    def describe(self) -> str:
        if self.unchained:
            return (
                f"the audit log holds {self.entries} entries written before it was a hash "
                "chain: nothing to verify yet (the next entry chains them)"
            )
        if self.intact:
            return f"the audit log is intact: {self.entries} entries, chain verified"
        return (
            f"the audit log was altered: {self.reason} (entry {self.broken} of {self.entries}); "
            "entries from there on cannot be trusted"
        )


def verify(con: duckdb.DuckDBPyConnection) -> Verdict:
    """Walk the chain from the first entry; the first entry that does not hold breaks it."""
    rows = con.execute(
        "SELECT seq, happened_at, username, action, detail, entry_hash FROM audit_log "
        "ORDER BY seq NULLS FIRST, rowid"
    ).fetchall()
    if rows and all(row[5] is None for row in rows):
        return Verdict(len(rows), unchained=True)
    previous = GENESIS
    for expected, (seq, at, user, action, detail, stored) in enumerate(rows, start=1):
        if seq is None or stored is None:
            return Verdict(len(rows), expected, "an entry has no place in the chain")
        if seq != expected:
            why = "an entry is missing" if seq > expected else "an entry is repeated"
            return Verdict(len(rows), expected, why)
        if entry_hash(seq, at, user, action, detail, previous) != stored:
            return Verdict(len(rows), seq, "an entry's content does not match its hash")
        previous = stored
    return Verdict(len(rows))


def chain_unchained(con: duckdb.DuckDBPyConnection) -> int:
    """Chain the entries written before the log was a chain (a store or a backup of an older
    version: every entry without a hash, in the order written). Returns how many. A log that is
    already chained is left alone: an entry without a hash there is for :func:`verify` to find."""
    with WRITE_LOCK:
        chained = fetch_row(con, "SELECT count(*) FROM audit_log WHERE entry_hash IS NOT NULL")
        if chained and chained[0]:
            return 0
        rows = con.execute(
            "SELECT rowid, happened_at, username, action, detail FROM audit_log "
            "ORDER BY happened_at, rowid"
        ).fetchall()
        previous = GENESIS
        for seq, (rowid, at, user, action, detail) in enumerate(rows, start=1):
            previous = entry_hash(seq, at, user, action, detail, previous)
            con.execute(
                "UPDATE audit_log SET seq = ?, entry_hash = ? WHERE rowid = ?",
                [seq, previous, rowid],
            )
        return len(rows)


def entries(
    con: duckdb.DuckDBPyConnection,
    *,
    username: str | None = None,
    action: str | None = None,
    limit: int | None = 1000,
) -> pd.DataFrame:
    """The audit log, newest first.

    Columns: happened_at (timestamp), username, action, detail.
    """
    where, params = [], []
    if username is not None:
        where.append("username = ?")
        params.append(username)
    if action is not None:
        where.append("action = ?")
        params.append(action)
    sql = "SELECT happened_at, username, action, detail FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    # seq breaks ties between entries written in the same microsecond, in the order written.
    sql += " ORDER BY happened_at DESC, seq DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return con.execute(sql, params).df()
