"""Benchmark: the monthly report of the sample, built by this tree against a baseline commit.

Loads the sample (``pmo_metrics.demo.load_demo``) into a DuckDB store in a temporary folder
and builds its latest month's report (the month of the last resolved ticket, as
tests/exports/test_exports_report_sample.py does), in English, ``--repeat`` times with this
tree's code and as many with the code of ``--baseline`` (a commit, extracted with ``git
archive`` into the temporary folder), alternating, each build in a fresh process (imports and
Ibis' caches cold, as the command line builds it) and timed inside it from opening the store
to the saved workbook. Prints the median, best and worst of each and the ratio of the medians
new / baseline: the machine is shared, so the two are only compared with each other. The
process's CPU time (its own threads and DuckDB's) is printed beside the wall time: on a busy
machine it moves less than the wall time, so its ratio is a check on the wall time's.

    python bench/bench_report.py [--repeat 5] [--baseline 0c3add8] [--month YYYY-MM]

Target (issue 13, item 3): the report in under a third of the baseline's time.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "0c3add8"  # the last commit before the report's one-pass plans (issue 13, item 3)

# Run in a child process with the code to time first on sys.path: time one build.
BUILD = """
import sys, time
sys.path.insert(0, sys.argv[1])
import duckdb
from pmo_metrics.exports.report import build_report
from pmo_metrics.metrics.source import Source
start, cpu = time.perf_counter(), time.process_time()
con = duckdb.connect(sys.argv[2], read_only=True)
summary = build_report(Source.from_duckdb(con), sys.argv[3], sys.argv[4], lang=sys.argv[5])
print(time.perf_counter() - start, time.process_time() - cpu, len(summary.sheets))
"""


def make_store(folder: Path) -> tuple[Path, str]:
    sys.path.insert(0, str(ROOT))
    from pmo_metrics.demo import load_demo
    from pmo_metrics.store.connection import connect, fetch_scalar

    db = folder / "sample.duckdb"
    con = connect(db)
    load_demo(con)
    month = fetch_scalar(con, "SELECT strftime(max(resolved), '%Y-%m') FROM tickets")
    con.close()
    return db, str(month)


def extract(commit: str, folder: Path) -> Path:
    """The package as of ``commit``, in ``folder``."""
    data = subprocess.run(
        ["git", "archive", "--format=tar", commit, "pmo_metrics"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def build(code: Path, db: Path, month: str, out: Path, lang: str) -> tuple[float, float]:
    """One build's wall time and CPU time, in seconds."""
    done = subprocess.run(
        [sys.executable, "-c", BUILD, str(code), str(db), month, str(out), lang],
        capture_output=True, text=True, check=True, cwd=out.parent,
    )  # fmt: skip
    wall, cpu = done.stdout.split()[:2]
    return float(wall), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--month", help="default: the sample's last month with resolved tickets")
    parser.add_argument("--lang", default="en")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db, month = make_store(folder)
        month = args.month or month
        old = extract(args.baseline, folder / "baseline")
        times: dict[str, list[float]] = {"baseline": [], "new": []}
        cpus: dict[str, list[float]] = {"baseline": [], "new": []}
        for i in range(args.repeat):
            for name, code in (("baseline", old), ("new", ROOT)):
                out = folder / f"{name}-{i}.xlsx"
                wall, cpu = build(code, db, month, out, args.lang)
                times[name].append(wall)
                cpus[name].append(cpu)
                print(f"  run {i + 1} {name:8s} {wall:6.2f} s (cpu {cpu:6.2f} s)", flush=True)
        print(f"report of {month} ({args.lang}), {args.repeat} builds each, alternating:")
        for name, values in times.items():
            print(
                f"  {name:8s} median {statistics.median(values):6.2f} s  best {min(values):6.2f}"
                f"  worst {max(values):6.2f}  cpu median {statistics.median(cpus[name]):6.2f}"
            )
        ratio = statistics.median(times["new"]) / statistics.median(times["baseline"])
        cpu_ratio = statistics.median(cpus["new"]) / statistics.median(cpus["baseline"])
        print(f"  new / baseline (medians): {ratio:.2f} (cpu {cpu_ratio:.2f})")


if __name__ == "__main__":
    main()
