"""Issue 12, Low 13: before login the browser shows the login form and nothing else; no page
name of the dashboard is listed (pages/ would otherwise be listed by Streamlit itself). After
login, the role's pages are."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pmo_metrics.users import add_user

from .conftest import running_dashboard

pytestmark = pytest.mark.e2e

PAGE_NAMES = ("Overview", "Services", "Applications", "Delivery", "Explore", "Data", "Report")


@pytest.fixture(scope="module")
def login_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("login")
    add_user(folder / "auth.yaml", "ana", "pw-ana-123", "sponsor")
    env = {
        "PMO_DB": str(folder / "pmo.duckdb"),
        "PMO_DEMO_ON_EMPTY": "0",
        "PMO_AUTH_CONFIG": str(folder / "auth.yaml"),
    }
    with running_dashboard(env, folder / "streamlit.log") as url:
        yield url


def test_before_login_no_page_is_listed(browser, login_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        tab = context.new_page()
        for path in ("", "/explore", "/data"):
            tab.goto(f"{login_url}{path}")
            root = tab.locator("[data-test-script-state]")
            expect(root).to_have_attribute("data-test-script-state", "notRunning")
            expect(tab.get_by_role("button", name="Login")).to_be_visible()
            assert tab.get_by_test_id("stSidebarNav").count() == 0
            nav_links = tab.get_by_test_id("stSidebarNavLink")
            assert nav_links.count() == 0, nav_links.all_inner_texts()
            body = tab.locator("body").inner_text()
            assert not [name for name in PAGE_NAMES if name in body], body[:500]
        # signed in, the sponsor's pages are listed (and only then)
        tab.get_by_label("Username", exact=True).fill("ana")
        tab.get_by_label("Password", exact=True).fill("pw-ana-123")
        tab.get_by_role("button", name="Login").click()
        expect(tab.get_by_test_id("stSidebarNavLink").first).to_be_visible()
        links = tab.get_by_test_id("stSidebarNavLink").all_inner_texts()
        assert "Overview" in " ".join(links) and "Explore" not in " ".join(links), links
    finally:
        context.close()
