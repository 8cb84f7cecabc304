"""Unknown files: the import names the unknown columns; a saved mapping profile is reused."""

from __future__ import annotations

import pytest

from pmo_metrics.importing import (
    get_mapping_profile,
    import_paths,
    list_mapping_profiles,
    save_mapping_profile,
    suggest_mapping,
)
from pmo_metrics.readers.detect import detect_source
from pmo_metrics.schema.problems import ImportRejected

ODD = [
    ["Ref", "Headline", "Phase", "Team space", "Kind"],
    ["X-1", "Build it", "Finished", "XP", "Story"],
    ["X-2", "Test it", "Waiting", "XP", "Story"],
]
MAPPING = {
    "Ref": "item_key",
    "Headline": "summary",
    "Phase": "status",
    "Team space": "project",
    "Kind": "item_type",
}


def test_unknown_file_lists_its_columns_and_how_to_map(con, write_csv, store_state):
    path = write_csv("odd.csv", ODD)
    assert detect_source(path) == "unknown"
    before = store_state()
    with pytest.raises(ImportRejected) as caught:
        import_paths(con, [path])
    [error] = caught.value.problems
    assert error.column == "Ref, Headline, Phase, Team space, Kind"
    assert (
        "none of these columns is known: Ref, Headline, Phase, Team space, Kind" in error.expected
    )
    assert "--mapping NAME" in error.expected and "Data page" in error.expected
    assert store_state() == before


def test_saved_profile_is_reused_on_next_months_file(con, write_csv):
    save_mapping_profile(con, "odd-tool", "work_items", MAPPING)
    assert get_mapping_profile(con, "odd-tool") == ("work_items", MAPPING)
    assert list_mapping_profiles(con)["name"].tolist() == ["odd-tool"]
    import_paths(con, [write_csv("odd.csv", ODD)], mapping_profile="odd-tool")
    march = write_csv("odd_march.csv", ODD + [["X-3", "Ship it", "Done", "XP", "Epic"]])
    result = import_paths(con, [march], mapping_profile="odd-tool")
    assert result.counts["work_items"].added == 1
    rows = con.execute(
        "SELECT item_key, project, status_category, is_epic, source FROM work_items ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("X-1", "XP", "Done", False, "mapped"),
        ("X-2", "XP", "To Do", False, "mapped"),
        ("X-3", "XP", "Done", True, "mapped"),
    ]


def test_profile_errors(con):
    with pytest.raises(ValueError, match="not columns of work_items: nonsense"):
        save_mapping_profile(con, "bad", "work_items", {"A": "nonsense"})
    with pytest.raises(ValueError, match="unknown table 'nope'"):
        save_mapping_profile(con, "bad", "nope", {})
    with pytest.raises(KeyError, match="no mapping profile named 'missing'"):
        get_mapping_profile(con, "missing")


def test_suggest_mapping_uses_synonyms():
    mapping, unknown = suggest_mapping(["Clave", "Estado", "Creada", "Color"], "work_items")
    assert mapping == {"Clave": "item_key", "Estado": "status", "Creada": "created"}
    assert unknown == ["Color"]
    assert suggest_mapping([], "tickets") == ({}, [])
