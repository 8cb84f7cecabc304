"""Where the sample year lives: ``data/sample`` beside the package, its workbook's name.

Kept apart from the generator so that loading the sample (``demo``, the dashboard's first start)
does not import what writes it (openpyxl, the templates, the metric registry).
"""

from __future__ import annotations

from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"
WORKBOOK_NAME = "pmo_workbook.xlsx"
# The store image of the sample (every table's rows as loading those files leaves them): what
# the dashboard's first start and ``demo`` copy instead of reading the files (sample/prebuilt.py).
IMAGE_DIR = SAMPLE_DIR.parent / "sample_store"
