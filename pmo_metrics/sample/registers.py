"""The PMO workbook's tables for the sample: the catalog's and registers' rows as shipped in
``data/``, and the ones derived from the simulation (sprint calendar, capacity) or drawn here
(costs)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from pmo_metrics.sample.catalog import (
    ACTIONS,
    APPS,
    EXPECTED_SOURCES,
    INDICATORS,
    RESOLUTION_TARGET_ROWS,
    RISKS,
    SERVICES,
    STAKEHOLDERS,
    TEAMS,
)
from pmo_metrics.sample.work import WorkSimulation
from pmo_metrics.sample.year import MONTHS


# Fresh dicts on every call: the rows go to a writer, and the catalog's own must stay as read.
def service_rows() -> list[dict[str, Any]]:
    return [dict(r) for r in SERVICES]


def indicator_rows() -> list[dict[str, Any]]:
    return [dict(r) for r in INDICATORS]


def resolution_target_rows() -> list[dict[str, Any]]:
    return [dict(r) for r in RESOLUTION_TARGET_ROWS]


def risk_rows() -> list[dict[str, Any]]:
    return [dict(r) for r in RISKS]


def action_rows() -> list[dict[str, Any]]:
    return [dict(r) for r in ACTIONS]


def stakeholder_rows() -> list[dict[str, Any]]:
    return [dict(r) for r in STAKEHOLDERS]


def expected_source_rows() -> list[dict[str, Any]]:
    return [dict(r) for r in EXPECTED_SOURCES]


def application_rows() -> list[dict[str, Any]]:
    return [
        {
            "application": a.name,
            "description": a.description,
            "services": list(a.services),
            "client_area": a.client_area,
            "criticality": a.criticality,
            "owner": a.owner,
            "lifecycle": a.lifecycle,
            "jira_project": a.project if a.tool == "jira" else None,
            "ado_project": a.project if a.tool == "azure_devops" else None,
            "itsm_ci": a.ci,
            "team": a.team,
            "is_pmo": a.is_pmo,
        }
        for a in APPS
    ]


def sprint_rows(sim: WorkSimulation) -> list[dict[str, Any]]:
    """The calendar. Gestión Económica (Azure DevOps, which keeps only an item's last
    iteration) records its commitment at sprint start; Tramitación from April on."""
    rows = []
    for team in TEAMS:
        for s in sim.sprints[team.name]:
            give = team.tool == "azure_devops" or (
                team.prefix == "TRAM" and s.start >= date(2026, 4, 1)
            )
            rows.append(
                {
                    "team": team.name,
                    "sprint": s.name,
                    "start_date": s.start,
                    "end_date": s.end,
                    "committed_points": s.committed_at_start if give else None,
                    "goal": s.goal,
                }
            )
    return rows


def cost_rows(rng: random.Random) -> list[dict[str, Any]]:
    """Per application and month: the month's budget and actual cost; planned value and
    earned value cumulative to date; BAC for the year. Half the applications report earned
    value, the others % complete (EV = % x BAC).
    """
    rows = []
    for n, app in enumerate(APPS):
        weights = [rng.uniform(0.85, 1.15) for _ in MONTHS]
        total = sum(weights)
        planned = 0.0
        for i, month in enumerate(MONTHS):
            budget = app.bac * weights[i] / total
            planned += budget
            actual = budget * app.cost_overrun * rng.uniform(0.96, 1.04)
            earned = planned * app.spi * rng.uniform(0.98, 1.02)
            row = {
                "application": app.name,
                "month": month,
                "budget": round(budget, 2),
                "actual": round(actual, 2),
                "planned_value": round(planned, 2),
                "bac": float(app.bac),
            }
            if n % 2 == 0:
                row["earned_value"] = round(earned, 2)
            else:
                row["pct_complete"] = round(100 * earned / app.bac, 1)
            rows.append(row)
    return rows
