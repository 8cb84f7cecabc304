"""Benchmark: every metric the overview page computes (Ibis over DuckDB) against hand-written SQL.

Generates 1,000,000 work items and 2,000,000 tickets (vectorised numpy, ~50 projects, ~300
sprints, 20 services) into a DuckDB file (in a temporary folder, or ``--db`` to keep and reuse
it), then times one render's worth of metrics exactly as the page computes them:
``ui.data.overview_requests`` lists each (metric, scope) the overview asks for (KPI cards over
their trend window or the month and the month before, the service status, the portfolio health,
the trends, the risks, the PMO rollout) and ``ui.data.compute_metric`` computes each one, the
path the page's cached ``metric_table`` takes (pooled Sources, building blocks shared per data
version). Each timed render gets a fresh data version, so nothing computed in an earlier render
is reused: only the SQL compiled from the expressions is warm. Alternating with it, the
equivalent hand-written DuckDB SQL group-bys (each distinct query once) return their tables as
pandas. Warm: one untimed render and SQL pass first, then ``--repeat`` of each; prints the
best, median and worst of each, the ratio of the bests and the best render's breakdown. The
generated data has no costs, risks, improvement actions or stakeholders: metrics on those stop
at once with MissingData (the page shows an empty state), and the output says so.

    python bench/bench_metrics.py [--items 1000000] [--tickets 2000000] [--period 2026-03]
                                  [--repeat 5] [--db PATH]

Target (issue 4): the overview's metrics within 3x the SQL, and under 1 s warm in total.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import streamlit  # noqa: E402, F401  (ui.data caches with it: quiet its "no runtime" warnings)

logging.getLogger("streamlit").setLevel(logging.ERROR)
for _name in list(logging.root.manager.loggerDict):
    if _name.startswith("streamlit"):
        logging.getLogger(_name).setLevel(logging.ERROR)

from pmo_metrics.metrics.source import Filters  # noqa: E402
from pmo_metrics.store import connect  # noqa: E402
from ui.data import Scope, compute_metric, overview_requests  # noqa: E402

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
    con.execute(
        "INSERT INTO services BY NAME SELECT unnest(?) AS service, 'launched' AS state", [services]
    )

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
    con.execute("CHECKPOINT")


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
# What a metric on a register the generated data lacks costs by hand: finding it empty.
EMPTY_REGISTER = {
    "cpi": "costs", "budget-variance": "costs", "on-time-rate": "improvement_actions",
    "overdue-actions": "improvement_actions", "open-high-risks": "risks", "risks": "risks",
    "overdue-communications": "stakeholders",
}  # fmt: skip


def between(scope: Scope, kind: str = "TIMESTAMP") -> str:
    f = scope.filters()
    return f"BETWEEN {kind} '{f.start}' AND {kind} '{f.end}' - INTERVAL 1 MICROSECOND"


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
    if name in EMPTY_REGISTER:
        return [f"SELECT count(*) FROM {EMPTY_REGISTER[name]}"]
    end = scope.filters().end
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
        ]
    if name == "services-launched-by-month":
        return ["SELECT service, state, launch_date FROM services ORDER BY launch_date, service"]
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
            print(f"generated {args.items:,} work items and {args.tickets:,} tickets "
                  f"in {time.perf_counter() - t0:.1f} s")  # fmt: skip
        else:
            print(f"reusing {args.db}")
        Filters.from_period(args.period)  # validates the period
        requests = overview_requests(Scope(period=args.period))
        queries = list(dict.fromkeys(q for name, scope in requests for q in sql_twins(name, scope)))

        render(con, "warm-up", requests)
        run_sql(con, queries)
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
        print(f"({missing} of {len(rows)} stop at once with MissingData: the generated data has "
              "no costs, risks, improvement actions or stakeholders)")  # fmt: skip
        print(f"\nall overview metrics (Ibis, as the page): {spread(ibis_times)}  (target < 1 s)")
        print(f"hand-written SQL, {len(queries)} distinct queries: {spread(sql_times)}")
        print(f"ratio of the bests: {min(ibis_times) / min(sql_times):.2f}x (target <= 3x)")
        con.close()


if __name__ == "__main__":
    main()
