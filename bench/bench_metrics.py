"""Benchmark: every metric the overview page computes (Ibis over DuckDB) against hand-written SQL.

Generates 1,000,000 work items and 2,000,000 tickets (vectorised numpy, ~50 projects, ~300
sprints, 20 services launched over two years) and the PMO's registers at the scale of such a PMO
(costs per application and month with earned-value inputs, 400 risks, 300 improvement actions,
120 stakeholders, timesheets of 150 people: ~91,000 rows) into a DuckDB file (in a temporary
folder, or ``--db`` to keep and reuse it: a reused store gets the registers it lacks), then
times one render's worth of metrics exactly as the page computes them:
``pmo_metrics.evaluation.overview_requests`` lists each (metric, scope) the overview asks for (KPI
cards over their trend window or the month and the month before, the service status, the portfolio
health, the trends, the risks, the PMO rollout) and ``pmo_metrics.evaluation.compute_metric``
computes each one, the path the page's cached ``metric_table`` takes (pooled Sources, building
blocks shared per data version). Each timed render gets a fresh data version, so nothing computed in
an earlier render is reused: only the SQL compiled from the expressions is warm. Alternating with
it, the equivalent hand-written DuckDB SQL group-bys (each distinct query once) return their tables
as pandas. Warm: one untimed render and SQL pass first, then ``--repeat`` of each; prints the best,
median and worst of each, the ratio of the bests and the best render's breakdown. Before timing, it
checks that no metric stops with MissingData and that each metric whose twin returns its very table
(SAME_TABLE) gives the same rows and values, and warns where not.

    python bench/bench_metrics.py [--items 1000000] [--tickets 2000000] [--period 2026-03]
                                  [--repeat 5] [--db PATH]

Target (issue 4): the overview's metrics within 3x the SQL, and under 1 s warm in total.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pmo_metrics.evaluation import Scope, compute_metric, overview_requests  # noqa: E402
from pmo_metrics.metrics.source import Filters  # noqa: E402
from pmo_metrics.store.connection import connect  # noqa: E402

PROJECTS = 50
SPRINTS_PER_TEAM = 6  # 50 x 6 = 300 sprints
SERVICES = 20
START = pd.Timestamp("2024-04-01")
DAYS = 730  # two years of history, up to the end of March 2026


# --- data ---------------------------------------------------------------------------------------


def insert(con, table: str, frame: pd.DataFrame, select: str = "*") -> None:
    con.register("_frame", frame)
    con.execute(f"INSERT INTO {table} BY NAME SELECT {select} FROM _frame")
    con.unregister("_frame")


def generate(con, n_items: int, n_tickets: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    projects = [f"P{p:02d}" for p in range(PROJECTS)]
    services = [f"Service {s:02d}" for s in range(SERVICES)]
    apps = pd.DataFrame({
        "application": [f"App {p:02d}" for p in range(PROJECTS)],
        "services": [[services[p % SERVICES], services[(p * 7 + 3) % SERVICES]]
                     for p in range(PROJECTS)],
        "jira_project": projects,
        "itsm_ci": [f"CI-{p:02d}" for p in range(PROJECTS)],
        "team": [f"Team {p:02d}" for p in range(PROJECTS)],
        "is_pmo": [p == 0 for p in range(PROJECTS)],
    })  # fmt: skip
    insert(con, "applications", apps)
    insert(con, "services", services_frame(services))

    # Sprint calendar: each team's 6 two-week sprints ending by March 2026.
    first = pd.Timestamp("2026-01-05")
    cal = pd.DataFrame(
        [
            {
                "team": f"Team {p:02d}",
                "sprint": f"P{p:02d} Sprint {s + 1}",
                "start_date": (first + pd.Timedelta(days=14 * s)).date(),
                "end_date": (first + pd.Timedelta(days=14 * s + 11)).date(),
            }
            for p in range(PROJECTS)
            for s in range(SPRINTS_PER_TEAM)
        ]
    )
    insert(con, "sprints", cal)

    n = n_items
    project = rng.integers(0, PROJECTS, n)
    kind = rng.choice(
        ["Story", "Bug", "Task", "Sub-task", "Epic"], n, p=[0.55, 0.15, 0.15, 0.12, 0.03]
    )
    status = rng.choice(["Done", "In Progress", "To Do"], n, p=[0.7, 0.1, 0.2])
    estimate = rng.choice([1.0, 2.0, 3.0, 5.0, 8.0, 13.0, np.nan], n)
    created = START + pd.to_timedelta(rng.uniform(0, DAYS - 20, n), unit="D")
    lead = pd.to_timedelta(rng.lognormal(2.0, 0.9, n), unit="D")
    resolved = pd.Series(created + lead).where(status == "Done")
    in_sprint = rng.random(n) < 0.7
    sprint_count = np.where(in_sprint, rng.choice([1, 1, 1, 2, 3], n), 0)
    # consecutive sprints, the last one at most the team's 6th
    room = SPRINTS_PER_TEAM - np.maximum(sprint_count, 1) + 1
    first_sprint = 1 + (rng.random(n) * room).astype(int)
    items = pd.DataFrame({
        "item_key": [f"P{p:02d}-{i}" for p, i in zip(project, range(n), strict=True)],
        "project": [projects[p] for p in project],
        "item_type": kind,
        "is_epic": kind == "Epic",
        "is_subtask": kind == "Sub-task",
        "status_category": status,
        "estimate": estimate,
        "created": created,
        "resolved": resolved,
        "first_sprint": first_sprint,
        "sprint_count": sprint_count,
    })  # fmt: skip
    insert(
        con,
        "work_items",
        items,
        """item_key, 'jira' AS source, project, item_type, is_epic, is_subtask,
           status_category AS status, status_category, estimate, created, resolved,
           [project || ' Sprint ' || (first_sprint + i) FOR i IN range(sprint_count)] AS sprints""",
    )

    m = n_tickets
    svc = rng.integers(0, SERVICES, m)
    priority = rng.choice([1, 2, 3, 4, 5], m, p=[0.05, 0.15, 0.5, 0.25, 0.05])
    opened = START + pd.to_timedelta(rng.uniform(0, DAYS, m), unit="D")
    hours = pd.to_timedelta(rng.lognormal(2.5, 1.2, m), unit="h")
    is_open = rng.random(m) < 0.03
    resolved_t = pd.Series(opened + hours).where(~is_open)
    flag = rng.choice([1, 0, -1], m, p=[0.4, 0.1, 0.5])  # -1: no flag, judged by target
    tickets = pd.DataFrame({
        "ticket_id": [f"INC{i:08d}" for i in range(m)],
        "service": [services[s] for s in svc],
        "configuration_item": [f"CI-{(s * 5 + i) % PROJECTS:02d}" for s, i in
                               zip(svc, rng.integers(0, 5, m), strict=True)],
        "priority": priority,
        "is_open": is_open,
        "opened": opened,
        "resolved": resolved_t,
        "made_sla": pd.array(np.where(flag == -1, None, flag == 1), dtype="boolean"),
        "reopen_count": rng.choice([0, 0, 0, 0, 0, 0, 0, 0, 1, 2], m),
    })  # fmt: skip
    insert(con, "tickets", tickets.assign(source="servicenow"))
    targets = pd.DataFrame(
        [
            {"service": s, "priority": p, "target_hours": [4.0, 8.0, 24.0, 72.0, 240.0][p - 1]}
            for s in services
            for p in range(1, 6)
        ]
    )
    insert(con, "resolution_targets", targets)
    indicators = pd.DataFrame(
        [
            row
            for s in services
            for row in (
                {"service": s, "indicator": "SLA", "metric": "sla-compliance", "target": 90.0,
                 "direction": "higher", "amber_threshold": 80.0},
                {"service": s, "indicator": "MTTR", "metric": "mttr", "target": 24.0,
                 "direction": "lower", "amber_threshold": 36.0},
                {"service": s, "indicator": "Lead time", "metric": "lead-time", "target": 20.0,
                 "direction": "lower", "amber_threshold": 30.0},
            )
        ]
    )  # fmt: skip
    insert(con, "indicators", indicators)
    fill_registers(con, seed)
    con.execute("CHECKPOINT")


# The PMO's registers, as its lead keeps them in the workbook: exported on the data's last day.
LAST_DAY = START + pd.Timedelta(days=DAYS - 1)  # 2026-03-31
FIRST = np.datetime64(START.date(), "D")
NO_DAY = np.datetime64("NaT", "D")
RISKS = 400
ACTIONS = 300
STAKEHOLDERS = 120
PEOPLE = 150  # 3 people per application log their hours every working day
# The registers filled, in order: the index is the seed offset, so a register filled into a
# reused store gets the same rows as in a fresh one.
REGISTERS = ("costs", "risks", "improvement_actions", "stakeholders", "effort")


def services_frame(services: list[str]) -> pd.DataFrame:
    """The catalog's states and launch dates: 16 services launched one after another from May
    2024 to March 2026, 2 piloting and 2 planned (launch dates still to come)."""
    n = len(services)
    launched = n - 4
    step = 23 / max(launched - 1, 1)  # months from May 2024 to March 2026
    months = [pd.Timestamp("2024-05-01") + pd.DateOffset(months=round(i * step)) for i in
              range(launched)]  # fmt: skip
    dates = [m + pd.Timedelta(days=(7 * i) % 25) for i, m in enumerate(months)]
    dates += [pd.Timestamp("2026-05-04")] * 2 + [pd.Timestamp("2026-09-01"), pd.NaT]
    return pd.DataFrame({
        "service": services,
        "state": ["launched"] * launched + ["piloting"] * 2 + ["planned"] * 2,
        "launch_date": pd.to_datetime(pd.Series(dates[:n])),
    })  # fmt: skip


def portfolio(con) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The portfolio in the store: (applications, each one's first service, every service)."""
    apps = con.execute("SELECT application, services[1] FROM applications ORDER BY 1").fetchall()
    services = [s for (s,) in con.execute("SELECT service FROM services ORDER BY 1").fetchall()]
    return (np.array([a for a, _ in apps], dtype=object),
            np.array([s for _, s in apps], dtype=object), services)  # fmt: skip


def days(offsets: np.ndarray, known: np.ndarray | bool = True) -> np.ndarray:
    """Dates ``offsets`` days after START, empty where not ``known``."""
    out = FIRST + np.asarray(offsets).astype("timedelta64[D]")
    return np.where(known, out, NO_DAY)


def names(prefix: str, n: int, width: int = 4) -> list[str]:
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


def costs_frame(rng: np.random.Generator, apps: np.ndarray, *_: object) -> pd.DataFrame:
    """Per application and month from its start (April to September 2024) to December 2026: the
    month's budget (a BAC spread unevenly, a few months frozen at 0), and up to March 2026 the
    actual cost and the earned-value inputs. 60% of applications report PV and EV, 25% PV and %
    complete with BAC on their first month only, 15% EV alone (PV from the budgets)."""
    months = pd.date_range(START, "2026-12-01", freq="MS")
    a, m = len(apps), len(months)
    app, month = np.repeat(np.arange(a), m), np.tile(np.arange(m), a)
    start = rng.integers(0, 6, a)
    kept = month >= start[app]
    app, month = app[kept], month[kept]
    bac = rng.uniform(300, 3000, a).round() * 1000
    weight = rng.uniform(0.7, 1.3, len(app)) * (rng.random(len(app)) > 0.03)
    weight_sum = np.bincount(app, weights=weight, minlength=a)
    budget = (bac[app] * weight / weight_sum[app]).round(2)
    # cumulative sums per application: rows are sorted by application, then month
    first_row = np.r_[0, np.flatnonzero(np.diff(app)) + 1]
    cum_budget = np.cumsum(budget) - np.repeat(np.r_[0, np.cumsum(budget)[first_row[1:] - 1]],
                                               np.diff(np.r_[first_row, len(app)]))  # fmt: skip
    past = months[month] <= LAST_DAY
    spi, cpi = rng.uniform(0.8, 1.1, a), rng.uniform(0.8, 1.15, a)
    pct_complete = np.minimum(100.0, 100.0 * cum_budget / bac[app] * spi[app]).round(1)
    earned = (pct_complete / 100.0 * bac[app]).round(2)
    actual = (budget * spi[app] / cpi[app] * rng.lognormal(0.0, 0.1, len(app))).round(2)
    mode = rng.choice(["ev", "pct", "ev_only"], a, p=[0.6, 0.25, 0.15])[app]
    on_first = np.r_[True, np.diff(app) != 0]
    return pd.DataFrame({
        "application": apps[app],
        "month": months[month].to_numpy(),
        "budget": budget,
        "actual": np.where(past, actual, np.nan),
        "planned_value": np.where(mode == "ev_only", np.nan, cum_budget.round(2)),
        "earned_value": np.where(past & (mode != "pct"), earned, np.nan),
        "pct_complete": np.where(past & (mode == "pct"), pct_complete, np.nan),
        "bac": np.where((mode != "pct") | on_first, bac[app], np.nan),
    })  # fmt: skip


def risks_frame(
    rng: np.random.Generator, apps: np.ndarray, first_service: np.ndarray, services: list[str]
) -> pd.DataFrame:
    """400 risks raised over the two years, 90% on an application (half of those naming its
    service too), the rest on a service; closed after ~3 months (median) if by the export,
    a few closed without a date or spelled "Closed"; 10% without a mitigation due date."""
    n = RISKS
    raised = rng.integers(0, DAYS, n)
    app = rng.integers(0, len(apps), n)
    on_app = rng.random(n) < 0.9
    closing = raised + rng.lognormal(4.5, 0.9, n).astype(int)
    closed = closing < DAYS
    no_date = closed & (rng.random(n) < 0.02)
    status = np.where(closed, np.where(rng.random(n) < 0.05, "Closed", "closed"), "open")
    score_p = [0.15, 0.25, 0.3, 0.2, 0.1]
    return pd.DataFrame({
        "risk_id": names("R-", n),
        "title": [f"Risk {i}" for i in range(1, n + 1)],
        "application": np.where(on_app, apps[app], None),
        "service": np.where(on_app, np.where(rng.random(n) < 0.5, first_service[app], None),
                            rng.choice(services, n)),
        "probability": rng.choice(np.arange(1, 6), n, p=score_p),
        "impact": rng.choice(np.arange(1, 6), n, p=score_p[::-1]),
        "owner": [f"Owner {k:02d}" for k in rng.integers(0, 40, n)],
        "status": status,
        "raised": days(raised),
        "mitigation": np.where(rng.random(n) < 0.9, "Mitigation plan", None),
        "mitigation_due": days(raised + rng.integers(14, 120, n), rng.random(n) < 0.9),
        "closed": days(closing, closed & ~no_date),
    })  # fmt: skip


def actions_frame(
    rng: np.random.Generator, apps: np.ndarray, first_service: np.ndarray, services: list[str]
) -> pd.DataFrame:
    """300 improvement actions opened over the two years, due 1-4 months later (10% without a
    due date), closed after ~2 months (median) if by the export, 5% cancelled (with the date),
    a few marked closed without a date; 60% state an expected benefit."""
    n = ACTIONS
    opened = rng.integers(0, DAYS, n)
    app = rng.integers(0, len(apps), n)
    on_app = rng.random(n) < 0.7
    closing = opened + rng.lognormal(4.0, 0.7, n).astype(int)
    done = closing < DAYS
    cancelled = rng.random(n) < 0.05
    no_date = done & ~cancelled & (rng.random(n) < 0.02)
    status = np.where(cancelled, "cancelled", np.where(done, "closed", rng.choice(
        ["open", "in progress"], n)))  # fmt: skip
    expected = np.where(rng.random(n) < 0.6, rng.choice([10.0, 20.0, 40.0, 80.0], n), np.nan)
    return pd.DataFrame({
        "action_id": names("IA-", n),
        "title": [f"Improvement {i}" for i in range(1, n + 1)],
        "service": np.where(on_app, first_service[app], rng.choice(services, n)),
        "application": np.where(on_app, apps[app], None),
        "owner": [f"Owner {k:02d}" for k in rng.integers(0, 40, n)],
        "status": status,
        "opened": days(opened),
        "due": days(opened + rng.integers(30, 120, n), rng.random(n) < 0.9),
        "closed": days(closing, done & ~no_date),
        "benefit_expected": expected,
        "benefit_realised": np.where(done & ~cancelled,
                                     (expected * rng.uniform(0.3, 1.2, n)).round(1), np.nan),
        "benefit_unit": np.where(np.isnan(expected), None,
                                 rng.choice(["hours/month", "EUR/year"], n)),
    })  # fmt: skip


def stakeholders_frame(
    rng: np.random.Generator, apps: np.ndarray, first_service: np.ndarray, services: list[str]
) -> pd.DataFrame:
    """120 stakeholders, 60% on an application, contacted in the last five months (5% never)
    every 2 weeks to 3 months (5% without an agreed frequency)."""
    n = STAKEHOLDERS
    app = rng.integers(0, len(apps), n)
    on_app = rng.random(n) < 0.6
    current = rng.integers(1, 6, n)
    return pd.DataFrame({
        "stakeholder": names("Stakeholder ", n, 3),
        "organisation": rng.choice(["Finance", "Operations", "IT", "HR", "Sales", "Legal",
                                    "Supplier"], n),
        "role": rng.choice(["Sponsor", "Product owner", "Key user", "Manager", "Auditor"], n),
        "service": np.where(on_app, first_service[app], rng.choice(services, n)),
        "application": np.where(on_app, apps[app], None),
        "power": rng.integers(1, 6, n),
        "interest": rng.integers(1, 6, n),
        "current_engagement": current,
        "desired_engagement": np.minimum(5, current + rng.choice([0, 0, 1, 1, 2], n)),
        "last_contact": days(DAYS - 1 - rng.integers(0, 150, n), rng.random(n) < 0.95),
        "contact_frequency_days": pd.Series(np.where(
            rng.random(n) < 0.95, rng.choice([14, 30, 60, 90], n), np.nan)).astype("Int64"),
    })  # fmt: skip


def effort_frame(
    rng: np.random.Generator, apps: np.ndarray, first_service: np.ndarray, *_: object
) -> pd.DataFrame:
    """Timesheets: 150 people, 3 per application, each working day but ~10% leave, 6-8 h on
    their application and, one day in three, 1-2 of them on another one."""
    workdays = pd.bdate_range(START, LAST_DAY).to_numpy().astype("datetime64[D]")
    p, d = PEOPLE, len(workdays)
    person, day = np.repeat(np.arange(p), d), np.tile(np.arange(d), p)
    present = rng.random(p * d) > 0.1
    person, day = person[present], day[present]
    home = np.arange(p) % len(apps)
    other = (home + 1 + rng.integers(0, len(apps) - 1, p)) % len(apps)
    split = rng.random(len(person)) < 0.3
    side = np.where(split, rng.choice([1.0, 1.5, 2.0], len(person)), 0.0)
    hours = rng.choice([6.0, 7.0, 7.5, 8.0], len(person))
    role = rng.choice(["developer", "analyst", "tester", "project manager", "architect"], p)
    profile = rng.choice(["junior", "senior"], p)

    def rows(person: np.ndarray, day: np.ndarray, app: np.ndarray, hours: np.ndarray):
        return pd.DataFrame({
            "person": [f"Person {k:03d}" for k in person], "role": role[person],
            "profile": profile[person], "work_date": workdays[day], "hours": hours,
            "service": first_service[app], "application": apps[app],
        })  # fmt: skip

    return pd.concat([
        rows(person, day, home[person], hours - side),
        rows(person[split], day[split], other[person[split]], side[split]),
    ], ignore_index=True)  # fmt: skip


def fill_registers(con, seed: int = 7) -> list[str]:
    """Fill each register the store holds no rows of (costs, risks, improvement actions,
    stakeholders, effort) and give the services their launch dates if none has one, from the
    portfolio in the store; returns what was filled."""
    apps, first_service, services = portfolio(con)
    filled = []
    if con.execute("SELECT count(launch_date) FROM services").fetchall() == [(0,)]:
        con.register("_frame", services_frame(services))
        con.execute("""UPDATE services SET state = f.state, launch_date = f.launch_date
                       FROM _frame f WHERE services.service = f.service""")  # fmt: skip
        con.unregister("_frame")
        filled.append("services' launch dates")
    build = {"costs": costs_frame, "risks": risks_frame, "improvement_actions": actions_frame,
             "stakeholders": stakeholders_frame, "effort": effort_frame}  # fmt: skip
    for k, table in enumerate(REGISTERS):
        if con.execute(f"SELECT count(*) FROM {table}").fetchall() == [(0,)]:
            rng = np.random.default_rng([seed, k])
            frame = build[table](rng, apps, first_service, services)
            insert(con, table, frame)
            filled.append(f"{table} ({len(frame):,})")
    return filled


# --- the hand-written SQL twins -----------------------------------------------------------------

ITEMS = """
    (SELECT w.*, coalesce(a.application, w.project) AS application,
            coalesce(a.team, w.team, w.project) AS team_
     FROM work_items w LEFT JOIN applications a ON a.jira_project = w.project)
"""
TICKETS = """
    (SELECT t.*, coalesce(a.application, t.configuration_item) AS application
     FROM tickets t LEFT JOIN applications a ON a.itsm_ci = t.configuration_item)
"""
SERVICE_APPS = "(SELECT DISTINCT unnest(services) AS service, application FROM applications)"
DONE_AT = "coalesce(resolved, status_changed)"
# The metrics whose first twin returns the metric's very table (the benchmark checks it).
SAME_TABLE = (
    "cpi", "budget-variance", "on-time-rate", "overdue-actions", "open-high-risks", "risks",
    "overdue-communications", "services-launched-by-month",
)  # fmt: skip


def between(scope: Scope, kind: str = "TIMESTAMP") -> str:
    f = scope.filters()
    return f"BETWEEN {kind} '{f.start}' AND {kind} '{f.end}' - INTERVAL 1 MICROSECOND"


def as_of(scope: Scope) -> str:
    """The day the registers are judged on: the period's last day, as a DATE literal."""
    return f"DATE '{pd.Timestamp(scope.filters().end) - pd.Timedelta(days=1):%Y-%m-%d}'"


def cpi_sql(scope: Scope) -> str:
    """CPI = EV / AC per application and month, AC and PV summed from the first month."""
    return f"""
        WITH c AS (SELECT application, month, actual, earned_value, pct_complete,
                          sum(actual) OVER (PARTITION BY application ORDER BY month) AS ac,
                          coalesce(bac, max(bac) OVER (PARTITION BY application)) AS bac
                   FROM costs),
        e AS (SELECT *, coalesce(earned_value, pct_complete / 100 * bac) AS ev FROM c
              WHERE month {between(scope, "DATE")}
                AND (actual IS NOT NULL OR earned_value IS NOT NULL OR pct_complete IS NOT NULL))
        SELECT application, month, ev / nullif(ac, 0) AS value, ev, ac
        FROM e ORDER BY application, month
    """


def budget_sql(scope: Scope) -> str:
    return f"""
        SELECT application, month, budget, actual,
               (actual - budget) / nullif(budget, 0) * 100 AS variance_pct
        FROM costs WHERE month {between(scope, "DATE")}
          AND (budget IS NOT NULL OR actual IS NOT NULL)
        ORDER BY application, month
    """


def on_time_sql(scope: Scope) -> str:
    return f"""
        WITH a AS (SELECT date_trunc('month', closed)::DATE AS month, closed <= due AS on_time
                   FROM improvement_actions
                   WHERE closed {between(scope, "DATE")} AND due IS NOT NULL
                     AND lower(trim(status)) <> 'cancelled')
        SELECT month, count(*) AS closed, count(*) FILTER (on_time) AS closed_on_time,
               100.0 * count(*) FILTER (on_time) / count(*) AS on_time_pct
        FROM a GROUP BY ALL ORDER BY month
    """


def overdue_actions_sql(scope: Scope) -> str:
    day = as_of(scope)
    return f"""
        SELECT action_id, title, service, application, owner, status, opened, due,
               date_diff('day', due, {day}) AS days_overdue
        FROM improvement_actions
        WHERE opened <= {day} AND lower(trim(status)) <> 'cancelled'
          AND NOT coalesce(closed <= {day}, lower(trim(status)) = 'closed') AND due < {day}
        ORDER BY days_overdue DESC, action_id
    """


def risks_sql(scope: Scope) -> str:
    """The register as of the period's last day: score, band, status then, overdue flag."""
    day = as_of(scope)
    return f"""
        WITH r AS (SELECT *, probability * impact AS score,
                          NOT (lower(trim(status)) = 'closed'
                               AND (closed IS NULL OR closed <= {day})) AS is_open
                   FROM risks WHERE raised IS NULL OR raised <= {day})
        SELECT risk_id, title, application, service, probability, impact, score,
               CASE WHEN score <= 4 THEN 'low' WHEN score <= 9 THEN 'medium'
                    WHEN score <= 15 THEN 'high' ELSE 'critical' END AS band,
               CASE WHEN is_open THEN 'open' ELSE 'closed' END AS status, owner, raised,
               mitigation, mitigation_due, coalesce(is_open AND mitigation_due < {day}, false)
               AS overdue
        FROM r ORDER BY score DESC, risk_id
    """


def open_high_sql(scope: Scope) -> str:
    return f"""
        SELECT risk_id, title, application, service, probability, impact, score, band, owner,
               mitigation_due
        FROM ({risks_sql(scope)}) WHERE status = 'open' AND score >= 10
        ORDER BY score DESC, risk_id
    """


def overdue_communications_sql(scope: Scope) -> str:
    day = as_of(scope)
    return f"""
        SELECT stakeholder, organisation, role, service, application, last_contact,
               contact_frequency_days, last_contact + contact_frequency_days AS next_contact_due,
               date_diff('day', last_contact, {day}) - contact_frequency_days AS days_overdue
        FROM stakeholders WHERE date_diff('day', last_contact, {day}) > contact_frequency_days
        ORDER BY days_overdue DESC, stakeholder
    """


def launches_sql(scope: Scope) -> str:
    """Services launched per month and cumulatively, from the first launch on, over the period
    (up to its last month)."""
    f = scope.filters()
    last = pd.Timestamp(f.end) - pd.DateOffset(months=1)
    return f"""
        WITH l AS (SELECT date_trunc('month', launch_date)::DATE AS month FROM services
                   WHERE lower(trim(state)) = 'launched' AND launch_date <= {as_of(scope)}),
        cal AS (SELECT unnest(generate_series(least((SELECT min(month) FROM l), DATE '{f.start}'),
                                              DATE '{last:%Y-%m-%d}', INTERVAL 1 MONTH))::DATE
                       AS month),
        per AS (SELECT cal.month, count(l.month) AS launched
                FROM cal LEFT JOIN l USING (month) GROUP BY ALL),
        cum AS (SELECT month, launched, sum(launched) OVER (ORDER BY month) AS cumulative_launched
                FROM per)
        SELECT * FROM cum WHERE month >= DATE '{f.start}' ORDER BY month
    """


def velocity_sql(scope: Scope, *, by_application: bool = False, application: str = "") -> str:
    """Committed / completed points per team sprint (and application), as the velocity table."""
    app = "application, " if by_application else ""
    only = f"AND i.application = '{application}'" if application else ""
    period = f"AND (end_date {between(scope, 'DATE')} OR end_date IS NULL)" if scope.period else ""
    return f"""
        WITH m AS (
            SELECT {app}team_ AS team, i.item_key, unnest(i.sprints) AS sprint, i.estimate,
                   i.status_category = 'Done' AS done
            FROM {ITEMS} i WHERE NOT i.is_epic AND NOT i.is_subtask {only}),
        o AS (SELECT m.*, c.start_date, c.end_date, c.committed_points
              FROM m LEFT JOIN sprints c USING (team, sprint)),
        last AS (SELECT {app}team, item_key, arg_max(sprint, start_date) AS sprint,
                        any_value(estimate) AS estimate
                 FROM o WHERE done GROUP BY ALL),
        committed AS (SELECT {app}team, sprint, sum(coalesce(estimate, 0)) AS est,
                             count(*) AS items, any_value(committed_points) AS cal,
                             any_value(start_date) AS start_date, any_value(end_date) AS end_date
                      FROM o GROUP BY ALL),
        completed AS (SELECT {app}team, sprint, sum(coalesce(estimate, 0)) AS pts,
                             count(*) AS n, count(*) FILTER (estimate IS NULL) AS unest
                      FROM last GROUP BY ALL)
        SELECT {app}team, sprint, start_date, end_date, coalesce(cal, est) AS committed_points,
               coalesce(pts, 0) AS completed_points,
               coalesce(pts, 0) / nullif(coalesce(cal, est), 0) AS say_do_ratio,
               coalesce(cal, est) - coalesce(pts, 0) AS carry_over_points,
               items, coalesce(n, 0) AS completed_items, coalesce(unest, 0) AS unest
        FROM committed LEFT JOIN completed USING ({app}team, sprint)
        WHERE TRUE {period}
        ORDER BY ALL
    """


def sla_sql(scope: Scope, by: str) -> str:
    return f"""
        WITH j AS (SELECT t.service, t.application, date_trunc('month', t.resolved) AS month,
                          coalesce(t.made_sla, date_diff('second', t.opened, t.resolved)
                                   / 3600.0 <= r.target_hours) AS met
                   FROM {TICKETS} t LEFT JOIN resolution_targets r
                     ON r.service = t.service AND r.priority = t.priority
                   WHERE t.resolved {between(scope)})
        SELECT {by}, count(*) AS resolved, count(met) AS tickets,
               count(*) FILTER (met) AS met_sla,
               100.0 * count(*) FILTER (met) / nullif(count(met), 0) AS pct
        FROM j GROUP BY ALL ORDER BY ALL
    """


def mttr_sql(scope: Scope) -> str:
    return f"""
        WITH h AS (SELECT service, date_trunc('month', resolved) AS month,
                          date_diff('second', opened, resolved) / 3600.0 AS hours
                   FROM {TICKETS} WHERE resolved {between(scope)})
        SELECT service, month, count(*) AS tickets, avg(hours) AS mttr,
               quantile_cont(hours, 0.9) AS p90
        FROM h GROUP BY ALL ORDER BY ALL
    """


def lead_days(scope: Scope) -> str:
    return f"""
        (SELECT application, date_diff('second', created, {DONE_AT}) / 86400.0 AS days
         FROM {ITEMS} WHERE NOT is_epic AND status_category = 'Done'
           AND {DONE_AT} {between(scope)} AND created IS NOT NULL)
    """


def throughput_sql(scope: Scope, by: str) -> str:
    return f"""
        SELECT {by}, count(*) AS items
        FROM (SELECT application, date_trunc('month', {DONE_AT}) AS month FROM {ITEMS}
              WHERE NOT is_epic AND status_category = 'Done' AND {DONE_AT} {between(scope)})
        GROUP BY ALL ORDER BY ALL
    """


def sql_twins(name: str, scope: Scope) -> list[str]:
    """The hand-written DuckDB SQL giving what the metric ``name`` shows for ``scope``."""
    end = scope.filters().end
    twin = {
        "cpi": cpi_sql, "budget-variance": budget_sql, "on-time-rate": on_time_sql,
        "overdue-actions": overdue_actions_sql, "open-high-risks": open_high_sql,
        "risks": risks_sql, "overdue-communications": overdue_communications_sql,
        "services-launched-by-month": launches_sql,
    }.get(name)  # fmt: skip
    if twin is not None:
        return [twin(scope)]
    if name == "sla-compliance":
        return [sla_sql(scope, "service, month")]
    if name == "mttr":
        return [mttr_sql(scope)]
    if name in ("velocity", "say-do"):
        return [velocity_sql(scope)]
    if name == "throughput":
        return [throughput_sql(scope, "application, month")]
    if name == "service-status":  # the catalog's indicators: SLA, MTTR and lead time per service
        return [
            sla_sql(scope, "service, month"),
            mttr_sql(scope),
            f"""SELECT service, quantile_cont(days, 0.85) AS p85
                FROM {lead_days(scope)} JOIN {SERVICE_APPS} USING (application)
                GROUP BY ALL ORDER BY ALL""",
        ]
    if name == "portfolio-health":  # each dimension per application
        return [
            """SELECT DISTINCT coalesce(a.application, w.project) AS application
                FROM (SELECT DISTINCT project FROM work_items) w
                LEFT JOIN applications a ON a.jira_project = w.project
                UNION SELECT DISTINCT coalesce(a.application, t.configuration_item)
                FROM (SELECT DISTINCT configuration_item FROM tickets) t
                LEFT JOIN applications a ON a.itsm_ci = t.configuration_item""",
            f"""SELECT application, count(*) AS open_items FROM {ITEMS}
                WHERE NOT is_epic AND NOT is_subtask
                  AND (created IS NULL OR created < TIMESTAMP '{end}')
                  AND NOT (status_category = 'Done'
                           AND ({DONE_AT} IS NULL OR {DONE_AT} < TIMESTAMP '{end}'))
                GROUP BY ALL ORDER BY ALL""",
            throughput_sql(scope, "application"),
            f"""SELECT application, count(*) AS items, quantile_cont(days, 0.5) AS p50,
                       quantile_cont(days, 0.85) AS p85, quantile_cont(days, 0.95) AS p95,
                       avg(days) AS mean
                FROM {lead_days(scope)} GROUP BY ALL ORDER BY ALL""",
            velocity_sql(scope, by_application=True),
            f"""SELECT application, count(*) AS tickets FROM {TICKETS}
                WHERE opened {between(scope)} GROUP BY ALL ORDER BY ALL""",
            sla_sql(scope, "application"),
            f"""SELECT application, sum(hours) AS hours FROM effort
                WHERE work_date {between(scope, "DATE")} GROUP BY ALL ORDER BY ALL""",
            f"""SELECT application,
                       (sum(actual) - sum(budget)) / nullif(sum(budget), 0) * 100 AS variance
                FROM costs WHERE month {between(scope, "DATE")}
                  AND budget IS NOT NULL AND actual IS NOT NULL
                GROUP BY ALL ORDER BY ALL""",
            f"""SELECT application, count(*) AS open_high FROM ({open_high_sql(scope)})
                GROUP BY ALL ORDER BY ALL""",
        ]
    if name == "rollout-deliverables":
        return [
            velocity_sql(scope, application=a)
            for (a,) in CON.execute("SELECT application FROM applications WHERE is_pmo").fetchall()
        ]
    raise KeyError(f"no SQL twin for {name!r}: add one")


# --- timing -------------------------------------------------------------------------------------


def render(con, version: str, requests: list[tuple[str, Scope]]) -> tuple[float, list[tuple]]:
    """Compute every request as the page does; (seconds, [(name, scope, seconds, result)])."""
    rows = []
    start = time.perf_counter()
    for name, scope in requests:
        t0 = time.perf_counter()
        result = compute_metric(con, version, name, scope)
        rows.append((name, scope, time.perf_counter() - t0, result))
    return time.perf_counter() - start, rows


def run_sql(con, queries: list[str]) -> float:
    start = time.perf_counter()
    for query in queries:
        con.execute(query).df()
    return time.perf_counter() - start


def spread(times: list[float]) -> str:
    return (f"best {min(times):.3f} s, median {statistics.median(times):.3f} s, "
            f"worst {max(times):.3f} s")  # fmt: skip


def cell(value: object) -> object:
    """A value as both sides can be compared: None for any missing value, a Timestamp for any
    date, a float for any number."""
    if value is None or (not isinstance(value, (list, np.ndarray)) and pd.isna(value)):
        return None
    if isinstance(value, (date, np.datetime64)):  # datetime and pd.Timestamp are dates too
        return pd.Timestamp(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.number)):
        return float(value)
    return value


def same(a: object, b: object) -> bool:
    a, b = cell(a), cell(b)
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def table_differences(frame: pd.DataFrame, twin: pd.DataFrame) -> list[str]:
    """How a metric's table differs from its SQL twin's: the row count, missing columns, then
    the values of every row (in order) in the metric's columns."""
    if len(frame) != len(twin):
        return [f"{len(frame)} rows, the SQL {len(twin)}"]
    lacking = [c for c in frame.columns if c not in twin.columns]
    if lacking:
        return [f"the SQL lacks {lacking}"]
    out = []
    for i in range(len(frame)):
        for c in frame.columns:
            if not same(frame[c].iloc[i], twin[c].iloc[i]):
                out.append(f"row {i} {c}: {frame[c].iloc[i]!r} vs SQL {twin[c].iloc[i]!r}")
    return out


def check(con, rows: list[tuple]) -> None:
    """Print whether every metric was computed, and whether each metric whose twin returns its
    very table (SAME_TABLE) agrees with it."""
    missing = [(name, scope.period) for name, scope, _, result in rows if result.missing]
    if missing:
        print(f"WARNING: {len(missing)} of {len(rows)} stop with MissingData: {missing}")
    else:
        print(f"check: all {len(rows)} computations have their data (none stops with MissingData)")
    for name, scope, _, result in rows:
        if name not in SAME_TABLE or result.missing:
            continue
        twin = con.execute(sql_twins(name, scope)[0]).df()
        wrong = table_differences(result.frame, twin)
        where = f"{name} ({scope.period}): {len(result.frame)} rows"
        if wrong:
            more = f"; ... {len(wrong) - 3} more" if len(wrong) > 3 else ""
            shown = "; ".join(wrong[:3]) + more
            print(f"WARNING: {where}, its SQL twin disagrees: {shown}")
        else:
            print(f"check: {where}, the same as its SQL twin")


CON = None  # the store, for the twins that look the portfolio up


def main() -> None:
    global CON
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--tickets", type=int, default=2_000_000)
    parser.add_argument("--period", default="2026-03", help="YYYY-MM[:YYYY-MM] of the overview")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", type=Path, help="keep the generated store here and reuse it")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # a metric that fails is reported below, not logged

    with tempfile.TemporaryDirectory() as tmp:
        con = CON = connect(args.db or Path(tmp) / "bench.duckdb")
        if con.execute("SELECT count(*) FROM work_items").fetchall() == [(0,)]:
            t0 = time.perf_counter()
            generate(con, args.items, args.tickets)
            print(f"generated {args.items:,} work items, {args.tickets:,} tickets and the "
                  f"registers in {time.perf_counter() - t0:.1f} s")  # fmt: skip
        else:
            print(f"reusing {args.db}")
            filled = fill_registers(con)
            if filled:
                con.execute("CHECKPOINT")
                print(f"filled what it lacked: {', '.join(filled)}")
        Filters.from_period(args.period)  # validates the period
        requests = overview_requests(Scope(period=args.period))
        queries = list(dict.fromkeys(q for name, scope in requests for q in sql_twins(name, scope)))

        _, warm = render(con, "warm-up", requests)
        run_sql(con, queries)
        check(con, warm)
        load = os.getloadavg()[0]
        renders: list[tuple[float, list]] = []
        sql_times = []
        for i in range(args.repeat):
            renders.append(render(con, f"bench-{i}", requests))
            sql_times.append(run_sql(con, queries))
        ibis_times = [t for t, _ in renders]
        best, rows = min(renders, key=lambda r: r[0])

        print(
            f"\nthe overview for {args.period}: {len(requests)} metric computations, "
            f"warm, {args.repeat} renders (load average {load:.2f} before):"
        )
        print(f"{'metric':<28}{'scope':<17}{'s':>7}  rows")
        missing = 0
        for name, scope, seconds, result in rows:
            if result.failed:
                raise SystemExit(f"{name} failed: {result.missing}")
            if result.missing:
                missing += 1
                what = f"skipped: MissingData: {result.missing[:60]}..."
            else:
                what = str(len(result.frame))
            print(f"{name:<28}{scope.period or 'all time':<17}{seconds:>7.3f}  {what}")
        if missing:
            print(f"({missing} of {len(rows)} stop at once with MissingData)")
        print(f"\nall overview metrics (Ibis, as the page): {spread(ibis_times)}  (target < 1 s)")
        print(f"hand-written SQL, {len(queries)} distinct queries: {spread(sql_times)}")
        print(f"ratio of the bests: {min(ibis_times) / min(sql_times):.2f}x (target <= 3x)")
        con.close()


if __name__ == "__main__":
    main()
