"""``distribute --month YYYY-MM [--to a@b,c@d] [--format pdf|pptx|xlsx]``: send the published
month's steering pack to the distribution list (refused for a month not published)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "distribute",
        help="e-mail the published month's steering pack to the distribution list",
    )
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="the published month")
    p.add_argument("--to", help="recipients, comma-separated (default: [distribution] to)")
    p.add_argument(
        "--format",
        choices=("pdf", "pptx", "xlsx"),
        default="pdf",
        help="the pack as a PDF (default) or slides, or the .xlsx monthly report",
    )
    p.add_argument("--db", help="DuckDB file (default: $PMO_DB or data/pmo.duckdb)")
    p.add_argument("--settings", help="settings file (default: $PMO_SETTINGS or pmo.toml)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: the pack loads pandas, Ibis and the typesetting libraries.
    from pmo_metrics.access import cli_actor
    from pmo_metrics.notify.distribute import DistributeRefused, distribute
    from pmo_metrics.notify.settings import SettingsError, load_settings
    from pmo_metrics.store.connection import StoreBusy, connect, default_db_path

    db = Path(args.db) if args.db else default_db_path()
    if not db.exists():
        print(f"error: no database at {db}; load data first", file=sys.stderr)
        return 1
    to = tuple(a.strip() for a in (args.to or "").split(",") if a.strip())
    try:
        settings = load_settings(args.settings)
        con = connect(db)
    except (SettingsError, StoreBusy) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        done = distribute(con, settings, cli_actor(), args.month, to=to, fmt=args.format)
    except (DistributeRefused, SettingsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the mail server (smtplib's errors are OSErrors)
        print(f"error: the pack was not sent: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    if not done.attachment.endswith(f".{args.format}"):
        print("note: no steering pack here (its libraries are missing): sent the .xlsx report")
    print(f"sent {done.attachment} ({done.month} version {done.version}) to "
          f"{', '.join(done.recipients)}")  # fmt: skip
    return 0
