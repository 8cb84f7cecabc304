"""The monthly report's risks on a hand-built register: the Summary's top open risks are the
overview's (one definition, :func:`pmo_metrics.metrics.risks.top_open_risks`), and each
application's sheet lists all of its open risks in the same order."""

from __future__ import annotations

import openpyxl

from pmo_metrics.exports.report import build_report
from pmo_metrics.metrics.source import Source


def risk(rid: str, p: int, i: int, app: str, status: str = "open") -> dict:
    return {"risk_id": rid, "title": f"risk {rid}", "application": app, "probability": p,
            "impact": i, "owner": "PMO", "status": status, "raised": "2026-01-01"}  # fmt: skip


# Scores: R4 16; R1, R5 and R2 10 (R1 and R5 impact 5, R2 impact 2); R7 9; R6 3; R9 1; R3 25 but
# closed. A holds six open risks, more than the Summary shows; B one.
RISKS = [
    risk("R2", 5, 2, "A"),
    risk("R6", 1, 3, "A"),
    risk("R5", 2, 5, "A"),
    risk("R3", 5, 5, "A", status="closed"),
    risk("R9", 1, 1, "A"),
    risk("R7", 3, 3, "A"),
    risk("R1", 2, 5, "A"),
    risk("R4", 4, 4, "B"),
]
APPS = [{"application": "A", "team": "Red"}, {"application": "B", "team": "Blue"}]


def risk_ids(ws, heading: str) -> list[str]:
    """The risk ids of the table under ``heading``, in order, up to the next blank row."""
    rows = ws.iter_rows(values_only=True)
    if not any(row[0] == heading for row in rows):
        raise AssertionError(f"no heading {heading!r} in {ws.title}")
    assert next(rows)[0] == "Risk"  # the table's header row
    ids = []
    for row in rows:
        if all(v is None for v in row):
            return ids
        ids.append(row[0])
    return ids


def test_summary_top_five_and_each_application_all_its_open_risks(con, put, tmp_path) -> None:
    put("risks", RISKS)
    put("applications", APPS)
    out = tmp_path / "report.xlsx"
    build_report(Source.from_duckdb(con), "2026-03", out)
    wb = openpyxl.load_workbook(out)
    summary = risk_ids(wb["Summary"], "Top open risks, March 2026")
    assert summary == ["R4", "R1", "R5", "R2", "R7"]  # not R6 (the sixth), not R3 (closed)
    assert risk_ids(wb["App A"], "Open risks, March 2026") == ["R1", "R5", "R2", "R7", "R6", "R9"]
    assert risk_ids(wb["App B"], "Open risks, March 2026") == ["R4"]
