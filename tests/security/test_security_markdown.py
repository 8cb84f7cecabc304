"""Issue 12, Low 6: text from imported files is shown as text, never rendered as Markdown (a
service named like a link must not become a live link, an image must not load)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pmo_metrics.schema.problems import ParsedFile
from pmo_metrics.store.connection import connect
from pmo_metrics.store.loads import load_parsed

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "[Verify your SSO session](https://evil.example/login) ![x](https://evil.example/i.png)"


@pytest.fixture
def hostile_db(tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "pmo.duckdb"
    con = connect(path)
    frame = ParsedFile(
        "catalog.xlsx",
        "hostile",
        "test",
        {
            "services": _rows([{"service": HOSTILE, "state": "launched"}]),
            "applications": _rows([{"application": "App *bold*", "services": [HOSTILE]}]),
        },
        [],
        2,
    )
    load_parsed(con, [frame], period="2026-10")
    con.close()
    monkeypatch.setenv("PMO_DB", str(path))
    monkeypatch.setenv("PMO_DEMO", "1")
    monkeypatch.setenv("PMO_DEMO_ON_EMPTY", "0")
    return path


def _rows(rows: list[dict]):
    import pandas as pd

    frame = pd.DataFrame(rows)
    frame["source_sheet"] = "test"
    frame["source_row"] = range(2, 2 + len(frame))
    return frame


def rendered(at: AppTest) -> list[str]:
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    return [t for t in texts if "evil" in t or "bold" in t]


@pytest.mark.parametrize(
    ("script", "query"),
    [
        ("pages/services.py", {"service": HOSTILE}),
        ("pages/applications.py", {"application": "App *bold*"}),
    ],
)
def test_imported_names_are_escaped_wherever_markdown_is_rendered(hostile_db, script, query):
    at = AppTest.from_file(str(ROOT / script), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    shown = rendered(at)
    assert shown, "the name is shown somewhere"
    for text in shown:
        # every Markdown character of the name is escaped: no link, no image, no emphasis
        assert "](https://evil.example" not in text, text
        assert "*bold*" not in text, text
