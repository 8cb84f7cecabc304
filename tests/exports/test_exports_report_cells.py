"""The sample report's every cell, pinned: each sheet's values and number formats hashed, in
English and Spanish, plus a few cells spelled out. Any change of content (a number, a text, a
format, a cell moved) fails here; a change meant to alter the report rewrites the hashes
(``python tests/exports/test_exports_report_cells.py`` prints them for the store it builds).

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
            "e38c6c3212ffaee7caea9758690331bf8e47225693d37f4623c80976502b8459"
        ),
        "App Gestión de expedientes": (
            "4e68bbd3f2a7f2bc182897632dbe52f35a86aeaf65ada47ef99b79da37d43c4d"
        ),
        "App Gestión tributaria": (
            "206cdc1718bb3d921a229270e91211c8bd176a427c2ba2e2284a316a51307ea4"
        ),
        "App Implantación PMO": (
            "fccb775559c5e0b685b582019d1068102ab90e70cf8cdf22b5acc948f7e37c7b"
        ),
        "App Notificaciones electrónicas": (
            "529def2d732bb4e6ef9e7f3055f1e95a6d305412e19151764bb627f90fb3354e"
        ),
        "App Nóminas": ("2d2807f7a24e1d7a548a970925b336f9cc1e4646cb6c3581d2aad7f15fecf443"),
        "App Portal del empleado": (
            "52314d0b84eceaa9fc061b1b54de6694d1f745dfe3bf14a105a9077d2dc39acb"
        ),
        "App Registro electrónico": (
            "7b8f78374b81f9e27016163b0c12c8c14e5addf821b3f99e440f395e45d3953e"
        ),
        "App Sede electrónica": (
            "6bb2c74abfc462190db990cc2c348ddd10412a33ea50729b6bf10e4193c95528"
        ),
        "Summary": ("45ff27fbebaa3d240c5a9999914ab1bd8b5487618023bb83d2e52f93a5b7bbea"),
        "Svc Analítica de datos": (
            "acc7446a8dbb3d81efdfe763b484754af9b0ff01563c2718ca36e975019a7551"
        ),
        "Svc Centro de Atención a Usuari": (
            "bee82951e25dea3901c1bc1206b8704f35e1c8b10782eaee5c31ea552aa7236d"
        ),
        "Svc Mantenimiento de aplicacion": (
            "92be48d83144f8c031a301b0aabdd28fcb3c8f700c68b38e4ff9013b2cf8559e"
        ),
        "Svc Transformación digital": (
            "5d850973c4b9c0bb73a360aee566c8ff22e6af9c1b1debfd209816851e184f3e"
        ),
    },
    "es": {
        "Apl Carpeta ciudadana": (
            "78c586fb35382ee8676646ac12d9b6b798d5d4ded701a81b6b1e6824e292ec4a"
        ),
        "Apl Gestión de expedientes": (
            "62a980b06ccc611f0b22ec2c771cf4d0d47271dd3a08f152dfb9648bb7978d38"
        ),
        "Apl Gestión tributaria": (
            "9172411f0402ccddad332f798785573ddc802a64c160541f1c68250a367120a1"
        ),
        "Apl Implantación PMO": (
            "bf18f01260944b0d23ded8d0cd836e926329336a4ea32b5e6afbd3028891d050"
        ),
        "Apl Notificaciones electrónicas": (
            "4ba6f43a91794bc741da8fc1091bb3ea3d26532117c919f7869b3656c21bdd81"
        ),
        "Apl Nóminas": ("b4b672e450c3435d31fad9a8fb072b9a795c426e16fda532605abed089f654e5"),
        "Apl Portal del empleado": (
            "65256720d0a7c6cb89853827fa652f0b04dbfb76e222e79a1a1deebe69e44ae9"
        ),
        "Apl Registro electrónico": (
            "4601828844137398fa22cb089a244b56daf14b5bddb4e28fee5fd94d661073e1"
        ),
        "Apl Sede electrónica": (
            "f83cfaded1b26f238937a1f2f048e247d278de9dd0a1ade934a21a617462b26f"
        ),
        "Resumen": ("8b65f28966ab59260c9bcc9b956be0d7119a32395980aebc84b6f32ba3c3b8b6"),
        "Serv Analítica de datos": (
            "7f5cfefa540c38e3e41ca166c626e55f29e1d7a8636f30184e732bef7c8b0a4b"
        ),
        "Serv Centro de Atención a Usuar": (
            "ed7fa23ca5de76b5107ca8f1b47b10fcfe43726170d38345e7e73759e263c0cd"
        ),
        "Serv Mantenimiento de aplicacio": (
            "caea401f2b8b0c93b2d1b203e69cf0fc219065a58588a19c7149083a086cc4c1"
        ),
        "Serv Transformación digital": (
            "f878a9bf46ca304d8d0335701f615459a47bdaacb4a8a8e3ba2128ed5bb9ac1f"
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
