"""What a table builder knows about the sheet it converts, and where its findings go.

A module of its own because :mod:`pmo_metrics.readers.canonical` calls the table-specific
finishers (``tickets``, ``workitems``) and they take a Context: all three import it from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pmo_metrics.readers import convert, limits
from pmo_metrics.schema.problems import Problem, Severity


@dataclass
class Context:
    """What a table builder knows about the file: names for messages and locale hints."""

    file: str
    kind: str  # jira | azure_devops | servicenow | pmo_template | mapped
    sheet: str | None = None
    decimal: str = "."
    day_first: bool = True
    problems: list[Problem] = field(default_factory=list)

    def problem(
        self,
        expected: str,
        *,
        severity: Severity = "error",
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.problems.append(
            Problem(
                file=self.file,
                sheet=self.sheet,
                row=row,
                column=column,
                severity=severity,
                value=None if value is None else str(value)[:200],
                expected=expected,
            )
        )

    def row_problems(
        self,
        mask: np.ndarray,
        rows: np.ndarray,
        values: pd.Series | None,
        expected: str,
        *,
        column: str | None,
        severity: Severity = "error",
    ) -> None:
        """One Problem per offending row, up to the cap, then one that counts the rest."""
        where = np.flatnonzero(mask)
        cap = limits.MAX_PROBLEMS_PER_COLUMN
        shown = values.iloc[where[:cap]].tolist() if values is not None else [None] * len(where)
        for i, value in zip(where[:cap], shown, strict=False):
            self.problem(
                expected,
                severity=severity,
                row=int(rows[i]),
                column=column,
                value=None
                if value is None or value is pd.NA or value != value
                else convert.excel_value(value),
            )
        if len(where) > cap:
            self.problem(
                f"{expected} ({len(where) - cap:,} more rows like the ones above, "
                f"{len(where):,} in all)",
                severity=severity,
                column=column,
            )
