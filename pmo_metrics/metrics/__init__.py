"""Metrics: one module per KPI family, registered in :mod:`pmo_metrics.metrics.registry`."""
