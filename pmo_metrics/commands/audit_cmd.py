"""``verify-audit``: check the audit log's hash chain (an edited, deleted or inserted entry
breaks it)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "verify-audit", help="check that no entry of the audit log was edited, removed or added"
    )
    p.add_argument("--db", help="DuckDB file (default: $PMO_DB or data/pmo.duckdb)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: the command line loads every command module to print its help.
    import duckdb

    from pmo_metrics import audit
    from pmo_metrics.store.connection import StoreBusy, connect, default_db_path

    path = Path(args.db or default_db_path())
    if not path.exists():
        print(f"error: there is no database at {path}", file=sys.stderr)
        return 1
    try:
        con = connect(path)  # read-write: a store of an older version gets its log chained
    except StoreBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except duckdb.Error as exc:  # not a DuckDB file: say so
        print(f"error: cannot open {path}: {exc}", file=sys.stderr)
        return 1
    try:
        verdict = audit.verify(con)
    finally:
        con.close()
    print(verdict.describe(), file=sys.stdout if verdict.intact else sys.stderr)
    return 0 if verdict.intact else 1
