"""Read a common SROI value map, laid out by hand, into a scheme.

One sheet holds a header row (stakeholder, outcome, indicator, quantity, duration,
proxy, value, deadweight, displacement, attribution, drop-off, ...; the words it may
use are in :mod:`sroi.excel.read_terms`) and the outcomes below it; the inputs are on a
sheet named 'Inputs' or in a table below the outcomes. What such a map does not carry
(price year, currency, horizon, timing convention, beneficiary, value type, funder)
must come from labelled cells above the header row or from explicit options; nothing
is guessed. The layout is documented in ``docs/excel.md``.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Iterator

from openpyxl.utils import get_column_letter

from ..errors import ScenarioError
from .read_errors import validate
from .read_cells import EXPECTED, RATE_TEXT, Book, Reader, blank, parse_price_year, present, shown, to_number
from .read_terms import (
    INPUT_HEADERS, OPTION_FLAGS, OUTCOME_HEADERS, OUTCOME_REQUIRED, SETTING_LABELS, UNIT_DEFAULT, ValueMapOptions,
    holder_id, lookup, norm, slug, spending_years, value_type_id,
)
from ..model import VALUE_TYPES, Scheme

INPUT_REQUIRED = ("description", "amount")


class ValueMapReader(Reader):
    """Reads one sheet laid out as a common SROI value map (see ``docs/excel.md``)."""

    def __init__(self, book: Book, sheet: str | None, options: ValueMapOptions) -> None:
        super().__init__(book)
        self.options = options
        self.sheet_name = sheet
        self.sheet = ""  # the value map's sheet, once found
        self.cells: dict[str, tuple[Any, str]] = {}  # its labelled settings: key -> (value, cell)
        self.where: dict[str, tuple[str, str]] = {}  # field path -> (sheet!cell, label) of a setting used
        self.skipped: list[str] = []  # rows inside a table that were not read, and why
        self.end_row = 0  # the row after the last one a table read

    # -- the sheet, its header row and its settings --------------------------------------
    def header(self, sheet: str, aliases: dict[str, tuple[str, ...]], required: tuple[str, ...], first: int = 1,
               last: int = 30) -> tuple[int, dict[str, int]] | None:
        """The first row from ``first`` holding all ``required`` headers, as (row, key -> column)."""
        ws = self.book.formulas[sheet]
        table = lookup(aliases)
        for r in range(first, min(last, ws.max_row) + 1):
            cols: dict[str, int] = {}
            for cell in ws[r]:
                key = table.get(norm(cell.value))
                if key is not None and key not in cols:
                    cols[key] = cell.column
            if all(k in cols for k in required[:2]) and len(cols) >= 3:
                return r, cols
        return None

    def check_header(self, sheet: str, r: int, cols: dict[str, int], aliases, required) -> None:
        ws = self.book.formulas[sheet]
        table = lookup(aliases)
        seen: dict[str, str] = {}
        for cell in ws[r]:
            name = norm(cell.value)
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
                last = get_column_letter(max([cell.column for cell in ws[r] if not blank(cell.value)] or [1]))
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
        table = lookup(SETTING_LABELS)
        out: dict[str, tuple[Any, str]] = {}
        ws = self.book.formulas[sheet]
        for r in range(1, header_row):
            cells = [cell for cell in ws[r] if not blank(cell.value)]
            for k, cell in enumerate(cells[:-1]):
                key = table.get(norm(str(cell.value).rstrip(":")) if isinstance(cell.value, str) else "")
                if key and key not in out:
                    nxt = cells[k + 1]
                    out[key] = (self.book.get(sheet, nxt.coordinate), nxt.coordinate)
        return out

    def setting(self, key: str) -> tuple[Any, str | None]:
        """(value, cell) from the options first, then the sheet; ``None`` when neither."""
        opt = getattr(self.options, key)
        if opt is not None:
            return opt, None
        if key in self.cells:
            return self.cells[key]
        return None, None

    def require(self, key: str, what: str) -> tuple[Any, str | None]:
        v, ref = self.setting(key)
        if blank(v):
            label = SETTING_LABELS[key][0].capitalize()
            raise ScenarioError(self.book.file, self.sheet, f"no {what}: give {OPTION_FLAGS[key]}, or a cell "
                                                            f"labelled '{label}' above the header row with the "
                                                            "value beside it")
        return v, ref

    def blame(self, ref: str | None, key: str, label: str = ""):
        """A function from a message to the error for the setting ``key``: at its cell
        ``ref`` (the message led by ``label``), or, with no cell, at its option."""
        if ref:
            return lambda msg: self.fail(self.sheet, ref, f"{label} {msg}" if label else msg)
        return lambda msg: ScenarioError(self.book.file, OPTION_FLAGS[key], msg)

    def point(self, path: str, ref: str | None, label: str) -> None:
        """Name the settings cell ``ref`` (if the value came from one) in messages about ``path``."""
        if ref:
            self.where[path] = (f"{self.sheet}!{ref}", label)

    def or_default(self, v: str | None, key: str, at: str) -> str | None:
        """``v``, or else the value map's setting ``key`` (an option or a labelled cell)."""
        default, ref = self.setting(key)
        if v is None and not blank(default):
            v = str(default)
            self.point(f"{at}.{key}", ref, key.replace("_", " "))
        return v

    # -- the scheme --------------------------------------------------------------------
    def read(self) -> Scheme:
        sheet, hr, cols = self.find_sheet()
        self.sheet, self.cells = sheet, self.settings(sheet, hr)
        py_raw, py_ref = self.require("price_year", "price year (the value map's prices)")
        price_year = parse_price_year(py_raw, self.blame(py_ref, "price_year"))
        cur, cur_ref = self.require("currency", "currency (an ISO code such as GBP)")
        hz, hz_ref = self.require("horizon", "horizon (years to count value and inputs)")
        horizon = to_number(hz, "number")
        if horizon is None or not float(horizon).is_integer():
            raise self.blame(hz_ref, "horizon", "horizon")(f"must be a whole number of years, got {shown(hz)}")
        conv, conv_ref = self.require("convention", "timing convention ('sroi_guide': value at year end, inputs "
                                                    "at start; or 'green_book')")
        for path, ref, label in (("price_base", py_ref, "price year"), ("currency", cur_ref, "currency"),
                                 ("horizon", hz_ref, "horizon"), ("discounting.convention", conv_ref,
                                                                  "timing convention")):
            self.point(path, ref, label)
        disc: dict[str, Any] = {"convention": str(conv).strip()}
        rate_raw, rate_ref = self.setting("discount_rate")
        sched_raw, sched_ref = self.setting("schedule")
        self.point("discounting.schedule", sched_ref, "discount schedule")
        if not blank(rate_raw):
            rate = to_number(rate_raw, "rate")
            if rate is None or not 0 <= rate <= 1:
                raise self.blame(rate_ref, "discount_rate", "discount rate")(f"must be {RATE_TEXT}, got "
                                                                             f"{shown(rate_raw)}")
            disc["schedule"] = str(sched_raw).strip() if not blank(sched_raw) else "constant"
            disc["rate"] = rate
            self.point("discounting.rate", rate_ref, "discount rate")
        else:
            disc["schedule"] = str(sched_raw).strip() if not blank(sched_raw) else "green_book"
            if blank(sched_raw):
                disc["source"] = ("Green Book declining schedule: the scheme format's default, as the value map "
                                  "gives no discount rate")
        name_raw, _ = self.setting("name")
        default_name = f"Value map imported from {Path(self.book.file).name}"
        data: dict[str, Any] = {
            "name": str(name_raw).strip() if not blank(name_raw) else default_name,
            "price_base": price_year, "currency": str(cur).strip(), "horizon": int(horizon), "discounting": disc,
        }
        for key in ("place", "description"):
            v, _ = self.cells.get(key, (None, None))
            if not blank(v):
                data[key] = str(v)
        taken: set[str] = set()
        data["outcomes"] = self.outcomes(hr, cols, price_year, taken)
        data["inputs"] = self.inputs(self.end_row, price_year, taken)
        scheme = validate(data, self.book.file, {**self.where, **self.c.where})
        if self.skipped:
            from dataclasses import replace

            scheme = replace(scheme, notices=scheme.notices + tuple(f"skipped {s}" for s in self.skipped))
        return scheme

    def rows(self, sheet: str, first: int, cols: dict[str, int], lead: tuple[str, str],
             stop: tuple[str, ...] = ()) -> Iterator[tuple[dict[str, str], dict[str, Any]]]:
        """The rows of a table from row ``first``: (key -> cell, key -> value) each.

        Blank rows and total or subtotal rows inside the table are skipped and recorded in
        :attr:`skipped` (they once ended the table, and every row after them was dropped
        in silence). The table ends at a row whose ``lead`` columns say a word in ``stop``,
        at the header row of an inputs table, or after two blank rows in a row."""
        blanks = 0
        self.end_row = first
        for r in range(first, self.book.max_row(sheet) + 1):
            ref = {k: f"{get_column_letter(n)}{r}" for k, n in cols.items()}
            raw = {k: self.book.get(sheet, cell) for k, cell in ref.items()}
            word = norm(raw.get(lead[0])) or norm(raw.get(lead[1]))
            if all(blank(v) for v in raw.values()):
                blanks += 1
                if blanks == 2:
                    return
                continue
            if word in stop or (sheet == self.sheet and self.header(sheet, INPUT_HEADERS, INPUT_REQUIRED, first=r,
                                                                     last=r) and "inputs" in stop):
                return
            if blanks:
                self.skipped.append(f"{sheet}!A{r - 1}: a blank row inside the table (rows after it are read)")
            blanks = 0
            if word.startswith(("total", "subtotal", "sub-total", "sub total", "grand total")):
                self.skipped.append(f"{sheet}!A{r}: a total row ('{word}'), not an outcome or input")
                self.end_row = r + 1
                continue
            self.end_row = r + 1
            yield ref, raw

    def price_year_of(self, sheet: str, ref: dict[str, str], raw: dict[str, Any], path: str,
                      default: int | str) -> int | str:
        """A row's price year: its own, or else the value map's."""
        if "price_year" in ref and not blank(raw["price_year"]):
            own = self.c.price_year(sheet, ref["price_year"], "price year", path)
            if own is not None:
                return own
        return default

    def outcomes(self, hr: int, cols: dict[str, int], price_year: int | str, taken: set[str]) -> list[dict]:
        """The outcome rows below the header row ``hr``; every row up to the first one not
        read is an outcome, so the table ends at row ``hr + 1 + len(outcomes)``."""
        c, sheet = self.c, self.sheet
        out: list[dict[str, Any]] = []
        stakeholder = None
        file = Path(self.book.file).name
        for ref, raw in self.rows(sheet, hr + 1, cols, ("stakeholder", "outcome"), stop=("inputs",)):
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
            d: dict[str, Any] = {"id": text("id") or slug(outcome, taken, "outcome"), "stakeholder": stakeholder,
                                 "outcome": outcome}
            if "id" in ref and not blank(raw.get("id")):
                taken.add(d["id"])
            d.update(present((key, text(key)) for key in ("indicator", "note")))
            for key, kind in (("quantity", "number"), ("duration", "years")):
                v = num(key, kind)
                if v is None:
                    raise self.fail(sheet, ref[key], f"{key} missing; expected {EXPECTED[kind]}")
                d[key] = v
            d.update(present((key, num(key, "rate")) for key in ("deadweight", "displacement", "attribution",
                                                                 "drop_off")))
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
            proxy["price_year"] = self.price_year_of(sheet, ref, raw, f"{at}.proxy.price_year", price_year)
            d["proxy"] = proxy
            c.note(f"{at}.quantity", sheet, ref["quantity"], "quantity")
            for key, what in (("beneficiary", "a budget holder id such as nhs"),
                              ("value_type", " | ".join(VALUE_TYPES))):
                given = self.or_default(text(key), key, at)
                if given is None:
                    raise self.fail(sheet, ref["outcome"], f"no {key.replace('_', ' ')} for this outcome ({what}): "
                                                           f"add a '{key.replace('_', ' ').capitalize()}' column, "
                                                           f"or give {OPTION_FLAGS[key]}")
                d[key] = holder_id(given) if key == "beneficiary" else value_type_id(given)
            c.note(at, sheet, ref["outcome"], "outcome row")
            out.append(d)
        if not out:
            raise self.fail(sheet, f"A{hr + 1}", "no outcomes below the header row")
        return out

    def inputs(self, after: int, price_year: int | str, taken: set[str]) -> list[dict]:
        """The inputs table: on a sheet named 'Inputs', or else below the outcomes (from row ``after``)."""
        places = [(name, 1, 30) for name in self.book.sheetnames if norm(name) in ("inputs", "input")]
        for sh, first, last in [*places, (self.sheet, after, after + 40)]:
            hit = self.header(sh, INPUT_HEADERS, INPUT_REQUIRED, first=first, last=last)
            if hit:
                break
        else:
            raise ScenarioError(self.book.file, self.sheet, "no inputs found: add a sheet named 'Inputs', or a "
                                                            "table below the outcomes, with a header row holding "
                                                            "funder, description and amount")
        hr, cols = hit
        self.check_header(sh, hr, cols, INPUT_HEADERS, INPUT_REQUIRED)
        c = self.c
        out: list[dict] = []
        for ref, raw in self.rows(sh, hr + 1, cols, ("description", "funder")):
            j = len(out) + 1
            at = f"inputs[{j}]"

            def text(key: str) -> str | None:
                return c.text(sh, ref[key], key, f"{at}.{key}") if key in ref else None

            description = text("description")
            if description is None:
                raise self.fail(sh, ref["description"], "description missing; every input needs one")
            d: dict[str, Any] = {"description": description}
            d["id"] = text("id") or slug(description, taken, "input")
            taken.add(d["id"])
            funder = self.or_default(text("funder"), "funder", at)
            if funder is None:
                raise self.fail(sh, ref["description"], "no funder for this input (a budget holder id such as "
                                                        "la_other): add a 'Funder' column, or give --funder")
            d["funder"] = holder_id(funder)
            amount = c.number(sh, ref["amount"], "amount", "money", f"{at}.amount")
            if amount is None:
                raise self.fail(sh, ref["amount"], f"amount missing; expected {EXPECTED['money']}")
            d["amount"] = amount
            if "year" in ref and not blank(raw["year"]):
                d["years"] = spending_years(raw["year"], lambda msg, cell=ref["year"]: self.fail(sh, cell, msg))
                c.note(f"{at}.years", sh, ref["year"], "year")
            d["price_year"] = self.price_year_of(sh, ref, raw, f"{at}.price_year", price_year)
            d.update(present((key, text(key)) for key in ("kind", "source", "note")))
            c.note(at, sh, ref["description"], "input row")
            out.append(d)
        if not out:
            raise self.fail(sh, f"A{hr + 1}", "no inputs below the inputs header row")
        return out
