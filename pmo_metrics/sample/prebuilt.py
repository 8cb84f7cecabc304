"""The sample year as a store image: the rows loading its files leaves in every table.

Reading the sample's 73 exports through the readers was most of the dashboard's first start
(12.5 s of 35 s on a busy 2-core machine: per-file Python work that holds the GIL), then 13
loads each settling its rows and snapshots. The image holds what that gives: one Parquet file
per table (canonical, history and snapshot rows; the loads, their files and audit details; the
warnings the loads reported), written by :func:`build` from a store loaded the file way
(``python -m pmo_metrics.sample`` writes it with the files). :func:`load` copies it into an
empty store in one transaction: new load ids, the loads' dates as the file way left them (the
sample's simulated ones, :func:`pmo_metrics.demo.load_demo`), the row hashes computed as a load
computes them, and one audit entry per load as the file way writes it (dated now). So undo and
redo see the same loads, versions and history as after the file way.

It is used only while it still describes the files (:func:`current`: the same sample files by
SHA-256 and the same tables and columns as the store); otherwise the caller reads the files. A
test builds a store both ways and compares every table.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from pmo_metrics import audit
from pmo_metrics.schema.problems import Problem
from pmo_metrics.schema.tables import HISTORY_SUFFIX, table_specs
from pmo_metrics.store.connection import fetch_scalar, serialised, table_columns, transaction
from pmo_metrics.store.loads import LoadResult, TableCounts

Progress = Callable[[float, str], None]
MANIFEST = "manifest.json"
LOADS, FILES, WARNINGS = "_loads", "_load_files", "_warnings"  # the image's own tables
ID_COLUMNS = ("load_id", "replaced_by_load")  # load ids: given anew in the store loaded
WARNING_FIELDS = ("file", "expected", "severity", "sheet", "row", "column", "value")


def row_tables() -> list[str]:
    """The tables whose rows the image holds: every canonical table and its history."""
    return [name for spec in table_specs() for name in (spec, f"{spec}{HISTORY_SUFFIX}")]


def build(
    out: Path, files: dict[str, str], load_files: Callable[[duckdb.DuckDBPyConnection], LoadResult]
) -> Path:
    """Write the image of the store ``load_files`` fills (the file way) under ``out``.

    ``files`` maps each sample file (relative path) to its SHA-256: what the image describes."""
    from pmo_metrics.store.connection import connect  # the store's schema, as loads create it

    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.parquet"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="pmo-sample-image-") as tmp:
        con = connect(Path(tmp) / "sample.duckdb")
        try:
            result = load_files(con)
            _write_tables(con, out, result)
            columns = {t: table_columns(con, t) for t in row_tables()}
        finally:
            con.close()
    manifest = {"files": files, "columns": columns}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return out


def _write_tables(con: duckdb.DuckDBPyConnection, out: Path, result: LoadResult) -> None:
    """Every row table but its row hash (DuckDB's ``hash``, computed again where loaded), the
    loads (period, summary, dates and the audit detail; not who) and the loads' warnings."""
    for table in row_tables():
        _copy_to(con, f"SELECT * EXCLUDE (row_hash) FROM {table} ORDER BY ALL", out, table)
    loads = """
        SELECT l.load_id, l.period, l.summary::VARCHAR AS summary, a.detail,
               l.started_at, l.finished_at
        FROM loads l JOIN audit_log a
          ON a.action = 'import' AND a.detail LIKE 'load ' || l.load_id || ':%'
        ORDER BY l.load_id"""
    _copy_to(con, loads, out, LOADS)
    _copy_to(con, "SELECT * FROM load_files ORDER BY ALL", out, FILES)
    warnings = [
        (n, *(getattr(w, f) for f in WARNING_FIELDS)) for n, w in enumerate(result.warnings)
    ]
    con.execute(
        "CREATE TEMP TABLE _w (n INT, file VARCHAR, expected VARCHAR, severity VARCHAR, "
        "sheet VARCHAR, row BIGINT, col VARCHAR, value VARCHAR)"
    )
    if warnings:
        con.executemany("INSERT INTO _w VALUES (?, ?, ?, ?, ?, ?, ?, ?)", warnings)
    _copy_to(con, "SELECT * FROM _w ORDER BY n", out, WARNINGS)


def _copy_to(con: duckdb.DuckDBPyConnection, query: str, out: Path, name: str) -> None:
    target = str(out / f"{name}.parquet").replace("'", "''")  # COPY takes no parameters
    con.execute(f"COPY ({query}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")


def current(con: duckdb.DuckDBPyConnection, image: Path, files: dict[str, str]) -> bool:
    """True when ``image`` describes exactly ``files`` (relative path -> SHA-256) and holds the
    store's tables with their columns: a sample regenerated or a schema changed since it was
    built makes the caller read the files instead."""
    try:
        manifest = json.loads((image / MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    if manifest.get("files") != files:
        return False
    columns = manifest.get("columns", {})
    return all(columns.get(t) == table_columns(con, t) for t in row_tables())


@serialised
def load(
    con: duckdb.DuckDBPyConnection,
    image: Path,
    *,
    user: str | None = None,
    progress: Progress | None = None,
    label: str = "",
) -> LoadResult:
    """Copy the image into the store as its loads, in one transaction (all or nothing); returns
    what the file way returns: the last load's id, the counts and warnings of every load.
    ``progress`` is told the fraction done and ``label`` (what is loaded: the rows go in table
    by table, each table's rows of every load at once, so no step is one load's)."""
    loads = con.execute(
        "SELECT load_id, period, summary, detail, started_at, finished_at "
        "FROM read_parquet(?) ORDER BY load_id",
        [_path(image, LOADS)],
    ).fetchall()
    result = LoadResult(load_id=None)
    with transaction(con):
        ids = _new_loads(con, loads, user)
        for n, table in enumerate(row_tables()):
            if progress:
                progress(n / len(row_tables()), label)
            _copy_rows(con, image, table)
        _copy_load_files(con, image)
        for old, _period, summary, detail, *_dates in loads:
            # the file way's entry for that load, under its new id: "load N: files; note"
            audit.record(con, user, "import", f"load {ids[old]}{detail[len(f'load {old}') :]}")
            _add_counts(result, json.loads(summary))
        con.execute("DROP TABLE _ids")
    result.load_id = ids[loads[-1][0]] if loads else None
    result.warnings = _warnings(con, image)
    if progress:
        progress(1.0, label)
    return result


def _path(image: Path, name: str) -> str:
    return str(image / f"{name}.parquet")


def _new_loads(
    con: duckdb.DuckDBPyConnection, loads: list[tuple[Any, ...]], user: str | None
) -> dict[int, int]:
    """Each image load as a load of this store, in order (ids from the store's own sequence,
    so a later import numbers on from them), dated as in the image; the map old id -> new id,
    also as table _ids."""
    ids: dict[int, int] = {}
    for old, period, summary, _detail, started, finished in loads:
        new: int = fetch_scalar(con, "SELECT nextval('load_id_seq')")
        con.execute(
            "INSERT INTO loads VALUES (?, ?, ?, ?, ?, 'loaded', NULL, ?)",
            [new, started, finished, user, period, summary],
        )
        ids[old] = new
    con.execute("CREATE OR REPLACE TEMP TABLE _ids (old_id BIGINT, new_id BIGINT)")
    con.executemany("INSERT INTO _ids VALUES (?, ?)", list(ids.items()))
    return ids


def _copy_rows(con: duckdb.DuckDBPyConnection, image: Path, table: str) -> None:
    """The table's rows, typed as the store types them, with their new load ids and the row
    hash a load computes (``hash`` of the business columns, as ``loads._upsert_from`` does)."""
    spec = table_specs()[table.removesuffix(HISTORY_SUFFIX)]
    described = con.execute(f"DESCRIBE {table}").fetchall()
    typed = []
    for name, typ, *_ in described:
        if name == "row_hash":
            continue
        value = f'i."{name}"'
        if name in ID_COLUMNS:
            value = f"(SELECT new_id FROM _ids WHERE old_id = i.{name})"
        typed.append(f'CAST({value} AS {typ}) AS "{name}"')
    business = ", ".join(f'"{c}"' for c in spec.columns)
    con.execute(
        f"""
        INSERT INTO {table} BY NAME
        SELECT *, hash(struct_pack({business})) AS row_hash FROM (
            SELECT {", ".join(typed)} FROM read_parquet(?) i)
        """,
        [_path(image, table)],
    )


def _copy_load_files(con: duckdb.DuckDBPyConnection, image: Path) -> None:
    con.execute(
        "INSERT INTO load_files BY NAME SELECT f.* REPLACE (m.new_id AS load_id) "
        "FROM read_parquet(?) f JOIN _ids m ON m.old_id = f.load_id",
        [_path(image, FILES)],
    )


def _add_counts(result: LoadResult, summary: dict[str, dict[str, int]]) -> None:
    """The load's counts added to the result's, as :func:`demo.load_demo` adds them."""
    for table, counts in summary.items():
        total = result.counts.setdefault(table, TableCounts())
        total.added += counts.get("added", 0)
        total.updated += counts.get("updated", 0)
        total.unchanged += counts.get("unchanged", 0)


def _warnings(con: duckdb.DuckDBPyConnection, image: Path) -> list[Problem]:
    rows = con.execute(
        "SELECT file, expected, severity, sheet, row, col, value FROM read_parquet(?) ORDER BY n",
        [_path(image, WARNINGS)],
    ).fetchall()
    return [Problem(*row) for row in rows]
