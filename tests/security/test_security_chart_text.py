"""Issue 12, Low 6 (charts): plotly draws a subset of HTML in its texts, so a service named
like a link became a live link in a chart's axis, legend or hover. Every chart the dashboard
draws goes through ``charts.style.inert``: imported text is drawn as its characters."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from pmo_metrics.charts.generic import explore_chart
from pmo_metrics.charts.style import inert

LINK = '<a href="https://evil.example/login">Verify your SSO session</a>'
IMAGE = "<img src=https://evil.example/i.png>"


def _texts(fig: go.Figure) -> list[str]:
    out = []
    for trace in fig.data:
        for attribute in ("x", "y", "text", "hovertext", "name"):
            value = getattr(trace, attribute, None)
            values = [value] if isinstance(value, str) else list(value if value is not None else [])
            out.extend(v for v in values if isinstance(v, str))
    out.extend(a.text for a in fig.layout.annotations if a.text)
    return out


def test_imported_names_in_a_chart_are_escaped_and_read_back_unchanged():
    frame = pd.DataFrame({"service": [LINK, "R&D <2>"], "team": [IMAGE, "Alpha"], "n": [3, 4]})
    fig = explore_chart(frame, "n by service", kind="bar", x="service", y="n", colour="team")
    fig.add_annotation(text=LINK)  # a subplot title is an annotation
    drawn = inert(fig)
    texts = _texts(drawn)
    assert not [t for t in texts if "<" in t or ">" in t]
    assert {html.unescape(t) for t in texts} >= {LINK, IMAGE, "R&D <2>", "Alpha"}
    assert list(drawn.data[1].y) == [4]  # numbers are left alone
