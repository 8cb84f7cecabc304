"""Building the monthly report: the Summary, a sheet per service and per application, the
Summary's links to them, saved atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from pmo_metrics.exports.report.applications import write_application
from pmo_metrics.exports.report.model import Report, application_names, service_names, t
from pmo_metrics.exports.report.services import write_service
from pmo_metrics.exports.report.sheets import Book
from pmo_metrics.exports.report.summary import write_contents, write_summary
from pmo_metrics.metrics.source import Filters, Source, sharing

Progress = Callable[[float, str], None]


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
    book = Book(report)
    book.wb.remove(cast(Worksheet, book.wb.active))  # a new workbook's one empty sheet
    services = service_names(source, report.catalog)
    applications = application_names(source, report.catalog)
    steps = 2 + len(services) + len(applications)

    tell(0.0, t("summary", lang))
    summary = book.sheet(t("summary", lang))
    write_summary(book, summary)
    links: list[tuple[str, str]] = []
    for i, service in enumerate(services, start=1):
        tell(i / steps, t("service_title", lang, name=service))
        links.append((t("service_title", lang, name=service), write_service(book, service)))
    for i, app in enumerate(applications, start=1 + len(services)):
        tell(i / steps, t("app_title", lang, name=app))
        links.append((t("app_title", lang, name=app), write_application(book, app)))
    write_contents(summary, links)
    book.close(summary, freeze=None)

    tell((steps - 1) / steps, t("saving", lang))
    save_workbook(book.wb, out)
    tell(1.0, t("done", lang, sheets=len(book.wb.sheetnames)))
    return ReportSummary(
        month=month,
        sheets=tuple(book.wb.sheetnames),
        services=tuple(services),
        applications=tuple(applications),
        charts=book.charts,
        no_data=tuple(book.no_data),
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
