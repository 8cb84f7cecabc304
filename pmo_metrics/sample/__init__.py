"""A year of a PMO's data, generated (seeded, deterministic) in the real tools' formats.

``python -m pmo_metrics.sample`` rewrites ``data/sample/``: the PMO's workbook (portfolio,
catalog, indicators, sprint calendar, capacity, costs, risks, improvement actions,
stakeholders) and, for each month from 2025-11 to 2026-10, the exports the PMO lead receives
that month: two Jira CSVs, an Azure DevOps CSV, a ServiceNow incident .xlsx, a ServiceNow
request .csv and the timesheets in Spanish locale.
"""
