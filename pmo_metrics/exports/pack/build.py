"""Building the steering pack of a month as a PDF or as slides, saved atomically."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import duckdb

from pmo_metrics.exports.pack.content import PackContent, pack_content
from pmo_metrics.metrics.source import Source

FORMATS = ("pdf", "pptx")
MIME = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


@dataclass(frozen=True)
class PackSummary:
    """What a pack holds, for the page and the command line to tell the user."""

    month: str
    format: str
    pages: int
    services: tuple[str, ...]
    applications: tuple[str, ...]
    exceptions: int

    def text(self) -> str:
        what = "pages" if self.format == "pdf" else "slides"
        return (
            f"steering pack for {self.month}: {self.pages} {what} ({len(self.services)} "
            f"services, {len(self.applications)} applications, {self.exceptions} exceptions)"
        )


def format_of(path: Path | str) -> str:
    """``pdf`` or ``pptx`` from a file name; ValueError for anything else."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValueError(f"{path} must end in .pdf or .pptx")
    return suffix


def build_pack(
    con: duckdb.DuckDBPyConnection,
    month: str,
    out: Path | str | BinaryIO,
    *,
    fmt: str | None = None,
    lang: str = "en",
    source: Source | None = None,
    generated_by: str | None = None,
    now: datetime | None = None,
) -> PackSummary:
    """Write the steering pack of ``month`` (``YYYY-MM``) to ``out`` (a path: its suffix says the
    format; a binary file: ``fmt`` does). The numbers are the monthly report's (see
    :mod:`pmo_metrics.exports.pack.content`)."""
    kind = fmt or format_of(out if isinstance(out, str | Path) else "")
    if kind not in FORMATS:
        raise ValueError(f"a steering pack is a pdf or a pptx, not {kind!r}")
    content = pack_content(con, month, lang=lang, source=source, generated_by=generated_by, now=now)
    if isinstance(out, str | Path):
        pages = _save(content, kind, Path(out))
    else:
        pages = write_pack(content, kind, out)
    return PackSummary(
        month=month,
        format=kind,
        pages=pages,
        services=tuple(s.name for s in content.services),
        applications=tuple(a.name for a in content.applications),
        exceptions=len(content.exceptions) + content.more_exceptions,
    )


def write_pack(content: PackContent, kind: str, out: Path | BinaryIO) -> int:
    """Typeset ``content``; the number of pages or slides. The typesetting libraries are
    imported here: building the content needs neither."""
    if kind == "pdf":
        from pmo_metrics.exports.pack.pdf import write_pdf

        return write_pdf(content, out)
    from pmo_metrics.exports.pack.slides import write_slides

    return write_slides(content, out)


def _save(content: PackContent, kind: str, path: Path) -> int:
    """To a path atomically: no reader ever sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".pack-", suffix=f".{kind}", dir=path.parent)
    os.close(fd)
    try:
        pages = write_pack(content, kind, Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return pages
