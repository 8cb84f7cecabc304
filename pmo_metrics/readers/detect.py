"""Which tool produced a file, from its header row (and, for workbooks, its sheet names).

Returns one of ``jira``, ``azure_devops``, ``servicenow``, ``pmo_template`` (the product's
workbook, or any sheet/CSV whose headers match a canonical table by names or synonyms) or
``unknown``.
"""

from __future__ import annotations

from pathlib import Path

from pmo_metrics.readers.columns import (
    IGNORED_SHEETS,
    match_headers,
    normalise,
    table_for_sheet,
)
from pmo_metrics.store.tables import table_specs

SOURCES = ("jira", "azure_devops", "servicenow", "pmo_template", "unknown")
TABLE_OF_SOURCE = {"jira": "work_items", "azure_devops": "work_items", "servicenow": "tickets"}
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
        from pmo_metrics.readers.read import peek_headers

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
