"""Writing a readable, safe worksheet with openpyxl: titled tables, status cells, native charts.

:class:`SheetWriter` writes a sheet top to bottom (titles, notes, tables) and places each chart
to the right of the table it plots, referencing the table's own cells. Every value goes through
:func:`pmo_metrics.exports.safe.neutralise_text`, so no text cell can be read as a formula.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

import numpy as np
import pandas as pd
from openpyxl.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.legend import Legend
from openpyxl.chart.marker import DataPoint
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pmo_metrics.exports.safe import DATE_FORMAT, DATETIME_FORMAT, neutralise_text, xlsx_value
from pmo_metrics.headers import column_label
from pmo_metrics.locale import yes_no
from pmo_metrics.metrics import status

Chart = BarChart | LineChart  # the charts the report draws

# Number formats. Percentages are stored as the metrics give them (92.5 means 92.5 %).
PERCENT = '0.0"%"'
ONE_DECIMAL = "#,##0.0"
THOUSANDS = "#,##0"
RATIO = "0.00"
CHANGE = "+#,##0.0;-#,##0.0;0.0"

# Status colours (Okabe–Ito) from the status module; IBCS: actual solid, plan outlined, target
# dashed.
STATUS_FILL = {key: colour.lstrip("#") for key, colour in status.COLOURS.items()}
ACTUAL_COLOUR = "404040"
PLAN_COLOUR = "404040"
TARGET_COLOUR = "000000"
LINK_COLOUR = "0072B2"

TITLE_FONT = Font(size=16, bold=True)
HEADING_FONT = Font(size=12, bold=True, color=LINK_COLOUR)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")
HEADER_BORDER = Border(bottom=Side(style="thin", color="666666"))
NOTE_FONT = Font(italic=True, color="666666")
STATUS_FONT = Font(bold=True, color="000000")
WRAP = Alignment(wrap_text=True, vertical="top")
CHART_ROWS = 16  # rows a default-size chart (7.5 cm high) covers
CHART_COLS = 9  # columns a default-size chart (15 cm wide) covers
FIRST_COLUMN_WIDTH = 30  # titles and notes overflow to the right instead of widening column A
MAX_WIDTH = 50


@dataclass
class Block:
    """Where a table landed on its sheet, so that charts can reference its cells."""

    header_row: int
    first_row: int
    last_row: int
    columns: dict[str, int]  # column name -> sheet column number

    @property
    def last_col(self) -> int:
        return max(self.columns.values(), default=1)


def status_key(value: Any) -> str:
    """green / amber / red / grey for a status value (anything else or missing is grey)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return status.GREY
    key = str(value).strip().lower()
    return key if key in status.STATUSES else status.GREY


@dataclass
class SheetWriter:
    """Writes one sheet from top to bottom, status words in ``lang`` (en / es)."""

    ws: Worksheet
    lang: str = "en"
    row: int = 1
    widths: dict[int, float] = field(default_factory=dict)
    charts: int = 0

    def cell(self, row: int, col: int, value: Any, number_format: str | None = None) -> Cell:
        """Write one value: text neutralised and typed as text, numbers and dates formatted."""
        # Never a merged cell: the writer merges nothing it later writes to.
        cell = cast(Cell, self.ws.cell(row=row, column=col))
        cell.value = neutralise_text(xlsx_value(value))
        if isinstance(cell.value, str):
            cell.data_type = "s"
        elif isinstance(cell.value, datetime):
            midnight = cell.value.time() == datetime.min.time()
            cell.number_format = DATE_FORMAT if midnight else DATETIME_FORMAT
        elif isinstance(cell.value, date):
            cell.number_format = DATE_FORMAT
        elif number_format and isinstance(cell.value, int | float):
            cell.number_format = number_format
        self._measure(col, cell.value)
        return cell

    def _measure(self, col: int, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, float | int) and not isinstance(value, bool):
            width = len(f"{value:,.1f}") + 2
        elif isinstance(value, date):
            width = 11
        else:
            width = max((len(line) for line in str(value).splitlines()), default=0)
        self.widths[col] = max(self.widths.get(col, 0), width)

    def _line(self, text: str, font: Font) -> None:
        self.cell(self.row, 1, text).font = font
        self.widths[1] = min(self.widths.get(1, 0), FIRST_COLUMN_WIDTH)
        self.row += 1

    def title(self, text: str, subtitle: str | None = None) -> None:
        self._line(text, TITLE_FONT)
        if subtitle:
            self._line(subtitle, NOTE_FONT)
        self.row += 1

    def heading(self, text: str) -> None:
        self._line(text, HEADING_FONT)

    def note(self, text: str) -> None:
        self._line(text, NOTE_FONT)

    def gap(self) -> None:
        self.row += 1

    def header(self, labels: Sequence[str], first_col: int = 1) -> None:
        for col, label in enumerate(labels, start=first_col):
            cell = self.cell(self.row, col, label)
            cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, HEADER_BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        self.row += 1

    def table(
        self,
        frame: pd.DataFrame,
        *,
        formats: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Block:
        """Write ``frame`` under a header row; ``status`` columns coloured and worded, yes/no
        values as the language's words."""
        formats, headers = formats or {}, headers or {}
        header_row = self.row
        columns = {name: i for i, name in enumerate(frame.columns, start=1)}
        self.header(
            [
                headers[name] if name in headers else column_label(name, self.lang)
                for name in frame.columns
            ]
        )
        statuses = {name for name in frame.columns if is_status_column(frame[name])}
        for values in frame.itertuples(index=False, name=None):
            for name, value in zip(frame.columns, values, strict=True):
                if name in statuses:
                    self.status_cell(self.row, columns[name], value)
                elif isinstance(value, bool | np.bool_):
                    # Excel shows a boolean as TRUE / FALSE, in English whatever the reader's
                    # language; a forwarded report reads "Yes" / "Sí" instead.
                    self.cell(self.row, columns[name], yes_no(bool(value), self.lang))
                else:
                    fmt = formats.get(name) or column_format(name)
                    self.cell(self.row, columns[name], value, fmt)
            self.row += 1
        return Block(header_row, header_row + 1, header_row + len(frame), columns)

    def status_cell(self, row: int, col: int, value: Any) -> Cell:
        """The status as icon and word on its Okabe–Ito colour (never colour alone)."""
        key = status_key(value)
        cell = self.cell(row, col, status.badge(key, self.lang))
        cell.fill = PatternFill("solid", fgColor=STATUS_FILL[key])
        cell.font = STATUS_FONT
        return cell

    def chart(self, chart: Chart, block: Block, *, slot: int = 0) -> None:
        """Place ``chart`` to the right of ``block`` (``slot``: how many charts precede it)."""
        col = block.last_col + 2 + slot * CHART_COLS
        self.ws.add_chart(chart, f"{get_column_letter(col)}{block.header_row}")
        self.charts += 1
        self.row = max(self.row, block.header_row + CHART_ROWS + 1)

    def finish(self, freeze: str | None = None) -> None:
        """Column widths from the content; rows above ``freeze`` stay in view when scrolling."""
        for col, width in self.widths.items():
            letter = get_column_letter(col)
            self.ws.column_dimensions[letter].width = min(MAX_WIDTH, max(9, width + 2))
        if freeze:
            self.ws.freeze_panes = freeze


_MONEY = {"budget", "actual", "pv", "ev", "ac", "bac", "eac", "etc", "vac", "cv", "sv"}
_COUNTS = {"items", "tickets", "met_sla", "resolved", "unjudged", "open_tickets", "risks"}


def column_format(name: str, unit: str | None = None) -> str | None:
    """The number format of a metric column, from its name, else from the metric's unit."""
    lowered = str(name).lower()
    if lowered.endswith("_pct") or unit == "%":
        return PERCENT
    if lowered.endswith(("_ratio", "_cv")) or lowered in ("cpi", "spi", "tcpi") or unit == "ratio":
        return RATIO
    if lowered in _MONEY or unit == "EUR":
        return THOUSANDS
    if lowered in _COUNTS or lowered.endswith("_items") or unit in ("items", "tickets"):
        return THOUSANDS
    if lowered.endswith(("_points", "_days", "_hours", "hours")) or unit in ("pts", "days", "h"):
        return ONE_DECIMAL
    return None


def unit_format(unit: str) -> str:
    return column_format("", unit) or ONE_DECIMAL


def is_status_column(column: pd.Series) -> bool:
    """A ``status`` / ``*_status`` column holding green / amber / red / grey (not, say, a
    risk's open / closed)."""
    name = str(column.name)
    if name != "status" and not name.endswith("_status"):
        return False
    return cast(bool, column.dropna().astype(str).str.lower().isin(status.STATUSES).all())


def status_number_format(fmt: str | None, key: str) -> str:
    """``fmt`` with the status icon written before the number (``✓ 92.5%``), so that a
    coloured number never relies on colour alone."""
    icon = status.icon(key)
    return f'"{icon} "{fmt or "General"}'


def colour_by_status(cell: Cell, key: str) -> None:
    """Fill ``cell`` with the status colour and prefix its number with the status icon."""
    cell.fill = PatternFill("solid", fgColor=STATUS_FILL[key])
    cell.font = STATUS_FONT
    if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
        fmt = None if cell.number_format == "General" else cell.number_format
        cell.number_format = status_number_format(fmt, key)


# --- native charts ----------------------------------------------------------------------------


def line_chart(
    ws: Worksheet,
    block: Block,
    category: str,
    actual: str,
    *,
    target: str | None = None,
    title: str,
) -> LineChart:
    """The actual as a solid line and the target as a dashed line (IBCS), time left to right."""
    chart = LineChart()
    chart.title = title
    cast(Legend, chart.legend).position = "b"  # a new chart has its legend
    _add_series(chart, ws, block, actual)
    line = chart.series[-1].graphicalProperties.line
    line.solidFill, line.width = ACTUAL_COLOUR, 28575  # 2.25 pt
    if target:
        _add_series(chart, ws, block, target)
        line = chart.series[-1].graphicalProperties.line
        line.solidFill, line.dashStyle = TARGET_COLOUR, "dash"
    chart.set_categories(_reference(ws, block, category, with_header=False))
    _show_axes(chart)
    return chart


def bar_chart(
    ws: Worksheet,
    block: Block,
    category: str,
    series: Sequence[str],
    *,
    title: str,
    plan: str | None = None,
) -> BarChart:
    """Columns per category: the ``plan`` series outlined, the actuals solid (IBCS)."""
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.legend.position = "b"
    for name in series:
        _add_series(chart, ws, block, name)
        props = chart.series[-1].graphicalProperties
        props.line.solidFill = PLAN_COLOUR if name == plan else ACTUAL_COLOUR
        if name == plan:
            props.noFill = True
        else:
            props.solidFill = ACTUAL_COLOUR
    chart.set_categories(_reference(ws, block, category, with_header=False))
    _show_axes(chart)
    return chart


def colour_bars(chart: BarChart, colours: Sequence[str]) -> None:
    """Fill each bar of the chart's last series with its own colour (a status' colour for
    the applications in that status): the one meaning of those colours on every page."""
    series = chart.series[-1]
    for i, colour in enumerate(colours):
        point = DataPoint(idx=i)
        point.graphicalProperties.solidFill = colour
        point.graphicalProperties.line.solidFill = colour
        series.dPt.append(point)


def count_axis(chart: Chart, largest: int) -> None:
    """Whole numbers on the value axis, from 0, about five ticks (a count has no halves)."""
    chart.y_axis.number_format = "0"
    chart.y_axis.scaling.min = 0
    chart.y_axis.majorUnit = max(1, math.ceil(largest / 5))


def _show_axes(chart: Chart) -> None:
    # openpyxl 3.1 writes axes as deleted unless told otherwise; Excel then hides them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def _reference(ws: Worksheet, block: Block, column: str, *, with_header: bool) -> Reference:
    col = block.columns[column]
    first = block.header_row if with_header else block.first_row
    return Reference(ws, min_col=col, max_col=col, min_row=first, max_row=block.last_row)


def _add_series(chart: Chart, ws: Worksheet, block: Block, column: str) -> None:
    chart.add_data(_reference(ws, block, column, with_header=True), titles_from_data=True)
