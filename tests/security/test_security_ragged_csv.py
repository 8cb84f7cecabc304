"""A CSV whose rows carry far more fields than its header (issue 12, Low 12).

Every data row is skipped as ragged; before, the file was then reported as "a header row
only", which sends the user looking for rows that are there. The rows are named instead.
"""

from __future__ import annotations

from pathlib import Path

from pmo_metrics.readers import limits, read_file

HEADER = "number,priority,state,opened_at\n"
ROW = "INC{0:07d},3 - Moderate,New,2026-03-02 10:00:00"


def ragged_csv(path: Path, lines: list[str]) -> Path:
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_rows_with_100k_extra_fields_are_reported_by_line(tmp_path):
    extra = ",x" * 100_000
    path = ragged_csv(tmp_path / "wide.csv", [ROW.format(i) + extra for i in range(1, 4)])

    errors = read_file(path).errors

    assert [str(p) for p in errors] == [
        f"ERROR wide.csv, row {line}: value '100004 fields'; expected 4 fields like the header row"
        for line in (2, 3, 4)  # the header is line 1
    ]


def test_past_the_listing_cap_the_rest_are_counted(tmp_path):
    count = limits.MAX_PROBLEMS_PER_COLUMN + 7
    path = ragged_csv(tmp_path / "many.csv", [ROW.format(i) + ",x,y" for i in range(count)])

    errors = read_file(path).errors

    assert [p.row for p in errors[:-1]] == list(range(2, 2 + limits.MAX_PROBLEMS_PER_COLUMN))
    assert errors[-1].value == "7 more such rows"
