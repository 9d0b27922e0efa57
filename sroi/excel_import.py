"""Read an impact map from an Excel workbook into a validated :class:`~sroi.model.Scheme`.

Two layouts are read (both documented in ``docs/excel.md``):

* the workbook ``sroi export`` writes: its visible input cells are read, so an
  assumption changed in Excel flows back; formula cells are never read;
* a common SROI value map: one sheet with a header row (stakeholder, outcome,
  indicator, quantity, duration, proxy, value, deadweight, displacement, attribution,
  drop-off, ...) and an inputs table. What such a map does not carry (price year,
  currency, horizon, timing convention, beneficiary, value type) must come from
  cells above the header row or from explicit arguments; nothing is guessed.

A workbook is only read: openpyxl parses the XML and never runs macros. Every
problem raises :class:`~sroi.errors.ScenarioError` naming the file, ``sheet!cell``
and what was expected; the mapping built is then validated by
:func:`sroi.scenario.from_dict`, whose messages are re-pointed at the cell the
offending value came from.
"""

from __future__ import annotations

import difflib
import io
import math
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from .discounting import GREEN_BOOK_BANDS
from .errors import PriceYearError, ScenarioError
from .excel_layout import (
    ABOUT, DISCOUNT_BAND_FIRST, DISCOUNTING, FIRST_ROW, GAPS, HOLDERS, INPUT_COLUMNS, INPUTS, MAP, MARKER,
    OUTCOME_COLUMNS, PARAMETER_META, PARAMETERS, SCENARIOS, SETTINGS, SETTINGS_ROWS, SOURCES, STRUCTURE_LABELS, YEARS,
    Layout,
)
from .model import BUDGET_HOLDERS, VALUE_TYPES, Scheme
from .prices import PriceYear

__all__ = ["import_workbook", "ValueMapOptions"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class ValueMapOptions:
    """What a value map does not say, given explicitly (``None``: not given)."""

    name: str | None = None
    price_year: int | str | None = None
    currency: str | None = None
    horizon: int | None = None
    convention: str | None = None
    schedule: str | None = None
    discount_rate: float | str | None = None
    beneficiary: str | None = None
    value_type: str | None = None
    funder: str | None = None

    def given(self) -> list[str]:
        return [k for k, v in self.__dict__.items() if v is not None]


# ---------------------------------------------------------------------------- cells and values


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _shown(v: Any) -> str:
    if isinstance(v, str):
        return repr(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


class _Book:
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
            data = p.read_bytes()
        except OSError as exc:
            raise ScenarioError(self.file, "", f"cannot be read ({exc.strerror or exc})") from None
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise ScenarioError(self.file, "", "is not an .xlsx workbook (the file is not a zip archive)")
        from openpyxl import load_workbook

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. unsupported extensions: irrelevant to the values read
                self.formulas = load_workbook(io.BytesIO(data), data_only=False, keep_vba=False, keep_links=False)
                self.values = load_workbook(io.BytesIO(data), data_only=True, keep_vba=False, keep_links=False)
        except Exception as exc:  # openpyxl raises many kinds for a broken package
            raise ScenarioError(self.file, "", f"cannot be read as an .xlsx workbook ({type(exc).__name__}: "
                                               f"{exc})") from None

    @property
    def sheetnames(self) -> list[str]:
        return self.formulas.sheetnames

    def fail(self, sheet: str, ref: str, message: str) -> ScenarioError:
        return ScenarioError(self.file, f"{sheet}!{ref}" if ref else sheet, message)

    def need(self, sheet: str) -> None:
        if sheet not in self.formulas.sheetnames:
            raise ScenarioError(self.file, sheet, f"sheet missing; an exported sroi workbook has the sheets "
                                                  f"{', '.join(_EXPORT_SHEETS)}")

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


_EXPORT_SHEETS = (ABOUT, SETTINGS, INPUTS, MAP, YEARS, DISCOUNTING, PARAMETERS, SCENARIOS, SOURCES, HOLDERS, GAPS)

RATE_TEXT = "a rate between 0 and 1 (or a percentage)"
EXPECTED = {"rate": RATE_TEXT, "money": "an amount of money (a number)", "number": "a number",
            "years": "a number of years"}


class _Cells:
    """Reads typed values from a :class:`_Book` and remembers which cell each scheme
    field came from, so validation messages can name the cell."""

    def __init__(self, book: _Book) -> None:
        self.book = book
        self.where: dict[str, tuple[str, str]] = {}  # field path -> (sheet!cell, label)

    def fail(self, sheet: str, ref: str, message: str) -> ScenarioError:
        return self.book.fail(sheet, ref, message)

    def note(self, path: str, sheet: str, ref: str, label: str) -> None:
        self.where[path] = (f"{sheet}!{ref}", label)

    def text(self, sheet: str, ref: str, label: str, path: str | None = None) -> str | None:
        v = self.book.get(sheet, ref)
        if path:
            self.note(path, sheet, ref, label)
        if _blank(v):
            return None
        if isinstance(v, bool):
            raise self.fail(sheet, ref, f"{label} must be text, got {v}")
        if isinstance(v, (int, float)):
            return _shown(float(v)) if isinstance(v, float) else str(v)
        if not isinstance(v, str):
            raise self.fail(sheet, ref, f"{label} must be text, got {v!r}")
        return v

    def number(self, sheet: str, ref: str, label: str, kind: str, path: str | None = None,
               value: Any = None, use_value: bool = False) -> float | None:
        v = value if use_value else self.book.get(sheet, ref)
        if path:
            self.note(path, sheet, ref, label)
        if _blank(v):
            return None
        x = _to_number(v, kind)
        if x is None:
            raise self.fail(sheet, ref, f"{label} must be {EXPECTED[kind]}, got {_shown(v)}")
        if kind == "rate" and not 0.0 <= x <= 1.0:
            raise self.fail(sheet, ref, f"{label} must be {RATE_TEXT}, got {_shown(v)}")
        return x

    def whole(self, sheet: str, ref: str, label: str, path: str | None = None) -> int | None:
        v = self.book.get(sheet, ref)
        if path:
            self.note(path, sheet, ref, label)
        if _blank(v):
            return None
        x = _to_number(v, "number")
        if x is None or not float(x).is_integer():
            raise self.fail(sheet, ref, f"{label} must be a whole number, got {_shown(v)}")
        return int(x)

    def price_year(self, sheet: str, ref: str, label: str, path: str | None = None) -> int | str | None:
        v = self.book.get(sheet, ref)
        if path:
            self.note(path, sheet, ref, label)
        if _blank(v):
            return None
        return _price_year(v, lambda msg: self.fail(sheet, ref, f"{label}: {msg}"))

    def flag(self, sheet: str, ref: str, label: str, *, yes_no: bool = False) -> bool:
        v = self.book.get(sheet, ref)
        if _blank(v) or v is False or (not isinstance(v, bool) and v == 0):
            return False
        if v is True or (not isinstance(v, bool) and v == 1):
            return True
        if isinstance(v, str) and v.strip().lower() in ("true", "yes", "y", "1", "false", "no", "n", "0"):
            return v.strip().lower() in ("true", "yes", "y", "1")
        what = "TRUE or FALSE (or yes/no)" if yes_no else "1 (spent in this year) or blank"
        raise self.fail(sheet, ref, f"{label} must be {what}, got {_shown(v)}")


_NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")


def _to_number(v: Any, kind: str) -> float | None:
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


def _price_year(v: Any, fail) -> int | str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, (int, str)) and not isinstance(v, bool):
        try:
            return PriceYear.parse(v.strip() if isinstance(v, str) else v).to_toml()
        except PriceYearError as exc:
            raise fail(str(exc)) from None
    raise fail(f"a price year is a calendar year such as 2019 or a financial year such as '2019-20', got {v!r}")


def _translate(exc: ScenarioError, file: str, where: dict[str, tuple[str, str]]) -> ScenarioError:
    """Point a :func:`from_dict` message at the cell the offending value came from."""
    path = exc.field
    best = None
    for key in where:
        if path == key or path.startswith(key + ".") or path.startswith(key + "["):
            if best is None or len(key) > len(best):
                best = key
    if best is None:
        return ScenarioError(file, exc.field, exc.message)
    loc, label = where[best]
    rest = path[len(best):].lstrip(".")
    label = f"{label} ({rest})" if rest and not rest.startswith("[") else label
    joiner = " " if exc.message.startswith(("must", "is ", "has ", "needs", "lists")) else ": "
    return ScenarioError(file, loc, f"{label}{joiner}{exc.message}")


def _validate(data: dict, file: str, where: dict[str, tuple[str, str]]) -> Scheme:
    from .scenario import from_dict

    try:
        return from_dict(data, path=file)
    except ScenarioError as exc:
        raise _translate(exc, file, where) from None


# ---------------------------------------------------------------------------- the exported layout


class _Exported:
    """Reads the layout written by :mod:`sroi.excel_export`."""

    def __init__(self, book: _Book) -> None:
        self.book = book
        self.c = _Cells(book)
        # "Sheet!A1" -> (row on 'Parameters', {key: (raw value, its cell)})
        self.meta: dict[str, tuple[int, dict[str, tuple[Any, str]]]] = {}

    def fail(self, sheet: str, ref: str, message: str) -> ScenarioError:
        return self.book.fail(sheet, ref, message)

    # -- structure ---------------------------------------------------------------------
    def labelled_rows(self, sheet: str, labels: list[str], column: str = "A", last: int = 80) -> dict[str, int]:
        found: dict[str, int] = {}
        wanted = {lab.lower(): lab for lab in labels}
        for r in range(1, min(last, self.book.max_row(sheet)) + 1):
            v = self.book.formulas[sheet][f"{column}{r}"].value
            if isinstance(v, str) and v.strip().lower() in wanted:
                found.setdefault(wanted[v.strip().lower()], r)
        for lab in labels:
            if lab not in found:
                raise self.fail(sheet, column, f"no row labelled '{lab}'; the exported layout was changed")
        return found

    def layout(self) -> Layout:
        rows = self.labelled_rows(ABOUT, list(STRUCTURE_LABELS))
        counts = []
        for lab in STRUCTURE_LABELS:
            n = self.c.whole(ABOUT, f"B{rows[lab]}", lab.lower())
            if n is None or n < 1:
                raise self.fail(ABOUT, f"B{rows[lab]}", f"{lab.lower()} must be a whole number of at least 1")
            counts.append(n)
        outcomes, inputs, horizon, intakes = counts
        periods = 0
        while self.book.formulas[DISCOUNTING][f"A{Layout.custom_row(periods + 1)}"].value is not None:
            periods += 1
        return Layout(outcomes, inputs, horizon, intakes, periods)

    def expect_label(self, sheet: str, ref: str, text: str) -> None:
        v = self.book.formulas[sheet][ref].value
        if not (isinstance(v, str) and v.strip() == text):
            raise self.fail(sheet, ref, f"expected the label '{text}', got {_shown(v) if v is not None else 'a blank'}"
                                        "; rows of the exported layout must not be moved, inserted or deleted")

    # -- parameters --------------------------------------------------------------------
    def read_meta(self) -> None:
        sh = PARAMETERS
        for r in range(FIRST_ROW, self.book.max_row(sh) + 1):
            key = self.book.formulas[sh][f"C{r}"].value
            values = {m: (self.book.get(sh, f"{chr(ord('E') + k)}{r}"), f"{chr(ord('E') + k)}{r}")
                      for k, m in enumerate(PARAMETER_META)}
            if _blank(key):
                if any(not _blank(v) for v, _ in values.values()):
                    raise self.fail(sh, f"C{r}", "base value cell missing; name the cell that holds the base value "
                                                 "(such as 'Impact map!O5')")
                continue
            if not isinstance(key, str):
                raise self.fail(sh, f"C{r}", f"must name a cell such as 'Impact map!O5', got {_shown(key)}")
            self.meta[key.strip()] = (r, values)

    def param(self, sheet: str, ref: str, path: str, label: str, kind: str, *, base: bool = True) -> Any:
        """A parameter: the base from its cell, the rest from its row of 'Parameters'."""
        x = self.c.number(sheet, ref, label, kind, path) if base else None
        self.c.note(f"{path}.base", sheet, ref, label)
        meta = self.meta.pop(f"{sheet}!{ref}", (0, None))[1]
        if not meta or all(_blank(v) for v, _ in meta.values()):
            return x
        out: dict[str, Any] = {} if x is None and base else ({"base": x} if base else {})
        dist: dict[str, Any] = {}
        for key in PARAMETER_META:
            raw, cell = meta[key]
            self.c.note(f"{path}.distribution.type" if key == "distribution" else
                        f"{path}.distribution.{key}" if key in ("sd", "lambda") else f"{path}.{key}",
                        PARAMETERS, cell, f"{label} {key}")
            if _blank(raw):
                continue
            if key in ("low", "high"):
                out[key] = self.c.number(PARAMETERS, cell, f"{label} {key}", kind, value=raw, use_value=True)
            elif key in ("sd", "lambda"):
                dist[key] = self.c.number(PARAMETERS, cell, f"{label} {key}", "number", value=raw, use_value=True)
            elif key == "distribution":
                dist["type"] = self.c.text(PARAMETERS, cell, f"{label} distribution")
            else:
                out[key] = self.c.text(PARAMETERS, cell, f"{label} {key}")
        if dist:
            out["distribution"] = dist
            self.c.note(f"{path}.distribution", PARAMETERS, meta["distribution"][1], f"{label} distribution")
        return out

    # -- sheets ------------------------------------------------------------------------
    def read(self) -> Scheme:
        for sheet in _EXPORT_SHEETS:
            self.book.need(sheet)
        L = self.layout()
        self.read_meta()
        c = self.c
        rows = self.labelled_rows(SETTINGS, [lab for _k, lab, _h in SETTINGS_ROWS])
        row = {key: rows[lab] for key, lab, _h in SETTINGS_ROWS}
        S = SETTINGS

        def setting_text(key: str, path: str) -> str | None:
            return c.text(S, f"B{row[key]}", path.split(".")[-1].replace("_", " "), path)

        data: dict[str, Any] = {}
        for key in ("name", "place", "description", "currency"):
            value = setting_text(key, key)
            if value is not None:
                data[key] = value
        price_base = c.price_year(S, f"B{row['price_base']}", "price base", "price_base")
        if price_base is not None:
            data["price_base"] = price_base
        horizon = c.whole(S, f"B{row['horizon']}", "horizon", "horizon")
        if horizon != L.horizon:
            raise self.fail(S, f"B{row['horizon']}", f"horizon is {_shown(horizon) if horizon else 'blank'} but "
                                                      f"this workbook has {L.horizon} year columns; the horizon is "
                                                      "fixed by the export: change it in the scheme file and export "
                                                      "again")
        data["horizon"] = horizon
        tables = setting_text("proxy_tables", "proxy_tables")
        if tables:
            data["proxy_tables"] = [t.strip() for t in tables.splitlines() if t.strip()]
        disc: dict[str, Any] = {}
        for key in ("convention", "schedule"):
            v = setting_text(key, f"discounting.{key}")
            if v is not None:
                disc[key] = v
        rate = self.param(S, f"B{row['rate']}", "discounting.rate", "constant discount rate", "rate")
        if rate is not None:
            disc["rate"] = rate
        src = setting_text("discounting_source", "discounting.source")
        if src is not None:
            disc["source"] = src
        self.check_bands()
        rates = self.column_run(DISCOUNTING, "B", [Layout.custom_row(t) for t in range(1, L.periods + 1)],
                                "custom discount rate", "rate")
        if rates:
            disc["rates"] = rates
            c.note("discounting.rates", DISCOUNTING, f"B{Layout.custom_row(1)}", "custom discount rates")
            for t in range(1, len(rates) + 1):
                c.note(f"discounting.rates[{t}]", DISCOUNTING, f"B{Layout.custom_row(t)}", f"custom rate {t}")
        data["discounting"] = disc

        people = self.cohort(L)
        if people:
            cohort: dict[str, Any] = {"participants": people}
            csrc = setting_text("cohort_source", "cohort.source")
            if csrc is not None:
                cohort["source"] = csrc
            data["cohort"] = cohort
            c.note("cohort.participants", YEARS, f"{L.year_col(1)}{L.PEOPLE_ROW}", "participants")
        elif setting_text("cohort_source", "cohort.source") is not None:
            raise self.fail(S, f"B{row['cohort_source']}", "cohort source is given but no participants are "
                                                           f"listed on '{YEARS}'")

        data["sources"] = self.sources()
        data["budget_holders"] = self.holders()
        data["gaps"] = self.gaps()
        data["scenarios"] = self.scenarios()
        data["inputs"] = [self.input(L, j) for j in range(L.inputs)]
        self.no_extra_rows(INPUTS, INPUT_COLUMNS, L.inputs, "input")
        data["outcomes"] = [self.outcome(L, i) for i in range(L.outcomes)]
        self.no_extra_rows(MAP, OUTCOME_COLUMNS, L.outcomes, "outcome")
        for key, (r, values) in self.meta.items():
            if any(not _blank(v) for v, _ in values.values()):
                raise self.fail(PARAMETERS, f"C{r}", f"'{key}' is not a parameter cell of this workbook "
                                                     "(it holds no number the scheme uses)")
        for key in ("sources", "budget_holders", "gaps", "scenarios"):
            if not data[key]:
                del data[key]
        scheme = _validate(data, self.book.file, c.where)
        self.check_library(scheme, L)
        return scheme

    def check_bands(self) -> None:
        lower = 0
        for k, (last, rate) in enumerate(GREEN_BOOK_BANDS):
            r = DISCOUNT_BAND_FIRST + k
            got = self.book.get(DISCOUNTING, f"C{r}")
            first = int(lower + 1)
            span = f"periods {first} to {int(last)}" if last != math.inf else f"periods from {first}"
            if not isinstance(got, (int, float)) or isinstance(got, bool) or float(got) != rate:
                raise self.fail(DISCOUNTING, f"C{r}", f"the Green Book rate for {span} is {rate:g}, got "
                                                      f"{_shown(got)}; to use other rates set the discount schedule "
                                                      "to 'custom' and list them under Custom rates")
            lower = last

    def column_run(self, sheet: str, column: str, rows: list[int], label: str, kind: str) -> list[Any]:
        """Values down (or across) a run of cells, stopping at the first blank; a value
        after a blank is an error."""
        out: list[Any] = []
        gap = None
        for r in rows:
            ref = f"{column}{r}" if column else r
            v = self.book.get(sheet, ref)
            if _blank(v):
                gap = gap or ref
                continue
            if gap:
                raise self.fail(sheet, ref, f"{label} after a blank at {gap}; fill the gap (0 if need be) or "
                                            "clear the later cells")
            out.append(self.c.number(sheet, ref, label, kind))
        return out

    def cohort(self, L: Layout) -> list[Any]:
        sh, r = YEARS, L.PEOPLE_ROW
        self.expect_label(sh, f"A{r}", "Participants joining in the year")
        cells = [f"{L.year_col(y)}{r}" for y in range(1, L.horizon + 1)]
        values = self.column_run(sh, "", cells, "participants", "number")
        if len(values) > L.intakes:
            ref = cells[L.intakes]
            raise self.fail(sh, ref, f"participants in year {L.intakes + 1} are beyond the {L.intakes} intake "
                                     f"year{'s' if L.intakes > 1 else ''} this workbook was built for; add them in "
                                     "the scheme file and export again")
        return [self.param(sh, cells[y], f"cohort.participants[{y + 1}]", f"participants in year {y + 1}", "number")
                for y in range(len(values))]

    def table_rows(self, sheet: str, ncols: int) -> list[tuple[int, list[Any]]]:
        out = []
        for r in range(FIRST_ROW, self.book.max_row(sheet) + 1):
            vals = [self.book.get(sheet, f"{chr(ord('A') + k)}{r}") for k in range(ncols)]
            if any(not _blank(v) for v in vals):
                out.append((r, vals))
        return out

    def sources(self) -> list[dict[str, Any]]:
        out = []
        for k, (r, _vals) in enumerate(self.table_rows(SOURCES, 4), 1):
            d = {}
            for n, key in enumerate(("id", "citation", "url", "note")):
                v = self.c.text(SOURCES, f"{chr(ord('A') + n)}{r}", f"source {key}", f"sources[{k}].{key}")
                if v is not None:
                    d[key] = v
            self.c.note(f"sources[{k}]", SOURCES, f"A{r}", "source")
            out.append(d)
        return out

    def holders(self) -> list[dict[str, Any]]:
        out = []
        for k, (r, _vals) in enumerate(self.table_rows(HOLDERS, 2), 1):
            d = {}
            for n, key in enumerate(("id", "name")):
                v = self.c.text(HOLDERS, f"{chr(ord('A') + n)}{r}", f"budget holder {key}",
                                f"budget_holders[{k}].{key}")
                if v is not None:
                    d[key] = v
            self.c.note(f"budget_holders[{k}]", HOLDERS, f"A{r}", "budget holder")
            out.append(d)
        return out

    def scenarios(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        sh, c = SCENARIOS, self.c
        for r, vals in self.table_rows(sh, 5):
            name = c.text(sh, f"A{r}", "scenario name")
            if name is not None:
                k = len(out) + 1
                at = f"scenarios[{k}]"
                c.note(at, sh, f"A{r}", "scenario")
                c.note(f"{at}.name", sh, f"A{r}", "scenario name")
                c.note(f"{at}.set", sh, f"D{r}", "scenario parameters")
                out.append({"name": name, "set": {}})
                for key, column in (("description", "B"), ("source", "C")):
                    v = c.text(sh, f"{column}{r}", f"scenario {key}", f"{at}.{key}")
                    if v is not None:
                        out[-1][key] = v
            elif not out:
                raise self.fail(sh, f"A{r}", "scenario name missing; the first row of a scenario names it")
            else:
                for column in ("B", "C"):
                    if not _blank(vals[ord(column) - ord("A")]):
                        raise self.fail(sh, f"{column}{r}", "a scenario's description and source go on its first "
                                                            "row, beside its name")
            at = f"scenarios[{len(out)}]"
            pname = c.text(sh, f"D{r}", "parameter")
            value = c.number(sh, f"E{r}", "scenario value", "number")
            if pname is None and value is None:
                continue
            if pname is None:
                raise self.fail(sh, f"D{r}", "parameter missing; name the parameter this value replaces")
            if value is None:
                raise self.fail(sh, f"E{r}", f"value missing for parameter '{pname}'")
            if pname in out[-1]["set"]:
                raise self.fail(sh, f"D{r}", f"parameter '{pname}' is set twice in this scenario")
            out[-1]["set"][pname] = value
            c.note(f"{at}.set.{pname}", sh, f"E{r}", f"value of {pname}")
        return out

    def gaps(self) -> list[str]:
        out = []
        for r, _vals in self.table_rows(GAPS, 1):
            out.append(self.c.text(GAPS, f"A{r}", "gap"))
        return out

    def no_extra_rows(self, sheet: str, columns, n: int, what: str) -> None:
        inputs = [k for k, (*_rest, style) in enumerate(columns, 1) if style == "input"]
        for r in range(FIRST_ROW + n, self.book.max_row(sheet) + 1):
            for k in inputs:
                ref = f"{get_column_letter(k)}{r}"
                if not _blank(self.book.formulas[sheet][ref].value):
                    raise self.fail(sheet, ref, f"this workbook was exported with {n} {what} row"
                                                f"{'s' if n != 1 else ''}; a row added here has no year-by-year "
                                                f"formulas: add the {what} to the scheme file and export again "
                                                "(or import a value map)")

    def input(self, L: Layout, j: int) -> dict[str, Any]:
        sh, r, c = INPUTS, L.in_row(j), self.c
        at = f"inputs[{j + 1}]"
        col = Layout.in_col
        c.note(at, sh, f"A{r}", "input")
        d: dict[str, Any] = {}
        for key in ("id", "description", "funder", "kind", "basis", "unit", "source", "note"):
            v = c.text(sh, f"{col(key)}{r}", key.replace("_", " "), f"{at}.{key}")
            if v is not None:
                d[key] = v
        if "id" not in d:
            raise self.fail(sh, f"A{r}", "ID missing; every input row needs an id (rows cannot be removed from "
                                         "an exported workbook: remove the input from the scheme file and export "
                                         "again)")
        for key, kind in (("amount", "money"), ("quantity", "number"), ("unit_cost", "money")):
            v = self.param(sh, f"{col(key)}{r}", f"{at}.{key}", key.replace("_", " "), kind)
            if v is not None:
                d[key] = v
        py = c.price_year(sh, f"{col('price_year')}{r}", "price year", f"{at}.price_year")
        if py is not None:
            d["price_year"] = py
        fr = L.flag_row(j)
        self.expect_label(YEARS, f"A{fr}", "Spent in this year? (1 = yes)")
        d["years"] = [y for y in range(1, L.horizon + 1)
                      if c.flag(YEARS, f"{L.year_col(y)}{fr}", "a year of spending")]
        c.note(f"{at}.years", YEARS, f"{L.year_col(1)}{fr}", "years of spending")
        return d

    def outcome(self, L: Layout, i: int) -> dict[str, Any]:
        sh, r, c = MAP, L.out_row(i), self.c
        at = f"outcomes[{i + 1}]"
        col = Layout.out_col
        c.note(at, sh, f"A{r}", "outcome row")
        d: dict[str, Any] = {}
        for key in ("id", "stakeholder", "outcome", "indicator", "beneficiary", "value_type", "note"):
            v = c.text(sh, f"{col(key)}{r}", key.replace("_", " "), f"{at}.{key}")
            if v is not None:
                d[key] = v
        if "id" not in d:
            raise self.fail(sh, f"A{r}", "ID missing; every outcome row needs an id (rows cannot be removed from "
                                         "an exported workbook: remove the outcome from the scheme file and export "
                                         "again)")
        basis = c.text(sh, f"{col('quantity_basis')}{r}", "quantity basis")
        ref = f"{col('quantity')}{r}"
        c.note(f"{at}.quantity", sh, ref, "quantity")
        success_ref = f"{col('success')}{r}"
        if basis == "count":
            d["quantity"] = {"count": self.param(sh, ref, f"{at}.quantity.count", "quantity", "number")}
        elif basis == "rate":
            d["quantity"] = {"rate": self.param(sh, ref, f"{at}.quantity.rate", "quantity (a rate)", "rate")}
        elif basis == "engagement_success":
            d["quantity"] = {"engagement": self.param(sh, ref, f"{at}.quantity.engagement", "engagement", "rate"),
                             "success": self.param(sh, success_ref, f"{at}.quantity.success", "success rate",
                                                   "rate")}
        else:
            raise self.fail(sh, f"{col('quantity_basis')}{r}", "quantity basis must be count, rate or "
                                                               f"engagement_success, got {_shown(basis)}")
        if basis != "engagement_success" and not _blank(self.book.get(sh, success_ref)):
            raise self.fail(sh, success_ref, "success rate is used only with quantity basis engagement_success; "
                                             "clear it or change the basis")
        for q in d["quantity"].values():
            if q is None:
                raise self.fail(sh, ref, "quantity missing; every outcome needs a quantity")
        d["proxy"] = self.proxy(sh, r, at)
        for key, kind in (("deadweight", "rate"), ("displacement", "rate"), ("attribution", "rate"),
                          ("drop_off", "rate"), ("duration", "years")):
            v = self.param(sh, f"{col(key)}{r}", f"{at}.{key}", key.replace("_", "-"), kind)
            if v is not None:
                d[key] = v
        start = c.whole(sh, f"{col('start_year')}{r}", "start year", f"{at}.start_year")
        if start is not None:
            d["start_year"] = start
        d["disbenefit"] = c.flag(sh, f"{col('disbenefit')}{r}", "disbenefit", yes_no=True)
        evidence = {}
        for key in ("source", "confidence", "note"):
            v = c.text(sh, f"{col('evidence_' + key)}{r}", f"evidence {key}", f"{at}.evidence.{key}")
            if v is not None:
                evidence[key] = v
        if evidence:
            d["evidence"] = evidence
        return d

    def proxy(self, sh: str, r: int, at: str) -> Any:
        c, col = self.c, Layout.out_col
        ref = c.text(sh, f"{col('proxy_ref')}{r}", "proxy library id", f"{at}.proxy")
        if ref is not None:
            extras = self.param(sh, f"{col('proxy_value')}{r}", f"{at}.proxy", "proxy", "money", base=False)
            return {"id": ref, **(extras or {})}
        p: dict[str, Any] = {}
        value = self.param(sh, f"{col('proxy_value')}{r}", f"{at}.proxy.value", "value per unit", "money")
        if value is not None:
            p["value"] = value
        for key, name in (("unit", "proxy_unit"), ("source", "proxy_source"), ("url", "proxy_url"),
                          ("description", "proxy_description")):
            v = c.text(sh, f"{col(name)}{r}", name.replace("_", " "), f"{at}.proxy.{key}")
            if v is not None:
                p[key] = v
        py = c.price_year(sh, f"{col('proxy_price_year')}{r}", "proxy price year", f"{at}.proxy.price_year")
        if py is not None:
            p["price_year"] = py
        return p

    def check_library(self, scheme: Scheme, L: Layout) -> None:
        """Cells shown from the proxy library must still match it: an edit there would
        change the workbook's figures but could not be held by a library reference."""
        col = Layout.out_col
        for i, o in enumerate(scheme.outcomes):
            pr = o.proxy
            if pr.ref is None:
                continue
            r = L.out_row(i)
            shown = {
                "proxy_value": (pr.value.base, lambda ref: self.c.number(MAP, ref, "value per unit", "money")),
                "proxy_unit": (pr.unit, lambda ref: self.c.text(MAP, ref, "unit")),
                "proxy_price_year": (pr.price_year.to_toml(), lambda ref: self.c.price_year(MAP, ref, "price year")),
                "proxy_source": (pr.source, lambda ref: self.c.text(MAP, ref, "source")),
                "proxy_url": (pr.url, lambda ref: self.c.text(MAP, ref, "url")),
                "proxy_description": (pr.description, lambda ref: self.c.text(MAP, ref, "description")),
            }
            for key, (expected, read) in shown.items():
                ref = f"{col(key)}{r}"
                got = read(ref)
                if got != expected:
                    label = next(h for k, h, *_ in OUTCOME_COLUMNS if k == key).lower()
                    raise self.fail(MAP, ref, f"{label} {_shown(got) if got is not None else 'blank'} differs from "
                                              f"proxy library entry '{pr.ref}' ({_shown(expected)}); to use your own, "
                                              "clear the proxy library id and give the value, unit, price year and "
                                              "source")


# ---------------------------------------------------------------------------- a common SROI value map


def _norm(text: Any) -> str:
    if not isinstance(text, str):
        return ""
    t = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text.lower())
    t = re.sub(r"[^a-z0-9]+", " ", t)
    return " ".join(t.split())


OUTCOME_HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "outcome id"),
    "stakeholder": ("stakeholder", "stakeholders", "stakeholder group"),
    "outcome": ("outcome", "outcomes", "outcome description", "what changes", "the outcome"),
    "indicator": ("indicator", "indicators"),
    "quantity": ("quantity", "qty", "number of people", "how many"),
    "duration": ("duration", "duration years", "how long it lasts"),
    "proxy": ("proxy", "financial proxy", "proxy description", "financial proxy description"),
    "value": ("value", "value per unit", "proxy value", "unit value", "value of proxy", "value of the proxy",
              "financial proxy value"),
    "unit": ("unit", "proxy unit", "unit of proxy"),
    "source": ("source", "proxy source", "source of proxy", "source of the proxy", "source of financial proxy"),
    "price_year": ("price year", "proxy price year"),
    "deadweight": ("deadweight", "dead weight"),
    "displacement": ("displacement",),
    "attribution": ("attribution",),
    "drop_off": ("drop off", "dropoff", "drop off per year", "drop off rate"),
    "start_year": ("start year", "starts in year"),
    "beneficiary": ("beneficiary", "budget holder"),
    "value_type": ("value type", "type of value"),
    "disbenefit": ("disbenefit",),
    "note": ("note", "notes", "comment", "comments"),
}
INPUT_HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "input id"),
    "funder": ("funder", "paid by", "who pays", "stakeholder", "budget holder"),
    "description": ("description", "input", "inputs", "input description"),
    "amount": ("amount", "value", "cost", "amount per year"),
    "year": ("year", "years", "in year"),
    "price_year": ("price year",),
    "kind": ("kind",),
    "source": ("source",),
    "note": ("note", "notes", "comment", "comments"),
}
SETTING_LABELS: dict[str, tuple[str, ...]] = {
    "name": ("scheme", "scheme name", "name", "title", "project"),
    "place": ("place", "location"),
    "description": ("description",),
    "price_year": ("price year", "price base", "prices"),
    "currency": ("currency",),
    "horizon": ("horizon", "horizon years", "period of analysis"),
    "convention": ("convention", "timing convention", "discounting convention"),
    "schedule": ("schedule", "discount schedule"),
    "discount_rate": ("discount rate",),
    "beneficiary": ("beneficiary", "budget holder"),
    "value_type": ("value type",),
    "funder": ("funder",),
}
OUTCOME_REQUIRED = ("stakeholder", "outcome", "quantity", "duration", "value")
OPTION_FLAGS = {"name": "--name", "price_year": "--price-year", "currency": "--currency", "horizon": "--horizon",
                "convention": "--convention", "schedule": "--schedule", "discount_rate": "--discount-rate",
                "beneficiary": "--beneficiary", "value_type": "--value-type", "funder": "--funder"}
UNIT_DEFAULT = "per unit of quantity (as in the value map)"


def _lookup(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {alias: key for key, names in aliases.items() for alias in names}


def _slug(text: str, taken: set[str], prefix: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40].rstrip("_") or prefix
    if not s[0].isalpha():
        s = f"{prefix}_{s}"
    out, n = s, 2
    while out in taken:
        out, n = f"{s}_{n}", n + 1
    taken.add(out)
    return out


def _holder(text: str | None) -> str | None:
    """A budget holder id, or its built-in display name (case-insensitive) turned into the id."""
    if text is None:
        return None
    t = text.strip()
    names = {name.lower(): hid for hid, name in BUDGET_HOLDERS.items()}
    return names.get(t.lower(), t)


def _value_type(text: str | None) -> str | None:
    if text is None:
        return None
    t = re.sub(r"[\s\-]+", "_", text.strip().lower()).replace(",", "")
    return t if t in VALUE_TYPES else text


def _years(v: Any, fail) -> list[int]:
    if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer():
        return [int(v)]
    if isinstance(v, str):
        out: list[int] = []
        for part in re.split(r"[,;]", v):
            part = part.strip()
            m = re.fullmatch(r"(\d+)\s*(?:-|to|–)\s*(\d+)", part)
            if m and int(m[1]) <= int(m[2]):
                out.extend(range(int(m[1]), int(m[2]) + 1))
            elif part.isdigit():
                out.append(int(part))
            else:
                break
        else:
            if out:
                return out
    raise fail(f"year must be a year such as 1, a list such as '1, 2, 5' or a range such as '1-3', got {_shown(v)}")


class _ValueMap:
    """Reads one sheet laid out as a common SROI value map (see ``docs/excel.md``)."""

    def __init__(self, book: _Book, sheet: str | None, options: ValueMapOptions) -> None:
        self.book = book
        self.c = _Cells(book)
        self.options = options
        self.sheet_name = sheet

    def fail(self, sheet: str, ref: str, message: str) -> ScenarioError:
        return self.book.fail(sheet, ref, message)

    def header(self, sheet: str, aliases: dict[str, tuple[str, ...]], required: tuple[str, ...], first: int = 1,
               last: int = 30) -> tuple[int, dict[str, int]] | None:
        """The first row from ``first`` holding all ``required`` headers, as (row, key -> column)."""
        ws = self.book.formulas[sheet]
        table = _lookup(aliases)
        for r in range(first, min(last, ws.max_row) + 1):
            cols: dict[str, int] = {}
            for cell in ws[r]:
                key = table.get(_norm(cell.value))
                if key is not None and key not in cols:
                    cols[key] = cell.column
            if all(k in cols for k in required[:2]) and len(cols) >= 3:
                return r, cols
        return None

    def check_header(self, sheet: str, r: int, cols: dict[str, int], aliases, required) -> None:
        ws = self.book.formulas[sheet]
        table = _lookup(aliases)
        seen: dict[str, str] = {}
        for cell in ws[r]:
            name = _norm(cell.value)
            if not name:
                continue
            key = table.get(name)
            if key is None:
                close = difflib.get_close_matches(name, list(table), n=1, cutoff=0.8)
                if close:
                    raise self.fail(sheet, cell.coordinate, f"unknown column {cell.value!r}; did you mean "
                                                            f"'{close[0]}'?")
                continue
            if key in seen:
                raise self.fail(sheet, cell.coordinate, f"column '{key.replace('_', ' ')}' appears twice (also "
                                                        f"{seen[key]}); keep one")
            seen[key] = cell.coordinate
        for key in required:
            if key not in cols:
                last = get_column_letter(max([cell.column for cell in ws[r] if not _blank(cell.value)] or [1]))
                raise self.fail(sheet, f"A{r}:{last}{r}", f"the header row has no '{key.replace('_', ' ')}' "
                                                          f"column; a value map needs {', '.join(required)}")

    def find_sheet(self) -> tuple[str, int, dict[str, int]]:
        names = [self.sheet_name] if self.sheet_name else self.book.sheetnames
        if self.sheet_name and self.sheet_name not in self.book.sheetnames:
            raise ScenarioError(self.book.file, self.sheet_name, f"no such sheet; the workbook has "
                                                                 f"{', '.join(self.book.sheetnames)}")
        for name in names:
            found = self.header(name, OUTCOME_HEADERS, ("stakeholder", "outcome"))
            if found:
                self.check_header(name, *found, OUTCOME_HEADERS, OUTCOME_REQUIRED)
                return name, *found
        where = f"sheet '{self.sheet_name}'" if self.sheet_name else "any sheet"
        raise ScenarioError(self.book.file, self.sheet_name or "", f"no value-map header row found in {where} "
                                                                   "(within its first 30 rows): expected columns "
                                                                   f"{', '.join(OUTCOME_REQUIRED)}, and an "
                                                                   "exported sroi workbook has an 'About' sheet")

    def settings(self, sheet: str, header_row: int) -> dict[str, tuple[Any, str]]:
        """Labelled cells above the header row: label in one cell, value in the next non-blank one."""
        table = _lookup(SETTING_LABELS)
        out: dict[str, tuple[Any, str]] = {}
        ws = self.book.formulas[sheet]
        for r in range(1, header_row):
            cells = [cell for cell in ws[r] if not _blank(cell.value)]
            for k, cell in enumerate(cells[:-1]):
                key = table.get(_norm(str(cell.value).rstrip(":")) if isinstance(cell.value, str) else "")
                if key and key not in out:
                    nxt = cells[k + 1]
                    out[key] = (self.book.get(sheet, nxt.coordinate), nxt.coordinate)
        return out

    def setting(self, key: str, cells: dict[str, tuple[Any, str]], sheet: str) -> tuple[Any, str | None]:
        """(value, cell) from the options first, then the sheet; ``None`` when neither."""
        opt = getattr(self.options, key)
        if opt is not None:
            return opt, None
        if key in cells:
            return cells[key]
        return None, None

    def require(self, key: str, cells, sheet: str, what: str) -> tuple[Any, str | None]:
        v, ref = self.setting(key, cells, sheet)
        if _blank(v):
            label = SETTING_LABELS[key][0].capitalize()
            raise ScenarioError(self.book.file, sheet, f"no {what}: give {OPTION_FLAGS[key]}, or a cell labelled "
                                                       f"'{label}' above the header row with the value beside it")
        return v, ref

    def read(self) -> Scheme:
        sheet, hr, cols = self.find_sheet()
        cells = self.settings(sheet, hr)
        c, file = self.c, self.book.file
        opt_fail = lambda flag: lambda msg: ScenarioError(file, flag, msg)  # noqa: E731

        def cell_fail(ref):
            return lambda msg: self.fail(sheet, ref, msg)

        py_raw, py_ref = self.require("price_year", cells, sheet, "price year (the value map's prices)")
        price_year = _price_year(py_raw, cell_fail(py_ref) if py_ref else opt_fail("--price-year"))
        cur, cur_ref = self.require("currency", cells, sheet, "currency (an ISO code such as GBP)")
        hz, hz_ref = self.require("horizon", cells, sheet, "horizon (years to count value and inputs)")
        horizon = _to_number(hz, "number")
        if horizon is None or not float(horizon).is_integer():
            raise (self.fail(sheet, hz_ref, f"horizon must be a whole number of years, got {_shown(hz)}") if hz_ref
                   else ScenarioError(file, "--horizon", f"must be a whole number of years, got {_shown(hz)}"))
        conv, conv_ref = self.require("convention", cells, sheet, "timing convention ('sroi_guide': value at "
                                                                  "year end, inputs at start; or 'green_book')")
        where: dict[str, tuple[str, str]] = {}
        if py_ref:
            where["price_base"] = (f"{sheet}!{py_ref}", "price year")
        if cur_ref:
            where["currency"] = (f"{sheet}!{cur_ref}", "currency")
        if hz_ref:
            where["horizon"] = (f"{sheet}!{hz_ref}", "horizon")
        if conv_ref:
            where["discounting.convention"] = (f"{sheet}!{conv_ref}", "timing convention")
        disc: dict[str, Any] = {"convention": str(conv).strip()}
        rate_raw, rate_ref = self.setting("discount_rate", cells, sheet)
        sched_raw, sched_ref = self.setting("schedule", cells, sheet)
        if sched_ref:
            where["discounting.schedule"] = (f"{sheet}!{sched_ref}", "discount schedule")
        if not _blank(rate_raw):
            rate = _to_number(rate_raw, "rate")
            if rate is None or not 0 <= rate <= 1:
                raise (self.fail(sheet, rate_ref, f"discount rate must be {RATE_TEXT}, got {_shown(rate_raw)}")
                       if rate_ref else ScenarioError(file, "--discount-rate",
                                                      f"must be {RATE_TEXT}, got {_shown(rate_raw)}"))
            disc["schedule"] = str(sched_raw).strip() if not _blank(sched_raw) else "constant"
            disc["rate"] = rate
            if rate_ref:
                where["discounting.rate"] = (f"{sheet}!{rate_ref}", "discount rate")
        else:
            disc["schedule"] = str(sched_raw).strip() if not _blank(sched_raw) else "green_book"
            if _blank(sched_raw):
                disc["source"] = ("Green Book declining schedule: the scheme format's default, as the value map "
                                  "gives no discount rate")
        name_raw, _ = self.setting("name", cells, sheet)
        data: dict[str, Any] = {
            "name": str(name_raw).strip() if not _blank(name_raw) else f"Value map imported from {Path(file).name}",
            "price_base": price_year, "currency": str(cur).strip(), "horizon": int(horizon), "discounting": disc,
        }
        for key in ("place", "description"):
            v, _ = cells.get(key, (None, None))
            if not _blank(v):
                data[key] = str(v)
        taken: set[str] = set()
        outcomes, last_row = self.outcomes(sheet, hr, cols, cells, price_year, taken, where)
        data["outcomes"] = outcomes
        data["inputs"] = self.inputs(sheet, last_row, cells, price_year, taken, where)
        return _validate(data, file, {**where, **c.where})

    def outcomes(self, sheet, hr, cols, cells, price_year, taken, where):
        c = self.c
        out: list[dict[str, Any]] = []
        stakeholder = None
        r = hr + 1
        last = self.book.max_row(sheet)
        default_beneficiary, ben_ref = self.setting("beneficiary", cells, sheet)
        default_type, type_ref = self.setting("value_type", cells, sheet)
        file = Path(self.book.file).name
        while r <= last:
            ref = {k: f"{get_column_letter(n)}{r}" for k, n in cols.items()}
            raw = {k: self.book.get(sheet, cell) for k, cell in ref.items()}
            first = _norm(raw.get("stakeholder")) or _norm(raw.get("outcome"))
            if all(_blank(v) for v in raw.values()) or first.startswith("total") or first == "inputs":
                break
            k = len(out) + 1
            at = f"outcomes[{k}]"
            label = lambda key: key.replace("_", "-" if key == "drop_off" else " ")  # noqa: E731

            def text(key: str) -> str | None:
                return c.text(sheet, ref[key], label(key), f"{at}.{key}") if key in ref else None

            def num(key: str, kind: str, path: str | None = None) -> float | None:
                return c.number(sheet, ref[key], label(key), kind, path or f"{at}.{key}") if key in ref else None

            stakeholder = text("stakeholder") or stakeholder
            outcome = text("outcome")
            if stakeholder is None or outcome is None:
                key = "stakeholder" if stakeholder is None else "outcome"
                raise self.fail(sheet, ref[key], f"{key} missing; every value-map row needs a stakeholder and an "
                                                 "outcome (a blank stakeholder repeats the one above)")
            d: dict[str, Any] = {"id": text("id") or _slug(outcome, taken, "outcome"), "stakeholder": stakeholder,
                                 "outcome": outcome}
            if "id" in ref and not _blank(raw.get("id")):
                taken.add(d["id"])
            for key in ("indicator", "note"):
                v = text(key)
                if v is not None:
                    d[key] = v
            for key, kind in (("quantity", "number"), ("duration", "years")):
                v = num(key, kind)
                if v is None:
                    raise self.fail(sheet, ref[key], f"{key} missing; expected {EXPECTED[kind]}")
                d[key] = v
            for key in ("deadweight", "displacement", "attribution", "drop_off"):
                v = num(key, "rate")
                if v is not None:
                    d[key] = v
            if "start_year" in ref:
                sy = c.whole(sheet, ref["start_year"], "start year", f"{at}.start_year")
                if sy is not None:
                    d["start_year"] = sy
            if "disbenefit" in ref:
                d["disbenefit"] = c.flag(sheet, ref["disbenefit"], "disbenefit", yes_no=True)
            value = num("value", "money", f"{at}.proxy.value")
            if value is None:
                raise self.fail(sheet, ref["value"], f"value missing; expected {EXPECTED['money']} per unit")
            where_text = f"value map: {file}, sheet '{sheet}', cell {ref['value']}"
            src = text("source") if "source" in ref else None
            proxy: dict[str, Any] = {"value": value, "unit": text("unit") or UNIT_DEFAULT,
                                     "source": f"{src} ({where_text})" if src else where_text}
            description = text("proxy")
            if description:
                proxy["description"] = description
            if "price_year" in ref and not _blank(raw["price_year"]):
                proxy["price_year"] = c.price_year(sheet, ref["price_year"], "price year", f"{at}.proxy.price_year")
            else:
                proxy["price_year"] = price_year
            d["proxy"] = proxy
            c.note(f"{at}.quantity", sheet, ref["quantity"], "quantity")
            for key, default, dref, what in (("beneficiary", default_beneficiary, ben_ref,
                                              "a budget holder id such as nhs"),
                                             ("value_type", default_type, type_ref, " | ".join(VALUE_TYPES))):
                v = text(key)
                if v is None and not _blank(default):
                    v = str(default)
                    if dref:
                        where[f"{at}.{key}"] = (f"{sheet}!{dref}", key.replace("_", " "))
                if v is None:
                    raise self.fail(sheet, ref["outcome"], f"no {key.replace('_', ' ')} for this outcome ({what}): "
                                                           f"add a '{key.replace('_', ' ').capitalize()}' column, "
                                                           f"or give {OPTION_FLAGS[key]}")
                d[key] = _holder(v) if key == "beneficiary" else _value_type(v)
            c.note(at, sheet, ref["outcome"], "outcome row")
            out.append(d)
            r += 1
        if not out:
            raise self.fail(sheet, f"A{hr + 1}", "no outcomes below the header row")
        return out, r

    def inputs(self, sheet, after, cells, price_year, taken, where):
        found = None
        for name in self.book.sheetnames:
            if _norm(name) in ("inputs", "input"):
                hit = self.header(name, INPUT_HEADERS, ("description", "amount"))
                if hit:
                    found = (name, *hit)
                    break
        if found is None:
            hit = self.header(sheet, INPUT_HEADERS, ("description", "amount"), first=after, last=after + 40)
            if hit:
                found = (sheet, *hit)
        if found is None:
            raise ScenarioError(self.book.file, sheet, "no inputs found: add a sheet named 'Inputs', or a table "
                                                       "below the outcomes, with a header row holding funder, "
                                                       "description and amount")
        sh, hr, cols = found
        self.check_header(sh, hr, cols, INPUT_HEADERS, ("description", "amount"))
        c = self.c
        default_funder, funder_ref = self.setting("funder", cells, sheet)
        out = []
        for r in range(hr + 1, self.book.max_row(sh) + 1):
            ref = {k: f"{get_column_letter(n)}{r}" for k, n in cols.items()}
            raw = {k: self.book.get(sh, cell) for k, cell in ref.items()}
            first = _norm(raw.get("description")) or _norm(raw.get("funder"))
            if all(_blank(v) for v in raw.values()) or first.startswith("total"):
                break
            j = len(out) + 1
            at = f"inputs[{j}]"
            description = c.text(sh, ref["description"], "description", f"{at}.description")
            if description is None:
                raise self.fail(sh, ref["description"], "description missing; every input needs one")
            d: dict[str, Any] = {"description": description}
            iid = c.text(sh, ref["id"], "id", f"{at}.id") if "id" in ref else None
            d["id"] = iid or _slug(description, taken, "input")
            taken.add(d["id"])
            funder = c.text(sh, ref["funder"], "funder", f"{at}.funder") if "funder" in ref else None
            if funder is None and not _blank(default_funder):
                funder = str(default_funder)
                if funder_ref:
                    where[f"{at}.funder"] = (f"{sheet}!{funder_ref}", "funder")
            if funder is None:
                raise self.fail(sh, ref["description"], "no funder for this input (a budget holder id such as "
                                                        "la_other): add a 'Funder' column, or give --funder")
            d["funder"] = _holder(funder)
            amount = c.number(sh, ref["amount"], "amount", "money", f"{at}.amount")
            if amount is None:
                raise self.fail(sh, ref["amount"], f"amount missing; expected {EXPECTED['money']}")
            d["amount"] = amount
            if "year" in ref and not _blank(raw["year"]):
                d["years"] = _years(raw["year"], lambda msg, cell=ref["year"]: self.fail(sh, cell, msg))
                c.note(f"{at}.years", sh, ref["year"], "year")
            if "price_year" in ref and not _blank(raw["price_year"]):
                d["price_year"] = c.price_year(sh, ref["price_year"], "price year", f"{at}.price_year")
            else:
                d["price_year"] = price_year
            for key in ("kind", "source", "note"):
                v = c.text(sh, ref[key], key, f"{at}.{key}") if key in ref else None
                if v is not None:
                    d[key] = v
            c.note(at, sh, ref["description"], "input row")
            out.append(d)
        if not out:
            raise self.fail(sh, f"A{hr + 1}", "no inputs below the inputs header row")
        return out


# ---------------------------------------------------------------------------- entry point


def is_exported(book: _Book) -> bool:
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
    book = _Book(path)
    if is_exported(book):
        marker = book.formulas[ABOUT]["A2"].value
        if marker != MARKER:
            raise book.fail(ABOUT, "A2", f"this workbook has {marker!r}; this sroi reads '{MARKER}'")
        extra = [OPTION_FLAGS[k] for k in options.given()] + (["--sheet"] if sheet else [])
        if extra:
            raise ScenarioError(book.file, "", f"{', '.join(extra)} appl{'ies' if len(extra) == 1 else 'y'} only to "
                                               "value maps; this is an exported sroi workbook, whose settings are "
                                               f"on its '{SETTINGS}' sheet")
        return _Exported(book).read()
    return _ValueMap(book, sheet, options).read()
