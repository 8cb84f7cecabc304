"""``demo [--db PATH]``: load the sample data (a year of a PMO's exports) into the store."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "demo", help="load the sample data of data/sample (12 months, 3 services, 3 teams)"
    )
    p.add_argument("--db", help="DuckDB file (default: $PMO_DB or data/pmo.duckdb)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: loading the sample needs the readers and the store (pandas, DuckDB).
    from pmo_metrics import actions
    from pmo_metrics.access import cli_actor
    from pmo_metrics.demo import demo_batches
    from pmo_metrics.schema.problems import ImportRejected
    from pmo_metrics.schema.tables import table_specs
    from pmo_metrics.store.connection import connect, fetch_scalar

    con = connect(args.db)
    try:
        batches = demo_batches()
        result = actions.load_sample(con, cli_actor())
    except FileNotFoundError as exc:
        print(f"error: {exc}")
        return 1
    except ImportRejected as exc:
        print(f"error: the sample did not load.\n{exc}")
        return 1
    files = sum(len(b.files) for b in batches)
    if result.load_id is None:
        print(f"the sample ({files} files) was already loaded; nothing changed")
    else:
        print(
            f"loaded the sample: {files} files in {len(batches)} loads "
            f"(the workbook, then one per month); {len(result.warnings)} warning(s)"
        )
    for name in table_specs():
        print(f"  {name}: {fetch_scalar(con, f'SELECT count(*) FROM {name}')} rows")
    con.close()
    return 0
