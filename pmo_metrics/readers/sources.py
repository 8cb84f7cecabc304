"""The sources a file can come from, the canonical table each tool's export feeds, and the
file names that are Excel workbooks.

A module without imports: the command line lists the sources among its options before it
loads the readers (see :mod:`pmo_metrics.readers.detect`, which tells them apart).
"""

SOURCES = ("jira", "azure_devops", "servicenow", "pmo_template", "unknown")
TABLE_OF_SOURCE = {"jira": "work_items", "azure_devops": "work_items", "servicenow": "tickets"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb"}
