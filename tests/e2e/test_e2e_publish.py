"""Explain and publish in a real Chromium (issue 15, items 2 and 3): the PMO lead explains the
last unexplained red of October 2026 beside the overview's top exceptions and publishes the
month on the Report page; the sponsor, signed in afterwards, sees the published version with
that explanation.

The store is the sample year with seven of its eight October reds explained beforehand (through
the package), so that the browser writes one explanation: the service Transformación digital.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from pmo_metrics import actions, publishing, status_notes
from pmo_metrics.access import Actor
from pmo_metrics.status_notes import Explanation, Subject
from pmo_metrics.store.connection import connect
from pmo_metrics.users import add_user

from .conftest import running_dashboard

pytestmark = pytest.mark.e2e

OCT = "2026-10"
LEFT_FOR_THE_BROWSER = Subject("service", "Transformación digital")
CAUSE = "Two sprints lost to the tax-campaign incident"


@pytest.fixture(scope="module")
def publish_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("publish")
    add_user(folder / "auth.yaml", "lena", "pw-lena-123", "pmo_lead")
    add_user(folder / "auth.yaml", "sam", "pw-sam-123", "sponsor")
    db = folder / "pmo.duckdb"
    con = connect(db)
    try:
        actions.load_sample_at_first_start(con)
        figures = publishing.month_figures(publishing.tables_on(con), OCT)
        reds = status_notes.unexplained_reds(figures, status_notes.notes_for(con, OCT))
        assert LEFT_FOR_THE_BROWSER in reds and len(reds) == 8, reds
        lead = Actor("lena", "pmo_lead")
        for red in reds:
            if red != LEFT_FOR_THE_BROWSER:
                actions.explain_status(con, lead, red, OCT, Explanation("Known", "Act", "Luis"))
    finally:
        con.close()
    env = {
        "PMO_DB": str(db),
        "PMO_DEMO_ON_EMPTY": "0",
        "PMO_AUTH_CONFIG": str(folder / "auth.yaml"),
    }
    with running_dashboard(env, folder / "streamlit.log") as url:
        yield url


def settled(page: Page, timeout: int = 180_000) -> None:
    """Wait until the script has run and stopped (the bound covers a cold render of the
    overview on a busy machine; not a speed assertion)."""
    expect(page.locator("[data-test-script-state]").first).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=timeout
    )


def sign_in(browser, url: str, user: str, password: str) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{url}/?period={OCT}")
    settled(page)
    # The first submit can be lost while the login's cookie component mounts (the form comes
    # back empty): submit again until the role's pages are listed.
    for _ in range(3):
        page.get_by_label("Username", exact=True).fill(user)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Login").click()
        try:
            expect(page.get_by_test_id("stSidebarNavLink").first).to_be_visible(timeout=15_000)
            break
        except AssertionError:
            settled(page)
    settled(page)
    expect(page.get_by_role("heading", name="Top exceptions")).to_be_visible()
    return page


def cells(page: Page, key: str):
    """The cells of the table keyed ``key``, as the data grid writes them out for assistive
    technology."""
    grid = page.locator(f".st-key-{key}")
    expect(grid).to_be_visible()
    return grid.locator("[role=gridcell]")


def test_the_lead_explains_and_publishes_then_the_sponsor_reads_it(
    browser, publish_url: str
) -> None:
    lead = sign_in(browser, publish_url, "lena", "pw-lena-123")
    try:
        # the draft, for the PMO lead; the service's red not explained yet
        expect(lead.get_by_text("Oct 2026 is not published yet")).to_be_visible()
        explained = cells(lead, "overview_exceptions").filter(has_text="Known. Action: Act")
        expect(explained).to_have_count(7)  # the seven reds explained beforehand
        expect(cells(lead, "overview_exceptions").filter(has_text=CAUSE)).to_have_count(0)

        lead.locator(".st-key-overview_explain_popover button").first.click()
        lead.locator(".st-key-overview_explain_subject").get_by_role("combobox").click()
        lead.get_by_role("option", name="✗ off target · Service · Transformación digital").click()
        lead.locator(".st-key-overview_explain_cause textarea").fill(CAUSE)
        lead.locator(".st-key-overview_explain_action input").fill("Re-plan with the vendor")
        lead.locator(".st-key-overview_explain_owner input").fill("Marta")
        lead.get_by_role("button", name="Save explanation").click()
        expect(lead.get_by_text("Explanation saved: it applies from Oct 2026")).to_be_visible()
        settled(lead)
        expect(cells(lead, "overview_exceptions").filter(has_text=CAUSE)).to_have_count(1)

        lead.get_by_test_id("stSidebarNavLink").filter(has_text="Report").click()
        publish = lead.locator(".st-key-report_publish button")
        expect(publish).to_have_text("Publish Oct 2026")
        settled(lead)
        publish.click()
        expect(lead.get_by_text("Oct 2026 published: version 1.")).to_be_visible()
        versions = cells(lead, "report_publish_versions")
        expect(versions.filter(has_text=re.compile("^lena$"))).to_have_count(1)
    finally:
        lead.context.close()

    sponsor = sign_in(browser, publish_url, "sam", "pw-sam-123")
    try:
        # the published version by default, with the explanation written above
        expect(
            sponsor.get_by_text(re.compile(r"^Published version 1 of Oct 2026, by lena on "))
        ).to_be_visible()
        expect(cells(sponsor, "overview_exceptions").filter(has_text=CAUSE)).to_have_count(1)
        assert sponsor.locator(".st-key-overview_explain_popover").count() == 0  # read only
    finally:
        sponsor.context.close()
