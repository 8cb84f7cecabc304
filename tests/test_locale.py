"""The project's words in both languages (pmo_metrics.locale): every key said in each, with the
same placeholders; what a KPI card writes about its change; status words; months and numbers.
Pure functions, no Streamlit run."""

from __future__ import annotations

import re
from collections import Counter
from string import Formatter

import pytest

from pmo_metrics import locale
from pmo_metrics.headers import column_label
from pmo_metrics.locale import (
    HEALTH_WORDS,
    SAME_IN_BOTH,
    STATUS_WORDS,
    STRINGS,
    UNIT_WORDS,
    UNITS_SAME_IN_BOTH,
    delta_text,
    status_word,
    versus,
)
from pmo_metrics.periods import Comparison, Period

SIX = Period("2025-11", "2026-04")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_each_key_has_the_same_placeholders_in_both_languages(key: str) -> None:
    english, spanish = STRINGS[key]
    assert english.strip() and spanish.strip()
    assert placeholders(english) == placeholders(spanish)


def test_spanish_differs_from_english_unless_listed_as_the_same() -> None:
    same = {key for key, (english, spanish) in STRINGS.items() if english == spanish}
    assert same == SAME_IN_BOTH
    same_units = {unit for unit, (english, spanish) in UNIT_WORDS.items() if english == spanish}
    assert same_units == UNITS_SAME_IN_BOTH
    assert all(english != spanish for english, spanish in STATUS_WORDS.values())


def test_every_word_table_has_both_languages_with_the_same_keys() -> None:
    assert set(HEALTH_WORDS) == set(locale.LANGUAGES)
    assert set(HEALTH_WORDS["en"]) == set(HEALTH_WORDS["es"]) == {"green", "amber", "red", "grey"}
    assert all(HEALTH_WORDS["en"][s] != HEALTH_WORDS["es"][s] for s in HEALTH_WORDS["en"])
    assert set(locale.MONTH_NAMES) == set(locale.MONTH_ABBREVIATIONS) == set(locale.LANGUAGES)
    assert all(len(names) == 12 for names in locale.MONTH_NAMES.values())
    assert all(len(names) == 12 for names in locale.MONTH_ABBREVIATIONS.values())


def test_report_and_screen_share_one_header_per_column() -> None:
    # One table for the report's and the pages' headers: the words a sponsor reads in the
    # workbook are the ones on screen, in both languages; an unlisted column is made readable.
    assert column_label("month", "es") == "Mes"
    assert column_label("sprint", "es") == "Sprint"
    assert column_label("hours", "es") == "Horas"
    assert column_label("month", "en") == "Month"
    assert column_label("met_sla", "en") == "Met SLA"  # the report wrote "Met sla"
    assert column_label("other_pct", "en") == "Other %"
    assert column_label("wait_days", "es") == "Wait (days)"  # an alias: readable, untranslated


def test_t_fills_placeholders_in_the_language() -> None:
    assert locale.t("report_ready", "es", month="ago 2026") == "El informe de ago 2026 está listo."
    assert locale.t("report.key_figures", "en", month="August 2026") == ("Key figures, August 2026")
    assert locale.t("page_overview", "fr") == "Overview"  # an unknown language reads English


def test_months_dates_and_numbers_in_both_languages() -> None:
    assert locale.month_label("2026-08", "en") == "Aug 2026"
    assert locale.month_label("2026-09", "es") == "sept 2026"
    assert locale.month_name("2026-08", "es") == "agosto 2026"
    assert locale.short_month("2026-08", "es") == "Ago 2026"
    assert locale.period_label("2026-06", "2026-08", "en") == "Jun 2026 – Aug 2026"
    assert locale.date_label(None, "es") == "–"
    assert locale.number(1234.5, 1, "es") == "1.234,5"
    assert locale.number(1234.5, 1, "en") == "1,234.5"
    assert locale.quantity(92.34, "%", "es") == "92,3 %"
    assert locale.quantity(1200, "EUR", "en") == "€1,200"
    assert locale.quantity(3.5, "days", "es") == "3,5 días"


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


def test_the_dashboard_helpers_are_the_locale_in_the_language_given() -> None:
    from ui import i18n

    assert i18n.versus(Comparison(621.0, 573.0, SIX), "items", "es") == (
        "+48 vs nov 2025 – abr 2026"
    )
    assert i18n.t("active_filters", language="es", what="x") == "Mostrando x"
    assert i18n.quantity(92.34, "%", "es") == "92,3 %"
    assert i18n.month_label("2026-09", "es") == "sept 2026"
    assert i18n.STRINGS is STRINGS


def test_every_column_of_every_metric_has_a_header_in_both_languages():
    """Tables show headers, not column names (no `amber_threshold`, `p50_sprints`)."""
    from pmo_metrics.headers import LABELS
    from pmo_metrics.metrics.registry import all_metrics

    columns = {c for m in all_metrics() for c in m.columns}
    assert sorted(columns - set(LABELS)) == []
    assert all(english and spanish for english, spanish in LABELS.values())
    assert column_label("amber_threshold", "es") == "Umbral ámbar"
    assert column_label("p85_sprints", "en") == "Sprints (85%)"
    assert column_label("my_alias", "en") == "My alias"  # a query's own column, readable


def test_every_metric_has_a_label_in_both_languages():
    """Cards, chart titles and the report name a metric in the page's language (issue 14,
    item 3): every registered metric has a Spanish label, different from its English one."""
    from pmo_metrics.locale import METRIC_LABELS, METRIC_LABELS_SAME_IN_BOTH, metric_label
    from pmo_metrics.metrics.registry import all_metrics

    names = {m.name for m in all_metrics()}
    assert sorted(names ^ set(METRIC_LABELS)) == []  # none missing, none left over
    same = {n for n in names if metric_label(n, "en") == metric_label(n, "es")}
    assert same == METRIC_LABELS_SAME_IN_BOTH
    assert all(metric_label(n, "en") and metric_label(n, "es") for n in names)
    assert metric_label("sla-compliance", "en") == "SLA compliance"
    assert metric_label("sla-compliance", "es") == "Cumplimiento del ANS"
    assert metric_label("velocity", "es") == "Velocidad del sprint"
    assert metric_label("on-time-rate", "es") == "Acciones de mejora a tiempo"
    assert metric_label("velocity", "fr") == "Sprint velocity"  # an unknown language: English


def test_a_health_reason_is_said_in_spanish():
    """The applications' "Motivo" in Spanish (issue 14, item 3): every reason portfolio health
    gives, written from its judged values (not parsed back from English) in both languages."""
    from pmo_metrics.metrics.portfolio import DIMENSIONS, explain, health_reason, reason_text

    dims = {d.column: d for d in DIMENSIONS}
    higher = {"target": 90.0, "direction": "higher"}
    lower = {"target": 0.85, "direction": "lower"}
    red = explain(
        [
            (dims["sla_compliance"], 80.8, higher, "red"),
            (dims["say_do"], 0.9123, lower, "red"),
            (dims["effort_hours"], 1234.5, {"target": 1000, "direction": "lower"}, "red"),
            (dims["throughput"], 7.0, None, "grey"),
        ]
    )
    assert reason_text(red, "en") == (
        "SLA compliance 80.8% < target 90%; Say/do ratio 0.91 > target 0.85; "
        "Effort 1,234.5 h > target 1000 h"
    )
    assert reason_text(red, "es") == (
        "Cumplimiento ANS 80,8 % < objetivo 90 %; Ratio say/do 0,91 > objetivo 0,85; "
        "Esfuerzo 1.234,5 h > objetivo 1000 h"
    )
    late = explain([(dims["lead_time_p85"], 75.4, {"target": 60, "direction": "lower"}, "amber")])
    assert reason_text(late, "en") == "Lead time P85 75.4 days > target 60 days"
    assert reason_text(late, "es") == "Tiempo de entrega P85 75,4 días > objetivo 60 días"
    green = explain(
        [(dims["sla_compliance"], 95.0, higher, "green"), (dims["say_do"], 1.0, lower, "green")]
    )
    assert reason_text(green, "en") == "all 2 dimension(s) with a target on target"
    assert reason_text(green, "es") == "las 2 dimensiones con objetivo, en objetivo"
    unjudged = explain([(dims["throughput"], 7.0, None, "grey")])
    assert reason_text(unjudged, "es") == (
        "sin evaluar: sus servicios no tienen indicadores en estas dimensiones"
    )
    no_data = explain([(dims["sla_compliance"], None, higher, "grey")])
    assert reason_text(no_data, "es") == "sin evaluar: sin datos en las dimensiones con objetivo"
    assert health_reason({"reason_parts": red}, "es") == reason_text(red, "es")
    assert reason_text(None, "es") is None  # an empty table's gap


# The tokens a translation must carry over unchanged: `code` as written, and every run of
# digits (so 10,000 and 10.000 both carry 10 and 000; P85 carries 85).
BACKTICKED = re.compile(r"`[^`]+`")
DIGITS = re.compile(r"\d+")


def test_every_metric_has_a_definition_in_both_languages():
    """A metric's help and the Explore caption read in the page's language (issue 14, item 3):
    every registered metric has a Spanish definition, none missing and none left over, each
    different from its English and carrying every `code` token and every number of it, a cheap
    check that nothing was dropped (a target, a percentile, a window of sprints)."""
    from pmo_metrics.locale import metric_definition
    from pmo_metrics.locale_metrics import METRIC_DEFINITIONS
    from pmo_metrics.metrics.registry import all_metrics

    metrics = all_metrics()
    assert sorted({m.name for m in metrics} ^ set(METRIC_DEFINITIONS)) == []
    for m in metrics:
        english, spanish = metric_definition(m.name, "en"), metric_definition(m.name, "es")
        assert english == m.definition  # the English is the registry's, never restated
        assert spanish.strip() and spanish == METRIC_DEFINITIONS[m.name]
        assert spanish != english, m.name
        for token in BACKTICKED.findall(english):
            assert token in spanish, (m.name, token)
        missing = Counter(DIGITS.findall(english)) - Counter(DIGITS.findall(spanish))
        assert not missing, (m.name, sorted(missing))
    assert metric_definition("velocity", "fr") == metric_definition("velocity", "en")


def test_a_shared_sentence_is_translated_once_and_composed_the_same_way():
    """The sprint dates rule closes every delivery definition and the rollout's, as in the
    registry, so the Spanish definitions agree with each other."""
    from pmo_metrics.locale import metric_definition

    rule = metric_definition("velocity", "es")[-120:]
    for name in ("forecast", "say-do", "unestimated", "velocity-stats", "rollout-deliverables"):
        assert metric_definition(name, "es").endswith(rule)
    assert "Cumplimiento ANS" in metric_definition("sla-by-priority", "es")
    assert "umbral ámbar" in metric_definition("scorecard", "es")


def test_the_help_of_a_metric_is_in_the_language_with_its_unit(monkeypatch):
    """help_text (a card's "?", a section's help, the Explore caption): the definition and the
    unit in the session's language."""
    import streamlit as st

    from pmo_metrics.locale import metric_definition
    from ui.components import help_text

    monkeypatch.setattr(st, "session_state", {"lang": "es"})
    assert help_text("risk-exposure") == (
        f"{metric_definition('risk-exposure', 'es')} (puntuación)"
    )
    assert help_text("lead-time").endswith("(días)")
    monkeypatch.setattr(st, "session_state", {"lang": "en"})
    assert help_text("lead-time") == f"{metric_definition('lead-time', 'en')} (days)"
