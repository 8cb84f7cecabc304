"""``python -m pmo_metrics COMMAND ...``: each command is a module in ``pmo_metrics/commands``
(what a command module defines: :mod:`pmo_metrics.commands`).

The command line starts at once: every command module is imported to build the parser, so a
command module imports only what its parser needs, and ``run`` imports the rest (pandas, Ibis,
DuckDB: a second and 150 MB) when that command runs. An option whose choices or default live
in such a module (``import --source``) is added by ``sub.add_parser(..., options=add)``
(:class:`~pmo_metrics.commands.Commands`): ``add(parser)`` runs only when that command is
chosen, its help included.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import pmo_metrics.commands as commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pmo_metrics",
        description="PMO Metrics: import a PMO's exports into DuckDB, compute its KPIs, "
        "write its monthly report.",
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", action=commands.Commands
    )
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"pmo_metrics.commands.{info.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except KeyboardInterrupt:
        sys.stderr.write("interrupted; the unfinished load was rolled back\n")
        return 130
