"""What a KPI card writes about its change, and status words, in both languages (pure
functions of ui.i18n, no Streamlit run)."""

from __future__ import annotations

from pmo_metrics.periods import Comparison, Period
from ui.i18n import delta_text, status_word, versus

SIX = Period("2025-11", "2026-04")


def test_the_change_names_the_period_it_is_against() -> None:
    assert versus(Comparison(621.0, 573.0, SIX), "items", "en") == "+48 vs Nov 2025 – Apr 2026"
    assert versus(Comparison(621.0, 573.0, SIX), "items", "es") == "+48 vs nov 2025 – abr 2026"
    one = Comparison(89.9, 94.5, Period("2026-09", "2026-09"))
    assert versus(one, "%", "en") == "-4.6 pp vs Sep 2026"


def test_no_previous_figure_is_said_and_no_value_says_nothing() -> None:
    assert versus(Comparison(5.0, None, SIX), "items", "en") == (
        "no data for Nov 2025 – Apr 2026 to compare with"
    )
    assert versus(Comparison(5.0, None, SIX), "items", "es") == (
        "sin datos de nov 2025 – abr 2026 para comparar"
    )
    assert versus(Comparison(None, 3.0, SIX), "items", "en") is None
    assert versus(Comparison(5.0, None, None), "items", "en") is None
    assert versus(None, "items", "en") is None


def test_a_change_too_small_to_show_has_no_sign() -> None:
    assert delta_text(-0.004, "ratio", "en") == "±0.00"
    assert delta_text(-0.02, "ratio", "en") == "-0.02"
    assert delta_text(0.04, "%", "es") == "±0,0 pp"
    assert delta_text(-3.0, "items", "en") == "-3"


def test_status_words_in_both_languages() -> None:
    assert [status_word(s, "en") for s in ("open", "in progress", "loaded")] == [
        "open",
        "in progress",
        "loaded",
    ]
    assert [status_word(s, "es") for s in ("open", "In Progress", "undone", "cancelled")] == [
        "abierto",
        "en curso",
        "deshecha",
        "cancelado",
    ]
    assert status_word("Waiting for vendor", "es") == "Waiting for vendor"
    assert status_word(None, "es") is None
