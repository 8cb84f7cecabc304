"""Who may sign in, and with which role: the local users config (YAML) and the login mode.

The config file (``$PMO_AUTH_CONFIG``, default ``.streamlit/auth.yaml``; see
``auth.example.yaml``) is in streamlit-authenticator's format, plus a user-to-role mapping::

    cookie: {name: pmo_metrics_auth, key: <long random secret>, expiry_days: 7}
    credentials:
      usernames:
        ana: {name: Ana Pérez, email: ana@example.com, password: <bcrypt hash>}
    roles:                      # username or e-mail (OpenID Connect) -> role
      ana: pmo_lead
      sponsor@client.example: sponsor
    default_role: null          # role of a signed-in user not in the mapping (null: refused)

Passwords are bcrypt hashes (``python -m pmo_metrics users hash``); a plain-text password in
the file is refused rather than hashed silently. This module never imports streamlit.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import bcrypt
import pandas as pd
import yaml

from pmo_metrics.access import ROLES

AUTH_CONFIG_ENV = "PMO_AUTH_CONFIG"
DEMO_ENV = "PMO_DEMO"
DEFAULT_AUTH_CONFIG = Path(".streamlit") / "auth.yaml"
_BCRYPT = re.compile(r"^\$2[aby]\$\d{2}\$.{53}$")

AuthMode = Literal["demo", "local", "oidc"]


class AuthConfigError(ValueError):
    """The users config is unusable; the message says what to fix."""


@dataclass(frozen=True)
class AuthConfig:
    """The parsed users config."""

    path: Path
    cookie_name: str = "pmo_metrics_auth"
    cookie_key: str = ""
    cookie_expiry_days: float = 7.0
    credentials: dict[str, Any] = field(default_factory=lambda: {"usernames": {}})
    roles: dict[str, str] = field(default_factory=dict)
    default_role: str | None = None

    @property
    def usernames(self) -> list[str]:
        return sorted(self.credentials.get("usernames", {}))


def auth_config_path() -> Path:
    return Path(os.environ.get(AUTH_CONFIG_ENV) or DEFAULT_AUTH_CONFIG)


def load_auth_config(path: str | Path | None = None) -> AuthConfig | None:
    """The users config at ``path`` (default: :func:`auth_config_path`); None if absent."""
    path = Path(path) if path is not None else auth_config_path()
    if not path.exists():
        return None
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise AuthConfigError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict):
        raise AuthConfigError(f"{path}: expected a mapping at the top level")
    return _parsed(path, raw)


def _mapping(value: object, where: str, path: Path) -> dict[str, Any]:
    """``value`` if it is a mapping (None counts as empty), else a message saying what was
    expected at ``where``."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise AuthConfigError(
            f"{path}: {where}: expected a mapping of names to values, found "
            f"{type(value).__name__} {str(value)[:40]!r} (see auth.example.yaml)"
        )
    return value


def _parsed(path: Path, raw: dict[str, Any]) -> AuthConfig:
    cookie = _mapping(raw.get("cookie"), "cookie", path)
    credentials = _mapping(raw.get("credentials"), "credentials", path)
    users = _mapping(credentials.get("usernames"), "credentials.usernames", path)
    for username, entry in users.items():
        _mapping(entry, f"credentials.usernames.{username}", path)
    credentials = {**credentials, "usernames": users}
    try:
        expiry_days = float(cookie.get("expiry_days", 7))
    except (TypeError, ValueError):
        raise AuthConfigError(
            f"{path}: cookie.expiry_days: expected a number of days, found "
            f"{cookie.get('expiry_days')!r}"
        ) from None
    problems: list[str] = []
    for username, entry in users.items():
        password = str(entry.get("password", ""))
        if not _BCRYPT.match(password):
            problems.append(
                f"user '{username}': the password is not a bcrypt hash "
                "(run `python -m pmo_metrics users hash` and paste the result)"
            )
    roles = {str(k): str(v) for k, v in _mapping(raw.get("roles"), "roles", path).items()}
    for who, role in roles.items():
        if role not in ROLES:
            problems.append(f"roles: '{who}' has the unknown role '{role}' (one of {ROLES})")
    default_role = raw.get("default_role")
    if default_role is not None and default_role not in ROLES:
        problems.append(f"default_role: unknown role '{default_role}' (one of {ROLES})")
    if users and len(str(cookie.get("key", ""))) < 32:
        problems.append("cookie.key: set a random secret of at least 32 characters")
    if problems:
        raise AuthConfigError(f"{path}:\n  " + "\n  ".join(problems))
    return AuthConfig(
        path=path,
        cookie_name=str(cookie.get("name", "pmo_metrics_auth")),
        cookie_key=str(cookie.get("key", "")),
        cookie_expiry_days=expiry_days,
        credentials=credentials,
        roles=roles,
        default_role=default_role,
    )


def auth_mode(
    config: AuthConfig | None, *, oidc_configured: bool, demo_env: str | None
) -> AuthMode:
    """How the dashboard signs people in.

    ``PMO_DEMO=1`` forces the demo (no login, full access); ``PMO_DEMO=0`` forbids it (no
    config is then an error rather than an open dashboard). Otherwise OpenID Connect when
    ``[auth]`` is in the Streamlit secrets, local users when the config has any; a config file
    that is present without users is an error; the demo only when there is no file at all.
    """
    if demo_env == "1":
        return "demo"
    if oidc_configured:
        return "oidc"
    if config is not None and config.usernames:
        return "local"
    if config is not None:  # present but unusable: never fail open into the demo
        raise AuthConfigError(
            f"{config.path} exists but defines no users (empty, commented out, or "
            "`usernames` not under `credentials`): add users with `python -m pmo_metrics "
            "users add NAME --role ROLE`, or remove the file to run the demo"
        )
    if demo_env == "0":
        raise AuthConfigError(
            f"{DEMO_ENV}=0 forbids the demo mode, but there are no users: create "
            f"{auth_config_path()} (see auth.example.yaml) or configure [auth] in the secrets"
        )
    return "demo"


def role_for(
    config: AuthConfig | None, username: str | None, email: str | None = None
) -> str | None:
    """The role of a signed-in user: the mapping by username, then by e-mail, then the
    config's ``default_role``; None means the user has no role and is refused."""
    if config is None:
        return None
    for who in (username, email, (email or "").lower() or None):
        if who and who in config.roles:
            return config.roles[who]
    return config.default_role


def hash_password(password: str) -> str:
    """A bcrypt hash of ``password`` (the format streamlit-authenticator checks)."""
    if not password:
        raise ValueError("the password is empty")
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def check_password(password: str, hashed: str) -> bool:
    return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))


def add_user(
    path: str | Path,
    username: str,
    password: str,
    role: str,
    *,
    name: str | None = None,
    email: str | None = None,
) -> AuthConfig:
    """Add (or replace) a local user with a hashed password and a role; creates the file,
    with a fresh random cookie key, if it does not exist."""
    if role not in ROLES:
        raise AuthConfigError(f"unknown role '{role}' (one of {', '.join(ROLES)})")
    if not re.fullmatch(r"[A-Za-z0-9_.@-]{1,64}", username):
        raise AuthConfigError("a username is 1-64 letters, digits, or . _ @ -")
    path = Path(path)
    raw: dict[str, Any] = {}
    if path.exists():
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(raw, dict):
            raise AuthConfigError(f"{path}: expected a mapping at the top level")
    raw.setdefault("cookie", {})
    raw["cookie"].setdefault("name", "pmo_metrics_auth")
    raw["cookie"].setdefault("expiry_days", 7)
    if len(str(raw["cookie"].get("key", ""))) < 32:
        raw["cookie"]["key"] = secrets.token_urlsafe(48)
    raw.setdefault("credentials", {}).setdefault("usernames", {})
    if raw["credentials"]["usernames"] is None:
        raw["credentials"]["usernames"] = {}
    raw["credentials"]["usernames"][username] = {
        "name": name or username,
        "email": email or "",
        "password": hash_password(password),
    }
    raw.setdefault("roles", {})
    if raw["roles"] is None:
        raw["roles"] = {}
    raw["roles"][username] = role
    raw.setdefault("default_role", None)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(raw, sort_keys=False, allow_unicode=True)
    # Written owner-only: the file holds password hashes and the cookie secret (an existing
    # file keeps its mode through O_CREAT, so it is narrowed before anything is written).
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    return _parsed(path, raw)


def readable_by_others(path: str | Path) -> bool:
    """True when group or others may read the users file (it holds secrets)."""
    path = Path(path)
    return path.exists() and bool(path.stat().st_mode & 0o077)


def user_table(config: AuthConfig | None) -> pd.DataFrame:
    """The local users and the role mapping, for the admin page (never the hashes).

    Columns: user (username or e-mail), name, email, role, local (has a password here).
    """
    rows = []
    users = config.credentials.get("usernames", {}) if config else {}
    for username, entry in sorted(users.items()):
        entry = entry or {}
        rows.append(
            {
                "user": username,
                "name": entry.get("name") or username,
                "email": entry.get("email") or None,
                "role": role_for(config, username, entry.get("email")),
                "local": True,
            }
        )
    for who, role in sorted((config.roles if config else {}).items()):
        if who not in users:
            rows.append({"user": who, "name": None, "email": None, "role": role, "local": False})
    return pd.DataFrame(rows, columns=["user", "name", "email", "role", "local"])
