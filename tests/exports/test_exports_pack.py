"""The steering pack of the sample's latest month, read back from the PDF and the slides: the
same numbers as the .xlsx monthly report, a page per service and per application, both
languages, the explanations and the published version on it, and its command line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from pypdf import PdfReader

from pmo_metrics import locale, publishing, status_notes
from pmo_metrics.engine import open_source
from pmo_metrics.exports.pack import pack_content, write_pack
from pmo_metrics.exports.report import build_report
from pmo_metrics.headers import column_label
from pmo_metrics.metrics import status
from pmo_metrics.periods import shift_month
from pmo_metrics.store.connection import connect, fetch_scalar

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 20, 9, 30)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The sample loaded into a store, and its latest month with resolved tickets."""
    from pmo_metrics.demo import load_sample

    db = tmp_path_factory.mktemp("pack-store") / "sample.duckdb"
    con = connect(db)
    load_sample(con)
    month = fetch_scalar(con, "SELECT strftime(max(resolved), '%Y-%m') FROM tickets")
    con.close()
    return db, month


@pytest.fixture(scope="module")
def built(store, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The report (.xlsx), the pack as a PDF and as slides, in each language; how many
    indicators the catalog has."""
    db, month = store
    folder = tmp_path_factory.mktemp("pack-files")
    con = connect(db, read_only=True)
    files: dict[str, dict[str, Path]] = {}
    for lang in ("en", "es"):
        files[lang] = {kind: folder / f"{lang}.{kind}" for kind in ("xlsx", "pdf", "pptx")}
        build_report(open_source(con), month, files[lang]["xlsx"], lang=lang)
        # one content, both layouts (build_pack itself runs in the other tests)
        content = pack_content(con, month, lang=lang, generated_by="Ana", now=NOW)
        for kind in ("pdf", "pptx"):
            write_pack(content, kind, files[lang][kind])
    indicators = fetch_scalar(con, "SELECT count(*) FROM indicators")
    con.close()
    return {**files, "indicators": indicators}


# --- reading the files back ----------------------------------------------------------------


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def words(text: str) -> str:
    """Text with each run of white space as one space: a cell wraps a long name at a width."""
    return " ".join(text.split())


def slide_texts(path: Path) -> list[tuple[str, list[str]]]:
    """Each slide's title and the text of every text box and table cell on it."""
    slides = []
    for slide in Presentation(str(path)).slides:
        title = slide.shapes.title.text if slide.shapes.title is not None else ""
        texts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
        slides.append((title, texts))
    return slides


def table_rows(ws, first: str, second: str) -> list[list[object]]:
    """The rows under the header row whose first two cells are ``first`` and ``second``, up to
    the first empty row."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(
        i for i, row in enumerate(rows) if row[0] == first and len(row) > 1 and row[1] == second
    )
    found = []
    for row in rows[start + 1 :]:
        if row[0] is None:
            break
        found.append(list(row))
    return found


def report_figures(path: Path, lang: str) -> list[dict[str, object]]:
    """The Summary's key figures as the .xlsx holds them."""
    wb = openpyxl.load_workbook(path)
    summary = wb[wb.sheetnames[0]]
    rows = table_rows(summary, locale.t("report.pillar", lang), locale.t("report.indicator", lang))
    names = ("pillar", "label", "value", "unit", "previous", "change", "target", "status")
    return [dict(zip(names, row[:8], strict=True)) for row in rows]


def report_indicators(path: Path, sheet: str, lang: str) -> list[dict[str, object]]:
    """A service sheet's indicators of the month (its scorecard) as the .xlsx holds them."""
    ws = openpyxl.load_workbook(path)[sheet]
    rows = table_rows(ws, column_label("indicator", lang), column_label("value", lang))
    names = ("indicator", "value", "unit", "target", "status")
    return [dict(zip(names, row[:5], strict=True)) for row in rows]


def report_health(path: Path, sheet: str, lang: str) -> str:
    """An application sheet's health status cell."""
    ws = openpyxl.load_workbook(path)[sheet]
    rows = table_rows(ws, column_label("application", lang), column_label("status", lang))
    return str(rows[0][1])


def sheet_of(path: Path, title: str) -> str:
    """The sheet whose A1 is ``title`` (a long name's sheet title is cut)."""
    wb = openpyxl.load_workbook(path)
    return next(name for name in wb.sheetnames if wb[name]["A1"].value == title)


def q(value: object, unit: object, lang: str) -> str:
    return locale.quantity(None if value is None else float(value), str(unit or ""), lang)


def pack_t(key: str, lang: str, **values: object) -> str:
    return locale.t(f"pack.{key}", lang, **values)


# --- the same numbers as the report ---------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_key_figure_reads_as_in_the_report(built, store, lang) -> None:
    previous = locale.month_label(shift_month(store[1], -1), lang)
    figures = report_figures(built[lang]["xlsx"], lang)
    assert len(figures) == 17
    pdf = words(pdf_pages(built[lang]["pdf"])[1])
    cards = [text for _, texts in slide_texts(built[lang]["pptx"])[1:2] for text in texts]
    for figure in figures:
        unit = figure["unit"]
        value = q(figure["value"], unit, lang) if isinstance(figure["value"], int | float) else "–"
        if figure["target"] is None:
            judged = pack_t("no_target", lang)
        else:
            target = pack_t("target", lang, target=q(figure["target"], unit, lang))
            judged = f"{figure['status']} · {target}"  # the report's cell: icon and word
        change = locale.delta_text(figure["change"], str(unit), lang)
        versus = (
            pack_t("vs_previous", lang, change=change, month=previous)
            if change is not None
            else pack_t("no_previous", lang, month=previous)
        )
        card = f"{figure['label']}\n{value}\n{judged}\n{versus}"
        assert words(card) in pdf, card
        slide_card = f"{figure['pillar']} · {card}"
        assert slide_card in cards, slide_card


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_service_indicator_reads_as_in_the_report(built, lang) -> None:
    xlsx = built[lang]["xlsx"]
    pages, slides = pdf_pages(built[lang]["pdf"]), slide_texts(built[lang]["pptx"])
    services = _services(xlsx, lang)
    assert len(services) == 4
    checked = 0
    for service in services:
        title = pack_t("service_title", lang, name=service)
        sheet = sheet_of(xlsx, locale.t("report.service_title", lang, name=service))
        (page,) = [p for p in pages if p.startswith(title + "\n")]
        ((_, texts),) = [s for s in slides if s[0] == title]
        for row in report_indicators(xlsx, sheet, lang):
            unit = row["unit"]
            value, target = q(row["value"], unit, lang), q(row["target"], unit, lang)
            assert words(f"{row['indicator']} {value} {target} {row['status']}") in words(page)
            against = pack_t("target", lang, target=target)
            assert any(text.endswith(f"\n{value} · {against}") for text in texts), row
            assert row["status"] in texts
            checked += 1
    assert checked == built["indicators"]  # every indicator of the sample's catalog


def _services(xlsx: Path, lang: str) -> list[str]:
    wb = openpyxl.load_workbook(xlsx)
    prefix = locale.t("report.service_title", lang, name="")
    return [
        str(wb[n]["A1"].value).removeprefix(prefix)
        for n in wb.sheetnames
        if str(wb[n]["A1"].value).startswith(prefix)
    ]


def _applications(xlsx: Path, lang: str) -> list[str]:
    wb = openpyxl.load_workbook(xlsx)
    prefix = locale.t("report.app_title", lang, name="")
    return [
        str(wb[n]["A1"].value).removeprefix(prefix)
        for n in wb.sheetnames
        if str(wb[n]["A1"].value).startswith(prefix)
    ]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_application_status_reads_as_in_the_report(built, lang) -> None:
    xlsx = built[lang]["xlsx"]
    pages, slides = pdf_pages(built[lang]["pdf"]), slide_texts(built[lang]["pptx"])
    apps = _applications(xlsx, lang)
    assert len(apps) == 9
    for app in apps:
        title = pack_t("app_title", lang, name=app)
        health = report_health(
            xlsx, sheet_of(xlsx, locale.t("report.app_title", lang, name=app)), lang
        )
        (page,) = [p for p in pages if p.startswith(title + "\n")]
        ((_, texts),) = [s for s in slides if s[0] == title]
        line = pack_t("app_status", lang, status=health)
        assert f"\n{line}\n" in page
        assert line in texts


# --- pages ----------------------------------------------------------------------------------


def test_a_page_per_service_and_per_application_after_cover_figures_and_exceptions(built) -> None:
    xlsx = built["en"]["xlsx"]
    services, apps = _services(xlsx, "en"), _applications(xlsx, "en")
    pages, slides = pdf_pages(built["en"]["pdf"]), slide_texts(built["en"]["pptx"])
    assert len(pages) == len(slides) == 3 + len(services) + len(apps)
    for kind, names in (("service_title", services), ("app_title", apps)):
        for name in names:
            title = pack_t(kind, "en", name=name)
            assert sum(p.startswith(title + "\n") for p in pages) == 1
            assert sum(s[0] == title for s in slides) == 1
    titles = [s[0] for s in slides]
    assert titles[3 : 3 + len(services)] == [
        pack_t("service_title", "en", name=s) for s in services
    ]


def test_the_cover_says_the_month_what_is_loaded_who_and_that_it_is_a_draft(built, store) -> None:
    db, month = store
    con = connect(db, read_only=True)
    from pmo_metrics import completeness

    line = completeness.summary(completeness.read_board(con), month, NOW.date(), "es")
    con.close()
    cover = pdf_pages(built["es"]["pdf"])[0]
    assert pack_t("title", "es") in cover
    assert locale.month_name(month, "es") in cover
    assert line in cover.replace("\n", " ")
    assert pack_t("draft", "es") in cover
    assert pack_t("generated_by", "es", who="Ana", when="20 nov 2026 09:30") in cover
    title, texts = slide_texts(built["es"]["pptx"])[0]
    assert title == pack_t("title", "es")
    assert any(line in text for text in texts)


def test_spanish_writes_a_decimal_comma_and_every_accent(built) -> None:
    text = "\n".join(pdf_pages(built["es"]["pdf"]))
    assert "Servicio: Analítica de datos" in text
    assert "Aplicación: Gestión tributaria" in text
    assert "✓ en objetivo" in text and "✗ fuera de objetivo" in text
    assert "," in pdf_pages(built["es"]["pdf"])[1].split("\n")[3]  # the first card's value


# --- explanations and the published version --------------------------------------------------


def test_a_published_month_shows_its_version_and_each_red_beside_its_explanation(
    store, tmp_path: Path
) -> None:
    db, month = store
    copy = tmp_path / "published.duckdb"
    shutil.copy(db, copy)
    con = connect(copy)
    figures = publishing.month_figures(publishing.tables_on(con), month)
    reds = figures[figures["status"] == "red"]
    assert len(reds) >= 1
    for i, (kind, scope, item) in enumerate(
        zip(reds["kind"], reds["scope"], reds["item"], strict=True)
    ):
        status_notes.write(
            con,
            status_notes.Subject(kind, scope, item),
            month,
            status_notes.Explanation(f"Cause {i}", f"Action {i}", "Luis", date(2026, 12, 15)),
            status="red",
            user="lead",
        )
    publishing.publish(con, month, figures, user="lead")
    pdf, pptx = tmp_path / "pack.pdf", tmp_path / "pack.pptx"
    content = pack_content(con, month, now=NOW)
    write_pack(content, "pdf", pdf)
    write_pack(content, "pptx", pptx)
    con.close()

    pages = pdf_pages(pdf)
    published = pack_t("published", "en", version=1, when=locale.date_label(datetime.now(), "en"),
                       who="lead")  # fmt: skip
    assert published in pages[0]
    exceptions = pages[2].replace("\n", " ")
    slide = " ".join(slide_texts(pptx)[2][1])
    for i in range(len(reds)):
        line = f"Cause {i}. Action: Action {i} (Luis, due 15 Dec 2026)"
        note = status_notes.note_text(
            {"cause": f"Cause {i}", "action": f"Action {i}", "owner": "Luis",
             "due": date(2026, 12, 15)}, "en")  # fmt: skip
        assert note in slide
        assert " ".join(note.split()) in exceptions, line
    assert status.badge(status.RED, "en") in slide


# --- the command line -----------------------------------------------------------------------


def test_the_command_writes_the_pack_and_refuses_another_kind_of_file(store, tmp_path) -> None:
    db, month = store
    out = tmp_path / "pack.pptx"
    run = subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "pack", "--month", month, str(out), "--db", str(db),
         "--lang", "es", "--by", "Ana"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"wrote {out}: steering pack for {month}: 16 slides")
    assert Presentation(str(out)).slides[0].shapes.title.text == pack_t("title", "es")
    wrong = subprocess.run(
        [sys.executable, "-m", "pmo_metrics", "pack", "--month", month, str(tmp_path / "p.docx"),
         "--db", str(db)],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert wrong.returncode == 1
    assert "must end in .pdf or .pptx" in wrong.stderr
    assert not (tmp_path / "p.docx").exists()


def test_the_command_line_starts_without_the_typesetting_libraries() -> None:
    code = (
        "import sys; from pmo_metrics.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('reportlab', 'pptx', 'pandas') if m in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert run.stdout.strip() == "[]"
