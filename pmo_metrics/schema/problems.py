"""What every reader returns (canonical rows, with their provenance, and the problems found),
and what the store raises when it refuses to load them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One finding about an input file, located so that a PMO lead can fix it in the file."""

    file: str
    expected: str
    severity: Severity = "error"
    sheet: str | None = None
    row: int | None = None  # 1-based row number as the user sees it in Excel (header = 1)
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.sheet:
            where += f", sheet '{self.sheet}'"
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        got = f": value '{self.value}'" if self.value is not None else ""
        return f"{self.severity.upper()} {where}{got}; expected {self.expected}"


@dataclass
class ParsedFile:
    """A file turned into canonical rows.

    ``tables`` maps a canonical table name (see ``store/schema``) to a DataFrame holding that
    table's business columns (missing ones are filled with NULL by the store) plus the
    provenance columns ``source_sheet`` and ``source_row``.
    """

    file_name: str
    sha256: str
    source_kind: str  # jira | azure_devops | servicenow | pmo_template | mapped
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


class ImportRejected(Exception):
    """A file (or a batch) failed validation: nothing of it was loaded."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(
            f"{len(errors)} problem(s); nothing was loaded.\n" + "\n".join(map(str, errors))
        )
