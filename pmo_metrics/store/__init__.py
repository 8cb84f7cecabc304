"""The DuckDB store: schema as .sql files, all-or-nothing loads with history and undo.

``connection`` opens the store (``connect``, ``StoreBusy``) and applies ``schema/*.sql``;
``loads`` loads, lists, undoes and redoes; ``parquet`` exports tables for Spark. Import from
those modules: this package imports none of them, so opening the store (which the audit log
needs) does not import the loads that write to the audit log.
"""
