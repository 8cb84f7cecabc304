"""Where sprints sit in time: their order, their dates, which are closed, which fall in a period.

One rule for every metric that picks sprints by month (velocity, say/do, their stats, the
burnup and forecast, the portfolio's say/do per application, the PMO rollout): they all go
through :func:`dated_calendar`, :func:`sprint_order`, :func:`judged_closed` and
:func:`in_period`.

Dates (:data:`DATES_RULE`): a sprint the calendar (table ``sprints``) dates keeps the calendar's
dates. One it does not date takes them from its items: start = the first start (else creation)
of the items that were in it; end = the last completion (resolution, else the move to Done) of
the Done items completed in it, i.e. whose last sprint it is: an item carried over is completed
in its last sprint, so its resolution dates that sprint and not the ones it left. A sprint with
no item completed in it is **undated**: listed as such, left out of every figure for a month or
a range of months (nothing says when it ended), and named at import.

Order: by calendar start date where the calendar dates every sprint of the team, else natural
name order (``Sprint 9`` before ``Sprint 10``). Dates taken from items never reorder sprints
(an item carried over pulls its later sprints' start back to its own start).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import numpy as np
import pandas as pd

from pmo_metrics.metrics.common import natural_key
from pmo_metrics.metrics.source import Filters

CALENDAR, ITEMS, UNDATED = "calendar", "items", "undated"  # the values of ``sprint_dates``

DATES_RULE = (
    "A sprint's dates are the sprint calendar's; a sprint the calendar does not date takes "
    "them from its items (start: the first start, else creation, of the items that were in "
    "it; end: the last resolution of the Done items completed in it) or else is undated, "
    "shown as such and left out of every period's figures."
)

CALENDAR_COLUMNS = ["team", "sprint", "start_date", "end_date", "calendar_committed"]


def sprint_names(sprints: Iterable[object] | None) -> list[str]:
    """The distinct, non-blank sprint names of one list, in export order."""
    names = [] if sprints is None else [str(s) for s in sprints if s is not None]
    return list(dict.fromkeys(n for n in names if n.strip()))


def sprint_order(pairs: pd.DataFrame, cal: pd.DataFrame) -> pd.DataFrame:
    """Every sprint of each team (those items were in, ``pairs``: team, sprint, and those of
    ``cal``, the calendar as :func:`dated_calendar` gives it or as stored), numbered in order.

    Columns: team, sprint, start_date, end_date, calendar_committed, sprint_dates, sprint_order.
    """
    if "sprint_dates" not in cal.columns:
        cal = cal.assign(sprint_dates=_calendar_dated(cal))
    frame = pd.concat([pairs[["team", "sprint"]], cal[["team", "sprint"]]], ignore_index=True)
    frame = frame.drop_duplicates().merge(cal, on=["team", "sprint"], how="left")
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    frame["sprint_dates"] = frame["sprint_dates"].fillna(UNDATED)
    # Calendar order only where the calendar dates every sprint of the team: a partial calendar
    # cannot place the undated sprints, so such a team falls back to natural name order.
    by_calendar = (frame["sprint_dates"] == CALENDAR) & frame["start_date"].notna()
    frame["_by_date"] = by_calendar.groupby(frame["team"]).transform("all")
    frame["_date"] = frame["start_date"].where(frame["_by_date"])
    frame["_natural"] = frame["sprint"].map(natural_key)
    frame = frame.sort_values(["team", "_date", "_natural"], kind="stable")
    frame["sprint_order"] = frame.groupby("team").cumcount() + 1
    return frame.drop(columns=["_by_date", "_date", "_natural"]).reset_index(drop=True)


def _calendar_dated(cal: pd.DataFrame) -> pd.Series:
    dated = cal["start_date"].notna() | cal["end_date"].notna()
    return pd.Series(np.where(dated, CALENDAR, UNDATED), index=cal.index, dtype=object)


def judged_closed(order: pd.DataFrame, *, as_of: pd.Timestamp) -> pd.DataFrame:
    """``order`` (:func:`sprint_order`) with ``closed``: a sprint that has an end date is closed
    when it ended before ``as_of``; one without, unless it is its team's latest. A sprint dated
    by its items is never closed while it is its team's latest: its last completion so far is
    no proof that it ended."""
    latest = order["sprint_order"] == order.groupby("team")["sprint_order"].transform("max")
    ended = order["end_date"] < as_of
    closed = np.where(order["end_date"].notna(), ended, ~latest)
    closed &= ~(latest & (order["sprint_dates"] == ITEMS)).to_numpy()
    return order.assign(closed=closed.astype(bool))


def in_period(order: pd.DataFrame, has_items: np.ndarray, f: Filters) -> pd.DataFrame:
    """The sprints of ``order`` whose end date falls in the filter's period (all of them without
    one). Undated sprints are in no period; calendar sprints without items (``has_items``) that
    have not started by the as-of date are dropped."""
    keep = np.asarray(has_items, bool) | (order["start_date"] < f.as_of).to_numpy(bool)
    if f.start or f.end:
        keep &= order["end_date"].notna().to_numpy(bool)
    if f.start:
        keep &= (order["end_date"] >= pd.Timestamp(f.start)).to_numpy(bool)
    if f.end:
        keep &= (order["end_date"] < pd.Timestamp(f.end)).to_numpy(bool)
    return order[keep].reset_index(drop=True)


def last_sprint(
    team: str, sprints: Iterable[object] | None, rank: dict[tuple[str, str], int]
) -> str | None:
    """The last of an item's sprints in the team's order (``rank``: (team, sprint) -> order)."""
    names = sprint_names(sprints)
    return max(names, key=lambda s: rank.get((team, s), 0)) if names else None


def dated_calendar(cal: pd.DataFrame, lists: pd.DataFrame) -> pd.DataFrame:
    """The calendar completed with the dates of the sprints it does not date, from their items.

    ``cal``: the stored calendar (:data:`CALENDAR_COLUMNS`); ``lists``: every sprint list of
    the teams concerned (``sprint_lists`` with first_start and last_done), whichever selection
    is viewed, so that a sprint has the same dates in every view. Columns:
    :data:`CALENDAR_COLUMNS` + sprint_dates (calendar, items or undated).
    """
    cal = cal[CALENDAR_COLUMNS].assign(
        start_date=lambda c: pd.to_datetime(c["start_date"]),
        end_date=lambda c: pd.to_datetime(c["end_date"]),
        sprint_dates=lambda c: _calendar_dated(c),
    )
    exploded = _exploded(lists) if len(lists) else None  # once for the pairs and the dates
    derived = item_dates(lists, sprint_order(_pairs(lists, exploded), cal), exploded)
    merged = derived.merge(cal, on=["team", "sprint"], how="outer")
    by_items = merged["sprint_dates"].isna() | (merged["sprint_dates"] == UNDATED)
    dated = merged["items_end"].notna()
    merged.loc[by_items, "start_date"] = merged.loc[by_items & dated, "items_start"]
    merged.loc[by_items, "end_date"] = merged.loc[by_items & dated, "items_end"]
    merged.loc[by_items, "sprint_dates"] = np.where(dated[by_items], ITEMS, UNDATED)
    return merged[[*CALENDAR_COLUMNS, "sprint_dates"]].reset_index(drop=True)


def item_dates(
    lists: pd.DataFrame, order: pd.DataFrame, exploded: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Each sprint's dates from its items: items_start = the first start (else creation) of
    the items that were in it, items_end = the last completion of the Done items whose last
    sprint it is (in ``order``), as dates. Columns: team, sprint, items_start, items_end."""
    columns = ["team", "sprint", "items_start", "items_end"]
    if lists.empty:
        return pd.DataFrame(columns=columns)
    rows = _exploded(lists) if exploded is None else exploded  # as _exploded(lists) gives
    starts = rows.groupby(["team", "sprint"], as_index=False)["first_start"].min()
    rank = {(t, s): o for t, s, o in order[["team", "sprint", "sprint_order"]].itertuples(False)}
    done = lists[lists["is_done"].astype(bool)]
    last: list[Any] = [
        last_sprint(t, s, rank) for t, s in zip(done["team"], done["sprints"], strict=True)
    ]
    done = done.assign(sprint=last).dropna(subset=["sprint"])
    ends = done.groupby(["team", "sprint"], as_index=False)["last_done"].max()
    frame = starts.merge(ends, on=["team", "sprint"], how="left")
    frame["items_start"] = pd.to_datetime(frame["first_start"]).dt.normalize()
    frame["items_end"] = pd.to_datetime(frame["last_done"]).dt.normalize()
    return cast(pd.DataFrame, frame[columns])  # a list of columns selects a DataFrame


def _pairs(lists: pd.DataFrame, exploded: pd.DataFrame | None = None) -> pd.DataFrame:
    if lists.empty:
        return pd.DataFrame(columns=["team", "sprint"])
    rows = _exploded(lists) if exploded is None else exploded
    return rows[["team", "sprint"]].drop_duplicates()


def _exploded(lists: pd.DataFrame) -> pd.DataFrame:
    """One row per list and each of its sprints."""
    names: list[Any] = [sprint_names(s) for s in lists["sprints"]]
    rows = lists.assign(sprint=names).explode("sprint")
    return rows.dropna(subset=["sprint"])
