"""Readers: tool exports and PMO spreadsheets to canonical rows (``read_file``).

What they return (``ParsedFile``, ``Problem``) is in :mod:`pmo_metrics.schema.problems`.
``read_file`` and ``suggest_mapping`` load on first use: the package's light modules (the
source names the command line offers, the limits) are then imported without pandas, pyarrow
and DuckDB, which the command line loads while its store opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pmo_metrics.readers.columns import suggest_mapping
    from pmo_metrics.readers.read import read_file

__all__ = ["read_file", "suggest_mapping"]


def __getattr__(name: str) -> Any:
    if name == "read_file":
        from pmo_metrics.readers.read import read_file

        return read_file
    if name == "suggest_mapping":
        from pmo_metrics.readers.columns import suggest_mapping

        return suggest_mapping
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
