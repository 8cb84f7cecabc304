"""The steering pack as PowerPoint slides (python-pptx): native tables, native line charts (an
indicator's 12 months against its target) and bullets drawn with native shapes, so that the
PMO can edit any of it in PowerPoint.

16:9 slides: a cover, the key figures as cards, the top exceptions with their explanations,
then a slide per service and one per application, each titled with its name. Status is never
colour alone: an icon and a word beside every colour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO, cast

from pptx import Presentation
from pptx.chart.data import CategoryChartData, ChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.presentation import Presentation as Deck
from pptx.shapes.graphfrm import GraphicFrame
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from pmo_metrics import locale
from pmo_metrics.exports.pack.content import (
    ApplicationPage,
    IndicatorLine,
    KeyCard,
    PackContent,
    ServicePage,
    badge,
    bullet_scale,
    figure_text,
    generated_line,
    judged,
    loaded,
    publication_line,
    sources_note,
    t,
)
from pmo_metrics.metrics import status

# python-pptx leaves these constructors unannotated: typed here once.
_RGB = cast(Callable[[int, int, int], RGBColor], RGBColor)
_RGB_HEX = cast(Callable[[str], RGBColor], RGBColor.from_string)
_CHART_DATA = cast(Callable[[], CategoryChartData], CategoryChartData)

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
BODY_TOP = Inches(1.35)
INK, MUTED, RULE = _RGB(0x22, 0x22, 0x22), _RGB(0x66, 0x66, 0x66), _RGB(0xCC, 0xCC, 0xCC)
BAND_GREYS = {status.RED: "BDBDBD", status.AMBER: "D9D9D9", status.GREEN: "F0F0F0"}
CARDS_PER_ROW = 4
CHARTS = 4  # a service slide's trend charts (2 x 2); its worst indicators first
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5  # of the default template


def _rgb(hex_colour: str) -> RGBColor:
    return _RGB_HEX(hex_colour.lstrip("#").upper())


def write_slides(content: PackContent, out: Path | str | BinaryIO) -> int:
    """Write the pack to ``out`` (a path or a binary file); the number of slides."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_W, SLIDE_H
    cover(deck, content)
    key_figures(deck, content)
    exceptions(deck, content)
    for service in content.services:
        service_slide(deck, content, service)
    for app in content.applications:
        application_slide(deck, content, app)
    deck.save(str(out) if isinstance(out, str | Path) else out)
    return len(deck.slides)


# --- shapes ------------------------------------------------------------------------------------


def _titled(deck: Deck, title: str) -> Slide:
    slide: Slide = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE_ONLY])
    shape = slide.shapes.title
    assert shape is not None  # the layout has a title placeholder
    shape.left, shape.top = MARGIN, Inches(0.3)
    shape.width, shape.height = Emu(SLIDE_W - 2 * MARGIN), Inches(0.9)
    shape.text = title
    paragraph = shape.text_frame.paragraphs[0]
    paragraph.font.size, paragraph.font.bold = Pt(28), True
    return slide


def _text(
    slide: Slide,
    left: int,
    top: int,
    width: int,
    height: int,
    lines: list[tuple[str, int, bool, RGBColor]],
) -> None:
    """A text box of ``(text, points, bold, colour)`` paragraphs, wrapped."""
    frame = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height)).text_frame
    frame.word_wrap = True
    for i, (text, size, bold, colour) in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = text
        paragraph.font.size, paragraph.font.bold = Pt(size), bold
        paragraph.font.color.rgb = colour


def _status_run(
    slide: Slide,
    left: int,
    top: int,
    width: int,
    key: str,
    lang: str,
    prefix: str = "",
    size: int = 14,
    value: float | None = None,
) -> None:
    """``prefix`` then the status' icon in its colour and its word (never colour alone); a
    ``value`` with no target to judge it by reads "not judged"."""
    frame = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Inches(0.4)).text_frame
    frame.word_wrap = True
    paragraph = frame.paragraphs[0]
    icon, words = judged(key, value, lang).split(" ", 1)
    for text, colour, bold in (
        (prefix, INK, False),
        (f"{icon} ", _rgb(status.COLOURS[key]), True),
        (words, INK, False),
    ):
        if text:
            run = paragraph.add_run()
            run.text = text
            run.font.size, run.font.color.rgb, run.font.bold = Pt(size), colour, bold


def _table(
    slide: Slide,
    rows: list[list[str]],
    left: int,
    top: int,
    widths: Sequence[int],
    size: int = 11,
) -> None:
    shape = slide.shapes.add_table(
        len(rows), len(widths), Emu(left), Emu(top), Emu(sum(widths)), Emu(Inches(0.3) * len(rows))
    )
    table = shape.table
    for col, width in enumerate(widths):
        table.columns[col].width = Emu(width)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = value
            for paragraph in cell.text_frame.paragraphs:
                paragraph.font.size = Pt(size)
                paragraph.font.bold = r == 0


# --- the slides ----------------------------------------------------------------------------------


def cover(deck: Deck, content: PackContent) -> None:
    lang = content.lang
    slide = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE])
    title = slide.shapes.title
    assert title is not None  # the layout has a title placeholder
    title.text = t("title", lang)
    title.left, title.top, title.width = MARGIN, Inches(1.2), Emu(SLIDE_W - 2 * MARGIN)
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top = MARGIN, Inches(2.7)
    subtitle.width, subtitle.height = Emu(SLIDE_W - 2 * MARGIN), Inches(0.8)
    subtitle.text = content.month_name
    _text(
        slide,
        MARGIN,
        Inches(3.9),
        SLIDE_W - 2 * MARGIN,
        Inches(2.5),
        [
            (t("completeness", lang), 14, True, INK),
            (content.completeness, 14, False, INK),
            ("", 8, False, INK),
            (publication_line(content), 14, False, INK),
            (generated_line(content), 11, False, MUTED),
        ],
    )


def key_figures(deck: Deck, content: PackContent) -> None:
    """The pillar cards, a row per pillar (a pillar of more than four cards wraps)."""
    slide = _titled(deck, t("key_figures", content.lang, month=content.month_name))
    rows: list[list[KeyCard]] = []
    for pillar in dict.fromkeys(card.pillar for card in content.figures):
        cards = [c for c in content.figures if c.pillar == pillar]
        rows += [cards[i : i + CARDS_PER_ROW] for i in range(0, len(cards), CARDS_PER_ROW)]
    if not rows:
        return
    gap = Inches(0.12)
    width = Emu(int((SLIDE_W - 2 * MARGIN - gap * (CARDS_PER_ROW - 1)) / CARDS_PER_ROW))
    height = Emu(int((SLIDE_H - BODY_TOP - MARGIN - gap * (len(rows) - 1)) / len(rows)))
    for r, row in enumerate(rows):
        for c, card in enumerate(row):
            left = Emu(MARGIN + c * (width + gap))
            top = Emu(BODY_TOP + r * (height + gap))
            card_shape(slide, content, card, left, top, width, height)


def card_shape(
    slide: Slide, content: PackContent, card: KeyCard, left: int, top: int, width: int, height: int
) -> None:
    """A card: a strip in the status' colour, then pillar and label, value, target with the
    status' icon and word, and the change against the month before."""
    lang = content.lang
    box = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(left), Emu(top), Emu(width), Emu(height))
    box.fill.solid()
    box.fill.fore_color.rgb = _RGB(0xFA, 0xFA, 0xFA)
    box.line.color.rgb = RULE
    strip = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Emu(left), Emu(top), Inches(0.08), Emu(height)
    )
    strip.fill.solid()
    strip.fill.fore_color.rgb = _rgb(status.COLOURS[card.status or status.GREY])
    strip.line.fill.background()
    value = (
        t("no_value", lang, why=card.missing)
        if card.missing
        else figure_text(card.value, card.unit, lang, card.sources)
    )
    if card.target is None:
        judged = t("no_target", lang)
    else:
        target = t("target", lang, target=figure_text(card.target, card.unit, lang))
        judged = f"{badge(card.status, lang)} · {target}"
    change = locale.delta_text(card.change, card.unit, lang)
    versus = (
        t("vs_previous", lang, change=change, month=content.previous_month)
        if change is not None
        else t("no_previous", lang, month=content.previous_month)
    )
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # a long label shrinks, not spills
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_left = Inches(0.18)
    lines = [
        (f"{card.pillar} · {card.label}", 10, False, MUTED),
        (value, 10 if card.missing else 20, True, INK),
        (judged, 10, False, INK),
        (versus, 9, False, MUTED),
    ]
    for i, (text, size, bold, colour) in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = text
        paragraph.font.size, paragraph.font.bold = Pt(size), bold
        paragraph.font.color.rgb = colour
    note = sources_note(card.sources, lang)
    if note:  # under the card's text, in its own box: a figure resting on a source not loaded
        _text(
            slide,
            left + Inches(0.12),
            top + height - Inches(0.3),
            width - Inches(0.14),
            Inches(0.28),
            [(note, 8, False, MUTED)],
        )


def exceptions(deck: Deck, content: PackContent) -> None:
    lang = content.lang
    slide = _titled(deck, t("exceptions", lang, month=content.month_name))
    if not content.exceptions:
        _text(
            slide,
            MARGIN,
            BODY_TOP,
            Inches(10),
            Inches(1),
            [(t("no_exceptions", lang), 16, False, INK)],
        )
        return
    head = ["col_status", "col_kind", "col_subject", "col_value", "col_target", "col_explanation"]
    rows = [[t(k, lang) for k in head]]
    for flag in content.exceptions:
        rows.append(
            [
                badge(flag.status, lang),
                t(f"kind_{flag.kind}", lang),
                flag.subject,
                "" if flag.value is None else figure_text(flag.value, flag.unit, lang),
                "" if flag.target is None else figure_text(flag.target, flag.unit, lang),
                flag.explanation or t("no_explanation", lang),
            ]
        )
    widths: list[int] = [Inches(w) for w in (1.7, 1.3, 3.4, 1.1, 1.1)]
    widths.append(SLIDE_W - 2 * MARGIN - sum(widths))
    _table(slide, rows, MARGIN, BODY_TOP, widths, size=9)
    if content.more_exceptions:
        _text(
            slide,
            MARGIN,
            SLIDE_H - Inches(0.6),
            Inches(10),
            Inches(0.4),
            [(t("more_exceptions", lang, n=content.more_exceptions), 10, False, MUTED)],
        )


def service_slide(deck: Deck, content: PackContent, page: ServicePage) -> None:
    """The service's indicators as bullets against their targets (left), the 12-month lines of
    its worst indicators (right)."""
    lang = content.lang
    slide = _titled(deck, t("service_title", lang, name=page.name))
    _status_run(
        slide,
        MARGIN,
        Inches(1.1),
        Inches(6),
        page.status,
        lang,
        prefix=t("service_status", lang, status=""),
    )
    top = Inches(1.55)
    if page.subtitle or page.explanation:
        lines = [(page.subtitle, 11, False, MUTED)] if page.subtitle else []
        if page.explanation:
            lines.append((t("explained", lang, text=page.explanation), 11, False, INK))
        _text(slide, MARGIN, top, SLIDE_W - 2 * MARGIN, Inches(0.5), lines)
        top = Inches(2.15)
    if not page.indicators:
        _text(
            slide, MARGIN, top, Inches(8), Inches(0.5), [(t("no_indicators", lang), 14, False, INK)]
        )
        return
    half = Emu(int((SLIDE_W - 2 * MARGIN) / 2))
    row_h = Emu(min(Inches(1.0), int((SLIDE_H - top - Inches(0.8)) / len(page.indicators))))
    for i, line in enumerate(page.indicators):
        indicator_row(
            slide, content, line, MARGIN, Emu(top + i * row_h), Emu(half - Inches(0.2)), row_h
        )
    _text(
        slide,
        MARGIN,
        SLIDE_H - Inches(0.7),
        half,
        Inches(0.5),
        [(t("bullet_legend", lang), 8, False, MUTED)],
    )
    severity = {status.RED: 0, status.AMBER: 1, status.GREEN: 2, status.GREY: 3}
    charted = sorted(page.indicators, key=lambda x: severity.get(x.status, 3))[:CHARTS]
    chart_w, chart_h = Emu(int(half / 2)), Emu(int((SLIDE_H - top - MARGIN) / 2))
    for i, line in enumerate(charted):
        left = Emu(MARGIN + half + (i % 2) * chart_w)
        trend_chart(slide, content, line, left, Emu(top + (i // 2) * chart_h), chart_w, chart_h)


def indicator_row(
    slide: Slide,
    content: PackContent,
    line: IndicatorLine,
    left: int,
    top: int,
    width: int,
    height: int,
) -> None:
    """An indicator's name, value against target with its status, and its bullet."""
    lang = content.lang
    name_w = Emu(int(width * 0.42))
    against = t("target", lang, target=figure_text(line.target, line.unit, lang))
    _text(
        slide,
        left,
        top,
        name_w,
        height,
        [
            (line.name, 11, True, INK),
            (
                f"{figure_text(line.value, line.unit, lang, line.sources)} · {against}",
                11,
                False,
                INK,
            ),
        ],
    )
    note = sources_note(line.sources, lang)
    if note:  # beside the status, in its own box
        _text(slide, left, top + int(height * 0.8), name_w, Inches(0.25), [(note, 8, False, MUTED)])
    _status_run(
        slide,
        left,
        Emu(top + int(height * 0.55)),
        name_w,
        line.status,
        lang,
        size=11,
        value=loaded(line.value, line.sources),
    )
    bullet_shapes(
        slide,
        line,
        Emu(left + name_w),
        Emu(top + Inches(0.12)),
        Emu(width - name_w),
        Emu(int(height * 0.45)),
    )


def bullet_shapes(
    slide: Slide, line: IndicatorLine, left: Emu, top: Emu, width: Emu, height: Emu
) -> None:
    """Grey bands (darkest worst), a dark bar for the value, a black mark at the target."""
    scale = bullet_scale(line)
    if scale is None:
        return

    def at(value: float) -> int:
        return int(left + min(max(value / scale.top, 0.0), 1.0) * width)

    def rect(x: int, y: int, w: int, h: int, colour: str) -> None:
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(x), Emu(y), Emu(max(w, 1)), Emu(h))
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(colour)
        shape.line.fill.background()

    for band in scale.bands:
        rect(at(band.start), top, at(band.end) - at(band.start), height, BAND_GREYS[band.status])
    if scale.value is not None:
        rect(left, int(top + height * 0.35), at(scale.value) - left, int(height * 0.3), "222222")
    if scale.target is not None:
        rect(
            at(scale.target) - Emu(Pt(1.5)),
            int(top + height * 0.1),
            int(Pt(3)),
            int(height * 0.8),
            "000000",
        )


def _chart_data(
    categories: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]
) -> ChartData:
    """A category chart's data (a month per category, a line per series; None leaves a gap)."""
    data = _CHART_DATA()
    data.categories = list(categories)
    add = cast(Callable[[str, Sequence[float | None]], object], data.add_series)  # unannotated
    for name, values in series:
        add(name, values)
    # add_chart's annotation names the deprecated ChartData subclass; any chart data is taken
    return cast(ChartData, data)


def trend_chart(
    slide: Slide,
    content: PackContent,
    line: IndicatorLine,
    left: int,
    top: int,
    width: int,
    height: int,
) -> None:
    """A native line chart: the indicator month by month against its target (dashed)."""
    lang = content.lang
    series = [(t("value_series", lang), list(line.trend) or [None] * len(content.months))]
    if line.target is not None:
        series.append((t("target_series", lang), [line.target] * len(content.months)))
    data = _chart_data(content.months, series)
    # add_chart is annotated as returning the chart; it returns the graphic frame holding it
    frame = cast(
        GraphicFrame,
        slide.shapes.add_chart(
            XL_CHART_TYPE.LINE_MARKERS, Emu(left), Emu(top), Emu(width), Emu(height), data
        ),
    )
    chart = frame.chart
    chart.has_title = True
    unit = locale.unit_label(line.unit, lang)
    # as the report's charts: "name, unit", unless the catalog's name already says the unit
    named = f"({unit})" in line.name or f"({line.unit})" in line.name or not unit
    chart.chart_title.text_frame.text = line.name if named else f"{line.name}, {unit}"
    chart.chart_title.text_frame.paragraphs[0].font.size = Pt(10)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(8)
    chart.category_axis.tick_labels.font.size = Pt(7)
    chart.value_axis.tick_labels.font.size = Pt(8)
    chart.value_axis.has_major_gridlines = False
    value_series = chart.plots[0].series[0]
    value_series.format.line.color.rgb = INK
    if line.target is not None:
        target = chart.plots[0].series[1]
        target.format.line.color.rgb = MUTED
        target.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        target.marker.style = None
        target.smooth = False
    value_series.smooth = False


def application_slide(deck: Deck, content: PackContent, page: ApplicationPage) -> None:
    """The application's health, its reason, each dimension with its own status (a table)."""
    lang = content.lang
    slide = _titled(deck, t("app_title", lang, name=page.name))
    _status_run(
        slide,
        MARGIN,
        Inches(1.1),
        Inches(6),
        page.status,
        lang,
        prefix=t("app_status", lang, status=""),
    )
    lines = [(page.subtitle, 11, False, MUTED)] if page.subtitle else []
    if page.reason:
        lines.append((t("reason", lang, reason=page.reason), 12, False, INK))
    if page.explanation:
        lines.append((t("explained", lang, text=page.explanation), 12, False, INK))
    if lines:
        _text(slide, MARGIN, Inches(1.55), SLIDE_W - 2 * MARGIN, Inches(0.9), lines)
    top = Inches(2.6)
    if not page.dimensions:
        _text(slide, MARGIN, top, Inches(8), Inches(0.5), [(t("no_health", lang), 14, False, INK)])
        return
    rows = [[t("col_dimension", lang), t("col_value", lang), t("col_status", lang), ""]]
    rows += [
        [
            d.label,
            figure_text(d.value, d.unit, lang, d.sources),
            judged(d.status, loaded(d.value, d.sources), lang),
            sources_note(d.sources, lang),
        ]
        for d in page.dimensions
    ]
    widths = [Inches(4.0), Inches(2.0), Inches(2.8), Inches(3.0)]
    _table(slide, rows, MARGIN, top, widths, size=12)
