"""Command-line commands, one module each (see :mod:`pmo_metrics.cli`).

A command module defines ``register(subparsers)``, which adds its parser and sets
``func=run`` where ``run(args) -> int`` returns the exit code. Modules whose names start with
``_`` are the commands' helpers, not commands.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    _Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:  # generic in the type stubs only
    _Subparsers = argparse._SubParsersAction


class Commands(_Subparsers):
    """The subcommands, whose ``add_parser`` takes ``options``: a function that adds the
    command's arguments, run when the command is chosen instead of when the parser is built."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deferred: dict[str, Callable[[argparse.ArgumentParser], None]] = {}

    def add_parser(
        self,
        name: str,
        *,
        options: Callable[[argparse.ArgumentParser], None] | None = None,
        **kwargs: Any,
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
