"""``pack --month YYYY-MM OUT.pdf|OUT.pptx``: write the month's steering pack."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "pack",
        help="write the steering pack (.pdf or .pptx: cover, key figures, exceptions, a page "
        "per service and application)",
    )
    p.add_argument("out", type=Path, metavar="OUT.pdf|OUT.pptx")
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="the month of the pack")
    p.add_argument("--db", help="DuckDB file (default: $PMO_DB or data/pmo.duckdb)")
    p.add_argument("--lang", choices=("en", "es"), default="en", help="pack language")
    p.add_argument("--by", help="who the cover says made the pack (default: the system user)")
    p.set_defaults(func=run)


def _user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment nor the password database
        return None


def run(args: argparse.Namespace) -> int:
    # Imported here: the pack loads pandas, Ibis, ReportLab or python-pptx; the command line
    # starts without them.
    from pmo_metrics.exports.pack import build_pack, format_of
    from pmo_metrics.store.connection import StoreBusy, connect, default_db_path

    try:
        format_of(args.out)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    db = Path(args.db) if args.db else default_db_path()
    if not db.exists():
        print(
            f"error: no database at {db}; load data first "
            "(`python -m pmo_metrics import FILE` or `python -m pmo_metrics demo`)",
            file=sys.stderr,
        )
        return 1
    try:
        # read-only: the pack may be written while the dashboard has the store open
        con = connect(db, read_only=True)
    except StoreBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        summary = build_pack(
            con, args.month, args.out, lang=args.lang, generated_by=args.by or _user()
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    print(f"wrote {args.out}: {summary.text()}")
    return 0
