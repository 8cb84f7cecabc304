"""An alert's link, opened in a real Chromium on the dashboard running the sample: the page it
names, with its service and month chosen in the sidebar, in the language it names."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from pmo_metrics.notify.rules import link

pytestmark = pytest.mark.e2e

SERVICE = "Transformación digital"
# Not the newest month, which the page opens on by default.
MONTH = "2026-09"


def test_an_alerts_link_opens_its_page_with_its_filters(page: Page, dashboard_url: str) -> None:
    url = link(dashboard_url, "services", MONTH, "es", service=SERVICE)
    page.goto(url)
    expect(page.get_by_role("heading", name="Servicios", exact=True)).to_be_visible()
    expect(page.locator("[data-test-script-state]").first).to_have_attribute(
        "data-test-script-state", "notRunning"
    )
    expect(page.locator(".st-key-service").get_by_role("combobox")).to_have_value(SERVICE)
    expect(
        page.get_by_role("heading", name=re.compile(f"^{re.escape(SERVICE)} · "))
    ).to_be_visible()
    # the page says what it shows: September and the service, in Spanish
    shows = f"Mostrando sept 2026 · Servicio: {SERVICE}"
    expect(page.get_by_text(shows, exact=True)).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    shown = urlparse(page.url)
    assert shown.path == "/services"
    query = parse_qs(shown.query)
    assert (query["service"], query["lang"]) == ([SERVICE], ["es"])
    assert set(query["period"]) == {MONTH}
