"""``report --month YYYY-MM OUT.xlsx``: write the monthly report workbook."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "report",
        help="write the monthly report (.xlsx: summary, a sheet per service and application)",
    )
    p.add_argument("out", type=Path, metavar="OUT.xlsx")
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="the month to report")
    p.add_argument("--db", help="DuckDB file (default: $PMO_DB or data/pmo.duckdb)")
    p.add_argument("--lang", choices=("en", "es"), default="en", help="report language")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: the report loads pandas, Ibis and openpyxl; the command line starts without.
    from pmo_metrics.engine import open_source
    from pmo_metrics.exports.report import build_report
    from pmo_metrics.store.connection import StoreBusy, connect, default_db_path

    if args.out.suffix.lower() != ".xlsx":
        print(f"error: {args.out} must end in .xlsx", file=sys.stderr)
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
        # read-only: the report may be written while the dashboard has the store open
        con = connect(db, read_only=True)
    except StoreBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        summary = build_report(open_source(con), args.month, args.out, lang=args.lang)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    print(f"wrote {args.out}: {summary.text()}")
    for gap in summary.no_data:
        print(f"  no data: {gap}")
    return 0
