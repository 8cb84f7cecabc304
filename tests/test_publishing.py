"""Issue 15, §2 and §3: explanations of amber and red statuses (carried forward until closed),
and months published as frozen versions (refused with an unexplained red, republished with a
reason, every version kept), each action role checked and audited in its own transaction.

The store: one service S1 whose indicator "SLA" is SLA compliance against 90 % (amber from
85 %); in October 2026 four tickets were resolved, three within SLA: 75 %, red. The whole
portfolio's SLA card shares that target, so it is red too; and so is S1 (its worst indicator).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from pmo_metrics import actions, audit, publishing, status_notes
from pmo_metrics.access import Actor, PermissionDenied
from pmo_metrics.engine import open_source
from pmo_metrics.publishing import PublishRefused
from pmo_metrics.status_notes import Explanation, NoteRefused, Subject

ROOT = Path(__file__).resolve().parents[1]
LEAD = Actor("lena", "pmo_lead")
SPONSOR = Actor("sam", "sponsor")
OCT = "2026-10"

PILLAR_SLA = Subject("pillar", "", "sla-compliance")
INDICATOR = Subject("indicator", "S1", "SLA")
SERVICE = Subject("service", "S1")
WHY = Explanation("Two agents on leave", "Cover from the desk", "Marta", date(2026, 11, 15))


def ticket(tid: str, day: int, met: bool) -> dict:
    opened = pd.Timestamp(f"2026-10-{day:02d} 09:00")
    return {"ticket_id": tid, "source": "servicenow", "service": "S1", "priority": 3,
            "opened": opened, "resolved": opened + pd.Timedelta(hours=4), "made_sla": met,
            "is_open": False}  # fmt: skip


@pytest.fixture
def store(con, put):
    put("services", [{"service": "S1", "state": "launched"}])
    sla = {"service": "S1", "indicator": "SLA", "metric": "sla-compliance", "target": 90.0,
           "direction": "higher", "amber_threshold": 85.0}  # fmt: skip
    put("indicators", [sla])
    put("tickets", [ticket("T1", 1, True), ticket("T2", 2, True), ticket("T3", 3, True),
                    ticket("T4", 4, False)], period=OCT)  # fmt: skip
    return con


def figures(con) -> pd.DataFrame:
    return publishing.month_figures(publishing.source_tables(open_source(con.cursor())), OCT)


def row(frame: pd.DataFrame, subject: Subject) -> dict:
    found = frame[
        (frame["kind"] == subject.kind)
        & (frame["scope"] == subject.scope)
        & (frame["item"] == subject.item)
    ]
    assert len(found) == 1, f"{subject} in {frame[['kind', 'scope', 'item']].values.tolist()}"
    return found.iloc[0].to_dict()


def plain(frame: pd.DataFrame) -> list[tuple]:
    """Rows as tuples, an empty cell as None."""
    return [tuple(None if pd.isna(v) else v for v in r) for r in frame.itertuples(index=False)]


def explain_reds(con) -> None:
    for subject in (PILLAR_SLA, INDICATOR, SERVICE):
        actions.explain_status(con, LEAD, subject, OCT, WHY, status="red")


def log(con) -> list[tuple[str, str, str]]:
    rows = audit.entries(con)[["username", "action", "detail"]].itertuples(index=False)
    return [tuple(r) for r in rows][::-1]  # oldest first


# --- explanations -----------------------------------------------------------------------------


def test_a_note_is_carried_forward_month_to_month_until_closed(con) -> None:
    note = actions.explain_status(con, LEAD, SERVICE, "2026-09", WHY, status="red")

    def applies(month: str) -> list[int]:
        return status_notes.notes_for(con, month)["note_id"].tolist()

    assert (applies("2026-08"), applies("2026-09"), applies("2026-10")) == ([], [note], [note])
    assert applies("2027-03") == [note]  # open: every month after September
    actions.close_note(con, LEAD, note, "2026-11")  # closed as of November
    assert (applies("2026-09"), applies("2026-10"), applies("2026-11")) == ([note], [note], [])
    with pytest.raises(NoteRefused, match="already closed as of 2026-11"):
        actions.close_note(con, LEAD, note, "2026-12")
    shown = status_notes.notes_for(con, "2026-10").iloc[0]
    assert (shown["cause"], shown["action"], shown["owner"]) == (
        "Two agents on leave", "Cover from the desk", "Marta",
    )  # fmt: skip
    assert status_notes.note_text(shown, "en") == (
        "Two agents on leave. Action: Cover from the desk (Marta, due 15 Nov 2026)"
    )
    assert status_notes.note_text(shown, "es") == (
        "Two agents on leave. Acción: Cover from the desk (Marta, fecha 15 nov 2026)"
    )


def test_a_new_note_replaces_the_one_that_applied_from_its_month(con) -> None:
    first = actions.explain_status(con, LEAD, SERVICE, "2026-09", WHY, status="red")
    later = Explanation("Vendor delay", "Escalated", "Luis", None, risk_id="R7", action_id="A2")
    second = actions.explain_status(con, LEAD, SERVICE, "2026-10", later, status="amber")
    september = status_notes.notes_for(con, "2026-09")
    october = status_notes.notes_for(con, "2026-10")
    assert september["note_id"].tolist() == [first]  # September keeps what it said
    assert october["note_id"].tolist() == [second]
    assert (october["risk_id"].iloc[0], october["action_id"].iloc[0]) == ("R7", "A2")
    assert status_notes.note_text(october.iloc[0], "en") == (
        "Vendor delay. Action: Escalated (Luis, due -) [risk R7; improvement action A2]"
    )


def test_an_explanation_needs_cause_action_and_owner(con) -> None:
    with pytest.raises(NoteRefused, match="needs its cause, owner"):
        actions.explain_status(con, LEAD, SERVICE, OCT, Explanation(" ", "Act", ""))
    with pytest.raises(NoteRefused, match="YYYY-MM"):
        actions.explain_status(con, LEAD, SERVICE, "Oct 2026", WHY)
    assert con.execute("SELECT count(*) FROM status_notes").fetchall() == [(0,)]
    assert log(con) == []


# --- the month's figures and the refusal ------------------------------------------------------


def test_the_month_figures_judge_pillar_indicator_and_service(store) -> None:
    now = figures(store)
    pillar = row(now, PILLAR_SLA)
    assert (pillar["value"], pillar["target"], pillar["status"]) == (75.0, 90.0, "red")  # 3 / 4
    indicator = row(now, INDICATOR)
    assert (indicator["value"], indicator["target"], indicator["status"]) == (75.0, 90.0, "red")
    service = row(now, SERVICE)
    assert (service["value"], service["status"]) == (0.0, "red")  # 0 of 1 indicator on target
    # a pillar figure with no shared target is kept, not judged
    assert pd.isna(row(now, Subject("pillar", "", "tickets-opened"))["status"])
    assert row(now, Subject("pillar", "", "tickets-opened"))["value"] == 4.0


def test_a_red_without_an_explanation_cannot_be_published(store) -> None:
    actions.explain_status(store, LEAD, SERVICE, OCT, WHY, status="red")
    with pytest.raises(PublishRefused) as refused:
        actions.publish_month(store, LEAD, OCT)
    assert refused.value.unexplained == [PILLAR_SLA, INDICATOR]
    assert str(refused.value) == (
        "2026-10 cannot be published: 2 red status(es) without an explanation: pillar SLA "
        "compliance; indicator S1 · SLA. Explain each, then publish."
    )
    assert publishing.publications(store).empty
    assert [a for _, a, _ in log(store)] == ["import"] * 3 + ["explain_status"]


def test_an_amber_needs_no_explanation_to_be_published(store, put) -> None:
    put("tickets", [ticket(f"M{i}", 10 + i, True) for i in range(4)], period=OCT)  # 7 / 8
    assert row(figures(store), INDICATOR)["status"] == "amber"  # 87.5 %
    assert actions.publish_month(store, LEAD, OCT).version == 1


# --- publishing, freezing, republishing -------------------------------------------------------


def test_a_load_after_publishing_leaves_the_published_figures_and_lists_the_changes(
    store, put
) -> None:
    explain_reds(store)
    done = actions.publish_month(store, LEAD, OCT)
    assert (done.month, done.version, done.published_by, done.reason) == (OCT, 1, "lena", None)
    frozen = publishing.published_figures(store, OCT)
    assert (row(frozen, INDICATOR)["value"], row(frozen, INDICATOR)["status"]) == (75.0, "red")
    assert publishing.published_notes(store, OCT)["kind"].tolist() == [
        "indicator", "pillar", "service",
    ]  # fmt: skip
    assert publishing.changes(frozen, figures(store)).empty

    # four more tickets of October, all within SLA: 7 / 8 = 87.5 %, amber
    put("tickets", [ticket(f"M{i}", 10 + i, True) for i in range(4)], period=OCT)
    after = publishing.published_figures(store, OCT)
    pd.testing.assert_frame_equal(after, frozen)  # the load changed nothing published
    diff = publishing.changes(frozen, figures(store))
    listed = diff[["kind", "scope", "item", "before", "after", "status_before", "status_after"]]
    assert plain(listed) == [
        ("indicator", "S1", "SLA", 75.0, 87.5, "red", "amber"),
        ("pillar", "", "sla-compliance", 75.0, 87.5, "red", "amber"),
        ("pillar", "", "tickets-opened", 4.0, 8.0, None, None),
        ("service", "S1", "", 0.0, 0.0, "red", "amber"),
    ]


def test_republishing_needs_a_reason_and_keeps_every_version(store, put) -> None:
    explain_reds(store)
    actions.publish_month(store, LEAD, OCT)
    with pytest.raises(PublishRefused, match="published already \\(version 1\\)"):
        actions.publish_month(store, LEAD, OCT)
    with pytest.raises(PublishRefused, match="needs a reason"):
        actions.republish_month(store, LEAD, OCT, "  ")
    with pytest.raises(PublishRefused, match="never published"):
        actions.republish_month(store, LEAD, "2026-09", "late tickets")
    put("tickets", [ticket(f"M{i}", 10 + i, True) for i in range(4)], period=OCT)
    again = actions.republish_month(store, LEAD, OCT, "late ServiceNow export")
    assert (again.version, again.reason) == (2, "late ServiceNow export")
    versions = publishing.publications(store)
    assert plain(versions[["month", "version", "published_by", "reason", "figures", "notes"]]) == [
        (OCT, 2, "lena", "late ServiceNow export", 19, 3),
        (OCT, 1, "lena", None, 19, 3),
    ]
    assert row(publishing.published_figures(store, OCT, 1), INDICATOR)["value"] == 75.0
    assert row(publishing.published_figures(store, OCT), INDICATOR)["value"] == 87.5
    latest, shown = publishing.month_status(store, OCT)
    assert latest is not None and latest.version == 2
    top = publishing.exceptions_of(shown)  # none red any more: the ambers, with their notes
    assert top[["kind", "status", "cause"]].values.tolist() == [
        ["pillar", "amber", "Two agents on leave"],
        ["indicator", "amber", "Two agents on leave"],
        ["service", "amber", "Two agents on leave"],
    ]
    assert [(a, d) for _, a, d in log(store) if a in ("publish", "republish")] == [
        ("publish", "2026-10 version 1: 19 figures"),
        ("republish", "2026-10 version 2: 19 figures; reason: late ServiceNow export"),
    ]


def test_the_draft_status_for_the_report_carries_the_notes_that_apply(store) -> None:
    explain_reds(store)
    publication, shown = publishing.month_status(store, OCT)
    assert publication is None  # not published: the figures as computed now
    red = publishing.exceptions_of(shown)
    assert red[["kind", "scope", "status", "owner"]].values.tolist() == [
        ["pillar", "", "red", "Marta"],
        ["indicator", "S1", "red", "Marta"],
        ["service", "S1", "red", "Marta"],
    ]


# --- roles and audit --------------------------------------------------------------------------


def test_a_sponsor_can_neither_explain_nor_publish(store) -> None:
    with pytest.raises(PermissionDenied, match="may not explain status"):
        actions.explain_status(store, SPONSOR, SERVICE, OCT, WHY)
    note = actions.explain_status(store, LEAD, SERVICE, OCT, WHY)
    with pytest.raises(PermissionDenied, match="may not explain status"):
        actions.close_note(store, SPONSOR, note, "2026-11")
    with pytest.raises(PermissionDenied, match="may not publish"):
        actions.publish_month(store, SPONSOR, OCT)
    with pytest.raises(PermissionDenied, match="may not publish"):
        actions.republish_month(store, SPONSOR, OCT, "because")
    assert status_notes.notes_for(store, "2026-11")["note_id"].tolist() == [note]  # still open
    assert publishing.publications(store).empty
    assert [u for u, a, _ in log(store) if a != "import"] == ["lena"]


def test_each_action_and_its_audit_entry_are_one_transaction(store) -> None:
    explain_reds(store)
    note = status_notes.notes_for(store, OCT)["note_id"].max()
    actions.close_note(store, LEAD, int(note), "2026-11")
    done = actions.publish_month(store, LEAD, OCT)
    assert [(a, d) for _, a, d in log(store) if a != "import"] == [
        ("explain_status", "note 1: pillar SLA compliance, from 2026-10"),
        ("explain_status", "note 2: indicator S1 · SLA, from 2026-10"),
        ("explain_status", "note 3: service S1, from 2026-10"),
        ("close_note", "note 3: service S1, as of 2026-11"),
        ("publish", f"2026-10 version {done.version}: 19 figures"),
    ]
    assert audit.verify(store).intact
    # Without an audit log to write to, neither the note nor the publication stays.
    store.execute("ALTER TABLE audit_log RENAME TO audit_log_away")
    with pytest.raises(Exception, match="audit_log"):
        actions.explain_status(store, LEAD, SERVICE, "2026-12", WHY)
    with pytest.raises(Exception, match="audit_log"):
        actions.republish_month(store, LEAD, OCT, "again")
    assert store.execute("SELECT count(*) FROM status_notes").fetchall() == [(3,)]
    assert publishing.publications(store)["version"].tolist() == [1]
    assert store.execute("SELECT count(*) FROM published_figures").fetchall() == [(19,)]


# --- the command line -------------------------------------------------------------------------


def command(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pmo_metrics", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_publish_and_explain_from_the_command_line(store, db_path) -> None:
    store.close()  # the commands open the file themselves
    refused = command("publish", "--month", OCT, "--db", str(db_path))
    assert refused.returncode == 1
    assert "3 red status(es) without an explanation" in refused.stderr
    for kind, scope, item in (PILLAR_SLA, INDICATOR, SERVICE):
        done = command("explain", "--month", OCT, "--kind", kind, "--scope", scope, "--item",
                       item, "--cause", "Leave", "--action", "Cover", "--owner", "Marta",
                       "--due", "2026-11-15", "--db", str(db_path))  # fmt: skip
        assert done.returncode == 0, done.stderr
    first = command("publish", "--month", OCT, "--db", str(db_path))
    assert (first.returncode, first.stdout) == (0, "published 2026-10 version 1\n")
    again = command("publish", "--month", OCT, "--db", str(db_path))
    assert again.returncode == 1 and "republish it with a reason" in again.stderr
    second = command("publish", "--month", OCT, "--reason", "late export", "--db", str(db_path))
    assert (second.returncode, second.stdout) == (0, "published 2026-10 version 2\n")
    listed = command("publish", "--list", "--db", str(db_path))
    lines = listed.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [[OCT, "v2"], [OCT, "v1"]]
    assert lines[0].endswith("19 figures, 3 notes  reason: late export")
