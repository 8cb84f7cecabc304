"""Issue 12, High 2 and Low 8: a login configuration that is present but unusable keeps the
dashboard closed with a clear message (never demo mode, never a traceback); the users file is
written owner-only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from .test_security_login import app, shown  # noqa: F401 - the AppTest fixture

ROOT = Path(__file__).resolve().parents[2]
COOKIE = "cookie:\n  key: " + "k" * 40 + "\n"
HASH = "$2b$12$" + "a" * 53

NO_USERS = {
    "empty file": "",
    "comments only": "# users come later\n",
    "usernames null": COOKIE + "credentials:\n  usernames:\n",
    "roles only": "roles:\n  ana: sponsor\n",
    "mis-indented usernames": COOKIE
    + f"credentials:\nusernames:\n  ana:\n    password: '{HASH}'\nroles:\n  ana: sponsor\n",
}
WRONG_TYPES = {
    "usernames as a list": COOKIE + "credentials:\n  usernames: [ana]\n",
    "cookie as text": "cookie: 'secret'\n"
    + f"credentials:\n  usernames:\n    ana:\n      password: '{HASH}'\n",
    "expiry_days soon": COOKIE
    + "  expiry_days: soon\n"
    + f"credentials:\n  usernames:\n    ana:\n      password: '{HASH}'\n",
    "credentials as a list": COOKIE + "credentials: [ana]\n",
    "user entry as text": COOKIE + "credentials:\n  usernames:\n    ana: secret\n",
}


@pytest.mark.parametrize("text", NO_USERS.values(), ids=NO_USERS.keys())
def test_a_present_file_without_users_keeps_the_dashboard_closed(app, tmp_path, text):  # noqa: F811
    (tmp_path / "auth.yaml").write_text(text, encoding="utf-8")
    at = app()
    assert not at.exception, [e.message for e in at.exception]
    assert shown(at) == []
    assert not at.warning  # no demo banner
    message = at.error[0].value
    assert "stays closed" in message and "auth.yaml" in message
    assert "no users" in message


@pytest.mark.parametrize("text", WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_a_wrongly_typed_file_gives_a_message_not_a_traceback(app, tmp_path, text):  # noqa: F811
    (tmp_path / "auth.yaml").write_text(text, encoding="utf-8")
    at = app()
    assert not at.exception, [e.message for e in at.exception]
    assert shown(at) == []
    assert "stays closed" in at.error[0].value
    assert "expected" in at.error[0].value


def test_users_add_makes_a_readable_file_owner_only_and_says_so(tmp_path):
    path = tmp_path / "auth.yaml"
    path.write_text("# to be filled\n", encoding="utf-8")
    os.chmod(path, 0o644)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pmo_metrics",
            "users",
            "add",
            "ana",
            "--role",
            "sponsor",
            "--password-stdin",
        ],
        input="pw-ana-123\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PMO_AUTH_CONFIG": str(path)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "was readable by others" in done.stdout + done.stderr
