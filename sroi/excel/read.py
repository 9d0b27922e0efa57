"""Read an impact map from an Excel workbook into a validated :class:`~sroi.model.Scheme`.

Two layouts are read (both documented in ``docs/excel.md``):

* the workbook ``sroi export`` writes (:mod:`sroi.excel.read_exported`): its visible input
  cells are read, so an assumption changed in Excel flows back; formula cells are
  never read;
* a common SROI value map (:mod:`sroi.excel.read_valuemap`): one sheet with a header row
  (stakeholder, outcome, indicator, quantity, duration, proxy, value, deadweight,
  displacement, attribution, drop-off, ...) and an inputs table. What such a map does
  not carry (price year, currency, horizon, timing convention, beneficiary, value
  type) must come from cells above the header row or from explicit arguments; nothing
  is guessed.

A workbook is only read: openpyxl parses the XML and never runs macros
(:class:`~sroi.excel.read_cells.Book`). Every problem raises
:class:`~sroi.errors.ScenarioError` naming the file, ``sheet!cell`` and what was
expected; the mapping built is then validated by :func:`sroi.scenario.from_dict`,
whose messages are re-pointed at the cell the offending value came from
(:mod:`sroi.excel.read_errors`).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ScenarioError
from .read_exported import ExportedReader
from .layout import ABOUT, MARKER, SETTINGS
from .read_cells import Book
from .read_terms import OPTION_FLAGS, ValueMapOptions
from .read_valuemap import ValueMapReader
from ..model import Scheme

__all__ = ["import_workbook", "ValueMapOptions"]


def is_exported(book: Book) -> bool:
    if ABOUT not in book.sheetnames:
        return False
    v = book.formulas[ABOUT]["A2"].value
    return isinstance(v, str) and v.startswith("sroi impact map, layout")


def import_workbook(path: str | Path, *, sheet: str | None = None, name: str | None = None,
                    price_year: int | str | None = None, currency: str | None = None, horizon: int | None = None,
                    convention: str | None = None, schedule: str | None = None,
                    discount_rate: float | str | None = None, beneficiary: str | None = None,
                    value_type: str | None = None, funder: str | None = None) -> Scheme:
    """Read the impact map in the workbook at ``path`` and return the validated scheme.

    A workbook written by ``sroi export`` (recognised by its 'About' sheet) is read
    from its input cells. Any other workbook is read as a common SROI value map; the
    keyword arguments then supply what the map does not say (they override labelled
    cells above its header row), and ``sheet`` picks the sheet (default: the first
    with a value-map header row). The arguments apply only to value maps.

    Raises
    ------
    ScenarioError
        naming the file, ``sheet!cell`` and what was expected.
    """
    options = ValueMapOptions(name, price_year, currency, horizon, convention, schedule, discount_rate,
                              beneficiary, value_type, funder)
    book = Book(path)
    if is_exported(book):
        marker = book.formulas[ABOUT]["A2"].value
        if marker != MARKER:
            raise book.fail(ABOUT, "A2", f"this workbook has {marker!r}; this sroi reads '{MARKER}'")
        extra = [OPTION_FLAGS[k] for k in options.given()] + (["--sheet"] if sheet else [])
        if extra:
            raise ScenarioError(book.file, "", f"{', '.join(extra)} appl{'ies' if len(extra) == 1 else 'y'} only to "
                                               "value maps; this is an exported sroi workbook, whose settings are "
                                               f"on its '{SETTINGS}' sheet")
        return ExportedReader(book).read()
    return ValueMapReader(book, sheet, options).read()
