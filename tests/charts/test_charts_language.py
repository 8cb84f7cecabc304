"""Charts in the page's language (issue 14, items 3 and 6): decimal comma and Spanish months,
labels that do not overlap, one unit per axis, one meaning per colour."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pmo_metrics.charts.delivery import burnup_fan, say_do_chart, velocity_chart
from pmo_metrics.charts.finance import earned_value_chart
from pmo_metrics.charts.flow import CATEGORY_COLOURS
from pmo_metrics.charts.generic import plan_actual_bars, share_of_plan_bars
from pmo_metrics.charts.scorecard import bullet_bars, small_multiples
from pmo_metrics.charts.style import BAD, GOOD, SERIES, layout, localise, status_colour
from pmo_metrics.locale import month_label

VELOCITY = pd.DataFrame(
    {"sprint": ["S1", "S2"], "committed_points": [30.0, 33.0], "completed_points": [26.0, 26.0]}
)


def test_a_spanish_figure_has_decimal_commas_and_spanish_numbers_in_its_texts():
    fig = localise(velocity_chart(VELOCITY, "Velocidad", average=26.0, lang="es"), "es")
    assert fig.layout.separators == ",."
    assert fig.data[-1].name == "Average 26,0"  # no names given: the English word
    english = localise(velocity_chart(VELOCITY, "Velocity", average=1234.5), "en")
    assert english.layout.separators == ".,"
    assert english.data[-1].name == "Average 1,234.5"
    bars = bullet_bars(
        pd.DataFrame({"priority": ["Prioridad 2 · 3 tickets"], "compliance_pct": [79.94]}),
        "ANS",
        category="priority",
        value="compliance_pct",
        status=None,
        unit="%",
        lang="es",
    )
    assert list(bars.data[0].text) == ["79,9 %"]
    assert list(bars.data[0].y) == ["Prioridad 2 · 3 tickets"]


def test_a_date_axis_has_the_language_months_horizontal():
    progress = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-10-04", "2026-10-18", "2026-11-01"]),
            "done_points": [30.0, 52.0, 77.0],
            "scope_points": [200.0, 200.0, 200.0],
        }
    )
    forecast = {"p50_date": pd.Timestamp("2027-01-08"), "p85_date": pd.Timestamp("2027-01-22")}
    fig = localise(burnup_fan(progress, forecast, "Burnup", lang="es"), "es")
    assert list(fig.layout.xaxis.ticktext) == ["oct 2026", "nov 2026", "dic 2026", "ene 2027"]
    assert fig.layout.xaxis.tickangle == 0
    # the forecast's levels are named in the legend with their dates, no labels on the chart
    assert [t.name for t in fig.data[2:]] == ["P50 8 ene 2027", "P85 22 ene 2027"]
    assert all(t.text is None for t in fig.data)
    weeks = pd.DataFrame({"date": pd.to_datetime(["2026-09-28", "2026-10-19"]),
                          "done_points": [1.0, 2.0], "scope_points": [3.0, 3.0]})  # fmt: skip
    short = localise(burnup_fan(weeks, None, "Burnup"), "es")
    assert list(short.layout.xaxis.ticktext) == ["28 sept", "5 oct", "12 oct", "19 oct"]


def test_trend_months_are_horizontal_and_the_small_multiples_leave_room_for_titles():
    months = [month_label(m, "es") for m in pd.date_range("2025-11-01", periods=12, freq="MS")]
    frame = pd.DataFrame(
        {"indicator": [i for i in "ABCD" for _ in months], "month": months * 4,
         "value": [float(v) for v in range(48)], "target": [5.0] * 48}
    )  # fmt: skip
    fig = localise(small_multiples(frame, "Indicadores", facet="indicator"), "es")
    # a third of the width: every third month, the latest labelled, horizontal
    assert list(fig.layout.xaxis.ticktext) == ["ene 2026", "abr 2026", "jul 2026", "oct 2026"]
    assert fig.layout.xaxis4.tickangle == 0
    # the second row's titles sit below the first row's month labels (about 100 px between)
    top_row_bottom = fig.layout.yaxis.domain[0]
    second_row_top = fig.layout.yaxis4.domain[1]
    assert (top_row_bottom - second_row_top) * fig.layout.height >= 100


def test_benefits_in_different_units_share_one_axis_as_a_share_of_the_expected():
    benefits = pd.DataFrame(
        {
            "service": ["Data", "Desk", "Desk"],
            "unit": ["hours/month", "% SLA", "hours/month"],
            "expected": [10.0, None, 25.0],
            "realised": [4.0, 2.0, 30.5],
        }
    )
    fig = share_of_plan_bars(
        benefits, "Benefits", category="service", unit="unit", plan="expected",
        actual="realised", lang="es",
    )  # fmt: skip
    bars = fig.data[0]
    assert list(bars.y) == ["Data · hours/month", "Desk · % SLA", "Desk · hours/month"]
    # 4 / 10 = 40 %; no expected benefit: no share; 30.5 / 25 = 122 %
    assert list(bars.x) == [40.0, 0, 122.0]
    assert list(bars.customdata) == ["40", "-", "122"]
    assert list(bars.text) == ["4 / 10", "2 / -", "30,5 / 25"]  # each in its own unit
    assert [s.x0 for s in fig.layout.shapes] == [100]  # the plan: one line at 100 %
    assert fig.layout.xaxis.ticksuffix == " %"


def test_one_meaning_per_colour():
    # status colours mean a judgement; categories, roles and money never take them
    judged = {GOOD, BAD, status_colour("amber")}
    assert not judged & set(SERIES)
    assert not judged & set(CATEGORY_COLOURS.values())
    ev = pd.DataFrame({"month": ["oct 2026"], "planned_value": [1.0], "earned_value": [1.0],
                       "actual_cost": [1.0]})  # fmt: skip
    cost = earned_value_chart(ev, "EV").data[2].line.color
    assert cost not in judged


def test_a_narrow_chart_labels_four_months_the_latest_always():
    months = [f"{m} 2026" for m in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                     "Sep", "Oct", "Nov", "Dec")]  # fmt: skip
    fig = go.Figure(go.Scatter(x=months, y=list(range(12))))
    wide = localise(go.Figure(fig), "en")
    narrow = localise(go.Figure(fig), "en", narrow=True)
    # 12 months: every 2nd label where six fit, every 3rd where four do, counted from the latest
    assert list(wide.layout.xaxis.tickvals) == months[1::2]
    assert list(narrow.layout.xaxis.tickvals) == ["Mar 2026", "Jun 2026", "Sep 2026", "Dec 2026"]
    assert narrow.layout.xaxis.tickangle == 0


def test_horizontal_plan_and_actual_bars_carry_their_values():
    done = pd.DataFrame({"sprint": ["S1", "S2"], "planned": [2.0, 1.5], "done": [2.0, None]})
    fig = plan_actual_bars(
        done, "Deliverables", category="sprint", plan="planned", actual="done",
        horizontal=True, lang="es",
    )  # fmt: skip
    assert [list(bar.text) for bar in fig.data] == [["2", "1,5"], ["2", ""]]
    assert fig.layout.xaxis.showticklabels is False  # the labels say it: no value axis


def test_say_do_is_drawn_as_the_card_writes_it_a_ratio_against_its_target():
    sprints = pd.DataFrame({"sprint": ["S1", "S2"], "say_do_ratio": [0.91, 0.7]})
    fig = localise(say_do_chart(sprints, "Say/do", target=0.85), "es")
    assert fig.layout.yaxis.tickformat == ".1f"  # 0.8, not 80 %
    assert fig.data[0].texttemplate == "%{y:.2f}"  # 0,91 with the Spanish separators
    assert fig.layout.separators == ",."
    assert [s.y0 for s in fig.layout.shapes] == [0.85]
    assert [s.y0 for s in say_do_chart(sprints, "Say/do").layout.shapes] == [1.0]


def test_counts_get_whole_ticks_only_where_a_tick_per_unit_fits():
    few = layout(go.Figure(go.Bar(x=["a", "b"], y=[1, 3])), "Few")
    assert few.layout.yaxis.dtick == 1  # 0, 1, 2, 3: no 0.5
    # bars of 11 to 17 span from zero: plotly's own ticks, not 18 ticks of one
    many = layout(go.Figure(go.Bar(x=["a", "b"], y=[11, 17])), "Many")
    assert many.layout.yaxis.dtick is None
    line = layout(go.Figure(go.Scatter(x=["a", "b"], y=[11, 17])), "A line")
    assert line.layout.yaxis.dtick == 1  # a line does not start at zero: 11 to 17, seven ticks
