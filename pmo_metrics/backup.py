"""Backup and restore of the store: one consistent copy as Parquet files plus a manifest.

``backup`` reads every table in ONE transaction (a snapshot: a load running meanwhile is either
wholly in the copy or not at all), writes ``<table>.parquet`` per table and ``manifest.json``
(row counts, a content checksum per table, a SHA-256 per file, the sequences' next values).
The folder is written under a temporary name and renamed when complete, so a folder with a
manifest is always a whole backup.

``restore`` checks every file against the manifest first, builds the database in a temporary
file beside the target (the schema from ``store/schema``, then each table's rows by column
name), verifies counts and checksums, and only then replaces the target in one rename. A
non-empty target is refused unless ``force``; a failure at any step leaves it untouched.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from pmo_metrics import audit
from pmo_metrics.access import HasRole
from pmo_metrics.readers.files import file_sha256
from pmo_metrics.store.chain import chain_all
from pmo_metrics.store.connection import (
    StoreBusy,
    connect,
    default_db_path,
    ensure_schema,
    transaction,
)

FORMAT = "pmo-metrics-backup/1"
MANIFEST = "manifest.json"


class BackupError(RuntimeError):
    """A backup or restore that cannot proceed; the message says why and what to do."""


@dataclass(frozen=True)
class TableCopy:
    name: str
    file: str
    rows: int
    checksum: str  # "<rows>:<sum of row hashes>": order-independent, over every column
    columns: tuple[str, ...]
    sha256: str  # of the Parquet file's bytes


@dataclass(frozen=True)
class Manifest:
    created_at: str
    source: str
    duckdb_version: str
    sequences: dict[str, int]  # next value of each sequence
    tables: dict[str, TableCopy]

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables.values())

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "created_at": self.created_at,
                "source": self.source,
                "duckdb_version": self.duckdb_version,
                "sequences": self.sequences,
                "tables": {
                    n: {
                        "file": t.file,
                        "rows": t.rows,
                        "checksum": t.checksum,
                        "columns": list(t.columns),
                        "sha256": t.sha256,
                    }
                    for n, t in self.tables.items()
                },
            },
            indent=2,
        )


def backup(db: str | Path | duckdb.DuckDBPyConnection | None, target: str | Path) -> Manifest:
    """Copy the store (a path, default ``$PMO_DB``; or the app's open connection) to the new
    folder ``target``. Raises BackupError if ``target`` exists and is not empty."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} already exists and is not empty; choose a new folder")
    own = not isinstance(db, duckdb.DuckDBPyConnection)
    if not isinstance(db, duckdb.DuckDBPyConnection):  # own, spelled so that mypy narrows db
        path = Path(db) if db is not None else default_db_path()
        if not path.exists():
            raise BackupError(f"there is no database at {path}")
        con = connect(path, read_only=True)  # StoreBusy if another process writes it
        source = str(path)
    else:
        con, source = db, _database_file(db)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    cur = con.cursor()
    try:
        cur.execute("BEGIN TRANSACTION")  # one snapshot for every table and the manifest
        tables = {}
        for name in _table_names(cur):
            file = f"{name}.parquet"
            cur.execute(
                f"COPY (SELECT * FROM {_q(name)}) TO '{_sql_str(partial / file)}' "
                "(FORMAT parquet, COMPRESSION zstd)"
            )
            rows, checksum = _checksum(cur, _q(name))
            columns = tuple(r[0] for r in cur.execute(f"DESCRIBE {_q(name)}").fetchall())
            tables[name] = TableCopy(
                name, file, rows, checksum, columns, file_sha256(partial / file)
            )
        manifest = Manifest(
            created_at=datetime.now().isoformat(timespec="seconds"),
            source=source,
            duckdb_version=duckdb.__version__,
            sequences=_sequences(cur),
            tables=tables,
        )
        cur.execute("ROLLBACK")
        (partial / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        if target.exists():
            target.rmdir()  # empty, checked above
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.rename(target)
        return manifest
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    finally:
        cur.close()
        if own:
            con.close()


def read_manifest(folder: str | Path) -> Manifest:
    """The manifest of a backup folder, every file checked against its SHA-256."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.exists():
        raise BackupError(f"{folder} is not a backup: it has no {MANIFEST}")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} is damaged: {exc}") from exc
    if raw.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {raw.get('format')!r}")
    tables = {}
    for name, t in raw["tables"].items():
        file = folder / t["file"]
        if Path(t["file"]).name != t["file"] or not file.exists():
            raise BackupError(f"the backup misses {t['file']} (table {name})")
        if file_sha256(file) != t["sha256"]:
            raise BackupError(f"{file} does not match the manifest: the backup is damaged")
        tables[name] = TableCopy(
            name, t["file"], int(t["rows"]), t["checksum"], tuple(t["columns"]), t["sha256"]
        )
    return Manifest(
        raw["created_at"], raw["source"], raw["duckdb_version"], raw["sequences"], tables
    )


def restore(
    folder: str | Path,
    db_path: str | Path | None = None,
    *,
    force: bool = False,
    user: str | HasRole | None = None,
) -> Manifest:
    """Restore the backup in ``folder`` to ``db_path`` (default ``$PMO_DB``).

    Refuses a target with any data unless ``force``; raises StoreBusy if another process has
    it open. Refuses a backup whose audit log was altered (its hash chain does not hold). The
    restored store's audit log gets a ``restore`` entry.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    target = Path(db_path) if db_path is not None else default_db_path()
    wal = target.with_name(target.name + ".wal")
    if target.exists():
        rows = _rows_in(target)  # also: StoreBusy while someone holds it
        if rows and not force:
            raise BackupError(
                f"{target} is not empty ({rows} rows); restoring would replace it. "
                "Back it up first, then restore with --force."
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(f".{target.name}.restoring-{os.getpid()}")
    _remove_database(building)
    try:
        _build(building, folder, manifest, user)
        if target.exists():
            _rows_in(target)  # still free? (a dashboard may have started meanwhile)
        wal.unlink(missing_ok=True)  # a stale WAL must never be replayed onto the new file
        os.replace(building, target)
    finally:
        _remove_database(building)
    return manifest


def _build(path: Path, folder: Path, manifest: Manifest, user: str | HasRole | None) -> None:
    con = duckdb.connect(str(path))
    try:
        for name, next_value in manifest.sequences.items():
            con.execute(f"CREATE SEQUENCE {_q(name)} START {int(next_value)}")
        ensure_schema(con)  # today's schema; a backup's older tables fit by column name
        existing = set(_table_names(con))
        with transaction(con):
            for name, t in manifest.tables.items():
                _restore_table(con, folder, name, t, existing)
            log = manifest.tables.get("audit_log")
            # A backup of a version before the chain (its log has no hash column): chained now.
            chained = chain_all(con) if log and "entry_hash" not in log.columns else 0
            verdict = audit.verify(con)
            if not verdict.intact:
                raise BackupError(f"{folder}: {verdict.describe()}; nothing was restored")
            audit.record(
                con,
                user,
                "restore",
                f"from {folder} (backup of {manifest.source}, {manifest.created_at}, "
                f"{manifest.total_rows} rows)"
                + (
                    f"; {chained} older entries had no chain and were chained now"
                    if chained
                    else ""
                ),
            )
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _restore_table(
    con: duckdb.DuckDBPyConnection, folder: Path, name: str, t: TableCopy, existing: set[str]
) -> None:
    file = _sql_str(folder / t.file)
    if name in existing:
        con.execute(f"INSERT INTO {_q(name)} BY NAME SELECT * FROM read_parquet('{file}')")
    else:  # a table this version does not define: kept as it was
        con.execute(f"CREATE TABLE {_q(name)} AS SELECT * FROM read_parquet('{file}')")
    rows, checksum = _checksum(con, _q(name))
    columns = tuple(r[0] for r in con.execute(f"DESCRIBE {_q(name)}").fetchall())
    if rows != t.rows or (columns == t.columns and checksum != t.checksum):
        raise BackupError(
            f"table {name}: restored {rows} rows / {checksum}, the backup has "
            f"{t.rows} / {t.checksum}; nothing was restored"
        )


def _rows_in(path: Path) -> int:
    """Rows in every table of the store at ``path`` (raises StoreBusy if it is held)."""
    try:
        con = duckdb.connect(str(path))
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreBusy(
                f"The database {path} is in use by another process (an import or the "
                "dashboard). Stop it, and try again."
            ) from exc
        raise
    try:
        return sum(_checksum(con, _q(n))[0] for n in _table_names(con))
    finally:
        con.close()


def _remove_database(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)


def _table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND NOT temporary ORDER BY table_name"
    ).fetchall()
    return [r[0] for r in rows]


def _sequences(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = con.execute(
        "SELECT sequence_name, coalesce(last_value + increment_by, start_value) "
        "FROM duckdb_sequences() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND NOT temporary"
    ).fetchall()
    return {name: int(value) for name, value in rows}


def _checksum(con: duckdb.DuckDBPyConnection, table: str) -> tuple[int, str]:
    rows, total = con.execute(
        f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM {table} t"
    ).fetchall()[0]
    return int(rows), f"{rows}:{total}"


def _database_file(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return str(rows[0][0]) if rows and rows[0][0] else ":memory:"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_str(path: Path) -> str:
    return str(path).replace("'", "''")
