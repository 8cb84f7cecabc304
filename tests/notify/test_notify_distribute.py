"""Distributing the published month's steering pack by e-mail to a real SMTP server on
loopback: the attachment and the list from the settings (or --to), a month not published
refused, the sending audited.

The store: service S1 whose SLA indicator is green in October 2026 (4 of 4 tickets within SLA),
so October publishes without an explanation.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from pmo_metrics import actions, audit
from pmo_metrics.access import Actor
from pmo_metrics.notify.distribute import DistributeRefused, distribute
from pmo_metrics.notify.settings import load_settings

from .test_notify_rules import SLA_INDICATOR, tickets

ROOT = Path(__file__).resolve().parents[2]
LEAD = Actor("lena", "pmo_lead")


@pytest.fixture
def published(con, put):
    put("services", [{"service": "S1", "state": "launched"}])
    put("indicators", [SLA_INDICATOR])
    put("tickets", tickets("2026-10", 4, 0), period="2026-10")
    actions.publish_month(con, LEAD, "2026-10")
    return con


def test_the_published_months_report_goes_to_the_list(published, smtp, settings_file):
    done = distribute(published, load_settings(settings_file), LEAD, "2026-10", fmt="xlsx")
    assert (done.version, done.recipients, done.attachment) == (
        1, ("sponsor@example.com",), "pmo-report-2026-10.xlsx",
    )  # fmt: skip
    (mail,) = smtp.messages
    assert smtp.handler.envelopes == [("pmo@example.com", ["sponsor@example.com"])]
    assert mail["Subject"] == "Steering pack, Oct 2026"
    body, attached = list(mail.iter_parts())
    assert body.get_content().replace("\r\n", "\n") == (  # lines end in CRLF on the wire
        "The steering pack of Oct 2026 (published version 1) is attached.\n\n"
        "Open the dashboard: https://pmo.example/report?period=2026-10&period=2026-10&lang=en\n"
    )
    assert attached.get_filename() == "pmo-report-2026-10.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(attached.get_content()))
    assert "S1" in " ".join(workbook.sheetnames)  # a sheet per service
    entry = audit.entries(published).iloc[0]
    assert (entry["username"], entry["action"], entry["detail"]) == (
        "lena", "distribute", "2026-10 version 1: pmo-report-2026-10.xlsx to 1 recipient(s)",
    )  # fmt: skip


def test_an_unpublished_month_is_refused(published, smtp, settings_file):
    with pytest.raises(DistributeRefused, match="2026-09 is not published: publish it first"):
        distribute(published, load_settings(settings_file), LEAD, "2026-09", fmt="xlsx")
    assert smtp.messages == []


def test_the_steering_pack_as_pdf(published, smtp, settings_file):
    pytest.importorskip("pmo_metrics.exports.pack")
    done = distribute(published, load_settings(settings_file), LEAD, "2026-10",
                      to=("a@example.com", "b@example.com"))  # fmt: skip
    assert done.attachment == "steering-pack-2026-10.pdf"
    (mail,) = smtp.messages
    assert smtp.handler.envelopes == [("pmo@example.com", ["a@example.com", "b@example.com"])]
    attached = list(mail.iter_attachments())[0]
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_content()[:5] == b"%PDF-"


def test_the_distribute_command(published, db_path, smtp, settings_file):
    published.close()
    command = [sys.executable, "-m", "pmo_metrics", "distribute", "--db", str(db_path),
               "--settings", str(settings_file), "--format", "xlsx"]  # fmt: skip
    refused = subprocess.run([*command, "--month", "2026-09"], capture_output=True, text=True,
                             cwd=ROOT, timeout=300)  # fmt: skip
    assert (refused.returncode, refused.stdout) == (1, "")
    assert "2026-09 is not published" in refused.stderr
    sent = subprocess.run([*command, "--month", "2026-10", "--to", "x@example.com,y@example.com"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout == (
        "sent pmo-report-2026-10.xlsx (2026-10 version 1) to x@example.com, y@example.com\n"
    )
    assert smtp.handler.envelopes == [("pmo@example.com", ["x@example.com", "y@example.com"])]
