"""Readers: tool exports and PMO spreadsheets to canonical rows (``read_file``)."""

from pmo_metrics.readers.base import ImportRejected, ParsedFile, Problem
from pmo_metrics.readers.columns import suggest_mapping
from pmo_metrics.readers.read import read_file

__all__ = ["ImportRejected", "ParsedFile", "Problem", "read_file", "suggest_mapping"]
