"""The steering pack: the month for the steering committee as a PDF (ReportLab) or as slides
(python-pptx).

A cover (the month, the completeness line, who made it and when, the published version), the
key figures of each pillar as cards (value, target, status as icon and word, change against the
month before), the top exceptions with the PMO lead's explanations, then a page per service (its
indicators as bullets against their targets, each one's 12 months) and one per application
(health, each dimension with its status, the reason).

The numbers are the monthly report's: :mod:`.content` builds the pack's content from the
report's model (:mod:`pmo_metrics.exports.report.model`), :mod:`.pdf` and :mod:`.slides` lay it
out, :mod:`.build` writes the file.
"""

from __future__ import annotations

from pmo_metrics.exports.pack.build import (
    FORMATS,
    MIME,
    PackSummary,
    build_pack,
    format_of,
    write_pack,
)
from pmo_metrics.exports.pack.content import PackContent, pack_content

__all__ = [
    "FORMATS",
    "MIME",
    "PackContent",
    "PackSummary",
    "build_pack",
    "format_of",
    "pack_content",
    "write_pack",
]
