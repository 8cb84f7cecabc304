"""Readers: tool exports and PMO spreadsheets to canonical rows (``read_file``).

What they return (``ParsedFile``, ``Problem``) is in :mod:`pmo_metrics.schema.problems`.
"""

from pmo_metrics.readers.columns import suggest_mapping
from pmo_metrics.readers.read import read_file

__all__ = ["read_file", "suggest_mapping"]
