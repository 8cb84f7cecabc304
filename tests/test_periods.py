"""A period against the previous period of the same length (pmo_metrics.periods): exact values
on tiny hand-built month tables."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pmo_metrics.periods import (
    Period,
    compare,
    compare_by_month,
    month_first_day,
    month_keys,
    months_back,
    shift_month,
)


def items(frame: pd.DataFrame) -> float:
    """A count's headline: the sum of its rows."""
    return float(frame["items"].sum())


def rate(frame: pd.DataFrame) -> float | None:
    """A rate's headline: summed numerators over summed denominators, never a sum of rates."""
    total = frame["tickets"].sum()
    return float(frame["met"].sum() / total * 100) if total else None


def by_month(values: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {"month": pd.to_datetime([f"{m}-01" for m in values]), "items": list(values.values())}
    )


def test_shift_month_across_years() -> None:
    assert shift_month("2026-01", -1) == "2025-12"
    assert shift_month("2025-12", 1) == "2026-01"
    assert shift_month("2026-05", -6) == "2025-11"
    assert shift_month("2026-10", -22) == "2024-12"
    assert months_back("2026-02", 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_month_first_day_across_years() -> None:
    assert month_first_day(date(2026, 1, 31), -1) == date(2025, 12, 1)
    assert month_first_day(date(2025, 12, 15), 1) == date(2026, 1, 1)
    assert month_first_day(date(2026, 8, 14)) == date(2026, 8, 1)
    assert month_first_day(date(2026, 10, 1), -22) == date(2024, 12, 1)


def test_month_keys_of_dates_timestamps_and_text() -> None:
    column = pd.Series([date(2026, 8, 1), pd.Timestamp("2025-12-31"), "2026-01-01"])
    assert month_keys(column).tolist() == ["2026-08", "2025-12", "2026-01"]


def test_periods_parse_count_and_list_their_months() -> None:
    assert Period.parse("2026-10") == Period("2026-10", "2026-10")
    assert Period.parse("2026-05:2026-10").length == 6
    assert Period.parse("2025-11:2026-02").months == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert str(Period.parse("2026-05:2026-10")) == "2026-05:2026-10"
    assert str(Period.parse("2026-10")) == "2026-10"
    with pytest.raises(ValueError, match="before the first"):
        Period.parse("2026-10:2026-05")


def test_the_previous_period_is_as_long_and_ends_the_month_before() -> None:
    assert Period.parse("2026-10").previous() == Period("2026-09", "2026-09")
    assert Period.parse("2026-01").previous() == Period("2025-12", "2025-12")
    assert Period.parse("2026-05:2026-10").previous() == Period("2025-11", "2026-04")
    assert Period.parse("2025-11:2026-02").previous() == Period("2025-07", "2025-10")
    assert Period.parse("2025-11:2026-10").previous() == Period("2024-11", "2025-10")


def test_one_month_against_the_month_before() -> None:
    frame = by_month({"2026-08": 90, "2026-09": 110, "2026-10": 121})
    got = compare_by_month(frame, items, 0.0, Period.parse("2026-10"), ["2026-08", "2026-09"])
    assert (got.value, got.previous, got.change) == (121.0, 110.0, 11.0)
    assert got.against == Period("2026-09", "2026-09")


def test_a_six_month_range_against_the_six_months_before() -> None:
    # Nov 2025 .. Oct 2026 hold 1 .. 12 items; Oct 2025 (outside both periods) holds 100.
    months = ["2025-10", *months_back("2026-10", 12)]
    frame = by_month(dict(zip(months, [100, *range(1, 13)], strict=True)))
    got = compare_by_month(frame, items, 0.0, Period.parse("2026-05:2026-10"), months)
    assert got.value == 7 + 8 + 9 + 10 + 11 + 12  # May..Oct = 57
    assert got.previous == 1 + 2 + 3 + 4 + 5 + 6  # Nov 2025..Apr 2026 = 21
    assert got.change == 36
    assert got.against == Period("2025-11", "2026-04")


def test_a_range_across_the_new_year_against_the_months_before() -> None:
    # Nov 2025..Feb 2026 against Jul..Oct 2025; a rate is recomputed over each period's rows.
    frame = pd.DataFrame(
        {
            "month": pd.to_datetime(
                ["2025-06-01", "2025-07-01", "2025-09-01", "2025-10-01", "2025-12-01", "2026-02-01"]
            ),
            "met": [0, 9, 18, 27, 40, 50],
            "tickets": [10, 10, 20, 30, 50, 50],
        }
    )
    got = compare_by_month(frame, rate, None, Period.parse("2025-11:2026-02"), ["2025-07"])
    assert got.value == 90.0  # (40 + 50) / (50 + 50)
    assert got.previous == 90.0  # (9 + 18 + 27) / (10 + 20 + 30); June is not in the period
    assert got.change == 0.0
    assert got.against == Period("2025-07", "2025-10")


def test_a_previous_period_without_data_gives_no_change() -> None:
    # The store starts in May 2026: May..Oct has nothing before it to compare with, and its
    # months without rows must not read as zero items.
    frame = by_month({"2026-05": 40, "2026-10": 60})
    loaded = months_back("2026-10", 6)
    got = compare_by_month(frame, items, 0.0, Period.parse("2026-05:2026-10"), loaded)
    assert (got.value, got.previous, got.change) == (100.0, None, None)
    assert got.against == Period("2025-11", "2026-04")
    # one month with data in the previous period is enough: its empty months count as zero
    got = compare_by_month(frame, items, 0.0, Period.parse("2026-08:2026-10"), loaded)
    assert (got.value, got.previous, got.change) == (60.0, 40.0, 20.0)


def test_compare_values_computed_apart() -> None:
    got = compare(5.0, 3.0, Period.parse("2026-01"), ["2025-12"])
    assert (got.change, got.against) == (2.0, Period("2025-12", "2025-12"))
    assert compare(5.0, 3.0, Period.parse("2026-01"), ["2026-01"]).change is None
    assert compare(None, 3.0, Period.parse("2026-01"), ["2025-12"]).change is None


def test_an_empty_table_gives_the_empty_value_and_no_previous() -> None:
    empty = pd.DataFrame({"month": pd.to_datetime([]), "items": []})
    got = compare_by_month(empty, items, 0.0, Period.parse("2026-10"), [])
    assert (got.value, got.previous, got.change) == (0.0, None, None)
