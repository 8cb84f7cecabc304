"""``sql``: one read-only query through the SQL console's guards, printed as a table or CSV."""

from __future__ import annotations

import argparse
import sys

from pmo_metrics.sql_console import (
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_ROW_LIMIT,
    DEFAULT_TIMEOUT_S,
    ConsoleError,
    run_readonly_query,
)
from pmo_metrics.store import StoreBusy, default_db_path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sql",
        help="run one read-only query (no files, no writes, no settings; row/time/memory limits)",
    )
    p.add_argument("query", help='e.g. "SELECT status, count(*) FROM tickets GROUP BY ALL"')
    p.add_argument("--db", help="DuckDB file (default: $PMO_DB or data/pmo.duckdb)")
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p.add_argument("--max-rows", type=int, default=DEFAULT_ROW_LIMIT, help="row limit")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds")
    p.add_argument("--memory-limit", default=DEFAULT_MEMORY_LIMIT, help="e.g. 1GB")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = args.db or default_db_path()
    try:
        frame = run_readonly_query(
            path,
            args.query,
            row_limit=args.max_rows,
            timeout_s=args.timeout,
            memory_limit=args.memory_limit,
        )
    except (ConsoleError, StoreBusy) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.format == "csv":
        # Redirected to a file, this CSV may be opened in a spreadsheet: neutralise formulas.
        from pmo_metrics.exports.safe import neutralise

        neutralise(frame).to_csv(sys.stdout, index=False)
    else:
        print(frame.to_string(index=False) if len(frame.columns) else "(no columns)")
    if frame.attrs.get("truncated"):
        print(
            f"note: only the first {args.max_rows} rows are shown (--max-rows to change)",
            file=sys.stderr,
        )
    return 0
