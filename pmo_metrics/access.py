"""Who may do what: roles, the pages each role sees, and the actions each may take.

Pages hide what a role may not use, and every action is checked again here on the server side
(``require``), so hiding is never the only guard.
"""

from __future__ import annotations

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
    "admin": frozenset({"admin"}),
}

ACTION_ROLES: dict[str, frozenset[str]] = {
    "import": frozenset({"pmo_lead", "admin"}),
    "undo": frozenset({"pmo_lead", "admin"}),
    "edit_catalog": frozenset({"pmo_lead", "admin"}),
    "save_mapping": frozenset({"pmo_lead", "admin"}),
    "view_audit": frozenset({"pmo_lead", "admin"}),
    "sql": frozenset({"analyst", "admin"}),
    "manage_users": frozenset({"admin"}),
}


class PermissionDenied(PermissionError):
    """An action the user's role does not allow."""


def can_see(role: str, page: str) -> bool:
    return role in PAGE_ROLES.get(page, frozenset())


def can(role: str, action: str) -> bool:
    return role in ACTION_ROLES.get(action, frozenset())


def require(role: str, action: str) -> None:
    """Refuse ``action`` unless ``role`` allows it (call it where the action happens)."""
    if not can(role, action):
        raise PermissionDenied(f"the role '{role}' may not {action.replace('_', ' ')}")


def visible_pages(role: str) -> list[str]:
    return [page for page in PAGE_ROLES if can_see(role, page)]
