"""Fixtures of the security tests: a small store on disk, and the console's two ways in."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from uuid import uuid4

import pandas as pd
import pytest

from pmo_metrics.schema.problems import ParsedFile
from pmo_metrics.store.connection import connect
from pmo_metrics.store.loads import load_parsed

APPLICATIONS = [
    {"application": "Billing", "criticality": "high", "team": "Alpha"},
    {"application": "CRM", "criticality": "medium", "team": "Beta"},
    {"application": '=HYPERLINK("http://x")', "criticality": "low", "team": "Gamma"},
]


def parsed(table: str, rows: list[dict]) -> ParsedFile:
    frame = pd.DataFrame(rows)
    frame["source_sheet"] = "test"
    frame["source_row"] = range(2, 2 + len(frame))
    return ParsedFile(f"{table}.test", uuid4().hex, "test", {table: frame}, [], len(frame))


def store_fingerprint(con) -> dict[str, str]:
    """Every table's full content as a hash (order-independent), to prove nothing changed."""
    names = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
    out = {}
    for name in names:
        rows = sorted(repr(r) for r in con.execute(f'SELECT * FROM "{name}"').fetchall())
        out[name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return out


@pytest.fixture(scope="session")
def _template_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "console.duckdb"
    con = connect(path)
    load_parsed(con, [parsed("applications", APPLICATIONS)], period="2026-04")
    con.execute("CHECKPOINT")
    con.close()
    return path


@pytest.fixture
def store_path(tmp_path: Path, _template_store: Path) -> Path:
    """A closed store file of its own, holding three applications (one load)."""
    path = tmp_path / "console.duckdb"
    shutil.copyfile(_template_store, path)
    return path


@pytest.fixture(params=["file", "app_connection"])
def console_db(request, store_path: Path):
    """What the console is given: the file path (command line) or the app's open read-write
    connection (dashboard); every console test runs both ways."""
    if request.param == "file":
        yield store_path
        return
    con = connect(store_path)
    yield con
    con.close()
