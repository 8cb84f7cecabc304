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
            "06130baf2f81936262287ba741687b0830b4e8d9231ff6679b5fc02ddfd1dbc7"
        ),
        "App Gestión de expedientes": (
            "9c52c85727213c0343deee636576acd4ad969780a6dff82a0fe90b6e93a4170a"
        ),
        "App Gestión tributaria": (
            "6a076a6b76b5dcb6ed233600991d639dca6097fc166366441aafc373f86921ed"
        ),
        "App Implantación PMO": (
            "cb54ea05c32449181d06a0ee25c4a7af01d097002a8833af73b7e34a07e787d9"
        ),
        "App Notificaciones electrónicas": (
            "2e9e33acd14976191fd3bfa8643e40ea411bc3b1ea281cdef9070feb9f5b27e0"
        ),
        "App Nóminas": ("1742aa9281d76b591f8f3f191e3ec5723065e967a1954998a0e1df29aa8d1866"),
        "App Portal del empleado": (
            "e5c6c1f3b05981acd4ba0fdc6f1981c1e7263296e777d7b2759eb61eb8965064"
        ),
        "App Registro electrónico": (
            "c9c5b040dba2e0e3681c4941006da998bf246dfecb8c27c9aa606c92fb7e1664"
        ),
        "App Sede electrónica": (
            "d50368f881cfe29188ac0bf70e0c4d3afb51d228f6d170e1150a0944ab9826e8"
        ),
        "Summary": ("85735d16ca0f641893983980cf2739bf31721f29317eccadc28ca4b3881df99f"),
        "Svc Analítica de datos": (
            "f32f348bbb3487a129f0080e77eb2b4a8339e169da392cdcb0e52962e6413f6a"
        ),
        "Svc Centro de Atención a…": (
            "f3bfa5087395d7753796da2dce5258b2f801921e159d32e013d8e66bfef36945"
        ),
        "Svc Mantenimiento de…": (
            "7ce1f458591db5e4ca977d2c11c97b02cd8ad831453c1a4b82635920e394e916"
        ),
        "Svc Transformación digital": (
            "ecfe6a0497eb051fb1440439fe2b00dd539e5cc80d64e339e583e6a9e84dd018"
        ),
    },
    "es": {
        "Apl Carpeta ciudadana": (
            "3327e4da8700f255179afdc9ada7b60a5b1d6510948711a040cd04672dd25678"
        ),
        "Apl Gestión de expedientes": (
            "e64fffb300e723c035f7d908dfacf29545cb81705a8d922594aac4eb9fb0ba7c"
        ),
        "Apl Gestión tributaria": (
            "f5d5e7f624e03570d42d8ccd9c0afe0414ba57b4ebdbe4a416a6db29803a5d48"
        ),
        "Apl Implantación PMO": (
            "3920ec759d8da46af5a00ea1cdab43f929d13425bfee7530b6d6605ff7ad742c"
        ),
        "Apl Notificaciones electrónicas": (
            "8eb814cb9ea9c11dcf8b00089e75714e6f01c4fc15fe230e1dfbc5a2a75b8d2e"
        ),
        "Apl Nóminas": ("32395712c285ad01f93243097bf8d54396a0c0826ebc0be110e502da5584d76c"),
        "Apl Portal del empleado": (
            "1b15427231cdbc6a15129867f7545f6dd2d3e782c80d5619e69163944ff02500"
        ),
        "Apl Registro electrónico": (
            "b6f0e268abb483c32d495df14ef60f0fd34108be6a372c9f5bfedb9694533664"
        ),
        "Apl Sede electrónica": (
            "a5bf3f04a4974f2c36dc4af978493643f7bf8dee04f8d64142c114694747863e"
        ),
        "Resumen": ("0e71b3bf33dc8ac043208769bf1d5d0ff5b36f5fc89ac8b640c0bafb25dbf4a8"),
        "Serv Analítica de datos": (
            "7a8eac8bd0bf2c86b53775c247e213bae1bb6f0761e6d2bbbe9cb3c8a0e146ed"
        ),
        "Serv Centro de Atención a…": (
            "f665c6ed0dc09cb2f0f4185b2e6cfe9a10d91dcf319d2b192a70d0979a47c708"
        ),
        "Serv Mantenimiento de…": (
            "8f4341a1851f7e5151d85c928d2d5a027a5f21d031e3fb6d57a688ccd2484f6b"
        ),
        "Serv Transformación digital": (
            "6641d61cad21f0bde17be7a9b5e6a218ee21f81e303dd07587eaf1b508987fbf"
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
    ("en", "Summary", "D37"): (89.87854251012146, '0.0"%"'),  # October on the portfolio chart
    ("en", "Summary", "D36"): (94.44444444444444, '0.0"%"'),  # September's
    ("en", "Summary", "B74"): (3, "General"),  # applications off target
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
