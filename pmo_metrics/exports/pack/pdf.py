"""The steering pack as a PDF, typeset with ReportLab's platypus, its charts drawn with
reportlab.graphics (a bullet per indicator, a 12-month line against the target): no browser.

Landscape A4. A cover, the key figures as cards, the top exceptions with their explanations,
then a page per service and one per application; each page's header names what it is about.
Status is never colour alone: an icon and a word beside every colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from pmo_metrics import locale
from pmo_metrics.completeness import Coverage
from pmo_metrics.exports.pack.content import (
    ApplicationPage,
    IndicatorLine,
    KeyCard,
    PackContent,
    ServicePage,
    bullet_scale,
    figure_text,
    generated_line,
    loaded,
    publication_line,
    sources_note,
    t,
)
from pmo_metrics.metrics import status

PAGE = landscape(A4)
MARGIN = 1.5 * cm
WIDTH = PAGE[0] - 2 * MARGIN
INK, MUTED, RULE = (
    colors.HexColor("#222222"),
    colors.HexColor("#666666"),
    colors.HexColor("#CCCCCC"),
)
# A bullet's bands in greys (darkest worst), as a bullet chart draws them: readable in print and
# by anyone; the status' colour goes with its icon and word.
BAND_GREYS = {status.RED: "#BDBDBD", status.AMBER: "#D9D9D9", status.GREEN: "#F0F0F0"}
CARDS_PER_ROW = 4
# An indicator's row: its 12-month line this tall, so that six indicators fit on the page.
TREND_HEIGHT = 2.0 * cm

# DejaVu Sans (Debian's fonts-dejavu-core) has the status icons (✓ ✗ –) and every Spanish
# letter; ReportLab's built-in Helvetica has no ✓ nor ✗.
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
FONT, BOLD = "PackSans", "PackSans-Bold"


def _register_fonts() -> tuple[str, str]:
    """The regular and bold fonts: DejaVu Sans where installed, else Helvetica."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT, BOLD
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont(FONT, str(regular)))
            pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
            return FONT, BOLD
    return "Helvetica", "Helvetica-Bold"


class Styles:
    """The pack's paragraph styles in its fonts."""

    def __init__(self) -> None:
        regular, bold = _register_fonts()
        self.regular, self.bold = regular, bold

        def style(name: str, size: float, font: str = regular, **kw: Any) -> ParagraphStyle:
            kw.setdefault("textColor", INK)
            return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.25, **kw)

        self.cover = style("cover", 30, bold, spaceAfter=12)
        self.cover_month = style("cover_month", 20, regular, spaceAfter=24)
        self.h1 = style("h1", 18, bold, spaceAfter=6)
        self.h2 = style("h2", 12, bold, spaceBefore=8, spaceAfter=4)
        self.body = style("body", 10, alignment=TA_LEFT)
        self.small = style("small", 8, textColor=MUTED)
        self.cell = style("cell", 9)
        self.cell_bold = style("cell_bold", 9, bold)
        self.big = style("big", 18, bold)


def _esc(text: object) -> str:
    return escape(str(text))


def badge_markup(key: str | None, lang: str) -> str:
    """A status as its coloured icon and its word (the word carries it without colour)."""
    if key is None:
        return "–"
    return f'<font color="{status.COLOURS[key]}">{_esc(status.icon(key))}</font> ' + _esc(
        status.word(key, lang)
    )


def judged_markup(key: str, value: float | None, lang: str) -> str:
    """A status in words; a value with no target to judge it by is "not judged", not "no
    data"."""
    if key == status.GREY and value is not None:
        return f"{_esc(status.icon(key))} {_esc(t('not_judged', lang))}"
    return badge_markup(key, lang)


# --- the document: a header naming each page's section ---------------------------------------


class Headed:
    """What the page being drawn is about: set by each :class:`Section` mark as it is drawn."""

    def __init__(self) -> None:
        self.current = ""


class Section(Flowable):
    """A zero-size mark: the pages from here on are about ``title`` (their footer says so,
    a page a long table ran onto included)."""

    def __init__(self, title: str, headed: Headed) -> None:
        super().__init__()
        self.title, self.headed = title, headed

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0.0, 0.0

    def draw(self) -> None:
        self.headed.current = self.title


def _footer(content: PackContent, styles: Styles, headed: Headed) -> Any:
    """Drawn when a page is full (its sections known): the pack, the section, the page."""

    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(styles.regular, 8)
        canvas.setFillColor(MUTED)
        parts = [t("title", content.lang), content.month_name, headed.current]
        canvas.drawString(MARGIN, MARGIN / 2, " · ".join(p for p in parts if p))
        page = t("page", content.lang, n=doc.page)
        canvas.drawRightString(PAGE[0] - MARGIN, MARGIN / 2, page)
        canvas.restoreState()

    return draw


def write_pdf(content: PackContent, out: Path | str | BinaryIO) -> int:
    """Write the pack to ``out`` (a path or a binary file); the number of pages."""
    styles = Styles()
    target = str(out) if isinstance(out, str | Path) else out
    doc = BaseDocTemplate(
        target,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{t('title', content.lang)}: {content.month_name}",
        author=content.generated_by or "",
        lang=content.lang,
    )
    frame = Frame(MARGIN, MARGIN, WIDTH, PAGE[1] - 2 * MARGIN, id="body")
    headed = Headed()
    footer = _footer(content, styles, headed)
    doc.addPageTemplates([PageTemplate("page", [frame], onPageEnd=footer)])
    story: list[Flowable] = [Section("", headed), *cover(content, styles)]
    story += [PageBreak(), *key_figures(content, styles, headed)]
    story += [PageBreak(), *exceptions(content, styles, headed)]
    for service in content.services:
        story += [PageBreak(), *service_page(content, service, styles, headed)]
    for app in content.applications:
        story += [PageBreak(), *application_page(content, app, styles, headed)]
    doc.build(story)
    return int(doc.page)


# --- the pages -----------------------------------------------------------------------------------


def cover(content: PackContent, styles: Styles) -> list[Flowable]:
    lang = content.lang
    return [
        Spacer(1, 4 * cm),
        Paragraph(_esc(t("title", lang)), styles.cover),
        Paragraph(_esc(content.month_name), styles.cover_month),
        Paragraph(f"<b>{_esc(t('completeness', lang))}</b>", styles.h2),
        Paragraph(_esc(content.completeness), styles.body),
        Spacer(1, 0.6 * cm),
        Paragraph(_esc(publication_line(content)), styles.body),
        Paragraph(_esc(generated_line(content)), styles.small),
    ]


def key_figures(content: PackContent, styles: Styles, headed: Headed) -> list[Flowable]:
    """The pillar cards, a row per pillar."""
    lang = content.lang
    flow: list[Flowable] = [
        Section(t("key_figures", lang, month=content.month_name), headed),
        Paragraph(_esc(t("key_figures", lang, month=content.month_name)), styles.h1),
    ]
    rows: list[list[Any]] = []
    colours: list[tuple[int, int, str]] = []
    for pillar in dict.fromkeys(card.pillar for card in content.figures):
        cards = [c for c in content.figures if c.pillar == pillar]
        for start in range(0, len(cards), CARDS_PER_ROW):
            row: list[Any] = []
            for i, card in enumerate(cards[start : start + CARDS_PER_ROW]):
                row.append(card_cell(content, card, styles))
                colours.append((i, len(rows), status.COLOURS[card.status or status.GREY]))
            rows.append(row + [""] * (CARDS_PER_ROW - len(row)))
    width = WIDTH / CARDS_PER_ROW
    table = Table(rows, colWidths=[width] * CARDS_PER_ROW)
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    for col, row_no, colour in colours:
        commands.append(("LINEBEFORE", (col, row_no), (col, row_no), 4, colors.HexColor(colour)))
        commands.append(("BOX", (col, row_no), (col, row_no), 0.5, RULE))
    table.setStyle(TableStyle(commands))
    flow.append(table)
    return flow


def card_cell(content: PackContent, card: KeyCard, styles: Styles) -> list[Flowable]:
    """One card: pillar and label, the value, the target and status, the change."""
    lang = content.lang
    if card.missing:
        value = Paragraph(_esc(t("no_value", lang, why=card.missing)), styles.small)
    else:
        value = Paragraph(_esc(figure_text(card.value, card.unit, lang, card.sources)), styles.big)
    if card.target is None:
        judged = _esc(t("no_target", lang))
    else:
        target = t("target", lang, target=figure_text(card.target, card.unit, lang))
        judged = f"{badge_markup(card.status, lang)} · {_esc(target)}"
    change = locale.delta_text(card.change, card.unit, lang)
    month = content.previous_month
    versus = (
        t("vs_previous", lang, change=change, month=month)
        if change is not None
        else t("no_previous", lang, month=month)
    )
    return [
        Paragraph(_esc(card.pillar), styles.small),
        Paragraph(_esc(card.label), styles.cell_bold),
        value,
        Paragraph(judged, styles.cell),
        Paragraph(_esc(versus), styles.small),
        *_note(card.sources, lang, styles),
    ]


def _note(sources: Coverage, lang: str, styles: Styles) -> list[Flowable]:
    """What a figure's expected sources lack (nothing when every one is loaded)."""
    note = sources_note(sources, lang)
    return [Paragraph(_esc(note), styles.small)] if note else []


def _table(rows: list[list[Any]], widths: Sequence[float], *, header: bool = True) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands += [("LINEBELOW", (0, 0), (-1, 0), 1, INK)]
    table.setStyle(TableStyle(commands))
    return table


def exceptions(content: PackContent, styles: Styles, headed: Headed) -> list[Flowable]:
    """The top exceptions: each amber or red status with its explanation."""
    lang = content.lang
    title = t("exceptions", lang, month=content.month_name)
    flow: list[Flowable] = [Section(title, headed), Paragraph(_esc(title), styles.h1)]
    if not content.exceptions:
        return [*flow, Paragraph(_esc(t("no_exceptions", lang)), styles.body)]
    head = ["col_status", "col_kind", "col_subject", "col_value", "col_target", "col_explanation"]
    rows: list[list[Any]] = [[Paragraph(_esc(t(k, lang)), styles.cell_bold) for k in head]]
    for flag in content.exceptions:
        explanation = flag.explanation or t("no_explanation", lang)
        rows.append(
            [
                Paragraph(badge_markup(flag.status, lang), styles.cell),
                Paragraph(_esc(t(f"kind_{flag.kind}", lang)), styles.cell),
                Paragraph(_esc(flag.subject), styles.cell),
                Paragraph(_esc(_figure(flag.value, flag.unit, lang)), styles.cell),
                Paragraph(_esc(_figure(flag.target, flag.unit, lang)), styles.cell),
                Paragraph(_esc(explanation), styles.cell if flag.explanation else styles.small),
            ]
        )
    widths = [3.2 * cm, 2.6 * cm, 6.5 * cm, 2.4 * cm, 2.4 * cm]
    flow.append(_table(rows, [*widths, WIDTH - sum(widths)]))
    if content.more_exceptions:
        more = t("more_exceptions", lang, n=content.more_exceptions)
        flow.append(Paragraph(_esc(more), styles.small))
    return flow


def _figure(value: float | None, unit: str, lang: str) -> str:
    return "" if value is None else figure_text(value, unit, lang)


def service_page(
    content: PackContent, page: ServicePage, styles: Styles, headed: Headed
) -> list[Flowable]:
    """The service's indicators: value, target, status, a bullet, the 12-month line."""
    lang = content.lang
    title = t("service_title", lang, name=page.name)
    flow: list[Flowable] = [Section(title, headed), Paragraph(_esc(title), styles.h1)]
    if page.subtitle:
        flow.append(Paragraph(_esc(page.subtitle), styles.small))
    status_line = t("service_status", lang, status="\x00")
    flow.append(
        Paragraph(_esc(status_line).replace("\x00", badge_markup(page.status, lang)), styles.body)
    )
    if page.explanation:
        flow.append(Paragraph(_esc(t("explained", lang, text=page.explanation)), styles.body))
    flow.append(Paragraph(_esc(t("indicators", lang, month=content.month_name)), styles.h2))
    if not page.indicators:
        return [*flow, Paragraph(_esc(t("no_indicators", lang)), styles.body)]
    head = ["col_indicator", "col_value", "col_target", "col_status", "col_against"]
    header = [Paragraph(_esc(t(k, lang)), styles.cell_bold) for k in head]
    header.append(Paragraph(_esc(t("trends", lang, month=content.month_name)), styles.cell_bold))
    rows: list[list[Any]] = [header]
    widths = [5.6 * cm, 2.3 * cm, 2.3 * cm, 3.8 * cm, 5.6 * cm]
    trend_width = WIDTH - sum(widths) - 0.4 * cm  # the cell's padding
    for line in page.indicators:
        name: list[Flowable] = [Paragraph(_esc(line.name), styles.cell_bold)]
        if line.explanation:
            name.append(Paragraph(_esc(line.explanation), styles.small))
        rows.append(
            [
                name,
                Paragraph(
                    _esc(figure_text(line.value, line.unit, lang, line.sources)), styles.cell
                ),
                Paragraph(_esc(figure_text(line.target, line.unit, lang)), styles.cell),
                [
                    Paragraph(
                        judged_markup(line.status, loaded(line.value, line.sources), lang),
                        styles.cell,
                    ),
                    *_note(line.sources, lang, styles),
                ],
                bullet_drawing(line, 5.2 * cm, 0.9 * cm),
                trend_drawing(content, line, trend_width, TREND_HEIGHT, styles.regular),
            ]
        )
    flow.append(_table(rows, [*widths, WIDTH - sum(widths)]))
    flow.append(Paragraph(_esc(t("bullet_legend", lang)), styles.small))
    return flow


def application_page(
    content: PackContent, page: ApplicationPage, styles: Styles, headed: Headed
) -> list[Flowable]:
    """The application's health: its status and reason, each dimension with its status."""
    lang = content.lang
    title = t("app_title", lang, name=page.name)
    flow: list[Flowable] = [Section(title, headed), Paragraph(_esc(title), styles.h1)]
    if page.subtitle:
        flow.append(Paragraph(_esc(page.subtitle), styles.small))
    status_line = _esc(t("app_status", lang, status="\x00"))
    flow.append(
        Paragraph(status_line.replace("\x00", badge_markup(page.status, lang)), styles.body)
    )
    if page.reason:
        flow.append(Paragraph(_esc(t("reason", lang, reason=page.reason)), styles.body))
    if page.explanation:
        flow.append(Paragraph(_esc(t("explained", lang, text=page.explanation)), styles.body))
    flow.append(Paragraph(_esc(t("dimensions", lang, month=content.month_name)), styles.h2))
    if not page.dimensions:
        return [*flow, Paragraph(_esc(t("no_health", lang)), styles.body)]
    head = ["col_dimension", "col_value", "col_status"]
    rows: list[list[Any]] = [[Paragraph(_esc(t(k, lang)), styles.cell_bold) for k in head]]
    for dim in page.dimensions:
        rows.append(
            [
                Paragraph(_esc(dim.label), styles.cell),
                Paragraph(_esc(figure_text(dim.value, dim.unit, lang, dim.sources)), styles.cell),
                [
                    Paragraph(
                        judged_markup(dim.status, loaded(dim.value, dim.sources), lang), styles.cell
                    ),
                    *_note(dim.sources, lang, styles),
                ],
            ]
        )
    flow.append(_table(rows, [8 * cm, 4 * cm, 5 * cm]))
    return flow


# --- the charts -----------------------------------------------------------------------------


def bullet_drawing(line: IndicatorLine, width: float, height: float) -> Drawing:
    """A bullet: grey bands where a value is off target, at risk, on target; a dark bar for the
    month's value, a black mark at the target (nothing to draw without a target)."""
    drawing = Drawing(width, height)
    scale = bullet_scale(line)
    if scale is None:
        return drawing
    x0, bar_w = 2.0, width - 4.0

    def at(value: float) -> float:
        return x0 + min(max(value / scale.top, 0.0), 1.0) * bar_w

    for band in scale.bands:
        start, end = at(band.start), at(band.end)
        drawing.add(_rect(start, 0, end - start, height, colors.HexColor(BAND_GREYS[band.status])))
    if scale.value is not None:
        drawing.add(_rect(x0, height * 0.35, at(scale.value) - x0, height * 0.3, INK))
    if scale.target is not None:
        x = at(scale.target)
        drawing.add(
            Line(x, height * 0.12, x, height * 0.88, strokeColor=colors.black, strokeWidth=2)
        )
    return drawing


def _rect(x: float, y: float, width: float, height: float, fill: colors.Color) -> Rect:
    """A filled rectangle without an outline (set after: the stubs type Rect's keywords
    wrongly)."""
    shape = Rect(x, y, width, height)
    shape.fillColor, shape.strokeColor = fill, None
    return shape


def trend_drawing(
    content: PackContent, line: IndicatorLine, width: float, height: float, font: str
) -> Drawing:
    """The indicator month by month (solid, with markers) against its target (dashed)."""
    drawing = Drawing(width, height)
    values = list(line.trend)
    if not values or all(v is None for v in values):
        return drawing
    chart = HorizontalLineChart()
    chart.x, chart.y = round(1.1 * cm), round(0.45 * cm)
    chart.width, chart.height = round(width - 1.3 * cm), round(height - 0.6 * cm)
    data: list[list[float | None]] = [values]
    if line.target is not None:
        data.append([line.target] * len(values))
    chart.data = data
    chart.joinedLines = 1
    chart.lines[0].strokeColor = INK
    chart.lines[0].strokeWidth = 1.2
    chart.lines[0].symbol = None
    if len(data) > 1:
        chart.lines[1].strokeColor = MUTED
        chart.lines[1].strokeDashArray = (3, 2)
    known = [v for row in data for v in row if v is not None]
    low, high = min(known), max(known)
    pad = (high - low) * 0.15 or abs(high) * 0.1 or 1.0
    chart.valueAxis.valueMin = min(0.0, low - pad) if low >= 0 and low - pad < 0 else low - pad
    chart.valueAxis.valueMax = high + pad
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 6
    decimals = 2 if line.unit == "ratio" else (0 if high - low >= 10 else 1)
    chart.valueAxis.labelTextFormat = lambda v: locale.number(v, decimals, content.lang)
    # every third month named: twelve labels in a small chart run into each other
    chart.categoryAxis.categoryNames = [
        m if i % 3 == 2 else "" for i, m in enumerate(content.months)
    ]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6
    drawing.add(chart)
    return drawing
