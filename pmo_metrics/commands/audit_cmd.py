"""``verify-audit``: check the audit log's hash chain (an edited, deleted or inserted entry
breaks it)."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "verify-audit", help="check that no entry of the audit log was edited, removed or added"
    )
    p.add_argument("--db", help="DuckDB file (default: $PMO_DB or data/pmo.duckdb)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: the command line loads every command module to print its help.
    from pmo_metrics import audit
    from pmo_metrics.store.connection import StoreBusy, connect, default_db_path

    path = args.db or default_db_path()
    try:
        con = connect(path, read_only=True)
    except StoreBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - no file, or not a DuckDB file: say which
        print(f"error: cannot open {path}: {exc}", file=sys.stderr)
        return 1
    try:
        verdict = audit.verify(con)
    finally:
        con.close()
    print(verdict.describe(), file=sys.stdout if verdict.intact else sys.stderr)
    return 0 if verdict.intact else 1
