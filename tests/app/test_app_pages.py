"""Every page on the sample data and on an empty store: no exception, its headings, and a few
numbers pinned to what the metric functions compute."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo_metrics.evaluation import Scope, borrowed_source, run_metric
from pmo_metrics.store.connection import connect


def _top_by_count(db: Path, table: str, column: str) -> str:
    con = connect(db)
    try:
        return con.execute(
            f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL "
            f"GROUP BY ALL ORDER BY count(*) DESC, {column} LIMIT 1"
        ).fetchall()[0][0]
    finally:
        con.close()


HEADINGS = {
    "overview": ("Overview", ["Services scorecard", "Portfolio health", "Trends", "Top risks"]),
    "services": ("Services", ["Indicators against targets", "Its applications", "Tickets"]),
    "applications": ("Applications", ["Health", "Delivery and flow", "Incidents", "Risks"]),
    "delivery": ("Delivery", ["Velocity", "Burnup and forecast"]),
    "flow": ("Flow", ["Throughput", "Net flow", "Lead time", "Aging work in progress"]),
    "risks": ("Risks & stakeholders", ["Risk heat map", "Risk register", "Engagement gaps"]),
    "improvement": ("Improvement", ["Actions opened and closed", "Overdue actions"]),
    "data": ("Data", []),
    "explore": ("Explore", []),
    "report": ("Report", []),
}


@pytest.mark.parametrize("page", list(HEADINGS))
def test_page_renders_the_sample_data(app, sample_db: Path, page: str) -> None:
    at = app(sample_db, f"pages/{page}.py")
    assert not at.exception, [e.message for e in at.exception]
    failures = [w.value for w in at.warning if "could not be computed" in w.value]
    assert not failures, failures
    title, subheaders = HEADINGS[page]
    assert [t.value for t in at.title] == [title]
    shown = [s.value for s in at.subheader]
    assert all(s in shown for s in subheaders), shown


@pytest.mark.parametrize("page", list(HEADINGS))
def test_page_on_an_empty_store_says_so(app, empty_db: Path, page: str) -> None:
    at = app(empty_db, f"pages/{page}.py")
    assert not at.exception, [e.message for e in at.exception]
    assert [t.value for t in at.title] == [HEADINGS[page][0]]


def test_overview_cards_show_the_metric_values(app, sample_db, month, expected, card) -> None:
    at = app(sample_db, "pages/overview.py")
    sla = expected("sla-compliance", month)
    velocity = expected("velocity", month)
    risks = expected("open-high-risks", month)
    assert card(at, "SLA compliance").value == f"{sla:.1f}%"
    assert card(at, "Sprint velocity").value == f"{velocity:.1f} pts"
    assert card(at, "Open high and critical risks").value == f"{risks:.0f}"
    assert card(at, "SLA compliance").help.startswith("Tickets resolved in the month")


def test_overview_change_against_last_month(app, sample_db, month, expected, card) -> None:
    at = app(sample_db, "pages/overview.py")
    now = expected("sla-compliance", month)
    year, m = map(int, month.split("-"))
    before_month = f"{year - (m == 1):04d}-{(m - 2) % 12 + 1:02d}"
    before = expected("sla-compliance", before_month)
    delta = card(at, "SLA compliance").delta
    sign = "+" if now > before else "-"
    assert delta.startswith(f"{sign}{abs(now - before):.1f} pp vs ")


def test_services_page_shows_the_chosen_service(app, sample_db, month, expected, card) -> None:
    service = _top_by_count(sample_db, "tickets", "service")
    at = app(sample_db, "pages/services.py", service=service)
    assert at.selectbox(key="services_service").value == service
    expected = expected("sla-compliance", month, service=service)
    assert card(at, "SLA compliance").value == f"{expected:.1f}%"


def test_applications_page_shows_the_chosen_application(
    app, sample_db, month, expected, card
) -> None:
    con = connect(sample_db)
    application = con.execute(
        "SELECT application FROM applications WHERE NOT coalesce(is_pmo, false) "
        "ORDER BY application LIMIT 1"
    ).fetchall()[0][0]
    con.close()
    at = app(sample_db, "pages/applications.py", application=application)
    assert at.selectbox(key="applications_application").value == application
    expected = expected("throughput", month, application=application)
    assert card(at, "Throughput").value == f"{expected:.0f}"


def test_delivery_page_shows_the_team_velocity(app, sample_db, month, expected, card) -> None:
    at = app(sample_db, "pages/delivery.py")
    team = at.selectbox(key="delivery_team").value
    expected = expected("velocity", month, team=team)
    assert card(at, "Sprint velocity").value == f"{expected:.1f} pts"
    assert len(at.get("plotly_chart")) >= 2  # velocity and say/do


def test_flow_and_risks_numbers(app, sample_db, month, expected, card) -> None:
    flow = app(sample_db, "pages/flow.py")
    throughput = expected("throughput", month)
    assert card(flow, "Throughput").value == f"{throughput:.0f}"
    risks = app(sample_db, "pages/risks.py")
    exposure = expected("risk-exposure", month)
    assert card(risks, "Risk exposure").value == f"{exposure:,.0f}"


def test_services_page_opens_on_the_service_most_in_need_of_attention(
    app, sample_db, month
) -> None:
    """No service chosen: the worst judged service (then the fewest indicators on target), not
    the first by name (a planned service with no data yet, in the sample)."""
    con = connect(sample_db)
    try:
        with borrowed_source(con) as source:
            frame = run_metric(source, "service-status", Scope(period=month)).frame
    finally:
        con.close()
    worst = frame.loc[frame["status"] == "red"].sort_values("on_target_pct")["service"].iloc[0]
    assert sorted(frame["service"])[0] != worst  # the sample would not tell the rule apart
    at = app(sample_db, "pages/services.py")
    assert at.selectbox(key="services_service").value == worst


def test_delivery_says_which_team_it_shows(app, sample_db) -> None:
    """No team chosen in the sidebar: the page shows one team, and its caption names that team
    (it said "all teams")."""
    at = app(sample_db, "pages/delivery.py")
    team = at.selectbox(key="delivery_team").value
    captions = " ".join(c.value for c in at.caption)
    assert f"Team: {team}" in captions
    assert "all services, applications and teams" not in captions


def test_services_and_applications_say_which_one_they_show(app, sample_db) -> None:
    """The Services page opens on the service most in need of attention, the Applications
    page on the first application: each caption names it (they said "all services...")."""
    for page, key, word in (
        ("pages/services.py", "services_service", "Service"),
        ("pages/applications.py", "applications_application", "Application"),
    ):
        at = app(sample_db, page)
        shown = at.selectbox(key=key).value
        captions = " ".join(c.value for c in at.caption)
        assert f"{word}: {shown}" in captions, captions
        assert "all services, applications and teams" not in captions


def test_a_planned_service_says_it_is_planned_instead_of_empty_sections(app, sample_db) -> None:
    con = connect(sample_db)
    try:
        planned = con.execute("SELECT service FROM services WHERE state = 'planned'").fetchall()
    finally:
        con.close()
    assert planned, "the sample has a planned service"
    at = app(sample_db, "pages/services.py", service=planned[0][0])
    assert not at.exception
    assert any(i.value.startswith("A planned service (launch: ") for i in at.info)
    assert "Nothing for this selection" not in " ".join(i.value for i in at.info)
    # said at the top, in the heading, not "no data"
    assert f"### {planned[0][0]} · ○ planned" in [m.value for m in at.markdown]


def test_tables_hide_the_columns_that_only_order_or_draw(app, sample_db) -> None:
    at = app(sample_db, "pages/delivery.py")
    velocity = next(d.value for d in at.dataframe if "committed_points" in d.value.columns)
    assert "sprint_order" not in velocity.columns
    assert {"sprint", "committed_points", "completed_points"} <= set(velocity.columns)


def test_the_risk_register_filters_read_in_spanish(app, sample_db) -> None:
    at = app(sample_db, "pages/risks.py", lang="es")
    assert "abierto" in at.multiselect(key="risks_status").options
    bands = at.multiselect(key="risks_band").options
    assert {"crítico", "alto", "medio"} <= set(bands) and "critical" not in bands
    assert at.multiselect(key="risks_status").value == ["open"]  # the values stay the data's
