"""Cell helpers of the workbook writer: typed values, fills, headers, lists and widths.

:class:`SheetWriter` holds the workbook being built and the parameter cells written
so far; the sheet writers (:mod:`sroi.excel.write_sheets`, :mod:`sroi.excel.write_formulas`)
build on it and :mod:`sroi.excel.write` puts them together.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import PriceYearError
from .layout import (
    BAND_FILL, BOLD, DEFLATOR, DEFLATOR_FIRST, FIRST_ROW, FORMULA_FILL, HEADER_FILL, INPUT_FILL, INPUT_FONT, MONEY,
    NOTE, PRINT_TITLES, REFERENCE_FILL, SETTINGS, SHEETS, THIN, TITLE, WRAP, F, I, Layout, R, col, money_format,
)
from ..model import Parameter, Scheme
from ..prices import load_deflator


def _exact(cell, x: float) -> None:
    """Store a number so that it reads back bit for bit.

    openpyxl writes numbers with 16 significant digits; a float that needs 17 would
    come back rounded. Such a float is stored as its shortest round-trip text in a
    numeric cell instead.
    """
    cell.value = x
    if isinstance(x, float) and float(f"{x:.16g}") != x:
        cell._value = _Digits(repr(x))  # written as is by openpyxl's cell writer


class _Digits(str):
    """The digits of a number, written verbatim into a numeric cell."""


class SheetWriter:
    """A new workbook with every sheet of the layout, and the means to fill it."""

    def __init__(self, scheme: Scheme) -> None:
        self.s = scheme
        self.L = Layout.of(scheme)
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.ws = {name: self.wb.create_sheet(name) for name in SHEETS}
        self.params: list[tuple[str, str, str, str, Parameter]] = []  # name, field, sheet, cell, parameter
        self.money = money_format(scheme.currency)

    # -- cells -------------------------------------------------------------------------
    def put(self, sheet: str, ref: str, value: Any, style: str | None = None, fmt: str | None = None,
            font: Font | None = None) -> None:
        c = self.ws[sheet][ref]
        if isinstance(value, str) and value.startswith("=") and style == F:
            c.value = value
        elif isinstance(value, str):
            c.value = value
            c.data_type = "s"  # text that starts with '=' stays text
        elif isinstance(value, float):
            _exact(c, value)
        else:
            c.value = value
        if style == I:
            c.fill, c.font = INPUT_FILL, INPUT_FONT
        elif style == F:
            c.fill = FORMULA_FILL
        elif style == R:
            c.fill = REFERENCE_FILL
        if fmt:
            c.number_format = self.money if fmt == MONEY else fmt
        if font is not None:
            c.font = font

    def param(self, name: str, field: str, sheet: str, ref: str, p: Parameter | None, fmt: str | None,
              style: str = I) -> None:
        """The base value of parameter ``p`` (listed on 'Parameters'); a blank input cell if ``p`` is None."""
        if p is None:
            self.put(sheet, ref, None, style, fmt)
            return
        self.put(sheet, ref, p.base, style, fmt)
        self.params.append((name, field, sheet, ref, p))

    def formula_cells(self, sheet: str, columns, column, r: int, formulas: dict[str, str]) -> None:
        """The formula columns of row ``r`` of a table sheet; ``column`` maps a key to its letter."""
        for key, _h, _u, _w, fmt, style in columns:
            if style == F:
                self.put(sheet, f"{column(key)}{r}", formulas[key], F, fmt)

    # -- headings, lists and widths ----------------------------------------------------
    def title(self, sheet: str, text: str, note: str) -> None:
        ws = self.ws[sheet]
        self.put(sheet, "A1", text, font=TITLE)
        self.put(sheet, "A2", note, font=NOTE)
        ws.row_dimensions[2].height = 30
        ws["A2"].alignment = Alignment(wrap_text=False, vertical="top")

    def table_header(self, sheet: str, columns, row: int = 3) -> None:
        ws = self.ws[sheet]
        for k, c in enumerate(columns, 1):
            header = c[1]
            unit = c[2] if len(c) > 3 else ""
            width = c[3] if len(c) > 3 else c[2]
            h = ws.cell(row, k, header)
            h.font, h.fill, h.alignment, h.border = BOLD, HEADER_FILL, WRAP, THIN
            if unit:
                u = ws.cell(row + 1, k, unit)
                u.font, u.alignment = NOTE, WRAP
            ws.column_dimensions[col(k)].width = width
        ws.row_dimensions[row].height = 32
        ws.row_dimensions[row + 1].height = 30

    def header_cells(self, sheet: str, row: int, headers: Sequence[str], wrap: bool = False) -> None:
        """Bold grey headers along ``row`` from column A."""
        for k, text in enumerate(headers, 1):
            cell = self.ws[sheet].cell(row, k, text)
            cell.font, cell.fill = BOLD, HEADER_FILL
            if wrap:
                cell.alignment = WRAP

    def year_headings(self, sheet: str, labels: Sequence[str], width: float) -> None:
        """Row 3 of a year-by-year sheet: ``labels`` over columns A to C, then the scheme years."""
        for column, text in zip("ABC", labels):
            self.put(sheet, f"{column}3", text, font=BOLD)
        for y in range(1, self.L.horizon + 1):
            self.put(sheet, f"{self.L.year_col(y)}3", y, font=BOLD)
            self.ws[sheet].column_dimensions[self.L.year_col(y)].width = width

    def bands(self, sheet: str, row: int, bands: Sequence[tuple[str, str, str]]) -> None:
        """Headings over groups of columns, as the SVI value map has its stages:
        (text, first column, last column), each merged across its columns."""
        ws = self.ws[sheet]
        for text, first, last in bands:
            cell = ws[f"{first}{row}"]
            cell.value, cell.font, cell.fill, cell.alignment = text, BOLD, BAND_FILL, WRAP
            if first != last:
                ws.merge_cells(f"{first}{row}:{last}{row}")
        ws.row_dimensions[row].height = 30

    def print_setup(self) -> None:
        """Every sheet prints landscape on A4, its columns fitted to as few pages across as
        keep the text readable (about 270 characters of column width a page; one page for
        most sheets), as many pages down as it needs, its header rows (and on the wide
        sheets its label columns) repeated on every page, its used range as the print area
        and the sheet's name and page number in the footer."""
        for ws in self.wb.worksheets:
            ws.page_setup.orientation = "landscape"
            ws.page_setup.paperSize = ws.PAPERSIZE_A4
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            width = sum(ws.column_dimensions[col(k)].width if ws.column_dimensions[col(k)].customWidth else 8.43
                        for k in range(1, ws.max_column + 1))
            ws.page_setup.fitToWidth = max(1, math.ceil(width / 270))
            ws.page_setup.fitToHeight = 0  # as many pages down as needed
            ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6)
            ws.print_area = f"A1:{col(ws.max_column)}{ws.max_row}"
            rows, cols = PRINT_TITLES.get(ws.title, (None, None))
            if rows:
                ws.print_title_rows = rows
            if cols and ws.page_setup.fitToWidth > 1:
                ws.print_title_cols = cols
            ws.oddFooter.center.text = "&A, page &P of &N"

    def widths(self, sheet: str, widths: Sequence[float]) -> None:
        """Widths of columns A, B, ... in turn."""
        for k, w in enumerate(widths, 1):
            self.ws[sheet].column_dimensions[col(k)].width = w

    def table_rows(self, sheet: str, rows, style: str, column: int = 1, wrap: bool = False) -> None:
        """``rows`` of values down a table sheet from its first data row, from ``column`` (1 = A) on."""
        for k, values in enumerate(rows):
            for n, value in enumerate(values):
                ref = f"{col(column + n)}{FIRST_ROW + k}"
                self.put(sheet, ref, value, style)
                if wrap:
                    self.ws[sheet][ref].alignment = WRAP

    def validation(self, sheet: str, options, cells: str) -> None:
        dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        self.ws[sheet].add_data_validation(dv)
        dv.add(cells)

    def rate_validation(self, sheet: str, cells: str) -> None:
        """Rates between 0 and 1: typing 40 for 40% is stopped in the spreadsheet itself
        (it meant 4,000%), with a message saying what is allowed."""
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True,
                            showErrorMessage=True, errorTitle="A rate between 0 and 1",
                            error="Type a rate between 0 and 1, or a percentage such as 40%.")
        self.ws[sheet].add_data_validation(dv)
        dv.add(cells)

    # -- rebasing ----------------------------------------------------------------------
    def rebase_formula(self, price_year_cell: str) -> str:
        base = f"{SETTINGS}!$B${Layout.setting('price_base')}"
        table = f"{DEFLATOR}!$A${DEFLATOR_FIRST}:$B${self.deflator_last}"
        return (f'=IF(""&{price_year_cell}=""&{base},1,VLOOKUP(""&{base},{table},2,FALSE)'
                f'/VLOOKUP(""&{price_year_cell},{table},2,FALSE))')

    @property
    def deflator_rows(self) -> list[tuple[str, float]]:
        try:
            deflator = load_deflator(self.s.currency)
        except PriceYearError:
            return []
        return [(str(y), v) for y, v in sorted(deflator.index.items(), key=lambda kv: (kv[0].fiscal, kv[0].year))]

    @property
    def deflator_last(self) -> int:
        return DEFLATOR_FIRST + max(1, len(self.deflator_rows)) - 1
