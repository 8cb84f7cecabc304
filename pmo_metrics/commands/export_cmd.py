"""``export-parquet DIR``: publish the store's canonical tables as Parquet (for Spark, a lake)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export-parquet",
        help="write every canonical table as DIR/<table>.parquet (what PMO_ENGINE=spark reads)",
    )
    p.add_argument("directory", type=Path, metavar="DIR")
    p.add_argument("--db", help="DuckDB file (default: $PMO_DB or data/pmo.duckdb)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: DuckDB and the store load when the command runs, not to print help.
    import duckdb

    from pmo_metrics.store.connection import StoreBusy, connect, default_db_path, fetch_scalar
    from pmo_metrics.store.parquet import export_parquet

    db = Path(args.db) if args.db else default_db_path()
    if not db.exists():
        print(f"error: no store at {db}; load some exports first")
        return 1
    try:
        con = connect(db, read_only=True)  # never blocks the dashboard's readers
    except StoreBusy as exc:
        print(f"error: {exc}")
        return 1
    try:
        written = export_parquet(con, args.directory)
        for table, path in written.items():
            rows = fetch_scalar(con, f"SELECT count(*) FROM {table}")
            print(f"{table:<22} {rows:>10} rows  {path}")
    except duckdb.Error as exc:
        print(f"error: {exc}")
        return 1
    finally:
        con.close()
    print(f"wrote {len(written)} tables to {args.directory}")
    return 0
