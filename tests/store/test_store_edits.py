"""Catalog edits made in the dashboard are loads of their own: an edit undone by hand and made
again is loaded again (it was skipped as "the same file", and the page said "load None")."""

from __future__ import annotations

import pandas as pd

from pmo_metrics import actions
from pmo_metrics.access import Actor
from pmo_metrics.editing import editable_frame
from pmo_metrics.store.connection import connect

LEAD = Actor("ana", "pmo_lead")


def test_the_same_edit_made_again_is_loaded_again(tmp_path):
    con = connect(tmp_path / "pmo.duckdb")
    try:

        def edit(criticality: str) -> int | None:
            typed = pd.DataFrame([{"application": "Billing", "criticality": criticality}])
            rows = editable_frame(typed, "applications")  # every column, as the page edits
            return actions.edit_catalog(con, LEAD, "applications", rows).load_id

        assert [edit("high"), edit("low"), edit("high")] == [1, 2, 3]
        assert con.execute("SELECT criticality FROM applications").fetchall() == [("high",)]
    finally:
        con.close()
