"""The audit log: who loaded, undid, edited or queried what, and when (table ``audit_log``).

Every change writes its entry inside its own transaction (the store's loads, undos and redos;
the actions of :mod:`pmo_metrics.actions`): committed or rolled back with the change. A console
query is recorded before it runs, so even a query that brings the process down is on record.

The entries are a hash chain (:mod:`pmo_metrics.store.chain`): entry ``seq`` n carries the
SHA-256 of its own fields and of entry n-1's hash. Editing, inserting, reordering or deleting an
entry before the newest, or blanking a hash, breaks the chain from that entry on, which
:func:`verify` finds (``restore`` refuses such a backup, and ``python -m pmo_metrics
verify-audit`` checks a store). Deleting the newest entries leaves a shorter chain that still
holds, and a chain is not a signature (whoever can write the file can build a new one), so keep
backups where the people audited cannot write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from pmo_metrics.access import HasRole, name_of
from pmo_metrics.store.chain import GENESIS, as_stored, entry_hash, hashes
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
        last = fetch_row(  # an entry is always recorded, even onto a broken chain
            con,
            "SELECT seq, entry_hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1",
        )
        seq, previous = (last[0] + 1, last[1]) if last else (1, GENESIS)
        entry = (as_stored(at or datetime.now()), name_of(user), action, detail)
        con.execute(
            "INSERT INTO audit_log (happened_at, username, action, detail, seq, entry_hash) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [*entry, seq, entry_hash(seq, *entry, previous)],
        )


@dataclass(frozen=True)
class Verdict:
    """What :func:`verify` found: ``entries`` checked and the first ``broken`` one, if any."""

    entries: int
    broken: int | None = None  # seq of the first entry whose hash does not hold
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken is None

    def describe(self) -> str:
        if self.intact:
            return f"the audit log is intact: {self.entries} entries, chain verified"
        return (
            f"the audit log was altered: {self.reason} (entry {self.broken} of {self.entries}); "
            "entries from there on cannot be trusted"
        )


def verify(con: duckdb.DuckDBPyConnection) -> Verdict:
    """Walk the chain from the first entry; the first entry that does not hold breaks it (an
    entry without a hash too: a log of an older version is chained when the store is opened)."""
    rows = con.execute(
        "SELECT seq, happened_at, username, action, detail, entry_hash FROM audit_log "
        "ORDER BY seq NULLS FIRST, rowid"
    ).fetchall()
    expected = hashes(row[1:5] for row in rows)
    for position, ((seq, *_, stored), made) in enumerate(zip(rows, expected, strict=True), 1):
        if seq is None or stored is None:
            return Verdict(len(rows), position, "an entry has no place in the chain")
        if seq != position:
            why = "an entry is missing" if seq > position else "an entry is repeated"
            return Verdict(len(rows), position, why)
        if made != stored:
            return Verdict(len(rows), seq, "an entry's content does not match its hash")
    return Verdict(len(rows))


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
    sql += " ORDER BY seq DESC"  # the order written (an entry's time may be given: ``at``)
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return con.execute(sql, params).df()
