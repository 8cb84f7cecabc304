"""``notify [--db PATH] [--month YYYY-MM] [--settings FILE] [--retry-failed]``: evaluate the
alert rules, enqueue the new events and send what is due (run it after the nightly load)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "notify",
        help="evaluate the alert rules and send the alerts due (e-mail, webhook), each once",
    )
    p.add_argument("--db", help="DuckDB file (default: $PMO_DB or data/pmo.duckdb)")
    p.add_argument(
        "--month", metavar="YYYY-MM", help="the month evaluated (default: the newest loaded)"
    )
    p.add_argument("--settings", help="settings file (default: $PMO_SETTINGS or pmo.toml)")
    p.add_argument(
        "--retry-failed", action="store_true", help="try again the alerts given up as failed"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: evaluating the rules loads the metrics (pandas, Ibis, DuckDB).
    from pmo_metrics.notify import notify, outbox
    from pmo_metrics.notify.settings import SettingsError, load_settings
    from pmo_metrics.store.connection import StoreBusy, connect, default_db_path

    db = Path(args.db) if args.db else default_db_path()
    if not db.exists():
        print(f"error: no database at {db}; load data first", file=sys.stderr)
        return 1
    try:
        settings = load_settings(args.settings)
        con = connect(db)
    except (SettingsError, StoreBusy) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        if not settings.channels():
            where = settings.path or "pmo.toml"
            print(f"note: {where} configures no e-mail or webhook: events are not enqueued")
        if args.retry_failed:
            print(f"{outbox.retry_failed(con)} failed alert(s) put back to pending")
        done = notify(con, settings, month=args.month)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    d = done.drained
    print(f"{done.month or 'no month loaded'}: {done.found} event(s), {done.enqueued} new; "
          f"sent {d.sent}, failed {d.failed}, pending {d.pending}")  # fmt: skip
    return 0 if d.failed == 0 else 2
