"""The work items reader warns about items whose dates contradict each other."""

from __future__ import annotations

from pmo_metrics.readers import read_file


def test_items_resolved_before_created_are_named_in_a_warning(write_csv):
    rows = [
        ["Issue key", "Summary", "Status", "Project key", "Created", "Resolved",
         "Status Category Changed"],
        ["A-1", "fine", "Done", "A", "2026-03-02 09:00", "2026-03-04 21:00", ""],
        ["A-2", "resolved first", "Done", "A", "2026-03-10 00:00", "2026-03-07 00:00", ""],
        # no resolution date: done when it entered Done, half a day before it was created
        ["A-3", "done first", "Done", "A", "2026-03-20 12:00", "", "2026-03-20 00:00"],
        # not Done: an old resolution date of a reopened item is no lead time
        ["A-4", "reopened", "To Do", "A", "2026-03-10 00:00", "2026-03-07 00:00", ""],
    ]  # fmt: skip
    parsed = read_file(write_csv("jira.csv", rows))
    assert len(parsed.tables["work_items"]) == 4  # loaded all the same
    warnings = [w for w in parsed.warnings if "before it was created" in w.expected]
    assert [(w.severity, w.row, w.column, w.value) for w in warnings] == [
        ("warning", 3, "Issue key", "A-2"),
        ("warning", 4, "Issue key", "A-3"),
    ]
    assert "left out of lead time and cycle time" in warnings[0].expected
