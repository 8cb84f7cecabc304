"""Building blocks shared between metrics (``sharing``, ``Source.remember``, the dashboard's
per-version memo): every shared result equals the one computed alone, exactly, and the shared
blocks really run once.

A small store where a team works for two applications (Blue: B and C, one of its sprint lists
split between them), an application belongs to two services (B), a ticket names an unknown
configuration item, and the PMO's own project has iterations.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pmo_metrics.metrics import delivery
from pmo_metrics.metrics.common import scoped_work_items
from pmo_metrics.metrics.plan import values_by
from pmo_metrics.metrics.portfolio import strictest_target
from pmo_metrics.metrics.registry import MissingData, get
from pmo_metrics.metrics.service_levels import _sla_frame, sla_block, sla_by, sla_summed
from pmo_metrics.metrics.source import Filters, Memo, Source, shared_memo, sharing

MARCH = Filters.from_period("2026-03")
FEBRUARY = Filters.from_period("2026-02")
YEAR = Filters.from_period("2025-04:2026-03")

APPS = [
    {"application": "A", "services": ["S1"], "team": "Red", "jira_project": "PA",
     "itsm_ci": "CI-A"},
    {"application": "B", "services": ["S1", "S2"], "team": "Blue", "jira_project": "PB",
     "itsm_ci": "CI-B"},
    {"application": "C", "services": ["S2"], "team": "Blue", "jira_project": "PC",
     "itsm_ci": "CI-C"},
    {"application": "PMO office", "jira_project": "PMO", "team": "PMO team", "is_pmo": True},
]  # fmt: skip
SERVICES = [
    {"service": "S1", "state": "launched", "launch_date": date(2026, 1, 15)},
    {"service": "S2", "state": "launched", "launch_date": date(2026, 3, 5)},
]


def ind(service, indicator, metric, target, direction, amber) -> dict:
    return {"service": service, "indicator": indicator, "metric": metric, "target": target,
            "direction": direction, "amber_threshold": amber}  # fmt: skip


INDICATORS = [
    ind("S1", "SLA", "sla-compliance", 90, "higher", 80),
    ind("S1", "MTTR", "mttr", 24, "lower", 36),
    ind("S2", "Lead time", "lead-time", 10, "lower", 20),
    ind("S2", "Say/do", "say-do", 0.8, "higher", 0.6),
]


def item(key, project, cat, created, resolved=None, *, sprints=(), est=None) -> dict:
    return {"item_key": key, "source": "jira", "project": project, "item_type": "Story",
            "is_epic": False, "is_subtask": False, "status": cat, "status_category": cat,
            "created": pd.Timestamp(created),
            "resolved": None if resolved is None else pd.Timestamp(resolved),
            "sprints": list(sprints), "estimate": est}  # fmt: skip


ITEMS = [
    item("PA-1", "PA", "Done", "2026-02-10", "2026-03-10", sprints=["R 1", "R 2"], est=3),
    item("PA-2", "PA", "Done", "2026-02-12", "2026-02-26", sprints=["R 1"], est=2.5),
    item("PA-3", "PA", "In Progress", "2026-03-01", sprints=["R 2"], est=5),
    item("PB-1", "PB", "Done", "2026-02-01", "2026-02-25", sprints=["B 1"], est=8),
    item("PB-2", "PB", "Done", "2026-02-10", "2026-03-12", sprints=["B 1", "B 2"], est=1),
    item("PB-3", "PB", "Done", "2026-03-02", "2026-03-13", sprints=["B 2"], est=1),
    item("PC-1", "PC", "Done", "2026-03-01", "2026-03-11", sprints=["B 2"], est=5),  # same list
    item("PC-2", "PC", "To Do", "2026-03-02", sprints=["B 2"], est=2),
    item("PMO-1", "PMO", "Done", "2026-01-05", "2026-01-20", sprints=["Iteration 1"]),
    item("PMO-2", "PMO", "Done", "2026-01-05", "2026-02-10",
         sprints=["Iteration 1", "Iteration 2"]),
    item("PMO-3", "PMO", "To Do", "2026-01-05", sprints=["Iteration 10"]),
]  # fmt: skip
SPRINTS = [
    {"team": "Red", "sprint": "R 1", "start_date": date(2026, 2, 16),
     "end_date": date(2026, 2, 27)},
    {"team": "Red", "sprint": "R 2", "start_date": date(2026, 3, 2),
     "end_date": date(2026, 3, 13)},
    {"team": "Blue", "sprint": "B 1", "start_date": date(2026, 2, 16),
     "end_date": date(2026, 2, 27)},
    {"team": "Blue", "sprint": "B 2", "start_date": date(2026, 3, 2),
     "end_date": date(2026, 3, 13)},
]  # fmt: skip


def ticket(tid, service, ci, opened, hours, *, made_sla=None, priority=3) -> dict:
    start = pd.Timestamp(opened)
    return {"ticket_id": tid, "source": "servicenow", "service": service,
            "configuration_item": ci, "priority": priority, "is_open": False, "opened": start,
            "resolved": start + pd.Timedelta(hours=hours), "made_sla": made_sla}  # fmt: skip


TICKETS = [
    ticket("T1", "S1", "CI-A", "2026-03-02 09:00", 5, made_sla=True),
    ticket("T2", "S1", "CI-A", "2026-03-03 09:00", 30),  # 24 h target: missed
    ticket("T3", "S1", "CI-B", "2026-03-04 09:00", 10),  # met
    ticket("T4", "S2", "CI-B", "2026-03-05 09:00", 4),  # 8 h target: met
    ticket("T5", "S2", "CI-C", "2026-03-06 09:00", 12),  # missed
    ticket("T6", "S2", "CI-C", "2026-02-10 09:00", 2, made_sla=False),
    ticket("T7", "S1", "CI-Z", "2026-03-07 09:00", 1, made_sla=True),  # unknown CI
    ticket("T8", "S2", "CI-C", "2026-03-08 09:00", 3, priority=5),  # no target: unjudged
]
TARGETS = [
    {"service": "S1", "priority": 3, "target_hours": 24.0},
    {"service": "S2", "priority": 3, "target_hours": 8.0},
]

# What the overview computes for March (pmo_metrics.evaluation.overview_requests), and more.
REQUESTS = [
    ("sla-compliance", YEAR), ("mttr", YEAR), ("velocity", MARCH), ("velocity", FEBRUARY),
    ("say-do", MARCH), ("say-do", FEBRUARY), ("service-status", MARCH),
    ("portfolio-health", MARCH), ("throughput", YEAR), ("services-launched-by-month", YEAR),
    ("rollout-deliverables", Filters()), ("scorecard", MARCH), ("lead-time", MARCH),
    ("velocity", Filters(application="B")), ("velocity", Filters.from_period("2026-03",
                                                                           team="Blue")),
]  # fmt: skip


@pytest.fixture
def loaded(put, source) -> Source:
    put("applications", APPS)
    put("services", SERVICES)
    put("indicators", INDICATORS)
    put("work_items", ITEMS)
    put("sprints", SPRINTS)
    put("tickets", TICKETS)
    put("resolution_targets", TARGETS)
    return source


def counting(monkeypatch, source: Source) -> list:
    """Record every query ``source`` runs from now on."""
    ran: list = []
    execute = source.execute

    def recorded(expr):
        ran.append(expr)
        return execute(expr)

    monkeypatch.setattr(source, "execute", recorded)
    return ran


# --- the memo itself -----------------------------------------------------------------------------


def test_memo_computes_once_hands_out_copies_and_forgets_failures():
    memo, calls = Memo(max_entries=2), []

    def frame():
        calls.append(1)
        return pd.DataFrame({"x": [1, 2]})

    first = memo.get("a", frame)
    first.loc[0, "x"] = 99  # a caller changing its copy
    assert memo.get("a", frame)["x"].tolist() == [1, 2] and len(calls) == 1

    def fails():
        raise MissingData("not loaded")

    with pytest.raises(MissingData):
        memo.get("b", fails)
    assert "b" not in memo
    memo.get("b", lambda: 2)
    memo.get("c", lambda: 3)  # bounded: the least recently used ("a") goes
    assert "a" not in memo and memo.get("c", lambda: 0) == 3 and len(memo) == 2


def test_remember_is_afresh_outside_sharing(loaded):
    calls = []

    def block():
        calls.append(1)
        return len(calls)

    assert shared_memo() is None
    assert [loaded.remember("k", block), loaded.remember("k", block)] == [1, 2]
    with sharing() as memo:
        assert shared_memo() is memo
        assert [loaded.remember("k", block), loaded.remember("k", block)] == [3, 3]
    assert shared_memo() is None and loaded.remember("k", block) == 4


# --- shared results equal unshared ones ----------------------------------------------------------


def test_every_metric_computed_together_equals_computed_alone(loaded):
    alone = {(name, f): get(name).run(loaded, f) for name, f in REQUESTS}
    with sharing():
        together = {(name, f): get(name).run(loaded, f) for name, f in REQUESTS}
        again = {(name, f): get(name).run(loaded, f) for name, f in REQUESTS}
    for key, frame in alone.items():
        assert not frame.empty or key[0] == "services-launched-by-month", key
        pd.testing.assert_frame_equal(together[key], frame, check_exact=True, obj=str(key))
        pd.testing.assert_frame_equal(again[key], frame, check_exact=True, obj=str(key))


def test_shared_velocity_values(loaded):
    with sharing():
        march = get("velocity").run(loaded, MARCH)
        say_do = get("say-do").value(loaded, MARCH)
    got = march[["team", "sprint", "committed_points", "completed_points", "say_do_ratio"]]
    assert [tuple(r) for r in got.itertuples(index=False) if r.team != "PMO team"] == [
        ("Blue", "B 2", 9.0, 7.0, 7 / 9),  # PB-2 carried over, PB-3 and PC-1 in one list
        ("Red", "R 2", 8.0, 3.0, 3 / 8),  # PA-1 carried over from R 1
    ]
    assert say_do == 10 / 17  # the PMO's undated iterations carry no points


def test_velocity_and_say_do_of_two_months_run_one_sprint_query(loaded, monkeypatch):
    ran = counting(monkeypatch, loaded)
    with sharing():
        get("velocity").run(loaded, MARCH)
        first = len(ran)
        for name, f in [("say-do", MARCH), ("velocity", FEBRUARY), ("say-do", FEBRUARY)]:
            get(name).run(loaded, f)
        assert len(ran) == first  # the lists, the calendar and the plan came from the memo
        values_by(get("say-do"), loaded, MARCH, "application", ["A", "B", "C"])
        assert len(ran) == first  # the per-application lists too
        get("rollout-deliverables").run(loaded)
        assert len(ran) == first + 1  # only which applications are the PMO's
    assert first == 3  # the lists per application, Blue's lists as such, the calendar


# --- the blocks behind the sharing ---------------------------------------------------------------


def sorted_lists(frame: pd.DataFrame) -> list[tuple]:
    return sorted(
        (r.team, tuple(r.sprints), bool(r.is_done), r.items, r.points, r.unestimated_items)
        for r in frame.itertuples()
    )


@pytest.mark.parametrize(
    "scope",
    [Filters(), Filters(team="Red"), Filters(team="Blue"), Filters(service="S2"),
     Filters(application="B"), Filters(application="PMO office"), Filters(application="none")],
)  # fmt: skip
def test_selection_lists_equal_the_query_of_the_selection(loaded, scope):
    direct = loaded.execute(delivery.sprint_lists(scoped_work_items(loaded, scope)))
    with sharing() as memo:
        lists = delivery.selection_lists(loaded, scope)
    assert sorted_lists(lists) == sorted_lists(direct)
    assert list(lists.columns) == list(direct.columns)
    # Blue's list ["B 2"] (Done) is split between B and C: only then is it queried as such
    split = scope in (Filters(), Filters(team="Blue"), Filters(service="S2"))
    assert (("sprint_lists", scope, "together") in memo) == split


def test_sla_block_sums_equal_the_direct_queries(loaded):
    with sharing():
        block = sla_block(loaded, MARCH)
        per_app = sla_by(loaded, MARCH, "application")
    by_service = sla_summed(block, ["service", "month"])
    direct = _sla_frame(loaded, MARCH, ["service", "month"])
    columns = ["service", "month", "resolved", "unjudged", "tickets", "met_sla"]
    assert by_service[columns].to_dict("records") == direct[columns].to_dict("records")
    assert by_service["compliance_pct"].tolist() == [75.0, 50.0]  # S1 3 / 4, S2 1 / 2
    assert per_app == {"A": 50.0, "B": 100.0, "C": 0.0, "CI-Z": 100.0}


def test_data_applications_are_those_of_the_rows(loaded):
    rows = set()
    for table in (loaded.work_items(), loaded.tickets()):
        rows |= set(loaded.execute(table.select("application"))["application"].dropna())
    assert loaded.data_applications() == sorted(rows)
    assert loaded.data_applications() == ["A", "B", "C", "CI-Z", "PMO office"]


def test_strictest_target_of_plain_rows():
    rows = [
        {"service": "S2", "target": 98.0, "direction": "higher", "amber_threshold": 95.0},
        {"service": "S1", "target": 95.0, "direction": " Higher", "amber_threshold": 90.0},
        {"service": "S3", "target": 99.0, "direction": "lower", "amber_threshold": None},
        {"service": "S0", "target": 98.0, "direction": "higher", "amber_threshold": 97.0},
    ]
    assert strictest_target(rows) == rows[3]  # S0 first by name; of the two 98s, S0's
    assert strictest_target(r for r in rows if r["service"] != "S0") == rows[0]
    low = [dict(r, direction="lower") for r in rows]
    assert strictest_target(low) == low[1]  # the lowest target
    assert strictest_target([]) is None


# --- empty store ---------------------------------------------------------------------------------


def test_missing_data_is_raised_alike_and_never_remembered(source):
    with sharing() as memo:
        for name in ("velocity", "sla-compliance", "service-status"):
            with pytest.raises(MissingData):
                get(name).run(source, MARCH)
        assert not any(key[0] in ("velocity_table", "sprint_plan") for key in list(memo._values))
    assert get("portfolio-health").run(source, MARCH).empty


# --- the dashboard's path: pmo_metrics.evaluation ----------------------------------------------


def test_overview_requests_are_what_the_page_draws():
    from pmo_metrics.evaluation import Scope, overview_requests

    scope = Scope(period="2026-03")
    year, feb, none = scope.with_period("2025-04:2026-03"), scope.with_period("2026-02"), None
    assert overview_requests(scope) == [
        ("sla-compliance", year), ("mttr", year), ("budget-variance", year), ("cpi", year),
        ("velocity", scope), ("velocity", feb), ("say-do", scope), ("say-do", feb),
        ("on-time-rate", year), ("overdue-actions", scope), ("overdue-actions", feb),
        ("open-high-risks", scope), ("open-high-risks", feb),
        ("overdue-communications", scope), ("overdue-communications", feb),
        ("service-status", scope), ("portfolio-health", scope), ("throughput", year),
        ("services-launched-by-month", year), ("risks", scope),
        ("rollout-deliverables", scope.with_period(none)),
    ]  # fmt: skip


def test_compute_metric_shares_per_version_and_equals_the_metric(loaded, con):
    from pmo_metrics.evaluation import Scope, compute_metric, overview_requests, version_memo

    requests = overview_requests(Scope(period="2026-03"))
    for name, scope in requests:
        result = compute_metric(con, "v1", name, scope)
        try:
            alone = get(name).run(loaded, scope.filters())
        except MissingData as exc:
            assert result.missing == str(exc) and not result.failed, name
            continue
        assert result.missing is None, name
        pd.testing.assert_frame_equal(result.frame, alone, check_exact=True, obj=name)
    memo = version_memo("v1")
    assert memo is version_memo("v1") and len(memo) > 0
    assert ("sla_block", YEAR) in memo and ("sprint_lists", Filters()) in memo
    assert version_memo("v2") is not memo
