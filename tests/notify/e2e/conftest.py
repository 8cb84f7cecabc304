"""The browser fixtures of tests/e2e (the sample, the dashboard on loopback, Chromium), for the
alerts' browser test."""

from tests.e2e.conftest import browser, dashboard_url, page, sample_db, sample_facts

__all__ = ["browser", "dashboard_url", "page", "sample_db", "sample_facts"]
