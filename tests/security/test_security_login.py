"""The login gate in a real Streamlit run (AppTest): demo banner, local users, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from pmo_metrics.users import add_user

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from ui.auth import gate
user = gate()
st.write(f"USER {{user.name}} {{user.role}} {{user.demo}}")
"""


@pytest.fixture
def app(monkeypatch, tmp_path):
    monkeypatch.delenv("PMO_DEMO", raising=False)
    monkeypatch.setenv("PMO_AUTH_CONFIG", str(tmp_path / "auth.yaml"))
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here: no OpenID Connect

    def make() -> AppTest:
        at = AppTest.from_string(SCRIPT, default_timeout=60)
        at.run()
        return at

    return make


def shown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("USER")]


def sign_in(at: AppTest, username: str, password: str) -> None:
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()


def test_demo_mode_without_config_says_so(app):
    at = app()
    assert not at.exception
    assert [w.value for w in at.warning] == ["Demo mode: no login, full access"]
    assert shown(at) == ["USER demo admin True"]


def test_demo_mode_forced_even_with_users(app, monkeypatch, tmp_path):
    add_user(tmp_path / "auth.yaml", "ana", "pw-ana-123", "sponsor")
    monkeypatch.setenv("PMO_DEMO", "1")
    at = app()
    assert [w.value for w in at.warning] == ["Demo mode: no login, full access"]
    assert shown(at) == ["USER demo admin True"]


def test_no_demo_allowed_and_no_users_keeps_the_dashboard_closed(app, monkeypatch):
    monkeypatch.setenv("PMO_DEMO", "0")
    at = app()
    assert shown(at) == []
    assert "PMO_DEMO=0 forbids the demo mode" in at.error[0].value


def test_local_login_wrong_then_right_password(app, tmp_path):
    add_user(tmp_path / "auth.yaml", "ana", "pw-ana-123", "pmo_lead", name="Ana")
    at = app()
    assert shown(at) == [] and not at.warning
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    sign_in(at, "ana", "wrong-password")
    assert [e.value for e in at.error] == ["Username or password is incorrect."]
    assert shown(at) == []
    sign_in(at, "ana", "pw-ana-123")
    assert not at.error
    assert shown(at) == ["USER ana pmo_lead False"]
    assert [c.value for c in at.sidebar.caption] == ["Ana (pmo_lead)"]


def test_signed_in_user_without_a_role_is_refused(app, tmp_path):
    path = tmp_path / "auth.yaml"
    add_user(path, "ana", "pw-ana-123", "pmo_lead")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["roles"] = {}
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    at = app()
    sign_in(at, "ana", "pw-ana-123")
    assert shown(at) == []
    assert at.error[0].value.startswith("ana has no role in this dashboard")


def test_a_broken_config_keeps_the_dashboard_closed(app, tmp_path):
    (tmp_path / "auth.yaml").write_text(
        yaml.safe_dump(
            {
                "cookie": {"key": "k" * 40},
                "credentials": {"usernames": {"ana": {"password": "plain"}}},
            }
        ),
        encoding="utf-8",
    )
    at = app()
    assert shown(at) == []
    assert "the password is not a bcrypt hash" in at.error[0].value
