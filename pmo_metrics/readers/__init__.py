"""Readers: one per source format, each returning a :class:`ParsedFile` of canonical rows."""
