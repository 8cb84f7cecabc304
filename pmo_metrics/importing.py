"""Import files into the store: read and validate ALL files, then one all-or-nothing load.

Also the named column-mapping profiles (table ``mapping_profiles``) that let a file no
detector knows be imported again next month without a question.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from pmo_metrics.checks import after_load
from pmo_metrics.readers import read_file
from pmo_metrics.readers.ahead import ReadAhead
from pmo_metrics.readers.columns import suggest_mapping
from pmo_metrics.schema.problems import ImportRejected, ParsedFile
from pmo_metrics.schema.tables import table_specs
from pmo_metrics.store.connection import fetch_row
from pmo_metrics.store.loads import LoadResult, load_parsed

__all__ = [
    "get_mapping_profile",
    "import_paths",
    "list_mapping_profiles",
    "read_all",
    "save_mapping_profile",
    "suggest_mapping",
]

Progress = Callable[[float, str], None]


def read_all(
    paths: Sequence[Path | str],
    *,
    source: str | None = None,
    mapping: dict[str, str] | None = None,
    target: str | None = None,
    names: Sequence[str] | None = None,
    progress: Progress | None = None,
    ahead: ReadAhead | None = None,
) -> list[ParsedFile]:
    """Every file read and validated (no early stop: the report lists all problems).
    ``ahead``: the large workbooks among ``paths``, read in a worker process meanwhile."""
    parsed = []
    for i, path in enumerate(paths):
        name = names[i] if names and i < len(names) else Path(path).name
        if progress:
            progress(i / (len(paths) + 1), f"reading {name}")
        parsed.append(
            read_file(
                path,
                source=source,
                mapping=mapping,
                target=target,
                display_name=name,
                workbook=ahead.result(path) if ahead is not None else None,
            )
        )
    return parsed


def import_paths(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path | str],
    *,
    source: str | None = None,
    period: str | None = None,
    mapping_profile: str | None = None,
    user: str | None = None,
    note: str = "",
    names: Sequence[str] | None = None,
    progress: Progress | None = None,
    ahead: ReadAhead | None = None,
) -> LoadResult:
    """Read every file, then load them as ONE load; raise ImportRejected on any error.

    The load's audit entry names ``user`` and carries ``note`` (e.g. that it is the sample).
    ``ahead``: the large workbooks, read in a worker process meanwhile (the command line)."""
    mapping, target = None, None
    if mapping_profile:
        target, mapping = get_mapping_profile(con, mapping_profile)
    parsed = read_all(
        paths,
        source=source,
        mapping=mapping,
        target=target,
        names=names,
        progress=progress,
        ahead=ahead,
    )
    problems = [p for f in parsed for p in f.problems]
    if any(p.severity == "error" for p in problems):
        raise ImportRejected(problems)
    if progress:
        progress(len(paths) / (len(paths) + 1), "loading into the database")
    result = load_parsed(con, parsed, period=period, user=user, note=note)
    if result.load_id is not None:
        result.warnings.extend(after_load(con, parsed))
    if progress:
        progress(1.0, "done")
    return result


def save_mapping_profile(
    con: duckdb.DuckDBPyConnection, name: str, target: str, mapping: dict[str, str]
) -> None:
    """Save (or replace) a named mapping {file header: canonical column} for ``target``."""
    spec = table_specs().get(target)
    if spec is None:
        raise ValueError(f"unknown table '{target}'; one of: {', '.join(table_specs())}")
    bad = sorted({c for c in mapping.values() if c and c != "-" and c not in spec.columns})
    if bad:
        raise ValueError(
            f"not columns of {target}: {', '.join(bad)}; its columns are {', '.join(spec.columns)}"
        )
    con.execute("DELETE FROM mapping_profiles WHERE name = ?", [name])
    con.execute(
        "INSERT INTO mapping_profiles VALUES (?, ?, ?, ?)",
        [name, target, json.dumps(mapping, ensure_ascii=False), datetime.now()],
    )


def get_mapping_profile(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, dict[str, str]]:
    """(target table, mapping) of a saved profile; KeyError naming the saved ones if absent."""
    row = fetch_row(con, "SELECT target, mapping FROM mapping_profiles WHERE name = ?", [name])
    if row is None:
        known = ", ".join(list_mapping_profiles(con)["name"]) or "none saved yet"
        raise KeyError(f"no mapping profile named '{name}' (saved: {known})")
    return row[0], json.loads(row[1])


def list_mapping_profiles(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Saved profiles: name, target, mapping (JSON text), saved_at; newest first."""
    return con.execute(
        "SELECT name, target, mapping::VARCHAR AS mapping, saved_at FROM mapping_profiles "
        "ORDER BY saved_at DESC"
    ).df()
