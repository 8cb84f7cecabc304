"""The alert rules, each on a tiny hand-built store with exact events: turns red, amber two
months running, P1 SLA below target, a mitigation overdue by more than N days, a source not
loaded by its due day; each event's link opens the right page with the right filters.

The store: one service S1 whose indicator "SLA" is SLA compliance against 90 % (amber from
85 %, red below). Its tickets per month (resolved the day they open, each month's own load):
met / resolved gives the indicator's status, and S1's status is its only indicator's.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from pmo_metrics.notify import evaluate, rules
from pmo_metrics.notify.settings import Settings
from pmo_metrics.status_notes import Subject

TODAY = date(2026, 11, 20)
BASE = "https://pmo.example"


def settings(*only: str, days: int = 14, lang: str = "en") -> Settings:
    return Settings(rules=only, mitigation_overdue_days=days, base_url=BASE, lang=lang)


def tickets(month: str, met: int, missed: int, priority: int = 3, prefix: str = "T") -> list:
    rows = []
    for n in range(met + missed):
        opened = pd.Timestamp(f"{month}-{n + 1:02d} 09:00")
        rows.append({"ticket_id": f"{prefix}{month}-{n}", "source": "servicenow",
                     "service": "S1", "priority": priority, "ticket_type": "incident",
                     "opened": opened, "resolved": opened + pd.Timedelta(hours=2),
                     "made_sla": n < met, "is_open": False})  # fmt: skip
    return rows


SLA_INDICATOR = {"service": "S1", "indicator": "SLA", "metric": "sla-compliance", "target": 90.0,
                 "direction": "higher", "amber_threshold": 85.0}  # fmt: skip


@pytest.fixture
def catalog(put):
    put("services", [{"service": "S1", "state": "launched"}])
    put("indicators", [SLA_INDICATOR])
    return put


def events_of(con, month: str | None, *only: str, **options) -> list[tuple[str, str, str, str]]:
    found = evaluate(con, settings(*only, **options), month, TODAY)
    return [(e.rule, e.subject, e.month, e.title) for e in found]


def query(url: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}", parse_qs(parts.query)


# --- turns red ------------------------------------------------------------------------------


def test_turns_red_fires_for_a_subject_red_now_and_not_last_month(con, catalog) -> None:
    catalog("tickets", tickets("2026-09", 4, 0), period="2026-09")  # 100 %: green
    catalog("tickets", tickets("2026-10", 3, 1), period="2026-10")  # 3 / 4 = 75 %: red
    assert events_of(con, "2026-10", "turns_red") == [
        ("turns_red", "indicator:S1:SLA", "2026-10", "S1 · SLA turned red in Oct 2026"),
        ("turns_red", "service:S1:", "2026-10", "S1 turned red in Oct 2026"),
    ]
    found = evaluate(con, settings("turns_red"), "2026-10", TODAY)
    assert found[1].body == "S1 is red (off target) in Oct 2026; in Sep 2026 it was on target."
    assert found[1].key == "turns_red|service:S1:|2026-10"
    page, params = query(found[1].link)  # the Services page, S1, October
    assert (page, params) == (
        f"{BASE}/services",
        {"service": ["S1"], "period": ["2026-10", "2026-10"], "lang": ["en"]},
    )


def test_red_two_months_running_does_not_turn_red_again(con, catalog) -> None:
    catalog("tickets", tickets("2026-09", 1, 1), period="2026-09")  # 50 %: red
    catalog("tickets", tickets("2026-10", 3, 1), period="2026-10")  # 75 %: red
    assert events_of(con, "2026-10", "turns_red") == []
    assert [e[1] for e in events_of(con, "2026-09", "turns_red")] == [
        "indicator:S1:SLA", "service:S1:",
    ]  # fmt: skip  # August had no status: September turned red


def test_turns_red_in_spanish(con, catalog) -> None:
    catalog("tickets", tickets("2026-10", 3, 1), period="2026-10")
    found = evaluate(con, settings("turns_red", lang="es"), "2026-10", TODAY)
    assert found[1].title == "S1 pasó a rojo en oct 2026"
    assert found[1].body == (
        "S1 está en rojo (fuera de objetivo) en oct 2026; en sept 2026 estaba sin datos."
    )
    assert query(found[1].link)[1]["lang"] == ["es"]


# --- amber two months running ---------------------------------------------------------------


def test_amber_twice_fires_on_the_second_amber_month_only(con, catalog) -> None:
    catalog("tickets", tickets("2026-08", 4, 0), period="2026-08")  # 100 %: green
    catalog("tickets", tickets("2026-09", 7, 1), period="2026-09")  # 7 / 8 = 87.5 %: amber
    catalog("tickets", tickets("2026-10", 7, 1), period="2026-10")  # amber again
    catalog("tickets", tickets("2026-11", 7, 1), period="2026-11")  # a third amber month
    assert events_of(con, "2026-09", "amber_twice") == []  # amber once
    assert events_of(con, "2026-10", "amber_twice") == [
        ("amber_twice", "indicator:S1:SLA", "2026-10", "S1 · SLA amber two months running"),
        ("amber_twice", "service:S1:", "2026-10", "S1 amber two months running"),
    ]
    assert events_of(con, "2026-11", "amber_twice") == []  # it fired when it became two
    body = evaluate(con, settings("amber_twice"), "2026-10", TODAY)[1].body
    assert body == "S1 is amber (at risk) in Sep 2026 and in Oct 2026."


# --- P1 SLA below target --------------------------------------------------------------------


def test_p1_sla_below_the_services_sla_target(con, catalog) -> None:
    # October: P1 1 met of 2 (50 % < 90 %); P3 9 of 9. In September P1 met 2 of 2.
    catalog("tickets", tickets("2026-10", 1, 1, priority=1, prefix="P")
            + tickets("2026-10", 9, 0), period="2026-10")  # fmt: skip
    catalog("tickets", tickets("2026-09", 2, 0, priority=1, prefix="P"), period="2026-09")
    assert events_of(con, "2026-10", "p1_sla") == [
        ("p1_sla", "service:S1", "2026-10", "S1: P1 SLA below target in Oct 2026"),
    ]
    event = evaluate(con, settings("p1_sla"), "2026-10", TODAY)[0]
    assert event.body == (
        "Priority 1 tickets resolved in Oct 2026 met their SLA 50.0 % of the time (1 of 2); "
        "the service's SLA target is 90.0 %."
    )
    assert query(event.link) == (
        f"{BASE}/services",
        {"service": ["S1"], "period": ["2026-10", "2026-10"], "lang": ["en"]},
    )
    assert events_of(con, "2026-09", "p1_sla") == []  # 100 %


def test_p1_sla_needs_an_sla_target(con, put) -> None:
    put("services", [{"service": "S1", "state": "launched"}])
    put("tickets", tickets("2026-10", 0, 2, priority=1), period="2026-10")  # 0 %, no target
    assert events_of(con, "2026-10", "p1_sla") == []


# --- mitigations overdue --------------------------------------------------------------------


def risk(risk_id: str, due: str | None, status: str = "open", **more) -> dict:
    return {"risk_id": risk_id, "title": f"Risk {risk_id}", "probability": 3, "impact": 4,
            "owner": "Marta", "status": status,
            "mitigation_due": pd.Timestamp(due) if due else None, **more}  # fmt: skip


def test_a_mitigation_overdue_by_more_than_n_days(con, put) -> None:
    put("risks", [
        risk("R1", "2026-11-05", application="Sede"),  # 15 days before 20 Nov: > 14
        risk("R2", "2026-11-06"),  # 14 days: not more than 14
        risk("R3", "2026-01-01", status="closed"),  # closed
        risk("R4", None),  # no due date
        risk("R5", "2026-08-31", service="S1"),  # 81 days
    ])  # fmt: skip
    assert events_of(con, "2026-10", "mitigation_overdue") == [
        ("mitigation_overdue", "risk:R1", "2026-11", "Risk R1: mitigation overdue"),
        ("mitigation_overdue", "risk:R5", "2026-08", "Risk R5: mitigation overdue"),
    ]
    first, second = evaluate(con, settings("mitigation_overdue"), "2026-10", TODAY)
    assert first.body == (
        "Risk R1 'Risk R1' (owner Marta): its mitigation was due on 5 Nov 2026, 15 days ago."
    )
    assert query(first.link) == (
        f"{BASE}/risks",
        {"application": ["Sede"], "period": ["2026-10", "2026-10"], "lang": ["en"]},
    )
    assert query(second.link)[1]["service"] == ["S1"]
    assert events_of(con, "2026-10", "mitigation_overdue", days=90) == []  # N from the settings


# --- sources not loaded by their due day ----------------------------------------------------


def test_a_source_not_loaded_by_its_due_day(con, put) -> None:
    put(
        "expected_sources",
        [
            {"source": "Incidents", "kind": "incidents", "due_day": 5},
            {"source": "Timesheets", "kind": "timesheets", "identifier": "horas", "due_day": 25},
            {
                "source": "Costs",
                "kind": "costs",
                "due_day": 3,
                "first_month": pd.Timestamp("2026-11-01"),
            },
        ],
        period="2026-10",
    )
    # October's incidents arrived; October's timesheets are due on 25 Nov (not yet)
    put("tickets", tickets("2026-10", 1, 0), period="2026-10")
    assert events_of(con, "2026-10", "source_late") == []
    # September: neither loaded, both due (5 Oct, 25 Oct); costs expected from November only
    assert events_of(con, "2026-09", "source_late") == [
        ("source_late", "source:Incidents", "2026-09", "Incidents not loaded for Sep 2026"),
        ("source_late", "source:Timesheets", "2026-09", "Timesheets not loaded for Sep 2026"),
    ]
    event = evaluate(con, settings("source_late"), "2026-09", TODAY)[0]
    assert event.body == (
        "The Sep 2026 export Incidents was due by 5 Oct 2026 and has not been loaded."
    )
    assert query(event.link) == (f"{BASE}/data", {"period": ["2026-09", "2026-09"], "lang": ["en"]})


def test_the_month_before_today_is_checked_too(con, put) -> None:
    put("expected_sources", [{"source": "Incidents", "kind": "incidents", "due_day": 5}])
    # nothing loaded for October, due 5 Nov; the newest month loaded is September
    assert events_of(con, "2026-09", "source_late") == [
        ("source_late", "source:Incidents", "2026-09", "Incidents not loaded for Sep 2026"),
        ("source_late", "source:Incidents", "2026-10", "Incidents not loaded for Oct 2026"),
    ]


# --- links ----------------------------------------------------------------------------------


def test_links_open_the_page_with_its_filters() -> None:
    assert rules.link("https://pmo.example/", "overview", "2026-10", "es") == (
        "https://pmo.example/?period=2026-10&period=2026-10&lang=es"
    )
    url = rules.link("http://h:8501", "applications", "2026-10", "en", application="Sede & Co")
    assert query(url) == (
        "http://h:8501/applications",
        {"application": ["Sede & Co"], "period": ["2026-10", "2026-10"], "lang": ["en"]},
    )


def test_statuses_are_the_scorecards(con, catalog) -> None:
    from pmo_metrics.publishing import month_figures, tables_on

    catalog("tickets", tickets("2026-10", 3, 1), period="2026-10")
    tables = tables_on(con)
    found = rules.statuses(tables, "2026-10")
    published = month_figures(tables, "2026-10")  # what a publication freezes, pillars aside
    frozen = {Subject(r.kind, r.scope, r.item): r.status
              for r in published.itertuples() if r.kind != "pillar" and r.status}  # fmt: skip
    assert found == frozen == {Subject("indicator", "S1", "SLA"): "red",
                               Subject("service", "S1", ""): "red"}  # fmt: skip
