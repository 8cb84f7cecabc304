"""The Report page builds the month's steering pack (issue 15, item 4) as slides or a PDF and
offers it for download, in the page's language, made by the signed-in user."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pypdf import PdfReader

from pmo_metrics.locale import month_name, t

pytestmark = pytest.mark.slow


def test_the_report_page_builds_the_steering_pack(app, sample_db, month) -> None:
    at = app(sample_db, "pages/report.py")
    assert not at.exception, [e.message for e in at.exception]
    at.radio(key="pack_format").set_value("pptx")
    at = at.button(key="pack_build").click().run()
    assert not at.exception, [e.message for e in at.exception]
    built_month, kind, lang, content, summary = at.session_state["pack_file"]
    assert (built_month, kind, lang) == (month, "pptx", "en")
    slides = Presentation(io.BytesIO(content)).slides
    assert len(slides) == summary.pages == 3 + len(summary.services) + len(summary.applications)
    assert slides[0].shapes.title.text == t("pack.title", "en")
    assert any(c.value == summary.text() for c in at.caption)
    assert "demo" in "\n".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)

    at.radio(key="pack_format").set_value("pdf")
    at = at.button(key="pack_build").click().run()
    assert not at.exception, [e.message for e in at.exception]
    _, kind, _, content, _ = at.session_state["pack_file"]
    assert kind == "pdf"
    cover = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert month_name(month, "en") in cover
