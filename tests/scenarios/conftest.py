"""The scenario suite: the product used as a PMO uses it over a year, on real files.

Each store is built once per session through the product's own load path (``import_paths``,
``undo_load``, ``redo_load``) from the sample's real monthly exports (data/sample) and the real
Jira Cloud exports of ../shared/real-exports. The tests compare every metric of the registry,
table by table, between stores that must agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pmo_metrics.demo import Batch, demo_batches
from pmo_metrics.importing import import_paths
from pmo_metrics.metrics.registry import MissingData, all_metrics
from pmo_metrics.metrics.source import Filters, Source
from pmo_metrics.schema.tables import table_specs
from pmo_metrics.store.connection import connect

MONTHS = [b.period for b in demo_batches()[1:]]  # 2025-11 .. 2026-10
PERIODS = [*MONTHS, f"{MONTHS[0]}:{MONTHS[-1]}"]


def load_batches(con: duckdb.DuckDBPyConnection, batches: Iterable[Batch]) -> list[int]:
    """Load each batch as one load for its period; the load ids, in order."""
    return [import_paths(con, list(b.files), period=b.period).load_id for b in batches]


@pytest.fixture(scope="session")
def stores(tmp_path_factory) -> Callable[[str, Callable[[duckdb.DuckDBPyConnection], None]], Path]:
    """``stores(name, build)``: a store built once per session by ``build(con)``."""
    built: dict[str, Path] = {}
    root = tmp_path_factory.mktemp("scenarios")

    def get(name: str, build: Callable[[duckdb.DuckDBPyConnection], None]) -> Path:
        if name not in built:
            path = root / f"{name}.duckdb"
            con = connect(path)
            try:
                build(con)
            finally:
                con.close()
            built[name] = path
        return built[name]

    return get


@pytest.fixture(scope="session")
def in_order(stores) -> Path:
    """The sample as a PMO lead loads it: the workbook, then each month, oldest first."""
    return stores("in_order", lambda con: load_batches(con, demo_batches()))


def business_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every canonical and snapshot table without provenance: all that metrics read."""
    out = {}
    for spec in table_specs().values():
        cols = ", ".join(f'"{c}"' for c in spec.columns)
        out[spec.name] = con.execute(f"SELECT {cols} FROM {spec.name} ORDER BY ALL").fetchall()
    return out


# A store's figures, computed once per (store, periods, scopes): the sample's in-order store is
# the reference of every test, and its 50 metrics take seconds per period.
_FIGURES: dict[tuple, dict] = {}
FEW = (MONTHS[4], f"{MONTHS[0]}:{MONTHS[-1]}")  # one month and the whole year


def figures(
    path: Path,
    *,
    periods: Iterable[str] = PERIODS,
    scopes: Iterable[dict[str, str]] = ({},),
) -> dict[tuple[str, str, str], object]:
    """Every metric's table for each period and scope, as comparable records; a metric that
    cannot be computed gives the reason's class (both stores must agree on that too)."""
    periods, scopes = tuple(periods), tuple(scopes)
    key = (path, path.stat().st_mtime_ns, periods, repr(scopes))
    if key not in _FIGURES:
        _FIGURES[key] = _figures(path, periods, scopes)
    return _FIGURES[key]


def _figures(path: Path, periods: tuple, scopes: tuple) -> dict[tuple[str, str, str], object]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        source = Source.from_duckdb(con)
        out: dict[tuple[str, str, str], object] = {}
        for scope in scopes:
            for period in periods:
                filters = Filters.from_period(period, **scope)
                for m in all_metrics():
                    out[(m.name, period, repr(scope))] = _table(m, source, filters)
        return out
    finally:
        con.close()


def _table(metric, source: Source, filters: Filters) -> object:
    try:
        frame = metric.run(source, replace(filters))
    except MissingData:
        return "MissingData"
    return canonical_records(frame)


def canonical_records(frame: pd.DataFrame) -> list[tuple]:
    """Rows in a stable order with floats rounded past noise (sums in another order differ in
    the last bits) and missing values alike."""
    rows = []
    for record in frame.itertuples(index=False, name=None):
        rows.append(tuple(_plain(v) for v in record))
    return sorted(rows, key=repr)


def _plain(value: object) -> object:
    if isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        seq = value.tolist() if hasattr(value, "tolist") else value
        return tuple(_plain(v) for v in seq) if isinstance(seq, (list, tuple)) else _plain(seq)
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def differences(left: dict, right: dict, limit: int = 8) -> list[str]:
    """The keys whose figures differ, with both values, for a readable failure."""
    out = []
    for key in sorted(set(left) | set(right)):
        if left.get(key) != right.get(key):
            out.append(f"{key}: {str(left.get(key))[:300]} != {str(right.get(key))[:300]}")
    return out[:limit] + ([f"... {len(out) - limit} more"] if len(out) > limit else [])
