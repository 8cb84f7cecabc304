"""The Delivery page's burnup on tiny hand-built velocity tables: the done line cumulates the
dated sprints in time order, the scope line is the last done plus the backlog left; and the same
from the store, as the page composes it (the velocity of the period, the forecast's backlog)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from pmo_metrics.metrics.burnup import BURNUP_COLUMNS, burnup
from pmo_metrics.metrics.registry import get
from pmo_metrics.metrics.source import Filters


def sprint(name: str, order: int, end: date | None, points: float | None) -> dict:
    return {"team": "Red", "sprint": name, "sprint_order": order, "end_date": end,
            "completed_points": points}  # fmt: skip


def lines(frame: pd.DataFrame) -> list[tuple]:
    return [(s, d.date(), done, scope) for s, d, done, scope in frame.itertuples(index=False)]


# Four sprints, listed out of order: S2 completed nothing (empty points), S3 is undated.
VELOCITY = pd.DataFrame(
    [
        sprint("S4", 4, date(2026, 2, 13), 8.0),
        sprint("S2", 2, date(2026, 1, 30), None),
        sprint("S1", 1, date(2026, 1, 16), 5.0),
        sprint("S3", 3, None, 7.0),
    ]
)


def test_done_cumulates_the_dated_sprints_and_scope_adds_the_backlog_left():
    # done: S1 5; S2 5 + 0 = 5; S4 5 + 8 = 13 (S3's 7 is in neither line: it has no date).
    # scope: 13 done by the last sprint + 20 left = 33, on every row.
    assert lines(burnup(VELOCITY, 20.0)) == [
        ("S1", date(2026, 1, 16), 5.0, 33.0),
        ("S2", date(2026, 1, 30), 5.0, 33.0),
        ("S4", date(2026, 2, 13), 13.0, 33.0),
    ]


def test_nothing_left_puts_scope_on_the_last_done():
    frame = burnup(VELOCITY, 0.0)
    assert list(frame["scope_points"]) == [13.0, 13.0, 13.0]


def test_sprints_run_in_date_order_then_sprint_order():
    # Dates from items can disagree with the sprint order (Sprint 9's last item resolved after
    # Sprint 10 ended): the line follows the dates. S11 and S12 end the same day: by order.
    velocity = pd.DataFrame(
        [
            sprint("S12", 12, date(2026, 3, 27), 1.0),
            sprint("S9", 9, date(2026, 3, 20), 2.0),
            sprint("S11", 11, date(2026, 3, 27), 4.0),
            sprint("S10", 10, date(2026, 3, 13), 3.0),
        ]
    )
    assert lines(burnup(velocity, 5.0)) == [
        ("S10", date(2026, 3, 13), 3.0, 15.0),
        ("S9", date(2026, 3, 20), 5.0, 15.0),
        ("S11", date(2026, 3, 27), 9.0, 15.0),
        ("S12", date(2026, 3, 27), 10.0, 15.0),
    ]


def test_no_dated_sprint_gives_no_rows_with_the_columns():
    for velocity in (VELOCITY[VELOCITY["sprint"] == "S3"], VELOCITY.iloc[0:0]):
        frame = burnup(velocity, 20.0)
        assert frame.empty and list(frame.columns) == list(BURNUP_COLUMNS)


def test_one_team_only():
    two = pd.concat([VELOCITY, VELOCITY.assign(team="Blue")], ignore_index=True)
    with pytest.raises(ValueError, match="one team's"):
        burnup(two, 20.0)


# --- from the store, as the Delivery page composes it ---------------------------------------------

JAN_5 = date(2026, 1, 5)  # a Monday; Sprint n runs two weeks from JAN_5 + 14 (n - 1)
FEB_2 = pd.Timestamp("2026-02-02 09:00")


def item(key: str, sprints: list[str], est: float, cat: str = "Done") -> dict:
    return {"item_key": key, "source": "jira", "project": "P", "item_type": "Story",
            "is_epic": False, "is_subtask": False, "status": cat, "status_category": cat,
            "estimate": est, "created": FEB_2, "sprints": sprints}  # fmt: skip


def test_burnup_of_the_period_from_the_store(put, source):
    # Sprints 1-4 end on 16 Jan, 30 Jan, 13 Feb and 27 Feb, completing 3, 5, 8 and 2 points;
    # 13 + 7 = 20 points are left at the end of February.
    items = [item(f"D{n}", [f"Sprint {n}"], est) for n, est in ((1, 3), (2, 5), (3, 8), (4, 2))]
    items += [item("R1", ["Sprint 4"], 13, "In Progress"), item("R2", [], 7, "To Do")]
    put("work_items", items)
    calendar = [{"team": "P", "sprint": f"Sprint {n}", "start_date": JAN_5 + timedelta(14 * n - 14),
                 "end_date": JAN_5 + timedelta(14 * n - 3)} for n in (1, 2, 3, 4)]  # fmt: skip
    put("sprints", calendar)

    def page_burnup(period: str) -> list[tuple]:
        filters = Filters.from_period(period, team="P")
        left = get("forecast").run(source, filters).iloc[0]["remaining_points"]
        return lines(burnup(get("velocity").run(source, filters), float(left)))

    # January and February: done 3, 8, 16, 18; scope 18 + 20 = 38.
    assert page_burnup("2026-01:2026-02") == [
        ("Sprint 1", date(2026, 1, 16), 3.0, 38.0),
        ("Sprint 2", date(2026, 1, 30), 8.0, 38.0),
        ("Sprint 3", date(2026, 2, 13), 16.0, 38.0),
        ("Sprint 4", date(2026, 2, 27), 18.0, 38.0),
    ]
    # February alone: the lines start with the period, done 8, 10; scope 10 + 20 = 30.
    assert page_burnup("2026-02") == [
        ("Sprint 3", date(2026, 2, 13), 8.0, 30.0),
        ("Sprint 4", date(2026, 2, 27), 10.0, 30.0),
    ]
