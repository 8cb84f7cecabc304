"""The dashboard's language: read from the session, handed to :mod:`pmo_metrics.locale`.

The language lives in ``st.session_state["lang"]`` (the sidebar switch, bound to the URL's
``?lang=``). The text, and the way numbers, dates and months are written in each language, are
in :mod:`pmo_metrics.locale` (shared with the monthly report); each helper here is its locale
twin in the current language, or in ``language`` when given. A metric's label is
:func:`metric_label` and its definition :func:`metric_definition` (the registry's English, the
locale's Spanish).
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import streamlit as st

from pmo_metrics import locale
from pmo_metrics.locale import LANGUAGES, STRINGS
from pmo_metrics.periods import Comparison

__all__ = ["LANGUAGES", "STRINGS"]


def lang() -> str:
    return locale.language(st.session_state.get("lang"))


def _lang(language: str | None) -> str:
    return language or lang()


def t(key: str, *, language: str | None = None, **values: object) -> str:
    """The UI string ``key`` in the current language (or ``language``), ``values`` filled in."""
    return locale.t(key, _lang(language), **values)


def metric_label(name: str, language: str | None = None) -> str:
    """The registered metric ``name``'s label in the current language (or ``language``)."""
    return locale.metric_label(name, _lang(language))


def metric_definition(name: str, language: str | None = None) -> str:
    """The registered metric ``name``'s definition in the current language (or ``language``)."""
    return locale.metric_definition(name, _lang(language))


def status_word(value: object, language: str | None = None) -> object:
    """A status that is not a health colour, in the language (``in progress`` / ``en curso``);
    a value without a translation is shown as it is."""
    return locale.status_word(value, _lang(language))


def month_label(month: date | datetime | pd.Timestamp | str, language: str | None = None) -> str:
    """``Aug 2026`` / ``ago 2026``; accepts a date or ``YYYY-MM``."""
    return locale.month_label(month, _lang(language))


def period_label(first: str | None, last: str | None, language: str | None = None) -> str:
    """``Aug 2026`` or ``Jun 2026 – Aug 2026``; empty without a period."""
    return locale.period_label(first, last, _lang(language))


def date_label(value: date | datetime | pd.Timestamp | None, language: str | None = None) -> str:
    """``14 Aug 2026`` / ``14 ago 2026``; an en dash when missing."""
    return locale.date_label(value, _lang(language))


def number(value: float | int | None, decimals: int = 0, language: str | None = None) -> str:
    """Thousands separators and decimals as the language writes them (1,234.5 / 1.234,5)."""
    return locale.number(value, decimals, _lang(language))


def unit_label(unit: str, language: str | None = None) -> str:
    """A unit as shown in titles: %, pts, h, days / días, EUR as €."""
    return locale.unit_label(unit, _lang(language))


def quantity(value: float | int | None, unit: str, language: str | None = None) -> str:
    """A value with its unit: ``92.3%``, ``34.5 pts``, ``12.0 h``, ``€1,200``; counts plain."""
    return locale.quantity(value, unit, _lang(language))


def versus(comparison: Comparison | None, unit: str, language: str | None = None) -> str | None:
    """What a KPI card says of its change: ``+36 vs Nov 2025 – Apr 2026``; that there is nothing
    to compare with when the previous period has no figure; None without a value."""
    return locale.versus(comparison, unit, _lang(language))


def chart_title(label: str, unit: str, period: str) -> str:
    """IBCS title: what, unit, when, e.g. ``SLA compliance, %, Aug 2026``."""
    parts = [label, unit_label(unit)] if unit else [label]
    if period:
        parts.append(period)
    return ", ".join(parts)


def with_month_labels(frame: pd.DataFrame, column: str = "month") -> pd.DataFrame:
    """``frame`` in time order with ``column`` written as ``Aug 2026`` (charts keep the order)."""
    ordered = frame.sort_values(column, kind="stable")
    return ordered.assign(**{column: ordered[column].map(month_label)})
