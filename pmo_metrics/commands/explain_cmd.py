"""``explain --month YYYY-MM --kind KIND --scope NAME ...``: explain an amber or red status
(the Overview, Services and Applications pages do the same)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

KINDS = ("pillar", "indicator", "service", "application")  # as pmo_metrics.status_notes


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "explain", help="explain an amber or red status (carried forward until closed)"
    )
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="from which month")
    p.add_argument("--kind", required=True, choices=KINDS, help="what the status belongs to")
    p.add_argument("--scope", default="", help="the service or application ('' for a pillar)")
    p.add_argument("--item", default="", help="the indicator, or a pillar figure's metric")
    p.add_argument("--cause", required=True)
    p.add_argument("--action", required=True)
    p.add_argument("--owner", required=True)
    p.add_argument("--due", type=date.fromisoformat, metavar="YYYY-MM-DD")
    p.add_argument("--risk", help="a risk id of the register")
    p.add_argument("--improvement-action", help="an improvement action id")
    p.add_argument("--db", help="DuckDB file (default: $PMO_DB or data/pmo.duckdb)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pmo_metrics import actions
    from pmo_metrics.access import cli_actor
    from pmo_metrics.status_notes import Explanation, NoteRefused, Subject
    from pmo_metrics.store.connection import StoreBusy, connect, default_db_path

    db = Path(args.db) if args.db else default_db_path()
    if not db.exists():
        print(f"error: no database at {db}; load data first", file=sys.stderr)
        return 1
    try:
        con = connect(db)
    except StoreBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    text = Explanation(
        args.cause, args.action, args.owner, args.due, args.risk, args.improvement_action
    )
    try:
        note = actions.explain_status(
            con, cli_actor(), Subject(args.kind, args.scope, args.item), args.month, text
        )
    except NoteRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    print(f"explanation {note} written from {args.month}")
    return 0
