"""Risk metrics on a tiny register: score, band edges, exposure, heat map, overdue mitigations as
of a date, open high / critical risks over time, filters, empty and missing data."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pmo_metrics.metrics.registry import MissingData, get
from pmo_metrics.metrics.risks import TOP_RISKS, top_open_risks
from pmo_metrics.metrics.source import Filters, Source

JAN_1 = date(2026, 1, 1)


def risk(rid, p, i, app, service, *, status="open", raised=JAN_1, due=None, closed=None):
    return {"risk_id": rid, "title": f"risk {rid}", "application": app, "service": service,
            "probability": p, "impact": i, "owner": "PMO", "status": status, "raised": raised,
            "mitigation": "act", "mitigation_due": due, "closed": closed}  # fmt: skip


RISKS = [
    risk("R1", 1, 4, "A", "S1", due=date(2026, 3, 30)),  # 4 low; due the day before 31 Mar
    risk("R2", 1, 5, "A", None, due=date(2026, 3, 31)),  # 5 medium; due ON 31 Mar: not overdue
    risk("R3", 3, 3, "B", "S2"),  # 9 medium
    risk("R4", 2, 5, "B", "S2", due=date(2026, 4, 15)),  # 10 high
    risk("R5", 3, 5, "A", "S1", status="closed", closed=date(2026, 2, 20)),  # 15 high
    risk("R6", 4, 4, "B", "S2", raised=date(2026, 3, 5)),  # 16 critical, raised in March
    risk("R7", 5, 5, "A", "S1", status="closed"),  # 25 critical, closed (no date: always)
    risk("R8", 2, 2, "C", "S1"),  # 4 low, an application outside the portfolio
]
APPS = [
    {"application": "A", "services": ["S1"], "team": "Red"},
    {"application": "B", "services": ["S2"], "team": "Blue"},
]
MARCH = Filters.from_period("2026-03")  # judged as of 31 March 2026


@pytest.fixture
def loaded(put, source) -> Source:
    put("risks", RISKS)
    put("applications", APPS)
    return source


def tuples(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in r) for r in frame[columns].itertuples(False)]


def test_score_and_band_edges(loaded):
    frame = get("risks").run(loaded, MARCH)
    by_id = {r.risk_id: (r.score, r.band, r.status) for r in frame.itertuples()}
    assert by_id == {
        "R1": (4, "low", "open"),
        "R2": (5, "medium", "open"),
        "R3": (9, "medium", "open"),
        "R4": (10, "high", "open"),
        "R5": (15, "high", "closed"),
        "R6": (16, "critical", "open"),
        "R7": (25, "critical", "closed"),
        "R8": (4, "low", "open"),
    }
    assert list(frame["risk_id"]) == ["R7", "R6", "R5", "R4", "R3", "R2", "R1", "R8"]
    assert get("risks").value(loaded, MARCH) == 6


def test_overdue_as_of_the_period_end(loaded):
    frame = get("risks").run(loaded, MARCH)
    assert sorted(frame.loc[frame["overdue"], "risk_id"]) == ["R1"]
    overdue = get("overdue-mitigations").run(loaded, MARCH)
    assert tuples(overdue, ["risk_id", "band", "days_overdue"]) == [("R1", "low", 1)]
    assert get("overdue-mitigations").value(loaded, MARCH) == 1
    # as of 30 April, R2 (due 31 Mar) and R4 (due 15 Apr) are overdue too
    april = get("overdue-mitigations").run(loaded, Filters.from_period("2026-04"))
    assert tuples(april, ["risk_id", "days_overdue"]) == [("R1", 31), ("R2", 30), ("R4", 15)]
    # as of 28 Feb nothing is overdue: zero, not "no data"
    assert get("overdue-mitigations").value(loaded, Filters.from_period("2026-02")) == 0


def test_exposure_per_application_and_service(loaded):
    frame = get("risk-exposure").run(loaded, MARCH)
    assert tuples(frame, list(frame.columns)) == [
        ("B", "S2", 3, 35, 2),  # R3 9 + R4 10 + R6 16
        ("A", None, 1, 5, 0),  # R2
        ("A", "S1", 1, 4, 0),  # R1 (R5 and R7 are closed)
        ("C", "S1", 1, 4, 0),  # R8
    ]
    assert get("risk-exposure").value(loaded, MARCH) == 48
    # service S1: its own rows, plus A's risk that names no service (A belongs to S1)
    s1 = Filters.from_period("2026-03", service="S1")
    assert get("risk-exposure").value(loaded, s1) == 13
    assert get("risk-exposure").value(loaded, Filters.from_period("2026-03", team="Red")) == 9


def test_heatmap_counts_open_risks_on_the_full_grid(loaded):
    frame = get("risk-heatmap").run(loaded, MARCH)
    assert len(frame) == 25
    cells = {(p, i): n for p, i, n in frame.itertuples(index=False) if n}
    assert cells == {(1, 4): 1, (1, 5): 1, (3, 3): 1, (2, 5): 1, (4, 4): 1, (2, 2): 1}
    assert get("risk-heatmap").value(loaded, MARCH) == 6


def test_open_high_risks_as_of_each_month(loaded):
    march = get("open-high-risks").run(loaded, MARCH)
    assert list(march["risk_id"]) == ["R6", "R4"]
    # January: R5 not yet closed, R6 not yet raised; February: R5 closed on the 20th
    values = [get("open-high-risks").value(loaded, Filters.from_period(m))
              for m in ("2026-01", "2026-02", "2026-03")]  # fmt: skip
    assert values == [2, 1, 2]
    # S1 has risks but none open and high: zero, not "no data"
    assert get("open-high-risks").value(loaded, Filters.from_period("2026-03", service="S1")) == 0


def test_empty_selection_keeps_the_columns(loaded):
    nothing = Filters(application="Z")
    for name in ("risks", "risk-exposure", "risk-heatmap", "overdue-mitigations",
                 "open-high-risks"):  # fmt: skip
        frame = get(name).run(loaded, nothing)
        assert frame.empty and list(frame.columns) == list(get(name).columns)


def test_without_a_register_says_which_sheet(source):
    for name in ("risks", "risk-exposure", "risk-heatmap", "overdue-mitigations",
                 "open-high-risks"):  # fmt: skip
        with pytest.raises(MissingData, match="risks sheet of the PMO workbook"):
            get(name).run(source)


# --- the top open risks (the overview's and the monthly report's) --------------------------------


def register_row(rid, p, i, status="open"):
    return {"risk_id": rid, "title": f"risk {rid}", "probability": p, "impact": i,
            "score": p * i, "band": "", "status": status}  # fmt: skip


# Listed in no useful order. R3 has the highest score but is closed; R1, R2 and R5 tie on 10:
# R1 and R5 (impact 5) before R2 (impact 2), R1 before R5 by id; R2 has the highest probability.
REGISTER = pd.DataFrame(
    [
        register_row("R2", 5, 2),
        register_row("R6", 1, 3),
        register_row("R5", 2, 5),
        register_row("R3", 5, 5, status="closed"),
        register_row("R7", 3, 3),
        register_row("R1", 2, 5),
        register_row("R4", 4, 4),
    ]
)


def test_top_open_risks_by_score_then_impact_then_id():
    assert TOP_RISKS == 5
    top = top_open_risks(REGISTER)
    assert list(top["risk_id"]) == ["R4", "R1", "R5", "R2", "R7"]  # 16, 10, 10, 10, 9; not R6 (3)
    assert list(top.columns) == list(REGISTER.columns)
    everything = top_open_risks(REGISTER, None)
    assert list(everything["risk_id"]) == ["R4", "R1", "R5", "R2", "R7", "R6"]
    assert top_open_risks(REGISTER[REGISTER["status"] == "closed"]).empty


def test_top_open_risks_of_the_register_as_of_each_month(loaded):
    # March: open R6 16, R4 10, R3 9, R2 5, then R1 (impact 4) and R8 (impact 2) tie on 4.
    march = top_open_risks(get("risks").run(loaded, MARCH))
    assert list(march["risk_id"]) == ["R6", "R4", "R3", "R2", "R1"]
    # January: R5 (15) is closed only on 20 Feb, R6 is raised only in March.
    january = top_open_risks(get("risks").run(loaded, Filters.from_period("2026-01")))
    assert list(january["risk_id"]) == ["R5", "R4", "R3", "R2", "R1"]


def test_the_register_lists_risks_in_the_same_order(put, source):
    # Q1 and Q2 tie on 10: Q2 (impact 5) first, though Q1 comes first by id and by probability.
    put("risks", [risk("Q1", 5, 2, "A", "S1"), risk("Q2", 2, 5, "A", "S1"),
                  risk("Q3", 1, 3, "A", "S1")])  # fmt: skip
    assert list(get("risks").run(source, MARCH)["risk_id"]) == ["Q2", "Q1", "Q3"]
    assert list(get("open-high-risks").run(source, MARCH)["risk_id"]) == ["Q2", "Q1"]  # Q3 low
