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
    BELOW_TABLE, CONTEXTUAL, DEFAULT_RATES, INPUT_HEADERS, OPTION_FLAGS, OUTCOME_HEADERS, OUTCOME_IGNORED,
    OUTCOME_REQUIRED, SETTING_LABELS, UNIT_DEFAULT, ValueMapOptions, group_of, holder_id, in_context, lookup, names,
    norm, says_percent, slug, spending_years, value_type_id,
)
from ..model import BUDGET_HOLDERS, VALUE_TYPES, Scheme

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
        self.notes: list[str] = []  # how the map was read: columns by position, settings by cell
        self.heads: dict[str, tuple[str, Any]] = {}  # outcome table: key -> (header cell, header text)
        self.end_row = 0  # the row after the last one a table read

    # -- the sheet, its header row and its settings --------------------------------------
    def peek(self, sheet: str, ref: str) -> Any:
        """A cell's value, or a formula's saved result (None if none was saved); never fails."""
        cell = self.book.formulas[sheet][ref]
        if cell.data_type == "f":
            return self.book.values[sheet][ref].value
        return cell.value

    def merged(self, sheet: str, r: int, c: int) -> tuple[Any, int]:
        """The value shown at (r, c), from the top-left cell of a merged range covering it,
        and how many columns that range spans (1 for a plain cell)."""
        ws = self.book.formulas[sheet]
        for rng in ws.merged_cells.ranges:
            if rng.min_row <= r <= rng.max_row and rng.min_col <= c <= rng.max_col:
                return ws.cell(rng.min_row, rng.min_col).value, rng.max_col - rng.min_col + 1
        return ws.cell(r, c).value, 1

    def resolve(self, sheet: str, r: int, aliases: dict[str, tuple[str, ...]], context: bool = False):
        """Read row ``r`` as a header row: ``(key -> column, unknown, twice, heads)``.

        With ``context`` (the outcomes table), a blank header cell takes the heading
        above it (a heading merged down over two rows), and 'Description', 'Value' and
        'Source' are read by where they stand (:func:`in_context`): by the band above them
        ('Inputs', 'The Outcomes ...') and by the column to their left. ``unknown`` lists
        headers not recognised, ``twice`` the keys met twice, as ``(cell, text, ...)``."""
        ws = self.book.formulas[sheet]
        table = lookup(aliases)
        cols: dict[str, int] = {}
        heads: dict[str, tuple[str, Any]] = {}
        unknown: list[tuple[str, Any, str]] = []
        twice: list[tuple[str, str, str]] = []
        left: str | None = None
        for c in range(1, ws.max_column + 1):
            cell = ws.cell(r, c)
            text, own = cell.value, True
            if context and blank(text) and r > 1:
                above, span = self.merged(sheet, r - 1, c)
                if not blank(above) and span == 1:
                    text, own = above, False
            if not isinstance(text, str) or blank(text):
                continue
            cands = names(text)
            if len(cands) == 2 and cands[0] in table:  # a bracketed qualifier names the column itself
                key: str | None = table[cands[0]]
            else:
                name = cands[-1]
                key = table.get(name)
                if context:
                    group = None
                    for rr in (r - 1, r - 2):
                        if rr >= 1 and group is None:
                            group = group_of(self.merged(sheet, rr, c)[0])
                    key = in_context(name, key, group, left)
            if key is None:
                if own and cands[-1] and cands[-1] not in OUTCOME_IGNORED and cands[-1] not in CONTEXTUAL:
                    unknown.append((cell.coordinate, text, cands[-1]))
                continue
            if key in cols:
                twice.append((cell.coordinate, key, heads[key][0]))
                continue
            cols[key] = c
            heads[key] = (cell.coordinate if own else ws.cell(r - 1, c).coordinate, text)
            left = key
        return cols, unknown, twice, heads

    def header(self, sheet: str, aliases: dict[str, tuple[str, ...]], required: tuple[str, ...], first: int = 1,
               last: int = 30) -> tuple[int, dict[str, int]] | None:
        """The first row from ``first`` holding all ``required`` headers, as (row, key -> column)."""
        ws = self.book.formulas[sheet]
        context = aliases is OUTCOME_HEADERS
        def ok(cols: dict[str, int]) -> bool:
            return all(k in cols for k in required[:2]) and len(cols) >= 3

        for r in range(first, min(last, ws.max_row) + 1):
            cols = self.resolve(sheet, r, aliases, context)[0]
            if ok(cols):
                if context and r < ws.max_row:  # headings over two rows: the lower one names more columns
                    below = self.resolve(sheet, r + 1, aliases, context)[0]
                    if ok(below) and len(below) > len(cols):
                        return r + 1, below
                return r, cols
        return None

    def check_header(self, sheet: str, r: int, cols: dict[str, int], aliases, required) -> None:
        ws = self.book.formulas[sheet]
        table = lookup(aliases)
        _cols, unknown, twice, heads = self.resolve(sheet, r, aliases, aliases is OUTCOME_HEADERS)
        for coordinate, text, name in unknown:
            close = difflib.get_close_matches(name, list(table), n=1, cutoff=0.8)
            if close:
                raise self.fail(sheet, coordinate, f"unknown column {text!r}; did you mean '{close[0]}'?")
        for coordinate, key, first in twice:
            raise self.fail(sheet, coordinate, f"column '{key.replace('_', ' ')}' appears twice (also {first}); "
                                               "keep one")
        for key in required:
            if key not in cols:
                last = get_column_letter(max([cell.column for cell in ws[r] if not blank(cell.value)] or [1]))
                raise self.fail(sheet, f"A{r}:{last}{r}", f"the header row has no '{key.replace('_', ' ')}' "
                                                          f"column; a value map needs {', '.join(required)}")
        if aliases is OUTCOME_HEADERS:
            self.heads = heads
            for key, (ref, text) in heads.items():
                if names(text)[0] in CONTEXTUAL and key != names(text)[0]:
                    self.notes.append(f"read {sheet}!{ref} {text!r} as the {key.replace('_', ' ')} column (by "
                                      "the band above it and its place in the row)")

    def find_sheet(self) -> tuple[str, int, dict[str, int]]:
        names_ = [self.sheet_name] if self.sheet_name else self.book.sheetnames
        if self.sheet_name and self.sheet_name not in self.book.sheetnames:
            raise ScenarioError(self.book.file, self.sheet_name, f"no such sheet; the workbook has "
                                                                 f"{', '.join(self.book.sheetnames)}")
        for name in names_:
            found = self.header(name, OUTCOME_HEADERS, ("stakeholder", "outcome"))
            if found:
                self.check_header(name, *found, OUTCOME_HEADERS, OUTCOME_REQUIRED)
                return name, *found
        where = f"sheet '{self.sheet_name}'" if self.sheet_name else "any sheet"
        raise ScenarioError(self.book.file, self.sheet_name or "", f"no value-map header row found in {where} "
                                                                   "(within its first 30 rows): expected columns "
                                                                   f"{', '.join(OUTCOME_REQUIRED)}, and an "
                                                                   "exported sroi workbook has an 'About' sheet")

    def label_row(self, sheet: str, r: int, keys: tuple[str, ...] | None = None) -> list[tuple[str, Any, str, Any]]:
        """Labelled settings on row ``r``: (key, value, value's cell, label), the label in one
        cell and the value in the next non-blank one to its right."""
        table = lookup(SETTING_LABELS)
        ws = self.book.formulas[sheet]
        cells = [cell for cell in ws[r] if not blank(cell.value)]
        out = []
        for k, cell in enumerate(cells[:-1]):
            key = table.get(norm(str(cell.value).rstrip(":")) if isinstance(cell.value, str) else "")
            if key and (keys is None or key in keys):
                nxt = cells[k + 1]
                out.append((key, self.peek(sheet, nxt.coordinate), nxt.coordinate, cell.value))
        return out

    def settings(self, sheet: str, header_row: int) -> dict[str, tuple[Any, str]]:
        """Labelled cells above the header row: label in one cell, value in the next non-blank
        one. Rows of the header itself (bands, headings merged over two rows) are passed over."""
        out: dict[str, tuple[Any, str]] = {}
        table = lookup(OUTCOME_HEADERS)
        ws = self.book.formulas[sheet]
        for r in range(1, header_row):
            heading = sum(1 for cell in ws[r] if norm(cell.value) in table or norm(cell.value).startswith("stage "))
            if heading >= 2:
                continue
            for key, value, ref, _label in self.label_row(sheet, r):
                if key not in out:
                    out[key] = (value, ref)
        return out

    def below(self, key: str, value: Any, ref: str, label: Any) -> None:
        """A setting from the block below the table (the SVI template's Stage 4 and 5 area)."""
        if key in self.cells:
            was, at = self.cells[key]
            if was != value:
                raise self.fail(self.sheet, ref, f"{label!r} is {shown(value)} here but {shown(was)} in {at}; "
                                                 "give it once")
            return
        self.cells[key] = (value, ref)

    def setting(self, key: str) -> tuple[Any, str | None]:
        """(value, cell) from the options first, then the sheet; ``None`` when neither."""
        opt = getattr(self.options, key, None)
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
        table = list(self.rows(sheet, hr + 1, cols, ("stakeholder", "outcome"), stop=("inputs",), outcomes=True))
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
        for key, (_v, ref) in sorted(self.cells.items()):
            if getattr(self.options, key, None) is None and key not in ("name", "place", "description") + DEFAULT_RATES:
                self.notes.append(f"used {sheet}!{ref} for the {key.replace('_', ' ')}: {shown(_v)}")
        taken: set[str] = set()
        data["outcomes"], inline = self.outcomes(table, hr, cols, price_year, taken)
        after = self.end_row
        if inline:
            found = self.inputs_table(after)
            if found:
                raise self.fail(found[0], f"A{found[1]}", "inputs are given twice: in the map's own inputs "
                                                         f"columns ({self.heads['input_description'][0] if 'input_description' in self.heads else ''}) "
                                                         "and in this table; keep one")
            data["inputs"] = inline
        else:
            data["inputs"] = self.inputs(after, price_year, taken)
        self.start_after(data, int(horizon))
        scheme = validate(data, self.book.file, {**self.where, **self.c.where})
        extra = tuple(f"skipped {s}" for s in self.skipped) + tuple(self.notes)
        if extra:
            from dataclasses import replace

            scheme = replace(scheme, notices=scheme.notices + extra)
        return scheme

    def start_after(self, data: dict[str, Any], horizon: int) -> None:
        """Outcomes marked 'Outcomes start' 2 (after the activity) start in the year after
        the last year any input is spent (year 1 when no input names a year, as in the SVI
        template, whose inputs are one period's)."""
        pending = [(k, o) for k, o in enumerate(data["outcomes"], 1) if o.pop("_after", None)]
        if not pending:
            return
        last = max(max(i.get("years", [1])) for i in data["inputs"])
        for k, o in pending:
            ref = self.c.where[f"outcomes[{k}].start_year"][0].split("!")[-1]
            if last + 1 > horizon:
                raise self.fail(self.sheet, ref, f"outcomes start 2 (after the activity, which ends in year {last}) "
                                                 f"puts the start in year {last + 1}, beyond the horizon of "
                                                 f"{horizon} years")
            o["start_year"] = last + 1
            self.notes.append(f"{self.sheet}!{ref}: outcomes start 2 (after the activity): '{o['outcome']}' starts "
                              f"in year {last + 1}, the year after the last year of inputs")

    def classify(self, sheet: str, r: int, ref: dict[str, str], raw: dict[str, Any], lead: tuple[str, str],
                 outcomes: bool) -> str:
        """What row ``r`` of a table is: 'blank', 'total', 'guidance' (the questions under
        the SVI template's headings), 'setting' (a labelled setting), 'heading' (a
        stakeholder on its own), 'row' (an outcome or input), or 'stray' (text, no figures)."""
        def empty(v: Any) -> bool:
            return blank(v) or (isinstance(v, (int, float)) and not isinstance(v, bool) and v == 0)

        word = norm(raw.get(lead[0])) or norm(raw.get(lead[1]))
        if all(empty(v) for v in raw.values()):
            return "blank"
        if word.startswith(("total", "subtotal", "sub total", "grand total")):
            return "total"
        given = [v for v in raw.values() if not blank(v)]
        if all(isinstance(v, str) for v in given) and any(v.strip().endswith("?") for v in given):
            return "guidance"
        if self.label_row(sheet, r, BELOW_TABLE) and all(blank(raw.get(k)) for k in ("quantity", "value")):
            return "setting"
        if outcomes:
            if all(empty(v) for k, v in raw.items() if k != "stakeholder"):
                return "heading"
            figures = any(not blank(raw.get(k)) for k in ("quantity", "duration", "value"))
            if (not blank(raw.get("outcome")) and figures) or any(not blank(raw.get(k)) for k in
                                                                   ("input_description", "input_value")):
                return "row"
            return "stray"
        return "row" if not blank(raw.get("description")) or not blank(raw.get("amount")) else "stray"

    def rows(self, sheet: str, first: int, cols: dict[str, int], lead: tuple[str, str],
             stop: tuple[str, ...] = (), outcomes: bool = False) -> Iterator[tuple[str, dict[str, str], dict]]:
        """The rows of a table from row ``first``: (kind, key -> cell, key -> value) each,
        kind 'row' or 'heading' (a stakeholder on its own, carried to the rows below).

        The table runs to its last row holding an outcome (or input) with figures, before a
        row whose ``lead`` columns say a word in ``stop`` or the header row of an inputs
        table. Blank rows (or rows of zeros, as a template's unused rows are), total and
        subtotal rows, and rows of guidance questions inside it are skipped and recorded in
        :attr:`skipped`: they once ended the table, and every row after them was dropped
        in silence. Below it, labelled settings (the SVI template's Stage 4 block: discount
        rate, drop-off, ...) are read; text in the outcome column there is reported."""
        found: list[tuple[int, str, dict[str, str], dict[str, Any]]] = []
        for r in range(first, self.book.max_row(sheet) + 1):
            ref = {k: f"{get_column_letter(n)}{r}" for k, n in cols.items()}
            raw = {k: self.peek(sheet, cell) for k, cell in ref.items()}
            word = norm(raw.get(lead[0])) or norm(raw.get(lead[1]))
            if word in stop or (sheet == self.sheet and "inputs" in stop and
                                self.header(sheet, INPUT_HEADERS, INPUT_REQUIRED, first=r, last=r)):
                break
            found.append((r, self.classify(sheet, r, ref, raw, lead, outcomes), ref, raw))
        last = max((k for k, (_r, kind, _ref, _raw) in enumerate(found) if kind == "row"), default=-1)
        self.end_row = found[last][0] + 1 if last >= 0 else first
        for k, (r, kind, ref, raw) in enumerate(found):
            if k > last:
                if kind == "setting":
                    for key, value, at, label in self.label_row(sheet, r, BELOW_TABLE):
                        self.below(key, value, at, label)
                elif kind in ("stray", "heading") and outcomes and not blank(raw.get("outcome")):
                    self.skipped.append(f"{sheet}!{ref['outcome']}: {shown(raw['outcome'])} below the table, with "
                                        "no quantity, duration or value (not read as an outcome)")
                continue
            if kind == "blank":
                if found[k - 1][1] != "blank" if k else True:
                    self.skipped.append(f"{sheet}!A{r}: a blank row inside the table (rows after it are read)")
            elif kind == "total":
                word = norm(raw.get(lead[0])) or norm(raw.get(lead[1]))
                self.skipped.append(f"{sheet}!A{r}: a total row ('{word}'), not an outcome or input")
            elif kind == "guidance":
                self.skipped.append(f"{sheet}!A{r}: a row of guidance questions, not an outcome")
            else:
                yield ("heading" if kind == "heading" else "row"), ref, raw

    def price_year_of(self, sheet: str, ref: dict[str, str], raw: dict[str, Any], path: str,
                      default: int | str) -> int | str:
        """A row's price year: its own, or else the value map's."""
        if "price_year" in ref and not blank(raw["price_year"]):
            own = self.c.price_year(sheet, ref["price_year"], "price year", path)
            if own is not None:
                return own
        return default

    def percent_columns(self, table: list, cols: dict[str, int]) -> set[str]:
        """The rate columns holding whole percentages: headed with a % sign ('Deadweight %')
        and holding a plain whole number above 1 (40 meaning 40%). In such a column a plain
        fraction such as 0.4 would be ambiguous, so it is refused, naming the cell."""
        out: set[str] = set()
        for key in DEFAULT_RATES:
            if key not in cols or not says_percent(self.heads.get(key, ("", ""))[1]):
                continue
            plain = [(ref[key], raw[key]) for kind, ref, raw in table if kind == "row"
                     and isinstance(raw.get(key), (int, float)) and not isinstance(raw.get(key), bool)
                     and "%" not in self.book.formulas[self.sheet][ref[key]].number_format]
            big = [(at, v) for at, v in plain if v > 1 and float(v).is_integer()]
            if not big:
                continue
            for at, v in plain:
                if not float(v).is_integer():
                    raise self.fail(self.sheet, at, f"{key.replace('_', '-' if key == 'drop_off' else ' ')} "
                                                    f"{shown(v)} is a fraction in a column of whole percentages "
                                                    f"({big[0][0]} holds {shown(big[0][1])}); write every rate "
                                                    "in the column the same way, e.g. 40 or 40%")
            out.add(key)
            first, last_ = plain[0][0], plain[-1][0]
            self.notes.append(f"read {self.sheet}!{first}:{last_} ({key.replace('_', ' ')}) as whole percentages: "
                              f"the column is headed {self.heads[key][1]!r} and holds {shown(big[0][1])} in "
                              f"{big[0][0]}")
        return out

    def rate(self, key: str, ref: dict[str, str], raw: dict[str, Any], at: str, label: str,
             points: set[str]) -> float | None:
        """A row's rate: its cell (a whole percentage in a column of them), or else the
        default given below (or above) the table, or None (the format's default, 0)."""
        sheet, c = self.sheet, self.c
        if key in ref and not blank(raw.get(key)):
            v = raw[key]
            if key in points and isinstance(v, (int, float)) and not isinstance(v, bool) and \
                    "%" not in self.book.formulas[sheet][ref[key]].number_format:
                if v > 100:
                    raise self.fail(sheet, ref[key], f"{label} must be a percentage from 0 to 100 in this column "
                                                     f"of whole percentages, got {shown(v)}")
                return c.number(sheet, ref[key], label, "rate", f"{at}.{key}", value=v / 100)
            return c.number(sheet, ref[key], label, "rate", f"{at}.{key}")
        default, dref = self.setting(key)
        if blank(default):
            return None
        x = to_number(default, "rate")
        if x is None or not 0 <= x <= 1:
            raise self.blame(dref, key, label)(f"must be {RATE_TEXT}, got {shown(default)}")
        if dref:
            c.note(f"{at}.{key}", sheet, dref, label)
        return x

    def outcomes(self, table: list, hr: int, cols: dict[str, int], price_year: int | str,
                 taken: set[str]) -> tuple[list[dict], list[dict]]:
        """The outcome rows below the header row ``hr``, and the inputs held in the map's own
        columns (the SVI template's Stage 2: what each stakeholder invests and its value)."""
        c, sheet = self.c, self.sheet
        out: list[dict[str, Any]] = []
        inline: list[dict[str, Any]] = []
        stakeholder = None
        file = Path(self.book.file).name
        points = self.percent_columns(table, cols)
        defaulted: dict[str, list[str]] = {}
        for kind, ref, raw in table:
            if kind == "heading":
                stakeholder = c.text(sheet, ref["stakeholder"], "stakeholder") or stakeholder
                continue
            k = len(out) + 1
            at = f"outcomes[{k}]"
            label = lambda key: key.replace("_", "-" if key == "drop_off" else " ")  # noqa: E731

            def text(key: str, path: str | None = None) -> str | None:
                return c.text(sheet, ref[key], label(key), path or f"{at}.{key}") if key in ref else None

            def num(key: str, kind: str, path: str | None = None) -> float | None:
                return c.number(sheet, ref[key], label(key), kind, path or f"{at}.{key}") if key in ref else None

            stakeholder = text("stakeholder") or stakeholder
            if any(not blank(raw.get(key)) for key in ("input_description", "input_value")):
                inline.append(self.inline_input(ref, raw, stakeholder, price_year, taken, len(inline) + 1))
            if blank(raw.get("outcome")) and all(blank(raw.get(key)) for key in ("quantity", "duration", "value")):
                continue  # a row of inputs only
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
            evidence = text("indicator_source", f"{at}.evidence.source")
            if evidence:
                d["evidence"] = {"source": evidence}
            for key, kind_ in (("quantity", "number"), ("duration", "years")):
                v = num(key, kind_)
                if v is None:
                    raise self.fail(sheet, ref[key], f"{key} missing; expected {EXPECTED[kind_]}")
                d[key] = v
            for key in DEFAULT_RATES:
                v = self.rate(key, ref, raw, at, label(key), points)
                if v is not None:
                    d[key] = v
                    if (key not in ref or blank(raw.get(key))) and self.setting(key)[1]:
                        defaulted.setdefault(key, []).append(ref["outcome"])
            if "start_year" in ref:
                sy = c.whole(sheet, ref["start_year"], "start year", f"{at}.start_year")
                if sy is not None:
                    d["start_year"] = sy
            if "outcomes_start" in ref and not blank(raw.get("outcomes_start")):
                when = c.whole(sheet, ref["outcomes_start"], "outcomes start", f"{at}.start_year")
                if when not in (1, 2):
                    raise self.fail(sheet, ref["outcomes_start"], "outcomes start must be 1 (during the activity) "
                                                                  f"or 2 (after it), got {shown(raw['outcomes_start'])}")
                if "start_year" in d:
                    raise self.fail(sheet, ref["outcomes_start"], "give the start year or outcomes start, not both "
                                                                  f"(start year {d['start_year']} in "
                                                                  f"{ref['start_year']})")
                if when == 2:
                    d["_after"] = True
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
        for key, refs in defaulted.items():
            value, dref = self.setting(key)
            self.notes.append(f"used {sheet}!{dref} for the {key.replace('_', '-' if key == 'drop_off' else ' ')} "
                              f"of {len(refs)} outcome row{'s' if len(refs) > 1 else ''} that leave it blank "
                              f"({', '.join(refs)}): {shown(value)}")
        if not out:
            raise self.fail(sheet, f"A{hr + 1}", "no outcomes below the header row")
        return out, inline

    def inline_input(self, ref: dict[str, str], raw: dict[str, Any], stakeholder: str | None,
                     price_year: int | str, taken: set[str], j: int) -> dict[str, Any]:
        """An input given in the map's own columns: what the row's stakeholder invests and
        its value, spent in year 1 (the template's one period of activity). Its funder is
        the stakeholder when that names a budget holder, or else the map's funder setting."""
        c, sheet, at = self.c, self.sheet, f"inputs[{j}]"
        dref = ref.get("input_description", ref.get("input_value", ""))
        description = c.text(sheet, ref["input_description"], "input", f"{at}.description") \
            if "input_description" in ref else None
        if description is None:
            raise self.fail(sheet, dref, "input description missing; say what the stakeholder invests")
        if "input_value" not in ref or blank(raw.get("input_value")):
            raise self.fail(sheet, ref.get("input_value", dref), f"the value of the input {description!r} is "
                                                                 f"missing; expected {EXPECTED['money']}")
        amount = c.number(sheet, ref["input_value"], "input value", "money", f"{at}.amount")
        named = holder_id(stakeholder) if stakeholder else None
        funder = named if named in BUDGET_HOLDERS else holder_id(self.or_default(None, "funder", at))
        if funder is None:
            raise self.fail(sheet, dref, f"no funder for the input {description!r}: its stakeholder "
                                         f"{stakeholder!r} is not a budget holder (an id such as la_other, or "
                                         "its name); give --funder, or a cell labelled 'Funder'")
        d: dict[str, Any] = {"id": slug(description, taken, "input"), "description": description,
                             "funder": funder, "amount": amount, "price_year": price_year}
        src = c.text(sheet, ref["input_source"], "input source", f"{at}.source") if "input_source" in ref else None
        if src:
            d["source"] = src
        c.note(at, sheet, dref, "input")
        return d

    def inputs_table(self, after: int) -> tuple[str, int, dict[str, int]] | None:
        """Where the inputs table is: a sheet named 'Inputs', or else below the outcomes."""
        places = [(name, 1, 30) for name in self.book.sheetnames if norm(name) in ("inputs", "input")]
        for sh, first, last in [*places, (self.sheet, after, after + 40)]:
            hit = self.header(sh, INPUT_HEADERS, INPUT_REQUIRED, first=first, last=last)
            if hit:
                return sh, *hit
        return None

    def inputs(self, after: int, price_year: int | str, taken: set[str]) -> list[dict]:
        """The inputs table: on a sheet named 'Inputs', or else below the outcomes (from row ``after``)."""
        found = self.inputs_table(after)
        if found is None:
            raise ScenarioError(self.book.file, self.sheet, "no inputs found: add a sheet named 'Inputs', or a "
                                                            "table below the outcomes, with a header row holding "
                                                            "funder, description and amount")
        sh, hr, cols = found
        self.check_header(sh, hr, cols, INPUT_HEADERS, INPUT_REQUIRED)
        c = self.c
        out: list[dict] = []
        for _kind, ref, raw in self.rows(sh, hr + 1, cols, ("description", "funder")):
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
