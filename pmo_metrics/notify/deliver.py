"""Sending: e-mail over SMTP and a webhook's JSON (Teams- and Slack-compatible).

- **E-mail**: one connection per drain; STARTTLS when the server offers it (``starttls =
  "auto"``), always (refused when not offered) or never; the login, when credentials are given
  (:func:`~pmo_metrics.notify.settings.smtp_credentials`), only over TLS unless the server is
  on this machine. A server that cannot be reached fails every message of the drain at once
  (one timeout, not one per message).
- **Webhook**: ``POST`` of ``{"title": ..., "text": ...}``: Slack's incoming webhooks show
  ``text``, Teams' (a MessageCard) ``title`` and ``text``; the link is in the text. A status
  other than 2xx is a failure. The URL holds the webhook's secret, so no error names it.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from email.message import EmailMessage
from email.utils import make_msgid

import httpx

from pmo_metrics.locale import t
from pmo_metrics.notify.outbox import Message, Send
from pmo_metrics.notify.settings import Settings, smtp_credentials, webhook_url

LOOPBACK = ("localhost", "127.0.0.1", "::1")


class DeliveryError(RuntimeError):
    """A message could not be delivered (the text says why, never a credential)."""


def message_text(message: Message, lang: str) -> str:
    text = message.body
    if message.link:
        text += "\n\n" + t("alert_open", lang, link=message.link)
    return text


# --- e-mail -----------------------------------------------------------------------------------


@contextmanager
def smtp_session(settings: Settings) -> Iterator[smtplib.SMTP]:
    """A connection to the settings' SMTP server, TLS and login done (see the module)."""
    mail = settings.email
    credentials = smtp_credentials(settings)  # read before connecting: a bad file is said first
    with smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout) as server:
        server.ehlo()
        secure = False
        if mail.starttls != "never" and server.has_extn("starttls"):
            ca = str(mail.ca_file) if mail.ca_file else None
            server.starttls(context=ssl.create_default_context(cafile=ca))
            server.ehlo()
            secure = True
        elif mail.starttls == "always":
            raise DeliveryError(f"{mail.host}:{mail.port} does not offer STARTTLS")
        if credentials:
            if not secure and mail.host not in LOOPBACK:
                raise DeliveryError(
                    f"{mail.host}:{mail.port}: no TLS, so the password is not sent "
                    "(use a server that offers STARTTLS)"
                )
            server.login(*credentials)
        yield server


def mail_message(settings: Settings, to: tuple[str, ...], subject: str, body: str) -> EmailMessage:
    out = EmailMessage()
    out["From"] = settings.email.sender
    out["To"] = ", ".join(to)
    out["Subject"] = subject
    out["Message-ID"] = make_msgid(domain=settings.email.sender.rpartition("@")[2] or None)
    out.set_content(body)
    return out


class EmailSender:
    """Sends the outbox's e-mails of one drain over one connection (opened at the first)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._server: smtplib.SMTP | None = None
        self._stack = ExitStack()
        self._broken: Exception | None = None

    def __call__(self, message: Message) -> None:
        if self._broken is not None:  # the server could not be reached: not again in this drain
            raise self._broken
        mail = mail_message(
            self.settings,
            self.settings.email.to,
            message.title,
            message_text(message, self.settings.lang),
        )
        mail["X-PMO-Event"] = message.event_key
        try:
            if self._server is None:
                self._server = self._stack.enter_context(smtp_session(self.settings))
            self._server.send_message(mail)
        except (OSError, smtplib.SMTPException, DeliveryError) as exc:
            if not isinstance(exc, smtplib.SMTPRecipientsRefused):
                self.close()
                self._broken = exc
            raise

    def close(self) -> None:
        self._server = None
        try:
            self._stack.close()
        except (OSError, smtplib.SMTPException):
            pass  # a connection already gone: nothing left to close


# --- webhook ----------------------------------------------------------------------------------


def webhook_payload(message: Message, lang: str) -> dict[str, str]:
    # the title again in the text: Slack shows the text only, Teams both
    return {"title": message.title, "text": f"{message.title}\n" + message_text(message, lang)}


def webhook_sender(settings: Settings) -> Send:
    def send(message: Message) -> None:
        url = webhook_url(settings)  # here: a secrets file refused is the message's error
        if not url:
            raise DeliveryError("no webhook URL: set PMO_WEBHOOK_URL or webhook_url")
        try:
            response = httpx.post(
                url, json=webhook_payload(message, settings.lang), timeout=settings.webhook.timeout
            )
        except httpx.HTTPError as exc:
            # httpx names the URL in some messages, and the URL is a secret
            raise DeliveryError(f"webhook not reached: {type(exc).__name__}") from None
        if not response.is_success:
            raise DeliveryError(f"webhook answered HTTP {response.status_code}")

    return send


@contextmanager
def senders(settings: Settings) -> Iterator[dict[str, Send]]:
    """The senders of the configured channels, for one drain (the SMTP connection closed at
    its end)."""
    channels = settings.channels()
    found: dict[str, Send] = {}
    email = EmailSender(settings) if "email" in channels else None
    if email is not None:
        found["email"] = email
    if "webhook" in channels:
        found["webhook"] = webhook_sender(settings)
    try:
        yield found
    finally:
        if email is not None:
            email.close()
