"""Delivery metrics on tiny hand-built sprints: commitment, completion, say/do, forecast."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from pmo_metrics.metrics.common import natural_key
from pmo_metrics.metrics.delivery import calendar, ordered_sprints, sprint_days, sprints_needed
from pmo_metrics.metrics.registry import MissingData, get
from pmo_metrics.metrics.source import Filters


def item(
    key: str,
    sprints: list[str],
    *,
    est: float | None = None,
    cat: str = "Done",
    kind: str = "Story",
    project: str = "P",
    **extra,
) -> dict:
    return {
        "item_key": key,
        "source": "jira",
        "project": project,
        "item_type": kind,
        "is_epic": kind == "Epic",
        "is_subtask": kind == "Sub-task",
        "status": cat,
        "status_category": cat,
        "estimate": est,
        "created": pd.Timestamp("2026-03-01 09:00"),
        "sprints": sprints,
        **extra,
    }


# Team P (no portfolio: the Jira project is the team). Hand-worked expectations:
#   order: Sprint 2 < Sprint 9 < Sprint 10 < Sprint 11 (natural, not text order)
#   Sprint 2 : committed I2 = 2; completed I2 = 2
#   Sprint 9 : committed A5 + B3 + C8 + G(none) = 16 (sub-task E13 and epic F20 never count);
#              completed C8 (+ G, unestimated) = 8; carry-over 8; say/do 0.5
#   Sprint 10: committed A5 + B3 + D2 = 10; completed A5 + B3 = 8 (their LAST sprint, even B's
#              whose export lists Sprint 10 before Sprint 9); carry-over 2; say/do 0.8
#   Sprint 11: committed H1; nothing done; the latest sprint, so not closed (no calendar)
SPRINT_ITEMS = [
    item("A", ["Sprint 9", "Sprint 10"], est=5),
    item("B", ["Sprint 10", "Sprint 9"], est=3),
    item("C", ["Sprint 9"], est=8),
    item("D", ["Sprint 10"], est=2, cat="In Progress"),
    item("E", ["Sprint 9"], est=13, kind="Sub-task", parent_key="C"),
    item("F", ["Sprint 9"], est=20, kind="Epic"),
    item("G", ["Sprint 9"]),
    item("H", ["Sprint 11"], est=1, cat="To Do"),
    item("I", ["Sprint 2"], est=2),
    item("J", [], est=40, cat="To Do"),  # backlog, in no sprint
]


JAN_5 = date(2026, 1, 5)  # a Monday; sprints run Monday to Friday of the next week
FEB_2 = pd.Timestamp("2026-02-02 09:00")


def rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in r) for r in frame[columns].itertuples(False)]


def test_natural_sprint_order():
    names = ["Sprint 10", "Sprint 9", "Sprint 2", "PI 10 Sprint 1", "PI 2 Sprint 3"]
    assert sorted(names, key=natural_key) == [
        "PI 2 Sprint 3",
        "PI 10 Sprint 1",
        "Sprint 2",
        "Sprint 9",
        "Sprint 10",
    ]


def test_velocity_per_sprint_without_calendar(put, source):
    put("work_items", SPRINT_ITEMS)
    frame = get("velocity").run(source)
    cols = [
        "team",
        "sprint",
        "sprint_order",
        "closed",
        "committed_points",
        "completed_points",
        "say_do_ratio",
        "carry_over_points",
        "committed_items",
        "completed_items",
        "unestimated_items",
    ]
    assert rows(frame, cols) == [
        ("P", "Sprint 2", 1, True, 2.0, 2.0, 1.0, 0.0, 1, 1, 0),
        ("P", "Sprint 9", 2, True, 16.0, 8.0, 0.5, 8.0, 4, 2, 1),
        ("P", "Sprint 10", 3, True, 10.0, 8.0, 0.8, 2.0, 3, 2, 0),
        ("P", "Sprint 11", 4, False, 1.0, 0.0, 0.0, 1.0, 1, 0, 0),
    ]
    # Jira's average line: mean completed of the last 3 closed sprints = (2 + 8 + 8) / 3.
    assert get("velocity").value(source) == pytest.approx(6.0)
    # say/do over closed sprints: (2 + 8 + 8) / (2 + 16 + 10).
    assert get("say-do").value(source) == pytest.approx(18 / 28)


def test_calendar_orders_judges_closed_and_its_commitment_wins(put, source):
    put("work_items", SPRINT_ITEMS)
    put(
        "sprints",
        [
            {
                "team": "P",
                "sprint": "Sprint 2",
                "start_date": date(2026, 2, 2),
                "end_date": date(2026, 2, 13),
            },
            # Dates put Sprint 10 BEFORE Sprint 9: the calendar wins over the names.
            {
                "team": "P",
                "sprint": "Sprint 10",
                "start_date": date(2026, 3, 2),
                "end_date": date(2026, 3, 13),
                "committed_points": 12.0,
            },
            {
                "team": "P",
                "sprint": "Sprint 9",
                "start_date": date(2026, 3, 16),
                "end_date": date(2026, 3, 27),
            },
            {
                "team": "P",
                "sprint": "Sprint 11",
                "start_date": date(2026, 3, 30),
                "end_date": date(2026, 4, 10),
            },
        ],
    )
    frame = get("velocity").run(source, Filters.from_period("2026-03"))  # as of 2026-04-01
    # A and B now end in Sprint 9 (dated later): Sprint 9 completes A5 + B3 + C8 = 16;
    # Sprint 10 completes nothing and commits 12 (the calendar's figure wins over 10).
    # Sprint 2 ended in February and Sprint 11 ends in April: outside the period.
    cols = [
        "sprint",
        "sprint_order",
        "closed",
        "committed_points",
        "completed_points",
        "say_do_ratio",
        "start_date",
        "end_date",
    ]
    assert rows(frame, cols) == [
        ("Sprint 10", 2, True, 12.0, 0.0, 0.0, date(2026, 3, 2), date(2026, 3, 13)),
        ("Sprint 9", 3, True, 16.0, 16.0, 1.0, date(2026, 3, 16), date(2026, 3, 27)),
    ]
    # As of 2026-03-20, Sprint 9 (ends March 27) has not closed yet.
    order = ordered_sprints(
        frame[["team", "sprint"]],
        source.execute(calendar(source.table("sprints"))),
        as_of=pd.Timestamp("2026-03-20"),
    )
    assert rows(order, ["sprint", "sprint_order", "closed"]) == [
        ("Sprint 2", 1, True),
        ("Sprint 10", 2, True),
        ("Sprint 9", 3, False),
        ("Sprint 11", 4, False),
    ]


def test_a_sprints_completion_does_not_depend_on_the_period_viewed(put, source):
    """K was in Sprint 1 (February) and carried over into Sprint 2 (March), where it was done:
    February's Sprint 1 completes nothing, whether the view is February, March or both."""
    put(
        "work_items",
        [item("K", ["Sprint 1", "Sprint 2"], est=5), item("L", ["Sprint 1"], est=3)],
    )
    put(
        "sprints",
        [
            {"team": "P", "sprint": "Sprint 1", "start_date": date(2026, 2, 2),
             "end_date": date(2026, 2, 13)},
            {"team": "P", "sprint": "Sprint 2", "start_date": date(2026, 3, 2),
             "end_date": date(2026, 3, 13)},
        ],
    )  # fmt: skip
    cols = ["sprint", "committed_points", "completed_points", "carry_over_points"]
    sprint_1 = ("Sprint 1", 8.0, 3.0, 5.0)
    sprint_2 = ("Sprint 2", 5.0, 5.0, 0.0)
    velocity = get("velocity")
    assert rows(velocity.run(source, Filters.from_period("2026-02")), cols) == [sprint_1]
    assert rows(velocity.run(source, Filters.from_period("2026-03")), cols) == [sprint_2]
    both = velocity.run(source, Filters.from_period("2026-02:2026-03"))
    assert rows(both, cols) == [sprint_1, sprint_2]


def test_partial_calendar_falls_back_to_natural_order(put, source):
    put("work_items", SPRINT_ITEMS)
    put(
        "sprints",
        [
            {
                "team": "P",
                "sprint": "Sprint 10",
                "start_date": date(2026, 3, 2),
                "end_date": date(2026, 3, 13),
                "committed_points": 12.0,
            }
        ],
    )
    frame = get("velocity").run(source)
    # Sprint 10 is dated, the others are not: natural order; Sprint 10 closed by its end date,
    # the undated ones unless they are the latest (Sprint 11).
    assert rows(frame, ["sprint", "sprint_order", "closed", "committed_points"]) == [
        ("Sprint 2", 1, True, 2.0),
        ("Sprint 9", 2, True, 16.0),
        ("Sprint 10", 3, True, 12.0),
        ("Sprint 11", 4, False, 1.0),
    ]


def test_say_do_empty_when_nothing_committed(put, source):
    put("work_items", [item("X", ["S1"], cat="To Do"), item("Y", ["S2"], est=3)])
    frame = get("velocity").run(source)
    assert rows(frame, ["sprint", "committed_points", "say_do_ratio"]) == [
        ("S1", 0.0, None),
        ("S2", 3.0, 1.0),
    ]


def test_velocity_stats_and_item_count(put, source):
    # Six closed sprints S1..S6 completing 2, 4, 6, 8, 10, 12 points, and the open S7.
    items = [item(f"K{n}", [f"S{n}"], est=2.0 * n) for n in range(1, 7)]
    items += [item("K7b", ["S6"]), item("K8", ["S7"], est=1, cat="To Do")]
    put("work_items", items)
    frame = get("velocity-stats").run(source)
    assert frame.to_dict("records") == [
        {
            "team": "P",
            "sprints": 3,
            "velocity_mean": 10.0,  # (8 + 10 + 12) / 3
            "velocity_median": 10.0,
            "velocity_items_mean": 4 / 3,  # (1 + 1 + 2) / 3: K7b has no estimate
            # sample std of 2..12 step 2 = sqrt(14) = 3.7417; mean 7
            "stability_cv": pytest.approx(np.sqrt(14) / 7),
            "closed_sprints": 6,
        }
    ]
    unestimated = get("unestimated").run(source)
    assert rows(unestimated, ["sprint", "done_items", "unestimated_items"])[-2:] == [
        ("S6", 2, 1),
        ("S7", 0, 0),
    ]


def test_filters_and_empty_selection(put, source):
    put("work_items", SPRINT_ITEMS + [item("Q1", ["Q Sprint 1"], est=3, project="Q")])
    only_q = get("velocity").run(source, Filters(team="Q"))
    assert rows(only_q, ["team", "sprint", "committed_points"]) == [("Q", "Q Sprint 1", 3.0)]
    none = get("velocity").run(source, Filters(team="nobody"))
    assert none.empty and list(none.columns) == list(get("velocity").columns)
    assert get("velocity").value(source, Filters(team="nobody")) is None


def test_missing_sprints_says_what_it_needs(put, source):
    with pytest.raises(MissingData, match="velocity needs work items with sprints"):
        get("velocity").run(source)
    put("work_items", [item("Z", [], est=1)])
    with pytest.raises(MissingData, match="Sprint"):
        get("forecast").run(source)


def test_portfolio_team_wins(put, source):
    put("applications", [{"application": "Billing", "jira_project": "P", "team": "Blue"}])
    put("work_items", SPRINT_ITEMS)
    frame = get("velocity").run(source, Filters(application="Billing"))
    assert set(frame["team"]) == {"Blue"} and len(frame) == 4


def test_sprints_needed_is_exact_where_the_draws_cannot_matter():
    samples = np.array([8.0, 8.0, 8.0])
    assert set(sprints_needed(20, samples, seed=1)) == {3.0}  # 8 + 8 + 8 >= 20
    assert set(sprints_needed(0, samples, seed=1)) == {0.0}
    assert np.isnan(sprints_needed(5, np.array([0.0, 0.0]), seed=1)).all()
    # [5, 10] for 10 points: 1 sprint when 10 comes first (half the trials), else 2.
    needed = sprints_needed(10, np.array([5.0, 10.0]), seed=7)
    assert set(needed) == {1.0, 2.0}
    assert np.percentile(needed, 85) == 2.0 and abs((needed == 1).mean() - 0.5) < 0.02
    # Seeded: the same inputs give the same trials.
    assert (
        sprints_needed(37, np.array([3.0, 9.0, 14.0]), seed=3)
        == sprints_needed(37, np.array([3.0, 9.0, 14.0]), seed=3)
    ).all()


def test_forecast_dates_from_the_calendar(put, source):
    # Three closed sprints completing 8 each; 20 points remain -> 3 sprints on every trial.
    items = [item(f"D{n}", [f"Sprint {n}"], est=8) for n in (1, 2, 3)]
    items += [  # the backlog, created before the end of February (the period viewed)
        item("R1", ["Sprint 4"], est=13, cat="In Progress", created=FEB_2),
        item("R2", [], est=7, cat="To Do", created=FEB_2),
        item("R3", [], cat="To Do", created=FEB_2),
        item("R4", [], est=50, kind="Epic", cat="To Do", created=FEB_2),
    ]
    put("work_items", items)
    put(
        "sprints",
        [
            {
                "team": "P",
                "sprint": f"Sprint {n}",
                "start_date": JAN_5 + timedelta(14 * (n - 1)),
                "end_date": JAN_5 + timedelta(11 + 14 * (n - 1)),
            }
            for n in (1, 2, 3, 4)
        ],
    )
    frame = get("forecast").run(source, Filters.from_period("2026-02"))  # as of 2026-03-01
    # Sprint 4 (Feb 16 - Feb 27) is closed too as of March 1, completing 0: the four closed
    # sprints are sampled, 8, 8, 8, 0 (fewer than the 6 asked, which the note says).
    record = frame.iloc[0].to_dict()
    assert record["remaining_points"] == 20.0 and record["remaining_items"] == 3
    assert record["unestimated_remaining"] == 1 and record["sample_points"] == "8, 8, 8, 0"
    assert record["sample_sprints"] == 4 and record["sample_window"] == 6
    assert record["note"] == "only 4 closed sprints by 28 Feb 2026 to sample (6 asked)"
    assert record["sprint_days"] == 14.0 and record["from_date"] == date(2026, 2, 27)


def test_forecast_equal_samples(put, source):
    items = [item(f"D{n}", [f"Sprint {n}"], est=8) for n in (1, 2, 3)]
    items += [
        item("R1", ["Sprint 4"], est=13, cat="In Progress", created=FEB_2),
        item("R2", [], est=7, cat="To Do", created=FEB_2),
    ]
    put("work_items", items)
    put(
        "sprints",
        [
            {
                "team": "P",
                "sprint": f"Sprint {n}",
                "start_date": JAN_5 + timedelta(14 * (n - 1)),
                "end_date": JAN_5 + timedelta(11 + 14 * (n - 1)),
            }
            for n in (1, 2, 3)
        ],
    )
    frame = get("forecast").run(source, Filters.from_period("2026-02"))
    record = frame.iloc[0].to_dict()
    # Samples 8, 8, 8 (Sprint 4 undated: the latest, open); 20 points -> 3 sprints always;
    # from the end of Sprint 3 (2026-02-13) + 3 x 14 days = 2026-03-27.
    assert (record["p50_sprints"], record["p85_sprints"], record["p95_sprints"]) == (3, 3, 3)
    assert record["p85_date"] == date(2026, 3, 27) and record["p50_date"] == date(2026, 3, 27)
    assert get("forecast").value(source, Filters.from_period("2026-02")) == 3.0


def test_sprint_length_without_calendar_is_14_days():
    frame = pd.DataFrame({"start_date": [pd.NaT], "end_date": [pd.NaT]})
    assert sprint_days(frame) == 14.0


# --- the forecast of a past month (issue 11, defect 7) -------------------------------------------

MARCH = Filters.from_period("2026-03")  # as of 2026-04-01


def eight_sprints() -> list[dict]:
    """Sprint n runs two weeks from JAN_5 + 14 (n - 1): Sprint 6 ends March 27, Sprint 7 on
    April 10, Sprint 8 on April 24."""
    return [
        {
            "team": "P",
            "sprint": f"Sprint {n}",
            "start_date": JAN_5 + timedelta(14 * (n - 1)),
            "end_date": JAN_5 + timedelta(11 + 14 * (n - 1)),
        }
        for n in range(1, 9)
    ]


def done_in(n: int, resolved: date, est: float) -> dict:
    return item(
        f"D{n}", [f"Sprint {n}"], est=est, created=pd.Timestamp("2026-01-02"),
        resolved=pd.Timestamp(resolved),
    )  # fmt: skip


# Sprints 1-6 each complete n points on their last day; D7 (Sprint 7) was done on April 9.
# The backlog at the end of March (created before April 1, not done by then):
#   D7 7 (done in April), B1 5, B2 3 (done on April 20), B5 (unestimated) -> 15 points, 4 items;
#   not B3 (created April 15), not B4 (done March 20), not the epic B6.
# Today's backlog would be B1 5 + B3 8 + B5 -> 13 points, 3 items.
PAST_BACKLOG = [
    *(done_in(n, JAN_5 + timedelta(11 + 14 * (n - 1)), est=n) for n in range(1, 7)),
    done_in(7, date(2026, 4, 9), est=7),
    item("B1", [], est=5, cat="To Do", created=pd.Timestamp("2026-02-01")),
    item("B2", [], est=3, created=pd.Timestamp("2026-02-01"), resolved=pd.Timestamp("2026-04-20")),
    item("B3", [], est=8, cat="To Do", created=pd.Timestamp("2026-04-15")),
    item("B4", [], est=2, created=pd.Timestamp("2026-02-01"), resolved=pd.Timestamp("2026-03-20")),
    item("B5", [], cat="To Do", created=pd.Timestamp("2026-03-10")),
    item("B6", [], est=50, kind="Epic", cat="To Do", created=pd.Timestamp("2026-01-01")),
]  # fmt: skip


def test_forecast_of_a_past_month_uses_its_backlog_and_six_closed_sprints(put, source):
    put("work_items", PAST_BACKLOG)  # one load, of April (its newest date): no March snapshot
    put("sprints", eight_sprints())
    frame = get("forecast").run(source, MARCH)
    record = frame.iloc[0].to_dict()
    assert (record["remaining_points"], record["remaining_items"]) == (15.0, 4)
    assert record["unestimated_remaining"] == 1
    assert (record["backlog_as_of"], record["backlog_from"]) == (date(2026, 3, 31), "items")
    # Sprints 1-6 ended by March 31 (Sprint 7 ends April 10): the last six closed.
    assert record["sample_points"] == "1, 2, 3, 4, 5, 6"
    assert (record["sample_sprints"], record["sample_window"], record["note"]) == (6, 6, None)
    assert record["from_date"] == date(2026, 3, 27)
    # 15 points at 1-6 per sprint: at least 3 sprints (6 + 6 + 6), at most 15 (1 each).
    p50, p85, p95 = (record[f"p{q}_sprints"] for q in (50, 85, 95))
    assert 3 <= p50 <= p85 <= p95 <= 15 and p50 < p95
    assert get("forecast").run(source, MARCH).equals(frame)  # seeded: a rerun gives the same


def test_forecast_sample_window_is_a_parameter(put, source):
    from pmo_metrics.metrics.delivery import forecast_table

    put("work_items", PAST_BACKLOG)
    put("sprints", eight_sprints())
    three = forecast_table(source, MARCH, sample_window=3).iloc[0]
    assert (three["sample_points"], three["sample_window"], three["note"]) == ("4, 5, 6", 3, None)
    eight = forecast_table(source, MARCH, sample_window=8).iloc[0]
    assert (eight["sample_points"], eight["sample_sprints"]) == ("1, 2, 3, 4, 5, 6", 6)
    assert eight["note"] == "only 6 closed sprints by 31 Mar 2026 to sample (8 asked)"
    assert get("forecast").run(source, MARCH).iloc[0]["sample_window"] == 6  # the default


def test_forecast_backlog_from_the_month_end_snapshot(put, source):
    """Where the month has a month-end snapshot, the backlog is what it recorded: B1 was
    estimated 5 in the March file, 13 in April's (today's estimate)."""
    march = [i for i in PAST_BACKLOG if i["item_key"] != "B3"]
    march = [
        dict(i, status="To Do", status_category="To Do", resolved=None)
        if i["item_key"] in ("D7", "B2") else i
        for i in march
    ]  # fmt: skip
    put("work_items", march, period="2026-03")
    april = [dict(i, estimate=13.0) if i["item_key"] == "B1" else i for i in PAST_BACKLOG]
    put("work_items", april, period="2026-04")
    put("sprints", eight_sprints())
    record = get("forecast").run(source, MARCH).iloc[0]
    # March's snapshot: D7 7, B1 5, B2 3, B5 unestimated -> 15 points, 4 items (the items'
    # dates with today's estimates would say 7 + 13 + 3 = 23).
    assert (record["remaining_points"], record["remaining_items"]) == (15.0, 4)
    assert record["backlog_from"] == "snapshot"
    # April's snapshot: D7 and B2 done; B1 13, B3 8 and B5 (unestimated) open -> 21 points.
    april_end = get("forecast").run(source, Filters.from_period("2026-04")).iloc[0]
    assert (april_end["remaining_points"], april_end["remaining_items"]) == (21.0, 3)
