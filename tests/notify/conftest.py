"""Real servers on loopback for the alerts' tests: an SMTP server (aiosmtpd, in a thread) that
keeps every message it accepts and can be stopped and started again on its port, and the
webhook's HTTP server (pytest-httpserver's ``httpserver`` fixture); and a settings file."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Collector:
    """aiosmtpd's handler: every message accepted, parsed (headers decoded)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that can go down and come back on the same port."""

    def __init__(self, **smtp_options) -> None:
        self.port = free_port()
        self.handler = Collector()
        self.options = smtp_options
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, **self.options
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[Message]:
        return self.handler.messages


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def write_settings(folder: Path, text: str) -> Path:
    path = folder / "pmo.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def settings_file(tmp_path: Path, smtp: SmtpServer, httpserver) -> Path:
    """Settings sending to both loopback servers, the dashboard at https://pmo.example/."""
    return write_settings(
        tmp_path,
        f"""
[alerts]
base_url = "https://pmo.example/"
mitigation_overdue_days = 14

[email]
host = "127.0.0.1"
port = {smtp.port}
sender = "pmo@example.com"
to = ["lead@example.com", "ops@example.com"]
timeout = 5

[webhook]
url = "{httpserver.url_for("/hook")}"
timeout = 5

[distribution]
to = ["sponsor@example.com"]
""",
    )
