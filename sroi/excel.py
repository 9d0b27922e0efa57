"""Excel interop: impact maps to and from workbooks.

* :func:`export_workbook` writes a scheme as an .xlsx impact map whose every derived
  cell is a live formula (:mod:`sroi.excel_export`);
* :func:`import_workbook` reads such a workbook, or a common SROI value map, back into
  a validated scheme (:mod:`sroi.excel_import`).

The layout and the import rules are documented in ``docs/excel.md``. The modules:

* shared: :mod:`sroi.excel_layout` (sheet names, columns, formats, and
  :class:`Layout`, which places every cell);
* writing: :mod:`sroi.excel_writer` (cell helpers), :mod:`sroi.excel_sheets` (the
  input and reference sheets), :mod:`sroi.excel_formulas` (year by year, results and
  the ledger), put together by :mod:`sroi.excel_export`;
* reading: :mod:`sroi.excel_reader` (the file and typed cells),
  :mod:`sroi.excel_errors` (messages pointed at cells), :mod:`sroi.excel_exported`
  (the exported layout), :mod:`sroi.excel_terms` and :mod:`sroi.excel_valuemap` (a
  hand-made value map), chosen between by :mod:`sroi.excel_import`.
"""

from __future__ import annotations

from .excel_export import Layout, build_workbook, engine_figures, export_workbook, workbook_bytes
from .excel_import import import_workbook

__all__ = ["export_workbook", "import_workbook", "build_workbook", "workbook_bytes", "engine_figures", "Layout"]
