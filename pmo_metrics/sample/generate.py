"""Write the sample files: the PMO workbook and twelve months of tool exports."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from pmo_metrics.exports.templates import write_templates
from pmo_metrics.sample import formats, model

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"
WORKBOOK_NAME = "pmo_workbook.xlsx"
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
)


def month_dirs(root: Path = SAMPLE_DIR) -> list[Path]:
    """The monthly folders (``YYYY-MM``), oldest first."""
    return sorted(p for p in root.iterdir() if p.is_dir() and len(p.name) == 7)


def generate(out: Path = SAMPLE_DIR, *, seed: int = SEED) -> list[Path]:
    """(Re)write every sample file under ``out``; returns the files written."""
    if out.exists():
        for child in out.iterdir():
            if child.is_dir() and len(child.name) == 7:
                shutil.rmtree(child)
            elif child.suffix in (".csv", ".xlsx"):
                child.unlink()
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    work = model.WorkSimulation(random.Random(rng.random())).run()
    tickets = model.simulate_tickets(random.Random(rng.random()))
    off = model.vacations(random.Random(rng.random()))
    effort = model.simulate_effort(random.Random(rng.random()), off)
    costs = model.cost_rows(random.Random(rng.random()))

    written = [_workbook(out / WORKBOOK_NAME, work, off, costs)]
    for month in model.MONTHS:
        folder = out / f"{month:%Y-%m}"
        for team in model.TEAMS:
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
                model.rows_for_month(tickets, "incident", month),
                month,
            )
        )
        written.append(
            formats.write_servicenow_csv(
                folder / "servicenow_requests.csv",
                model.rows_for_month(tickets, "request", month),
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


def _workbook(path: Path, work: model.WorkSimulation, off: dict, costs: list[dict]) -> Path:
    data = {
        "applications": model.application_rows(),
        "services": list(model.SERVICES),
        "indicators": model.indicator_rows(),
        "resolution_targets": model.resolution_target_rows(),
        "sprints": model.sprint_rows(work),
        "capacity": model.capacity_rows(off),
        "costs": costs,
        "risks": model.risk_rows(),
        "improvement_actions": model.action_rows(),
        "stakeholders": model.stakeholder_rows(),
    }
    write_templates(path, tables=WORKBOOK_TABLES, data=data)
    return formats.normalise_xlsx(path)


def _slug(name: str) -> str:
    plain = name.lower().translate(str.maketrans("áéíóúñ ", "aeioun_"))
    return plain
