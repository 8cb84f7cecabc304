"""Every dashboard page rendered warm with AppTest on the sample data, against a trivial page.

    python bench/bench_pages.py [--db PATH] [--repeat 5]

Builds the sample database in a temporary folder unless ``--db`` names one. Each page is run
once cold (filling the caches), then ``--repeat`` more times; the median warm time is printed
with its ratio to a trivial one-line page timed the same way in the same run. Target: every
page under 2 s warm.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = (
    "overview", "services", "applications", "delivery", "flow", "risks", "improvement",
    "data", "explore", "report",
)  # fmt: skip
TRIVIAL = "import streamlit as st\nst.title('trivial')\nst.write('one line')\n"


def sample_db(folder: Path) -> Path:
    from pmo_metrics.demo import load_demo
    from pmo_metrics.store.connection import connect

    path = folder / "sample.duckdb"
    con = connect(path)
    load_demo(con)
    con.close()
    return path


def timed_runs(at, repeat: int) -> tuple[float, float]:
    """(cold seconds, median warm seconds) of ``repeat`` reruns after a cold one."""
    start = time.perf_counter()
    at.run()
    cold = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    warm = []
    for _ in range(repeat):
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
    return cold, statistics.median(warm)


def main() -> int:
    from streamlit.testing.v1 import AppTest

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(args.db) if args.db else sample_db(Path(folder))
        os.environ.update(PMO_DB=str(db), PMO_DEMO="1", PMO_DEMO_ON_EMPTY="0")
        _, baseline = timed_runs(AppTest.from_string(TRIVIAL, default_timeout=600), args.repeat)
        print(f"trivial page: {baseline * 1000:.0f} ms warm (baseline)")
        print(f"{'page':14s} {'cold s':>8s} {'warm s':>8s} {'ratio':>7s}")
        worst = 0.0
        for page in PAGES:
            at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=600)
            cold, warm = timed_runs(at, args.repeat)
            worst = max(worst, warm)
            print(f"{page:14s} {cold:8.2f} {warm:8.3f} {warm / baseline:7.1f}x")
        print(
            f"slowest warm page: {worst:.3f} s ({'under' if worst < 2 else 'OVER'} the 2 s target)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
