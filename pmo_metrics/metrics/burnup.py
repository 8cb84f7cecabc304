"""The burnup drawn under the forecast: one team's done points over time against its scope.

Built from what the Delivery page already has, the team's velocity table for the period
(:func:`~pmo_metrics.metrics.delivery.velocity_table`) and the forecast's remaining backlog
(:func:`~pmo_metrics.metrics.delivery.forecast_table`), so the lines and the forecast fan start
from the same numbers.
"""

from __future__ import annotations

import pandas as pd

BURNUP_COLUMNS = ("sprint", "date", "done_points", "scope_points")


def burnup(velocity: pd.DataFrame, remaining_points: float) -> pd.DataFrame:
    """One team's burnup: a row per dated sprint, at its end date, with the points completed up
    to and including it (done_points, cumulative from the first sprint of ``velocity``) and the
    scope (scope_points): what is done by the last sprint plus ``remaining_points``, the
    backlog left, the same on every row (the backlog is known as of one day only).

    ``velocity``: the team's velocity table (columns sprint, sprint_order, end_date,
    completed_points; a sprint completed nothing when its points are empty). Undated sprints
    (no end date) are left out of both lines: nothing places them in time, and the gap between
    the lines stays the backlog left. Sprints run in end-date order (sprint order between equal
    dates): a line over time must not step back, and sprint order can disagree with dates taken
    from items. No dated sprint: no rows.

    Columns: ``BURNUP_COLUMNS`` (date as a timestamp, the points as floats).
    """
    if velocity["team"].nunique() > 1:
        # Sprint orders and points of different teams do not add up to one line.
        raise ValueError(f"a burnup is one team's, not {sorted(velocity['team'].unique())}")
    dated = velocity.dropna(subset=["end_date"]).assign(
        date=lambda f: pd.to_datetime(f["end_date"])
    )
    dated = dated.sort_values(["date", "sprint_order"], kind="stable")
    done = dated["completed_points"].astype(float).fillna(0.0).cumsum()
    scope = float(done.iloc[-1]) + float(remaining_points) if len(done) else 0.0
    frame = pd.DataFrame(
        {
            "sprint": dated["sprint"].astype(object),
            "date": dated["date"],
            "done_points": done,
            "scope_points": scope,
        },
        columns=list(BURNUP_COLUMNS),
    )
    return frame.reset_index(drop=True)
