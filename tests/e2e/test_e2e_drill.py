"""Every drill-down, in a real Chromium, each from a fresh session: the URL's path becomes the
target page, the target page shows the chosen service / application, and the link carries it.

Drill-downs: each service of "Open a service" and each application of "Open an application"
(overview), a scorecard row, a heat-map cell (overview), a row of "Its applications" (services).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

# The sample's catalog and portfolio (data/sample), in the order the overview lists them.
SERVICES = (
    "Analítica de datos",
    "Centro de Atención a Usuarios",
    "Mantenimiento de aplicaciones",
    "Transformación digital",
)
APPLICATIONS = (
    "Carpeta ciudadana",
    "Gestión de expedientes",
    "Gestión tributaria",
    "Implantación PMO",
    "Notificaciones electrónicas",
    "Nóminas",
    "Portal del empleado",
    "Registro electrónico",
    "Sede electrónica",
)
ROW_PX = 35  # st.dataframe's row (and header) height
ARRIVAL_MS = 30_000  # an upper bound on a page switch, not a speed assertion
# the service whose "Its applications" table has exactly one row in the sample's latest month
SERVICE_WITH_ONE_APPLICATION = ("Centro de Atención a Usuarios", "Portal del empleado")


def settled(page: Page) -> None:
    """Wait until the script has run and stopped."""
    expect(page.locator("[data-test-script-state]").first).to_have_attribute(
        "data-test-script-state", "notRunning"
    )


def open_page(page: Page, url: str, heading: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    settled(page)


def choose(page: Page, key: str, option: str) -> None:
    """Pick ``option`` in the selectbox keyed ``key`` (again if a rerun closed the list)."""
    for _ in range(3):
        page.locator(f".st-key-{key}").get_by_role("combobox").click()
        choice = page.get_by_role("option", name=option, exact=True)
        try:
            choice.click(timeout=5_000)
            return
        except Exception:  # noqa: BLE001 - the list closed under a rerun: open it again
            settled(page)
    raise AssertionError(f"{option!r} never offered by {key}")


def click_row(page: Page, key: str, row: int) -> None:
    """Select row ``row`` (0-based) of the single-row-selection table keyed ``key``."""
    grid = page.locator(f".st-key-{key} [data-testid='stDataFrameResizable']")
    expect(grid).to_be_visible()
    grid.click(position={"x": 18, "y": ROW_PX * (row + 1) + ROW_PX // 2})


def arrives(page: Page, path: str, heading: str, widget: str, param: str, value: str) -> None:
    """The browser is on ``/path``, the page shows ``value``, and the URL carries it."""
    page.wait_for_url(lambda url: urlparse(url).path == f"/{path}", timeout=ARRIVAL_MS)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.locator(f".st-key-{widget}").get_by_role("combobox")).to_have_value(value)
    expect(page.get_by_role("heading", name=re.compile(f"^{re.escape(value)} · "))).to_be_visible()
    page.wait_for_url(
        lambda url: parse_qs(urlparse(url).query).get(param) == [value], timeout=ARRIVAL_MS
    )
    settled(page)
    assert urlparse(page.url).path == f"/{path}"
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_the_sample_offers_these_services_and_applications(sample_facts) -> None:
    assert tuple(sample_facts["services"]) == SERVICES
    assert tuple(sample_facts["applications"]) == APPLICATIONS


@pytest.mark.parametrize("service", SERVICES)
def test_open_a_service_from_the_overview(page: Page, dashboard_url, service: str) -> None:
    open_page(page, dashboard_url, "Overview")
    choose(page, "overview_open_service", service)
    arrives(page, "services", "Services", "services_service", "service", service)


@pytest.mark.parametrize("application", APPLICATIONS)
def test_open_an_application_from_the_overview(page: Page, dashboard_url, application) -> None:
    open_page(page, dashboard_url, "Overview")
    choose(page, "overview_open_application", application)
    arrives(
        page,
        "applications",
        "Applications",
        "applications_application",
        "application",
        application,
    )


@pytest.mark.parametrize("row", [1, 3])
def test_a_scorecard_row_opens_its_service(page: Page, dashboard_url, row: int) -> None:
    open_page(page, dashboard_url, "Overview")
    click_row(page, "overview_scorecard", row)
    service = SERVICES[row]  # the scorecard lists the services by name
    arrives(page, "services", "Services", "services_service", "service", service)


@pytest.mark.parametrize("application", ["Gestión tributaria", "Sede electrónica"])
def test_a_heat_map_cell_opens_its_application(page: Page, dashboard_url, application) -> None:
    open_page(page, dashboard_url, "Overview")
    chart = page.locator(".st-key-overview_heatmap .js-plotly-plot")
    expect(chart).to_be_visible()
    # the centre of the application's first cell (its health), from the chart's own axes
    x, y = chart.evaluate(
        """(gd, name) => {
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            return [xa._offset + xa.l2p(0), ya._offset + ya.l2p(ya._categories.indexOf(name))];
        }""",
        application,
    )
    chart.evaluate("gd => gd.scrollIntoView({block: 'start'})")  # every cell on screen
    page.wait_for_timeout(500)
    box = chart.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    arrives(
        page,
        "applications",
        "Applications",
        "applications_application",
        "application",
        application,
    )


def test_its_applications_row_opens_the_application(page: Page, dashboard_url) -> None:
    service, application = SERVICE_WITH_ONE_APPLICATION
    open_page(page, dashboard_url, "Overview")
    choose(page, "overview_open_service", service)
    arrives(page, "services", "Services", "services_service", "service", service)
    click_row(page, "services_apps_table", 0)
    arrives(
        page,
        "applications",
        "Applications",
        "applications_application",
        "application",
        application,
    )


def test_a_drill_down_keeps_the_other_filters_in_the_link(page: Page, dashboard_url) -> None:
    service = SERVICES[2]
    open_page(page, f"{dashboard_url}/?lang=es&period=2026-05&period=2026-10", "Resumen")
    choose(page, "overview_open_service", service)
    arrives(page, "services", "Servicios", "services_service", "service", service)
    query = parse_qs(urlparse(page.url).query)
    assert query["lang"] == ["es"]
    assert query["period"] == ["2026-05", "2026-10"]
