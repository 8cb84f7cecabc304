"""Command-line commands, one module each (see :mod:`pmo_metrics.cli`)."""
