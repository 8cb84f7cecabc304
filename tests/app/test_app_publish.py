"""Issue 15 on the pages: the overview's top exceptions with their explanations, the explain
form beside them, publishing on the Report page (refused while a red is unexplained), and the
published version shown instead of the draft. On the sample's October 2026 (demo mode: an
admin, who may explain and publish)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pmo_metrics import actions, publishing, status_notes
from pmo_metrics.access import Actor
from pmo_metrics.status_notes import Explanation, Subject
from pmo_metrics.store.connection import connect

OCT = "2026-10"
LEAD = Actor("lena", "pmo_lead")
# The sample's reds of October 2026, reds first by kind then name, as the overview lists them.
REDS = [
    ("Pillar figure", "Say/do ratio"),
    ("Indicator", "Transformación digital · Incidencias resueltas en plazo"),
    ("Service", "Transformación digital"),
    ("Application", "Carpeta ciudadana"),
    ("Application", "Gestión tributaria"),
    ("Application", "Notificaciones electrónicas"),
    ("Application", "Registro electrónico"),
    ("Application", "Sede electrónica"),
]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """The sample year in a store of its own (this test writes explanations and versions)."""
    path = tmp_path / "publish.duckdb"
    con = connect(path)
    try:
        actions.load_sample_at_first_start(con)
    finally:
        con.close()
    return path


def exceptions(at) -> list[list[str]]:
    found = [d.value for d in at.dataframe if "explanation" in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0][["status", "kind", "subject", "explanation"]].values.tolist()


def test_explain_on_the_overview_then_publish_on_the_report_page(app, store: Path) -> None:
    at = app(store, "pages/overview.py")
    assert not at.exception, [e.message for e in at.exception]
    assert "Top exceptions" in [s.value for s in at.subheader]
    rows = exceptions(at)
    reds = [(kind, subject) for status, kind, subject, _ in rows if status == "✗ off target"]
    assert reds == REDS
    assert all(note == "not explained yet" for *_, note in rows)

    # The PMO lead explains the first red in the popover beside the table.
    subject = at.selectbox(key="overview_explain_subject")
    assert subject.value == f"✗ off target · {REDS[0][0]} · {REDS[0][1]}"
    at.text_area(key="overview_explain_cause").input("Two sprints lost to an incident")
    at.text_input(key="overview_explain_action").input("Re-plan with the vendor")
    at.text_input(key="overview_explain_owner").input("Marta")
    at.date_input(key="overview_explain_due").set_value(date(2026, 11, 30))
    at = [b for b in at.button if b.label == "Save explanation"][0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [s.value for s in at.success] == [
        "Explanation saved: it applies from Oct 2026 until it is closed."
    ]
    assert exceptions(at)[0] == [
        "✗ off target",
        *REDS[0],
        "Two sprints lost to an incident. Action: Re-plan with the vendor (Marta, due 30 Nov 2026)",
    ]

    # Publishing is refused while seven reds have no explanation, naming them.
    report = app(store, "pages/report.py")
    report = report.button(key="report_publish").click().run()
    assert [e.value for e in report.error] == [
        "Not published: 7 red status(es) without an explanation: "
        + "; ".join(f"{kind} · {name}" for kind, name in REDS[1:])
        + ". Explain each, then publish."
    ]

    # Once each is explained, the month is published as version 1 and listed.
    con = connect(store)
    try:
        draft = publishing.month_figures(publishing.tables_on(con), OCT)
        for s in status_notes.unexplained_reds(draft, status_notes.notes_for(con, OCT)):
            actions.explain_status(con, LEAD, s, OCT, Explanation("Cause", "Action", "Luis"))
    finally:
        con.close()
    report = app(store, "pages/report.py")
    report = report.button(key="report_publish").click().run()
    assert not report.exception, [e.message for e in report.exception]
    assert [s.value for s in report.success] == ["Oct 2026 published: version 1."]
    versions = [d.value for d in report.dataframe if "published_by" in d.value.columns]
    assert [r[:2] for r in versions[0][["version", "published_by"]].values.tolist()] == [
        [1, "demo"]
    ]
    assert [c.value for c in report.caption][-1] == (
        "No figure has changed since version 1 was published."
    )

    # The overview now offers the published version; chosen, it shows the frozen statuses
    # with the explanations as published.
    at = app(store, "pages/overview.py")
    view = at.get("segmented_control")
    assert len(view) == 1 and view[0].value == "draft"  # the admin starts on the draft
    at = view[0].set_value("published").run()
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Published version 1 of Oct 2026, by demo on ") for c in captions)
    published = exceptions(at)
    assert [(kind, subject) for status, kind, subject, _ in published[:8]] == REDS
    assert published[0][3].startswith("Two sprints lost to an incident.")
    assert [note for *_, note in published[1:8]] == ["Cause. Action: Action (Luis, due -)"] * 7
    assert not at.exception, [e.message for e in at.exception]


def test_pages_on_an_empty_store_have_nothing_to_explain(app, empty_db: Path) -> None:
    for page in ("overview", "services", "applications", "report"):
        at = app(empty_db, f"pages/{page}.py")
        assert not at.exception, [e.message for e in at.exception]


def test_a_service_shows_its_explanation_and_marks_it_on_its_indicator_trend(
    app, store: Path
) -> None:
    con = connect(store)
    try:
        service = Subject("service", "Transformación digital")
        actions.explain_status(
            con, LEAD, service, OCT, Explanation("Budget frozen", "Escalate", "Ana", None, "R-03")
        )
    finally:
        con.close()
    at = app(store, "pages/services.py", service="Transformación digital")
    assert not at.exception, [e.message for e in at.exception]
    captions = [c.value.replace("\\", "") for c in at.caption]  # as Markdown escapes it
    assert any(
        "Budget frozen. Action: Escalate (Ana, due -) [risk R-03] (since Oct 2026)" in c
        for c in captions
    ), captions
    trend = [c for c in at.get("plotly_chart") if "services_trend_chart" in str(c.proto.id)]
    assert trend, "no indicator trend chart"
    figure = trend[0].proto.spec
    assert figure.count('"symbol":"diamond"') == 5  # one marker on each of its 5 indicators


def late_tickets(con, count: int) -> None:
    """A late export of ``count`` October tickets of Transformación digital, all within SLA."""
    import pandas as pd

    from pmo_metrics.schema.problems import ParsedFile
    from pmo_metrics.store.loads import load_parsed

    opened = pd.Timestamp("2026-10-20 09:00")
    frame = pd.DataFrame(
        {
            "ticket_id": [f"LATE{i}" for i in range(count)],
            "source": "servicenow",
            "service": "Transformación digital",
            "priority": 3,
            "opened": opened,
            "resolved": opened + pd.Timedelta(hours=2),
            "made_sla": True,
            "is_open": False,
            "source_sheet": "late",
            "source_row": range(2, 2 + count),
        }
    )
    late = ParsedFile(
        "late_incidents.csv", "late-export", "servicenow", {"tickets": frame}, [], count
    )
    load_parsed(con, [late], period=OCT)


def test_a_load_after_publishing_shows_what_changed_and_the_published_view_keeps_it(
    app, store: Path
) -> None:
    from pmo_metrics.locale import quantity

    con = connect(store)
    try:
        draft = publishing.month_figures(publishing.tables_on(con), OCT)
        for s in status_notes.unexplained_reds(draft, status_notes.notes_for(con, OCT)):
            actions.explain_status(con, LEAD, s, OCT, Explanation("Cause", "Action", "Luis"))
        actions.publish_month(con, LEAD, OCT)
        late_tickets(con, 20)
        frozen = publishing.published_figures(con, OCT)
        now = publishing.month_figures(publishing.tables_on(con), OCT)
    finally:
        con.close()
    sla = Subject("pillar", "", "sla-compliance")

    def value(frame) -> float:
        row = frame[(frame["kind"] == sla.kind) & (frame["item"] == sla.item)]
        return float(row["value"].iloc[0])

    changed = publishing.changes(frozen, now)
    assert changed[["kind", "scope", "item"]].values.tolist() == [
        ["indicator", "Transformación digital", "Incidencias resueltas en plazo"],
        ["pillar", "", "mttr"],  # two hours each: the mean time to resolve falls
        ["pillar", "", "sla-compliance"],
        ["pillar", "", "tickets-opened"],
        ["service", "Transformación digital", ""],  # its last red indicator turns amber
    ]
    before, after = value(frozen), value(now)
    assert after > before  # 20 more tickets within SLA
    said = f"changed since published: {quantity(before, '%', 'en')} -> {quantity(after, '%', 'en')}"

    at = app(store, "pages/overview.py")  # the draft: the card as computed now, and the change
    assert not at.exception, [e.message for e in at.exception]
    card = [m for m in at.metric if m.label == "SLA compliance"][0]
    assert card.value == quantity(after, "%", "en")
    assert any(said in c.value for c in at.caption), [c.value for c in at.caption]
    cue = [c.value for c in at.caption if "changed since version 1 was published" in c.value]
    assert cue == ["5 figure(s) changed since version 1 was published (Report page)."]
    at = at.get("segmented_control")[0].set_value("published").run()  # as published
    card = [m for m in at.metric if m.label == "SLA compliance"][0]
    assert card.value == quantity(before, "%", "en")

    report = app(store, "pages/report.py")
    assert "**Changed since version 1**" in [m.value for m in report.markdown]
    changed = [d.value for d in report.dataframe if "after" in d.value.columns][0]
    sla_row = changed[changed["figure"] == "Pillar figure · SLA compliance"]
    assert sla_row[["before", "after"]].values.tolist() == [
        [quantity(before, "%", "en"), quantity(after, "%", "en")]
    ]


def test_an_explanation_without_its_owner_is_refused_in_the_page_language(app, store: Path) -> None:
    at = app(store, "pages/overview.py", lang="es")
    at.text_area(key="overview_explain_cause").input("Dos sprints perdidos")
    at.text_input(key="overview_explain_action").input("Replanificar")
    at = [b for b in at.button if b.label == "Guardar explicación"][0].click().run()
    assert [e.value for e in at.error] == ["No guardada: una explicación necesita responsable."]
    con = connect(store)
    try:
        assert con.execute("SELECT count(*) FROM status_notes").fetchall() == [(0,)]
    finally:
        con.close()
