"""AppTest fixtures: the sample database built once per session, an empty one per test, and a
runner for a page file or the router with the environment pointed at one of them."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pmo_metrics.metrics.registry import get
from pmo_metrics.metrics.source import Filters, Source
from pmo_metrics.store.connection import connect

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the app's scripts import `ui` and `pmo_metrics` from the root
    sys.path.insert(0, str(ROOT))

PAGES = (
    "overview", "services", "applications", "delivery", "flow", "risks", "improvement",
    "data", "explore", "report",
)  # fmt: skip
TIMEOUT_S = 180  # an upper bound for a cold first render on a busy machine, not a speed check


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample data loaded once, the way `python -m pmo_metrics demo` loads it."""
    from pmo_metrics.demo import load_demo

    path = tmp_path_factory.mktemp("app") / "sample.duckdb"
    con = connect(path)
    try:
        load_demo(con)
    finally:
        con.close()
    return path


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    path = tmp_path / "empty.duckdb"
    connect(path).close()
    return path


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """``app(db, "pages/overview.py", lang="es", **query)``: the script run once on ``db`` (as a
    fresh session); ``demo_on_empty=True`` lets the dashboard fill an empty store with the
    sample, as it does outside tests."""

    def run(
        db: Path,
        script: str = "dashboard.py",
        *,
        demo_on_empty: bool = False,
        **query: str | list[str],
    ) -> AppTest:
        monkeypatch.setenv("PMO_DB", str(db))
        monkeypatch.setenv("PMO_DEMO", "1")  # explicit demo mode: no login form
        monkeypatch.setenv("PMO_WARM", "0")  # no background warm-up per test store
        # an empty store stays empty, unless the test is about filling it with the sample
        monkeypatch.setenv("PMO_DEMO_ON_EMPTY", "1" if demo_on_empty else "0")
        at = AppTest.from_file(str(ROOT / script), default_timeout=TIMEOUT_S)
        for key, value in query.items():
            at.query_params[key] = value
        return at.run()

    return run


def metric_value(db: Path, name: str, period: str, **scope: str) -> float | None:
    con = connect(db)
    try:
        return get(name).value(Source.from_duckdb(con), Filters.from_period(period, **scope))
    finally:
        con.close()


def latest_month(db: Path) -> str:
    """The month the dashboard opens on: the newest month with activity."""
    con = connect(db)
    try:
        return con.execute(
            "SELECT strftime(max(m), '%Y-%m') FROM ("
            " SELECT max(resolved) AS m FROM work_items UNION ALL SELECT max(created) FROM "
            " work_items UNION ALL SELECT max(opened) FROM tickets UNION ALL "
            " SELECT max(work_date) FROM effort UNION ALL SELECT max(month) FROM costs)"
        ).fetchall()[0][0]
    finally:
        con.close()


def find_card(at, label: str):
    """The KPI card (st.metric) with ``label``."""
    found = [m for m in at.metric if m.label == label]
    assert found, f"no card {label!r} in {[m.label for m in at.metric]}"
    return found[0]


@pytest.fixture(scope="session")
def month(sample_db: Path) -> str:
    return latest_month(sample_db)


@pytest.fixture
def expected(sample_db: Path) -> Callable[..., float | None]:
    """``expected("sla-compliance", "2026-10", service=...)`` on the sample data."""
    return lambda name, period, **scope: metric_value(sample_db, name, period, **scope)


@pytest.fixture
def card() -> Callable:
    return find_card
