"""Checks run after a load, on the store as a whole: findings no single file can show (a file
of work items cannot know the sprint calendar another file loaded). Each returns warnings in the
readers' form (:class:`~pmo_metrics.readers.base.Problem`), naming what the user should fix.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import duckdb
import numpy as np

from pmo_metrics.schema.problems import ParsedFile, Problem

UNDATED_SPRINTS = (
    "dates for the sprint(s) {names} of team {team}: no sprint calendar entry and no Done item "
    "completed in them, so they have no dates and are left out of every period's figures; give "
    "their dates in the Sprints sheet of the PMO workbook"
)


def after_load(con: duckdb.DuckDBPyConnection, files: Sequence[ParsedFile]) -> list[Problem]:
    """Every post-load warning about ``files``, just loaded into ``con``."""
    return undated_sprint_warnings(con, files)


def undated_sprint_warnings(
    con: duckdb.DuckDBPyConnection, files: Sequence[ParsedFile]
) -> list[Problem]:
    """One warning per file and team naming the file's sprints that nothing dates (the rule of
    :mod:`pmo_metrics.metrics.sprint_dates`)."""
    named = {f.file_name: _sprints_in(f) for f in files}
    dated, portfolio = _calendar(con)
    if not any(_outside_calendar(f, dated, portfolio) for f in files):
        return []
    # Imported only when needed: the metrics (Ibis) take seconds to import.
    from pmo_metrics.metrics.delivery import undated_sprints
    from pmo_metrics.metrics.source import Source, sharing

    with sharing():
        undated = undated_sprints(Source.from_duckdb(con.cursor()))
    problems = []
    for file_name, sprints in named.items():
        mine = undated[undated["sprint"].isin(sprints)]
        for team, rows in mine.groupby("team", sort=True):
            names = ", ".join(f"'{s}'" for s in rows["sprint"])
            expected = UNDATED_SPRINTS.format(names=names, team=team)
            problems.append(Problem(file_name, expected, severity="warning", column="Sprint"))
    return problems


def _sprints_in(parsed: ParsedFile) -> set[str]:
    items = parsed.tables.get("work_items")
    if items is None or "sprints" not in items.columns:
        return set()
    return {name for sprints in items["sprints"] for name in _names(sprints)}


def _names(sprints: object) -> list[str]:
    """The sprint names of one cell (a list; anything else, e.g. a missing value, has none)."""
    if not isinstance(sprints, list | tuple | np.ndarray):
        return []
    return [str(s) for s in sprints if s is not None]


def _calendar(
    con: duckdb.DuckDBPyConnection,
) -> tuple[set[tuple[str, str]], dict[str, set[str]]]:
    """The (team, sprint) pairs the calendar dates, and each project's portfolio teams: read
    once per load, whatever the number of files."""
    dated = set(
        con.execute(
            "SELECT team, sprint FROM sprints WHERE start_date IS NOT NULL OR end_date IS NOT NULL"
        ).fetchall()
    )
    portfolio = defaultdict(set)
    for project, team in con.execute(
        "SELECT coalesce(jira_project, ado_project), team FROM applications WHERE team IS NOT NULL"
    ).fetchall():
        portfolio[project].add(team)
    return dated, portfolio


def _outside_calendar(
    parsed: ParsedFile, dated: set[tuple[str, str]], portfolio: dict[str, set[str]]
) -> bool:
    """True unless every sprint of the file has dates in the calendar under a name its team may
    have (the row's team, its project, or a portfolio team of its project): the cheap test that
    spares a file whose sprints the calendar dates (the usual case) the exact check."""
    items = parsed.tables.get("work_items")
    if items is None or "sprints" not in items.columns:
        return False
    teams = items["team"] if "team" in items.columns else [None] * len(items)
    for project, team, sprints in zip(items["project"], teams, items["sprints"], strict=True):
        names = {project, team} | portfolio.get(project, set())
        if any(all((name, s) not in dated for name in names) for s in _names(sprints)):
            return True
    return False
