"""The Report page shows the Summary before the report is built (issue 14, item 7): each key
figure with its own unit, the previous month, the change, the target and the status in words;
a figure without a shared target is not judged ("-"), not "no data"."""

from __future__ import annotations

from pmo_metrics.locale import quantity
from pmo_metrics.metrics.status import badge, judge
from pmo_metrics.periods import shift_month


def test_the_report_page_previews_the_key_figures(app, sample_db, expected, month) -> None:
    at = app(sample_db, "pages/report.py")
    assert not at.exception, [e.message for e in at.exception]
    [figures] = [d.value for d in at.dataframe if "pillar" in d.value.columns]
    rows = figures.set_index("indicator")
    sla = rows.loc["SLA compliance"]
    assert sla["value"] == quantity(expected("sla-compliance", month), "%", "en")
    before = expected("sla-compliance", shift_month(month, -1))
    assert sla["previous"] == quantity(before, "%", "en")
    assert (sla["target"], sla["status"]) == ("-", "-")  # SLA targets differ by service
    variance = rows.loc["Budget variance"]
    judged = judge(expected("budget-variance", month), 5.0, "lower", 10.0)
    assert (variance["target"], variance["status"]) == ("5.0%", badge(judged, "en"))
    assert len(at.dataframe) == 4  # key figures, scorecard, top risks, portfolio health
