"""Who and what the sample PMO has: its services, applications, teams, people, registers.

A regional public administration's IT services provider runs a PMO over three operating services
(plus one planned), eight applications and three Scrum teams. The rows live in ``data/`` as
plain files a reviewer can read and diff; this module only reads them into typed values.

The files are UTF-8 CSV with a header row: an empty cell is "none", dates are ISO
(``2026-03-01``), ``|`` separates the items of a list cell, flags are ``true``/``false``, numbers
are written as the catalog states them and read as the type declared here. ``texts.json`` holds
the pools the simulation draws summaries and descriptions from (their order matters: the seeded
draws pick by position).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).with_name("data")


def _flag(text: str) -> bool:
    if text not in ("true", "false"):
        raise ValueError(f"not a flag (true/false): {text!r}")
    return text == "true"


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


def read_rows(
    name: str, types: Mapping[str, Callable[[str], Any]] | None = None
) -> list[dict[str, Any]]:
    """The rows of ``data/<name>`` as dicts in the file's column order: a column listed in
    ``types`` is converted with it, any other stays text; an empty cell is None."""
    types = types or {}
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        unknown = set(types) - set(reader.fieldnames or ())
        if unknown:  # a renamed column would otherwise silently read as text
            raise ValueError(f"{name}: no column {', '.join(sorted(unknown))}")
        return [
            {k: None if v == "" else types.get(k, str)(v) for k, v in row.items()} for row in reader
        ]


@dataclass(frozen=True)
class Team:
    name: str
    prefix: str  # sprint names: "<prefix> Sprint <n>"
    tool: str  # jira | azure_devops
    projects: tuple[str, ...]  # Jira project keys / ADO projects
    first_sprint: int
    first_start: date
    capacity_points: int
    completion: float  # chance an item planned in a sprint is done in it
    points_field: str


@dataclass(frozen=True)
class App:
    name: str
    description: str
    services: tuple[str, ...]
    client_area: str
    criticality: str
    owner: str
    lifecycle: str
    project: str | None  # Jira key or ADO project
    tool: str | None
    ci: str
    team: str | None
    bac: float
    cost_overrun: float  # actual / budget
    spi: float  # EV / PV
    is_pmo: bool


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    profile: str
    team: str | None
    service: str
    apps: tuple[str, ...]


TEAMS: tuple[Team, ...] = tuple(
    Team(**r)
    for r in read_rows(
        "teams.csv",
        {
            "projects": _names,
            "first_sprint": int,
            "first_start": date.fromisoformat,
            "capacity_points": int,
            "completion": float,
        },
    )
)
APPS: tuple[App, ...] = tuple(
    App(**r)
    for r in read_rows(
        "applications.csv",
        {
            "services": _names,
            "bac": float,
            "cost_overrun": float,
            "spi": float,
            "is_pmo": _flag,
        },
    )
)
APP_BY_PROJECT = {a.project: a for a in APPS if a.project}
PEOPLE: tuple[Person, ...] = tuple(Person(**r) for r in read_rows("people.csv", {"apps": _names}))

# The catalog's own tables, row for row as the workbook holds them.
SERVICES: tuple[dict[str, Any], ...] = tuple(
    read_rows("services.csv", {"launch_date": date.fromisoformat})
)
INDICATORS: tuple[dict[str, Any], ...] = tuple(
    read_rows("indicators.csv", {"target": float, "amber_threshold": float})
)
RESOLUTION_TARGET_ROWS: tuple[dict[str, Any], ...] = tuple(
    read_rows("resolution_targets.csv", {"priority": int, "target_hours": float})
)


def _targets_by_service() -> dict[str, dict[int, float]]:
    out: dict[str, dict[int, float]] = {}
    for row in RESOLUTION_TARGET_ROWS:
        out.setdefault(row["service"], {})[row["priority"]] = row["target_hours"]
    return out


# service -> (priority -> resolution target hours), what the ticket simulation aims at
RESOLUTION_TARGETS = _targets_by_service()

# The PMO's registers, row for row as the workbook holds them.
RISKS: tuple[dict[str, Any], ...] = tuple(
    read_rows(
        "risks.csv",
        {
            "probability": int,
            "impact": int,
            "raised": date.fromisoformat,
            "mitigation_due": date.fromisoformat,
            "closed": date.fromisoformat,
        },
    )
)
ACTIONS: tuple[dict[str, Any], ...] = tuple(
    read_rows(
        "improvement_actions.csv",
        {
            "opened": date.fromisoformat,
            "due": date.fromisoformat,
            "closed": date.fromisoformat,
            "benefit_expected": float,
            "benefit_realised": float,
        },
    )
)
STAKEHOLDERS: tuple[dict[str, Any], ...] = tuple(
    read_rows(
        "stakeholders.csv",
        {
            "power": int,
            "interest": int,
            "current_engagement": int,
            "desired_engagement": int,
            "last_contact": date.fromisoformat,
            "contact_frequency_days": int,
        },
    )
)

# What the PMO expects each month (the Data page's checklist): the sample's own exports from
# November 2025, when its PMO started loading them (a team's Jira export named by its file: a
# project without activity in a month has no rows in it), the workbook's registers from
# October, and Portal del empleado's new Jira project PEMP, expected from September and never
# sent (so the sample has a source missing to show).
EXPECTED_SOURCES: tuple[dict[str, Any], ...] = tuple(
    read_rows(
        "expected_sources.csv",
        {
            "services": _names,
            "applications": _names,
            "due_day": int,
            "first_month": date.fromisoformat,
        },
    )
)
# When the sample's PMO loaded each batch (the workbook by its file name, the monthly exports by
# their month): a working day at the start of the following month, before the exports are due;
# April's exports on Monday 4 May, after the May Day weekend, a day late for ServiceNow's (due
# on the 3rd). The demo dates its loads so, so the Data page's checklist reads as a real year.
LOAD_DATES: dict[str, datetime] = {
    r["batch"]: r["loaded_at"]
    for r in read_rows("load_dates.csv", {"loaded_at": datetime.fromisoformat})
}
# Madrid's and national public holidays in the window (no timesheet hours, fewer tickets).
HOLIDAYS = frozenset(r["date"] for r in read_rows("holidays.csv", {"date": date.fromisoformat}))

TEXTS: dict[str, Any] = json.loads((DATA_DIR / "texts.json").read_text(encoding="utf-8"))


def service_named(name: str) -> str:
    """``name``, checked to be a catalog service: the simulation gives a few services their own
    behaviour (ticket streams, support staff), and a renamed row must fail here, not skew data."""
    if name not in {s["service"] for s in SERVICES}:
        raise ValueError(f"services.csv has no service {name!r}")
    return name


MANT = service_named("Mantenimiento de aplicaciones")
CAU = service_named("Centro de Atención a Usuarios")
TD = service_named("Transformación digital")


def person_with_role(role: str) -> str:
    """The one person holding ``role`` (the PMO's lead and analyst own its rollout items)."""
    (name,) = [p.name for p in PEOPLE if p.role == role]
    return name
