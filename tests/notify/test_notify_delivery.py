"""Delivering alerts to real servers on loopback: an SMTP server (aiosmtpd, in a thread) and
an HTTP server for the webhook (pytest-httpserver). An event is delivered exactly once; with
the servers down it stays pending with its error and is delivered once they are back (a later
run), never twice; a rule firing again enqueues nothing; STARTTLS and the login from an
owner-only secrets file, a secrets file others may read refused; the import hook evaluates
after a load and never fails it.

The store is the rules tests' (tests/notify/test_notify_rules.py): service S1 green in
September, red in October (3 of 4 tickets within SLA against 90 %), so October has two events,
"S1 · SLA turned red" and "S1 turned red", each for e-mail and for the webhook.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.smtp import AuthResult
from werkzeug import Response

from pmo_metrics import actions
from pmo_metrics.access import Actor
from pmo_metrics.notify import after_load, notify, outbox
from pmo_metrics.notify.settings import SettingsError, Webhook, load_settings, smtp_credentials

from .conftest import SmtpServer, write_settings
from .test_notify_rules import SLA_INDICATOR, tickets

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 6, 0)
LEAD = Actor("lena", "pmo_lead")
TITLES = ["S1 · SLA turned red in Oct 2026", "S1 turned red in Oct 2026"]


@pytest.fixture
def red_october(con, put):
    put("services", [{"service": "S1", "state": "launched"}])
    put("indicators", [SLA_INDICATOR])
    put("tickets", tickets("2026-09", 4, 0), period="2026-09")
    put("tickets", tickets("2026-10", 3, 1), period="2026-10")
    return con


def run(con, settings_file: Path, now: datetime = NOW):
    only_red = replace(load_settings(settings_file), rules=("turns_red",))
    return notify(con, only_red, month="2026-10", today=TODAY, now=now)


def hooked(httpserver) -> list[dict]:
    return [json.loads(request.get_data()) for request, _ in httpserver.log]


def rows(con) -> list[tuple]:
    return con.execute(
        "SELECT channel, title, status, attempts FROM outbox ORDER BY channel, event_id"
    ).fetchall()


def test_an_event_is_delivered_exactly_once(red_october, smtp, httpserver, settings_file):
    httpserver.expect_request("/hook", method="POST").respond_with_data("1")
    done = run(red_october, settings_file)
    assert (done.found, done.enqueued, done.drained.sent, done.drained.pending) == (2, 4, 4, 0)
    assert [m["Subject"] for m in smtp.messages] == TITLES
    assert smtp.handler.envelopes[0] == ("pmo@example.com", ["lead@example.com",
                                                             "ops@example.com"])  # fmt: skip
    assert [m["X-PMO-Event"] for m in smtp.messages] == [
        "turns_red|indicator:S1:SLA|2026-10", "turns_red|service:S1:|2026-10",
    ]  # fmt: skip
    posted = hooked(httpserver)
    assert [p["title"] for p in posted] == TITLES  # Teams' title, Slack's text below
    assert posted[1]["text"] == (
        "S1 turned red in Oct 2026\nS1 is red (off target) in Oct 2026; in Sep 2026 it was "
        "on target.\n\nOpen in the dashboard: "
        "https://pmo.example/services?service=S1&period=2026-10&period=2026-10&lang=en"
    )
    # again, and again later: nothing new, nothing sent twice
    for later in (NOW, NOW + timedelta(days=1)):
        done = run(red_october, settings_file, later)
        assert (done.enqueued, done.drained.sent) == (0, 0)
    assert (len(smtp.messages), len(httpserver.log)) == (2, 2)
    assert rows(red_october) == [("email", TITLES[0], "sent", 1), ("email", TITLES[1], "sent", 1),
                                 ("webhook", TITLES[0], "sent", 1),
                                 ("webhook", TITLES[1], "sent", 1)]  # fmt: skip


def test_the_mails_link_opens_the_page_with_the_filters(red_october, smtp, httpserver,
                                                        settings_file):  # fmt: skip
    httpserver.expect_request("/hook", method="POST").respond_with_data("1")
    run(red_october, settings_file)
    body = smtp.messages[0].get_content()
    url = body.rsplit("Open in the dashboard: ", 1)[1].strip()
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "pmo.example", "/services")
    assert parse_qs(parts.query) == {
        "service": ["S1"],
        "period": ["2026-10", "2026-10"],
        "lang": ["en"],
    }


def test_servers_down_the_events_wait_and_go_once_when_back(red_october, smtp, httpserver,
                                                            settings_file):  # fmt: skip
    smtp.stop()
    httpserver.stop()
    done = run(red_october, settings_file)
    assert (done.enqueued, done.drained.sent, done.drained.failed) == (4, 0, 4)
    waiting = red_october.execute(
        "SELECT channel, status, attempts, next_attempt_at, last_error FROM outbox ORDER BY "
        "event_id"
    ).fetchall()
    assert [(c, s, a, n) for c, s, a, n, _ in waiting] == [
        (channel, "pending", 1, NOW + timedelta(minutes=1))
        for channel in ("email", "webhook", "email", "webhook")
    ]
    errors = [e for *_, e in waiting]
    assert "Connection refused" in errors[0]
    assert errors[1] == "webhook not reached: ConnectError"  # the URL (a secret) not named
    # a run before the next attempt is due leaves them waiting
    assert run(red_october, settings_file, NOW + timedelta(seconds=30)).drained.sent == 0
    # the servers come back: the next run delivers each once
    smtp.start()
    httpserver.start()
    httpserver.expect_request("/hook", method="POST").respond_with_data("1")
    done = run(red_october, settings_file, NOW + timedelta(minutes=2))
    assert (done.enqueued, done.drained.sent, done.drained.pending) == (0, 4, 0)
    assert run(red_october, settings_file, NOW + timedelta(days=1)).drained.sent == 0
    assert [m["Subject"] for m in smtp.messages] == TITLES
    assert [p["title"] for p in hooked(httpserver)] == TITLES
    assert [r[2:] for r in rows(red_october)] == [("sent", 2)] * 4


def test_a_webhook_error_status_is_retried_with_backoff(red_october, smtp, httpserver,
                                                        settings_file):  # fmt: skip
    httpserver.expect_request("/hook").respond_with_response(Response("busy", status=503))
    run(red_october, settings_file)
    run(red_october, settings_file, NOW + timedelta(minutes=1))  # the second attempt, due
    waiting = red_october.execute(
        "SELECT attempts, next_attempt_at, last_error FROM outbox WHERE channel = 'webhook' "
        "ORDER BY event_id"
    ).fetchall()
    # 1 minute after the first failure, then 2 after the second
    later = NOW + timedelta(minutes=3)
    assert waiting == [(2, later, "webhook answered HTTP 503")] * 2
    assert len(smtp.messages) == 2  # e-mail went at once, and only once


def test_after_max_attempts_a_row_is_failed_until_retried(red_october, smtp, settings_file):
    smtp.stop()
    settings = load_settings(settings_file)
    at = NOW
    for _ in range(outbox.MAX_ATTEMPTS):
        mail_only = replace(settings, rules=("turns_red",), webhook=Webhook())
        notify(red_october, mail_only, month="2026-10", today=TODAY, now=at)
        at += outbox.MAX_DELAY
    failed = outbox.unsent(red_october)
    assert failed[["status", "attempts"]].values.tolist() == [["failed", 10]] * 2
    smtp.start()
    assert outbox.retry_failed(red_october) == 2
    from pmo_metrics.notify.deliver import senders

    with senders(settings) as send:
        assert outbox.drain(red_october, {"email": send["email"]}, at).sent == 2
    assert [m["Subject"] for m in smtp.messages] == TITLES


def test_a_rule_firing_again_enqueues_once(red_october):
    from pmo_metrics.notify import evaluate
    from pmo_metrics.notify.settings import Settings

    settings = Settings(rules=("turns_red",))
    for _ in range(3):
        events = evaluate(red_october, settings, "2026-10", TODAY)
        outbox.enqueue(red_october, events, ("email", "webhook"))
    assert red_october.execute("SELECT count(*) FROM outbox").fetchall() == [(4,)]
    keys = red_october.execute("SELECT DISTINCT event_key FROM outbox ORDER BY 1").fetchall()
    assert keys == [("turns_red|indicator:S1:SLA|2026-10",), ("turns_red|service:S1:|2026-10",)]


# --- credentials ----------------------------------------------------------------------------


def secrets_file(folder: Path, mode: int) -> Path:
    path = folder / "smtp.secret"
    path.write_text('smtp_user = "pmo"\nsmtp_password = "s3cret-Pa55"\n', encoding="utf-8")
    path.chmod(mode)
    return path


def test_a_secrets_file_others_may_read_is_refused(tmp_path, red_october, smtp, monkeypatch):
    monkeypatch.delenv("PMO_SMTP_USER", raising=False)
    monkeypatch.delenv("PMO_SMTP_PASSWORD", raising=False)
    secrets_file(tmp_path, 0o644)
    settings_path = write_settings(tmp_path, f"""
[email]
host = "127.0.0.1"
port = {smtp.port}
sender = "pmo@example.com"
to = ["lead@example.com"]
secrets_file = "smtp.secret"
""")  # fmt: skip
    settings = load_settings(settings_path)
    with pytest.raises(SettingsError, match=r"readable by others \(mode 644\).*chmod 600"):
        smtp_credentials(settings)
    done = run(red_october, settings_path)
    assert (done.drained.sent, len(smtp.messages)) == (0, 0)
    errors = {e for (e,) in red_october.execute("SELECT last_error FROM outbox").fetchall()}
    assert len(errors) == 1 and "readable by others" in errors.pop()
    dumped = red_october.execute("SELECT * FROM outbox").fetchall()
    assert "s3cret" not in repr(dumped)  # never stored


def certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_starttls_and_login_from_an_owner_only_secrets_file(tmp_path, red_october, monkeypatch):
    import ssl

    monkeypatch.delenv("PMO_SMTP_USER", raising=False)
    monkeypatch.delenv("PMO_SMTP_PASSWORD", raising=False)
    cert, key = certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret-Pa55")

    # a server that takes logins over TLS only (aiosmtpd's default), and requires STARTTLS
    server = SmtpServer(tls_context=context, require_starttls=True, authenticator=authenticator,
                        auth_required=True)  # fmt: skip
    server.start()
    try:
        secrets_file(tmp_path, 0o600)
        settings_path = write_settings(tmp_path, f"""
[email]
host = "127.0.0.1"
port = {server.port}
starttls = "always"
ca_file = "{cert.name}"
sender = "pmo@example.com"
to = ["lead@example.com"]
secrets_file = "smtp.secret"
""")  # fmt: skip
        done = run(red_october, settings_path)
    finally:
        server.stop()
    assert (done.drained.sent, [m["Subject"] for m in server.messages]) == (2, TITLES)
    assert logins == [(b"pmo", b"s3cret-Pa55")]  # one connection for the drain


def test_starttls_always_refuses_a_server_without_it(tmp_path, red_october, smtp):
    settings_path = write_settings(tmp_path, f"""
[email]
host = "127.0.0.1"
port = {smtp.port}
starttls = "always"
sender = "pmo@example.com"
to = ["lead@example.com"]
""")  # fmt: skip
    done = run(red_october, settings_path)
    assert (done.drained.sent, len(smtp.messages)) == (0, 0)
    errors = red_october.execute("SELECT DISTINCT last_error FROM outbox").fetchall()
    assert errors == [(f"127.0.0.1:{smtp.port} does not offer STARTTLS",)]


# --- after a load ---------------------------------------------------------------------------

REQUESTS = ROOT / "data" / "sample" / "2026-10" / "servicenow_requests.csv"


def test_an_import_evaluates_the_rules_and_sends(con, put, smtp, tmp_path, monkeypatch):
    put("expected_sources", [{"source": "Incidents", "kind": "incidents", "due_day": 5}])
    path = write_settings(tmp_path, f"""
[alerts]
rules = ["source_late"]
[email]
host = "127.0.0.1"
port = {smtp.port}
sender = "pmo@example.com"
to = ["lead@example.com"]
""")  # fmt: skip
    monkeypatch.setenv("PMO_SETTINGS", str(path))
    actions.import_files(con, LEAD, [REQUESTS], period="2026-10")  # requests, not incidents
    subjects = [m["Subject"] for m in smtp.messages]
    assert "Incidents not loaded for Oct 2026" in subjects  # due 5 Nov (today is later)
    runs = con.execute("SELECT trigger, month, error FROM alert_runs").fetchall()
    assert runs == [("load 2", "2026-10", None)]  # load 1 was the register
    actions.import_files(con, LEAD, [REQUESTS], period="2026-10")  # identical: no load
    assert [m["Subject"] for m in smtp.messages] == subjects  # nothing sent twice


def test_a_failure_to_evaluate_is_recorded_and_the_load_stands(con, tmp_path, monkeypatch):
    broken = write_settings(tmp_path, "[email\nhost = ")
    monkeypatch.setenv("PMO_SETTINGS", str(broken))
    result = actions.import_files(con, LEAD, [REQUESTS], period="2026-10")
    assert con.execute("SELECT load_id, status FROM loads").fetchall() == [(result.load_id,
                                                                           "loaded")]  # fmt: skip
    ((trigger, error),) = con.execute("SELECT trigger, error FROM alert_runs").fetchall()
    assert trigger == f"load {result.load_id}"
    assert error.startswith(f"SettingsError: {broken}: not a readable TOML file")
    assert outbox.last_failed_run(con)[1:] == (trigger, error)
    assert after_load(con, None) is None  # nothing loaded: nothing evaluated


# --- the command ----------------------------------------------------------------------------


def test_the_notify_command(red_october, db_path, smtp, httpserver, settings_file):
    httpserver.expect_request("/hook", method="POST").respond_with_data("1")
    red_october.close()  # the command opens the file itself
    command = [sys.executable, "-m", "pmo_metrics", "notify", "--db", str(db_path),
               "--settings", str(settings_file), "--month", "2026-10"]  # fmt: skip
    first = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "sent 4, failed 0, pending 0" in first.stdout
    second = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert "0 new; sent 0, failed 0, pending 0" in second.stdout
    turned = [m["Subject"] for m in smtp.messages if "turned red" in m["Subject"]]
    assert turned == TITLES
