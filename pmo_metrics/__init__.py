"""PMO Metrics: load a PMO's monthly exports into DuckDB and compute its KPIs.

Layers, one folder each: ``readers`` (one reader per source format), ``store`` (DuckDB schema,
loads, history), ``metrics`` (one module per KPI family, Ibis expressions), ``charts`` (plotly
figures), ``exports`` (workbooks and downloads). Nothing here imports streamlit.
"""

__version__ = "0.1.0"
