"""Plotly figures for the dashboard and the report: pure functions of tidy metric tables.

One module per family (delivery, flow, service levels, portfolio, risks, improvement,
stakeholders, rollout, generic). Every function takes the metric's table and a ``title`` (the
caller writes it in the user's language, IBCS style: "SLA compliance, %, Aug 2026") and returns
a ``plotly.graph_objects.Figure``. Nothing here imports streamlit.
"""
