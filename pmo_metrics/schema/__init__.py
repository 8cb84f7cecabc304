"""What the readers and the store agree on, below both of them.

``tables``: the canonical tables (as the store's .sql files declare them) and the provenance
columns; ``allowed``: the fixed vocabularies and ranges of their columns; ``problems``: what a
read file becomes (:class:`~pmo_metrics.schema.problems.ParsedFile`), the findings about it
(``Problem``) and the refusal of a load (``ImportRejected``). Nothing here imports the readers
or the store, so each can import it without importing the other.
"""
