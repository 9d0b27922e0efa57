"""Excel interop: impact maps to and from workbooks.

* :func:`export_workbook` writes a scheme as an .xlsx impact map whose every derived
  cell is a live formula (:mod:`sroi.excel.write`);
* :func:`import_workbook` reads such a workbook, or a common SROI value map, back into
  a validated scheme (:mod:`sroi.excel.read`).

The layout and the import rules are documented in ``docs/excel.md``. The modules:

* shared: :mod:`sroi.excel.layout` (sheet names, columns, formats, and
  :class:`Layout`, which places every cell);
* writing: :mod:`sroi.excel.write_cells` (cell helpers), :mod:`sroi.excel.write_sheets` (the
  input and reference sheets), :mod:`sroi.excel.write_formulas` (year by year, results and
  the ledger), put together by :mod:`sroi.excel.write`;
* reading: :mod:`sroi.excel.read_cells` (the file and typed cells),
  :mod:`sroi.excel.read_errors` (messages pointed at cells), :mod:`sroi.excel.read_exported`
  (the exported layout), :mod:`sroi.excel.read_terms` and :mod:`sroi.excel.read_valuemap` (a
  hand-made value map), chosen between by :mod:`sroi.excel.read`.
"""

from __future__ import annotations

from .write import Layout, build_workbook, engine_figures, export_workbook, workbook_bytes
from .read import import_workbook

__all__ = ["export_workbook", "import_workbook", "build_workbook", "workbook_bytes", "engine_figures", "Layout"]
