"""The sample report's every cell, pinned: each sheet's values and number formats hashed, in
English and Spanish, plus a few cells spelled out. Any change of content (a number, a text, a
format, a cell moved) fails here; a change meant to alter the report rewrites the hashes
(``PYTHONPATH=. python tests/exports/test_exports_report_cells.py`` prints them for the store
it builds).

The Summary's "generated at" line (A2) holds the time of writing and is left out of its hash.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import openpyxl
import pytest

from pmo_metrics.exports.report import build_report
from pmo_metrics.metrics.source import Source
from pmo_metrics.store.connection import connect, fetch_scalar

pytestmark = pytest.mark.slow

GENERATED = "A2"  # the Summary's subtitle: "Generated YYYY-MM-DD HH:MM"

# Sheet title -> sha256 of its cells (see sheet_fingerprint), per language.
FINGERPRINTS: dict[str, dict[str, str]] = {
    "en": {
        "App Carpeta ciudadana": (
            "0f99ce8684132d65dd6a8b704f32a82abed65dbb734a967bd203c7badc9025fe"
        ),
        "App Gestión de expedientes": (
            "93d7a64c2c1b021a3265ce6c871a14d32ca7242ae63b41d888246e263883947d"
        ),
        "App Gestión tributaria": (
            "8712d75060be3caba3a6a52b45cef436318be002000493774b5de3d7fde00823"
        ),
        "App Implantación PMO": (
            "5058bea67fc572bab9ea9e4ea35d0bcf01ba748f0c919c3c1d0fb44d9e3259ce"
        ),
        "App Notificaciones electrónicas": (
            "0ff5825fd71981698dabab22fd73020bcb0a6179f5af36012c1686c5ad0f1a1e"
        ),
        "App Nóminas": ("31f098da7c0cb305e21b03059855e4cb705ad4ae9ec31e031ccac6c09af236d9"),
        "App Portal del empleado": (
            "6c5600b9a81ac3d85e8dd52a0d553b6d216c7bd6492dfc0bbb548adf3eb271d7"
        ),
        "App Registro electrónico": (
            "1303391ebf24f7da124ea6c60b727210ac90c8f176baaddf2d8ba7621334b8b8"
        ),
        "App Sede electrónica": (
            "1517492c044464a4dc64ff9080bf8c8942075a26cda4fdca93fa9423e38c187c"
        ),
        "Summary": ("6f7d3db7d391889bc6a07e5f8392f26f399dea82931d6bbfb61f7aafb5962328"),
        "Svc Analítica de datos": (
            "f32f348bbb3487a129f0080e77eb2b4a8339e169da392cdcb0e52962e6413f6a"
        ),
        "Svc Centro de Atención a Usuari": (
            "f3bfa5087395d7753796da2dce5258b2f801921e159d32e013d8e66bfef36945"
        ),
        "Svc Mantenimiento de aplicacion": (
            "7ce1f458591db5e4ca977d2c11c97b02cd8ad831453c1a4b82635920e394e916"
        ),
        "Svc Transformación digital": (
            "ecfe6a0497eb051fb1440439fe2b00dd539e5cc80d64e339e583e6a9e84dd018"
        ),
    },
    "es": {
        "Apl Carpeta ciudadana": (
            "989d3f22a8ccb534260a3ab5b0c05d1be45c248698e85deb68b12cb81af9c7e6"
        ),
        "Apl Gestión de expedientes": (
            "abac33c553eba5c90ccd9660004c1be22580ba01fa8e3073c15384006156f166"
        ),
        "Apl Gestión tributaria": (
            "2d674ad3845d0231bd247942814f2d792bf748ed622e562116f43ec168767967"
        ),
        "Apl Implantación PMO": (
            "8c288660700fc2d0b51d049be5496885065646e01e21851fbdc931b6f9b198dd"
        ),
        "Apl Notificaciones electrónicas": (
            "8c7c30e1a5634a4812c9f637f619e4e26ab095e49368b08b47cb52eae5b9f7de"
        ),
        "Apl Nóminas": ("fcb0c31922fa749e4a6d66b3f68ff75d0ad5b70a760706b6803c99d11e841623"),
        "Apl Portal del empleado": (
            "1a6addbb4831010c97ef1aeec6e609bee9c5ae2d94de2d3c13d508fabcd498fb"
        ),
        "Apl Registro electrónico": (
            "758a02a577f9745b4a6a2982347cec3ad93eacf8b4383c279d2f70154add70b5"
        ),
        "Apl Sede electrónica": (
            "7a6d036a17f44003b26e5a47559408541b2aab61bd20e074349dc923879c454c"
        ),
        "Resumen": ("ca8bbbab0f4a1ab77e4ed184a83c0ce11fbb67bbfc170d5fd0ade6c61a318ac0"),
        "Serv Analítica de datos": (
            "7a8eac8bd0bf2c86b53775c247e213bae1bb6f0761e6d2bbbe9cb3c8a0e146ed"
        ),
        "Serv Centro de Atención a Usuar": (
            "f756af7051c0de90f35052a70470f0399b7f3b560c27d44e9fb328720560864b"
        ),
        "Serv Mantenimiento de aplicacio": (
            "ef84d6f8ddd44d54c1e44d59b5376776c08932c2527ca9d7d371730413ef6c67"
        ),
        "Serv Transformación digital": (
            "931f5243c488ae4512a90660f26692072f586f49f3aa4b385418ef7e446a5895"
        ),
    },
}

# (language, sheet, cell) -> (value, number format)
CELLS: dict[tuple[str, str, str], tuple[object, str]] = {
    ("en", "Summary", "B6"): ("SLA compliance", "General"),
    ("en", "Summary", "C6"): (89.87854251012146, '0.0"%"'),  # October's SLA compliance
    ("en", "Summary", "E6"): (94.44444444444444, '0.0"%"'),  # September's
    ("en", "Summary", "C8"): (55, "#,##0"),  # ticket backlog
    ("en", "App Sede electrónica", "K6"): (12.53184563303995, '"✗ "0.0"%"'),  # cost variance
    ("en", "App Sede electrónica", "G13"): (0.6153846153846154, "0.00"),  # a sprint's say/do
    ("es", "Resumen", "C6"): (89.87854251012146, '0.0"%"'),
    ("es", "Apl Sede electrónica", "K6"): (12.53184563303995, '"✗ "0.0"%"'),
}


def sheet_fingerprint(ws) -> str:
    """sha256 over every non-empty cell: coordinate, type, value, number format. A float is
    written to 12 significant digits: DuckDB sums in parallel, so a mean over the same rows
    can differ in its last digit (1e-15) from one store to the next."""
    digest = hashlib.sha256()
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            value = (
                "<generated>"
                if ws.title in ("Summary", "Resumen") and (cell.coordinate == GENERATED)
                else cell.value
            )
            text = f"{value:.12g}" if isinstance(value, float) else repr(value)
            line = f"{cell.coordinate}\t{type(value).__name__}\t{text}\t{cell.number_format}\n"
            digest.update(line.encode("utf-8"))
    return digest.hexdigest()


def fingerprints(wb) -> dict[str, str]:
    return {ws.title: sheet_fingerprint(ws) for ws in wb.worksheets}


def sample_reports(folder: Path) -> tuple[str, dict[str, openpyxl.Workbook]]:
    """The sample loaded into a store in ``folder``; its latest month with resolved tickets and
    that month's report in each language, read back."""
    from pmo_metrics.demo import load_demo

    con = connect(folder / "sample.duckdb")
    load_demo(con)
    month = fetch_scalar(con, "SELECT strftime(max(resolved), '%Y-%m') FROM tickets")
    books = {}
    for lang in ("en", "es"):
        out = io.BytesIO()
        build_report(Source.from_duckdb(con), month, out, lang=lang)
        out.seek(0)
        books[lang] = openpyxl.load_workbook(out)
    con.close()
    return month, books


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict]:
    return sample_reports(tmp_path_factory.mktemp("report-cells"))


def test_the_sample_month(reports) -> None:
    assert reports[0] == "2026-10"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_sheet_of_the_sample_report_is_unchanged(reports, lang: str) -> None:
    wb = reports[1][lang]
    assert fingerprints(wb) == FINGERPRINTS[lang]


def test_a_few_cells_spelled_out(reports) -> None:
    books = reports[1]
    for (lang, sheet, coordinate), (value, fmt) in CELLS.items():
        cell = books[lang][sheet][coordinate]
        expected = pytest.approx(value, rel=1e-12) if isinstance(value, float) else value
        assert (cell.value, cell.number_format) == (expected, fmt), f"{lang} {sheet}!{coordinate}"


def test_the_generated_line_is_the_only_cell_left_out(reports) -> None:
    for lang, title in (("en", "Summary"), ("es", "Resumen")):
        ws = reports[1][lang][title]
        assert str(ws[GENERATED].value).split()[0] in ("Generated", "Generado")


if __name__ == "__main__":  # print the fingerprints of the current code
    import pprint
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        month, books = sample_reports(Path(tmp))
        found = {lang: fingerprints(wb) for lang, wb in books.items()}
        sys.stdout.write(f"{month}\n{pprint.pformat(found, width=100)}\n")
