"""Sprint dates: a sprint the calendar does not date takes its dates from its items, or is
undated and left out of every figure for a period (issue 11, defect 3)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pmo_metrics.metrics.plan import values_by
from pmo_metrics.metrics.registry import get
from pmo_metrics.metrics.source import Filters

T = pd.Timestamp
JANUARY = Filters.from_period("2026-01")  # as of 2026-02-01
FEBRUARY = Filters.from_period("2026-02")  # as of 2026-03-01


def item(key: str, sprints: list[str], cat: str, est: float, created: str, **dates) -> dict:
    return {
        "item_key": key,
        "source": "jira",
        "project": "Q",
        "item_type": "Story",
        "is_epic": False,
        "is_subtask": False,
        "status": cat,
        "status_category": cat,
        "estimate": est,
        "created": T(created),
        "sprints": sprints,
        **{name: T(value) for name, value in dates.items()},
    }


# Team Q has no sprint calendar. Worked by hand:
#   Q Sprint 1: items Q1, Q2. Start = the first start, else creation: Q1 started Jan 12, Q2 was
#     created Jan 5 (never started) -> Jan 5. End = the last resolution of the Done items
#     completed in it: Q1 (Jan 20); Q2 was carried into Sprint 2 and completed there, so its
#     resolution (Feb 10) dates Sprint 2, not Sprint 1 -> Jan 20: a January sprint.
#     Committed 3 + 5 = 8, completed 3.
#   Q Sprint 2: items Q2, Q3 -> start Jan 5 (Q2's creation), end Feb 10 (Q2): February.
#     Committed 5 + 2 = 7, completed 5.
#   Q Sprint 3: Q4 started Feb 20 but nothing was completed in it: no end, undated. It is the
#     team's latest sprint, so it is open (the export cannot show it closed).
# Team P has a calendar sprint in January (its dates win, as before).
ITEMS = [
    item("Q1", ["Q Sprint 1"], "Done", 3, "2026-01-10", started="2026-01-12",
         resolved="2026-01-20 15:00"),
    item("Q2", ["Q Sprint 1", "Q Sprint 2"], "Done", 5, "2026-01-05 08:00",
         resolved="2026-02-10"),
    item("Q3", ["Q Sprint 2"], "To Do", 2, "2026-01-25"),
    item("Q4", ["Q Sprint 3"], "In Progress", 8, "2026-02-01", started="2026-02-20"),
    dict(item("P1", ["P Sprint 1"], "Done", 4, "2026-01-02", resolved="2026-01-14"), project="P"),
]  # fmt: skip
CALENDAR = [
    {"team": "P", "sprint": "P Sprint 1", "start_date": date(2026, 1, 5),
     "end_date": date(2026, 1, 16)},
]  # fmt: skip
COLUMNS = [
    "team", "sprint", "closed", "committed_points", "completed_points", "start_date",
    "end_date", "sprint_dates",
]  # fmt: skip


def rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in r) for r in frame[COLUMNS].itertuples(False)]


@pytest.fixture
def loaded(put, source):
    put("work_items", ITEMS)
    put("sprints", CALENDAR)
    return source


def test_a_month_shows_only_the_sprints_that_ended_in_it(loaded):
    velocity = get("velocity")
    assert rows(velocity.run(loaded, JANUARY)) == [
        ("P", "P Sprint 1", True, 4.0, 4.0, date(2026, 1, 5), date(2026, 1, 16), "calendar"),
        ("Q", "Q Sprint 1", True, 8.0, 3.0, date(2026, 1, 5), date(2026, 1, 20), "items"),
    ]
    assert rows(velocity.run(loaded, FEBRUARY)) == [
        ("Q", "Q Sprint 2", True, 7.0, 5.0, date(2026, 1, 5), date(2026, 2, 10), "items"),
    ]
    # January's headlines: P's 4 + Q's 3 points; say/do (4 + 3) / (4 + 8).
    assert velocity.value(loaded, JANUARY) == 7.0
    assert get("say-do").value(loaded, JANUARY) == pytest.approx(7 / 12)
    # Per application (the portfolio's say/do): the same sprints, the same months.
    assert values_by(get("say-do"), loaded, JANUARY, "application", ["P", "Q"]) == {
        "P": 1.0,
        "Q": 3 / 8,
    }


def test_an_undated_sprint_is_shown_as_such_and_in_no_month(loaded):
    every = get("velocity").run(loaded, Filters(team="Q"))
    assert rows(every) == [
        ("Q", "Q Sprint 1", True, 8.0, 3.0, date(2026, 1, 5), date(2026, 1, 20), "items"),
        ("Q", "Q Sprint 2", True, 7.0, 5.0, date(2026, 1, 5), date(2026, 2, 10), "items"),
        ("Q", "Q Sprint 3", False, 8.0, 0.0, None, None, "undated"),
    ]
    for period in ("2026-01", "2026-02", "2026-03", "2026-01:2026-12"):
        shown = get("velocity").run(loaded, Filters.from_period(period, team="Q"))
        assert "Q Sprint 3" not in set(shown["sprint"]), period


def test_a_sprint_dated_by_its_items_is_open_until_it_ends(loaded):
    # As of February 1, Sprint 2 (its last completion on February 10) has not ended: it is not
    # in January, and the January forecast samples Sprint 1 alone (3 points).
    forecast = get("forecast").run(loaded, Filters.from_period("2026-01", team="Q"))
    assert forecast[["team", "sample_sprints", "sample_points"]].to_dict("records") == [
        {"team": "Q", "sample_sprints": 1, "sample_points": "3"}
    ]


def test_undated_sprints_are_named(loaded):
    from pmo_metrics.metrics.delivery import undated_sprints

    assert undated_sprints(loaded).to_dict("records") == [{"team": "Q", "sprint": "Q Sprint 3"}]
