"""``python -m pmo_metrics COMMAND ...``: each command is a module in ``pmo_metrics/commands``.

A command module defines ``register(subparsers)``, which adds its parser and sets
``func=run`` where ``run(args) -> int`` returns the exit code. Modules whose names start with
``_`` are the commands' helpers, not commands.

The command line starts at once: every command module is imported to build the parser, so a
command module imports only what its parser needs, and ``run`` imports the rest (pandas, Ibis,
DuckDB: a second and 150 MB) when that command runs. An option whose choices or default live
in such a module (``import --source``) is added by ``sub.add_parser(..., options=add)``:
``add(parser)`` runs only when that command is chosen, its help included.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence

import pmo_metrics.commands as commands


class Commands(argparse._SubParsersAction):
    """The subcommands, whose ``add_parser`` takes ``options``: a function that adds the
    command's arguments, run when the command is chosen instead of when the parser is built."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._deferred: dict[str, Callable[[argparse.ArgumentParser], None]] = {}

    def add_parser(
        self,
        name: str,
        *,
        options: Callable[[argparse.ArgumentParser], None] | None = None,
        **kwargs: object,
    ) -> argparse.ArgumentParser:
        parser = super().add_parser(name, **kwargs)
        if options is not None:
            self._deferred[name] = options
        return parser

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[object] | None,
        option_string: str | None = None,
    ) -> None:
        assert isinstance(values, list)  # nargs=PARSER: the command's name, then its arguments
        add = self._deferred.pop(values[0], None)
        if add is not None:
            add(self._name_parser_map[values[0]])
        super().__call__(parser, namespace, values, option_string)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pmo_metrics",
        description="PMO Metrics: import a PMO's exports into DuckDB, compute its KPIs, "
        "write its monthly report.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", action=Commands)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"pmo_metrics.commands.{info.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted; the unfinished load was rolled back\n")
        return 130
