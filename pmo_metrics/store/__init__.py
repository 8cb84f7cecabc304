"""The DuckDB store: schema as .sql files, all-or-nothing loads with history and undo."""

from pmo_metrics.store.connection import StoreBusy, connect, default_db_path
from pmo_metrics.store.loads import (
    LoadResult,
    TableCounts,
    list_loads,
    load_parsed,
    redo_load,
    undo_load,
)
from pmo_metrics.store.tables import PROVENANCE, TableSpec, table_specs

__all__ = [
    "PROVENANCE",
    "LoadResult",
    "StoreBusy",
    "TableCounts",
    "TableSpec",
    "connect",
    "default_db_path",
    "list_loads",
    "load_parsed",
    "redo_load",
    "table_specs",
    "undo_load",
]
