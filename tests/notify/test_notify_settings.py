"""The alerts' settings file: the example parses, defaults without a file, refusals that say
why, and credentials from the environment before the secrets file (never from the settings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmo_metrics.notify.settings import (
    RULES,
    SettingsError,
    load_settings,
    smtp_credentials,
    webhook_url,
)

from .conftest import write_settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_example_settings_parse() -> None:
    settings = load_settings(ROOT / "pmo.example.toml")
    assert settings.rules == RULES
    assert (settings.mitigation_overdue_days, settings.base_url, settings.lang) == (
        14, "https://pmo.example.org", "es",
    )  # fmt: skip
    assert (settings.email.host, settings.email.port, settings.email.starttls) == (
        "smtp.example.org", 587, "auto",
    )  # fmt: skip
    assert settings.distribution == ("sponsor@example.org", "steering@example.org")
    assert settings.channels() == ("email",)


def test_no_file_means_no_channel(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("PMO_WEBHOOK_URL", raising=False)
    settings = load_settings(tmp_path / "absent.toml")
    assert (settings.path, settings.channels(), settings.rules) == (None, (), RULES)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[alerts]\nrules = ["turns_red", "purple"]', "unknown purple"),
        ('[email]\nstarttls = "maybe"', "starttls must be auto, always or never"),
        ("[email]\nto = 3", "to must be a list of addresses"),
        ("alerts = 1", r"\[alerts\] must be a table"),
        ("[alerts\n", "not a readable TOML file"),
    ],
)
def test_a_bad_settings_file_is_refused_saying_why(tmp_path, text, message) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(write_settings(tmp_path, text))


def test_credentials_from_the_environment_first(tmp_path, monkeypatch) -> None:
    secret = tmp_path / "smtp.secret"
    secret.write_text(
        'smtp_user = "file-user"\nsmtp_password = "file-pw"\nwebhook_url = "https://hook/x"\n'
    )
    secret.chmod(0o600)
    settings = load_settings(write_settings(tmp_path, '[email]\nsecrets_file = "smtp.secret"'))
    for name in ("PMO_SMTP_USER", "PMO_SMTP_PASSWORD", "PMO_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    assert (smtp_credentials(settings), webhook_url(settings)) == (
        ("file-user", "file-pw"), "https://hook/x",
    )  # fmt: skip
    monkeypatch.setenv("PMO_SMTP_USER", "env-user")
    monkeypatch.setenv("PMO_SMTP_PASSWORD", "env-pw")
    assert smtp_credentials(settings) == ("env-user", "env-pw")
    secret.chmod(0o640)  # group-readable: refused once the environment lacks the password
    monkeypatch.delenv("PMO_SMTP_PASSWORD")
    with pytest.raises(SettingsError, match=r"readable by others \(mode 640\)"):
        smtp_credentials(settings)


def test_a_secrets_file_that_is_not_a_file_is_refused(tmp_path) -> None:
    (tmp_path / "smtp.secret").mkdir()
    settings = load_settings(write_settings(tmp_path, '[email]\nsecrets_file = "smtp.secret"'))
    with pytest.raises(SettingsError, match="not a regular file"):
        smtp_credentials(settings)
