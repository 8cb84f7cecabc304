"""The login gate. Placeholder until the access work lands: demo mode, every page open."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class User:
    name: str
    role: str
    demo: bool = False


def gate() -> User:
    """Return the signed-in user (stopping the page at the login form if nobody is)."""
    return User(name="demo", role="admin", demo=True)
