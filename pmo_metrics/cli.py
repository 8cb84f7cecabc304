"""``python -m pmo_metrics COMMAND ...``: each command is a module in ``pmo_metrics/commands``.

A command module defines ``register(subparsers)``, which adds its parser and sets
``func=run`` where ``run(args) -> int`` returns the exit code.
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
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        importlib.import_module(f"pmo_metrics.commands.{info.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted; the unfinished load was rolled back\n")
        return 130
