"""``template OUT.xlsx``: write the PMO's blank template workbook."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for annotations only
    from pmo_metrics.commands import Commands


def register(sub: Commands) -> None:
    p = sub.add_parser(
        "template",
        help="write the blank template workbook (one sheet per PMO table, with instructions)",
        options=_options,
    )
    p.set_defaults(func=run)


def _options(p: argparse.ArgumentParser) -> None:
    # Imported here, when `template` is chosen: the templates module loads openpyxl.
    from pmo_metrics.exports.templates import PMO_TABLES

    p.add_argument("out", type=Path, metavar="OUT.xlsx")
    p.add_argument(
        "--tables",
        help=f"comma-separated sheets to include (default: all of {', '.join(PMO_TABLES)})",
    )


def run(args: argparse.Namespace) -> int:
    from pmo_metrics.exports.templates import PMO_TABLES, write_templates

    tables = [t.strip() for t in args.tables.split(",") if t.strip()] if args.tables else None
    if args.out.suffix.lower() != ".xlsx":
        print(f"error: {args.out} must end in .xlsx")
        return 1
    try:
        path = write_templates(args.out, tables=tables)
    except ValueError as exc:
        print(f"error: {exc}")
        return 1
    print(f"wrote {path} ({len(tables or PMO_TABLES)} sheets and the instructions)")
    return 0
