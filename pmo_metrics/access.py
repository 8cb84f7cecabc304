"""Who may do what: roles, the pages each role sees, and the actions each may take.

Pages hide what a role may not use, and every action is checked again here on the server side
(``require``), so hiding is never the only guard.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Protocol

ROLES = ("sponsor", "pmo_lead", "analyst", "admin")

_EVERYONE = frozenset(ROLES)
PAGE_ROLES: dict[str, frozenset[str]] = {
    "overview": _EVERYONE,
    "services": _EVERYONE,
    "applications": _EVERYONE,
    "delivery": _EVERYONE,
    "flow": _EVERYONE,
    "risks": _EVERYONE,
    "improvement": _EVERYONE,
    "report": _EVERYONE,
    "data": frozenset({"pmo_lead", "admin"}),
    "explore": frozenset({"analyst", "admin"}),
}

ACTION_ROLES: dict[str, frozenset[str]] = {
    "import": frozenset({"pmo_lead", "admin"}),
    "undo": frozenset({"pmo_lead", "admin"}),
    "edit_catalog": frozenset({"pmo_lead", "admin"}),
    "save_mapping": frozenset({"pmo_lead", "admin"}),
    "view_audit": frozenset({"pmo_lead", "admin"}),
    "explain_status": frozenset({"pmo_lead", "admin"}),  # write or close a status's explanation
    "publish": frozenset({"pmo_lead", "admin"}),  # publish or republish a month
    "restore": frozenset({"admin"}),  # replaces the whole store
    "sql": frozenset({"analyst", "admin"}),
    "manage_users": frozenset({"admin"}),
}


class PermissionDenied(PermissionError):
    """An action the user's role does not allow."""


class HasRole(Protocol):
    """Anything with a name and a role: ``ui.auth.User``, :class:`Actor`."""

    @property
    def name(self) -> str: ...  # read-only: a frozen Actor and ui.auth.User both qualify

    @property
    def role(self) -> str: ...


@dataclass(frozen=True)
class Actor:
    """Who performs an action in the package (``ui.auth.User`` has the same two fields)."""

    name: str
    role: str


def cli_actor() -> Actor:
    """The command line's actor: whoever can run it can already open the database file, so
    it acts as an admin, recorded under the operating-system user name."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        name = "cli"
    return Actor(name=f"cli:{name}", role="admin")


def role_of(who: str | HasRole) -> str:
    """The role of ``who``: a role name, or anything with a ``role`` attribute."""
    return who if isinstance(who, str) else str(who.role)


def name_of(who: str | HasRole | None) -> str | None:
    """The user name to record for ``who`` (None when unknown)."""
    if who is None or isinstance(who, str):
        return who
    return str(who.name)


def can_see(role: str | HasRole, page: str) -> bool:
    return role_of(role) in PAGE_ROLES.get(page, frozenset())


def can(role: str | HasRole, action: str) -> bool:
    """Whether the role may take ``action``; an unknown action is allowed to nobody."""
    return role_of(role) in ACTION_ROLES.get(action, frozenset())


def require(role: str | HasRole, action: str) -> None:
    """Refuse ``action`` unless the role allows it; call it where the action happens (the
    server side), not only where the button is drawn. ``role`` is a role name or a user."""
    if not can(role, action):
        raise PermissionDenied(f"the role '{role_of(role)}' may not {action.replace('_', ' ')}")


def visible_pages(role: str | HasRole) -> list[str]:
    """The pages a role sees, in menu order (an unknown role sees none)."""
    return [page for page in PAGE_ROLES if can_see(role, page)]
