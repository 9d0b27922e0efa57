"""Excel interop: impact maps to and from workbooks.

* :func:`export_workbook` writes a scheme as an .xlsx impact map whose every derived
  cell is a live formula (:mod:`sroi.excel_export`);
* :func:`import_workbook` reads such a workbook, or a common SROI value map, back into
  a validated scheme (:mod:`sroi.excel_import`).

The layout and the import rules are documented in ``docs/excel.md``.
"""

from __future__ import annotations

from .excel_export import Layout, build_workbook, engine_figures, export_workbook, workbook_bytes
from .excel_import import import_workbook

__all__ = ["export_workbook", "import_workbook", "build_workbook", "workbook_bytes", "engine_figures", "Layout"]
