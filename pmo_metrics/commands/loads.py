"""``loads``, ``undo`` and ``redo``: the load history, a load's reversal and its return."""

from __future__ import annotations

import argparse

from pmo_metrics.access import cli_actor


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("loads", help="list the load history, newest first")
    p.add_argument("--db", help="DuckDB file (default: $PMO_DB or data/pmo.duckdb)")
    p.set_defaults(func=run_loads)
    p = sub.add_parser("undo", help="undo one load, restoring what it replaced")
    p.add_argument("load_id", type=int)
    p.add_argument("--db")
    p.set_defaults(func=run_undo)
    p = sub.add_parser("redo", help="make an undone load active again, as if never undone")
    p.add_argument("load_id", type=int)
    p.add_argument("--db")
    p.set_defaults(func=run_redo)


def run_loads(args: argparse.Namespace) -> int:
    # Imported here: the store loads DuckDB and pandas when a command runs, not to print help.
    from pmo_metrics.store.connection import connect
    from pmo_metrics.store.loads import list_loads

    con = connect(args.db)
    frame = list_loads(con).drop(columns=["summary"])
    print(frame.to_string(index=False) if len(frame) else "no loads yet")
    return 0


def run_undo(args: argparse.Namespace) -> int:
    from pmo_metrics import actions
    from pmo_metrics.store.connection import connect

    con = connect(args.db)
    try:
        removed = actions.undo(con, cli_actor(), args.load_id)
    except ValueError as exc:
        print(f"error: {exc}")
        return 1
    detail = ", ".join(f"{t}: {n} rows removed" for t, n in removed.items()) or "no rows"
    print(f"load {args.load_id} undone ({detail}); what it replaced is restored")
    return 0


def run_redo(args: argparse.Namespace) -> int:
    from pmo_metrics import actions
    from pmo_metrics.store.connection import connect

    con = connect(args.db)
    try:
        actions.redo(con, cli_actor(), args.load_id)
    except ValueError as exc:
        print(f"error: {exc}")
        return 1
    print(f"load {args.load_id} redone: its rows are back where they are the newest")
    return 0
