"""What every format reader (``files`` for CSV, ``excel`` for workbooks) gives back.

A :class:`RawSheet` is a grid of cell values with its header row found, before any meaning is
given to the columns; :class:`FileRefused` is a file that cannot be read at all.
:func:`kind_of_bytes` tells from a file's first bytes which reader it is for.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for annotations only: this module loads no data library (readers.ahead)
    import numpy as np
    import pandas as pd

    from pmo_metrics.schema.problems import Problem

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
KIND_BYTES = 4096  # the first bytes kind_of_bytes looks at
WORKBOOK_KINDS = ("workbook", "ole2")  # the kinds of bytes the workbook reader reads


class FileRefused(Exception):
    """The file cannot be read at all; ``problem`` says why in the user's terms (``problems``:
    it and the others found with it, e.g. every row of a CSV that has too many fields)."""

    def __init__(self, problem: Problem, *more: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.problems = [problem, *more]

    @classmethod
    def because(cls, file: str, expected: str, *, sheet: str | None = None) -> FileRefused:
        """``file`` refused, saying what was ``expected`` of it (in ``sheet``)."""
        # Imported when a file is refused: schema.problems imports pandas (for an annotation),
        # which the guards and the copy, run in the command line's worker process before
        # pandas is needed (readers.ahead), do without.
        from pmo_metrics.schema.problems import Problem

        return cls(Problem(file, expected, sheet=sheet))


@dataclass
class RawSheet:
    """One grid: headers (as written), and a way to get column ``i`` as a Series.

    ``rows`` are the 1-based row numbers the user sees (header row = ``header_row``), one per
    data row kept (blank rows and template example rows are already dropped).
    """

    name: str | None
    headers: list[str]
    header_row: int
    rows: np.ndarray
    column: Callable[[int], pd.Series]
    delimiter: str | None = None  # CSV only: decides the decimal/date hints
    problems: list[Problem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)


def kind_of_bytes(data: bytes) -> str:
    """`workbook`, `ole2` (legacy .xls or an encrypted .xlsx), `pdf`, `binary` or `text`."""
    if data.startswith(ZIP_MAGIC) or data.startswith(b"PK\x05\x06"):
        return "workbook"
    if data.startswith(OLE2_MAGIC):
        return "ole2"
    if data.startswith(b"%PDF"):
        return "pdf"
    head = data[:KIND_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text"
    if b"\x00" in head:
        return "binary"
    return "text"
