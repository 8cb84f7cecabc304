"""``sql``: one read-only query through the SQL console's guards, printed as a table or CSV."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from pmo_metrics.terminal import printable

if TYPE_CHECKING:  # for annotations only: pandas loads when the query runs
    import pandas as pd

    from pmo_metrics.commands import Commands

_HINT = {"rows": "--max-rows to change", "bytes": "--max-bytes to change"}


def register(sub: Commands) -> None:
    p = sub.add_parser(
        "sql",
        help="run one read-only query (no files, no writes, no settings; row/size/time/memory "
        "limits)",
        options=_options,
    )
    p.set_defaults(func=run)


def _options(p: argparse.ArgumentParser) -> None:
    # Imported here, when `sql` is chosen: the console's limits live with DuckDB and pandas.
    from pmo_metrics.sql_console import (
        DEFAULT_BYTE_LIMIT,
        DEFAULT_MEMORY_LIMIT,
        DEFAULT_ROW_LIMIT,
        DEFAULT_TIMEOUT_S,
    )

    p.add_argument("query", help='e.g. "SELECT status, count(*) FROM tickets GROUP BY ALL"')
    p.add_argument("--db", help="DuckDB file (default: $PMO_DB or data/pmo.duckdb)")
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p.add_argument("--max-rows", type=int, default=DEFAULT_ROW_LIMIT, help="row limit")
    p.add_argument(
        "--max-bytes", type=int, default=DEFAULT_BYTE_LIMIT, help="result size limit in bytes"
    )
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds")
    p.add_argument("--memory-limit", default=DEFAULT_MEMORY_LIMIT, help="e.g. 1GB")


def run(args: argparse.Namespace) -> int:
    from pmo_metrics import actions
    from pmo_metrics.access import cli_actor
    from pmo_metrics.sql_console import ConsoleError, truncation_note
    from pmo_metrics.store.connection import StoreBusy, default_db_path

    path = args.db or default_db_path()
    try:
        frame = actions.query(  # audited as the command line's actor, before it runs
            path,
            cli_actor(),
            args.query,
            row_limit=args.max_rows,
            byte_limit=args.max_bytes,
            timeout_s=args.timeout,
            memory_limit=args.memory_limit,
        )
    except (ConsoleError, StoreBusy) as exc:
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return 1
    if args.format == "csv":
        # Redirected to a file, this CSV may be opened in a spreadsheet: neutralise formulas.
        from pmo_metrics.exports.safe import neutralise

        neutralise(frame).to_csv(sys.stdout, index=False)
    elif len(frame.columns):
        print(_for_terminal(frame).to_string(index=False))
    else:
        print("(no columns)")
    note = truncation_note(frame)
    if note:
        print(f"note: {note} ({_HINT[frame.attrs['truncated_by']]})", file=sys.stderr)
    return 0


def _for_terminal(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with control characters in its text and names shown escaped, not obeyed."""
    import pandas as pd  # loaded already by the query that made the frame

    def shown(value: object) -> object:
        return printable(value) if isinstance(value, str) else value

    text = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c].dtype)]
    out = frame.copy() if text else frame
    for column in text:
        out[column] = frame[column].map(shown)
    out.columns = [shown(c) for c in frame.columns]
    return out
