"""KPI cards compare a period with the previous period of the same length, and say when there
is nothing to compare with (issue 11, defect 5)."""

from __future__ import annotations

SIX_MONTHS = ["2026-05", "2026-10"]  # May-Oct 2026, against Nov 2025-Apr 2026


def change(now: float, before: float, decimals: int, unit: str = "") -> str:
    sign = "+" if now > before else ("-" if now < before else "±")
    return f"{sign}{abs(now - before):,.{decimals}f}{unit}"


def test_a_six_month_range_is_compared_with_the_six_months_before(
    app, sample_db, expected, card
) -> None:
    at = app(sample_db, "pages/flow.py", period=SIX_MONTHS)
    assert not at.exception, [e.message for e in at.exception]
    now = expected("throughput", "2026-05:2026-10")
    before = expected("throughput", "2025-11:2026-04")
    throughput = card(at, "Throughput")
    assert throughput.value == f"{now:,.0f}"
    assert throughput.delta == f"{change(now, before, 0)} vs Nov 2025 – Apr 2026"


def test_overview_cards_over_a_range_by_month_and_by_sprint(app, sample_db, expected, card) -> None:
    at = app(sample_db, "pages/overview.py", period=SIX_MONTHS)
    sla_now = expected("sla-compliance", "2026-05:2026-10")
    sla_before = expected("sla-compliance", "2025-11:2026-04")
    assert card(at, "SLA compliance").value == f"{sla_now:.1f}%"
    assert card(at, "SLA compliance").delta == (
        f"{change(sla_now, sla_before, 1, ' pp')} vs Nov 2025 – Apr 2026"
    )
    velocity_now = expected("velocity", "2026-05:2026-10")
    velocity_before = expected("velocity", "2025-11:2026-04")
    assert card(at, "Sprint velocity").delta == (
        f"{change(velocity_now, velocity_before, 1, ' pts')} vs Nov 2025 – Apr 2026"
    )


def test_the_comparison_is_named_in_spanish(app, sample_db, card) -> None:
    at = app(sample_db, "pages/flow.py", period=SIX_MONTHS, lang="es")
    assert card(at, "Rendimiento").delta.endswith(" vs nov 2025 – abr 2026")


def test_a_period_with_nothing_loaded_before_it_shows_no_change(app, sample_db, card) -> None:
    # the sample's first month with data is Sep 2025 (items created then)
    at = app(sample_db, "pages/flow.py", period=["2025-09", "2026-02"])
    throughput = card(at, "Throughput")
    assert throughput.value != "No data"
    assert throughput.delta == "no data for Mar 2025 – Aug 2025 to compare with"
    one = app(sample_db, "pages/flow.py", period=["2025-09", "2025-09"], lang="es")
    assert card(one, "Rendimiento").delta == "sin datos de ago 2025 para comparar"


def test_velocity_is_never_coloured_as_good_or_bad(app, sample_db, card) -> None:
    """A team's velocity going up (Sep -> Oct in the sample) is shown grey, not green."""
    from streamlit.proto.Metric_pb2 import Metric

    at = app(sample_db, "pages/overview.py")
    velocity = card(at, "Sprint velocity")
    assert velocity.delta.startswith("+")  # the sample's velocity rose: a case that would be green
    assert velocity.proto.color == Metric.MetricColor.GRAY
    # a metric with a direction is coloured: SLA compliance fell, red
    assert card(at, "SLA compliance").proto.color == Metric.MetricColor.RED


def test_a_card_draws_its_twelve_months_and_the_latest_value_when_the_month_has_none(
    app, sample_db, expected, card
) -> None:
    """Oct 2026 in the sample, Mantenimiento de aplicaciones: none of its improvement actions
    closed in October, so its on-time rate has no value; the card shows September's (0 of 1 on
    time), saying so, never coloured. SLA compliance has a 12-month line."""
    service = "Mantenimiento de aplicaciones"
    at = app(sample_db, "pages/overview.py", service=service)
    assert expected("on-time-rate", "2026-10", service=service) is None
    september = expected("on-time-rate", "2026-09", service=service)
    assert september == 0.0
    on_time = card(at, "Improvement actions on time")
    assert on_time.value == f"{september:.1f}%"
    assert on_time.delta == "Sep 2026: latest with data"
    assert on_time.proto.color == on_time.proto.MetricColor.GRAY
    sla = card(at, "SLA compliance")
    assert sla.proto.chart_data, "no sparkline"
    es = app(sample_db, "pages/overview.py", lang="es", service=service)
    assert "sept 2026: último con datos" in [m.delta for m in es.metric]


def test_a_card_shows_its_target_and_status(app, sample_db, expected) -> None:
    """The sample's catalog gives every service a budget variance target of 5 % (amber at
    10 %, lower is better): the overview's card is judged against it. SLA targets differ by
    service: no target on the overview, the selected service's on the Services page."""
    from pmo_metrics.metrics.status import badge, judge

    at = app(sample_db, "pages/overview.py")
    captions = [c.value for c in at.caption]
    variance = expected("budget-variance", "2026-10")
    assert f"Target 5.0% · {badge(judge(variance, 5.0, 'lower', 10.0), 'en')}" in captions
    assert not any(c.startswith("Target 9") for c in captions)  # no SLA target (90 or 95)
    service = "Transformación digital"
    one = app(sample_db, "pages/services.py", service=service)
    sla = expected("sla-compliance", "2026-10", service=service)
    judged = badge(judge(sla, 90.0, "higher", 85.0), "en")
    assert f"Target 90.0% · {judged}" in [c.value for c in one.caption]


def test_an_application_card_is_judged_against_its_services_target(
    app, sample_db, expected
) -> None:
    """Carpeta ciudadana's services share an SLA target of 90 % (amber 85 %), while the whole
    catalog's differ (90 and 95 %): its page judges the SLA card against 90 %."""
    from pmo_metrics.metrics.status import badge, judge

    application = "Carpeta ciudadana"
    at = app(sample_db, "pages/applications.py", application=application)
    sla = expected("sla-compliance", "2026-10", application=application)
    judged = badge(judge(sla, 90.0, "higher", 85.0), "en")
    assert f"Target 90.0% · {judged}" in [c.value for c in at.caption]
