"""Reading a workbook's cells: the file, typed values, and where each value came from.

:class:`Book` opens a workbook (refusing what is not an .xlsx or .xlsm) in two
views, its formulas and the values last saved for them; :class:`Cells` reads typed
values from it and remembers the cell each scheme field came from, so a validation
message can name that cell (:mod:`sroi.excel.read_errors`). :class:`Reader` is the base of
the two layouts read: the exported one (:mod:`sroi.excel.read_exported`) and a hand-made
value map (:mod:`sroi.excel.read_valuemap`).
"""

from __future__ import annotations

import io
import math
import re
import stat
import warnings
import zipfile
from pathlib import Path
from typing import Any, Iterable

from ..errors import PriceYearError, ScenarioError
from .layout import (
    CORRELATIONS, REPRODUCTION, ABOUT, DISCOUNTING, GAPS, HOLDERS, INPUTS, MAP, PARAMETERS, SCENARIOS, SETTINGS, SOURCES, YEARS,
)
from ..prices import PriceYear

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
EXPORT_SHEETS = (ABOUT, SETTINGS, INPUTS, MAP, YEARS, DISCOUNTING, PARAMETERS, SCENARIOS, CORRELATIONS, SOURCES,
                 HOLDERS, GAPS, REPRODUCTION)

RATE_TEXT = "a rate between 0 and 1 (or a percentage)"
EXPECTED = {"rate": RATE_TEXT, "money": "an amount of money (a number)", "number": "a number",
            "years": "a number of years"}
_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
_UNREAD = object()  # Cells.number: no value given, read the cell


# ---------------------------------------------------------------------------- values


def blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def shown(v: Any) -> str:
    """A cell value as quoted in a message."""
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def present(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """The ``(key, value)`` pairs whose value is not None: the optional fields that were given."""
    return {k: v for k, v in pairs if v is not None}


def to_number(v: Any, kind: str) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v) if math.isfinite(v) else None
    if not isinstance(v, str):
        return None
    t = v.strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
    percent = t.endswith("%")
    if percent:
        if kind != "rate":
            return None
        t = t[:-1]
    if kind == "money":
        t = t.lstrip("£$€")
    if not _NUMBER.match(t):
        return None
    x = float(t)
    return x / 100.0 if percent else x


def parse_price_year(v: Any, fail) -> int | str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, (int, str)) and not isinstance(v, bool):
        try:
            return PriceYear.parse(v.strip() if isinstance(v, str) else v).to_toml()
        except PriceYearError as exc:
            raise fail(str(exc)) from None
    raise fail(f"a price year is a calendar year such as 2019 or a financial year such as '2019-20', got {v!r}")


# ---------------------------------------------------------------------------- the workbook

#: Limits that keep a small hostile file from taking minutes and gigabytes: an exported
#: 2,000-outcome scheme is a 1.3 MiB file of 13 MiB of XML whose longest sheet has 14,006 rows.
MAX_WORKBOOK_BYTES = 32 * 2**20
MAX_UNCOMPRESSED_BYTES = 64 * 2**20
MAX_CELLS = 1_000_000
MAX_PARTS = 10_000
MAX_ROWS = 200_000
MAX_COLUMNS = 2_000
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="(?:[A-Z]+\d+:)?(?P<col>[A-Z]+)(?P<row>\d+)"')


def _sheet_titles(z: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet part's sheet name ('xl/worksheets/sheet1.xml' -> 'Impact map'), from
    the workbook's sheet list and its relationships; a part not found keeps its name."""
    from xml.sax.saxutils import unescape

    try:
        book = z.read("xl/workbook.xml")[:1 << 20].decode("utf-8", "replace")
        rels = z.read("xl/_rels/workbook.xml.rels")[:1 << 20].decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {}
    for rel in re.findall(r"<Relationship\b[^>]*>", rels):
        rid, target = re.search(r'\bId="([^"]*)"', rel), re.search(r'\bTarget="([^"]*)"', rel)
        if rid and target:
            t = target[1].lstrip("/")
            targets[rid[1]] = t if t.startswith("xl/") else "xl/" + t
    titles = {}
    for sheet in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", book):
        name, rid = re.search(r'\bname="([^"]*)"', sheet), re.search(r'\br:id="([^"]*)"', sheet)
        if name and rid and rid[1] in targets:
            titles[targets[rid[1]]] = unescape(name[1], {"&quot;": '"', "&apos;": "'"})
    return titles


def _count_cells(head: bytes, rest) -> int:
    """How many cells (``<c `` elements) a sheet's XML holds, read in chunks so a huge
    sheet is counted without being held in memory."""
    n, tail, chunk = 0, b"", head
    while chunk:
        buf = tail + chunk
        n += buf.count(b"<c ") - tail.count(b"<c ")
        tail = buf[-2:]
        chunk = rest.read(1 << 20)
    return n


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n



class Book:
    """Two views of one workbook: formulas (to know which cells are formulas) and the
    values Excel or LibreOffice saved for them."""

    def __init__(self, path: str | Path) -> None:
        self.file = str(path)
        p = Path(path)
        suffix = p.suffix.lower()
        if not p.exists():
            raise ScenarioError(self.file, "", "no such file")
        if p.is_dir():
            raise ScenarioError(self.file, "", "is a directory, not a workbook")
        if suffix == ".xls":
            raise ScenarioError(self.file, "", "is an Excel 97-2003 .xls workbook; open it in Excel or LibreOffice "
                                               "and save it as .xlsx")
        if suffix == ".ods":
            raise ScenarioError(self.file, "", "is an OpenDocument spreadsheet; save it as .xlsx")
        if suffix not in WORKBOOK_SUFFIXES:
            raise ScenarioError(self.file, "", "is not an Excel workbook: sroi import reads .xlsx (or .xlsm, "
                                               "without its macros)")
        try:
            st = p.stat()
            if not stat.S_ISREG(st.st_mode):  # a FIFO or a device would block or never end
                raise ScenarioError(self.file, "", "is not a regular file (a pipe or a device); a workbook is an "
                                                   ".xlsx file")
            if st.st_size > MAX_WORKBOOK_BYTES:
                raise ScenarioError(self.file, "", f"is larger than {MAX_WORKBOOK_BYTES // 2**20} MiB; sroi reads "
                                                   "impact maps of up to a few thousand rows")
            data = p.read_bytes()
        except OSError as exc:
            raise ScenarioError(self.file, "", f"cannot be read ({exc.strerror or exc})") from None
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise ScenarioError(self.file, "", "is not an .xlsx workbook (the file is not a zip archive)")
        self._check_size(data)
        from openpyxl import load_workbook

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. unsupported extensions: irrelevant to the values read
                self.formulas = load_workbook(io.BytesIO(data), data_only=False, keep_vba=False, keep_links=False)
                self.values = load_workbook(io.BytesIO(data), data_only=True, keep_vba=False, keep_links=False)
        except Exception as exc:  # openpyxl raises many kinds for a broken package
            raise ScenarioError(self.file, "", f"cannot be read as an .xlsx workbook ({type(exc).__name__}: "
                                               f"{exc})") from None

        for ws in self.formulas.worksheets:  # the cells present, whatever the dimension claimed
            self._check_dimension(ws.title, ws.max_row, ws.max_column)

    def _check_size(self, data: bytes) -> None:
        """Refuse, before parsing, a workbook that would exhaust memory or time: one whose
        parts expand past :data:`MAX_UNCOMPRESSED_BYTES` (a 'zip bomb': a small file of
        highly compressed XML), or a sheet whose declared dimension is past
        :data:`MAX_ROWS` rows or :data:`MAX_COLUMNS` columns. The sizes are the zip
        directory's; a member that expands past its stated size fails its check on reading."""
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                infos = z.infolist()
                total = sum(i.file_size for i in infos)
                if len(infos) > MAX_PARTS or total > MAX_UNCOMPRESSED_BYTES:
                    raise ScenarioError(self.file, "", f"expands to {total / 2**20:,.0f} MiB in {len(infos):,} parts, "
                                        f"over the {MAX_UNCOMPRESSED_BYTES // 2**20} MiB sroi reads (a zip bomb, or "
                                        "an impact map far larger than any scheme)")
                cells, titles = 0, _sheet_titles(z)
                for i in infos:
                    if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"):
                        with z.open(i) as fh:
                            head = fh.read(4096)
                            m = _DIMENSION.search(head)
                            if m:
                                self._check_dimension(titles.get(i.filename, i.filename), int(m["row"]),
                                                      _column_number(m["col"].decode()))
                            cells += _count_cells(head, fh)
                        if cells > MAX_CELLS:
                            raise ScenarioError(self.file, "", f"holds over {MAX_CELLS:,} cells; sroi reads impact "
                                                f"maps of up to a few thousand rows")
        except ScenarioError:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
                ValueError) as exc:
            raise ScenarioError(self.file, "", f"cannot be read as an .xlsx workbook ({type(exc).__name__}: "
                                               f"{exc})") from None

    def _check_dimension(self, sheet: str, rows: int, columns: int) -> None:
        if rows > MAX_ROWS or columns > MAX_COLUMNS:
            raise ScenarioError(self.file, sheet, f"reaches row {rows:,} and column {columns:,}; sroi reads sheets "
                                f"of at most {MAX_ROWS:,} rows and {MAX_COLUMNS:,} columns (delete the stray cells "
                                "far below or to the right of the table)")

    @property
    def sheetnames(self) -> list[str]:
        return self.formulas.sheetnames

    def fail(self, sheet: str, ref: str, message: str) -> ScenarioError:
        return ScenarioError(self.file, f"{sheet}!{ref}" if ref else sheet, message)

    def need(self, sheet: str) -> None:
        if sheet not in self.formulas.sheetnames:
            raise ScenarioError(self.file, sheet, f"sheet missing; an exported sroi workbook has the sheets "
                                                  f"{', '.join(EXPORT_SHEETS)}")

    def get(self, sheet: str, ref: str) -> Any:
        cell = self.formulas[sheet][ref]
        if cell.data_type == "f":
            v = self.values[sheet][ref].value
            if v is None:
                raise self.fail(sheet, ref, "holds a formula with no saved result; type the value, or open the "
                                            "workbook in Excel or LibreOffice and save it so the result is stored")
            return v
        v = cell.value
        if isinstance(v, str) and v.startswith("#") and cell.data_type == "e":
            raise self.fail(sheet, ref, f"holds the error {v}; expected a value")
        return v

    def max_row(self, sheet: str) -> int:
        return self.formulas[sheet].max_row


# ---------------------------------------------------------------------------- typed cells


class Cells:
    """Reads typed values from a :class:`Book` and remembers which cell each scheme
    field came from, so validation messages can name the cell."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.where: dict[str, tuple[str, str]] = {}  # field path -> (sheet!cell, label)

    def fail(self, sheet: str, ref: str, message: str) -> ScenarioError:
        return self.book.fail(sheet, ref, message)

    def note(self, path: str, sheet: str, ref: str, label: str) -> None:
        self.where[path] = (f"{sheet}!{ref}", label)

    def read(self, sheet: str, ref: str, label: str, path: str | None, value: Any = _UNREAD) -> Any:
        """The value of a cell (or ``value``, already read from it), noted as the source of ``path``."""
        v = self.book.get(sheet, ref) if value is _UNREAD else value
        if path:
            self.note(path, sheet, ref, label)
        return v

    def text(self, sheet: str, ref: str, label: str, path: str | None = None) -> str | None:
        v = self.read(sheet, ref, label, path)
        if blank(v):
            return None
        if isinstance(v, bool):
            raise self.fail(sheet, ref, f"{label} must be text, got {v}")
        if isinstance(v, (int, float)):
            return shown(float(v)) if isinstance(v, float) else str(v)
        if not isinstance(v, str):
            raise self.fail(sheet, ref, f"{label} must be text, got {v!r}")
        return v

    def number(self, sheet: str, ref: str, label: str, kind: str, path: str | None = None,
               value: Any = _UNREAD) -> float | None:
        v = self.read(sheet, ref, label, path, value)
        if blank(v):
            return None
        x = to_number(v, kind)
        if x is None:
            raise self.fail(sheet, ref, f"{label} must be {EXPECTED[kind]}, got {shown(v)}")
        if kind == "rate" and not 0.0 <= x <= 1.0:
            raise self.fail(sheet, ref, f"{label} must be {RATE_TEXT}, got {shown(v)}")
        return x

    def whole(self, sheet: str, ref: str, label: str, path: str | None = None) -> int | None:
        v = self.read(sheet, ref, label, path)
        if blank(v):
            return None
        x = to_number(v, "number")
        if x is None or not float(x).is_integer():
            raise self.fail(sheet, ref, f"{label} must be a whole number, got {shown(v)}")
        return int(x)

    def price_year(self, sheet: str, ref: str, label: str, path: str | None = None) -> int | str | None:
        v = self.read(sheet, ref, label, path)
        if blank(v):
            return None
        return parse_price_year(v, lambda msg: self.fail(sheet, ref, f"{label}: {msg}"))

    def flag(self, sheet: str, ref: str, label: str, *, yes_no: bool = False) -> bool:
        v = self.book.get(sheet, ref)
        if blank(v) or v is False or (not isinstance(v, bool) and v == 0):
            return False
        if v is True or (not isinstance(v, bool) and v == 1):
            return True
        if isinstance(v, str) and v.strip().lower() in ("true", "yes", "y", "1", "false", "no", "n", "0"):
            return v.strip().lower() in ("true", "yes", "y", "1")
        what = "TRUE or FALSE (or yes/no)" if yes_no else "1 (spent in this year) or blank"
        raise self.fail(sheet, ref, f"{label} must be {what}, got {shown(v)}")


class Reader:
    """The base of a layout's reader: the workbook, its typed cells, and failing at a cell."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.c = Cells(book)

    def fail(self, sheet: str, ref: str, message: str) -> ScenarioError:
        return self.book.fail(sheet, ref, message)
