"""What a user does to the store, one function an action: import, undo, redo, a mapping saved,
a catalog edit, the sample loaded, a backup restored, a console query.

Each checks the role of ``who`` (a user of the dashboard, or the command line's actor), then
writes the change and its audit entry in one transaction. The command line and the pages call
these; neither checks a role nor writes an audit entry itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from pmo_metrics import audit, backup, demo, importing, status_notes
from pmo_metrics.access import HasRole, PermissionDenied, can, name_of, require
from pmo_metrics.editing import edit_as_parsed
from pmo_metrics.readers.ahead import ReadAhead
from pmo_metrics.sql_console import MAX_QUERY_CHARS, run_readonly_query
from pmo_metrics.store.connection import connect, transaction
from pmo_metrics.store.loads import LoadResult, load_parsed, redo_load, undo_load

if TYPE_CHECKING:  # for annotations only: publishing loads the metrics (Ibis, about a second),
    # which an import, an undo or an edit does without; _publish imports it when it runs
    from pmo_metrics import publishing
    from pmo_metrics.evaluation import Tables

# Who loads the sample into an empty store when the dashboard first starts.
FIRST_START = "dashboard (first start)"


def import_files(
    con: duckdb.DuckDBPyConnection,
    who: HasRole,
    paths: Sequence[Path | str],
    *,
    source: str | None = None,
    period: str | None = None,
    mapping_profile: str | None = None,
    names: Sequence[str] | None = None,
    progress: importing.Progress | None = None,
    ahead: ReadAhead | None = None,
) -> LoadResult:
    """Read the files and load them as one load (see :func:`importing.import_paths`)."""
    require(who, "import")
    result = importing.import_paths(
        con,
        paths,
        source=source,
        period=period,
        mapping_profile=mapping_profile,
        user=name_of(who),
        names=names,
        progress=progress,
        ahead=ahead,
    )
    _alerts_after(con, result)
    return result


def _alerts_after(con: duckdb.DuckDBPyConnection, result: LoadResult) -> None:
    """The alert rules after a load (when the settings configure a channel): never raises,
    a failure is recorded and the load stands (:func:`pmo_metrics.notify.after_load`)."""
    from pmo_metrics.notify import after_load  # the rules load the metrics only when they run

    after_load(con, result.load_id)


def undo(con: duckdb.DuckDBPyConnection, who: HasRole, load_id: int) -> dict[str, int]:
    """Undo a load; returns the rows that left the current state, per table."""
    require(who, "undo")
    return undo_load(con, load_id, user=name_of(who))


def redo(con: duckdb.DuckDBPyConnection, who: HasRole, load_id: int) -> None:
    """Make an undone load active again (the same right as undo: it puts back what undo took)."""
    require(who, "undo")
    redo_load(con, load_id, user=name_of(who))


def save_mapping(
    con: duckdb.DuckDBPyConnection,
    who: HasRole,
    name: str,
    target: str,
    mapping: dict[str, str],
) -> None:
    """Save (or replace) a named column mapping for ``target``."""
    require(who, "save_mapping")
    with transaction(con):
        importing.save_mapping_profile(con, name, target, mapping)
        audit.record(con, who, "save_mapping", f"{name} -> {target}: {len(mapping)} columns")


def edit_catalog(
    con: duckdb.DuckDBPyConnection, who: HasRole, table: str, rows: pd.DataFrame
) -> LoadResult:
    """Load the rows edited in the dashboard as a load of their own (undoable like a file)."""
    require(who, "edit_catalog")
    user = name_of(who)
    return load_parsed(
        con,
        [edit_as_parsed(table, rows, user=user)],
        user=user,
        action="edit_catalog",
        note=f"{table}: {len(rows)} row(s)",
    )


def load_sample(
    con: duckdb.DuckDBPyConnection, who: HasRole, root: Path | None = None
) -> LoadResult:
    """Load the sample year (``python -m pmo_metrics demo``), each load audited as ``who``'s:
    into an empty store from its store image (the same rows, loads and audit entries as
    reading its files, in a fraction of the time), into one with loads from its files."""
    require(who, "import")
    return demo.load_sample(con, root, user=name_of(who))


def load_sample_at_first_start(
    con: duckdb.DuckDBPyConnection, progress: importing.Progress | None = None
) -> bool:
    """Load the sample into a store that never had a load (the dashboard's first start, before
    anyone has logged in: the entries name :data:`FIRST_START`). True if it did. ``progress``
    is told the fraction done and the period being loaded."""
    return demo.ensure_demo_data(con, user=FIRST_START, progress=progress)


def restore(
    folder: str | Path, db: str | Path | None, who: HasRole, *, force: bool = False
) -> backup.Manifest:
    """Replace the store with a backup (its audit chain verified; audited in the restore)."""
    require(who, "restore")
    return backup.restore(folder, db, force=force, user=who)


def query(
    db: str | Path | duckdb.DuckDBPyConnection, who: HasRole, sql: str, **limits: object
) -> pd.DataFrame:
    """Run one read-only console query, recorded in the audit log before it runs (so even a
    query that takes the process down is on record). ``db`` is the app's connection, or a
    database file (the command line). The audit log is hidden from roles that may not read it.
    """
    require(who, "sql")
    if isinstance(db, duckdb.DuckDBPyConnection):
        audit.record(db, who, "sql", _as_recorded(sql))
        hidden = () if can(who, "view_audit") else ("audit_log",)
        return run_readonly_query(db, sql, hidden=hidden, **limits)  # type: ignore[arg-type]
    if not can(who, "view_audit"):  # a file is read whole: only the app can hide a table
        raise PermissionDenied(f"the role '{who.role}' may query the store only in the dashboard")
    if not Path(db).exists():
        return run_readonly_query(db, sql, **limits)  # type: ignore[arg-type]  # says so
    writer = connect(db)  # the console itself reads through a read-only connection
    try:
        audit.record(writer, who, "sql", _as_recorded(sql))
    finally:
        writer.close()
    return run_readonly_query(db, sql, **limits)  # type: ignore[arg-type]


def _as_recorded(sql: str) -> str:
    """The query's text for the log: whole up to the console's statement limit; a longer one
    (refused by the console) by its start and its length, not megabytes re-hashed forever."""
    if len(sql) <= MAX_QUERY_CHARS:
        return sql
    return f"{sql[:200]}... ({len(sql):,} characters)"


# --- explained statuses and published months (issue 15) -------------------------------------


def explain_status(
    con: duckdb.DuckDBPyConnection,
    who: HasRole,
    subject: status_notes.Subject,
    month: str,
    text: status_notes.Explanation,
    *,
    status: str | None = None,
) -> int:
    """Explain ``subject``'s amber or red ``status`` from ``month`` on (carried forward until
    closed; it replaces the note that applied in that month); the note's id."""
    require(who, "explain_status")
    with transaction(con):
        note_id = status_notes.write(con, subject, month, text, status=status, user=name_of(who))
        label = status_notes.subject_label(subject, "en")
        audit.record(
            con, who, "explain_status", f"note {note_id}: {subject.kind} {label}, from {month}"
        )
    return note_id


def close_note(con: duckdb.DuckDBPyConnection, who: HasRole, note_id: int, month: str) -> None:
    """Close an explanation as of ``month``: it applies to the months before only."""
    require(who, "explain_status")
    with transaction(con):
        subject = status_notes.close(con, note_id, month, user=name_of(who))
        label = status_notes.subject_label(subject, "en")
        audit.record(
            con, who, "close_note", f"note {note_id}: {subject.kind} {label}, as of {month}"
        )


def publish_month(
    con: duckdb.DuckDBPyConnection, who: HasRole, month: str, *, tables: Tables | None = None
) -> publishing.Publication:
    """Publish ``month`` (its first version): figures computed on ``tables`` (the dashboard's
    cache) or on the store now, frozen with the explanations that apply. Refused naming each
    red without an explanation, and for a month published already."""
    return _publish(con, who, month, None, tables, republish=False)


def republish_month(
    con: duckdb.DuckDBPyConnection,
    who: HasRole,
    month: str,
    reason: str,
    *,
    tables: Tables | None = None,
) -> publishing.Publication:
    """Publish ``month`` again as its next version; ``reason`` is required."""
    return _publish(con, who, month, reason, tables, republish=True)


def _publish(
    con: duckdb.DuckDBPyConnection,
    who: HasRole,
    month: str,
    reason: str | None,
    tables: Tables | None,
    *,
    republish: bool,
) -> publishing.Publication:
    from pmo_metrics import publishing  # see the imports: loaded when a month is published

    require(who, "publish")
    status_notes.check_month(month)
    tables = tables or publishing.tables_on(con)
    figures = publishing.month_figures(tables, month)  # computed before the write lock
    with transaction(con):
        done = publishing.publish(
            con, month, figures, user=name_of(who), reason=reason, republish=republish
        )
        why = f"; reason: {done.reason}" if done.reason else ""
        audit.record(
            con,
            who,
            "republish" if republish else "publish",
            f"{month} version {done.version}: {len(figures)} figures{why}",
        )
    return done
