"""The command line's CSV output is opened in Excel too: formula-looking cells are neutralised."""

from __future__ import annotations

import csv
import io
import subprocess
import sys


def test_kpi_csv_neutralises_formula_cells(con, db_path, put):
    put(
        "risks",
        [
            {
                "risk_id": "R1",
                "title": '=HYPERLINK("http://x")',
                "probability": 2,
                "impact": 3,
                "status": "open",
                "owner": "@owner",
            }
        ],
    )
    con.close()  # the command line opens the file itself
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pmo_metrics",
            "kpi",
            "risks",
            "--db",
            str(db_path),
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["title"] == '\'=HYPERLINK("http://x")'
    assert row["owner"] == "'@owner"
    assert row["score"] == "6"  # numbers stay numbers
