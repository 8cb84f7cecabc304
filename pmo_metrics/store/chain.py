"""The audit log's hash chain: how an entry's hash is made, and chaining a log written before
there was a chain (a store or a backup of an older version) in one statement.

Here, below :mod:`pmo_metrics.audit`, because opening an older store chains its log
(:func:`pmo_metrics.store.connection.ensure_schema`) and restoring an older backup does too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import duckdb

GENESIS = "0" * 64  # the "previous hash" of the first entry
CHAIN_BATCH = 1000  # entries per UPDATE when chaining an older log


def as_stored(at: datetime) -> datetime:
    """``at`` as a TIMESTAMP column gives it back (naive local time, microseconds): the hash is
    made from that, so that the entry read back hashes the same."""
    if hasattr(at, "to_pydatetime"):  # a pandas Timestamp (nanoseconds): as Python's datetime
        at = at.to_pydatetime(warn=False)
    return at.astimezone().replace(tzinfo=None) if at.tzinfo is not None else at


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


def hashes(entries: Iterable[tuple[Any, ...]], previous: str = GENESIS) -> Iterator[str]:
    """Each entry's hash, for ``(happened_at, username, action, detail)`` rows in chain order
    from seq 1 (or from the entry after ``previous``'s)."""
    for seq, (at, user, action, detail) in enumerate(entries, start=1):
        previous = entry_hash(seq, at, user, action, detail, previous)
        yield previous


def chain_all(con: duckdb.DuckDBPyConnection) -> int:
    """Chain every entry of a log written before the chain, in the order written; one UPDATE
    (the caller's transaction, or its own). Returns how many entries."""
    rows = con.execute(
        "SELECT rowid, happened_at, username, action, detail FROM audit_log "
        "ORDER BY happened_at, rowid"
    ).fetchall()
    if not rows:
        return 0
    # Without pandas: opening a store (and chaining an older log) must not wait for it to load.
    ids = [r[0] for r in rows]
    chained = [
        (seq, digest, row_id)
        for seq, (digest, row_id) in enumerate(
            zip(hashes(r[1:] for r in rows), ids, strict=True), start=1
        )
    ]
    for first in range(0, len(chained), CHAIN_BATCH):
        batch = chained[first : first + CHAIN_BATCH]
        values = ", ".join(["(?, ?, ?)"] * len(batch))
        con.execute(
            "UPDATE audit_log SET seq = c.seq, entry_hash = c.entry_hash "
            f"FROM (VALUES {values}) AS c(seq, entry_hash, id) WHERE audit_log.rowid = c.id",
            [value for entry in batch for value in entry],
        )
    return len(rows)
