"""The Explore page's pivot: rows grouped by some columns, optionally spread over one more."""

from __future__ import annotations

import pandas as pd

AGGREGATES = ("sum", "mean", "median", "count", "min", "max")


def pivot(
    frame: pd.DataFrame,
    rows: list[str],
    *,
    across: str | None = None,
    value: str | None = None,
    how: str = "sum",
) -> pd.DataFrame:
    """``how`` of ``value`` for each group of ``rows`` (one column per ``across`` value), or the
    number of rows in each group when no value is chosen.

    Output columns: the ``rows`` columns, then ``count`` (no value), ``value`` (no ``across``) or
    one column per ``across`` value. Empty groups are left out; missing keys form a group.
    """
    if how not in AGGREGATES:
        raise ValueError(f"unknown aggregate {how!r}; one of {', '.join(AGGREGATES)}")
    spread = across if across and across not in rows else None
    keys = [*rows, spread] if spread else list(rows)
    groups = frame.groupby(keys, dropna=False, observed=True, sort=True)
    # A grouping column cannot also be the value (pandas: "Grouper ... not 1-dimensional").
    if value is None or value in keys:
        cells, name = groups.size(), "count"
    else:
        cells, name = groups[value].agg(how), value
    if spread is None:
        return cells.rename(name).reset_index()
    wide = cells.unstack(spread)
    wide.columns = [str(c) for c in wide.columns]
    return wide.reset_index()
