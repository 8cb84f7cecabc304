"""What is loaded for the month, in a real Chromium (issue 15, item 1): the Data page's checklist
of expected sources, and the completeness line under another page's header in English and in
Spanish. The sample expects Portal del empleado's Jira project PEMP from September and never
sends it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

OCT = "period=2026-10"


def test_the_data_page_shows_the_checklist(page: Page, dashboard_url) -> None:
    page.goto(f"{dashboard_url}/data?{OCT}")
    expect(page.get_by_role("heading", name="Expected sources by month")).to_be_visible()
    grid = page.get_by_test_id("stDataFrame").first  # the page's first table
    expect(grid).to_be_visible()
    # the grid's cells, as the data grid writes them out for assistive technology
    cells = grid.locator("[role=gridcell]")
    expect(grid.locator("[role=columnheader]", has_text="Oct 2026")).to_have_count(1)
    expect(cells.filter(has_text=re.compile("^Jira PEMP$"))).to_have_count(1)
    expect(cells.filter(has_text=re.compile("^✗ not loaded$"))).to_have_count(2)  # Sep, Oct
    expect(page.get_by_role("heading", name="Sources of Oct 2026")).to_be_visible()


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        (
            "en",
            r"Oct 2026: 11 of 12 sources loaded \(last 2 Nov\) · not loaded: Jira PEMP",
        ),
        (
            "es",
            r"oct 2026: 11 de 12 fuentes cargadas \(la última el 2 nov\) · sin cargar: Jira PEMP",
        ),
    ],
)
def test_another_page_says_what_is_loaded_for_the_month(
    page: Page, dashboard_url, lang: str, line: str
) -> None:
    page.goto(f"{dashboard_url}/flow?{OCT}&lang={lang}")
    expect(page.get_by_text(re.compile(line))).to_be_visible()
