"""End-to-end fixtures: the sample database, `streamlit run dashboard.py` on loopback, Chromium.

The dashboard runs as a real subprocess on 127.0.0.1 with ``PMO_DB`` pointing at a sample
database built by ``python -m pmo_metrics demo``; the browser is Debian's Chromium (no browser
download at test time), driven by Playwright.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PMO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Upper bounds on waiting for processes to come up; not assertions about speed.
SERVER_START_LIMIT_S = 90
PAGE_TIMEOUT_MS = 60_000  # a cold first run computes every metric of the overview


def _require_chromium() -> str:
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if path:
        return path
    message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)  # CI installs it: its absence there is a broken set-up
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file holding the sample data, built once per session."""
    db = tmp_path_factory.mktemp("e2e") / "sample.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "demo", "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"demo failed:\n{done.stdout}\n{done.stderr}"
    return db


@pytest.fixture(scope="session")
def sample_facts(sample_db: Path) -> dict:
    """What the pages should show for the sample, worked out through the metric registry
    before the dashboard opens the database (DuckDB lets one process write to a file)."""
    import warnings

    from pmo_metrics.exports.report import application_names, service_names
    from pmo_metrics.metrics import registry
    from pmo_metrics.metrics.source import Filters, Source
    from pmo_metrics.store.connection import connect
    from ui.data import filter_options

    con = connect(sample_db)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # st.cache_data outside a Streamlit runtime
            options = filter_options(con, f"e2e-{sample_db}")
        source = Source.from_duckdb(con)
        month = options["months"][-1]
        sla = registry.get("sla-compliance")
        by_service = {
            name: sla.value(source, Filters.from_period(month, service=name))
            for name in options["services"]
        }
        return {
            "month": month,
            "sla_label": sla.label,
            "sla": sla.value(source, Filters.from_period(month)),
            "sla_by_service": by_service,
            "budget_variance": registry.get("budget-variance").value(
                source, Filters.from_period(month)
            ),
            "services": service_names(source),
            "applications": application_names(source),
        }
    finally:
        con.close()


def wait_until_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_LIMIT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer /_stcore/health:\n{log.read_text()}")


@contextmanager
def running_dashboard(env: dict[str, str], log: Path) -> Iterator[str]:
    """``streamlit run dashboard.py`` on a free loopback port with ``env`` added; its URL."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
    ]  # fmt: skip
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def dashboard_url(
    sample_db: Path, sample_facts: dict, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The dashboard on the sample database (the facts are worked out first: the dashboard
    then holds the database file)."""
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    with running_dashboard({"PMO_DB": str(sample_db)}, log) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator:
    executable = _require_chromium()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=PAGE_TIMEOUT_MS)

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, dashboard_url: str) -> Iterator:
    """A fresh browser context (own session state) per test, downloads allowed."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()
