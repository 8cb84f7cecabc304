"""Interactions: filters change the numbers, the URL carries them, drill-down, the language
switch, an upload imported through the Data page, undone and redone."""

from __future__ import annotations

from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Sidebar widgets are driven on a page file: AppTest does not pass a widget value set in the
# router's sidebar to the page run by st.navigation (a real browser does; tests/e2e checks it).


def test_a_service_filter_changes_the_numbers(app, sample_db, month, expected, card) -> None:
    at = app(sample_db, "pages/overview.py")
    everything = card(at, "SLA compliance").value
    service = at.selectbox(key="service").options[1]
    at.selectbox(key="service").set_value(service).run()
    assert not at.exception
    one = expected("sla-compliance", month, service=service)
    assert card(at, "SLA compliance").value == f"{one:.1f}%"
    assert card(at, "SLA compliance").value != everything


def test_the_period_filter_reads_another_month(app, sample_db, month, expected, card) -> None:
    at = app(sample_db, "pages/overview.py")
    year, number = map(int, month.split("-"))
    earlier = f"{year - (number <= 3):04d}-{(number - 4) % 12 + 1:02d}"  # three months back
    at.select_slider(key="period").set_range(earlier, earlier).run()
    assert not at.exception
    value = expected("sla-compliance", earlier)
    assert card(at, "SLA compliance").value == f"{value:.1f}%"


def test_filters_come_from_the_url(app, sample_db, month, expected, card) -> None:
    service = "Centro de Atención a Usuarios"  # the sample's busiest service desk
    at = app(sample_db, service=service)
    assert at.selectbox(key="service").value == service
    assert f"Service: {service}" in at.caption[0].value or any(
        f"Service: {service}" in c.value for c in at.caption
    )
    value = expected("sla-compliance", month, service=service)
    assert card(at, "SLA compliance").value == f"{value:.1f}%"


def test_clear_filters_puts_every_filter_back(app, sample_db) -> None:
    service = _first_service(app, sample_db)
    at = app(sample_db, "pages/overview.py", service=service)
    at.button(key="page_overview_clear_filters").click().run()
    assert at.selectbox(key="service").value is None


def test_drill_down_from_the_overview_opens_the_service(app, sample_db) -> None:
    at = app(sample_db)
    service = at.selectbox(key="overview_open_service").options[0]
    at.selectbox(key="overview_open_service").set_value(service).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Services"]
    assert at.selectbox(key="services_service").value == service
    assert at.selectbox(key="service").value == service


def test_the_language_switch_changes_the_headings(app, sample_db) -> None:
    at = app(sample_db, "pages/overview.py")
    assert [t.value for t in at.title] == ["Overview"]
    at.radio(key="lang").set_value("es").run()
    assert [t.value for t in at.title] == ["Resumen"]
    assert "Tendencias" in [s.value for s in at.subheader]
    spanish = app(sample_db, lang="es")
    assert [t.value for t in spanish.title] == ["Resumen"]


def test_an_uploaded_file_is_checked_imported_and_undone(app, empty_db: Path) -> None:
    incidents = sorted(SAMPLE_DIR.glob("*/servicenow_incidents.xlsx"))[-1]
    at = app(empty_db, "pages/data.py")
    at.file_uploader(key="data_upload").set_value([(incidents.name, incidents.read_bytes(), XLSX)])
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    detected = _table_with(at, "Detected")
    assert detected["file"].tolist() == [incidents.name]
    assert detected["Detected"].tolist() == ["servicenow"]
    at.button(key="data_import").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Imported: load 1." in [s.value for s in at.success]
    counts = _table_with(at, "added").set_index("table")
    assert counts.loc["tickets", "added"] > 0
    history = _table_with(at, "load_id")
    assert history["load_id"].tolist() == [1]
    at.button(key="data_undo").click().run()
    assert "Load 1 undone" in " ".join(s.value for s in at.success)
    # the undone load can be put back: redo offers it, and the tickets return
    at.button(key="data_redo").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "Load 1 redone." in " ".join(s.value for s in at.success)
    assert _table_with(at, "load_id")["status"].tolist() == ["loaded"]
    # each step is in the audit log the page shows to who may read it (demo mode: admin)
    log = _table_with(at, "action")
    assert log["action"].tolist() == ["redo", "undo", "import"]
    # and the page says that the log's hash chain holds
    assert "Chain verified: 3 entries, none edited, removed or inserted." in [
        c.value for c in at.caption
    ]


def test_the_router_opens_on_the_overview_and_lists_every_page(app, sample_db) -> None:
    at = app(sample_db)
    assert not at.exception
    assert [t.value for t in at.title] == ["Overview"]


def _first_service(app, db) -> str:
    return app(db).selectbox(key="service").options[0]


def _table_with(at, column: str):
    """The first table on the page that has ``column`` (plain tables carry no key)."""
    for frame in (d.value for d in at.dataframe):
        if column in frame.columns:
            return frame
    raise AssertionError(f"no table with a {column!r} column")
