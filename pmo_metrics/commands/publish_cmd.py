"""``publish --month YYYY-MM [--reason TEXT]``: freeze a month's figures, statuses and
explanations as its next published version (a republication needs ``--reason``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "publish",
        help="publish a month: its figures, statuses and explanations frozen as a version",
    )
    p.add_argument("--month", metavar="YYYY-MM", help="the month to publish")
    p.add_argument("--reason", help="why the month is published again (required from version 2 on)")
    p.add_argument("--list", action="store_true", help="list the versions published instead")
    p.add_argument("--db", help="DuckDB file (default: $PMO_DB or data/pmo.duckdb)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: publishing computes the month's metrics (pandas, Ibis, DuckDB).
    from pmo_metrics import actions, publishing
    from pmo_metrics.access import cli_actor
    from pmo_metrics.status_notes import NoteRefused
    from pmo_metrics.store.connection import StoreBusy, connect, default_db_path

    db = Path(args.db) if args.db else default_db_path()
    if not db.exists():
        print(f"error: no database at {db}; load data first", file=sys.stderr)
        return 1
    if not args.list and not args.month:
        print("error: give --month YYYY-MM (or --list)", file=sys.stderr)
        return 1
    try:
        con = connect(db)
    except StoreBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        if args.list:
            versions = publishing.publications(con, args.month)
            for r in versions.itertuples():
                why = f"  reason: {r.reason}" if isinstance(r.reason, str) else ""
                print(f"{r.month} v{r.version}  {r.published_at:%Y-%m-%d %H:%M}  "
                      f"{r.published_by}  {r.figures} figures, {r.notes} notes{why}")  # fmt: skip
            if versions.empty:
                print("no month published yet")
            return 0
        who = cli_actor()
        published = publishing.latest(con, args.month) is not None
        if published and args.reason:
            done = actions.republish_month(con, who, args.month, args.reason)
        else:
            done = actions.publish_month(con, who, args.month)
    except (publishing.PublishRefused, NoteRefused) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    print(f"published {done.month} version {done.version}")
    return 0
