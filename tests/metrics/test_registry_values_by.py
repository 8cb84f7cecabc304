"""plan.values_by: every group's headline in one pass equals the headline asked per group.

A small store where a service has two applications (S1: A and B), an application belongs to
two services (B: S1 and S2), two applications share a team (B and C: Blue), a Jira project is
outside the portfolio (X) and a ticket names an unknown configuration item.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from pmo_metrics.engine import engine_name
from pmo_metrics.metrics import plan, registry
from pmo_metrics.metrics.plan import key_plan, values_by
from pmo_metrics.metrics.registry import MissingData, get
from pmo_metrics.metrics.source import Filters, Source, sharing

APPS = [
    {"application": "A", "services": ["S1"], "team": "Red", "jira_project": "PA",
     "itsm_ci": "CI-A"},
    {"application": "B", "services": ["S1", "S2"], "team": "Blue", "jira_project": "PB",
     "itsm_ci": "CI-B"},
    {"application": "C", "services": ["S2"], "team": "Blue", "jira_project": "PC",
     "itsm_ci": "CI-C"},
    {"application": "D", "team": "Green", "jira_project": "PD"},  # in no service
]  # fmt: skip


def item(
    key, project, cat, created, resolved=None, *, sprints=(), est=None, started=None, kind="Story"
) -> dict:
    return {"item_key": key, "source": "jira", "project": project, "item_type": kind,
            "is_epic": kind == "Epic", "is_subtask": kind == "Sub-task", "status": cat,
            "status_category": cat, "created": pd.Timestamp(created),
            "resolved": None if resolved is None else pd.Timestamp(resolved),
            "started": None if started is None else pd.Timestamp(started),
            "sprints": list(sprints), "estimate": est}  # fmt: skip


ITEMS = [
    item("PA-1", "PA", "Done", "2026-02-20", "2026-03-04 12:00", sprints=["R 1"], est=3,
         started="2026-03-01"),
    item("PA-2", "PA", "Done", "2026-03-01", "2026-03-20", sprints=["R 1", "R 2"], est=2.5),
    item("PA-3", "PA", "In Progress", "2026-03-02", sprints=["R 2"], est=5),
    item("PB-1", "PB", "Done", "2026-01-10", "2026-02-15", sprints=["B 1"], est=8),
    item("PB-2", "PB", "Done", "2026-02-01", "2026-03-10", sprints=["B 1", "B 2"], est=1,
         started="2026-03-05"),
    item("PB-3", "PB", "To Do", "2026-03-05", sprints=["B 2"], est=3),
    item("PB-4", "PB", "Done", "2026-03-03", "2026-03-28 08:00", kind="Bug"),
    item("PC-1", "PC", "Done", "2026-02-25", "2026-03-12", sprints=["B 2"], est=5,
         started="2026-03-02"),
    item("PC-2", "PC", "Done", "2026-03-01", "2026-03-30", sprints=["B 2", "B 3"], est=2),
    item("PC-3", "PC", "Done", "2026-02-02", "2026-02-27", sprints=["B 1"], est=13),
    item("PD-1", "PD", "Done", "2026-03-01", "2026-03-09", sprints=["G 1"], est=1),
    item("X-1", "X", "Done", "2026-02-11", "2026-03-15"),
    item("X-2", "X", "To Do", "2026-01-05"),
    item("PB-E", "PB", "To Do", "2026-01-01", kind="Epic"),
]  # fmt: skip
SPRINTS = [
    {"team": "Red", "sprint": "R 1", "start_date": date(2026, 2, 23),
     "end_date": date(2026, 3, 6)},
    {"team": "Red", "sprint": "R 2", "start_date": date(2026, 3, 9),
     "end_date": date(2026, 3, 20), "committed_points": 9.0},
    {"team": "Blue", "sprint": "B 1", "start_date": date(2026, 2, 9),
     "end_date": date(2026, 2, 20)},
    {"team": "Blue", "sprint": "B 2", "start_date": date(2026, 3, 2),
     "end_date": date(2026, 3, 13)},
    {"team": "Blue", "sprint": "B 3", "start_date": date(2026, 3, 16),
     "end_date": date(2026, 3, 27)},
]  # fmt: skip


def ticket(tid, service, ci, opened, hours=None, *, made_sla=None, priority=3, reopen=0) -> dict:
    start = pd.Timestamp(opened)
    return {"ticket_id": tid, "source": "servicenow", "service": service,
            "configuration_item": ci, "priority": priority, "is_open": hours is None,
            "opened": start,
            "resolved": None if hours is None else start + pd.Timedelta(hours=hours),
            "made_sla": made_sla, "reopen_count": reopen}  # fmt: skip


TICKETS = [
    ticket("T1", "S1", "CI-A", "2026-03-02 09:00", 5, made_sla=True),
    ticket("T2", "S1", "CI-A", "2026-03-03 09:00", 30, reopen=1),  # judged by target: missed
    ticket("T3", "S1", "CI-B", "2026-02-20 09:00", 10),  # judged by target: met (24 h)
    ticket("T4", "S1", "CI-B", "2026-03-10 09:00"),  # still open
    ticket("T5", "S2", "CI-B", "2026-03-11 09:00", 2.5, made_sla=False, reopen=2),
    ticket("T6", "S2", "CI-C", "2026-01-15 09:00", 1000, made_sla=True),  # resolved in March
    ticket("T7", "S2", "CI-C", "2026-03-20 09:00", 7, priority=5),  # no target: unjudged
    ticket("T8", "S3", "CI-Z", "2026-03-21 09:00", 4, made_sla=True),  # unknown CI
    ticket("T9", "S1", "CI-A", "2026-02-05 09:00", 3, made_sla=False),
]
TARGETS = [{"service": s, "priority": 3, "target_hours": 24.0} for s in ("S1", "S2")]
EFFORT = [
    {"person": "p1", "role": "dev", "profile": "senior", "work_date": date(2026, 3, 2),
     "hours": 6.5, "service": "S1", "application": "A"},
    {"person": "p1", "role": "dev", "profile": "senior", "work_date": date(2026, 3, 3),
     "hours": 4.0, "service": "S1", "application": "B"},
    {"person": "p2", "role": "ops", "profile": "junior", "work_date": date(2026, 3, 3),
     "hours": 3.0, "service": "S2", "application": "B"},
    {"person": "p2", "role": "ops", "profile": "junior", "work_date": date(2026, 2, 3),
     "hours": 8.0, "service": "S2", "application": "C"},
]  # fmt: skip
COSTS = [
    {"application": "A", "month": date(2026, 3, 1), "budget": 100, "actual": 110},
    {"application": "B", "month": date(2026, 3, 1), "budget": 200, "actual": 190},
    {"application": "B", "month": date(2026, 2, 1), "budget": 50, "actual": 80},
    {"application": "C", "month": date(2026, 3, 1), "budget": 80},
]
RISKS = [
    {"risk_id": "R1", "title": "t", "application": "A", "probability": 4, "impact": 4,
     "status": "open"},
    {"risk_id": "R2", "title": "t", "application": "B", "service": "S2", "probability": 3,
     "impact": 5, "status": "open"},
    {"risk_id": "R3", "title": "t", "application": "C", "probability": 1, "impact": 1,
     "status": "open"},
]  # fmt: skip


@pytest.fixture
def loaded(put, source) -> Source:
    put("applications", APPS)
    put("work_items", ITEMS)
    put("sprints", SPRINTS)
    put("tickets", TICKETS)
    put("resolution_targets", TARGETS)
    put("effort", EFFORT)
    put("costs", COSTS)
    put("risks", RISKS)
    return source


KEYS = {
    "service": ["S1", "S2", "S3", "S9"],
    "application": ["A", "B", "C", "D", "X", "CI-Z", "nobody"],
}
SELECTIONS = [
    Filters.from_period("2026-03"),
    Filters.from_period("2026-02:2026-03"),
    Filters.from_period("2026-03", team="Blue"),
    Filters.from_period("2026-03", service="S2"),  # replaced by each key when by="service"
    Filters.from_period("2026-03", team="Red"),  # most keys have nothing in this team
    Filters.from_period("2026-03", team="Nobody"),  # no key has anything
]


def one_pass(m: registry.Metric, by: str) -> bool:
    """values_by has a way other than one run per key for (m, by)."""
    how = key_plan(m.name)
    return by in how.groups or how.grouped is not None or (
        by == "service" and how.services_from_applications
    )  # fmt: skip


def asked_per_key(m, source, filters, by, keys) -> dict:
    out = {}
    for k in keys:
        try:
            value = m.value(source, replace(filters, **{by: k}))
        except MissingData:
            value = None
        out[k] = None if value is None or pd.isna(value) else float(value)
    return out


def same(fast: dict, slow: dict) -> bool:
    if fast.keys() != slow.keys():
        return False
    return all(
        (a is None and b is None) or (a is not None and b is not None and a == pytest.approx(b))
        for a, b in ((fast[k], slow[k]) for k in fast)
    )


def test_values_by_equals_value_asked_per_group(loaded):
    checked = []
    for m in registry.all_metrics():
        if m.headline is None:
            continue
        for by, keys in KEYS.items():
            if not one_pass(m, by):
                continue
            for f in SELECTIONS:
                slow = asked_per_key(m, loaded, f, by, keys)
                try:
                    fast = values_by(m, loaded, f, by, keys)
                except MissingData:
                    fast = dict.fromkeys(keys)
                assert same(fast, slow), (m.name, by, f, fast, slow)
            checked.append((m.name, by))
    # the one-pass paths the scorecard and portfolio health rely on are all exercised
    for pair in [
        ("sla-compliance", "service"), ("sla-compliance", "application"), ("mttr", "service"),
        ("ticket-backlog", "service"), ("reopen-rate", "service"),
        ("tickets-opened", "application"), ("lead-time", "service"),
        ("lead-time", "application"), ("cycle-time", "service"), ("throughput", "service"),
        ("throughput", "application"), ("open-demand", "service"), ("say-do", "application"),
        ("say-do", "service"), ("velocity", "application"), ("velocity", "service"),
        ("effort", "application"), ("budget-variance", "application"),
        ("budget-variance", "service"), ("effort", "service"), ("open-high-risks", "service"),
        ("open-high-risks", "application"),
    ]:  # fmt: skip
        assert pair in checked, pair


def test_the_store_gives_each_path_something_to_split(loaded):
    """Guard against a vacuous comparison: the one-pass values differ between groups."""
    march = SELECTIONS[0]
    assert values_by(get("say-do"), loaded, march, "application", ["A", "B", "C"]) == {
        # A: R 1 and R 2 commit 5.5 + 7.5, complete 3 + 2.5; B: B 2 commits 1 + 3 and completes
        # 1, B 3 (calendar only) commits 0; C: B 2 commits 5 + 2, completes 5, B 3 2 and 2.
        # B 1 ended in February: out of the period.
        "A": pytest.approx(5.5 / 13), "B": pytest.approx(1 / 4), "C": pytest.approx(7 / 9),
    }  # fmt: skip
    assert values_by(get("sla-compliance"), loaded, march, "service", ["S1", "S2", "S9"]) == {
        "S1": pytest.approx(100 / 2), "S2": 0.0, "S9": None,  # T1 met, T2 30 h > 24; T5 missed
    }  # fmt: skip
    assert values_by(get("throughput"), loaded, march, "service", ["S1", "S2", "S9"]) == {
        "S1": 4.0, "S2": 4.0, "S9": 0.0,
    }  # fmt: skip
    # Rows naming their own service count there only: R2 (application B, in S1 and S2) names
    # S2; timesheet rows name theirs (S1: 6.5 h on A + 4 h on B; S2: 3 h on B in March).
    assert values_by(get("open-high-risks"), loaded, march, "service", ["S1", "S2", "S9"]) == {
        "S1": 1.0, "S2": 1.0, "S9": 0.0,
    }  # fmt: skip
    assert values_by(get("effort"), loaded, march, "service", ["S1", "S2", "S9"]) == {
        "S1": 10.5, "S2": 3.0, "S9": None,
    }  # fmt: skip


def test_falls_back_to_one_run_per_key(loaded):
    m = get("wip")  # no one-pass way: one run per key
    assert not one_pass(m, "service")
    march = SELECTIONS[0]
    keys = KEYS["service"]
    assert same(values_by(m, loaded, march, "service", keys),
                asked_per_key(m, loaded, march, "service", keys))  # fmt: skip


def test_empty_keys_and_empty_store(loaded, source):
    assert values_by(get("mttr"), loaded, SELECTIONS[0], "service", []) == {}
    with pytest.raises(ValueError, match="not one of"):
        values_by(get("mttr"), loaded, SELECTIONS[0], "month", ["2026-03"])


def test_nothing_loaded_raises_missing_data(source):
    with pytest.raises(MissingData):
        values_by(get("say-do"), source, None, "application", ["A"])
    with pytest.raises(MissingData):
        values_by(get("sla-compliance"), source, None, "service", ["S1"])
    with pytest.raises(MissingData):
        values_by(get("velocity-stats"), source, None, "service", ["S1"])


def _table_or_why(compute) -> pd.DataFrame | str:
    try:
        return compute().reset_index(drop=True)
    except MissingData as exc:
        return f"missing: {exc}"


def test_split_tables_equal_the_tables_asked_per_key(loaded):
    """plan.split_table (the report's per-sheet tables): a key's table from the whole
    selection's equals the key's own run, rows, values and order, or the same missing data."""
    checked = []
    # On Spark each key's own run costs seconds (every split, selection and key: over 30
    # minutes, past the CI step's limit); there one selection and two keys per dimension check
    # the engine's part (the whole selection's rows and their order), DuckDB checks them all.
    spark = engine_name() != "duckdb"
    selections = SELECTIONS[:1] if spark else SELECTIONS
    for name, by in plan.declared_splits():
        m = get(name)
        for f in selections:
            if f.team:  # a split answers one service or application filter alone
                continue
            for k in KEYS[by][:2] if spark else KEYS[by]:
                own = replace(f, **{"service": None, "application": None, by: k})
                slow = _table_or_why(lambda: m.run(loaded, own))  # noqa: B023
                with sharing():
                    fast = _table_or_why(lambda: plan.split_table(loaded, name, own))  # noqa: B023
                if isinstance(slow, str) or isinstance(fast, str):
                    assert fast == slow, (name, by, own)
                elif slow.empty:
                    assert fast.empty and list(fast.columns) == list(slow.columns), (name, own)
                else:
                    pd.testing.assert_frame_equal(fast, slow, check_dtype=False)
            checked.append((name, by))
    for pair in [("sla-compliance", "service"), ("sla-compliance", "application"),
                 ("lead-time", "application"), ("earned-value", "application"),
                 ("risks", "application"), ("throughput", "application"),
                 ("budget-variance", "application"), ("mttr", "service"),
                 ("sla-by-priority", "service"), ("velocity", "application"),
                 ("velocity", "service"), ("say-do", "application"), ("say-do", "service"),
                 ("effort", "service")]:  # fmt: skip
        assert pair in checked, pair


def test_monthly_plans_equal_the_value_of_each_month(loaded):
    months = ["2026-01", "2026-02", "2026-03", "2026-04"]
    for name in plan.declared_monthly():
        m = get(name)
        assert "month" not in m.columns  # a table by month splits by its own rows
        by_month = plan.monthly_plan(name)
        assert by_month is not None
        for scope in ({}, {"service": "S1"}, {"application": "B"}, {"team": "Blue"}):
            f = Filters(**scope)
            fast = by_month(loaded, plan.month_filters(months, f), months)
            slow = {month: m.value(loaded, Filters.from_period(month, **scope)) for month in months}
            assert same(fast, slow), (name, scope, fast, slow)
            if not scope:  # not vacuous: some month has a number
                assert any(v is not None for v in fast.values()), name
    assert {"lead-time", "say-do", "velocity"} <= set(plan.declared_monthly())
