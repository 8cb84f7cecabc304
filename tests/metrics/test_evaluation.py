"""The evaluation layer shared by the dashboard, the report and the benchmarks: scopes, headline
numbers, card values against the previous period, failures reported instead of raised.

Tables are hand-built and handed out by a fake :data:`~pmo_metrics.evaluation.Tables`, so that
each number is worked out by hand; the metrics themselves are the registry's."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from pmo_metrics import evaluation
from pmo_metrics.evaluation import (
    COMPUTE_FAILED,
    OVERVIEW_PILLARS,
    PILLARS,
    MetricResult,
    Scope,
    card,
    card_trend,
    compute_metric,
    last_value,
    metric_headline,
    monthly_headlines,
    one_pass_trend,
    run_metric,
)
from pmo_metrics.metrics.source import Filters
from pmo_metrics.periods import Period


def throughput(*rows: tuple[str, int]) -> pd.DataFrame:
    """Throughput rows (month, items) for one application."""
    return pd.DataFrame(
        {
            "application": ["Payroll"] * len(rows),
            "month": pd.to_datetime([m + "-01" for m, _ in rows]),
            "items": [n for _, n in rows],
        }
    )


class FakeTables:
    """Hands out fixed tables by (metric, period), and records what was asked for."""

    def __init__(self, tables: dict[tuple[str, str | None], MetricResult]) -> None:
        self.tables = tables
        self.asked: list[tuple[str, Scope]] = []

    def __call__(self, name: str, scope: Scope) -> MetricResult:
        self.asked.append((name, scope))
        return self.tables[(name, scope.period)]


def test_scope_periods_and_filters() -> None:
    scope = Scope("2026-05:2026-10", service="Service desk")
    assert (scope.first_month, scope.last_month) == ("2026-05", "2026-10")
    assert scope.previous_period() == Scope("2025-11:2026-04", service="Service desk")
    assert scope.filters() == Filters(date(2026, 5, 1), date(2026, 11, 1), "Service desk")
    assert Scope().filters() == Filters() and Scope().previous_period() is None


def test_scope_up_to_a_month_is_cumulative() -> None:
    """``:2026-08``: everything up to the end of August (the report's cost to date)."""
    scope = Scope(":2026-08", application="Payroll")
    assert scope.filters() == Filters(end=date(2026, 9, 1), application="Payroll")
    assert (scope.first_month, scope.last_month) == (None, "2026-08")
    assert scope.months() is None and scope.previous_period() is None


def test_card_of_a_metric_by_month_reads_one_window() -> None:
    """Throughput in Aug 2026: 7 items against 4 in July, from one run over the trend window
    (Sep 2025 to Aug 2026); change 7 - 4 = 3."""
    tables = FakeTables(
        {
            ("throughput", "2025-09:2026-08"): MetricResult(
                throughput(("2026-07", 4), ("2026-08", 7))
            )
        }
    )
    numbers = card(tables, "throughput", Scope("2026-08"), None)
    assert numbers is not None and numbers.missing is None
    assert (numbers.value, numbers.previous, numbers.change) == (7.0, 4.0, 3.0)
    assert numbers.comparison.against == Period("2026-07", "2026-07")
    assert [scope.period for _, scope in tables.asked] == ["2025-09:2026-08"]


def test_card_previous_period_counts_only_with_data() -> None:
    """July without rows: 0 items (throughput's empty value) when every month counts (the
    report), no figure when the store has nothing loaded for July (the dashboard)."""
    tables = FakeTables(
        {("throughput", "2025-09:2026-08"): MetricResult(throughput(("2026-08", 7)))}
    )
    every_month = card(tables, "throughput", Scope("2026-08"), None)
    assert every_month is not None and (every_month.value, every_month.previous) == (7.0, 0.0)
    loaded = card(tables, "throughput", Scope("2026-08"), ["2026-08"])
    assert loaded is not None and (loaded.value, loaded.previous, loaded.change) == (
        7.0,
        None,
        None,
    )


def test_card_of_a_metric_without_months_runs_both_periods() -> None:
    """Open high risks: 2 rows in August, 3 in July: 2 against 3, change -1."""
    two, three = (
        pd.DataFrame({"risk_id": ["R1", "R2"]}),
        pd.DataFrame({"risk_id": ["R1", "R2", "R3"]}),
    )
    tables = FakeTables(
        {
            ("open-high-risks", "2026-08"): MetricResult(two),
            ("open-high-risks", "2026-07"): MetricResult(three),
        }
    )
    numbers = card(tables, "open-high-risks", Scope("2026-08"), ["2026-07", "2026-08"])
    assert numbers is not None and (numbers.value, numbers.previous, numbers.change) == (2, 3, -1)
    # nothing loaded for July: not even computed
    tables.asked.clear()
    numbers = card(tables, "open-high-risks", Scope("2026-08"), ["2026-08"])
    assert numbers is not None and (numbers.value, numbers.previous) == (2.0, None)
    assert [scope.period for _, scope in tables.asked] == ["2026-08"]


def test_card_says_why_there_is_no_number() -> None:
    gone = MetricResult(pd.DataFrame(), "upload the risk register")
    tables = FakeTables(
        {("open-high-risks", "2026-08"): gone, ("open-high-risks", "2026-07"): gone}
    )
    numbers = card(tables, "open-high-risks", Scope("2026-08"), None)
    assert numbers is not None and numbers.missing == "upload the risk register"
    assert (numbers.value, numbers.previous) == (None, None)
    window = FakeTables(
        {("throughput", "2025-09:2026-08"): MetricResult(pd.DataFrame(), "no items")}
    )
    numbers = card(window, "throughput", Scope("2026-08"), None)
    assert numbers is not None and (numbers.missing, numbers.value) == ("no items", None)
    assert card(window, "cumulative-flow", Scope("2026-08"), None) is None  # no headline


def test_monthly_headlines_split_one_run() -> None:
    """Throughput Jun-Aug from one run over the range: 5, nothing (0 items), 7."""
    tables = FakeTables(
        {
            ("throughput", "2026-06:2026-08"): MetricResult(
                throughput(("2026-06", 5), ("2026-08", 7))
            )
        }
    )
    values = monthly_headlines(tables, "throughput", Scope(), ["2026-06", "2026-07", "2026-08"])
    assert {m: h.value for m, h in values.items()} == {
        "2026-06": 5.0,
        "2026-07": 0.0,
        "2026-08": 7.0,
    }
    assert len(tables.asked) == 1
    no_headline = metric_headline(tables, "cumulative-flow", Scope("2026-08"))
    assert no_headline.value is None and "no headline number" in (no_headline.missing or "")


def test_a_failing_metric_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> MetricResult:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(evaluation, "run_metric", broken)
    result = compute_metric(duckdb.connect(), "v-broken", "throughput", Scope("2026-08"))
    assert result.failed and result.empty and COMPUTE_FAILED in (result.missing or "")
    assert list(result.frame.columns) == ["application", "month", "items"]


def test_an_unknown_metric_is_missing_not_an_error() -> None:
    result = run_metric(None, "no-such-metric", Scope())  # type: ignore[arg-type]
    assert result.missing == "the metric 'no-such-metric' is not available" and not result.failed


def test_the_overview_cards_are_pillar_figures() -> None:
    """One list of pillars: the report's key figures, of which the overview draws two each."""
    assert list(OVERVIEW_PILLARS) == list(PILLARS)
    for pillar, names in OVERVIEW_PILLARS.items():
        assert len(names) == 2 and set(names) <= set(PILLARS[pillar]), pillar


def test_card_trend_splits_the_window_and_blanks_months_without_data() -> None:
    """Throughput's sparkline for Aug 2026: the twelve months Sep 2025 - Aug 2026 from the
    card's one window run. Months with activity but no items read 0 (the metric's zero row);
    months before the store's first data have no value (an empty past is not a zero)."""
    tables = FakeTables(
        {
            ("throughput", "2025-09:2026-08"): MetricResult(
                throughput(("2026-06", 2), ("2026-08", 7))
            )
        }
    )
    with_data = {"2026-05", "2026-06", "2026-07", "2026-08"}
    trend = card_trend(tables, "throughput", Scope("2026-08"), None, with_data)
    assert trend is not None and list(trend) == Period.parse("2025-09:2026-08").months
    assert [trend[m] for m in ("2026-05", "2026-06", "2026-07", "2026-08")] == [0, 2, 0, 7]
    assert all(trend[m] is None for m in Period.parse("2025-09:2026-04").months)
    assert tables.asked == [("throughput", Scope("2025-09:2026-08"))]  # one run


def test_card_trend_costs_one_query_or_is_not_drawn() -> None:
    """By month (throughput), by a one-pass monthly plan (velocity, say/do): a trend. A register
    read month by month (overdue actions) would cost twelve queries: no trend. All time: none."""
    assert one_pass_trend("throughput") and one_pass_trend("velocity") and one_pass_trend("say-do")
    assert not one_pass_trend("overdue-actions")
    tables = FakeTables({})
    assert card_trend(tables, "overdue-actions", Scope("2026-08"), None, {"2026-08"}) is None
    assert card_trend(tables, "throughput", Scope(), None, {"2026-08"}) is None
    assert tables.asked == []


def test_last_value_is_the_latest_month_with_one() -> None:
    assert last_value({"2026-07": 4.0, "2026-08": 0.0, "2026-09": None}) == ("2026-08", 0.0)
    assert last_value({"2026-08": None}) is None and last_value(None) is None
