"""The dashboard in a real Chromium against `streamlit run` on loopback, with the sample data.

Selectors are what a user sees (headings, labels, button texts) or what Streamlit renders for
everyone: ``data-testid`` attributes and the ``st-key-<key>`` class of keyed widgets.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from ui.i18n import quantity

pytestmark = pytest.mark.e2e

# Upper bound on waiting for the report to be built in the browser; not a speed assertion.
REPORT_WAIT_MS = 300_000

HEADER = "number,opened_at,resolved_at,priority,incident_state,assignment_group,business_service"


def new_tickets(service: str, application: str) -> str:
    """Two resolved tickets of 2020 on an existing service and application: new rows that
    change no figure of the latest month and add no service or application."""
    return "\n".join(
        [
            f"{HEADER},cmdb_ci,made_sla",
            f"INC9000001,2020-01-06 09:14:22,2020-01-06 12:00:00,3 - Moderate,Closed,Desk,"
            f"{service},{application},true",
            f"INC9000002,2020-01-07 10:00:00,2020-01-09 10:00:00,2 - High,Closed,Desk,"
            f"{service},{application},false",
        ]
    )


def metric_value(page: Page, label: str):
    """The value element of the KPI card labelled ``label``."""
    card = page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True))
    return card.first.get_by_test_id("stMetricValue")


def open_overview(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()


def test_overview_shows_its_heading_and_the_sla_figure(page: Page, dashboard_url, sample_facts):
    open_overview(page, dashboard_url)
    expected = quantity(sample_facts["sla"], "%", "en")
    expect(metric_value(page, sample_facts["sla_label"])).to_have_text(expected)


def test_a_card_shows_its_target_and_status(page: Page, dashboard_url, sample_facts):
    """Budget variance: the sample's catalog gives every service 5 % (amber 10 %, lower is
    better), so the overview's card is judged against it, in words beside the icon."""
    from pmo_metrics.metrics.status import badge, judge

    open_overview(page, dashboard_url)
    status = judge(sample_facts["budget_variance"], 5.0, "lower", 10.0)
    column = page.get_by_test_id("stColumn").filter(
        has=page.get_by_test_id("stMetric").filter(has=page.get_by_text("Budget variance"))
    )
    expect(column.last).to_contain_text(f"Target 5.0% · {badge(status, 'en')}")


def test_a_sidebar_filter_changes_the_numbers_and_the_url(page: Page, dashboard_url, sample_facts):
    overall = sample_facts["sla"]
    service, value = next(
        (name, v)
        for name, v in sample_facts["sla_by_service"].items()
        if v is not None and quantity(v, "%", "en") != quantity(overall, "%", "en")
    )
    open_overview(page, dashboard_url)
    card = metric_value(page, sample_facts["sla_label"])
    expect(card).to_have_text(quantity(overall, "%", "en"))

    sidebar = page.get_by_test_id("stSidebar")
    sidebar.locator(".st-key-service").get_by_role("combobox").click()
    page.get_by_role("option", name=service, exact=True).click()

    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("service") == [service])
    expect(card).to_have_text(quantity(value, "%", "en"))


def test_upload_a_file_on_the_data_page_and_see_the_import_summary(
    page: Page, dashboard_url, sample_facts, tmp_path: Path
):
    upload = tmp_path / "e2e-incidents.csv"
    tickets = new_tickets(sample_facts["services"][0], sample_facts["applications"][0])
    upload.write_text(tickets, encoding="utf-8")
    page.goto(f"{dashboard_url}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()

    page.locator(".st-key-data_upload").get_by_test_id(
        "stFileUploaderDropzoneInput"
    ).set_input_files(upload)
    # the detected source of the file, and its validation
    expect(page.get_by_text(f"Preview: {upload.name} (servicenow)")).to_be_visible()
    expect(page.get_by_text("No problems found.")).to_be_visible()
    page.locator(".st-key-data_import").get_by_role("button", name="Import").click()

    done = page.get_by_text(re.compile(r"^Imported: load \d+\.$"))
    expect(done).to_be_visible()
    load_id = re.search(r"\d+", done.inner_text()).group()
    # the new load is the newest of the history, the one a fresh visit offers to undo
    page.reload()
    expect(page.locator(".st-key-data_undo").get_by_role("button")).to_have_text(
        f"Undo load {load_id}"
    )


def test_download_the_monthly_report_and_open_it(
    page: Page, dashboard_url, sample_facts, tmp_path: Path
):
    page.goto(f"{dashboard_url}/report")
    expect(page.get_by_role("heading", name="Report", exact=True)).to_be_visible()
    page.locator(".st-key-report_build").get_by_role("button").click()
    download = page.locator(".st-key-report_download").get_by_role("button")
    failure = page.get_by_test_id("stException")
    expect(download.or_(failure)).to_be_visible(timeout=REPORT_WAIT_MS)
    assert not failure.is_visible(), failure.inner_text()

    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename == f"pmo-report-{sample_facts['month']}.xlsx"
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)

    wb = openpyxl.load_workbook(path)
    sheets = 1 + len(sample_facts["services"]) + len(sample_facts["applications"])
    assert wb.sheetnames[0] == "Summary"
    assert len(wb.sheetnames) == sheets
    assert wb["Summary"]["A1"].value.startswith("PMO monthly report: ")
    assert sum(len(ws._charts) for ws in wb) > 0


# Streamlit's own probe of the page's sub-path before the app's root (streamlit#7074, open):
# opening /flow asks /flow/_stcore/health and /flow/_stcore/host-config first (404), then /.
_STREAMLIT_SUBPATH_PROBE = re.compile(r"/[a-z]+/_stcore/(health|host-config)$")


@pytest.mark.parametrize(
    "path",
    ["", "services", "applications", "delivery", "flow", "risks", "improvement", "report",
     "data", "explore"],
)  # fmt: skip
def test_every_page_loads_with_no_error_and_nothing_from_outside(page: Page, dashboard_url, path):
    """Opened from a shared link in a new session: no exception drawn, no console error of
    ours, and no request to any host but the app's (the favicon was fetched from a font CDN)."""
    errors: list[str] = []
    outside: list[str] = []
    host = urlparse(dashboard_url).netloc

    def on_console(message) -> None:
        where = message.location.get("url", "") if message.location else ""
        if message.type == "error" and not _STREAMLIT_SUBPATH_PROBE.search(where):
            errors.append(f"{message.text} ({where})")

    def on_request(request) -> None:
        if urlparse(request.url).scheme in ("http", "https", "ws", "wss"):
            if urlparse(request.url).netloc != host:
                outside.append(request.url)

    page.on("console", on_console)
    page.on("request", on_request)
    page.goto(f"{dashboard_url}/{path}")
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=120_000)
    page.wait_for_timeout(1500)  # late resources (icons, fonts) are requested after the run
    assert page.get_by_test_id("stException").count() == 0
    assert errors == []
    assert outside == []


def test_download_buttons_show_their_whole_label_in_a_narrow_column(page: Page, dashboard_url):
    """The risk register sits in the narrower of two columns: its CSV and Excel buttons read in
    full (fixed column shares cut them to "C." and "E.")."""
    page.goto(f"{dashboard_url}/risks")
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=120_000)
    for key, label in (("risks_register_csv", "CSV"), ("risks_register_xlsx", "Excel")):
        button = page.locator(f".st-key-{key} button").filter(has_text=label).first
        expect(button).to_be_visible()
        cut = button.evaluate(
            "b => [...b.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1)"
        )
        assert not cut, f"{label} is cut"
