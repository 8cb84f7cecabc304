"""Month periods, and what a headline number is compared with: the period before, as long.

A period is one month or a range of months, written ``YYYY-MM`` or ``YYYY-MM:YYYY-MM``
(inclusive), as the dashboard's filters and the command line write it. Its previous period has
the same number of months and ends the month before it starts: Oct 2026 is compared with
Sep 2026, May-Oct 2026 with Nov 2025-Apr 2026, never a range with a single month.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

import pandas as pd

# The one month arithmetic of the project: the dashboard, the report and the metrics move
# months with these (a month as ``YYYY-MM`` text, or as the first day of a month).


def month_first_day(day: date, by: int = 0) -> date:
    """The first day of the month ``by`` months from ``day``'s: ``by=-1`` the month before,
    ``by=1`` the month after."""
    index = day.year * 12 + day.month - 1 + by
    return date(index // 12, index % 12 + 1, 1)


def shift_month(month: str, by: int) -> str:
    """``YYYY-MM`` moved by ``by`` months: ``shift_month("2026-01", -1) == "2025-12"``."""
    year, number = (int(part) for part in month.split("-"))
    first = month_first_day(date(year, number, 1), by)
    return f"{first.year:04d}-{first.month:02d}"


def months_back(last: str, count: int) -> list[str]:
    """``count`` months ending with ``last``, oldest first."""
    return [shift_month(last, -i) for i in range(count - 1, -1, -1)]


def month_keys(column: pd.Series) -> pd.Series:
    """``YYYY-MM`` for each value of a metric's ``month`` column (date, timestamp or text)."""
    return pd.to_datetime(column).dt.strftime("%Y-%m")


@dataclass(frozen=True)
class Period:
    """Consecutive months, ``first`` to ``last`` inclusive (``YYYY-MM``)."""

    first: str
    last: str

    @classmethod
    def parse(cls, text: str) -> Period:
        """``"2026-10"`` or ``"2026-05:2026-10"``."""
        first, _, last = text.partition(":")
        period = cls(first, last or first)
        if period.length < 1:
            raise ValueError(f"period {text!r}: the last month comes before the first")
        return period

    @property
    def length(self) -> int:
        """How many months it spans."""
        (y1, m1), (y2, m2) = ((int(p) for p in x.split("-")) for x in (self.first, self.last))
        return (y2 - y1) * 12 + m2 - m1 + 1

    @property
    def months(self) -> list[str]:
        return months_back(self.last, self.length)

    def previous(self) -> Period:
        """The period as long as this one that ends the month before it starts."""
        return Period(shift_month(self.first, -self.length), shift_month(self.first, -1))

    def __str__(self) -> str:
        return self.first if self.first == self.last else f"{self.first}:{self.last}"


@dataclass(frozen=True)
class Comparison:
    """A headline number for a period and the same number for the previous period.

    ``previous`` is None when the previous period has no figure (nothing was loaded for any of
    its months, or the metric has no value there): then there is no change to show, and the
    card says that it has nothing to compare with.
    """

    value: float | None
    previous: float | None
    against: Period | None  # None for all time: there is no period before it

    @property
    def change(self) -> float | None:
        """``value - previous``; None when either is missing."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def compare(
    value: float | None,
    previous: float | None,
    period: Period,
    months_with_data: Collection[str],
) -> Comparison:
    """``value`` for ``period`` against ``previous``, the figure for the period before; that
    figure counts only when some month of that period holds data (``months_with_data``: the
    months the store has activity in), so that an empty past never reads as a real zero."""
    against = period.previous()
    if not any(month in months_with_data for month in against.months):
        previous = None
    return Comparison(value, previous, against)


def compare_by_month(
    frame: pd.DataFrame,
    headline: Callable[[pd.DataFrame], float | None],
    empty_value: float | None,
    period: Period,
    months_with_data: Collection[str],
    *,
    month: str = "month",
) -> Comparison:
    """For a metric with a row per month: the headline of the rows of ``period`` against the
    headline of the rows of the previous period, both read from ``frame`` (which covers both).

    A period without rows takes ``empty_value`` (0 for counts), as the metric's own value would.
    """
    months = month_keys(frame[month]) if len(frame) else pd.Series([], dtype=str)

    def over(part: Period) -> float | None:
        rows = frame[months.isin(part.months).to_numpy()] if len(frame) else frame
        result = empty_value if rows.empty else headline(rows)
        return None if result is None or pd.isna(result) else float(result)

    return compare(over(period), over(period.previous()), period, months_with_data)
