"""What the Overview and Delivery pages draw from their package functions, on hand-built stores:
the overview's top open risks in their order, and the burnup's done and scope lines (the pages
only call :func:`~pmo_metrics.metrics.risks.top_open_risks` and
:func:`~pmo_metrics.metrics.burnup.burnup`, tested on their own in tests/metrics)."""

from __future__ import annotations

import base64
import json
from datetime import date, timedelta
from pathlib import Path
from uuid import uuid4

import numpy as np
import pandas as pd

from pmo_metrics.schema.problems import ParsedFile
from pmo_metrics.store.connection import connect
from pmo_metrics.store.loads import load_parsed


def store(path: Path, tables: dict[str, list[dict]]) -> Path:
    """A store holding ``tables``, one load each, through the real load path (then closed,
    for the app to open)."""
    con = connect(path)
    try:
        for table, rows in tables.items():
            frame = pd.DataFrame(rows).assign(source_sheet="test")
            frame["source_row"] = range(2, 2 + len(frame))
            parsed = ParsedFile(f"{table}.test", uuid4().hex, "test", {table: frame}, [], len(rows))
            load_parsed(con, [parsed])
    finally:
        con.close()
    return path


def risk(rid: str, p: int, i: int, status: str = "open") -> dict:
    return {"risk_id": rid, "title": f"risk {rid}", "application": "A", "probability": p,
            "impact": i, "owner": "PMO", "status": status}  # fmt: skip


def test_overview_shows_the_five_top_open_risks_in_order(app, tmp_path: Path) -> None:
    # Scores: R4 16; R1, R5, R2 10 (impact 5, 5, 2); R7 9; R6 3 (the sixth); R3 25 but closed.
    risks = [risk("R2", 5, 2), risk("R6", 1, 3), risk("R5", 2, 5), risk("R3", 5, 5, "closed"),
             risk("R7", 3, 3), risk("R1", 2, 5), risk("R4", 4, 4)]  # fmt: skip
    at = app(store(tmp_path / "risks.duckdb", {"risks": risks}), "pages/overview.py")
    assert not at.exception
    [top] = [d.value for d in at.dataframe if "band" in d.value.columns]
    assert list(top.columns) == ["title", "application", "score", "band", "owner"]
    assert list(top["title"]) == ["risk R4", "risk R1", "risk R5", "risk R2", "risk R7"]
    assert list(top["score"]) == [16, 10, 10, 10, 9]


JAN_5 = date(2026, 1, 5)  # a Monday; Sprint n runs two weeks from JAN_5 + 14 (n - 1)


def item(key: str, sprints: list[str], est: float, cat: str = "Done", created: str = "01-05"):
    return {"item_key": key, "source": "jira", "project": "P", "item_type": "Story",
            "is_epic": False, "is_subtask": False, "status": cat, "status_category": cat,
            "estimate": est, "created": pd.Timestamp(f"2026-{created}"),
            "sprints": sprints}  # fmt: skip


def values(array: list | dict) -> list:
    """A trace's x or y as a list (plotly sends number arrays base64-encoded)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), array["dtype"]).tolist()
    return list(array)


def test_delivery_burnup_lines(app, tmp_path: Path) -> None:
    # Sprints 1-4 end on 16 Jan, 30 Jan, 13 Feb and 27 Feb, completing 3, 5, 8 and 2 points;
    # R1 13 + R2 7 = 20 points are left at the end of February.
    items = [item(f"D{n}", [f"Sprint {n}"], est) for n, est in ((1, 3), (2, 5), (3, 8), (4, 2))]
    items += [item("R1", ["Sprint 4"], 13, "In Progress", "02-02"), item("R2", [], 7, "To Do")]
    calendar = [{"team": "P", "sprint": f"Sprint {n}", "start_date": JAN_5 + timedelta(14 * n - 14),
                 "end_date": JAN_5 + timedelta(14 * n - 3)} for n in (1, 2, 3, 4)]  # fmt: skip
    db = store(tmp_path / "sprints.duckdb", {"work_items": items, "sprints": calendar})
    at = app(db, "pages/delivery.py", period=["2026-01", "2026-02"])
    assert not at.exception
    figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    [burnup] = [f for f in figures if f["layout"]["title"]["text"].startswith("Burnup")]
    lines = {trace["name"]: (values(trace["x"]), values(trace["y"])) for trace in burnup["data"]}
    ends = ["2026-01-16", "2026-01-30", "2026-02-13", "2026-02-27"]
    assert [x[:10] for x in lines["Done"][0]] == ends
    assert [x[:10] for x in lines["Scope"][0]] == ends
    assert lines["Done"][1] == [3.0, 8.0, 16.0, 18.0]  # cumulative
    assert lines["Scope"][1] == [38.0] * 4  # 18 done + 20 left
    # the forecast fan starts from the last done point and ends on the scope
    fans = [line for name, line in lines.items() if name.startswith("P")]
    assert len(fans) == 3
    assert all(x[0][:10] == "2026-02-27" and y == [18.0, 38.0] for x, y in fans)
