"""Spanish on every page, in a real Chromium: no English from the dashboard's own vocabulary is
left on a page opened with ``?lang=es`` (issue 14, "both languages complete").

The vocabulary is the locale module's (every UI string and every metric label whose Spanish
differs from its English), so a string added in English only, or a label drawn from the registry
instead of the locale, fails here. What a page draws is read as a user sees it: the page's text
and every text plotly drew in its charts (SVG). Only phrases of two words or more are looked
for: a single English word ("Sprint", "Backlog") is often the Spanish PMO's word too.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from pmo_metrics.locale import STRINGS, metric_label
from pmo_metrics.metrics.registry import all_metrics

pytestmark = pytest.mark.e2e

PAGES = ["", "services", "applications", "delivery", "flow", "risks", "improvement", "report",
         "data", "explore"]  # fmt: skip
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")

# What a page draws: its text as rendered, and the texts of plotly's SVG (ticks, titles, legends).
DRAWN_TEXT = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  const side = document.querySelector('[data-testid=stSidebar]');
  const svg = [...document.querySelectorAll('svg text')].map(t => t.textContent);
  return [main ? main.innerText : '', side ? side.innerText : '', ...svg].join('\\n');
}"""


def english_phrases() -> dict[str, str]:
    """English phrase -> where it comes from, for every phrase whose Spanish differs."""
    phrases: dict[str, str] = {}
    for key, (en, es) in STRINGS.items():
        for part in PLACEHOLDER.split(en):  # the fixed text around the placeholders
            part = part.strip(" :.,()·-–\n")
            if en != es and len(part.split()) >= 2 and part not in es:
                phrases[part] = f"STRINGS[{key!r}]"
    for m in all_metrics():
        en = metric_label(m.name, "en")
        if en != metric_label(m.name, "es") and len(en.split()) >= 2:
            phrases[en] = f"label of {m.name}"
    return phrases


def test_the_vocabulary_is_not_empty() -> None:
    phrases = english_phrases()
    assert "Sprint velocity" in phrases and len(phrases) > 100


def settled_text(page: Page) -> str:
    """The page's drawn text once the script has stopped and nothing drawn changes for 2 s."""
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=120_000)
    last, same_for = "", 0
    while same_for < 4:
        page.wait_for_timeout(500)
        page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=120_000)
        now = page.evaluate(DRAWN_TEXT)
        same_for = same_for + 1 if now == last else 0
        last = now
    return last


@pytest.mark.parametrize("path", PAGES)
def test_no_english_is_left_on_a_spanish_page(page: Page, dashboard_url, path) -> None:
    page.goto(f"{dashboard_url}/{path}?lang=es")
    text = settled_text(page)
    assert "Filtros" in text  # the page is in Spanish at all
    left = {
        phrase: where
        for phrase, where in english_phrases().items()
        if re.search(rf"(?<![\w]){re.escape(phrase)}(?![\w])", text)
    }
    assert left == {}, f"English on /{path}?lang=es: {left}"
