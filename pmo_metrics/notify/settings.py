"""The alerts' and the distribution's settings: a TOML file (``pmo.toml`` in the working
folder, or the file ``$PMO_SETTINGS`` names; ``pmo.example.toml`` shows every key).

Credentials are never in it: the SMTP user and password (and a webhook URL, which is a secret
too: whoever has it can post) come from the environment (``PMO_SMTP_USER``,
``PMO_SMTP_PASSWORD``, ``PMO_WEBHOOK_URL``) or from a secrets file that only its owner may
read (``[email] secrets_file``; a file group or others may read is refused). They are read
when a message is sent, never stored in the database, never printed.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_SETTINGS = Path("pmo.toml")
RULES = ("turns_red", "amber_twice", "p1_sla", "mitigation_overdue", "source_late")
CHANNELS = ("email", "webhook")


class SettingsError(ValueError):
    """The settings file or the secrets file cannot be used (the message says why)."""


@dataclass(frozen=True)
class Email:
    host: str = ""
    port: int = 587
    starttls: str = "auto"  # auto: when the server offers it; always: refuse without; never
    sender: str = ""
    to: tuple[str, ...] = ()
    secrets_file: Path | None = None
    timeout: float = 30.0
    ca_file: Path | None = None  # a private CA the server's certificate is signed by

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender and self.to)


@dataclass(frozen=True)
class Webhook:
    url: str = ""  # or $PMO_WEBHOOK_URL, or webhook_url in the secrets file
    timeout: float = 10.0
    enabled: bool = False  # the URL is the secrets file's


@dataclass(frozen=True)
class Settings:
    rules: tuple[str, ...] = RULES
    mitigation_overdue_days: int = 14
    base_url: str = "http://localhost:8501"
    lang: str = "en"
    email: Email = field(default_factory=Email)
    webhook: Webhook = field(default_factory=Webhook)
    distribution: tuple[str, ...] = ()  # who receives the steering pack
    distribution_lang: str = "en"
    path: Path | None = None  # the file read (None: no file, the defaults)

    def channels(self) -> tuple[str, ...]:
        """The channels alerts go to: e-mail when a server, a sender and recipients are set,
        the webhook when a URL is (in the file or the environment) or ``[webhook] enabled``
        says the secrets file has it."""
        found = []
        if self.email.configured:
            found.append("email")
        if self.webhook.url or self.webhook.enabled or os.environ.get("PMO_WEBHOOK_URL"):
            found.append("webhook")
        return tuple(found)


def settings_path() -> Path:
    return Path(os.environ.get("PMO_SETTINGS") or DEFAULT_SETTINGS)


def load_settings(path: str | Path | None = None) -> Settings:
    """The settings of ``path`` (default :func:`settings_path`); the defaults, with no
    channel, when that file does not exist."""
    path = Path(path) if path is not None else settings_path()
    if not path.exists():
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: not a readable TOML file ({exc})") from exc
    return _parsed(raw, path)


def _section(raw: Mapping[str, Any], name: str, path: Path) -> Mapping[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, Mapping):
        raise SettingsError(f"{path}: [{name}] must be a table")
    return value


def _addresses(value: object, where: str) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(a, str) for a in items):
        raise SettingsError(f"{where} must be a list of addresses")
    return tuple(a.strip() for a in items if a.strip())


def _parsed(raw: Mapping[str, Any], path: Path) -> Settings:
    alerts = _section(raw, "alerts", path)
    mail = _section(raw, "email", path)
    hook = _section(raw, "webhook", path)
    dist = _section(raw, "distribution", path)
    rules = tuple(alerts.get("rules", RULES))
    unknown = sorted(set(rules) - set(RULES))
    if unknown:
        raise SettingsError(
            f"{path}: [alerts] rules: unknown {', '.join(unknown)} (known: {', '.join(RULES)})"
        )
    starttls = str(mail.get("starttls", "auto")).lower()
    if starttls not in ("auto", "always", "never", "true", "false"):
        raise SettingsError(f"{path}: [email] starttls must be auto, always or never")
    starttls = {"true": "always", "false": "never"}.get(starttls, starttls)
    secrets_file = mail.get("secrets_file")
    ca_file = mail.get("ca_file")
    lang = str(alerts.get("lang", "en"))
    try:
        return Settings(
            rules=rules,
            mitigation_overdue_days=int(alerts.get("mitigation_overdue_days", 14)),
            base_url=str(alerts.get("base_url", Settings.base_url)).rstrip("/"),
            lang=lang,
            email=Email(
                host=str(mail.get("host", "")),
                port=int(mail.get("port", 587)),
                starttls=starttls,
                sender=str(mail.get("sender", "")),
                to=_addresses(mail.get("to", ()), f"{path}: [email] to"),
                secrets_file=(path.parent / str(secrets_file)) if secrets_file else None,
                timeout=float(mail.get("timeout", 30)),
                ca_file=(path.parent / str(ca_file)) if ca_file else None,
            ),
            webhook=Webhook(
                url=str(hook.get("url", "")),
                timeout=float(hook.get("timeout", 10)),
                enabled=bool(hook.get("enabled", False)),
            ),
            distribution=_addresses(dist.get("to", ()), f"{path}: [distribution] to"),
            distribution_lang=str(dist.get("lang", lang)),
            path=path,
        )
    except (TypeError, ValueError) as exc:
        if isinstance(exc, SettingsError):
            raise
        raise SettingsError(f"{path}: {exc}") from exc


def secrets(settings: Settings) -> dict[str, str]:
    """The secrets file's values (``smtp_user``, ``smtp_password``, ``webhook_url``); none
    without a file. Refused when group or others may read it, or when it is not a file."""
    path = settings.email.secrets_file
    if path is None:
        return {}
    try:
        info = path.stat()
    except OSError as exc:
        raise SettingsError(f"secrets file {path}: cannot be read ({exc.strerror})") from exc
    if not stat.S_ISREG(info.st_mode):
        raise SettingsError(f"secrets file {path}: not a regular file")
    if info.st_mode & 0o077:
        raise SettingsError(
            f"secrets file {path}: readable by others (mode {stat.S_IMODE(info.st_mode):o}); "
            f"it holds credentials: chmod 600 {path}"
        )
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        # the parser's message may quote the file's text: say where only
        raise SettingsError(f"secrets file {path}: not a readable TOML file") from exc
    return {k: str(v) for k, v in raw.items() if isinstance(v, str | int)}


def smtp_credentials(settings: Settings) -> tuple[str, str] | None:
    """The SMTP user and password: the environment's, else the secrets file's; None when
    neither gives both (the server is used without logging in)."""
    user, password = os.environ.get("PMO_SMTP_USER"), os.environ.get("PMO_SMTP_PASSWORD")
    if not (user and password):
        found = secrets(settings)
        user, password = found.get("smtp_user"), found.get("smtp_password")
    return (user, password) if user and password else None


def webhook_url(settings: Settings) -> str:
    """The webhook's URL: the environment's, the settings file's, else the secrets file's."""
    return (
        os.environ.get("PMO_WEBHOOK_URL")
        or settings.webhook.url
        or secrets(settings).get("webhook_url", "")
    )
