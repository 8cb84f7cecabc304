"""The overview's metrics at data-platform scale: DuckDB vs Apache Spark (local), same Parquet.

    python bench/bench_scale.py [--items 10000000] [--tickets 20000000] [--dir DIR]
                                [--engines duckdb,spark] [--spark-memory 6g] [--keep]

Generates a Parquet lake of canonical tables (10,000,000 work items and 20,000,000 tickets by
default, plus a portfolio, catalog, effort, costs, risks, actions and stakeholders of realistic
size) with DuckDB ``range()`` SQL, chunk by chunk, so memory stays bounded. Then computes the
overview's metrics (over all history, the heaviest selection) on each engine in its own
subprocess through ``pmo_metrics.engine.lake_source``: the same Ibis definitions, unchanged.
Peak memory is the whole process tree's resident set (Python + DuckDB, or Python + the Spark
JVM), sampled from /proc every 0.2 s. Prints a table and the ratio Spark / DuckDB. The lake is
deleted at the end unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The overview page's numbers (pages/overview.py) and the flow / service trends behind them.
OVERVIEW_METRICS = (
    "sla-compliance", "mttr", "ticket-backlog", "throughput", "lead-time", "velocity",
    "say-do", "service-status", "portfolio-health", "cpi", "budget-variance", "on-time-rate",
    "overdue-actions", "open-high-risks", "overdue-communications",
)  # fmt: skip

APPLICATIONS = 200  # Jira projects P0..P199, one application each; CIs ci-0..ci-299
SERVICES = 10
CHUNK_ROWS = 2_500_000
START = "TIMESTAMP '2023-01-01 00:00:00'"
SPAN_SECONDS = 3 * 365 * 86_400  # three years of history

# --- generation (DuckDB SQL over range(): vectorised, one chunk file at a time) --------------

WORK_ITEMS = f"""
SELECT
    'P' || (i % {APPLICATIONS}) || '-' || i AS item_key,
    'jira' AS source,
    'P' || (i % {APPLICATIONS}) AS project,
    NULL::VARCHAR AS team,
    CASE WHEN i % 500 = 0 THEN 'Epic' WHEN i % 10 = 1 THEN 'Sub-task'
         WHEN i % 5 = 2 THEN 'Bug' ELSE 'Story' END AS item_type,
    i % 500 = 0 AS is_epic,
    i % 10 = 1 AND i % 500 <> 0 AS is_subtask,
    NULL::VARCHAR AS summary,
    CASE WHEN r < 70 THEN 'Done' WHEN r < 80 THEN 'In Progress' ELSE 'Backlog' END AS status,
    CASE WHEN r < 70 THEN 'Done' WHEN r < 80 THEN 'In Progress' ELSE 'To Do' END
        AS status_category,
    CASE WHEN h(i + 1, 10) = 0 THEN NULL
         ELSE [1, 2, 3, 5, 8, 13][1 + h(i + 2, 6)] END::DOUBLE AS estimate,
    created,
    CASE WHEN r < 70 THEN created + to_seconds(h(i + 4, 40 * 86400)) END
        AS resolved,
    NULL::TIMESTAMP AS started,
    CASE WHEN r < 70 THEN created + to_seconds(h(i + 4, 40 * 86400)) END
        AS status_changed,
    NULL::VARCHAR AS parent_key,
    CASE WHEN r >= 80 THEN []::VARCHAR[]
         WHEN h(i + 5, 5) = 0 THEN ['Sprint ' || sprint, 'Sprint ' || (sprint + 1)]
         ELSE ['Sprint ' || sprint] END AS sprints,
    []::VARCHAR[] AS labels,
    'user' || h(i + 6, 1000) AS assignee,
    'Medium' AS priority
FROM (
    SELECT i, h(i, 100) AS r,
           {START} + to_seconds(h(i + 3, {SPAN_SECONDS})) AS created,
           1 + h(i + 3, {SPAN_SECONDS}) // (14 * 86400) AS sprint
    FROM range({{start}}, {{stop}}) t(i)
)
"""

TICKETS = f"""
SELECT
    'INC' || lpad(i::VARCHAR, 9, '0') AS ticket_id,
    'servicenow' AS source,
    CASE WHEN i % 4 = 0 THEN 'request' ELSE 'incident' END AS ticket_type,
    'S' || (i % {SERVICES}) AS service,
    'ci-' || h(i + 1, 300) AS configuration_item,
    priority::INTEGER AS priority,
    priority || ' - ' || ['Critical', 'High', 'Moderate', 'Low', 'Planning'][priority]
        AS priority_label,
    CASE WHEN is_open THEN 'In Progress' ELSE 'Closed' END AS state,
    is_open,
    opened,
    CASE WHEN NOT is_open THEN opened + to_seconds(h(i + 4, 200 * 3600)) END
        AS resolved,
    CASE WHEN NOT is_open
         THEN opened + to_seconds((h(i + 4, (200 * 3600)))::BIGINT + 86400) END AS closed,
    CASE WHEN is_open OR h(i + 5, 2) = 0 THEN NULL ELSE h(i + 6, 10) < 9 END
        AS made_sla,
    CASE WHEN h(i + 7, 50) = 0 THEN 1 ELSE 0 END::INTEGER AS reopen_count,
    'group-' || h(i + 8, 40) AS assignment_group,
    NULL::VARCHAR AS short_description
FROM (
    SELECT i, 1 + h(i + 2, 5) AS priority, h(i + 3, 100) < 3 AS is_open,
           {START} + to_seconds(h(i + 9, {SPAN_SECONDS})) AS opened
    FROM range({{start}}, {{stop}}) t(i)
)
"""

SMALL_TABLES = {
    "applications": f"""
        SELECT 'App ' || k AS application, NULL::VARCHAR AS description,
               ['S' || (k % {SERVICES})] AS services, 'Area ' || (k % 7) AS client_area,
               ['low', 'medium', 'high', 'critical'][1 + k % 4] AS criticality,
               'owner' || (k % 30) AS owner, 'production' AS lifecycle,
               'P' || k AS jira_project, NULL::VARCHAR AS ado_project, 'ci-' || k AS itsm_ci,
               'Team ' || (k % 40) AS team, k = 0 AS is_pmo
        FROM range({APPLICATIONS}) t(k)""",
    "services": f"""
        SELECT 'S' || k AS service, NULL::VARCHAR AS description, NULL::VARCHAR AS criteria,
               NULL::VARCHAR AS value_process, NULL::VARCHAR AS roles,
               NULL::VARCHAR AS profiles, 'launched' AS state,
               DATE '2023-01-01' + INTERVAL (k * 30) DAY AS launch_date
        FROM range({SERVICES}) t(k)""",
    "indicators": f"""
        SELECT 'S' || k AS service, ind.indicator, ind.metric, ind.target, ind.direction,
               ind.amber AS amber_threshold
        FROM range({SERVICES}) t(k),
             (VALUES ('SLA compliance', 'sla-compliance', 90.0, 'higher', 80.0),
                     ('MTTR', 'mttr', 24.0, 'lower', 48.0),
                     ('Throughput', 'throughput', 100.0, 'higher', 50.0))
             ind(indicator, metric, target, direction, amber)""",
    "resolution_targets": f"""
        SELECT 'S' || k AS service, p::INTEGER AS priority,
               [4.0, 8.0, 24.0, 72.0, 240.0][p] AS target_hours
        FROM range({SERVICES}) t(k), range(1, 6) q(p)""",
    "sprints": """
        SELECT 'Team ' || k AS team, 'Sprint ' || s AS sprint,
               (DATE '2023-01-01' + INTERVAL ((s - 1) * 14) DAY)::DATE AS start_date,
               (DATE '2023-01-01' + INTERVAL ((s - 1) * 14 + 13) DAY)::DATE AS end_date,
               NULL::DOUBLE AS committed_points, NULL::VARCHAR AS goal
        FROM range(40) t(k), range(1, 80) u(s)""",
    "effort": f"""
        SELECT 'person' || p AS person, ['developer', 'analyst', 'tester'][1 + p % 3] AS role,
               NULL::VARCHAR AS profile, (DATE '2023-01-02' + INTERVAL (d) DAY)::DATE AS work_date,
               8.0 AS hours, 'S' || (p % {SERVICES}) AS service, 'App ' || (p % {APPLICATIONS})
               AS application
        FROM range(300) t(p), range(0, 1095) u(d) WHERE d % 7 < 5""",
    "costs": f"""
        SELECT 'App ' || k AS application,
               (DATE '2023-01-01' + INTERVAL (m) MONTH)::DATE AS month,
               10000.0 * (m + 1) AS budget, 10500.0 * (m + 1) - 50 * (k % 20) AS actual,
               10000.0 * (m + 1) AS planned_value, 9800.0 * (m + 1) AS earned_value,
               NULL::DOUBLE AS pct_complete, 360000.0 AS bac
        FROM range({APPLICATIONS}) t(k), range(36) u(m)""",
    "risks": f"""
        SELECT 'R' || k AS risk_id, 'risk ' || k AS title, 'App ' || (k % {APPLICATIONS})
               AS application, 'S' || (k % {SERVICES}) AS service,
               (1 + k % 5)::INTEGER AS probability, (1 + (k // 5) % 5)::INTEGER AS impact,
               'owner' || (k % 30) AS owner, CASE WHEN k % 3 = 0 THEN 'closed' ELSE 'open' END
               AS status, DATE '2024-01-01' AS raised, 'mitigate' AS mitigation,
               (DATE '2025-01-01' + INTERVAL (k % 600) DAY)::DATE AS mitigation_due,
               NULL::DATE AS closed
        FROM range(2000) t(k)""",
    "improvement_actions": f"""
        SELECT 'A' || k AS action_id, 'action ' || k AS title, 'S' || (k % {SERVICES})
               AS service, NULL::VARCHAR AS application, 'owner' || (k % 30) AS owner,
               CASE WHEN k % 4 = 0 THEN 'open' ELSE 'closed' END AS status,
               (DATE '2023-01-01' + INTERVAL (k % 1000) DAY)::DATE AS opened,
               (DATE '2023-02-01' + INTERVAL (k % 1000) DAY)::DATE AS due,
               CASE WHEN k % 4 <> 0 THEN (DATE '2023-01-20' + INTERVAL (k % 1030) DAY)::DATE
               END AS closed, 10.0 AS benefit_expected, 8.0 AS benefit_realised,
               'hours' AS benefit_unit
        FROM range(2000) t(k)""",
    "stakeholders": f"""
        SELECT 'stakeholder ' || k AS stakeholder, 'Org ' || (k % 10) AS organisation,
               'role' AS role, 'S' || (k % {SERVICES}) AS service, NULL::VARCHAR AS application,
               (1 + k % 5)::INTEGER AS power, (1 + (k // 5) % 5)::INTEGER AS interest,
               (1 + k % 5)::INTEGER AS current_engagement, 4::INTEGER AS desired_engagement,
               (DATE '2025-06-01' + INTERVAL (k % 300) DAY)::DATE AS last_contact,
               30::INTEGER AS contact_frequency_days
        FROM range(500) t(k)""",
}


def generate(directory: Path, items: int, tickets: int) -> dict[str, int]:
    """Write the lake: ``<dir>/<table>/part-NNN.parquet`` (folders of parts, as Spark writes)."""
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    # A deterministic pseudo-random integer in [0, n): the same lake on every run.
    con.execute("CREATE MACRO h(x, n) AS (hash(x) % n)::BIGINT")
    rows: dict[str, int] = {}
    for name, sql, total in (("work_items", WORK_ITEMS, items), ("tickets", TICKETS, tickets)):
        for part, start in enumerate(range(0, total, CHUNK_ROWS)):
            query = sql.format(start=start, stop=min(start + CHUNK_ROWS, total))
            _copy(con, query, directory / name / f"part-{part:03d}.parquet")
        rows[name] = total
    for name, sql in SMALL_TABLES.items():
        _copy(con, sql, directory / name / "part-000.parquet")
        rows[name] = con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]
    con.close()
    return rows


def _copy(con: duckdb.DuckDBPyConnection, query: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY ({query}) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 500000)")


# --- one engine, in a subprocess ----------------------------------------------------------------


def run_engine(engine: str, directory: Path, wanted: list[str]) -> dict:
    """(In the child.) Open the lake on ``engine``; compute each metric twice (cold, warm)."""
    from pmo_metrics.engine import lake_source
    from pmo_metrics.metrics.registry import REGISTRY, MissingData, get, load_all

    load_all()
    started = time.perf_counter()
    source = lake_source(directory, engine=engine)
    opened = time.perf_counter() - started
    names = [n for n in wanted if n in REGISTRY]
    result: dict = {"engine": engine, "open_seconds": opened, "metrics": {}}
    for name in names:
        timings, rows = [], None
        for _ in range(2):
            t = time.perf_counter()
            try:
                rows = len(get(name).run(source))
            except MissingData as exc:
                rows = f"missing: {exc}"
            timings.append(time.perf_counter() - t)
        result["metrics"][name] = {"cold": timings[0], "warm": timings[1], "rows": rows}
    result["total_seconds"] = time.perf_counter() - started
    return result


def measure(engine: str, directory: Path, spark_memory: str, metrics: str) -> dict:
    """Run one engine in a fresh subprocess; its result plus the process tree's peak RSS."""
    env = {**os.environ, "PMO_SPARK_MEMORY": spark_memory, "PYTHONPATH": str(ROOT)}
    env.pop("PMO_PARQUET_DIR", None)
    command = [sys.executable, __file__, "--child", engine, "--dir", str(directory)]
    command += ["--metrics", metrics]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    peak = TreePeak(child.pid)
    peak.start()
    out, _ = child.communicate()
    peak.stop()
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise RuntimeError(f"{engine} run failed (exit {child.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    result.update(wall_seconds=wall, peak_mb=peak.peak_kb / 1024)
    return result


class TreePeak(threading.Thread):
    """Peak of the summed resident set of a process and all its descendants, every 0.2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self._done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in _tree(self.pid)))
            self._done.wait(0.2)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# --- report -------------------------------------------------------------------------------------


def report(results: dict[str, dict]) -> None:
    engines = list(results)
    names = list(next(iter(results.values()))["metrics"])
    head = f"{'metric':<24}" + "".join(f"{e + ' cold':>13}{e + ' warm':>13}" for e in engines)
    if len(engines) == 2:
        head += f"{'warm ratio':>12}"
    print(head)
    for name in names:
        line = f"{name:<24}"
        for e in engines:
            m = results[e]["metrics"][name]
            line += f"{m['cold']:>12.2f}s{m['warm']:>12.2f}s"
        if len(engines) == 2:
            a, b = (results[e]["metrics"][name]["warm"] for e in engines)
            line += f"{b / a:>11.1f}x"
        print(line)
    print()
    for key, label in (
        ("open_seconds", "open the lake (Spark: start)"),
        ("total_seconds", "open + every metric twice"),
        ("wall_seconds", "process wall time"),
        ("peak_mb", "peak RSS, process tree (MB)"),
    ):
        values = [results[e][key] for e in engines]
        line = f"{label:<32}" + "".join(
            f"{e}: {v:>9.1f}   " for e, v in zip(engines, values, strict=True)
        )
        if len(engines) == 2 and values[0]:
            line += f"ratio {engines[1]}/{engines[0]}: {values[1] / values[0]:.1f}x"
        print(line)
    for e in engines:
        warm = sum(m["warm"] for m in results[e]["metrics"].values())
        cold = sum(m["cold"] for m in results[e]["metrics"].values())
        print(f"{e}: every overview metric, cold {cold:.1f} s, warm {warm:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000_000)
    parser.add_argument("--tickets", type=int, default=20_000_000)
    parser.add_argument("--dir", type=Path, help="where to write the lake (default: a temp dir)")
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--spark-memory", default="6g", help="Spark driver heap (local mode)")
    parser.add_argument("--keep", action="store_true", help="keep the generated lake")
    parser.add_argument("--reuse", action="store_true", help="use the lake already in --dir")
    parser.add_argument("--metrics", default=",".join(OVERVIEW_METRICS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        wanted = [m.strip() for m in args.metrics.split(",") if m.strip()]
        print(json.dumps(run_engine(args.child, args.dir, wanted)))
        return 0

    directory = args.dir or Path(tempfile.mkdtemp(prefix="pmo-scale-", dir=ROOT.parent))
    try:
        if not args.reuse:
            t = time.perf_counter()
            rows = generate(directory, args.items, args.tickets)
            size = sum(p.stat().st_size for p in directory.rglob("*.parquet")) / 2**20
            print(f"generated {rows['work_items']:,} work items and {rows['tickets']:,} tickets "
                  f"({size:,.0f} MB of Parquet) in {time.perf_counter() - t:.1f} s")  # fmt: skip
        results = {}
        for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
            results[engine] = measure(engine, directory, args.spark_memory, args.metrics)
            print(f"{engine}: {results[engine]['wall_seconds']:.1f} s wall, "
                  f"{results[engine]['peak_mb']:,.0f} MB peak", flush=True)  # fmt: skip
        print()
        report(results)
        print("\n" + json.dumps(results))
    finally:
        if not (args.keep or args.reuse):
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
