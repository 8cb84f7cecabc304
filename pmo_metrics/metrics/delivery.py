"""Delivery (sprints): commitment, completion, say/do, velocity, stability, forecast.

Definitions as in Jira's velocity chart. Only stories, tasks, bugs and the like count: epics
never, and sub-tasks never carry points (their parent does). The heavy part (every item x every
sprint it was in) is aggregated by the backend through Ibis; what is left is one row per team
sprint, ordered, judged closed and turned into velocity / forecast in pandas and numpy.

Where sprints sit in time (order, dates, closed, in a period) is one rule for every metric,
in :mod:`pmo_metrics.metrics.sprint_dates`: by the calendar, else from their items, else
undated. An item's **last** sprint is the last of its sprints in that order (not the export's
column order).
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, cast

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from pmo_metrics.metrics import plan
from pmo_metrics.metrics.common import (
    DONE,
    as_frame,
    done_date,
    estimable_work,
    scoped_work_items,
    timestamp,
)
from pmo_metrics.metrics.registry import Headline, MissingData, metric
from pmo_metrics.metrics.source import Filters, Source
from pmo_metrics.metrics.sprint_dates import (
    CALENDAR,
    DATES_RULE,
    UNDATED,
    dated_calendar,
    in_period,
    judged_closed,
    last_sprint,
    sprint_names,
    sprint_order,
)

VELOCITY_WINDOW = 3  # last N closed sprints in the velocity (Jira's average line)
STABILITY_WINDOW = 6  # last N closed sprints in the stability CV
FORECAST_WINDOW = 6  # last N closed sprints the forecast samples, unless asked otherwise
FORECAST_TRIALS = 10_000
FORECAST_SEED = 20_260_401
DEFAULT_SPRINT_DAYS = 14
SCOPE = ("period", "service", "application", "team")

NO_SPRINTS = (
    "no sprints: {what} needs work items with sprints (the Jira export's Sprint columns or the "
    "Azure DevOps Iteration Path); upload one on the Data page or with "
    "`python -m pmo_metrics import FILE`"
)

VELOCITY_COLUMNS = (
    "team",
    "sprint",
    "sprint_order",
    "start_date",
    "end_date",
    "sprint_dates",
    "closed",
    "committed_points",
    "completed_points",
    "say_do_ratio",
    "carry_over_points",
    "committed_items",
    "completed_items",
    "unestimated_items",
)


# --- Ibis: the per-sprint aggregates -----------------------------------------------------------


def sprint_lists(items: ir.Table, by: tuple[str, ...] = ()) -> ir.Table:
    """Estimable items that were in a sprint, grouped by team, full list of sprints and Done:
    the one pass over the items; commitments and completions follow from it in pandas (there
    are few distinct lists: an item moves through a handful of consecutive sprints).

    Columns: ``by`` (e.g. application, to split the selection later), team, sprints, is_done,
    items, points (estimates, NULL as 0), unestimated_items, first_start (the first start,
    else creation, of the items) and last_done (their last completion), which date sprints
    the calendar does not (:mod:`~pmo_metrics.metrics.sprint_dates`).
    """
    work = estimable_work(items)
    rows = work.filter(work.sprints.length() > 0).mutate(
        is_done=work.status_category == DONE,
        _start=ibis.coalesce(work.started, work.created),
        _done=done_date(work),
    )
    return rows.group_by([*by, "team", "sprints", "is_done"]).aggregate(
        items=rows.count(),
        points=rows.estimate.sum().fill_null(0.0),
        unestimated_items=rows.estimate.isnull().sum(),
        first_start=rows._start.min(),
        last_done=rows._done.max(),
    )


def sprint_commitments(lists: pd.DataFrame) -> pd.DataFrame:
    """Items and estimates that were in each sprint: an item counts in each of its sprints.

    ``lists``: :func:`sprint_lists`. Columns: team, sprint, committed_items, estimated_points.
    """
    columns = ["team", "sprint", "committed_items", "estimated_points"]
    if lists.empty:
        return pd.DataFrame(columns=columns)
    names: list[Any] = [sprint_names(s) for s in lists["sprints"]]
    rows = lists.assign(sprint=names).explode("sprint")
    rows = rows.dropna(subset=["sprint"])
    sums = rows.groupby(["team", "sprint"], as_index=False)[["items", "points"]].sum()
    return sums.rename(columns={"items": "committed_items", "points": "estimated_points"})[columns]


def calendar(sprints: ir.Table) -> ir.Table:
    """The sprint calendar. Columns: team, sprint, start_date, end_date, calendar_committed."""
    return sprints.select(
        "team", "sprint", "start_date", "end_date", calendar_committed=sprints.committed_points
    )


# --- pandas: order, closed, velocity -------------------------------------------------------------


def ordered_sprints(pairs: pd.DataFrame, cal: pd.DataFrame, *, as_of: pd.Timestamp) -> pd.DataFrame:
    """Every sprint of each team, numbered in natural / calendar order and judged closed.

    ``pairs``: team, sprint (sprints items were in); ``cal``: the calendar.
    Columns: team, sprint, sprint_order, start_date, end_date, calendar_committed,
    sprint_dates, closed.
    """
    return judged_closed(sprint_order(pairs, cal), as_of=as_of)


def last_sprints(lists: pd.DataFrame, order: pd.DataFrame) -> pd.DataFrame:
    """Done items' points and counts moved to the last sprint (in ``order``) of their list.

    ``lists``: :func:`sprint_lists`. Columns: team, sprint, completed_items, completed_points,
    unestimated_items.
    """
    columns = ["team", "sprint", "completed_items", "completed_points", "unestimated_items"]
    done = lists[lists["is_done"].astype(bool)] if len(lists) else lists
    if done.empty:
        return pd.DataFrame(columns=columns)
    rank = {(t, s): o for t, s, o in order[["team", "sprint", "sprint_order"]].itertuples(False)}
    last: list[Any] = [
        last_sprint(t, s, rank) for t, s in zip(done["team"], done["sprints"], strict=True)
    ]
    frame = done.assign(sprint=last).rename(
        columns={"items": "completed_items", "points": "completed_points"}
    )
    sums = columns[2:]
    frame = frame.dropna(subset=["sprint"])
    return frame.groupby(["team", "sprint"], as_index=False)[sums].sum()[columns]


def sprint_velocity(
    commitments: pd.DataFrame,
    completions: pd.DataFrame,
    order: pd.DataFrame,
    *,
    calendar_commitment: bool = True,
) -> pd.DataFrame:
    """Committed and completed points per team sprint, in sprint order.

    Committed = the calendar's commitment where given (and ``calendar_commitment``), else the
    sum of estimates of the items that were in the sprint; completed = estimates of Done items
    whose last sprint it is; say/do = completed / committed (empty when committed is 0);
    carry-over = committed - completed. Columns: ``VELOCITY_COLUMNS``.
    """
    frame = order.merge(commitments, on=["team", "sprint"], how="left").merge(
        completions, on=["team", "sprint"], how="left"
    )
    counts = ["committed_items", "completed_items", "unestimated_items"]
    frame[counts] = frame[counts].fillna(0).astype("int64")
    frame["estimated_points"] = frame["estimated_points"].fillna(0.0).astype(float)
    frame["completed_points"] = frame["completed_points"].fillna(0.0).astype(float)
    committed = frame["estimated_points"]
    if calendar_commitment:
        committed = frame["calendar_committed"].astype(float).fillna(committed)
    frame["committed_points"] = committed
    frame["say_do_ratio"] = (frame["completed_points"] / committed).where(committed != 0)
    frame["carry_over_points"] = committed - frame["completed_points"]
    for column in ("start_date", "end_date"):
        frame[column] = [None if pd.isna(v) else v.date() for v in frame[column]]
    return frame.sort_values(["team", "sprint_order"]).reset_index(drop=True)


def team_velocity(
    velocity: pd.DataFrame, *, window: int = VELOCITY_WINDOW, stability: int = STABILITY_WINDOW
) -> pd.DataFrame:
    """Per team: mean and median completed points (and items) over the last ``window`` closed
    sprints; stability = sample standard deviation / mean over the last ``stability`` closed.

    Columns: team, sprints, velocity_mean, velocity_median, velocity_items_mean,
    stability_cv, closed_sprints.
    """
    rows = []
    # astype: an empty table's object column would be read as column labels, not a mask
    closed = velocity[velocity["closed"].astype(bool)].sort_values(["team", "sprint_order"])
    for team, group in closed.groupby("team", sort=True):
        recent = group.tail(window)
        spread = group.tail(stability)["completed_points"].to_numpy(float)
        mean6 = spread.mean() if spread.size else np.nan
        cv = spread.std(ddof=1) / mean6 if spread.size >= 2 and mean6 else np.nan
        rows.append(
            {
                "team": team,
                "sprints": len(recent),
                "velocity_mean": float(recent["completed_points"].mean()),
                "velocity_median": float(np.median(recent["completed_points"].to_numpy(float))),
                "velocity_items_mean": float(recent["completed_items"].mean()),
                "stability_cv": float(cv),
                "closed_sprints": len(group),
            }
        )
    return pd.DataFrame(rows, columns=VELOCITY_STATS_COLUMNS)


VELOCITY_STATS_COLUMNS = (
    "team",
    "sprints",
    "velocity_mean",
    "velocity_median",
    "velocity_items_mean",
    "stability_cv",
    "closed_sprints",
)


# --- from the store ------------------------------------------------------------------------------


def velocity_table(source: Source, filters: Filters, *, what: str = "velocity") -> pd.DataFrame:
    """The velocity table for a selection (see :func:`sprint_velocity`); raises MissingData
    when nothing in the store has a sprint. Inside a
    :func:`~pmo_metrics.metrics.source.sharing` block each selection's :class:`SprintPlan` is
    built once for every period, and each table once (velocity and say/do read one table)."""

    def build() -> pd.DataFrame:
        return velocity_in_period(selection_plan(source, filters, what), filters)

    return source.remember(("velocity_table", filters, filters.as_of), build)


def selection_plan(source: Source, filters: Filters, what: str = "velocity") -> SprintPlan:
    """The selection's :class:`SprintPlan`, whatever the period (shared inside a sharing
    block); raises MissingData when nothing in the store has a sprint."""

    def plan() -> SprintPlan:
        lists = selection_lists(source, filters)
        narrowed = bool(filters.application or filters.service)
        cal = _calendar(source, filters)
        return sprint_plan(lists, cal, narrowed, lambda: _no_sprints(source, what))

    scope = replace(filters, start=None, end=None)
    return source.remember(("sprint_plan", scope), plan)


def selection_lists(
    source: Source, filters: Filters, *, per_application: bool = False
) -> pd.DataFrame:
    """:func:`sprint_lists` of the selection's items, executed (with ``application`` when
    ``per_application``). One query per selection serves what delivery asks of it:

    - the period plays no part (it picks sprints later), so every period shares the query;
    - the lists are fetched per application; where no list of a team is split between
      applications (a team works for one application), they are the selection's lists as
      they are, so velocity and the portfolio's say/do share the query (else the selection's
      lists are queried as such: summing per-application points again could differ from the
      backend's sum in the last digit of a fractional estimate);
    - an application's lists are its rows of everything's, so one query serves each
      application's velocity (the PMO rollout) too.
    """
    scope = replace(filters, start=None, end=None)
    if scope.application and not (scope.service or scope.team):
        every = _lists_per_application(source, Filters())
        lists = every[every["application"] == scope.application].reset_index(drop=True)
    else:
        lists = _lists_per_application(source, scope)
    if per_application:
        return lists
    keys = zip(
        lists["team"].tolist(), map(tuple, lists["sprints"]), lists["is_done"].tolist(), strict=True
    )
    if len(set(keys)) == len(lists):  # every list is one application's
        return lists.drop(columns="application")
    return source.remember(
        ("sprint_lists", scope, "together"),
        lambda: source.execute(sprint_lists(scoped_work_items(source, scope))),
    )


def _lists_per_application(source: Source, scope: Filters) -> pd.DataFrame:
    return source.remember(
        ("sprint_lists", scope),
        lambda: source.execute(sprint_lists(scoped_work_items(source, scope), ("application",))),
    )


@dataclass(frozen=True)
class SprintPlan:
    """What a selection's velocity needs whatever the period: its sprint lists, commitments
    and every sprint in order (not yet judged closed)."""

    lists: pd.DataFrame
    commitments: pd.DataFrame
    order: pd.DataFrame
    narrowed: bool  # under an application or service filter (no calendar commitment)

    @functools.cached_property
    def completions(self) -> pd.DataFrame:
        """:func:`last_sprints` of the plan: an item's last sprint is the last of ALL its
        sprints, whatever the period, so every period of the plan shares it (read only)."""
        return last_sprints(self.lists, self.order)


def sprint_plan(
    lists: pd.DataFrame, cal: pd.DataFrame, narrowed: bool, no_sprints: Callable[[], None]
) -> SprintPlan:
    """The plan from the selection's sprint lists and its teams' calendar (under an
    application or service filter, only the teams with selected items keep their calendar)."""
    commitments = sprint_commitments(lists)
    if narrowed:  # the calendar is per team, not per application
        cal = cal[cal["team"].isin(list(commitments["team"].unique()))]
    if commitments.empty and cal.empty:
        no_sprints()
    return SprintPlan(lists, commitments, sprint_order(commitments, cal), narrowed)


def velocity_in_period(plan: SprintPlan, filters: Filters) -> pd.DataFrame:
    """The velocity table of the plan's sprints in the filter's period, judged at its end."""
    order = judged_closed(plan.order, as_of=filters.as_of)
    has_items = order.set_index(["team", "sprint"]).index.isin(
        plan.commitments.set_index(["team", "sprint"]).index
    )
    order = in_period(order, has_items, filters)
    if order.empty:
        return as_frame(order, VELOCITY_COLUMNS)
    # An item's last sprint is its last of ALL its sprints, not of those in the period: an item
    # carried into next month's sprint completes there, whichever month is viewed.
    completions = plan.completions
    table = sprint_velocity(
        plan.commitments, completions, order, calendar_commitment=not plan.narrowed
    )
    return as_frame(table, VELOCITY_COLUMNS)


def velocity_values_by(
    headline: Callable[[pd.DataFrame], float | None], what: str
) -> Callable[[Source, Filters, str, list[str]], dict[str, float | None] | None]:
    """``headline`` of the velocity table of each application or service, in one pass: each
    key's table from :func:`keyed_velocity`."""

    def grouped(
        source: Source, f: Filters, by: str, keys: list[str]
    ) -> dict[str, float | None] | None:
        if by not in KEYED:
            return None
        tables = keyed_velocity(source, f, by)
        if tables is None:  # no key has a sprint list in the selection (e.g. another team's)
            _no_sprints(source, what)
            return dict.fromkeys(keys)
        return {k: headline(tables[k]) for k in keys if k in tables}

    return grouped


# --- every application's or service's velocity in one pass ------------------------------------

KEYED = ("application", "service")


@dataclass(frozen=True)
class KeyedPlan:
    """One :class:`SprintPlan` for every application (or service) of a selection, each (key,
    team) a team of its own named ``key + _SEP + team``: every step of :func:`velocity_table`
    works team by team, so one run of the pandas steps gives each key exactly the table of its
    own selection (where a team works for several keys, each has its own sprints' figures)."""

    plan: SprintPlan
    teams: dict[str, tuple[str, str]]  # joined team name -> (key, team)


def keyed_plan(source: Source, f: Filters, by: str) -> KeyedPlan | None:
    """The :class:`KeyedPlan` of the selection ``f`` (its ``by`` filter and period aside) by
    ``by`` (application or service); None when no key has a sprint list. Shared inside a
    sharing block, whatever the period."""
    chosen: dict[str, Any] = {by: None}  # a Filters field: application or service
    scope = replace(f, start=None, end=None, **chosen)

    def build() -> KeyedPlan | None:
        lists = _keyed_lists(source, scope, by)
        if lists.empty:
            return None
        pairs = list(zip(lists["key"].tolist(), lists["team"].tolist(), strict=True))
        joined = [f"{key}{_SEP}{team}" for key, team in pairs]
        teams = dict(zip(joined, pairs, strict=True))
        named = pd.DataFrame({"team": list(teams), "plain": [t for _, t in teams.values()]})
        # The calendar is per team: each key's teams get their team's sprints (those of a team
        # without a list of the key's are dropped by the narrowing, as in the key's own plan).
        cal = _calendar(source, scope).rename(columns={"team": "plain"}).merge(named, on="plain")
        lists = lists.assign(team=joined).drop(columns="key")
        keyed = sprint_plan(lists, cal.drop(columns="plain"), True, lambda: None)
        return KeyedPlan(keyed, teams)

    return source.remember(("keyed_sprint_plan", by, scope), build)


def _keyed_lists(source: Source, scope: Filters, by: str) -> pd.DataFrame:
    """The selection's sprint lists per application, or per service (summed by the backend
    over the service's items, as the service's own selection sums them), with column ``key``."""
    if by == "application":
        lists = selection_lists(source, scope, per_application=True)
        return lists.rename(columns={"application": "key"})
    return _lists_per_service(source, scope).rename(columns={"service": "key"})


def _lists_per_service(source: Source, scope: Filters) -> pd.DataFrame:
    """:func:`sprint_lists` of each service's items (an item counts in each service of its
    application), in one query. Columns: service, then those of sprint_lists."""

    def build() -> pd.DataFrame:
        items = scoped_work_items(source, scope)
        # the items sprint_lists keeps (filtered first: Ibis joins a filtered table, not the
        # portfolio's join itself, to the pairs read from the same applications table)
        listed = items.filter(items.sprints.length() > 0)
        in_services = listed.join(source.service_applications(), "application")
        return source.execute(sprint_lists(in_services, ("service",)))

    return source.remember(("sprint_lists_by_service", scope), build)


def keyed_velocity(source: Source, f: Filters, by: str) -> dict[str, pd.DataFrame] | None:
    """The velocity table (:func:`velocity_table`) of each application or service of the
    selection ``f`` (its ``by`` filter aside) that has sprints in the period, from one run of
    :func:`keyed_plan`: equal to each key's own table. None when no key has a sprint list."""
    chosen: dict[str, Any] = {by: None}  # a Filters field: application or service
    base = replace(f, **chosen)

    def build() -> dict[str, pd.DataFrame] | None:
        keyed = keyed_plan(source, base, by)
        if keyed is None:
            return None
        table = velocity_in_period(keyed.plan, base)
        owners = [keyed.teams[team] for team in table["team"]]
        table = table.assign(team=[team for _, team in owners])
        keys = pd.Series([key for key, _ in owners], index=table.index, dtype=object)
        return {key: rows.reset_index(drop=True) for key, rows in table.groupby(keys, sort=False)}

    return source.remember(("keyed_velocity", by, base, base.as_of), build)


def keyed_split(name: str, columns: Sequence[str]) -> plan.Split:
    """The split of ``name`` (a velocity table's columns) by application or service: the key's
    table from :func:`keyed_velocity`, else (no sprint of the key in the period) its own run."""

    def split(source: Source, base: Filters, by: str, key: str) -> pd.DataFrame:
        tables = keyed_velocity(source, base, by)
        if tables is None or key not in tables:
            return plan.run_for(source, name, base, by, key)
        return as_frame(tables[key], columns)  # a copy: the memo's table is never changed

    return split


_SEP = "\x1f"  # joins a key and a team into one team name (a control character names neither)


def _no_sprints(source: Source, what: str) -> None:
    if not _any_sprint(source):
        raise MissingData(NO_SPRINTS.format(what=what))


def _any_sprint(source: Source) -> bool:
    """Whether anything in the store has a sprint (asked once inside a sharing block)."""

    def ask() -> bool:
        items = source.table("work_items")
        has_sprint = items.filter(items.sprints.length() > 0).count()
        # Counts: each expression gives a scalar, not a table.
        return int(cast(Any, source.execute(has_sprint))) + source.count("sprints") > 0

    return source.remember(("any_sprint",), ask)


def _calendar(source: Source, filters: Filters) -> pd.DataFrame:
    """The dated calendar (:func:`~pmo_metrics.metrics.sprint_dates.dated_calendar`) of the
    selected team, of every team without a team filter: the stored calendar, and the dates of
    the sprints it does not date taken from all the team's items, whatever else is selected."""

    def build() -> pd.DataFrame:
        cal = calendar(source.table("sprints"))
        if filters.team:
            cal = cal.filter(cal.team == filters.team)
        lists = _lists_per_application(source, Filters(team=filters.team))
        return dated_calendar(source.execute(cal), lists)

    return source.remember(("sprint_calendar", filters.team), build)


def undated_sprints(source: Source, filters: Filters | None = None) -> pd.DataFrame:
    """The sprints nothing dates (no calendar dates, no item completed in them), of the selected
    team or of every team: they are in no period's figures. The check named at import.
    Columns: team, sprint (in sprint order)."""
    cal = _calendar(source, filters or Filters())
    order = sprint_order(cal[["team", "sprint"]], cal)
    undated = order[order["sprint_dates"] == UNDATED]
    return undated[["team", "sprint"]].reset_index(drop=True)


# --- headline numbers ----------------------------------------------------------------------------


def velocity_headline(frame: pd.DataFrame) -> float | None:
    """Mean completed points over each team's last 3 closed sprints, summed over the teams."""
    stats = team_velocity(frame)
    return float(stats["velocity_mean"].sum()) if len(stats) else None


def say_do_headline(frame: pd.DataFrame) -> float | None:
    closed = frame[frame["closed"].astype(bool)]
    committed = float(closed["committed_points"].sum())
    return float(closed["completed_points"].sum()) / committed if committed else None


# --- registered metrics --------------------------------------------------------------------------


@metric(
    name="velocity",
    label="Sprint velocity",
    unit="pts",
    # A team's own planning measure: more points is neither better nor worse (points are not
    # comparable across teams, and pushing them up inflates estimates), so never coloured.
    direction="neutral",
    definition=(
        "Per sprint: committed points (estimates of every item that was in the sprint, an "
        "item in several sprints counting in each; the sprint calendar's commitment wins "
        "where given) and completed points (estimates of Done items whose last sprint it is). "
        "Epics and sub-task estimates never count. Velocity = mean completed points of the "
        "last 3 closed sprints (Jira's average line), summed over the selected teams. Sprints "
        "sort by calendar start date, else by name (Sprint 2 before Sprint 10); a period shows "
        "the sprints that ended in it; closed = ended before the end of the period, and an "
        "undated sprint or one dated by its items is open while it is the team's latest. "
        f"{DATES_RULE}"
    ),
    family="delivery",
    notes=(
        "As in Jira's velocity chart (Commitment, Completed, the average line) and Azure "
        "DevOps' velocity report (Planned, Completed). Carry-over = committed - completed "
        "(carry_over_points). Done items without an estimate add nothing in points: see "
        "unestimated, and velocity by item count in velocity-stats."
    ),
    columns=VELOCITY_COLUMNS,
    needs=("work_items", "sprints"),
    dimensions=SCOPE,
    headline=velocity_headline,
)
def compute_velocity(source: Source, filters: Filters) -> pd.DataFrame:
    return velocity_table(source, filters)


plan.per_key("velocity", grouped=velocity_values_by(velocity_headline, "velocity"))
plan.splits("velocity", *KEYED)(keyed_split("velocity", VELOCITY_COLUMNS))


SAY_DO_COLUMNS = (
    "team",
    "sprint",
    "sprint_order",
    "closed",
    "committed_points",
    "completed_points",
    "say_do_ratio",
)


@metric(
    name="say-do",
    label="Say/do ratio",
    unit="ratio",
    direction="higher",
    definition=(
        "Completed points / committed points per sprint, empty when nothing was committed; "
        "for a selection, the sum completed / the sum committed over its closed sprints that "
        f"ended in the period. {DATES_RULE}"
    ),
    family="delivery",
    notes=(
        "A measure of predictability: 1 means the team completed what it committed. A sprint "
        "with nothing committed has no ratio (empty, not 0)."
    ),
    columns=SAY_DO_COLUMNS,
    needs=("work_items", "sprints"),
    dimensions=SCOPE,
    headline=say_do_headline,
)
def compute_say_do(source: Source, filters: Filters) -> pd.DataFrame:
    return as_frame(velocity_table(source, filters, what="say/do"), SAY_DO_COLUMNS)


plan.per_key("say-do", grouped=velocity_values_by(say_do_headline, "say/do"))
plan.splits("say-do", *KEYED)(keyed_split("say-do", SAY_DO_COLUMNS))


def by_sprint_end_month(headline: Headline, what: str) -> plan.Monthly:
    """A sprint metric's headline of each month from one table of the months' sprints: a
    month's table is the rows of the sprints that ended in it (and, as :func:`in_period` keeps
    them, had items or started by the month's end), each judged closed as at the month's end,
    which for a sprint that ended in the month is as at any later day."""

    def by_month(
        source: Source, filters: Filters, months: Sequence[str]
    ) -> dict[str, float | None]:
        table, listed = _sprints_listed(source, filters, what)
        if table.empty:
            return dict.fromkeys(months)
        pairs = zip(table["team"], table["sprint"], strict=True)
        has_items = np.array([pair in listed for pair in pairs], dtype=bool)
        # The table's dates are days; a month's bounds are midnights, which a day never crosses.
        ends, starts = pd.to_datetime(table["end_date"]), pd.to_datetime(table["start_date"])
        out: dict[str, float | None] = {}
        for month in months:
            f = Filters.from_period(month)
            # a month's filters have both bounds
            first, end = pd.Timestamp(cast(date, f.start)), pd.Timestamp(cast(date, f.end))
            keep = ends.notna() & (ends >= first) & (ends < end)
            keep &= has_items | (starts < f.as_of).to_numpy(dtype=bool)
            rows = table[keep.to_numpy(dtype=bool)]
            out[month] = None if rows.empty else plan.as_number(headline(rows))
        return out

    return by_month


def _sprints_listed(
    source: Source, filters: Filters, what: str
) -> tuple[pd.DataFrame, set[tuple[str, str]]]:
    """The selection's velocity table and its (team, sprint) pairs that had items: for one
    application or service, from :func:`keyed_velocity` (every key's in one pass)."""
    chosen = [by for by in KEYED if getattr(filters, by) is not None]
    if len(chosen) == 1:
        by, key = chosen[0], cast(str, getattr(filters, chosen[0]))
        tables = keyed_velocity(source, filters, by)
        keyed = keyed_plan(source, filters, by)
        if tables is not None and keyed is not None and key in tables:
            commitments = keyed.plan.commitments
            named = [keyed.teams[t] for t in commitments["team"]]
            listed = {
                (team, sprint)
                for (owner, team), sprint in zip(named, commitments["sprint"], strict=True)
                if owner == key
            }
            return tables[key], listed
    plan_ = selection_plan(source, filters, what)
    listed = set(zip(plan_.commitments["team"], plan_.commitments["sprint"], strict=True))
    return velocity_table(source, filters, what=what), listed


# A month's velocity and say/do in one pass (the report's indicator trends, the cards' trends).
plan.monthly("velocity")(by_sprint_end_month(velocity_headline, "velocity"))
plan.monthly("say-do")(by_sprint_end_month(say_do_headline, "say/do"))


@metric(
    name="velocity-stats",
    label="Velocity and stability",
    unit="pts",
    direction="neutral",  # as velocity: a team's planning measure, never good or bad
    definition=(
        "Per team: mean and median completed points over the last 3 closed sprints, mean "
        "Done items (velocity by item count, for unestimated work), and stability = sample "
        "standard deviation / mean of completed points over the last 6 closed sprints "
        f"(those that ended in the period). {DATES_RULE}"
    ),
    family="delivery",
    notes=(
        "Stability is a coefficient of variation: lower is steadier, whatever the direction of "
        "velocity itself. Fewer than two closed sprints give no stability."
    ),
    columns=VELOCITY_STATS_COLUMNS,
    needs=("work_items", "sprints"),
    dimensions=SCOPE,
    headline=lambda frame: float(frame["velocity_mean"].sum()),
)
def compute_velocity_stats(source: Source, filters: Filters) -> pd.DataFrame:
    return as_frame(team_velocity(velocity_table(source, filters)), VELOCITY_STATS_COLUMNS)


UNESTIMATED_COLUMNS = ("team", "sprint", "sprint_order", "done_items", "unestimated_items")


@metric(
    name="unestimated",
    label="Unestimated Done items",
    unit="items",
    direction="lower",
    definition=(
        "Done items (no epics, no sub-tasks) completed in each sprint that carry no estimate: "
        "they add nothing to velocity in points; velocity by item count covers them. "
        f"{DATES_RULE}"
    ),
    family="delivery",
    notes=(
        "Sub-tasks are left out because they never carry points; an estimate of 0 is an "
        "estimate, not a missing one."
    ),
    columns=UNESTIMATED_COLUMNS,
    needs=("work_items",),
    dimensions=SCOPE,
    headline=lambda frame: float(frame["unestimated_items"].sum()),
)
def compute_unestimated(source: Source, filters: Filters) -> pd.DataFrame:
    table = velocity_table(source, filters, what="unestimated items")
    return as_frame(table.rename(columns={"completed_items": "done_items"}), UNESTIMATED_COLUMNS)


# --- forecast ------------------------------------------------------------------------------------

FORECAST_COLUMNS = (
    "team",
    "backlog_as_of",
    "backlog_from",
    "remaining_points",
    "remaining_items",
    "unestimated_remaining",
    "sample_window",
    "sample_sprints",
    "sample_points",
    "note",
    "sprint_days",
    "from_date",
    "p50_sprints",
    "p85_sprints",
    "p95_sprints",
    "p50_date",
    "p85_date",
    "p95_date",
)
SNAPSHOT, ITEM_DATES = "snapshot", "items"  # the values of ``backlog_from``


def remaining_backlog(items: ir.Table, as_of: pd.Timestamp | None = None) -> ir.Table:
    """Estimable items open at ``as_of``, per team: created before it (or when unknown) and not
    Done by then, i.e. not Done today or Done at or after ``as_of`` (a Done item without a
    completion date counts as done). Without ``as_of``: the items not Done today.

    Columns: team, remaining_points, remaining_items, unestimated_remaining.
    """
    work = estimable_work(items)
    is_open = work.status_category != DONE
    if as_of is not None:
        moment = timestamp(as_of)
        created = work.created.isnull() | (work.created < moment)
        is_open = created & (is_open | (done_date(work) >= moment))
    open_ = work.filter(is_open)
    return open_.group_by("team").aggregate(
        remaining_points=open_.estimate.sum().fill_null(0.0),
        remaining_items=open_.count(),
        unestimated_remaining=open_.estimate.isnull().sum(),
    )


def snapshot_backlog(snapshots: ir.Table) -> ir.Table:
    """The open estimable items of a month-end snapshot, per team that has rows in it (0 for a
    team whose items were all Done). Columns as :func:`remaining_backlog`."""
    rows = snapshots.filter(
        ~snapshots.is_epic.fill_null(False) & ~snapshots.is_subtask.fill_null(False)
    )
    rows = rows.mutate(_open=rows.status_category.fill_null("") != DONE)
    return rows.group_by("team").aggregate(
        remaining_points=rows.estimate.sum(where=rows._open).fill_null(0.0),
        remaining_items=rows._open.sum(),
        unestimated_remaining=(rows._open & rows.estimate.isnull()).sum(),
    )


def backlog_at(source: Source, filters: Filters) -> pd.DataFrame:
    """Each team's remaining backlog at the end of the period (today without one).

    For a month that is over, a team's month-end snapshot of the period's last month, where the
    team has one: it is what the team's files said at the time (estimates then, items since
    deleted or moved), and no later load changes it. Otherwise (the month is not over, or no
    file of the team was loaded by then) the items' own dates, with today's estimates:
    :func:`remaining_backlog` at the as-of date. Teams with nothing open are left out.

    Columns: team, remaining_points, remaining_items, unestimated_remaining, backlog_from
    (snapshot or items).
    """

    def build() -> pd.DataFrame:
        expr = remaining_backlog(scoped_work_items(source, filters), filters.as_of)
        dated = source.execute(expr).assign(backlog_from=ITEM_DATES)
        month = _past_month(filters)
        if month is None:
            return dated
        snaps = source.filter_scope(source.work_item_snapshots(), filters)
        recorded = source.execute(snapshot_backlog(snaps.filter(snaps.month == ibis.date(month))))
        if recorded.empty:
            return dated
        dated = dated[~dated["team"].isin(recorded["team"])]
        recorded = recorded[recorded["remaining_items"] > 0].assign(backlog_from=SNAPSHOT)
        return pd.concat([recorded, dated], ignore_index=True) if len(dated) else recorded

    frame = source.remember(("forecast_backlog", filters), build)
    return frame.sort_values("team").reset_index(drop=True)


def _past_month(f: Filters) -> date | None:
    """The period's last month, when it is over (the month of its month-end snapshot)."""
    if not f.end or pd.Timestamp(f.end) > pd.Timestamp.now():
        return None
    return (pd.Timestamp(f.end) - pd.DateOffset(months=1)).date()


def _last_day(as_of: pd.Timestamp) -> pd.Timestamp:
    """The day states are judged on: as_of is exclusive (the first moment after the period)."""
    return (pd.Timestamp(as_of) - pd.Timedelta(seconds=1)).normalize()


def sprints_needed(
    remaining: float, samples: np.ndarray, *, trials: int = FORECAST_TRIALS, seed: int = 0
) -> np.ndarray:
    """Monte Carlo: for each trial, sprints drawn (with replacement) from ``samples`` until
    their sum reaches ``remaining``. NaN trials when the samples can never get there."""
    rng = np.random.default_rng(seed)
    if remaining <= 0:
        return np.zeros(trials)
    if samples.size == 0 or samples.max() <= 0:
        return np.full(trials, np.nan)
    needed = np.full(trials, np.nan)
    done = np.zeros(trials)
    drawn = 0
    # Draw in blocks so that a long tail (small samples, big backlog) does not need one huge array.
    block = max(8, int(np.ceil(remaining / samples.mean())) * 2)
    while np.isnan(needed).any():
        draws = rng.choice(samples, size=(trials, block), replace=True)
        totals = done[:, None] + np.cumsum(draws, axis=1)
        reached = totals >= remaining
        first = np.where(reached.any(axis=1), reached.argmax(axis=1), -1)
        todo = np.isnan(needed)
        hit = todo & (first >= 0)
        needed[hit] = drawn + first[hit] + 1
        done = totals[:, -1]
        drawn += block
    return needed


def sprint_days(order: pd.DataFrame) -> float:
    """A team's sprint length in days: the median gap between consecutive calendar start dates,
    else the median calendar duration (start to end inclusive), else 14 days. Dates taken from
    items are no sprint length (a carried-over item pulls a start back by weeks)."""
    if "sprint_dates" in order.columns:
        order = order[order["sprint_dates"] == CALENDAR]
    dated = order.dropna(subset=["start_date"]).sort_values("start_date")
    starts = pd.to_datetime(dated["start_date"])
    gaps = starts.diff().dt.days.dropna()
    if len(gaps):
        return float(np.median(gaps))
    both = dated.dropna(subset=["end_date"])
    if len(both):
        spans = (pd.to_datetime(both["end_date"]) - pd.to_datetime(both["start_date"])).dt.days
        return float(np.median(spans + 1))
    return float(DEFAULT_SPRINT_DAYS)


def team_forecast(
    team: str,
    remaining: float,
    velocity: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    sample_window: int = FORECAST_WINDOW,
) -> dict[str, Any]:
    """The forecast of one team from its velocity table (every sprint of the team, in order).

    Samples: completed points of the last ``sample_window`` closed sprints (a note says when
    fewer exist); dates counted from the end of the last closed sprint (else the as-of date),
    each sprint needed adding the sprint length, a fractional percentile rounded up to whole
    sprints. Seeded per team: the same inputs give the same result.
    """
    closed = velocity[velocity["closed"].astype(bool)].sort_values("sprint_order")
    samples = closed.tail(sample_window)["completed_points"].to_numpy(float)
    seed = zlib.crc32(f"{FORECAST_SEED}:{team}".encode())
    needed = sprints_needed(remaining, samples, seed=seed)
    length = sprint_days(velocity)
    last_end = closed["end_date"].dropna()
    today = _last_day(as_of)
    start = pd.Timestamp(last_end.iloc[-1]) if len(last_end) else today
    row = {
        "team": team,
        "sample_window": sample_window,
        "sample_sprints": int(samples.size),
        "sample_points": ", ".join(f"{v:g}" for v in samples),
        "note": sample_note(int(samples.size), sample_window, today),
        "sprint_days": length,
        "from_date": start.date(),
    }
    finite = needed[~np.isnan(needed)]
    for q in (50, 85, 95):
        if finite.size < needed.size:  # the samples can never finish the backlog
            row[f"p{q}_sprints"], row[f"p{q}_date"] = np.nan, None
            continue
        value = float(np.percentile(needed, q))
        row[f"p{q}_sprints"] = value
        row[f"p{q}_date"] = (start + pd.Timedelta(days=np.ceil(value) * length)).date()
    return row


def sample_note(found: int, asked: int, day: pd.Timestamp) -> str | None:
    """What the forecast says when fewer closed sprints than asked exist by ``day``."""
    if found >= asked:
        return None
    when = f"{day.day} {day:%b %Y}"
    if found == 0:
        return f"no closed sprint by {when} to sample ({asked} asked)"
    sprints = "sprint" if found == 1 else "sprints"
    return f"only {found} closed {sprints} by {when} to sample ({asked} asked)"


def forecast_table(
    source: Source, filters: Filters, *, sample_window: int = FORECAST_WINDOW
) -> pd.DataFrame:
    """The forecast per team as of the end of the period: the backlog then (:func:`backlog_at`)
    against the last ``sample_window`` sprints closed by then. Columns: ``FORECAST_COLUMNS``."""
    if sample_window < 1:
        raise ValueError(f"the forecast samples at least 1 sprint, not {sample_window}")
    # The history is every sprint up to the as-of date, whatever the period's first month.
    history = Filters(
        end=filters.end,
        service=filters.service,
        application=filters.application,
        team=filters.team,
    )
    velocity = velocity_table(source, history, what="the forecast")
    backlog = backlog_at(source, filters)
    rows = []
    records: Iterable[Any] = backlog.itertuples(index=False)  # team, remaining_points, ...
    for record in records:
        team_sprints = velocity[velocity["team"] == record.team]
        row = team_forecast(
            record.team,
            float(record.remaining_points),
            team_sprints,
            as_of=history.as_of,
            sample_window=sample_window,
        )
        row.update(
            backlog_as_of=_last_day(history.as_of).date(),
            backlog_from=record.backlog_from,
            remaining_points=float(record.remaining_points),
            remaining_items=int(record.remaining_items),
            unestimated_remaining=int(record.unestimated_remaining),
        )
        rows.append(row)
    return as_frame(pd.DataFrame(rows), FORECAST_COLUMNS)


@metric(
    name="forecast",
    label="Forecast to finish the backlog",
    unit="sprints",
    direction="lower",
    definition=(
        "Monte Carlo over 10,000 trials (seeded): each sprint's completed points drawn with "
        f"replacement from the team's last {FORECAST_WINDOW} sprints closed by the end of the "
        "period (fewer when fewer exist, as the result notes) until the backlog as of that day "
        "is done: estimates of the items open then (no epics, no sub-tasks), from the month-end "
        "snapshot of a past month where the team has one, else from the items created before "
        "the end and not done by then. P50 / P85 / P95 of the sprints needed and the dates "
        "they imply from the end of the last closed sprint (sprint length from the calendar, "
        f"else 14 days). {DATES_RULE}"
    ),
    family="delivery",
    notes=(
        "As in ActionableAgile's \"When\" and jira-agile-metrics' burn-up forecast. The trials "
        "are seeded: the same data gives the same dates. A backlog with unestimated items is "
        "undercounted in points (unestimated_remaining says how many). The burnup drawn with "
        "it: per dated sprint of the period (by end date, then sprint order), the points done "
        "cumulated from the period's first sprint, against a flat scope = points done in the "
        "period + the backlog left."
    ),
    columns=FORECAST_COLUMNS,
    needs=("work_items", "sprints"),
    dimensions=("period", "service", "application", "team"),
    headline=lambda frame: (
        None if frame["p85_sprints"].isna().all() else float(frame["p85_sprints"].max())
    ),
)
def compute_forecast(source: Source, filters: Filters) -> pd.DataFrame:
    return forecast_table(source, filters)
