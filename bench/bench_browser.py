"""The dashboard in Chromium against a constant page with the same furniture, in one run.

    python bench/bench_browser.py [--rounds 3] [--db SAMPLE.duckdb] [--pages overview,services]
    python bench/bench_browser.py --first-start [--rounds 3]

Each round starts two servers on free loopback ports: ``streamlit run dashboard.py`` on a fresh
copy of the sample store (built once with ``python -m pmo_metrics demo`` unless ``--db`` names
one) and ``streamlit run bench/constant_page.py``, the same number of KPI cards, plotly charts and
tables filled with constants. Every page is opened from a shared link in a new browser context
(its own session) and timed until the script has stopped and nothing drawn has changed for 3 s:

- (a) the first overview after the server started (cold caches) against the constant page's
  first load after its own server started;
- (b) every page warm (opened once before, in another session) against the constant page with
  that page's furniture;
- (c) a sidebar filter change on the warm overview (the first service) against the constant
  page's rerun after the same widget change.

``--first-start`` times instead the dashboard's first start on a new machine: ``streamlit run``
on a store path that does not exist yet, the overview opened as soon as the server answers;
seconds from the command to the server answering, to the first progress of the sample's load,
and to the overview complete (target: under 10 s).

Prints the median of ``--rounds`` for each, the ratios, and the load average (the machine is
shared: compare the ratios of one run, not seconds across runs). Targets (issue 14): (a) within
1.3x, (b) within 1.2x (the overview 1.1x), (c) within 1.5x. Debian's Chromium, no download.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
CONSTANT = Path(__file__).resolve().parent / "constant_page.py"
CHROMIUM = os.environ.get("PMO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip
TAKEN_PORTS = {8650}  # another person's dashboard
_running: list[subprocess.Popen] = []  # the servers up now: stopped on any way out
QUIET_S = 3.0  # nothing drawn changed for this long: the page is complete
START_LIMIT_S = 180  # waits, not assertions: a busy machine may be very slow
PAGE_LIMIT_MS = 300_000
VIEWPORT = {"width": 1440, "height": 900}
TARGETS = {"cold": 1.3, "overview": 1.1, "page": 1.2, "filter": 1.5}

# What "drawn" means: elements in the main area, plotly's SVG layers, and the text shown.
FINGERPRINT = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  if (!main) return '';
  return main.querySelectorAll('[data-testid], .main-svg').length + ':' + main.innerText.length;
}"""
FURNITURE = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  const n = (s) => main ? main.querySelectorAll(s).length : 0;
  return {cards: n('[data-testid=stMetric]'), charts: n('[data-testid=stPlotlyChart]'),
          tables: n('[data-testid=stDataFrame]')};
}"""


def free_port() -> int:
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in TAKEN_PORTS:
            return port


def wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_LIMIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer /_stcore/health:\n{log.read_text()}")


@contextmanager
def server(script: Path, env: dict[str, str], log: Path) -> Iterator[str]:
    """``streamlit run script`` on a free port; killed (its whole process group) on exit."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(script),
               "--server.headless", "true", "--server.address", "127.0.0.1",
               "--server.port", str(port), "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--server.runOnSave", "false"]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: nothing it starts outlives the bench
        )
    _running.append(process)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, process, log)
        yield url
    finally:
        stop(process)
        _running.remove(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def stop_all_and_exit(signum: int, _frame: object) -> None:
    """On SIGTERM or Ctrl-C the servers go too, even while Playwright is waiting on a page."""
    for process in list(_running):
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    sys.exit(128 + signum)


def settle(page: Any, started: float, *, rerun: bool = False) -> float:
    """Seconds from ``started`` to the last change drawn, once the script has stopped and
    nothing has changed for QUIET_S. A first load waits for the title first (before the
    session's script starts, the empty app also says "notRunning")."""
    if rerun:
        try:
            page.wait_for_selector('[data-test-script-state="running"]', timeout=5000)
        except Exception:  # noqa: BLE001 - it may have run and stopped already
            pass
    else:
        page.wait_for_selector("[data-testid=stMain] h1", timeout=PAGE_LIMIT_MS)
    last, changed = None, time.perf_counter()
    while True:
        page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=PAGE_LIMIT_MS)
        now = page.evaluate(FINGERPRINT)
        if now != last:
            last, changed = now, time.perf_counter()
        elif time.perf_counter() - changed >= QUIET_S:
            return changed - started
        page.wait_for_timeout(100)


@contextmanager
def new_page(browser: Any) -> Iterator[Any]:
    """A new browser context: a new Streamlit session, as a link opened by someone else."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(PAGE_LIMIT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def open_link(browser: Any, url: str) -> tuple[float, dict[str, int], list[str]]:
    """(seconds until complete, furniture counted, the sidebar's page paths) of one link."""
    with new_page(browser) as page:
        started = time.perf_counter()
        page.goto(url, wait_until="commit")
        seconds = settle(page, started)
        links = page.locator('[data-testid="stSidebarNav"] a')
        hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
        paths = [urlparse(href).path for href in hrefs]
        return seconds, page.evaluate(FURNITURE), paths


def filter_change(browser: Any, url: str) -> float:
    """Seconds from choosing the first service in the sidebar to the page complete again."""
    with new_page(browser) as page:
        page.goto(url, wait_until="commit")
        settle(page, time.perf_counter())
        page.get_by_test_id("stSidebar").locator(".st-key-service").get_by_role("combobox").click()
        option = page.get_by_role("option").first
        option.wait_for()
        started = time.perf_counter()
        option.click()
        return settle(page, started, rerun=True)


def constant_link(url: str, furniture: dict[str, int]) -> str:
    return f"{url}/?lang=en&" + "&".join(f"{k}={v}" for k, v in furniture.items())


@dataclass
class Round:
    """One round's seconds, by measure: ("cold"|"filter"|page name) -> (dashboard, constant)."""

    seconds: dict[str, tuple[float, float]] = field(default_factory=dict)
    furniture: dict[str, dict[str, int]] = field(default_factory=dict)


def one_round(browser: Any, base: Path, folder: Path, only: list[str] | None) -> Round:
    store = folder / "store.duckdb"
    shutil.copyfile(base, store)
    result = Round()
    with ExitStack() as stack:
        app = stack.enter_context(server(ROOT / "dashboard.py", {"PMO_DB": str(store)},
                                         folder / "dashboard.log"))  # fmt: skip
        constant = stack.enter_context(server(CONSTANT, {}, folder / "constant.log"))
        cold, furniture, paths = open_link(browser, f"{app}/?lang=en")
        first, _, _ = open_link(browser, constant_link(constant, furniture))
        result.seconds["cold"] = (cold, first)
        result.furniture["overview"] = furniture
        for path in paths or ["/"]:
            name = path.strip("/") or "overview"
            if only and name not in only:
                continue
            link = f"{app}{path}?lang=en"
            if name != "overview":
                open_link(browser, link)  # fills this page's caches, in another session
            warm, furniture, _ = open_link(browser, link)
            base_seconds, _, _ = open_link(browser, constant_link(constant, furniture))
            result.seconds[name] = (warm, base_seconds)
            result.furniture[name] = furniture
        result.seconds["filter"] = (
            filter_change(browser, f"{app}/?lang=en"),
            filter_change(browser, constant_link(constant, result.furniture["overview"])),
        )
    return result


def first_start(browser: Any, folder: Path) -> tuple[float, float, float]:
    """Seconds from ``streamlit run`` on a new store path to: the server answering, the first
    progress of the sample's load drawn, the overview complete."""
    store = folder / "new" / "pmo.duckdb"
    shutil.rmtree(store.parent, ignore_errors=True)
    store.parent.mkdir()
    started = time.perf_counter()
    with server(ROOT / "dashboard.py", {"PMO_DB": str(store)}, folder / "first.log") as app:
        healthy = time.perf_counter() - started
        with new_page(browser) as page:
            page.goto(f"{app}/?lang=en", wait_until="commit")
            # the progress bar, or the page itself where the load shows none
            page.wait_for_selector(
                "[data-testid=stProgress], [data-testid=stMain] h1", timeout=PAGE_LIMIT_MS
            )
            progress = time.perf_counter() - started
            complete = settle(page, started)
    return healthy, progress, complete


def report_first_start(runs: list[tuple[float, float, float]]) -> None:
    print("\nfirst start (median of rounds):")
    for i, what in enumerate(("server answers", "progress drawn", "overview complete")):
        values = [r[i] for r in runs]
        print(f"  {what:18} {statistics.median(values):6.2f} s   rounds: "
              + ", ".join(f"{v:.2f}" for v in values))  # fmt: skip
    verdict = "met" if statistics.median(r[2] for r in runs) < 10 else "NOT met"
    print(f"  target: overview under 10 s: {verdict}")


def sample_store(folder: Path) -> Path:
    """The sample store, built the way the README says: ``python -m pmo_metrics demo``."""
    path = folder / "sample.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "demo", "--db", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"demo failed:\n{done.stdout}\n{done.stderr}")
    return path


def target_of(name: str) -> float:
    if name in TARGETS:
        return TARGETS[name]
    return TARGETS["page"]


def report(rounds: list[Round]) -> None:
    names = list(rounds[0].seconds)
    label = {"cold": "(a) first overview, cold", "filter": "(c) sidebar filter change"}
    print(f"\n{'measure':34} {'dashboard':>10} {'constant':>9} {'ratio':>6} {'target':>7}"
          "  rounds' ratios  furniture (cards/charts/tables)")  # fmt: skip
    for name in names:
        pairs = [r.seconds[name] for r in rounds if name in r.seconds]
        dash = statistics.median(p[0] for p in pairs)
        const = statistics.median(p[1] for p in pairs)
        ratio = dash / const
        each = ", ".join(f"{d / c:.2f}" for d, c in pairs)
        shown = rounds[0].furniture.get("overview" if name in label else name, {})
        things = "/".join(str(shown.get(k, "")) for k in ("cards", "charts", "tables"))
        target = target_of(name)
        verdict = "met" if ratio <= target else "NOT met"
        title = label.get(name, f"(b) {name}, warm")
        print(f"{title:34} {dash:9.2f}s {const:8.2f}s {ratio:6.2f} {target:5.1f}x {verdict:7}"
              f"  {each:14}  {things}")  # fmt: skip


def load_text() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--db", type=Path, help="a sample store to copy (default: build one)")
    parser.add_argument("--pages", help="comma-separated pages for (b) (default: all)")
    parser.add_argument("--first-start", action="store_true", help="time the first start only")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    only = args.pages.split(",") if args.pages else None
    signal.signal(signal.SIGTERM, stop_all_and_exit)
    signal.signal(signal.SIGINT, stop_all_and_exit)
    print(f"load average at start: {load_text()} ({os.cpu_count()} cores)", flush=True)
    rounds: list[Round] = []
    starts: list[tuple[float, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        folder = Path(tmp)
        base = args.db or (None if args.first_start else sample_store(folder))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for n in range(args.rounds if args.first_start else 0):
                    starts.append(first_start(browser, folder))
                    print(f"round {n + 1}: first start {starts[-1][2]:.2f} s; "
                          f"load {load_text()}", flush=True)  # fmt: skip
                for n in range(0 if args.first_start or base is None else args.rounds):
                    rounds.append(one_round(browser, base, folder, only))
                    cold, first = rounds[-1].seconds["cold"]
                    print(f"round {n + 1}: cold overview {cold:.2f} s, constant {first:.2f} s; "
                          f"load {load_text()}", flush=True)  # fmt: skip
            finally:
                browser.close()
    if starts:
        report_first_start(starts)
    if rounds:
        report(rounds)
    print(f"\nload average at end: {load_text()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
