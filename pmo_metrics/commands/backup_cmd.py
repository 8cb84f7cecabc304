"""``backup`` and ``restore``: a consistent copy of the store (Parquet + manifest) and back."""

from __future__ import annotations

import argparse
import sys

from pmo_metrics.access import cli_actor


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "backup", help="copy the store to a new folder (one Parquet file per table + manifest)"
    )
    p.add_argument("folder", metavar="DIR", help="a new (or empty) folder")
    p.add_argument("--db", help="DuckDB file (default: $PMO_DB or data/pmo.duckdb)")
    p.set_defaults(func=run_backup)
    p = sub.add_parser(
        "restore", help="restore a backup folder into the store (refuses a non-empty store)"
    )
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--db", help="DuckDB file (default: $PMO_DB or data/pmo.duckdb)")
    p.add_argument("--force", action="store_true", help="replace a store that already holds data")
    p.set_defaults(func=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    # Imported here: the backup module loads pandas and DuckDB; the command line starts without.
    from pmo_metrics.backup import BackupError, backup
    from pmo_metrics.store.connection import StoreBusy

    try:
        manifest = backup(args.db, args.folder)
    except (BackupError, StoreBusy) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"backup written to {args.folder}: {len(manifest.tables)} tables, "
        f"{manifest.total_rows} rows (manifest.json lists each file's checksum)"
    )
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from pmo_metrics import actions
    from pmo_metrics.backup import BackupError
    from pmo_metrics.store.connection import StoreBusy

    try:
        manifest = actions.restore(args.folder, args.db, cli_actor(), force=args.force)
    except (BackupError, StoreBusy) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"restored {len(manifest.tables)} tables, {manifest.total_rows} rows, "
        f"from the backup of {manifest.created_at}"
    )
    return 0
