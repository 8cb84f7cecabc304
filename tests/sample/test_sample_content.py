"""The sample's content, pinned: rows and a checksum per workbook table and per monthly export.

The generator reads the catalog from pmo_metrics/sample/data and simulates the rest; a change to
either that changes the sample fails here, so that it is made on purpose (then update PINNED and
regenerate data/sample with ``python -m pmo_metrics.sample``). Also: the catalog's files agree
with each other (the simulation assumes they do).
"""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from pmo_metrics.sample import catalog
from pmo_metrics.sample.generate import WORKBOOK_TABLES, generate, simulate, workbook_data
from pmo_metrics.sample.work import PMO_LAUNCHES, STORY_THEMES

# (rows, first 16 hex digits of the SHA-256 of the canonical content)
PINNED = {
    "applications": (9, "a7876e04462e6460"),
    "services": (4, "11fd1e117158311f"),
    "indicators": (13, "7c1b568ec7bc741a"),
    "resolution_targets": (12, "5c0d0103751314a0"),
    "sprints": (78, "2292ef20233cb928"),
    "capacity": (216, "ee78bc6b4e5d425f"),
    "costs": (108, "147ffc2e7f936a50"),
    "risks": (20, "b724d41498560045"),
    "improvement_actions": (20, "7663fb5e807cd750"),
    "stakeholders": (14, "cc641f5c2d9d75f7"),
    "expected_sources": (12, "5c3fd3463854d070"),
    # the exports: rows summed over the twelve monthly files (an open item is in several)
    "jira_tramitacion.csv": (1142, "e790db3df4532640"),
    "jira_ciudadania_digital.csv": (745, "3bb11b6e85ae8b4e"),
    "azure_devops_gestion_economica.csv": (1102, "6e9b1d69ddeaaa75"),
    "servicenow_requests.csv": (1688, "bb90bbee50e39515"),
    "partes_de_horas.csv": (5863, "47928fe9dce955f1"),
    "servicenow_incidents.xlsx": (1988, "7764b663f0d062b3"),
}
# How each monthly export is read back: encoding and delimiter (the tools' own formats).
EXPORT_CSV = {
    "jira_tramitacion.csv": ("utf-8-sig", ","),
    "jira_ciudadania_digital.csv": ("utf-8-sig", ","),
    "azure_devops_gestion_economica.csv": ("utf-8-sig", ","),
    "servicenow_requests.csv": ("utf-8", ","),
    "partes_de_horas.csv": ("cp1252", ";"),
}


def _plain(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"no canonical form for {type(value).__name__}")


def canonical(rows: list) -> bytes:
    """JSON keeps 4 apart from 4.0 and None apart from "": a type change is a change too."""
    return json.dumps(rows, ensure_ascii=False, sort_keys=True, default=_plain).encode()


def digest(parts: list[bytes]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())  # file boundaries count: no two splits collide
    return h.hexdigest()[:16]


def export_rows(path: Path) -> list:
    """A monthly export's data rows (header dropped), as read back in its tool's format."""
    if path.suffix == ".xlsx":
        # compared by cells, not bytes: the xlsx container is openpyxl's to change
        sheet = openpyxl.load_workbook(path).worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True)][1:]
    encoding, delimiter = EXPORT_CSV[path.name]
    with path.open(encoding=encoding, newline="") as f:
        return list(csv.reader(f, delimiter=delimiter))[1:]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate(out)
    return out


def test_the_sample_content_is_pinned(sample: Path) -> None:
    got = {}
    tables = workbook_data(simulate())
    assert list(tables) == list(WORKBOOK_TABLES)
    for table, rows in tables.items():
        got[table] = (len(rows), digest([canonical(rows)]))
    months = sorted(p for p in sample.iterdir() if p.is_dir())
    for name in [*EXPORT_CSV, "servicenow_incidents.xlsx"]:
        per_month = [export_rows(m / name) for m in months]
        # the exact bytes too, for the CSVs: quoting, line ends and encoding are the format
        raw = [(m / name).read_bytes() for m in months] if name in EXPORT_CSV else []
        got[name] = (
            sum(len(rows) for rows in per_month),
            digest([canonical(rows) for rows in per_month] + raw),
        )
    assert got == PINNED


def test_the_catalog_files_agree_with_each_other() -> None:
    services = {s["service"] for s in catalog.SERVICES}
    apps = {a.name for a in catalog.APPS}
    teams = {t.name for t in catalog.TEAMS}
    people = {p.name for p in catalog.PEOPLE}
    assert len(services) == len(catalog.SERVICES) and len(apps) == len(catalog.APPS)
    assert len(people) == len(catalog.PEOPLE) and len(teams) == len(catalog.TEAMS)
    for app in catalog.APPS:
        assert set(app.services) <= services, app.name
        assert app.team is None or app.team in teams, app.name
    for team in catalog.TEAMS:
        # every project a team works in is an application's, in the team's tool
        for project in team.projects:
            app = catalog.APP_BY_PROJECT[project]
            assert (app.tool, app.team) == (team.tool, team.name), project
            assert app.is_pmo or project in STORY_THEMES, project
    for person in catalog.PEOPLE:
        assert person.service in services and set(person.apps) <= apps, person.name
        assert person.team is None or person.team in teams, person.name
    assert {r["service"] for r in catalog.INDICATORS} <= services
    assert set(catalog.RESOLUTION_TARGETS) <= services
    for register in (catalog.RISKS, catalog.ACTIONS, catalog.STAKEHOLDERS):
        for row in register:
            assert row["service"] is None or row["service"] in services, row
            assert row["application"] is None or row["application"] in apps, row
    assert {r["owner"] for r in (*catalog.RISKS, *catalog.ACTIONS)} <= people
    assert len({r["risk_id"] for r in catalog.RISKS}) == len(catalog.RISKS)
    assert len({r["action_id"] for r in catalog.ACTIONS}) == len(catalog.ACTIONS)
    assert all(26 > sprint >= 0 for sprint, _ in PMO_LAUNCHES)


def test_the_catalog_keeps_spanish_text_and_exact_values() -> None:
    (sede,) = [a for a in catalog.APPS if a.name == "Sede electrónica"]
    assert (sede.bac, sede.cost_overrun, sede.spi, sede.is_pmo) == (520_000.0, 1.12, 0.93, False)
    assert catalog.SERVICES[0]["launch_date"] == date(2025, 3, 1)
    assert catalog.RISKS[7]["closed"] == date(2026, 3, 28)
    assert catalog.ACTIONS[9]["benefit_realised"] is None
    assert catalog.STAKEHOLDERS[0]["power"] == 5 and type(catalog.STAKEHOLDERS[0]["power"]) is int
    assert catalog.RESOLUTION_TARGETS[catalog.CAU] == {1: 2.0, 2: 4.0, 3: 16.0, 4: 40.0}
    assert catalog.person_with_role("Analista PMO") == "Óscar Herrera Soto"


def test_read_rows_types_cells_and_rejects_an_unknown_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog, "DATA_DIR", tmp_path)
    (tmp_path / "t.csv").write_text("name,n,when\nÁrea,3,\nb,,2026-01-02\n", encoding="utf-8")
    rows = catalog.read_rows("t.csv", {"n": int, "when": date.fromisoformat})
    assert rows == [
        {"name": "Área", "n": 3, "when": None},
        {"name": "b", "n": None, "when": date(2026, 1, 2)},
    ]
    with pytest.raises(ValueError, match="no column count"):
        catalog.read_rows("t.csv", {"count": int})
