"""A year of the sample's exports loaded as a PMO lead really does: in order, out of order, twice,
with undo and redo in between, and with two real Jira Cloud exports beside it.

Invariants on every metric of the registry (every output table, not one headline):
- loading the same files in any order gives the same store and the same figures;
- undoing loads gives what loading the remaining files from scratch gives; redo gives back what
  never undoing gives;
- a load never changes a past month's figures of the items it does not carry;
- a month's figures do not depend on data dated after it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pmo_metrics.demo import demo_batches
from pmo_metrics.importing import import_paths
from pmo_metrics.schema.problems import ParsedFile
from pmo_metrics.store.connection import connect
from pmo_metrics.store.loads import load_parsed, redo_load, undo_load

from .conftest import (
    FEW,
    MONTHS,
    business_tables,
    differences,
    figures,
    load_batches,
)

pytestmark = pytest.mark.slow


def tables_of(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return business_tables(con)
    finally:
        con.close()


def assert_same_store(left: Path, right: Path) -> None:
    a, b = tables_of(left), tables_of(right)
    for table in a:
        assert a[table] == b[table], f"{table} differs: {len(a[table])} vs {len(b[table])} rows"


def assert_same_figures(left: Path, right: Path, **kwargs) -> None:
    a, b = figures(left, **kwargs), figures(right, **kwargs)
    assert not differences(a, b), "\n".join(differences(a, b))


def copy_of(path: Path, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copy(path, target)
    return target


def test_months_loaded_in_reverse_or_interleaved_give_the_same_store_and_figures(in_order, stores):
    workbook, *months = demo_batches()
    reverse = stores("reverse", lambda con: load_batches(con, [workbook, *months[::-1]]))
    interleaved = stores(
        "interleaved",
        lambda con: load_batches(con, [*months[1::2], workbook, *months[::2]]),
    )
    for other in (reverse, interleaved):
        assert_same_store(in_order, other)
    # Equal stores give equal figures unless a metric reads provenance or the load history:
    # every month of the year checked once, on the reversed store.
    assert_same_figures(in_order, reverse)
    assert_same_figures(in_order, interleaved, periods=FEW)


def test_undo_equals_never_loading_and_redo_equals_never_undoing(in_order, stores, tmp_path):
    batches = demo_batches()
    skipped = {"2026-03", "2026-07"}
    without = stores(
        "without_mar_jul",
        lambda con: load_batches(
            con, [batches[0], *(b for b in batches[1:] if b.period not in skipped)]
        ),
    )
    store = copy_of(in_order, tmp_path, "undo.duckdb")
    con = connect(store)
    ids = {
        r[1]: r[0]
        for r in con.execute(
            "SELECT load_id, period FROM loads WHERE load_id > 1 ORDER BY load_id"
        ).fetchall()
    }
    undo_load(con, ids["2026-07"])
    undo_load(con, ids["2026-03"])
    con.close()
    assert_same_store(without, store)
    assert_same_figures(without, store, periods=FEW)

    con = connect(store)
    redo_load(con, ids["2026-07"])  # the other order than undone
    redo_load(con, ids["2026-03"])
    con.close()
    assert_same_store(in_order, store)
    assert_same_figures(in_order, store, periods=FEW)


def test_every_file_again_changes_nothing_and_a_month_reloaded_changes_nothing(in_order, tmp_path):
    store = copy_of(in_order, tmp_path, "twice.duckdb")
    con = connect(store)
    for batch in demo_batches():  # byte-identical: skipped
        result = import_paths(con, list(batch.files), period=batch.period)
        assert result.load_id is None, batch.period
    # March's CSVs again with one more line ending: new bytes, same rows, same period.
    march = next(b for b in demo_batches() if b.period == "2026-03")
    copies = []
    for f in march.files:
        if f.suffix == ".csv":
            copy = tmp_path / f.name
            copy.write_bytes(f.read_bytes() + b"\n")
            copies.append(copy)
    result = import_paths(con, copies, period="2026-03")
    assert result.load_id is not None
    assert all(c.updated == 0 and c.added == 0 for c in result.counts.values()), result.summary()
    con.close()
    assert_same_store(in_order, store)
    assert_same_figures(in_order, store, periods=FEW)


# Every application of the sample belongs to one of these services; two applications also get
# the application filter's own path (a Jira one and an Azure DevOps one).
SAMPLE_APPLICATIONS = ("Sede electrónica", "Nóminas")
SAMPLE_SERVICES = (
    "Mantenimiento de aplicaciones",
    "Transformación digital",
    "Centro de Atención a Usuarios",
)


def test_real_exports_leave_every_sample_figure_of_every_month_unchanged(
    in_order, real_exports, tmp_path
):
    """The real exports carry other projects (SCRUM, ...): no figure of an application or a
    service of the sample may move, in any month; undoing them gives the store back."""
    store = copy_of(in_order, tmp_path, "real.duckdb")
    con = connect(store)
    loaded = []
    for name in ("jira_cloud_scrum_export.csv", "jira_cloud_export.csv"):
        result = import_paths(con, [real_exports / name])
        assert result.load_id is not None
        loaded.append(result.load_id)
    con.close()
    periods = ["2026-05", f"{MONTHS[0]}:{MONTHS[-1]}"]  # the scrum export's month; the year
    scopes = [{"application": a} for a in SAMPLE_APPLICATIONS]
    scopes += [{"service": s} for s in SAMPLE_SERVICES]
    assert_same_figures(in_order, store, periods=periods, scopes=scopes)

    con = connect(store)
    for load_id in reversed(loaded):
        undo_load(con, load_id)
    con.close()
    assert_same_store(in_order, store)


def test_a_months_figures_do_not_depend_on_data_dated_after_it(in_order, tmp_path):
    """A November load (new keys; work items, tickets and hours all dated in November, in the
    sample's projects and services) changes no figure of any month up to October."""
    store = copy_of(in_order, tmp_path, "november.duckdb")
    con = connect(store)
    load_parsed(con, [_november(con)], period="2026-11")
    con.close()
    assert_same_figures(in_order, store)


def _november(con: duckdb.DuckDBPyConnection) -> ParsedFile:
    """October's rows of the store again as new November rows: keys renamed, every date moved
    into November, sprint membership dropped (November has no sprint yet)."""
    nov = pd.Timestamp("2026-11-03 10:00")
    items = con.execute(
        "SELECT * EXCLUDE (load_id, source_file, source_sheet, row_hash) FROM work_items "
        "WHERE NOT is_epic ORDER BY item_key LIMIT 40"
    ).df()
    items["item_key"] = "NOV-" + items["item_key"]
    items["parent_key"] = None
    items["sprints"] = [[] for _ in range(len(items))]
    items["created"] = nov
    for col in ("started", "status_changed", "resolved"):
        items[col] = items[col].where(items[col].isna(), nov + pd.Timedelta(days=5))
    tickets = con.execute(
        "SELECT * EXCLUDE (load_id, source_file, source_sheet, row_hash) FROM tickets "
        "ORDER BY ticket_id LIMIT 60"
    ).df()
    tickets["ticket_id"] = "NOV" + tickets["ticket_id"]
    tickets["opened"] = nov
    for col in ("resolved", "closed"):
        tickets[col] = tickets[col].where(tickets[col].isna(), nov + pd.Timedelta(hours=20))
    effort = con.execute(
        "SELECT * EXCLUDE (load_id, source_file, source_sheet, row_hash) FROM effort "
        "WHERE work_date BETWEEN DATE '2026-10-01' AND DATE '2026-10-28' ORDER BY ALL LIMIT 40"
    ).df()
    effort["work_date"] = effort["work_date"] + pd.DateOffset(months=1)
    tables = {"work_items": items, "tickets": tickets, "effort": effort}
    for frame in tables.values():
        frame["source_sheet"] = "november"
        frame["source_row"] = range(2, 2 + len(frame))
    return ParsedFile("november.test", "november", "test", tables, [], 140)
