"""The monthly report: one .xlsx a sponsor can forward, written with openpyxl.

Sheets: a Summary (key figures per pillar against the previous month, the services scorecard,
portfolio health with the reason for each colour, the top risks, links to the other sheets),
one sheet per service (its indicators against their targets over the 12 months to the report
month, SLA by priority, tickets, effort, its applications) and one per application (health,
delivery, flow, incidents, cost and earned value, risks). Charts are native Excel charts over
the sheet's own cells.

Every number comes from the metric registry, with its label, unit and definition; a metric that
cannot be computed writes ``no data: <why>`` instead of failing the report. Every text cell is
neutralised against formula injection (see :mod:`pmo_metrics.exports.safe`).
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from pmo_metrics import locale
from pmo_metrics.evaluation import (
    PILLARS,
    Card,
    Headline,
    MetricResult,
    Scope,
    card,
    metric_headline,
    monthly_headlines,
    run_metric,
)
from pmo_metrics.evaluation import metric as find_metric
from pmo_metrics.exports.safe import safe_sheet_title
from pmo_metrics.exports.workbook import (
    CHANGE,
    LINK_COLOUR,
    NOTE_FONT,
    WRAP,
    Block,
    SheetWriter,
    bar_chart,
    colour_by_status,
    line_chart,
    status_key,
    unit_format,
)
from pmo_metrics.locale import month_name as month_label  # the report names months in full
from pmo_metrics.locale import short_month
from pmo_metrics.metrics import status
from pmo_metrics.metrics.plan import month_filters, monthly_plan, split_table
from pmo_metrics.metrics.registry import Metric, MissingData, get
from pmo_metrics.metrics.risks import TOP_RISKS, top_open_risks
from pmo_metrics.metrics.source import Filters, Source, sharing
from pmo_metrics.periods import month_keys, months_back, shift_month

Progress = Callable[[float, str], None]
TREND_MONTHS = 12
INDICATOR_CHARTS = 3  # side by side next to the trend table; the table holds every indicator

# The Summary's key figures are each pillar's headline numbers, pmo_metrics.evaluation.PILLARS.
# A catalog target judges a portfolio-wide figure only for rates and averages: a target for one
# service's velocity says nothing about the sum over every team.
JUDGED_UNITS = ("%", "ratio", "days", "h")
# What an application sheet shows of the velocity table.
VELOCITY_VIEW = ("team", "sprint", "start_date", "end_date", "committed_points",
                 "completed_points", "say_do_ratio", "carry_over_points")  # fmt: skip

# The catalog and portfolio tables a report reads whole, once.
CATALOG = ("services", "applications")
RISK_VIEW = ("risk_id", "title", "application", "service", "probability", "impact", "score",
             "band", "owner", "mitigation_due", "overdue")  # fmt: skip
# The report's text, month names and column headers are in pmo_metrics.locale (shared with the
# dashboard); its month arithmetic is pmo_metrics.periods'.


def t(key: str, lang: str, **values: object) -> str:
    """The report's text ``key`` in ``lang``: ``report.<key>`` of the locale's one table."""
    return locale.t(f"report.{key}", lang, **values)


def trend_months(month: str, count: int = TREND_MONTHS) -> list[str]:
    """The ``count`` months ending with ``month``, oldest first."""
    return months_back(month, count)


def _number(value: Any) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


# --- what the report holds --------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSummary:
    """What a report holds, for the page and the command line to tell the user."""

    month: str
    sheets: tuple[str, ...]
    services: tuple[str, ...]
    applications: tuple[str, ...]
    charts: int
    no_data: tuple[str, ...]  # "sheet: section: why" for each section without data

    def text(self) -> str:
        gaps = f"; {len(self.no_data)} sections without data" if self.no_data else ""
        return (
            f"report for {self.month}: {len(self.sheets)} sheets ({len(self.services)} services, "
            f"{len(self.applications)} applications), {self.charts} charts{gaps}"
        )


@dataclass
class Report:
    """One report being written: its inputs, the workbook, and what had no data."""

    source: Source
    month: str
    lang: str
    wb: Workbook = field(default_factory=Workbook)
    no_data: list[str] = field(default_factory=list)
    charts: int = 0
    _runs: dict[tuple[str, Scope], MetricResult] = field(default_factory=dict)

    @property
    def month_name(self) -> str:
        return month_label(self.month, self.lang)

    @property
    def months(self) -> list[str]:
        return trend_months(self.month)

    def filters(self, period: str | None = None, **scope: str | None) -> Scope:
        """The scope of the report month (or ``period``) with the given filters."""
        return Scope(period or self.month, **scope)

    def window(self, **scope: str | None) -> Scope:
        """The 12 months to the report month."""
        return self.filters(f"{self.months[0]}:{self.month}", **scope)

    def to_date(self, **scope: str | None) -> Scope:
        """Everything up to the end of the report month (cumulative figures)."""
        return self.filters(f":{self.month}", **scope)

    def run(self, name: str, scope: Scope) -> MetricResult:
        """The metric's table; each (metric, scope) is computed once per report, a service's
        or an application's from the whole portfolio's where the metric's plan says how
        (:func:`pmo_metrics.metrics.plan.split_table`: one query serves every sheet)."""
        key = (name, scope)
        if key not in self._runs:
            self._runs[key] = self._compute(name, scope)
        return self._runs[key]

    def _compute(self, name: str, scope: Scope) -> MetricResult:
        try:
            frame = split_table(self.source, name, scope.filters())
        except MissingData as exc:
            return MetricResult(pd.DataFrame(columns=list(get(name).columns)), str(exc))
        return run_metric(self.source, name, scope) if frame is None else MetricResult(frame)

    def value(self, name: str, scope: Scope) -> Headline:
        """The metric's headline number (None when the selection has no rows)."""
        return metric_headline(self.run, name, scope)

    def monthly(self, name: str, months: Sequence[str], **scope: str | None) -> dict[str, Headline]:
        """The headline number of each of ``months`` (consecutive, oldest first), see
        :func:`pmo_metrics.evaluation.monthly_headlines`; in one query where the metric has a
        monthly plan (:func:`pmo_metrics.metrics.plan.monthly_plan`)."""
        m = find_metric(name)
        by_month = monthly_plan(name) if m is not None and "month" not in m.columns else None
        if by_month is None:
            return monthly_headlines(self.run, name, self.filters(**scope), months)
        filters = month_filters(months, self.filters(**scope).filters())
        try:
            values = by_month(self.source, filters, months)
        except MissingData as exc:
            return {month: Headline(None, str(exc)) for month in months}
        return {month: Headline(values.get(month)) for month in months}

    # --- the catalog and portfolio, read once per report ---

    @functools.cached_property
    def indicators(self) -> pd.DataFrame:
        """Every service's indicators (see :func:`indicators_of`)."""
        return indicators_of(self.source)

    def indicators_of(self, service: str) -> pd.DataFrame:
        """The service's indicators, as :func:`indicators_of` gives them."""
        every = self.indicators
        return every[(every["service"] == service).to_numpy(dtype=bool)].reset_index(drop=True)

    @functools.cached_property
    def _tables(self) -> dict[str, pd.DataFrame]:
        return {name: self.source.execute(self.source.table(name)) for name in CATALOG}

    def record(self, table: str, key: str, name: str) -> dict[str, Any]:
        """As :func:`record`, from the table read once."""
        frame = self._tables[table]
        rows = frame[(frame[key] == name).to_numpy(dtype=bool)]
        if rows.empty:
            return {}
        return {k: v for k, v in rows.iloc[0].to_dict().items() if _present(v)}

    def applications_of_service(self, service: str) -> list[str]:
        """The portfolio's applications of ``service``, in the portfolio's order."""
        apps = self._tables["applications"]
        return [
            app
            for app, services in zip(apps["application"], apps["services"], strict=True)
            if services is not None and not isinstance(services, float) and service in services
        ]

    # --- writing ---

    def sheet(self, title: str) -> SheetWriter:
        return SheetWriter(self.wb.create_sheet(unique_title(self.wb, title)), self.lang)

    def close(self, writer: SheetWriter, freeze: str | None = "A4") -> None:
        writer.finish(freeze)
        self.charts += writer.charts

    def missing(self, w: SheetWriter, section: str, why: str) -> None:
        w.note(t("no_data", self.lang, why=why))
        self.no_data.append(f"{w.ws.title}: {section}: {why}")

    def section(
        self,
        w: SheetWriter,
        heading: str,
        computed: MetricResult,
        *,
        view: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    ) -> Block | None:
        """A heading and a metric's table (or its ``no data`` line); the block written."""
        w.heading(heading)
        block = None
        if computed.missing:
            self.missing(w, heading, computed.missing)
        else:
            frame = view(computed.frame) if view else computed.frame
            if frame.empty:
                w.note(t("no_rows", self.lang, month=self.month_name))
            else:
                block = w.table(frame)
        w.gap()
        return block


def unique_title(wb: Workbook, title: str) -> str:
    """A valid sheet title not yet used in ``wb`` (long names are cut, repeats numbered)."""
    base = safe_sheet_title(title)
    taken = {name.lower() for name in wb.sheetnames}
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    return name


# --- the report -------------------------------------------------------------------------------


def build_report(
    source: Source,
    month: str,
    out: Path | str | BinaryIO,
    *,
    progress: Progress | None = None,
    lang: str = "en",
) -> ReportSummary:
    """Write the monthly report of ``month`` (``YYYY-MM``) to ``out`` (a path or binary file).

    ``progress(fraction, text)`` is told before each sheet. A section whose metric cannot be
    computed says ``no data: <why>``; the returned summary lists those sections.
    """
    Filters.from_period(month)  # refuses anything but YYYY-MM, before any work
    with sharing():  # one state of the store: the sheets share the metrics' building blocks
        return _write_report(source, month, out, progress, lang)


def _write_report(
    source: Source,
    month: str,
    out: Path | str | BinaryIO,
    progress: Progress | None,
    lang: str,
) -> ReportSummary:
    lang = "es" if lang == "es" else "en"
    tell = progress or (lambda fraction, text: None)
    report = Report(source, month, lang)
    report.wb.remove(report.wb.active)
    services = service_names(source)
    applications = application_names(source)
    steps = 2 + len(services) + len(applications)

    tell(0.0, t("summary", lang))
    summary = report.sheet(t("summary", lang))
    write_summary(report, summary)
    links: list[tuple[str, str]] = []
    for i, service in enumerate(services, start=1):
        tell(i / steps, t("service_title", lang, name=service))
        links.append((t("service_title", lang, name=service), write_service(report, service)))
    for i, app in enumerate(applications, start=1 + len(services)):
        tell(i / steps, t("app_title", lang, name=app))
        links.append((t("app_title", lang, name=app), write_application(report, app)))
    write_contents(summary, links)
    report.close(summary, freeze=None)

    tell((steps - 1) / steps, t("saving", lang))
    save_workbook(report.wb, out)
    tell(1.0, t("done", lang, sheets=len(report.wb.sheetnames)))
    return ReportSummary(
        month=month,
        sheets=tuple(report.wb.sheetnames),
        services=tuple(services),
        applications=tuple(applications),
        charts=report.charts,
        no_data=tuple(report.no_data),
    )


def save_workbook(wb: Workbook, out: Path | str | BinaryIO) -> None:
    """Save to a file object, or to a path atomically (no reader ever sees half a file)."""
    if not isinstance(out, str | os.PathLike):
        wb.save(out)
        return
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def service_names(source: Source) -> list[str]:
    """Catalog services and any service indicators or tickets name, in name order."""
    names: set[str] = set()
    for table in ("services", "indicators", "tickets"):
        names |= _distinct(source, source.table(table), "service")
    return sorted(names, key=str.casefold)


def application_names(source: Source) -> list[str]:
    """Portfolio applications and whatever else work items and tickets resolve to (a Jira
    project or configuration item the portfolio does not map), in name order."""
    names = _distinct(source, source.table("applications"), "application")
    # what the work items and tickets resolve to, as portfolio health lists them (shared)
    names |= {str(v) for v in source.data_applications() if str(v).strip()}
    return sorted(names, key=str.casefold)


def _distinct(source: Source, table, column: str) -> set[str]:
    values = source.execute(table.select(column).distinct())[column]
    return {str(v) for v in values.dropna() if str(v).strip()}


def record(source: Source, table: str, key: str, name: str) -> dict[str, Any]:
    """The catalog or portfolio record of ``name`` without its empty fields ({} if none)."""
    expr = source.table(table)
    frame = source.execute(expr.filter(expr[key] == name).limit(1))
    if frame.empty:
        return {}
    return {k: v for k, v in frame.iloc[0].to_dict().items() if _present(v)}


def _present(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if hasattr(value, "__len__"):
        return len(value) > 0
    return value is not None and not pd.isna(value)


def indicators_of(source: Source, service: str | None = None) -> pd.DataFrame:
    """The catalog's indicators. Columns: service, indicator, metric, target, direction,
    amber_threshold."""
    table = source.table("indicators")
    if service is not None:
        table = table.filter(table.service == service)
    columns = ["service", "indicator", "metric", "target", "direction", "amber_threshold"]
    return source.execute(table.select(*columns).order_by(["service", "indicator"]))


# --- Summary ----------------------------------------------------------------------------------


def write_summary(report: Report, w: SheetWriter) -> None:
    lang = report.lang
    when = datetime.now().strftime("%Y-%m-%d %H:%M")
    w.title(f"{t('title', lang)}: {report.month_name}", t("generated", lang, when=when))
    write_key_figures(report, w)
    write_scorecard(report, w)
    write_health(report, w, t("health", lang, month=report.month_name))
    write_risks(report, w, t("top_risks", lang, month=report.month_name), TOP_RISKS)


@dataclass(frozen=True)
class KeyFigure:
    pillar: str
    metric: Metric
    card: Card  # the month against the month before, as the dashboard's KPI card
    target: float | None
    status: str | None


def key_figures(report: Report) -> list[KeyFigure]:
    """Each pillar's headline metrics this month and the month before, judged where the
    catalog gives every service the same target for that metric."""
    indicators = report.indicators
    figures = []
    for pillar, names in PILLARS.items():
        for name in names:
            metric = find_metric(name)
            # Every month counts as loaded: the previous month's figure is shown as computed.
            figure = card(report.run, name, report.filters(), None)
            if metric is None or figure is None:
                continue
            target, amber = common_target(indicators, name)
            judged = target is not None and metric.unit in JUDGED_UNITS
            figures.append(
                KeyFigure(
                    pillar=t(pillar, report.lang),
                    metric=metric,
                    card=figure,
                    target=target if judged else None,
                    status=status.judge(figure.value, target, metric.direction, amber)
                    if judged
                    else None,
                )
            )
    return figures


def variance_colour(change: float, direction: str) -> str:
    """IBCS: a change for the better green, for the worse red, judged by the metric's
    direction; grey where neither way is better."""
    if direction not in ("higher", "lower"):
        return "666666"
    better = change > 0 if direction == "higher" else change < 0
    return (status.COLOURS[status.GREEN] if better else status.COLOURS[status.RED]).lstrip("#")


def common_target(indicators: pd.DataFrame, metric: str) -> tuple[float | None, float | None]:
    """The catalog's target and amber threshold for ``metric``, if every service agrees."""
    rows = indicators[indicators["metric"] == metric]
    pairs = {(_number(r.target), _number(r.amber_threshold)) for r in rows.itertuples()}
    return pairs.pop() if len(pairs) == 1 else (None, None)


def write_key_figures(report: Report, w: SheetWriter) -> None:
    lang = report.lang
    heading = t("key_figures", lang, month=report.month_name)
    w.heading(heading)
    figures = key_figures(report)
    if not figures:
        report.missing(w, heading, "no metric is registered")
        return
    w.header(
        [
            t("pillar", lang),
            t("indicator", lang),
            t("value", lang),
            t("unit", lang),
            month_label(shift_month(report.month, -1), lang),
            t("change", lang),
            t("target", lang),
            t("status", lang),
            t("definition", lang),
        ]
    )
    for figure in figures:
        metric, fmt, row = figure.metric, unit_format(figure.metric.unit), w.row
        w.cell(row, 1, figure.pillar)
        w.cell(row, 2, metric.label)
        definition, numbers = metric.definition, figure.card
        if numbers.missing:
            w.cell(row, 3, status.badge(status.GREY, lang)).font = NOTE_FONT
            definition = f"{t('no_data', lang, why=numbers.missing)}\n{definition}"
            report.no_data.append(f"{w.ws.title}: {metric.label}: {numbers.missing}")
        else:
            w.cell(row, 3, numbers.value, fmt)
        w.cell(row, 4, metric.unit)
        w.cell(row, 5, numbers.previous, fmt)
        change = w.cell(row, 6, numbers.change, CHANGE)
        if numbers.change:
            change.font = Font(color=variance_colour(numbers.change, metric.direction))
        w.cell(row, 7, figure.target, fmt)
        if figure.status is not None:
            w.status_cell(row, 8, figure.status)
        w.cell(row, 9, definition).alignment = WRAP
        w.row += 1
    w.widths[9] = 60
    w.gap()


SCORECARD_VIEW = ("service", "indicator", "value", "unit", "target", "status")


def write_scorecard(report: Report, w: SheetWriter, service: str | None = None) -> None:
    """The catalog scorecard of the month (one service's indicators, or every service's)."""
    lang = report.lang
    heading = t(
        "scorecard" if service is None else "indicators_month", lang, month=report.month_name
    )
    # Each indicator is judged on its own service's data, so one run serves every sheet.
    computed = report.run("scorecard", report.filters())
    if service is None:
        view = scorecard_view
    else:

        def view(frame: pd.DataFrame) -> pd.DataFrame:
            return scorecard_view(frame[frame["service"] == service]).drop(columns="service")

    block = report.section(w, heading, computed, view=view)
    if block is not None:
        shown = view(computed.frame)
        for r, unit in zip(range(block.first_row, block.last_row + 1), shown["unit"], strict=True):
            for name in ("value", "target"):
                cell = w.ws.cell(row=r, column=block.columns[name])
                cell.number_format = unit_format(unit or "")


def scorecard_view(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[list(SCORECARD_VIEW)]


def write_health(
    report: Report, w: SheetWriter, heading: str, applications: Sequence[str] | None = None
) -> None:
    """Portfolio health of the month: each application's status, the reason for its colour,
    and every dimension's value coloured by its own status."""
    # An application's health depends only on its own data and the period, so one run of the
    # whole portfolio serves the Summary, every service and every application.
    computed = report.run("portfolio-health", report.filters())
    if not computed.missing and applications is not None:
        frame = computed.frame[computed.frame["application"].isin(list(applications))]
        computed = MetricResult(frame)
    block = report.section(w, heading, computed, view=health_view)
    if block is None:
        return
    frame = computed.frame.reset_index(drop=True)
    for dimension in health_dimensions(frame):
        col = block.columns[dimension]
        for i, key in enumerate(frame[f"{dimension}_status"]):
            colour_by_status(w.ws.cell(row=block.first_row + i, column=col), status_key(key))


def health_dimensions(frame: pd.DataFrame) -> list[str]:
    """The dimension columns of a portfolio-health table (those with a ``_status`` twin)."""
    return [c for c in frame.columns if f"{c}_status" in frame.columns]


def health_view(frame: pd.DataFrame) -> pd.DataFrame:
    """application, status, reason, then each dimension's value."""
    return frame[["application", "status", "reason", *health_dimensions(frame)]]


def write_risks(
    report: Report, w: SheetWriter, heading: str, limit: int | None, **scope: str | None
) -> None:
    """The open risks, most important first, at most ``limit`` (all with None), in the columns
    a sponsor reads (the register itself is on the Risks page)."""
    report.section(
        w,
        heading,
        report.run("risks", report.filters(**scope)),
        view=lambda frame: top_open_risks(frame, limit)[list(RISK_VIEW)],
    )


def write_contents(w: SheetWriter, links: Sequence[tuple[str, str]]) -> None:
    """A link to every other sheet, at the end of the Summary."""
    w.heading(t("contents", w.lang))
    for text, sheet in links:
        cell = w.cell(w.row, 1, text)
        cell.hyperlink = f"#'{sheet}'!A1"
        cell.font = Font(color=LINK_COLOUR, underline="single")
        w.row += 1


# --- a sheet per service ----------------------------------------------------------------------


def write_service(report: Report, service: str) -> str:
    """The service's sheet; its title."""
    lang = report.lang
    w = report.sheet(t("service_sheet", lang, name=service))
    info = report.record("services", "service", service)
    subtitle = " · ".join(str(info[k]) for k in ("description", "state") if k in info)
    w.title(t("service_title", lang, name=service), subtitle or None)
    write_indicators(report, w, service)
    heading = t("sla_by_priority", lang, month=report.month_name)
    report.section(w, heading, report.run("sla-by-priority", report.filters(service=service)))
    write_sla_trend(report, w, t("tickets_trend", lang, month=report.month_name), service=service)
    heading = t("effort", lang, month=report.month_name)
    report.section(w, heading, report.run("effort", report.filters(service=service)))
    write_service_applications(report, w, service)
    report.close(w)
    return w.ws.title


def indicator_trend(report: Report, indicators: pd.DataFrame) -> pd.DataFrame:
    """Month by month over the window: each indicator's value and its target (for charts).

    Columns: month, then per indicator ``<indicator>`` and ``<indicator> · target``.
    """
    table: dict[str, list[Any]] = {"month": [short_month(m, report.lang) for m in report.months]}
    for ind in indicators.itertuples(index=False):
        values = report.monthly(ind.metric, report.months, service=ind.service)
        table[ind.indicator] = [values[m].value for m in report.months]
        table[target_column(ind.indicator, report.lang)] = [_number(ind.target)] * TREND_MONTHS
    return pd.DataFrame(table)


def target_column(indicator: str, lang: str) -> str:
    return f"{indicator} · {t('target', lang).lower()}"


def write_indicators(report: Report, w: SheetWriter, service: str) -> None:
    """The service's indicators this month (the scorecard), then month by month with charts."""
    lang = report.lang
    indicators = report.indicators_of(service)
    if indicators.empty:
        heading = t("indicators_month", lang, month=report.month_name)
        w.heading(heading)
        report.missing(w, heading, t("no_indicators", lang))
        w.gap()
        return
    write_scorecard(report, w, service)
    w.heading(t("indicators_trend", lang, month=report.month_name))
    trend = indicator_trend(report, indicators)
    block = w.table(trend)
    units = {ind.indicator: _unit(ind.metric) for ind in indicators.itertuples(index=False)}
    for name, col in block.columns.items():
        fmt = unit_format(units.get(name.split(" · ")[0]) or "")
        for r in range(block.first_row, block.last_row + 1):
            w.ws.cell(row=r, column=col).number_format = fmt
    for slot, ind in enumerate(indicators["indicator"][:INDICATOR_CHARTS]):
        chart = line_chart(
            w.ws,
            block,
            "month",
            ind,
            target=target_column(ind, lang),
            title=f"{ind}, {units.get(ind) or ''}",
        )
        w.chart(chart, block, slot=slot)
    w.gap()


def _unit(metric_name: str) -> str | None:
    metric = find_metric(metric_name)
    return metric.unit if metric else None


def write_sla_trend(report: Report, w: SheetWriter, heading: str, **scope: str | None) -> None:
    """SLA compliance month by month over the window, against the service's target."""
    lang = report.lang
    computed = report.run("sla-compliance", report.window(**scope))
    w.heading(heading)
    if computed.missing:
        report.missing(w, heading, computed.missing)
        w.gap()
        return
    monthly = monthly_sla(computed.frame, report.months)
    monthly["month"] = [short_month(m, lang) for m in monthly["month"]]
    target = sla_target(report, scope.get("service"))
    if target is not None:
        monthly["target_pct"] = target
    block = w.table(monthly)
    metric = find_metric("sla-compliance")
    chart = line_chart(
        w.ws,
        block,
        "month",
        "compliance_pct",
        target="target_pct" if target is not None else None,
        title=f"{metric.label}, %",
    )
    w.chart(chart, block)
    w.gap()


def monthly_sla(frame: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """The sla-compliance table summed over the services in scope, one row per month.

    Columns: month (YYYY-MM), tickets, met_sla, compliance_pct (empty without tickets).
    """
    data = frame.assign(month=month_keys(frame["month"]) if len(frame) else frame["month"])
    sums = data.groupby("month")[["tickets", "met_sla"]].sum()
    out = pd.DataFrame({"month": months}).join(sums, on="month")
    out[["tickets", "met_sla"]] = out[["tickets", "met_sla"]].fillna(0).astype(int)
    pct = out["met_sla"] / out["tickets"].where(out["tickets"] > 0) * 100
    out["compliance_pct"] = pct.astype(float)
    return out


def sla_target(report: Report, service: str | None) -> float | None:
    """The service's SLA compliance target, if the catalog gives exactly one."""
    if service is None:
        return None
    rows = report.indicators_of(service)
    targets = rows[rows["metric"] == "sla-compliance"]["target"]
    return _number(targets.iloc[0]) if len(targets) == 1 else None


def write_service_applications(report: Report, w: SheetWriter, service: str) -> None:
    heading = t("applications", report.lang, month=report.month_name)
    apps = report.applications_of_service(service)
    if not apps:
        w.heading(heading)
        report.missing(w, heading, t("no_applications", report.lang))
        return
    write_health(report, w, heading, apps)


# --- a sheet per application ------------------------------------------------------------------


def write_application(report: Report, app: str) -> str:
    """The application's sheet; its title."""
    lang = report.lang
    w = report.sheet(t("app_sheet", lang, name=app))
    info = report.record("applications", "application", app)
    parts = [", ".join(map(str, info["services"]))] if "services" in info else []
    parts += [str(info[k]) for k in ("criticality", "owner", "lifecycle") if k in info]
    w.title(t("app_title", lang, name=app), " · ".join(parts) or None)
    heading = t("app_health", lang, month=report.month_name)
    write_health(report, w, heading, [app])
    write_delivery(report, w, app)
    write_throughput(report, w, app)
    heading = t("lead_time", lang, month=report.month_name)
    report.section(w, heading, report.run("lead-time", report.filters(application=app)))
    write_sla_trend(report, w, t("incidents", lang, month=report.month_name), application=app)
    heading = t("cost", lang, month=report.month_name)
    report.section(w, heading, report.run("earned-value", report.to_date(application=app)))
    heading = t("budget", lang, month=report.month_name)
    report.section(w, heading, report.run("budget-variance", report.filters(application=app)))
    write_risks(report, w, t("risks", lang, month=report.month_name), None, application=app)
    report.close(w)
    return w.ws.title


def write_delivery(report: Report, w: SheetWriter, app: str) -> None:
    """Committed against completed points per sprint, as columns (committed outlined)."""
    heading = t("delivery", report.lang, month=report.month_name)
    computed = report.run("velocity", report.window(application=app))
    block = report.section(w, heading, computed, view=lambda f: f[list(VELOCITY_VIEW)])
    if block is not None:
        metric = find_metric("velocity")
        chart = bar_chart(
            w.ws,
            block,
            "sprint",
            ["committed_points", "completed_points"],
            plan="committed_points",
            title=f"{metric.label}, {metric.unit}",
        )
        w.chart(chart, block)


def write_throughput(report: Report, w: SheetWriter, app: str) -> None:
    """Items done per month over the window, as columns."""
    heading = t("flow", report.lang, month=report.month_name)
    values = report.monthly("throughput", report.months, application=app)
    missing = next((c.missing for c in values.values() if c.missing), None)
    w.heading(heading)
    if missing:
        report.missing(w, heading, missing)
        w.gap()
        return
    metric = find_metric("throughput")
    frame = pd.DataFrame(
        {
            "month": [short_month(m, report.lang) for m in report.months],
            "items": [int(values[m].value or 0) for m in report.months],
        }
    )
    block = w.table(frame)
    chart = bar_chart(w.ws, block, "month", ["items"], title=f"{metric.label}, {metric.unit}")
    w.chart(chart, block)
    w.gap()
