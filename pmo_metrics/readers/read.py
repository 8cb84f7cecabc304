"""``read_file``: any supported file to a :class:`ParsedFile`, never raising for bad content."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from pmo_metrics.readers.canonical import build_table
from pmo_metrics.readers.columns import (
    IGNORED_SHEETS,
    match_headers,
    normalise,
    table_for_sheet,
    wanted_headers,
)
from pmo_metrics.readers.context import Context
from pmo_metrics.readers.copies import copy_or_refusal
from pmo_metrics.readers.detect import TABLE_OF_SOURCE, source_of_headers, table_of_headers
from pmo_metrics.readers.excel import workbook_sheets
from pmo_metrics.readers.excel_fast import FastPass, WorkbookRead
from pmo_metrics.readers.files import HEAD_BYTES, file_sha256, text_sheet
from pmo_metrics.readers.sheets import WORKBOOK_KINDS, FileRefused, RawSheet, kind_of_bytes
from pmo_metrics.readers.sources import EXCEL_SUFFIXES
from pmo_metrics.schema.problems import ParsedFile, Problem
from pmo_metrics.schema.tables import table_specs

SPANISH_HEADERS = {
    normalise(w)
    for w in (
        "Clave",
        "Estado",
        "Creada",
        "Creado",
        "Resuelta",
        "Resuelto",
        "Prioridad",
        "Servicio",
        "Aplicación",
        "Horas",
        "Persona",
        "Rol",
        "Fecha",
        "Presupuesto",
        "Riesgo",
        "Probabilidad",
        "Impacto",
        "Resumen",
        "Número",
        "Abierto",
        "Cerrado",
        "Puntos de historia",
        "Tipo",
        "Responsable",
        "Equipo",
        "Mes",
        "Título",
        "Descripción",
        "Etiquetas",
        "Proyecto",
    )
}
HOW_TO_MAP = (
    "Give a column mapping once and reuse it: on the command line "
    "`python -m pmo_metrics import FILE --save-mapping NAME --target TABLE "
    '--map "Header=column" ...` (later imports: `--mapping NAME`), or map the columns on the '
    "dashboard's Data page."
)


def read_file(
    path: str | Path,
    *,
    source: str | None = None,
    mapping: dict[str, str] | None = None,
    target: str | None = None,
    display_name: str | None = None,
    workbook: WorkbookRead | None = None,
) -> ParsedFile:
    """Read one file into canonical rows; every problem is in ``ParsedFile.problems``.

    ``source`` forces the kind (jira | azure_devops | servicenow | pmo_template); ``mapping``
    ({file header: canonical column}) with ``target`` (a canonical table) reads a file no
    detector knows. ``display_name`` is the name used in messages (uploads are temp files).
    ``workbook``: :func:`~pmo_metrics.readers.excel_fast.read_workbook` of this file, done
    already (in the command line's worker process, :mod:`pmo_metrics.readers.ahead`); the file
    is then not read again, unless a ``mapping`` changes which columns are worth typing.
    """
    path = Path(path)
    name = display_name or path.name
    if workbook is not None and not mapping:
        return _from_workbook(workbook, name, source=source, mapping=mapping, target=target)
    # Hashed and parsed from a private copy: the same bytes for both, and the named file only.
    with tempfile.TemporaryDirectory(prefix="pmo-import-") as private:
        copy = copy_or_refusal(path, Path(private), name)
        if isinstance(copy, FileRefused):
            return _refused(name, "", *copy.problems)
        return _read_copy(
            copy, name, path.suffix.lower(), source=source, mapping=mapping, target=target
        )


def _from_workbook(
    workbook: WorkbookRead,
    name: str,
    *,
    source: str | None,
    mapping: dict[str, str] | None,
    target: str | None,
) -> ParsedFile:
    """``read_file`` of a workbook whose first half ``read_workbook`` did."""
    if workbook.refused:
        return _refused(name, workbook.sha256, *workbook.refused)
    try:
        sheets = _workbook(workbook.data, name, wanted_headers(mapping), workbook.fast)
    except FileRefused as exc:
        return _refused(name, workbook.sha256, *exc.problems)
    return _parsed(name, workbook.sha256, sheets, source=source, mapping=mapping, target=target)


def _read_copy(
    copy: Path,
    name: str,
    suffix: str,
    *,
    source: str | None,
    mapping: dict[str, str] | None,
    target: str | None,
) -> ParsedFile:
    """``read_file`` of the private copy of a file named ``name`` (its suffix: ``suffix``)."""
    size = copy.stat().st_size
    with copy.open("rb") as handle:
        data = handle.read(HEAD_BYTES)
    large_text = size > len(data) and kind_of_bytes(data) == "text"
    if size > len(data) and not large_text:
        data = copy.read_bytes()  # a workbook is parsed from memory
    if not data or (data.isspace() and not large_text):  # (not data.strip(): a copy of it all)
        return _refused(
            name,
            hashlib.sha256(data).hexdigest(),
            Problem(
                name,
                "a file with a header row and data rows; the file is empty (0 bytes)"
                if not data
                else "a file with a header row and data rows; the file is blank",
            ),
        )
    # A large text file is parsed from the copy (never held in memory whole) while a thread
    # takes its digest: hashlib releases the GIL, so both run at once.
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(file_sha256, copy) if large_text else None
        refused: list[Problem] = []
        try:
            sheets = _raw_sheets(data, name, suffix, wanted_headers(mapping), copy)
        except FileRefused as exc:
            sheets, refused = [], exc.problems
        digest = hashing.result() if hashing else hashlib.sha256(data).hexdigest()
    if refused:
        return _refused(name, digest, *refused)
    del data  # the sheets hold what they need; the file's bytes are not kept while converting
    return _parsed(name, digest, sheets, source=source, mapping=mapping, target=target)


def _parsed(
    name: str,
    digest: str,
    sheets: list[RawSheet],
    *,
    source: str | None,
    mapping: dict[str, str] | None,
    target: str | None,
) -> ParsedFile:
    """The file's raw sheets given their meaning: canonical rows, and every problem."""
    parsed = ParsedFile(name, digest, source or "unknown")
    parsed.rows_read = sum(len(s) for s in sheets)
    _read_sheets(parsed, sheets, source=source, mapping=mapping, target=target)
    return parsed


def _refused(name: str, digest: str, *problems: Problem) -> ParsedFile:
    return ParsedFile(name, digest, "unknown", problems=list(problems))


def _raw_sheets(
    data: bytes,
    name: str,
    suffix: str,
    wanted: Callable[[str], bool] | None = None,
    path: Path | None = None,
) -> list[RawSheet]:
    kind = kind_of_bytes(data)
    if kind in WORKBOOK_KINDS:
        return _workbook(data, name, wanted)
    if kind == "text" and suffix in EXCEL_SUFFIXES:
        raise FileRefused(
            Problem(
                name,
                f"an Excel workbook ({suffix}); this file is a text "
                "(CSV) file renamed: rename it to .csv or export it "
                "again as .xlsx",
            )
        )
    if kind == "pdf":
        raise FileRefused(
            Problem(
                name,
                "a CSV or Excel file; this file is a PDF document"
                + (" renamed " + suffix if suffix else ""),
            )
        )
    if kind == "binary":
        raise FileRefused(
            Problem(name, "a CSV or Excel file; this file has binary content that is neither")
        )
    return [text_sheet(data, name, wanted, path)]


def _workbook(
    data: bytes, name: str, wanted: Callable[[str], bool] | None, fast: FastPass | None = None
) -> list[RawSheet]:
    sheets = workbook_sheets(data, name, wanted, fast)
    if not sheets:
        raise FileRefused(
            Problem(name, "a workbook with a header row and data rows; every sheet is empty")
        )
    return sheets


def _read_sheets(
    parsed: ParsedFile,
    sheets: list[RawSheet],
    *,
    source: str | None,
    mapping: dict[str, str] | None,
    target: str | None,
) -> None:
    is_template = source == "pmo_template" or (
        len(sheets) > 0 and any(table_for_sheet(s.name or "") for s in sheets)
    )
    kinds: list[str] = []
    for sheet in sheets:
        parsed.problems.extend(sheet.problems)
        if sheet.name and normalise(sheet.name) in IGNORED_SHEETS:
            continue
        table, kind = _table_and_kind(sheet, source, target, mapping, is_template)
        if table is None:
            parsed.problems.append(_unknown_problem(parsed.file_name, sheet, is_template))
            continue
        kinds.append(kind)
        ctx = _context(parsed.file_name, sheet, kind)
        frame = build_table(sheet, table, ctx, mapping if table == target else None)
        parsed.problems.extend(ctx.problems)
        if kind in ("pmo_template", "mapped"):
            _warn_ignored(parsed, sheet, table, mapping if table == target else None)
        if table in parsed.tables:
            frame = pd.concat([parsed.tables[table], frame], ignore_index=True)
        parsed.tables[table] = frame
    if kinds:
        parsed.source_kind = source or max(set(kinds), key=kinds.count)


def _table_and_kind(
    sheet: RawSheet,
    source: str | None,
    target: str | None,
    mapping: dict[str, str] | None,
    is_template: bool,
) -> tuple[str | None, str]:
    if target:
        kind = source or source_of_headers(sheet.headers)
        return target, kind if kind != "unknown" else ("mapped" if mapping else "pmo_template")
    if source in TABLE_OF_SOURCE:
        return TABLE_OF_SOURCE[source], source
    if is_template:
        by_name = table_for_sheet(sheet.name or "")
        if by_name or sheet.name:
            return by_name, "pmo_template"
    found = source_of_headers(sheet.headers)
    if found in TABLE_OF_SOURCE:
        return TABLE_OF_SOURCE[found], found
    return table_of_headers(sheet.headers), "pmo_template"


def _context(file: str, sheet: RawSheet, kind: str) -> Context:
    spanish = any(normalise(h) in SPANISH_HEADERS for h in sheet.headers)
    semicolon = sheet.delimiter == ";"
    return Context(
        file=file,
        kind=kind,
        sheet=sheet.name,
        decimal="," if (semicolon or spanish) else ".",
        # Ambiguous numeric dates: day-first for Spanish / semicolon files, month-first for
        # Azure DevOps' en-US exports, day-first otherwise (the product's users are European).
        day_first=semicolon or spanish or kind != "azure_devops",
    )


def _unknown_problem(file: str, sheet: RawSheet, is_template: bool) -> Problem:
    if is_template and sheet.name:
        tables = ", ".join(t for t in table_specs() if not t.endswith("snapshots"))
        return Problem(
            file,
            f"a sheet named after a template table ({tables}); this sheet was not read",
            sheet=sheet.name,
            severity="warning",
        )
    headers = [h for h in sheet.headers if h]
    return Problem(
        file,
        "columns of a known export (Jira, Azure DevOps, ServiceNow) or of a PMO "
        f"template table; none of these columns is known: {', '.join(headers[:40])}. " + HOW_TO_MAP,
        sheet=sheet.name,
        column=", ".join(headers[:40]),
    )


def _warn_ignored(
    parsed: ParsedFile, sheet: RawSheet, table: str, mapping: dict[str, str] | None
) -> None:
    _, unknown = match_headers(sheet.headers, table, mapping)
    if unknown:
        parsed.problems.append(
            Problem(
                parsed.file_name,
                f"columns of '{table}'; these were not loaded: {', '.join(unknown)}. " + HOW_TO_MAP,
                sheet=sheet.name,
                severity="warning",
                column=", ".join(unknown),
            )
        )
