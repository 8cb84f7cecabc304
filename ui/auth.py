"""The login gate: who is using the dashboard, and with which role.

``gate()`` is called once per run, before anything else is drawn. It returns the signed-in
:class:`User` or stops the run at the login form. The mode (``pmo_metrics.users.auth_mode``):

- **demo**: ``PMO_DEMO=1``, or no users config and no ``[auth]`` secrets. No login, full
  access (admin), and a banner that says so.
- **oidc**: ``[auth]`` in ``.streamlit/secrets.toml``: OpenID Connect through ``st.login``;
  the role comes from the config's mapping by e-mail.
- **local**: users with bcrypt-hashed passwords in ``$PMO_AUTH_CONFIG``
  (``.streamlit/auth.yaml``), checked by streamlit-authenticator; role from the mapping.

A signed-in user without a role is refused, with a message and a way to sign out.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from typing import NoReturn

import streamlit as st

from pmo_metrics.users import (
    DEMO_ENV,
    AuthConfig,
    AuthConfigError,
    auth_mode,
    load_auth_config,
    readable_by_others,
    role_for,
)
from ui.i18n import t

_USER_KEY = "_pmo_user"


@dataclass(frozen=True)
class User:
    name: str
    role: str
    demo: bool = False


DEMO_USER = User(name="demo", role="admin", demo=True)


def gate() -> User:
    """Return the signed-in user (stopping the page at the login form if nobody is)."""
    try:
        config = load_auth_config()
        mode = auth_mode(
            config, oidc_configured=_oidc_configured(), demo_env=os.environ.get(DEMO_ENV)
        )
    except AuthConfigError as exc:
        st.error(f"The login configuration is not usable, so the dashboard stays closed.\n\n{exc}")
        _stop_closed()
    if mode == "demo":
        st.warning(_demo_banner(), icon=":material/lock_open:")
        user = DEMO_USER
    elif mode == "oidc":
        user = _oidc_user(config)
    else:
        user = _local_user(config)
    st.session_state[_USER_KEY] = user
    return user


def _stop_closed() -> NoReturn:
    """End the run at the login (or its refusal) with no page of the dashboard listed:
    without a navigation of its own, Streamlit would list every file of pages/ in the
    sidebar to a visitor who has not signed in."""
    st.navigation([st.Page(_signed_out, title="PMO metrics", default=True)], position="hidden")
    st.stop()


def _signed_out() -> None:
    """The only page before login; never run (the gate stops first)."""


def current_user() -> User | None:
    """The user :func:`gate` let in during this session (None before the gate ran)."""
    return st.session_state.get(_USER_KEY)


def _demo_banner() -> str:
    return t("demo_banner")


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all: StreamlitSecretNotFoundError
        return False


def _oidc_user(config: AuthConfig | None) -> User:
    if not st.user.is_logged_in:
        st.title("PMO metrics")
        st.write("Sign in with your organisation's account to continue.")
        st.button("Sign in", on_click=st.login, type="primary")
        _stop_closed()
    email = str(st.user.get("email") or "")
    role = role_for(config, username=None, email=email)
    if role is None:
        _refuse(email, st.logout)
    with st.sidebar:
        st.caption(f"{st.user.get('name') or email} ({role})")
        st.button("Sign out", on_click=st.logout)
    return User(name=email, role=role)


def _authenticator(config: AuthConfig):
    """streamlit-authenticator's widget, built every run (its cookie manager is a component
    of the page), on a copy of the credentials so that the library never rewrites the file."""
    import streamlit_authenticator as stauth

    return stauth.Authenticate(
        copy.deepcopy(config.credentials),
        cookie_name=config.cookie_name,
        cookie_key=config.cookie_key,
        cookie_expiry_days=config.cookie_expiry_days,
        auto_hash=False,  # plain-text passwords are refused by load_auth_config instead
    )


def _local_user(config: AuthConfig) -> User:
    authenticator = _authenticator(config)
    try:
        authenticator.login(location="main", max_login_attempts=None)
    except Exception as exc:  # the library raises LoginError for a bad form
        st.error(str(exc))
        _stop_closed()
    status = st.session_state.get("authentication_status")
    if status is False:
        st.error("Username or password is incorrect.")
        _stop_closed()
    if not status:
        _stop_closed()  # the form is drawn; wait for it
    username = st.session_state.get("username")
    email = (config.credentials["usernames"].get(username) or {}).get("email")
    role = role_for(config, username=username, email=email)
    if role is None:
        _refuse(username, lambda: authenticator.logout(location="unrendered"))
    with st.sidebar:
        st.caption(f"{st.session_state.get('name') or username} ({role})")
        authenticator.logout("Sign out", location="sidebar")
        if role == "admin" and readable_by_others(config.path):
            st.warning(
                f"{config.path} is readable by other accounts of the server; it holds password "
                f"hashes and the cookie secret: `chmod 600 {config.path}`"
            )
    return User(name=str(username), role=role)


def _refuse(who: str | None, sign_out) -> None:
    st.error(
        f"{who or 'This account'} has no role in this dashboard. Ask an administrator to "
        "add you to the roles mapping."
    )
    st.button("Sign out", on_click=sign_out)
    _stop_closed()
