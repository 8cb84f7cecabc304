"""Every size limit an import enforces, in one place (uploads, workbooks, sheets, cells).

The workbook limits are checked BEFORE parsing, from the zip directory and the sheet XML's
declared dimension, so that a hostile file (zip bomb, XML bomb) is refused without unpacking;
each member is then inflated in a stream (see ``inflate``) to prove it keeps to its declared
size, so that these limits also bound what the parsers unpack.
"""

from __future__ import annotations

MAX_UPLOAD_BYTES = 600 * 1024 * 1024  # a 1,000,000-row Jira export is ~300 MB
MAX_ROWS = 2_000_000  # data rows per sheet / CSV
MAX_COLUMNS = 1_000  # Jira "all fields" exports reach a few hundred
MAX_CELL_CHARS = 100_000  # Excel's own cell limit is 32,767; Jira descriptions can be longer
MAX_XLSX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024  # declared total of all zip members
MAX_COMPRESSION_RATIO = 100  # declared uncompressed / compressed, for members above the floor
COMPRESSION_RATIO_FLOOR_BYTES = 10 * 1024 * 1024  # small members may compress very well
MAX_PROBLEMS_PER_COLUMN = 50  # problems listed one by one per column; the rest are counted
