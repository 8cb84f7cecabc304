"""Sending the published month's steering pack to the distribution list (``python -m
pmo_metrics distribute``).

The pack is :func:`pmo_metrics.exports.pack.build_pack`'s PDF (or slides); ``xlsx`` sends the
monthly report workbook instead (so does an installation without the pack's libraries). A
month not published is refused: the sponsor receives only what the PMO lead froze. Each
sending is audited (month, version, how many recipients).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pmo_metrics import audit
from pmo_metrics.access import HasRole
from pmo_metrics.locale import month_label, t
from pmo_metrics.notify.deliver import mail_message, smtp_session
from pmo_metrics.notify.rules import link
from pmo_metrics.notify.settings import Settings

FORMATS = ("pdf", "pptx", "xlsx")
MIME = {
    "pdf": ("application", "pdf"),
    "pptx": ("application", "vnd.openxmlformats-officedocument.presentationml.presentation"),
    "xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


class DistributeRefused(ValueError):
    """The pack is not sent: the month is not published, no recipients, no mail server."""


@dataclass(frozen=True)
class Distributed:
    month: str
    version: int
    recipients: tuple[str, ...]
    attachment: str


def attachment(
    con: duckdb.DuckDBPyConnection, month: str, fmt: str, lang: str, folder: Path
) -> Path:
    """The file to send: the steering pack (pdf, pptx) or the monthly report (xlsx)."""
    out = folder / f"steering-pack-{month}.{fmt}"
    try:
        from pmo_metrics.exports.pack import build_pack
    except ImportError:  # an installation without the pack's libraries: the report instead
        fmt = "xlsx"
    if fmt == "xlsx":
        from pmo_metrics.engine import open_source
        from pmo_metrics.exports.report import build_report

        out = folder / f"pmo-report-{month}.xlsx"
        build_report(open_source(con.cursor()), month, out, lang=lang)
        return out
    build_pack(con, month, out, lang=lang)
    return out


def distribute(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    who: HasRole,
    month: str,
    *,
    to: tuple[str, ...] = (),
    fmt: str = "pdf",
) -> Distributed:
    """Send ``month``'s pack to ``to`` (default the settings' list); refused for a month
    not published."""
    from pmo_metrics import publishing  # loads the metrics: only when distributing

    published = publishing.latest(con, month)
    if published is None:
        raise DistributeRefused(
            f"{month} is not published: publish it first (python -m pmo_metrics publish "
            f"--month {month}); only a published month is distributed"
        )
    recipients = to or settings.distribution
    if not recipients:
        raise DistributeRefused("no recipients: give --to or [distribution] to in the settings")
    if not (settings.email.host and settings.email.sender):
        raise DistributeRefused("no mail server: set [email] host and sender in the settings")
    if fmt not in FORMATS:
        raise DistributeRefused(f"the pack is sent as {', '.join(FORMATS)}, not {fmt}")
    lang = settings.distribution_lang
    with tempfile.TemporaryDirectory(prefix="pmo-distribute-") as folder:
        path = attachment(con, month, fmt, lang, Path(folder))
        mail = mail_message(
            settings,
            recipients,
            t("distribute_subject", lang, month=month_label(month, lang)),
            t(
                "distribute_body",
                lang,
                month=month_label(month, lang),
                version=published.version,
                link=link(settings.base_url, "report", month, lang),
            ),  # fmt: skip
        )
        maintype, subtype = MIME[path.suffix.lstrip(".")]
        mail.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
        )
        with smtp_session(settings) as server:
            server.send_message(mail)
        name = path.name
    audit.record(
        con, who, "distribute",
        f"{month} version {published.version}: {name} to {len(recipients)} recipient(s)",
    )  # fmt: skip
    return Distributed(month, published.version, tuple(recipients), name)
