"""Writers: the PMO template workbook and other exports."""
