"""Which service a reader should see first (the Services page's default)."""

from __future__ import annotations

from pmo_metrics.metrics.status import most_urgent


def test_most_urgent_is_the_worst_judged_then_the_fewest_on_target():
    rows = [
        ("Analytics", "grey", None),  # planned: nothing measured yet
        ("Desk", "amber", 66.7),
        ("Maintenance", "amber", 50.0),
        ("Digital", "red", 25.0),
        ("Billing", "red", 0.0),
        ("Other", "red", float("nan")),
    ]
    assert most_urgent(rows) == "Billing"
    assert most_urgent(rows[:3]) == "Maintenance"
    assert most_urgent([rows[0], ("Ok", "green", 100.0)]) == "Ok"
    assert most_urgent([rows[0]]) is None
    assert most_urgent([("A", "red", None), ("B", "red", None)]) == "A"  # first listed
