"""Which tool produced a file, from its header row (and, for workbooks, its sheet names).

Returns one of ``jira``, ``azure_devops``, ``servicenow``, ``pmo_template`` (the product's
workbook, or any sheet/CSV whose headers match a canonical table by names or synonyms) or
``unknown``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pmo_metrics.readers.columns import (
    IGNORED_SHEETS,
    match_headers,
    normalise,
    table_for_sheet,
)
from pmo_metrics.readers.excel import workbook_sheets
from pmo_metrics.readers.files import sniff_delimiter
from pmo_metrics.readers.sheets import FileRefused, kind_of_bytes
from pmo_metrics.readers.sources import SOURCES, TABLE_OF_SOURCE
from pmo_metrics.schema.tables import table_specs

__all__ = [
    "SOURCES",
    "TABLE_OF_SOURCE",
    "detect_source",
    "peek_headers",
    "source_of_headers",
    "table_of_headers",
]
_SN_FIELDS = {
    "openedat",
    "incidentstate",
    "assignmentgroup",
    "businessservice",
    "cmdbci",
    "madesla",
    "opened",
    "configurationitem",
    "resolvedat",
    "shortdescription",
}


def source_of_headers(headers: list[str]) -> str:
    """The tool that writes these headers; ``unknown`` when no tool's signature is there."""
    names = {normalise(h) for h in headers}
    if "issuekey" in names and names & {"issuetype", "summary", "status"}:
        return "jira"
    if names & {"clavedeincidencia", "clavedelaincidencia"} and names & {
        "tipodeincidencia",
        "resumen",
    }:
        return "jira"
    if names & {"workitemtype", "tipodeelementodetrabajo"} or (
        names & {"iterationpath", "areapath"} and "id" in names
    ):
        return "azure_devops"
    if "number" in names and len(names & _SN_FIELDS) >= 2:
        return "servicenow"
    return "unknown"


def table_of_headers(headers: list[str]) -> str | None:
    """The canonical table these headers fit best (its key columns all present), or None."""
    best, best_score = None, 0
    for name, spec in table_specs().items():
        if name.endswith("snapshots"):
            continue
        matched, _ = match_headers(headers, name)
        derivable = {"work_items": {"project"}, "tickets": set()}.get(name, set())
        if not all(k in matched or k in derivable for k in spec.key):
            continue
        score = len([c for c in matched if not c.startswith("_")])
        if score > best_score:
            best, best_score = name, score
    return best if best_score >= 2 else None


def detect_source(
    path: Path | str, head: bytes | list[str] | None = None, sheet_names: list[str] | None = None
) -> str:
    """The source kind of ``path``. ``head`` may be the header names, the file's first bytes,
    or None (then the file is read)."""
    if isinstance(head, list):
        headers = head
    else:
        found = peek_headers(Path(path), head)
        if found is None:
            return "unknown"
        headers, sheet_names = found
    if sheet_names and any(
        table_for_sheet(s) for s in sheet_names if normalise(s) not in IGNORED_SHEETS
    ):
        return "pmo_template"
    source = source_of_headers(headers)
    if source != "unknown":
        return source
    return "pmo_template" if table_of_headers(headers) else "unknown"


def peek_headers(path: Path, head: bytes | None = None) -> tuple[list[str], list[str]] | None:
    """(header names, sheet names) from a file's start, without reading it all (CSV)."""
    data = head if head is not None else path.read_bytes()
    kind = kind_of_bytes(data)
    try:
        if kind in ("workbook", "ole2"):
            if head is not None:
                data = path.read_bytes()
            sheets = workbook_sheets(data, path.name, lambda _header: False)  # headers only
            names = [s.name or "" for s in sheets]
            first = next((s for s in sheets if normalise(s.name or "") not in IGNORED_SHEETS), None)
            return (first.headers if first else []), names
        if kind != "text":
            return None
        text = data[:65536].decode("utf-8-sig", errors="replace")
        if "\ufffd" in text.split("\n", 1)[0]:  # a Windows-1252 header (Spanish Excel)
            text = data[:65536].decode("cp1252", errors="replace")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data[:65536].decode("utf-16", errors="replace")
        header = next(csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text)), [])
        return [h.strip() for h in header], []
    except FileRefused:
        return None
