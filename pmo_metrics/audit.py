"""The audit log: who loaded, undid or edited what, and when (table ``audit_log``).

Loads, undos and redos write their entry inside their own transaction (pmo_metrics.store.loads):
committed or rolled back with the change. Other actions call :func:`record` right after they
succeed, on the same connection or cursor.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from pmo_metrics.access import HasRole, name_of

# The actions the product records (free text is allowed, these are the ones it writes).
ACTIONS = (
    "import",  # detail: load id, files and row counts
    "undo",  # detail: load id and rows removed
    "redo",  # detail: load id
    "edit_catalog",  # detail: table and what changed
    "save_mapping",  # detail: profile name
    "restore",  # detail: backup directory
    "manage_users",
)


def record(
    con: duckdb.DuckDBPyConnection,
    user: str | HasRole | None,
    action: str,
    detail: str = "",
    *,
    at: datetime | None = None,
) -> None:
    """Append one entry. ``user`` is a user name or a user object (``.name`` is recorded)."""
    if not action:
        raise ValueError("an audit entry needs an action")
    con.execute(
        "INSERT INTO audit_log (happened_at, username, action, detail) VALUES (?, ?, ?, ?)",
        [at or datetime.now(), name_of(user), action, detail],
    )


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
    # rowid breaks ties between entries written in the same microsecond, in insertion order.
    sql += " ORDER BY happened_at DESC, rowid DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return con.execute(sql, params).df()
