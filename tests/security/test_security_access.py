"""Who may do what: pages per role, server-side refusals, the users config and the audit log."""

from __future__ import annotations

import os
import stat
from datetime import datetime

import pytest
import yaml

from pmo_metrics import audit
from pmo_metrics.access import (
    ACTION_ROLES,
    ROLES,
    Actor,
    PermissionDenied,
    can,
    cli_actor,
    require,
    visible_pages,
)
from pmo_metrics.users import (
    AuthConfigError,
    add_user,
    auth_mode,
    check_password,
    hash_password,
    load_auth_config,
    role_for,
)

READER_PAGES = [
    "overview",
    "services",
    "applications",
    "delivery",
    "flow",
    "risks",
    "improvement",
    "report",
]


def test_every_page_a_role_may_see_is_a_file_and_every_file_a_page():
    from pathlib import Path

    from pmo_metrics.access import PAGE_ROLES

    files = {p.stem for p in (Path(__file__).parents[2] / "pages").glob("*.py")}
    assert set(PAGE_ROLES) == files


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        ("sponsor", READER_PAGES),
        ("pmo_lead", [*READER_PAGES, "data"]),
        ("analyst", [*READER_PAGES, "explore"]),
        ("admin", [*READER_PAGES, "data", "explore"]),
        ("intruder", []),
        ("", []),
    ],
)
def test_each_role_sees_its_pages_only(role, pages):
    assert visible_pages(role) == pages
    assert visible_pages(Actor("someone", role)) == pages


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("sponsor", set()),
        (
            "pmo_lead",
            {
                "import",
                "undo",
                "edit_catalog",
                "save_mapping",
                "view_audit",
                "explain_status",
                "publish",
            },
        ),  # fmt: skip
        ("analyst", {"sql"}),
        ("admin", set(ACTION_ROLES)),
    ],
)
def test_actions_are_refused_on_the_server_side(role, allowed):
    for action in ACTION_ROLES:
        if action in allowed:
            require(role, action)
            require(Actor("x", role), action)
        else:
            with pytest.raises(PermissionDenied, match=f"the role '{role}' may not"):
                require(Actor("x", role), action)


def test_refusal_message_and_unknown_action():
    with pytest.raises(PermissionDenied, match="^the role 'sponsor' may not edit catalog$"):
        require("sponsor", "edit_catalog")
    assert can("admin", "launch_missiles") is False
    with pytest.raises(PermissionDenied):
        require("admin", "launch_missiles")


def test_cli_actor_is_an_admin_recorded_by_os_user():
    actor = cli_actor()
    assert actor.role == "admin" and actor.name.startswith("cli:")


# --- the users config ---------------------------------------------------------------------


def write_yaml(path, data) -> None:
    path.write_text(yaml.safe_dump(data), encoding="utf-8")


def test_no_config_means_demo(tmp_path):
    assert load_auth_config(tmp_path / "absent.yaml") is None
    assert auth_mode(None, oidc_configured=False, demo_env=None) == "demo"


def test_mode_matrix(tmp_path):
    config = add_user(tmp_path / "auth.yaml", "ana", "pw-123456", "pmo_lead")
    assert auth_mode(config, oidc_configured=False, demo_env=None) == "local"
    assert auth_mode(config, oidc_configured=False, demo_env="1") == "demo"
    assert auth_mode(config, oidc_configured=True, demo_env=None) == "oidc"
    assert auth_mode(None, oidc_configured=True, demo_env="0") == "oidc"
    with pytest.raises(AuthConfigError, match="PMO_DEMO=0 forbids the demo mode"):
        auth_mode(None, oidc_configured=False, demo_env="0")


def test_add_user_hashes_the_password_and_keeps_the_file_private(tmp_path):
    path = tmp_path / "auth.yaml"
    add_user(path, "ana", "correct horse", "pmo_lead", name="Ana", email="ana@example.com")
    add_user(path, "luis", "battery staple", "analyst")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    stored = raw["credentials"]["usernames"]["ana"]["password"]
    assert "correct horse" not in path.read_text(encoding="utf-8")
    assert stored.startswith("$2b$") and check_password("correct horse", stored)
    assert not check_password("wrong", stored)
    assert raw["roles"] == {"ana": "pmo_lead", "luis": "analyst"}
    assert len(raw["cookie"]["key"]) >= 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    config = load_auth_config(path)
    assert config.usernames == ["ana", "luis"]
    assert role_for(config, "ana") == "pmo_lead"
    assert role_for(config, "luis", "luis@example.com") == "analyst"
    assert role_for(config, "nobody") is None


def test_plain_text_password_and_unknown_role_are_refused(tmp_path):
    path = tmp_path / "auth.yaml"
    write_yaml(
        path,
        {
            "cookie": {"name": "c", "key": "k" * 40, "expiry_days": 1},
            "credentials": {"usernames": {"ana": {"name": "Ana", "password": "hunter2"}}},
            "roles": {"ana": "superuser"},
            "default_role": "boss",
        },
    )
    with pytest.raises(AuthConfigError) as caught:
        load_auth_config(path)
    message = str(caught.value)
    assert "user 'ana': the password is not a bcrypt hash" in message
    assert "roles: 'ana' has the unknown role 'superuser'" in message
    assert "default_role: unknown role 'boss'" in message


def test_short_cookie_key_is_refused(tmp_path):
    path = tmp_path / "auth.yaml"
    write_yaml(
        path,
        {
            "cookie": {"name": "c", "key": "CHANGE-ME"},
            "credentials": {"usernames": {"ana": {"password": hash_password("x")}}},
        },
    )
    with pytest.raises(AuthConfigError, match="cookie.key: set a random secret"):
        load_auth_config(path)


def test_the_example_config_cannot_be_used_as_is():
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "auth.example.yaml"
    with pytest.raises(AuthConfigError, match="not a bcrypt hash"):
        load_auth_config(example)


def test_oidc_role_by_email_and_default_role(tmp_path):
    path = tmp_path / "auth.yaml"
    write_yaml(path, {"roles": {"sponsor@client.example": "sponsor"}, "default_role": None})
    config = load_auth_config(path)
    assert role_for(config, None, "sponsor@client.example") == "sponsor"
    assert role_for(config, None, "Stranger@else.example") is None
    write_yaml(path, {"roles": {}, "default_role": "sponsor"})
    assert role_for(load_auth_config(path), None, "anyone@client.example") == "sponsor"


def test_users_command_adds_a_user(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "auth.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "users", "add", "eva", "--role", "sponsor",
         "--config", str(path), "--password-stdin"],
        input="s3cret-phrase\n", capture_output=True, text=True, timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"user 'eva' (sponsor) saved in {path}"
    config = load_auth_config(path)
    assert check_password("s3cret-phrase", config.credentials["usernames"]["eva"]["password"])
    assert role_for(config, "eva") == "sponsor"


# --- the audit log -----------------------------------------------------------------------


def test_audit_log_records_who_did_what(con):
    assert audit.entries(con).empty
    assert list(audit.entries(con).columns) == ["happened_at", "username", "action", "detail"]
    audit.record(
        con, Actor("ana", "pmo_lead"), "import", "load 1: tickets.csv", at=datetime(2026, 4, 1, 9)
    )
    audit.record(con, "luis", "undo", "load 1", at=datetime(2026, 4, 1, 10))
    audit.record(con, None, "edit_catalog", "services: 1 updated", at=datetime(2026, 4, 1, 10))
    frame = audit.entries(con)[["username", "action", "detail"]].astype(object)
    assert frame.where(frame.notna(), None).values.tolist() == [
        [None, "edit_catalog", "services: 1 updated"],
        ["luis", "undo", "load 1"],
        ["ana", "import", "load 1: tickets.csv"],
    ]
    assert audit.entries(con, username="ana")["action"].tolist() == ["import"]
    assert audit.entries(con, action="undo")["username"].tolist() == ["luis"]
    with pytest.raises(ValueError, match="needs an action"):
        audit.record(con, "x", "")


def test_roles_are_the_four_of_the_issue():
    assert ROLES == ("sponsor", "pmo_lead", "analyst", "admin")


def test_user_table_lists_users_and_mapped_emails_never_hashes(tmp_path):
    from pmo_metrics.users import user_table

    path = tmp_path / "auth.yaml"
    add_user(path, "luis", "pw-luis-123", "analyst", name="Luis", email="luis@example.com")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["roles"]["sponsor@client.example"] = "sponsor"
    write_yaml(path, raw)
    frame = user_table(load_auth_config(path)).astype(object)
    assert frame.where(frame.notna(), None).values.tolist() == [
        ["luis", "Luis", "luis@example.com", "analyst", True],
        ["sponsor@client.example", None, None, "sponsor", False],
    ]
    assert "$2b$" not in frame.to_string()
    assert user_table(None).empty
