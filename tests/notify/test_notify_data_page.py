"""The Data page's outbox section: the alerts not sent, with their last error, and the rules'
last evaluation when it failed; in the page's language; nothing when there is nothing to say."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pmo_metrics.notify import outbox
from pmo_metrics.notify.rules import Event
from pmo_metrics.store.connection import connect

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 20, 6, 0)
EVENT = Event("source_late", "source:Incidents", "2026-10", "Incidents not loaded for Oct 2026",
              "body", "https://pmo.example/data?period=2026-10&lang=en")  # fmt: skip


def page(db: Path, monkeypatch: pytest.MonkeyPatch, lang: str) -> AppTest:
    monkeypatch.setenv("PMO_DB", str(db))
    monkeypatch.setenv("PMO_DEMO", "1")  # explicit demo mode: no login form
    monkeypatch.setenv("PMO_WARM", "0")
    monkeypatch.setenv("PMO_DEMO_ON_EMPTY", "0")
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=180)
    at.query_params["lang"] = lang
    return at.run()


def failing(message) -> None:
    raise ConnectionRefusedError(111, "Connection refused")


@pytest.fixture
def waiting(db_path: Path) -> Path:
    """One event for two channels: e-mail failed once, the webhook not tried yet; and a run
    of the rules that failed."""
    con = connect(db_path)
    outbox.enqueue(con, [EVENT], ("email", "webhook"), NOW)
    outbox.drain(con, {"email": failing}, NOW)
    outbox.record_run(con, "load 7", "2026-10", None, "SettingsError: pmo.toml: bad")
    con.close()
    return db_path


def test_the_unsent_alerts_as_the_page_shows_them(waiting: Path) -> None:
    con = connect(waiting)
    frame = outbox.unsent(con)
    con.close()
    shown = outbox.unsent_shown(frame, "es")
    assert list(shown.columns) == ["Generada", "Canal", "Mes", "Alerta", "Situación",
                                   "Intentos", "Próximo intento", "Último error"]  # fmt: skip
    cells = shown[["Canal", "Situación", "Intentos", "Último error"]].astype(object)
    assert cells.where(cells.notna(), None).values.tolist() == [
        ["correo", "pendiente", 1, "[Errno 111] Connection refused"],
        ["enlace web (webhook)", "pendiente", 0, None],
    ]


def test_the_data_page_lists_them_with_the_failed_run(waiting, monkeypatch) -> None:
    con = connect(waiting)
    ran_at = outbox.last_failed_run(con)[0]
    con.close()
    at = page(waiting, monkeypatch, "es")
    assert not at.exception, [e.message for e in at.exception]
    assert "Alertas sin enviar" in [h.value for h in at.header]
    assert [e.value for e in at.error] == [
        "No se pudieron evaluar las reglas de alerta (load 7, "
        f"{ran_at:%Y-%m-%d %H:%M}): "
        "SettingsError: pmo.toml: bad"
    ]
    table = next(d.value for d in at.dataframe if "Último error" in d.value.columns)
    assert table["Último error"].tolist()[0] == "[Errno 111] Connection refused"


def test_nothing_is_shown_when_every_alert_went(db_path, monkeypatch) -> None:
    con = connect(db_path)
    outbox.enqueue(con, [EVENT], ("email",), NOW)
    outbox.drain(con, {"email": lambda message: None}, NOW)
    con.close()
    at = page(db_path, monkeypatch, "en")
    assert not at.exception, [e.message for e in at.exception]
    assert "Alerts not sent" not in [h.value for h in at.header]
