"""The command line as a user meets it: whole processes, start-up included, against baselines.

    python bench/bench_cli.py [--rounds 7] [--rows 100000] [--keep DIR] [--only start|import]
                              [--compare CHECKOUT]

Targets (issue 13, item 10): ``python -m pmo_metrics --help`` and ``kpi --list`` under 0.3 s;
importing a 100,000-row ticket workbook (``python -m pmo_metrics import FILE --db NEW``) within
1.3x of a process that only reads it with python-calamine. Unlike ``bench_import.py`` (which
times the work after the modules are imported), every figure here is a whole process: the
interpreter's start, every import, the work and the exit, as typed at a shell.

Start-up is compared with ``python -c pass`` on the same interpreter, the least any command can
cost. The workbook is the ServiceNow export ``bench_import.tickets_xlsx`` writes; the import
writes into a fresh DuckDB file each time; the baseline opens the same workbook with
python-calamine and turns its first sheet into Python rows, in a process of its own.

Each process is started by a small launcher that forks, execs it and collects it with
``wait4``: the wall time from fork to reaping, the CPU time (user + system, its own and its
children's: the import's read-ahead worker counts), and the process's peak resident memory
(``ru_maxrss``, the larger of its own and its children's; Linux carries the forking process's
peak across exec, and the launcher's own is below any Python's, whereas this script's would not
be). On a machine without an idle core the CPU time tells more than the wall time. The machine
is shared and noisy: the cases alternate within each round so that all see the same load, and
medians are compared; the load average is printed before and after timing, and for the import
the median of each round's own ratio too (the two runs of a round see about the same load).

``--compare CHECKOUT`` also times the import as another copy of the project runs it (e.g.
``git archive COMMIT | tar -x -C /tmp/before``), in the same rounds, and prints each round's
ratio of this import to that one: a change's effect under the same load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LAUNCHER = """
import json, os, sys, time
argv = json.loads(sys.argv[1])
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # what the command prints is not measured
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024,
                  "cpu": usage.ru_utime + usage.ru_stime,
                  "code": os.waitstatus_to_exitcode(status)}))
"""

CALAMINE_READ = (
    "import sys\n"
    "from python_calamine import CalamineWorkbook\n"
    "rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()\n"
)


def run_once(argv: list[str], root: Path = ROOT) -> dict:
    """One whole process of ``argv`` run in the project at ``root``: wall seconds, peak MB; its
    stderr shown if it fails."""
    out = subprocess.run(
        [sys.executable, "-c", LAUNCHER, json.dumps(argv)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        raise SystemExit(f"the launcher failed:\n{out.stderr}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"{' '.join(argv[1:])} exited {result['code']}:\n{out.stderr}")
    return result


def medians(
    rounds: int,
    cases: dict[str, list[str]],
    before: dict[str, Callable[[], None]] | None = None,
    roots: dict[str, Path] | None = None,
) -> dict[str, dict]:
    """Each case once per round, in turn; per case the median time and memory, and all times.
    ``before[name]()`` runs untimed before that case's every run (a fresh store); ``roots``
    names the project a case runs in, when it is not this one."""
    found: dict[str, list[dict]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, argv in cases.items():
            if before and name in before:
                before[name]()
            found[name].append(run_once(argv, (roots or {}).get(name, ROOT)))
    return {
        name: {
            "seconds": statistics.median(r["seconds"] for r in results),
            "peak_mb": statistics.median(r["peak_mb"] for r in results),
            "cpu": statistics.median(r["cpu"] for r in results),
            "all": [round(r["seconds"], 3) for r in results],
        }
        for name, results in found.items()
    }


def start_up(rounds: int) -> None:
    py = sys.executable
    cases = {
        "python -c pass": [py, "-c", "pass"],
        "python -m pmo_metrics --help": [py, "-m", "pmo_metrics", "--help"],
        "python -m pmo_metrics kpi --list": [py, "-m", "pmo_metrics", "kpi", "--list"],
    }
    found = medians(rounds, cases)
    base = found["python -c pass"]
    print(f"start-up, median of {rounds} (target: under 0.3 s each)")
    for name, r in found.items():
        ratio = r["seconds"] / base["seconds"]
        verdict = "" if r is base else ("  met" if r["seconds"] < 0.3 else "  NOT met")
        print(
            f"  {name:<34} {r['seconds']:6.3f} s  {ratio:5.2f}x python -c pass  "
            f"peak {r['peak_mb']:4.0f} MB{verdict}   (all: {r['all']})"
        )


def workbook_import(rounds: int, rows: int, work: Path, compare: Path | None = None) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_import import tickets_xlsx  # the ServiceNow workbook bench_import times too

    path = work / f"tickets_{rows}.xlsx"
    if not path.exists():
        t = time.perf_counter()
        tickets_xlsx(path, rows)
        print(
            f"generated {path.name} ({path.stat().st_size >> 20} MB) in "
            f"{time.perf_counter() - t:.0f} s"
        )
    db = work / "cli.duckdb"

    def fresh_store() -> None:
        for stale in (db, db.with_name(db.name + ".wal")):
            stale.unlink(missing_ok=True)

    py = sys.executable
    ours_argv = [py, "-m", "pmo_metrics", "import", str(path), "--db", str(db)]
    cases = {
        "python-calamine read": [py, "-c", CALAMINE_READ, str(path)],
        "python -m pmo_metrics import": ours_argv,
    }
    before = {"python -m pmo_metrics import": fresh_store}
    roots = {}
    if compare is not None:
        cases["import as CHECKOUT runs it"] = ours_argv
        before["import as CHECKOUT runs it"] = fresh_store
        roots["import as CHECKOUT runs it"] = compare.resolve()
    found = medians(rounds, cases, before=before, roots=roots)
    base, ours = found["python-calamine read"], found["python -m pmo_metrics import"]
    ratio = ours["seconds"] / base["seconds"]
    verdict = "met" if ratio <= 1.3 else "NOT met"
    # The two of one round ran back to back, under about the same load: their ratios drift
    # less with the machine's load than the medians do.
    pairs = statistics.median(o / b for o, b in zip(ours["all"], base["all"], strict=True))
    print(f"{rows:,}-row ticket .xlsx, whole processes, median of {rounds}")
    for name, r in found.items():
        print(
            f"  {name:<34} {r['seconds']:6.3f} s  CPU {r['cpu']:5.2f} s  "
            f"peak {r['peak_mb']:4.0f} MB   (all: {r['all']})"
        )
    print(f"  ratio import / read {ratio:.2f} (target <= 1.3: {verdict})")
    print(f"  median of the rounds' own ratios {pairs:.2f}")
    if compare is not None:
        other = found["import as CHECKOUT runs it"]
        theirs = statistics.median(o / b for o, b in zip(other["all"], base["all"], strict=True))
        change = statistics.median(o / c for o, c in zip(ours["all"], other["all"], strict=True))
        print(f"  {compare}: median of the rounds' own ratios to the read {theirs:.2f}")
        print(f"  this import / {compare}'s, median of the rounds' own ratios {change:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="alternating rounds; medians")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the ticket workbook")
    parser.add_argument("--keep", type=Path, help="generate into (and keep) this directory")
    parser.add_argument("--only", choices=["start", "import"])
    parser.add_argument(
        "--compare", type=Path, metavar="CHECKOUT", help="also time the import as run there"
    )
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.only != "import":
        start_up(args.rounds)
    if args.only != "start":
        work = args.keep or Path(tempfile.mkdtemp(prefix="pmo-bench-cli-"))
        work.mkdir(parents=True, exist_ok=True)
        try:
            workbook_import(args.rounds, args.rows, work, args.compare)
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
    print(f"load average {os.getloadavg()[0]:.1f} after timing")


if __name__ == "__main__":
    main()
