"""Catalog and portfolio edits made in the dashboard, turned into an ordinary load.

An edit goes through the same all-or-nothing load path as an imported file, so it is in the
load history, audited and undoable. Only added or changed rows are loaded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import cast

import pandas as pd

from pmo_metrics.schema.allowed import LIST_SEPARATOR
from pmo_metrics.schema.problems import ParsedFile
from pmo_metrics.schema.tables import PROVENANCE, table_specs

EDITABLE = ("applications", "services", "indicators", "resolution_targets", "expected_sources")


def editable_frame(stored: pd.DataFrame, table: str) -> pd.DataFrame:
    """The business columns of a stored table, list columns written as ``a; b`` text."""
    spec = table_specs()[table]
    frame = stored.reindex(columns=list(spec.columns)).copy()
    for col in table_specs()[table].list_columns:
        frame[col] = frame[col].map(_joined, na_action="ignore").astype("object")
    return frame.reset_index(drop=True)


def changed_rows(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``after`` that are new or differ from ``before`` (compared as text)."""
    if after.empty:
        return after
    old = {tuple(r) for r in before.astype("string").fillna("").itertuples(index=False)}
    mask = [tuple(r) not in old for r in after.astype("string").fillna("").itertuples(index=False)]
    return after[mask]


def edit_as_parsed(table: str, rows: pd.DataFrame, *, user: str | None) -> ParsedFile:
    """``rows`` (business columns) as a parsed file the store can load."""
    frame = rows.copy()
    for col in table_specs()[table].list_columns:
        frame[col] = frame[col].map(_split, na_action="ignore")
    frame = frame.drop(columns=[c for c in PROVENANCE if c in frame.columns])
    frame["source_sheet"] = table
    frame["source_row"] = range(2, 2 + len(frame))
    # The moment is part of the digest: an edit is never "the same file loaded again" (an edit
    # undone by hand and made again is a new edit, not a duplicate to skip).
    made = datetime.now().isoformat()
    digest = hashlib.sha256(
        (
            table + (user or "") + made + frame.to_json(date_format="iso", default_handler=str)
        ).encode()
    ).hexdigest()
    return ParsedFile(
        file_name=f"dashboard edit: {table}",
        sha256=digest,
        source_kind="dashboard_edit",
        tables={table: frame},
        rows_read=len(frame),
    )


def _joined(value: object) -> str:
    if isinstance(value, list | tuple) or hasattr(value, "tolist"):
        items = cast(Iterable[object], value)  # a list, a tuple or an array (it has tolist)
        return f"{LIST_SEPARATOR} ".join(str(v) for v in list(items))
    return str(value)


def _split(value: object) -> list[str]:
    return [p.strip() for p in str(value).split(LIST_SEPARATOR) if p.strip()]
