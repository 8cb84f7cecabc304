"""The two real Jira Cloud exports import with counts worked out from the files (csv module)."""

from __future__ import annotations

from pmo_metrics.importing import import_paths
from pmo_metrics.readers import read_file
from pmo_metrics.readers.detect import detect_source


def _items(con, project):
    return con.execute(
        "SELECT count(*), count(*) FILTER (WHERE is_epic), count(*) FILTER (WHERE is_subtask), "
        "count(estimate), coalesce(sum(estimate), 0), "
        "count(*) FILTER (WHERE status_category = 'Done'), "
        "count(*) FILTER (WHERE status_category = 'In Progress'), "
        "count(*) FILTER (WHERE status_category = 'To Do'), count(resolved), count(started), "
        "count(parent_key) FROM work_items WHERE project = ?",
        [project],
    ).fetchall()[0]


def test_scrum_export_counts(con, real_exports):
    path = real_exports / "jira_cloud_scrum_export.csv"
    assert detect_source(path) == "jira"
    result = import_paths(con, [path])
    assert result.counts["work_items"].added == 71
    # rows, epics, sub-tasks, estimated, points, Done, In Progress, To Do, resolved,
    # started (= now In Progress, per the Jira rule), with a parent
    assert _items(con, "SCRUM") == (71, 9, 21, 36, 220.0, 43, 13, 15, 43, 13, 55)
    sprints = con.execute(
        "SELECT s, count(*) FROM (SELECT unnest(sprints) AS s FROM work_items) GROUP BY s "
        "ORDER BY s"
    ).fetchall()
    assert sprints == [
        ("SCRUM questions Sprint 0", 7),
        ("SCRUM questions Sprint 1", 9),
        ("SCRUM questions Sprint 2", 28),
        ("SCRUM questions Sprint 3", 21),
        ("SCRUM questions Sprint 4", 7),
        ("SCRUM questions Sprint 5", 8),
        ("SCRUM questions Sprint 6", 11),
    ]
    assert con.execute("SELECT count(*) FROM work_items WHERE len(sprints) > 1").fetchall() == [
        (22,)
    ]
    assert con.execute(
        "SELECT sum(estimate) FROM work_items WHERE list_contains(sprints, "
        "'SCRUM questions Sprint 2')"
    ).fetchall() == [(49.0,)]
    assert con.execute("SELECT sum(len(labels)) FROM work_items").fetchall() == [(65,)]
    first = con.execute(
        "SELECT created, source_row, team FROM work_items WHERE item_key = 'SCRUM-80'"
    ).fetchall()
    assert str(first[0][0]) == "2026-04-22 07:56:00" and first[0][1:] == (2, None)
    unestimated = [w for w in result.warnings if "unestimated" in w.expected]
    assert [w.value for w in unestimated] == ["SCRUM-66", "SCRUM-65", "SCRUM-17"]


def test_cloud_export_counts(con, real_exports):
    path = real_exports / "jira_cloud_export.csv"
    parsed = read_file(path)
    assert parsed.rows_read == 68 and not parsed.errors
    import_paths(con, [path])
    assert _items(con, "CS4483") == (68, 7, 33, 0, 0, 13, 4, 51, 13, 4, 54)
    assert con.execute(
        "SELECT count(DISTINCT s) FROM (SELECT unnest(sprints) AS s FROM work_items)"
    ).fetchall() == [(5,)]
    # five Labels columns gather into one list per item
    assert con.execute("SELECT sum(len(labels)) FROM work_items").fetchall() == [(74,)]
    assert len([w for w in parsed.warnings if "unestimated" in w.expected]) == 13


def test_both_exports_in_one_load_and_again(con, real_exports):
    paths = sorted(real_exports.glob("*.csv"))
    first = import_paths(con, paths)
    assert first.load_id == 1
    again = import_paths(con, paths)
    assert again.load_id is None and len(again.skipped_files) == 2
    assert con.execute("SELECT count(*) FROM work_items").fetchall() == [(139,)]
