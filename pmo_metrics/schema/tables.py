"""Canonical tables as the schema files declare them: columns, types and natural key.

The .sql files in ``pmo_metrics/store/schema`` are the single definition; this module reads them
(``-- key:`` comment for the natural key, DuckDB's own DESCRIBE for columns and types) instead
of restating them. It reads them in a private in-memory database, so the readers can know the
tables without depending on the store that executes the same files against the real one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import cast

import duckdb

# The .sql files stay beside the store that runs them (connection.ensure_schema).
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "store" / "schema"
PROVENANCE = ("load_id", "source_file", "source_sheet", "source_row", "row_hash")
HISTORY_SUFFIX = "_history"
_KEY = re.compile(r"^--\s*key:\s*(.+)$", re.MULTILINE)
_TABLE = re.compile(r"CREATE TABLE IF NOT EXISTS (\w+)", re.IGNORECASE)


@dataclass(frozen=True)
class TableSpec:
    """A canonical (loadable) table: its natural key and business columns with DuckDB types."""

    name: str
    key: tuple[str, ...]
    types: dict[str, str]  # business column -> DuckDB type, in schema order
    required: tuple[str, ...]  # NOT NULL business columns

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.types)

    @property
    def list_columns(self) -> tuple[str, ...]:
        """The columns holding lists (``VARCHAR[]``), written ``a; b`` in files."""
        return tuple(c for c, typ in self.types.items() if typ.endswith("[]"))


def schema_files() -> list[Path]:
    return sorted(SCHEMA_DIR.glob("*.sql"))


@cache
def table_specs() -> dict[str, TableSpec]:
    """Every table with a ``-- key:`` line, keyed by table name."""
    con = duckdb.connect()
    specs: dict[str, TableSpec] = {}
    for path in schema_files():
        text = path.read_text(encoding="utf-8")
        con.execute(text)
        key = _KEY.search(text)
        if not key:
            continue
        # a schema file with a key line creates its table: the pattern matches
        name = cast(re.Match[str], _TABLE.search(text)).group(1)
        described = con.execute(f"DESCRIBE {name}").fetchall()
        types = {r[0]: r[1] for r in described if r[0] not in PROVENANCE}
        required = tuple(r[0] for r in described if r[2] == "NO" and r[0] not in PROVENANCE)
        keys = tuple(k.strip() for k in key.group(1).split(","))
        specs[name] = TableSpec(name=name, key=keys, types=types, required=required)
    con.close()
    return specs
