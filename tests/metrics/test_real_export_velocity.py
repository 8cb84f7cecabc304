"""The velocity of every sprint of the real Jira Cloud scrum export, worked out by hand.

The file (71 issues, project SCRUM, no sprint calendar) was listed with the csv module: issue
key, type, Status Category, `Custom field (Story point estimate)`, every `Sprint` column. Epics
(SCRUM-14, 21..28) are in no sprint; the 28 sub-tasks carry no estimate. Sprint names are
"SCRUM questions Sprint N", N = 0..6. Without a calendar every sprint but the latest (Sprint 6)
is closed. Per sprint, items that were in it (estimate, * = Done and this is its last sprint):

Sprint 0: 8 (5, last is Sprint 3), 7 (5*)                          -> committed 10, completed 5
Sprint 1: 17 (-, last Sprint 2), 16 (5, last Sprint 2)             -> committed 5, completed 0
Sprint 2: 65 (-*), 42 (5*), 41 (5*), 39 (3*), 36 (3*), 32 (5*), 31 (8*), 30 (5*), 29 (3*),
          17 (-*), 16 (5*), 15 (7*)
          -> committed 5+5+3+3+5+8+5+3+5+7 = 49, completed 49 (12 items, 2 unestimated)
Sprint 3: 80 (-), 79 (-), 66 (-*), 48 (3*), 47 (8), 46 (8*), 45 (5*), 44 (8), 43 (13), 40 (8),
          38 (8), 37 (5*), 35 (3*), 34 (8*), 33 (8*), 8 (5*)
          -> committed 3+8+8+5+8+13+8+8+5+3+8+8+5 = 90, completed 3+8+5+5+3+8+8+5 = 45
             (9 items, 1 unestimated)
Sprint 4: 80 (-), 79 (-), 47 (8), 44 (8), 43 (13), 40 (8), 38 (8)  -> committed 45, completed 0
Sprint 5: 80 (-), 79 (-), 72 (5), 71 (5), 70 (8), 69 (8), 68 (5), 67 (8)
          -> committed 39, completed 0 (all In Progress)
Sprint 6: 78 (3), 77 (5), 76 (5), 75 (8), 74 (8), 73 (8), 47 (8), 44 (8), 43 (13), 40 (8),
          38 (8) -> committed 3+5+5+8+8+8+8+8+13+8+8 = 82, completed 0 (the open sprint)
"""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_metrics.importing import import_paths
from pmo_metrics.metrics.registry import get
from pmo_metrics.metrics.source import Source

S = "SCRUM questions Sprint "
EXPECTED = [
    # sprint, closed, committed, completed, say/do, carry-over, items in, done, unestimated
    (S + "0", True, 10.0, 5.0, 0.5, 5.0, 2, 1, 0),
    (S + "1", True, 5.0, 0.0, 0.0, 5.0, 2, 0, 0),
    (S + "2", True, 49.0, 49.0, 1.0, 0.0, 12, 12, 2),
    (S + "3", True, 90.0, 45.0, 0.5, 45.0, 16, 9, 1),
    (S + "4", True, 45.0, 0.0, 0.0, 45.0, 7, 0, 0),
    (S + "5", True, 39.0, 0.0, 0.0, 39.0, 8, 0, 0),
    (S + "6", False, 82.0, 0.0, 0.0, 82.0, 11, 0, 0),
]


@pytest.fixture
def scrum(con, source, real_exports) -> Source:
    """The conftest ``source`` (the engine of $PMO_ENGINE) over the imported export."""
    import_paths(con, [real_exports / "jira_cloud_scrum_export.csv"])
    return source


def test_velocity_of_every_sprint(scrum):
    frame = get("velocity").run(scrum)
    assert set(frame["team"]) == {"SCRUM"}
    cols = [
        "sprint",
        "closed",
        "committed_points",
        "completed_points",
        "say_do_ratio",
        "carry_over_points",
        "committed_items",
        "completed_items",
        "unestimated_items",
    ]
    assert [tuple(r) for r in frame[cols].itertuples(index=False)] == EXPECTED


def test_headlines(scrum):
    # Last 3 closed sprints: Sprints 3, 4, 5 -> (45 + 0 + 0) / 3.
    assert get("velocity").value(scrum) == 15.0
    # Closed sprints 0..5: completed 5+0+49+45+0+0 = 99 over committed 10+5+49+90+45+39 = 238.
    assert get("say-do").value(scrum) == pytest.approx(99 / 238)


def test_remaining_backlog(scrum):
    # Not Done, no epics / sub-tasks: 78..73 (3+5+5+8+8+8 = 37), 72..67 (5+5+8+8+5+8 = 39),
    # 47, 44, 43, 40, 38 (8+8+13+8+8 = 45), 80 and 79 unestimated -> 121 points, 19 items.
    frame = get("forecast").run(scrum)
    record = frame.iloc[0]
    assert (record["remaining_points"], record["remaining_items"]) == (121.0, 19)
    # Samples: the last 6 closed sprints, 0..5 (Sprint 6 is open).
    assert record["unestimated_remaining"] == 2 and record["sample_points"] == "5, 0, 49, 45, 0, 0"
    assert pd.notna(record["p85_date"])
