"""Write the sample files: the PMO workbook and twelve months of tool exports."""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pmo_metrics.exports.templates import write_templates
from pmo_metrics.sample import formats, registers
from pmo_metrics.sample.catalog import TEAMS
from pmo_metrics.sample.effort import capacity_rows, simulate_effort, vacations
from pmo_metrics.sample.paths import SAMPLE_DIR, WORKBOOK_NAME
from pmo_metrics.sample.tickets import Ticket, rows_for_month, simulate_tickets
from pmo_metrics.sample.work import WorkSimulation
from pmo_metrics.sample.year import MONTHS

SEED = 20261031
# The workbook's sheets: every PMO table but effort, which arrives as the Spanish timesheets.
WORKBOOK_TABLES = (
    "applications",
    "services",
    "indicators",
    "resolution_targets",
    "sprints",
    "capacity",
    "costs",
    "risks",
    "improvement_actions",
    "stakeholders",
    "expected_sources",
)


def month_dirs(root: Path = SAMPLE_DIR) -> list[Path]:
    """The monthly folders (``YYYY-MM``), oldest first."""
    return sorted(p for p in root.iterdir() if p.is_dir() and len(p.name) == 7)


@dataclass(frozen=True)
class SampleYear:
    """One seeded run of the simulations: everything the sample files are written from."""

    work: WorkSimulation
    tickets: list[Ticket]
    days_off: dict[str, set[date]]
    effort: list[dict[str, Any]]
    costs: list[dict[str, Any]]


def simulate(seed: int = SEED) -> SampleYear:
    rng = random.Random(seed)
    # Each simulation gets its own generator, seeded in this order, so that one simulation
    # drawing more numbers leaves the others' output as it was.
    work = WorkSimulation(random.Random(rng.random())).run()
    tickets = simulate_tickets(random.Random(rng.random()))
    days_off = vacations(random.Random(rng.random()))
    effort = simulate_effort(random.Random(rng.random()), days_off)
    costs = registers.cost_rows(random.Random(rng.random()))
    return SampleYear(work, tickets, days_off, effort, costs)


def workbook_data(year: SampleYear) -> dict[str, list[dict[str, Any]]]:
    """The workbook's sheets' rows, by table (:data:`WORKBOOK_TABLES`)."""
    return {
        "applications": registers.application_rows(),
        "services": registers.service_rows(),
        "indicators": registers.indicator_rows(),
        "resolution_targets": registers.resolution_target_rows(),
        "sprints": registers.sprint_rows(year.work),
        "capacity": capacity_rows(year.days_off),
        "costs": year.costs,
        "risks": registers.risk_rows(),
        "improvement_actions": registers.action_rows(),
        "stakeholders": registers.stakeholder_rows(),
        "expected_sources": registers.expected_source_rows(),
    }


def generate(out: Path = SAMPLE_DIR, *, seed: int = SEED) -> list[Path]:
    """(Re)write every sample file under ``out``; returns the files written."""
    if out.exists():
        for child in out.iterdir():
            if child.is_dir() and len(child.name) == 7:
                shutil.rmtree(child)
            elif child.suffix in (".csv", ".xlsx"):
                child.unlink()
    out.mkdir(parents=True, exist_ok=True)
    year = simulate(seed)
    work, tickets, effort = year.work, year.tickets, year.effort
    written = [_workbook(out / WORKBOOK_NAME, workbook_data(year))]
    for month in MONTHS:
        folder = out / f"{month:%Y-%m}"
        for team in TEAMS:
            items = work.rows_for_month(team, month)
            slug = _slug(team.name)
            if team.tool == "jira":
                written.append(
                    formats.write_jira_csv(
                        folder / f"jira_{slug}.csv", team, items, work.sprints[team.name], month
                    )
                )
            else:
                written.append(
                    formats.write_ado_csv(
                        folder / f"azure_devops_{slug}.csv",
                        team,
                        items,
                        work.sprints[team.name],
                        month,
                    )
                )
        written.append(
            formats.write_servicenow_xlsx(
                folder / "servicenow_incidents.xlsx",
                rows_for_month(tickets, "incident", month),
                month,
            )
        )
        written.append(
            formats.write_servicenow_csv(
                folder / "servicenow_requests.csv",
                rows_for_month(tickets, "request", month),
                month,
            )
        )
        written.append(
            formats.write_spanish_timesheet(
                folder / "partes_de_horas.csv",
                [r for r in effort if r["work_date"].strftime("%Y-%m") == f"{month:%Y-%m}"],
            )
        )
    return written


def _workbook(path: Path, data: dict[str, list[dict[str, Any]]]) -> Path:
    write_templates(path, tables=WORKBOOK_TABLES, data=data)
    return formats.normalise_xlsx(path)


def _slug(name: str) -> str:
    plain = name.lower().translate(str.maketrans("áéíóúñ ", "aeioun_"))
    return plain
