"""The fixed vocabularies of the canonical tables, in one place.

The template workbook turns these into Excel data-validation lists and the readers can validate
imported rows against the same values. ``indicators.metric`` is not here: its allowed values
are the metric registry's names (see :func:`pmo_metrics.exports.templates.metric_names`).
"""

from __future__ import annotations

# (table, column) -> the values a cell may hold (lower case, as stored).
ALLOWED_VALUES: dict[tuple[str, str], tuple[str, ...]] = {
    ("applications", "criticality"): ("low", "medium", "high", "critical"),
    ("services", "state"): ("planned", "piloting", "launched"),
    ("indicators", "direction"): ("higher", "lower"),
    ("risks", "status"): ("open", "closed"),
    ("improvement_actions", "status"): ("open", "in progress", "closed", "cancelled"),
    # what feeds the month, as pmo_metrics/completeness.py matches loads to it
    ("expected_sources", "kind"): (
        "jira",
        "azure_devops",
        "incidents",
        "requests",
        "timesheets",
        "capacity",
        "costs",
        "risks",
        "improvement_actions",
        "stakeholders",
        "sprints",
        "catalog",
    ),
}

# (table, column) -> inclusive range of a whole-number column.
INTEGER_RANGES: dict[tuple[str, str], tuple[int, int]] = {
    ("tickets", "priority"): (1, 5),
    ("resolution_targets", "priority"): (1, 5),
    ("risks", "probability"): (1, 5),
    ("risks", "impact"): (1, 5),
    ("stakeholders", "power"): (1, 5),
    ("stakeholders", "interest"): (1, 5),
    ("stakeholders", "current_engagement"): (1, 5),
    ("stakeholders", "desired_engagement"): (1, 5),
    ("expected_sources", "due_day"): (1, 31),
}

# Columns that hold a list, written in one cell separated by ";".
LIST_SEPARATOR = ";"
