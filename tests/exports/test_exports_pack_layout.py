"""The steering pack's layout on tiny hand-built content (no store): a bullet's scale, a page and
a slide per service and application, a long service running onto a second PDF page that its
footer still names, every slide shape on its slide, status in words beside every colour."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from pmo_metrics.completeness import Coverage
from pmo_metrics.exports.pack import PackContent, write_pack
from pmo_metrics.exports.pack.content import (
    ApplicationPage,
    Band,
    BulletScale,
    DimensionLine,
    Flag,
    IndicatorLine,
    KeyCard,
    ServicePage,
    bullet_scale,
)

MONTHS = tuple(f"M{i}" for i in range(1, 13))


def indicator(name: str, value: float | None, target: float, direction: str, amber: float | None,
              status: str) -> IndicatorLine:  # fmt: skip
    trend = tuple(None if i == 3 else (value or 0.0) + i for i in range(12))
    return IndicatorLine(name, "sla-compliance", "%", direction, value, target, amber, status,
                         trend, "")  # fmt: skip


def content(lang: str = "en", indicators: int = 2) -> PackContent:
    lines = tuple(
        indicator(f"Indicator {i}", 80.0 + i, 90.0, "higher", 85.0, "red")
        for i in range(indicators)
    )
    return PackContent(
        month="2026-10",
        lang=lang,
        month_name="October 2026" if lang == "en" else "octubre 2026",
        completeness="Oct 2026: 2 of 3 sources loaded · not loaded: Jira X",
        generated_by="Ana",
        generated_at=datetime(2026, 11, 20, 9, 30),
        publication=None,
        changed_since_published=0,
        figures=(
            KeyCard(
                "Services",
                "sla-compliance",
                "SLA compliance",
                "%",
                "higher",
                91.26,
                93.0,
                -1.75,
                90.0,
                "green",
                None,
            ),  # fmt: skip
            KeyCard(
                "Services",
                "mttr",
                "Mean time to resolve",
                "h",
                "lower",
                None,
                20.0,
                None,
                None,
                None,
                "no tickets",
            ),  # fmt: skip
        ),
        exceptions=(Flag("service", "Svc A", "red", 0.0, "%", None, "Vendor late. Action: ..."),),
        more_exceptions=0,
        months=MONTHS,
        services=(ServicePage("Svc A", "A service", "red", lines, ""),),
        applications=(
            ApplicationPage(
                "App B",
                "Svc A · high",
                "amber",
                "SLA compliance 88.0% < target 90%",
                (
                    DimensionLine("SLA compliance", "%", 88.0, "amber"),
                    DimensionLine("Throughput", "items", 7.0, "grey"),
                    DimensionLine("Say/do", "ratio", None, "grey"),
                    DimensionLine(
                        "Lead time P85", "days", 0.0, "grey", Coverage("not_loaded", ("Jira X",))
                    ),  # fmt: skip
                ),
                "",
            ),
        ),
    )


def test_a_bullet_bands_where_a_value_is_red_amber_and_green() -> None:
    higher = indicator("x", 80.0, 90.0, "higher", 85.0, "red")
    assert bullet_scale(higher) == BulletScale(
        top=90.0 * 1.15,
        bands=(Band(0.0, 85.0, "red"), Band(85.0, 90.0, "amber"), Band(90.0, 90.0 * 1.15, "green")),
        value=80.0,
        target=90.0,
    )
    lower = indicator("y", 30.0, 24.0, "lower", 36.0, "amber")
    assert bullet_scale(lower) == BulletScale(
        top=36.0 * 1.15,
        bands=(Band(0.0, 24.0, "green"), Band(24.0, 36.0, "amber"), Band(36.0, 36.0 * 1.15, "red")),
        value=30.0,
        target=24.0,
    )
    # no amber threshold: red right below the target, no amber band
    bare = indicator("z", 50.0, 60.0, "higher", None, "red")
    scale = bullet_scale(bare)
    assert scale is not None
    assert scale.bands == (Band(0.0, 60.0, "red"), Band(60.0, 69.0, "green"))
    # nothing to draw against: a negative value (a cost under budget) or no direction
    assert bullet_scale(indicator("n", -3.0, 5.0, "lower", 10.0, "green")) is None
    assert bullet_scale(indicator("d", 3.0, 5.0, "neutral", None, "grey")) is None


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_page_and_a_slide_for_each_part(tmp_path: Path, lang: str) -> None:
    pdf, pptx = tmp_path / "p.pdf", tmp_path / "p.pptx"
    assert write_pack(content(lang), "pdf", pdf) == 5
    assert write_pack(content(lang), "pptx", pptx) == 5
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    service = "Service: Svc A" if lang == "en" else "Servicio: Svc A"
    app = "Application: App B" if lang == "en" else "Aplicación: App B"
    assert pages[3].startswith(service + "\n") and pages[4].startswith(app + "\n")
    slides = Presentation(str(pptx)).slides
    assert [s.shapes.title.text for s in slides][3:] == [service, app]
    (table,) = [s.table for s in slides[4].shapes if s.has_table]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[-1][1:] == [
        "Not loaded" if lang == "en" else "Sin cargar",
        "– no data" if lang == "en" else "– sin datos",
        "not loaded: Jira X" if lang == "en" else "sin cargar: Jira X",
    ]
    text = "\n".join(pages)
    if lang == "en":
        assert "91.3%\n✓ on target · target 90.0%\n-1.8 pp vs Sep 2026" in text
        assert "no data: no tickets" in text
        assert "80.0%\n90.0%\n✗ off target" in text  # value, target, status in words
        assert "Throughput\n7\n– not judged: no target" in text  # grey with a value
        assert "Say/do\n–\n– no data" in text  # grey without one
        # a figure none of whose sources is loaded: no number, and which source is missing
        assert "Lead time P85\nNot loaded\n– no data\nnot loaded: Jira X" in text
    else:
        assert "91,3 %\n✓ en objetivo · objetivo 90,0 %\n-1,8 pp frente a sept 2026" in text
        assert "80,0 %\n90,0 %\n✗ fuera de objetivo" in text


def test_a_long_service_runs_onto_a_page_its_footer_names_and_keeps_one_slide(
    tmp_path: Path,
) -> None:
    pdf, pptx = tmp_path / "p.pdf", tmp_path / "p.pptx"
    assert write_pack(content(indicators=8), "pdf", pdf) == 6
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    assert pages[3].startswith("Service: Svc A\n")
    assert "Steering committee pack · October 2026 · Service: Svc A" in pages[4]
    assert "Indicator 7" in pages[4]
    assert write_pack(content(indicators=8), "pptx", pptx) == 5


def test_six_indicators_fit_on_their_service_page(tmp_path: Path) -> None:
    pdf = tmp_path / "p.pdf"
    assert write_pack(content(indicators=6), "pdf", pdf) == 5


def test_every_shape_lies_on_its_slide(tmp_path: Path) -> None:
    pptx = tmp_path / "p.pptx"
    write_pack(content(indicators=6), "pptx", pptx)
    deck = Presentation(str(pptx))
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= deck.slide_width, (number, shape.name)
            assert shape.top + shape.height <= deck.slide_height, (number, shape.name)
