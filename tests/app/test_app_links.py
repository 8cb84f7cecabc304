"""Shared links: what the URL names is what the page shows."""

from __future__ import annotations


def test_a_link_naming_one_month_opens_that_month(app, sample_db) -> None:
    """``?period=2026-09`` (the alerts' links, a link typed by hand) opens September, not the
    newest month: the period slider keeps a month as its two ends."""
    at = app(sample_db, "pages/flow.py", period="2026-09")
    assert not at.exception, [e.message for e in at.exception]
    assert at.select_slider(key="period").value == ("2026-09", "2026-09")
    assert any(c.value.startswith("Showing Sep 2026") for c in at.caption)
