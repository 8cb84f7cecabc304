"""``uses``: a metric reaches another only through registry.used, which checks the declaration."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pmo_metrics.metrics import registry
from pmo_metrics.metrics.portfolio import DIMENSIONS
from pmo_metrics.metrics.registry import ANY_HEADLINE, all_metrics, get, used

METRICS = Path(registry.__file__).parent


def test_every_declared_use_is_a_registered_metric() -> None:
    names = {m.name for m in all_metrics()}
    for m in all_metrics():
        for name in m.uses:
            assert name == ANY_HEADLINE or name in names, f"{m.name} uses unknown {name!r}"


def test_portfolio_health_uses_its_dimensions() -> None:
    assert get("portfolio-health").uses == tuple(d.metric for d in DIMENSIONS)
    assert used("portfolio-health", "sla-compliance") is get("sla-compliance")


def test_the_scorecard_uses_any_headline_metric() -> None:
    for name in ("scorecard", "service-status", "scorecard-trend"):
        assert get(name).uses == (ANY_HEADLINE,)
        assert used(name, "mttr") is get("mttr")
        assert used(name, "no-such-metric") is None  # a catalog typo: a grey indicator
        assert used(name, "lead-time-items") is get("lead-time-items")
    headless = next(m for m in all_metrics() if m.headline is None)
    assert used("scorecard", headless.name) is None  # no number to judge


def test_an_undeclared_use_is_refused() -> None:
    with pytest.raises(ValueError, match="without declaring it"):
        used("portfolio-health", "mttr")
    with pytest.raises(ValueError, match="without declaring it"):
        used("velocity", "say-do")


@pytest.mark.parametrize("module", ["scorecard.py", "portfolio.py"])
def test_no_metric_module_looks_another_up_by_name(module: str) -> None:
    """The scorecard and portfolio health read other metrics only through registry.used."""
    text = (METRICS / module).read_text(encoding="utf-8")
    assert not re.search(r"REGISTRY|registry\.get\(|\bget\(\"", text)
