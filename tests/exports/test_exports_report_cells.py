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
            "519e7b5b43125437895110e7f6e9480ed4eddf2c21e765aaefec75aba0f168af"
        ),
        "App Gestión de expedientes": (
            "6211a7a5ad22854aa90cc26b349bd6b248a6f3296b63b15e76f1f20ab9ad71fd"
        ),
        "App Gestión tributaria": (
            "8917feb56d2eac137eca3fbb184e67542d9b0f50dbf1c5ed5e0102be42c4c93a"
        ),
        "App Implantación PMO": (
            "1eeb83a79642c1175c75a806f3cbde12d9861027bb5b2ba65a87c5cf95baf126"
        ),
        "App Notificaciones electrónicas": (
            "27e1861dd9c2d3c67f6880c550a29339ac52eb2cee3fe8638f553531a6d6e7d8"
        ),
        "App Nóminas": ("b405aeaa10a32f57119fd776711e56c54b9a5ca7e9efa3c359662935ead4e949"),
        "App Portal del empleado": (
            "2f8e6371930434b1a70f84818d64f57d515a9829f6c1de03f1db0e9c9e4fe8ae"
        ),
        "App Registro electrónico": (
            "625ea3b4f32bf5b4213a7a8346da0c4ff3e39ccb1850e302aa2274113134d4bd"
        ),
        "App Sede electrónica": (
            "d8e0d326bad55ae55eb3931f389f27d9f6971c4295710f15916988a86c466805"
        ),
        "Summary": ("f3cd8483e70e4173a80cc0219e764f32014377fd2aae0a3a9815984e6c221dec"),
        "Svc Analítica de datos": (
            "f32f348bbb3487a129f0080e77eb2b4a8339e169da392cdcb0e52962e6413f6a"
        ),
        "Svc Centro de Atención a…": (
            "82d273508ee030f4ce2341522ec5ddf5b01496ea6cb9ff2d312260b6bafd13b6"
        ),
        "Svc Mantenimiento de…": (
            "4b474b5d1b66e2c4b3e2ab0936ae34b18f097527d9de87bbea33a21b3a57348a"
        ),
        "Svc Transformación digital": (
            "62916d72b7f9edbfb1d13650eedaf4c720222b4a6dcfbd1340b72e279a3b99bf"
        ),
    },
    "es": {
        "Apl Carpeta ciudadana": (
            "19861ef556dfd0bfe5240e7442e330b6bb599a8fd13e3ca5877c37d0c0a5c39a"
        ),
        "Apl Gestión de expedientes": (
            "f93fc4deeb5843d605d0401a66854a34ff3be78fae04486667db1c724b7720d0"
        ),
        "Apl Gestión tributaria": (
            "81ea71942b37ac76d25867e511dd6e130f84e905d943c672ecf15da905b3e38f"
        ),
        "Apl Implantación PMO": (
            "6830aeccea9fa69c1434566b10c795d7150aa1374c1fd113165b40e7452f7954"
        ),
        "Apl Notificaciones electrónicas": (
            "59ce217c65396cad8b2c3c24ede3d116b9efffdf4ec7a3e768ac17acf84d6fcd"
        ),
        "Apl Nóminas": ("8d7d2b83b718c6e5bc52433a230ef8ab28bd9afb3371580f26aacaf2fbbec86a"),
        "Apl Portal del empleado": (
            "2567752b52dbab0e6b9f1df7c7b417fbd9dee8ccb685efcc5416528e317edcef"
        ),
        "Apl Registro electrónico": (
            "0d05d7d5e4eb2fadc6b8086a6cfe6347ebffa35b5b00ba68a7b629d7d1e3c652"
        ),
        "Apl Sede electrónica": (
            "848502641cec55538d7fac62c95193b6fee1c0adc12064cc147ffd6528fec276"
        ),
        "Resumen": ("3d9cdf0415001052ccab0d21d6cb9787a10196ca7e8d45e7465047102682d7b3"),
        "Serv Analítica de datos": (
            "7a8eac8bd0bf2c86b53775c247e213bae1bb6f0761e6d2bbbe9cb3c8a0e146ed"
        ),
        "Serv Centro de Atención a…": (
            "8ff7fa19570fda23f2986afb3f81cce632e09240bb5c85fc9523f80a0e6463b3"
        ),
        "Serv Mantenimiento de…": (
            "8d0cdc0eb85f034ce9cbc17fa207017ad17244883c127d6a1bec6d0ac0672b29"
        ),
        "Serv Transformación digital": (
            "f7a2e2fea71d17c1deaa3c0c42894ac9b569e2e1627b761cfece8fd83a510d92"
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
    ("en", "App Sede electrónica", "G13"): (0.8888888888888888, "0.00"),  # a sprint's say/do
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
