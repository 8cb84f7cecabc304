"""Benchmark: the overview page's metrics (Ibis over DuckDB) against hand-written DuckDB SQL.

Generates 1,000,000 work items and 2,000,000 tickets (vectorised numpy, ~50 projects, ~300
sprints, 20 services) into a DuckDB file in a temporary folder, then times, warm (best of 5 after
a warm-up), each metric the overview page computes through the registry (Ibis expressions,
results as pandas) and an equivalent hand-written DuckDB SQL group-by returning the same table
as pandas, in the same run. Prints each time, the ratio and the totals.

    python bench/bench_metrics.py [--items 1000000] [--tickets 2000000] [--period 2026-03]

Target (issue 4): the metrics within 3x the SQL, and under 1 s warm in total.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pmo_metrics.metrics.registry import MissingData, get  # noqa: E402
from pmo_metrics.metrics.source import Filters, Source  # noqa: E402
from pmo_metrics.store import connect  # noqa: E402

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


def sql_twins(start: str, end: str) -> dict[str, str]:
    period = f"BETWEEN TIMESTAMP '{start}' AND TIMESTAMP '{end}' - INTERVAL 1 MICROSECOND"
    return {
        "velocity": f"""
            WITH m AS (
                SELECT i.team_ AS team, i.item_key, unnest(i.sprints) AS sprint, i.estimate,
                       i.status_category = 'Done' AS done
                FROM {ITEMS} i WHERE NOT i.is_epic AND NOT i.is_subtask),
            o AS (SELECT m.*, c.start_date, c.end_date, c.committed_points
                  FROM m LEFT JOIN sprints c USING (team, sprint)),
            last AS (SELECT team, item_key, arg_max(sprint, start_date) AS sprint,
                            any_value(estimate) AS estimate
                     FROM o WHERE done GROUP BY ALL),
            committed AS (SELECT team, sprint, sum(coalesce(estimate, 0)) AS est,
                                 count(*) AS items, any_value(committed_points) AS cal,
                                 any_value(start_date) AS start_date,
                                 any_value(end_date) AS end_date
                          FROM o GROUP BY ALL),
            completed AS (SELECT team, sprint, sum(coalesce(estimate, 0)) AS pts,
                                 count(*) AS n, count(*) FILTER (estimate IS NULL) AS unest
                          FROM last GROUP BY ALL)
            SELECT team, sprint, start_date, end_date, coalesce(cal, est) AS committed_points,
                   coalesce(pts, 0) AS completed_points,
                   coalesce(pts, 0) / nullif(coalesce(cal, est), 0) AS say_do_ratio,
                   coalesce(cal, est) - coalesce(pts, 0) AS carry_over_points,
                   items, coalesce(n, 0) AS completed_items, coalesce(unest, 0) AS unest
            FROM committed LEFT JOIN completed USING (team, sprint)
            WHERE end_date {period.replace("TIMESTAMP", "DATE")} OR end_date IS NULL
            ORDER BY team, start_date
        """,
        "throughput": f"""
            SELECT application, date_trunc('month', coalesce(resolved, status_changed)) AS month,
                   count(*) AS items
            FROM {ITEMS} WHERE NOT is_epic AND status_category = 'Done'
              AND coalesce(resolved, status_changed) {period}
            GROUP BY ALL ORDER BY ALL
        """,
        "lead-time": f"""
            WITH d AS (SELECT application,
                              date_diff('second', created, coalesce(resolved, status_changed))
                              / 86400.0 AS days
                       FROM {ITEMS} WHERE NOT is_epic AND status_category = 'Done'
                         AND coalesce(resolved, status_changed) {period} AND created IS NOT NULL)
            SELECT application, count(*) AS items, quantile_cont(days, 0.5) AS p50,
                   quantile_cont(days, 0.85) AS p85, quantile_cont(days, 0.95) AS p95,
                   avg(days) AS mean, (SELECT quantile_cont(days, 0.85) FROM d) AS overall
            FROM d GROUP BY ALL ORDER BY ALL
        """,
        "sla-compliance": f"""
            WITH j AS (SELECT t.service, date_trunc('month', t.resolved) AS month,
                              coalesce(t.made_sla, date_diff('second', t.opened, t.resolved)
                                       / 3600.0 <= r.target_hours) AS met
                       FROM {TICKETS} t LEFT JOIN resolution_targets r
                         ON r.service = t.service AND r.priority = t.priority
                       WHERE t.resolved {period})
            SELECT service, month, count(*) AS resolved, count(met) AS tickets,
                   count(*) FILTER (met) AS met_sla,
                   100.0 * count(*) FILTER (met) / nullif(count(met), 0) AS pct
            FROM j GROUP BY ALL ORDER BY ALL
        """,
        "mttr": f"""
            WITH h AS (SELECT service, date_trunc('month', resolved) AS month,
                              date_diff('second', opened, resolved) / 3600.0 AS hours
                       FROM {TICKETS} WHERE resolved {period})
            SELECT service, month, count(*) AS tickets, avg(hours) AS mttr,
                   quantile_cont(hours, 0.9) AS p90
            FROM h GROUP BY ALL ORDER BY ALL
        """,
        "ticket-backlog": f"""
            WITH p AS (SELECT m AS month, m + INTERVAL 1 MONTH AS measured_at
                       FROM range(TIMESTAMP '{start}', TIMESTAMP '{end}', INTERVAL 1 MONTH) r(m)),
            s AS (SELECT service, opened,
                         CASE WHEN coalesce(resolved, closed) IS NULL AND is_open
                              THEN TIMESTAMP '9999-01-01'
                              ELSE coalesce(resolved, closed) END AS ended
                  FROM {TICKETS})
            SELECT service, month, count(*) AS open_tickets,
                   avg(date_diff('second', opened, measured_at) / 86400.0) AS mean_age,
                   quantile_cont(date_diff('second', opened, measured_at) / 86400.0, 0.9) AS p90
            FROM s JOIN p ON s.opened < p.measured_at AND s.ended >= p.measured_at
            GROUP BY ALL ORDER BY ALL
        """,
    }


# --- timing -------------------------------------------------------------------------------------


def best_of_pair(
    first: Callable[[], object], second: Callable[[], object] | None, repeat: int
) -> tuple[float, float | None]:
    """Warm both up, then time them alternately ``repeat`` times: on a shared machine both
    see the same load. Returns the best time of each."""
    first()
    if second is not None:
        second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, out in ((first, times[0]), (second, times[1])):
            if fn is None:
                continue
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    return min(times[0]), (min(times[1]) if times[1] else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--tickets", type=int, default=2_000_000)
    parser.add_argument("--period", default="2026-03", help="YYYY-MM[:YYYY-MM] of the overview")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", type=Path, help="keep the generated store here and reuse it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        con = connect(args.db or Path(tmp) / "bench.duckdb")
        if con.execute("SELECT count(*) FROM work_items").fetchall() == [(0,)]:
            t0 = time.perf_counter()
            generate(con, args.items, args.tickets)
            print(f"generated {args.items:,} work items and {args.tickets:,} tickets "
                  f"in {time.perf_counter() - t0:.1f} s")  # fmt: skip
        else:
            print(f"reusing {args.db}")
        source = Source.from_duckdb(con)
        filters = Filters.from_period(args.period)
        twins = sql_twins(str(filters.start), str(filters.end))
        overview = ["velocity", "say-do", "throughput", "lead-time", "sla-compliance", "mttr",
                    "ticket-backlog", "scorecard", "portfolio-health"]  # fmt: skip
        print(f"\noverview metrics for {args.period}, warm, best of {args.repeat}:")
        print(f"{'metric':<18}{'ibis (s)':>10}{'sql (s)':>10}{'ratio':>8}  rows")
        total_ibis = total_sql = total_paired = 0.0
        for name in overview:
            try:
                metric = get(name)
            except KeyError:
                print(f"{name:<18}   (not registered yet: skipped)")
                continue
            try:
                rows = len(metric.run(source, filters))
            except MissingData as exc:
                print(f"{name:<18}   skipped: {exc}")
                continue
            twin = twins.get("velocity" if name == "say-do" else name)
            run_sql = (lambda q=twin: con.execute(q).df()) if twin else None
            ibis_s, sql_s = best_of_pair(
                lambda m=metric: m.run(source, filters), run_sql, args.repeat
            )
            total_ibis += ibis_s
            if sql_s is None:
                print(f"{name:<18}{ibis_s:>10.3f}{'-':>10}{'-':>8}  {rows}  (no SQL twin)")
                continue
            total_sql += sql_s
            total_paired += ibis_s
            print(f"{name:<18}{ibis_s:>10.3f}{sql_s:>10.3f}{ibis_s / sql_s:>7.2f}x  {rows}")
        print(f"\npaired metrics: ibis {total_paired:.3f} s, sql {total_sql:.3f} s, "
              f"ratio {total_paired / total_sql:.2f}x (target <= 3x)")  # fmt: skip
        print(f"all overview metrics: {total_ibis:.3f} s warm (target < 1 s)")
        con.close()


if __name__ == "__main__":
    main()
