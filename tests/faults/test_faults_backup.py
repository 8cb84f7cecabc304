"""``backup DIR`` and ``restore DIR``: every table comes back equal; nothing is overwritten by
accident; a damaged backup or a busy store is refused before anything changes."""

from __future__ import annotations

import json
import threading

import pytest

import pmo_metrics.store.loads as loads
from pmo_metrics import audit
from pmo_metrics.backup import BackupError, backup, read_manifest, restore
from pmo_metrics.importing import import_paths, save_mapping_profile
from pmo_metrics.store.connection import connect

from .conftest import fingerprint, pmo, write_tickets


@pytest.fixture
def busy_store(tmp_path):
    """A store with history: two loads (the second updating 50 tickets), one undone load,
    a mapping profile and audit entries."""
    db = tmp_path / "pmo.duckdb"
    con = connect(db)
    import_paths(con, [write_tickets(tmp_path / "m.csv", 0, 200, "march")], user="ana")
    import_paths(con, [write_tickets(tmp_path / "a.csv", 150, 100, "april")], user="ana")
    third = import_paths(con, [write_tickets(tmp_path / "x.csv", 900, 10, "oops")], user="ana")
    loads.undo_load(con, third.load_id)
    save_mapping_profile(con, "itsm", "tickets", {"Number": "ticket_id"})
    audit.record(con, "ana", "import", "load 1")
    audit.record(con, "ana", "undo", f"load {third.load_id}")
    con.close()
    return db


def without_restore_entry(prints: dict, restored_db) -> dict:
    """The restored store's fingerprint minus the audit entry the restore itself adds."""
    con = connect(restored_db, read_only=True)
    try:
        entries = audit.entries(con)
    finally:
        con.close()
    assert entries["action"].tolist()[0] == "restore"
    out = dict(prints)
    out.pop("audit_log")
    return out


def test_round_trip_through_the_command_line(tmp_path, busy_store):
    before = fingerprint(busy_store)
    folder = tmp_path / "backup-2026-04"
    done = pmo("backup", str(folder), "--db", str(busy_store))
    assert done.returncode == 0, done.stderr
    total = sum(rows for rows, _ in before.values())
    assert done.stdout.strip() == (
        f"backup written to {folder}: {len(before)} tables, {total} rows "
        "(manifest.json lists each file's checksum)"
    )
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["tickets"]["rows"] == 250
    # 50 versions the second load replaced + the undone load's 10 rows, kept for a redo
    assert manifest["tables"]["tickets_history"]["rows"] == 60
    # every sequence of the store, those not used yet at their first value
    assert manifest["sequences"] == {"load_id_seq": 4, "status_note_seq": 1, "outbox_seq": 1}

    restored = tmp_path / "restored" / "pmo.duckdb"
    done = pmo("restore", str(folder), "--db", str(restored))
    assert done.returncode == 0, done.stderr
    after = fingerprint(restored)
    assert after["audit_log"][0] == before["audit_log"][0] + 1
    expected = dict(before)
    expected.pop("audit_log")
    assert without_restore_entry(after, restored) == expected

    # The load sequence continues where it was: the next load is 4, not a reused 1.
    con = connect(restored)
    try:
        result = import_paths(con, [write_tickets(tmp_path / "may.csv", 5000, 5, "may")])
        assert result.load_id == 4
    finally:
        con.close()


def test_restore_refuses_a_store_with_data_unless_forced(tmp_path, busy_store):
    folder = tmp_path / "bk"
    backup(busy_store, folder)
    other = tmp_path / "other.duckdb"
    con = connect(other)
    import_paths(con, [write_tickets(tmp_path / "o.csv", 7000, 3, "other")])
    con.close()
    other_before = fingerprint(other)
    done = pmo("restore", str(folder), "--db", str(other))
    assert done.returncode == 1
    assert f"{other} is not empty (" in done.stderr
    assert "restore with --force" in done.stderr
    assert fingerprint(other) == other_before
    done = pmo("restore", str(folder), "--db", str(other), "--force")
    assert done.returncode == 0, done.stderr
    assert fingerprint(other)["tickets"] == fingerprint(busy_store)["tickets"]


def test_restore_into_an_empty_store_needs_no_force(tmp_path, busy_store):
    folder = tmp_path / "bk"
    backup(busy_store, folder)
    empty = tmp_path / "empty.duckdb"
    connect(empty).close()  # the schema, no rows
    restore(folder, empty)
    assert fingerprint(empty)["tickets"] == fingerprint(busy_store)["tickets"]


def test_an_empty_store_round_trips(tmp_path):
    db = tmp_path / "empty.duckdb"
    connect(db).close()
    manifest = backup(db, tmp_path / "bk")
    assert manifest.total_rows == 0
    restore(tmp_path / "bk", tmp_path / "again.duckdb")
    prints = fingerprint(tmp_path / "again.duckdb")
    assert prints["audit_log"][0] == 1
    assert {name: rows for name, (rows, _) in prints.items() if name != "audit_log"} == {
        name: 0 for name in prints if name != "audit_log"
    }


def test_a_damaged_backup_is_refused_and_changes_nothing(tmp_path, busy_store):
    folder = tmp_path / "bk"
    backup(busy_store, folder)
    target = tmp_path / "target.duckdb"
    connect(target).close()
    before = fingerprint(target)
    data = bytearray((folder / "tickets.parquet").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / "tickets.parquet").write_bytes(bytes(data))
    done = pmo("restore", str(folder), "--db", str(target), "--force")
    assert done.returncode == 1
    assert "tickets.parquet does not match the manifest: the backup is damaged" in done.stderr
    assert fingerprint(target) == before
    (folder / "tickets.parquet").unlink()
    with pytest.raises(BackupError, match=r"the backup misses tickets.parquet \(table tickets\)"):
        read_manifest(folder)
    with pytest.raises(BackupError, match="is not a backup: it has no manifest.json"):
        restore(tmp_path, target)


def test_backup_refuses_a_folder_with_files(tmp_path, busy_store):
    folder = tmp_path / "bk"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine", encoding="utf-8")
    done = pmo("backup", str(folder), "--db", str(busy_store))
    assert done.returncode == 1
    assert "already exists and is not empty; choose a new folder" in done.stderr
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]


def test_backup_and_restore_while_another_process_holds_the_store(tmp_path, busy_store, holder):
    folder = tmp_path / "bk"
    backup(busy_store, folder)
    before = fingerprint(busy_store)
    dashboard = holder(busy_store)
    done = pmo("backup", str(tmp_path / "bk2"), "--db", str(busy_store))
    assert done.returncode == 1 and "is in use by another process" in done.stderr
    assert not (tmp_path / "bk2").exists()
    done = pmo("restore", str(folder), "--db", str(busy_store), "--force")
    assert done.returncode == 1 and "is in use by another process" in done.stderr
    dashboard.release()
    assert fingerprint(busy_store) == before


def test_backup_from_the_app_during_an_import_is_a_consistent_snapshot(
    tmp_path, busy_store, monkeypatch
):
    """The dashboard's connection backs up while a load is open: the copy is the state
    before that load, whole."""
    app = connect(busy_store)
    inside, release = threading.Event(), threading.Event()
    upsert = loads._upsert

    def held(con, spec, frame, *rest):
        counts = upsert(con, spec, frame, *rest)
        inside.set()
        assert release.wait(300)
        return counts

    monkeypatch.setattr(loads, "_upsert", held)
    may = write_tickets(tmp_path / "may.csv", 100, 500, "may")
    worker = threading.Thread(target=lambda: import_paths(app.cursor(), [may]))
    try:
        before = fingerprint_app(app)
        worker.start()
        assert inside.wait(300)
        manifest = backup(app, tmp_path / "bk")
    finally:
        release.set()
        worker.join(300)
    after = fingerprint_app(app)
    app.close()
    assert manifest.tables["tickets"].rows == before["tickets"][0] == 250
    assert after["tickets"][0] == 600
    restore(tmp_path / "bk", tmp_path / "copy.duckdb")
    copy = fingerprint(tmp_path / "copy.duckdb")
    assert copy["tickets"] == before["tickets"]
    assert copy["loads"] == before["loads"]


def fingerprint_app(con):
    from .conftest import fingerprint_con

    return fingerprint_con(con.cursor())


def _rewrite_audit_log(folder, sql: str) -> None:
    """Rewrite the backup's audit_log.parquet through ``sql`` (over the table ``log``) and put
    the new file's hash in the manifest, as someone covering their tracks would."""
    import duckdb

    from pmo_metrics.readers.files import file_sha256

    file = folder / "audit_log.parquet"
    edited = folder / "edited.parquet"
    con = duckdb.connect()
    con.execute(f"CREATE TABLE log AS SELECT * FROM read_parquet('{file}')")
    con.execute(sql)
    con.execute(f"COPY log TO '{edited}' (FORMAT parquet)")
    columns = [r[0] for r in con.execute("DESCRIBE log").fetchall()]
    rows, total = con.execute(  # the manifest's content checksum, recomputed as backup does
        "SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM log t"
    ).fetchall()[0]
    con.close()
    edited.replace(file)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"]["audit_log"]["sha256"] = file_sha256(file)
    manifest["tables"]["audit_log"]["columns"] = columns
    manifest["tables"]["audit_log"]["rows"] = rows
    manifest["tables"]["audit_log"]["checksum"] = f"{rows}:{total}"
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_a_backup_whose_audit_log_was_edited_is_refused(tmp_path, busy_store):
    folder = tmp_path / "bk"
    backup(busy_store, folder)
    _rewrite_audit_log(folder, "UPDATE log SET username = 'nobody' WHERE seq = 2")
    target = tmp_path / "target.duckdb"
    connect(target).close()
    before = fingerprint(target)
    done = pmo("restore", str(folder), "--db", str(target), "--force")
    assert done.returncode == 1
    assert (
        "the audit log was altered: an entry's content does not match its hash (entry 2 of "
    ) in done.stderr
    assert "nothing was restored" in done.stderr
    assert fingerprint(target) == before
    _rewrite_audit_log(folder, "DELETE FROM log WHERE seq = 1")  # an entry taken out
    with pytest.raises(BackupError, match="an entry is missing"):
        restore(folder, target, force=True)
    assert fingerprint(target) == before


def test_a_backup_made_before_the_chain_is_restored_chained(tmp_path, busy_store):
    """A backup of an older version has no chain columns: its entries are chained on restore,
    in the order written, and the restore entry says so."""
    folder = tmp_path / "bk"
    backup(busy_store, folder)
    _rewrite_audit_log(
        folder,
        "ALTER TABLE log DROP COLUMN entry_hash; ALTER TABLE log DROP COLUMN seq",
    )
    restored = tmp_path / "restored.duckdb"
    restore(folder, restored)
    con = connect(restored)
    try:
        assert audit.verify(con).intact
        entries = audit.entries(con)
        assert entries["action"].tolist()[0] == "restore"
        assert (
            entries["detail"]
            .tolist()[0]
            .endswith("; 6 older entries had no chain and were chained now")
        )
    finally:
        con.close()
