"""Write a scheme as an Excel impact map whose every derived cell is a live formula.

The layout (documented sheet by sheet in ``docs/excel.md``) is fixed by
:class:`Layout`, which both the writer here and the reader in
:mod:`sroi.excel_import` use, so the two cannot drift. Input cells hold the
scheme's numbers; every figure the engine computes (rebasing, first-year impact, the
year-by-year values by intake, discount factors, present values, NPV, ratios, the
budget-holder ledger and payback) is an Excel formula over them, reproducing
:mod:`sroi.engine` exactly, so a change made in Excel or LibreOffice recalculates
everything.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import __version__
from .discounting import GREEN_BOOK_BANDS
from .errors import PriceYearError, ScenarioError
from .model import BUDGET_HOLDERS, CONFIDENCE_LEVELS, VALUE_TYPES, Parameter, Scheme
from .prices import load_deflator

__all__ = ["Layout", "build_workbook", "workbook_bytes", "export_workbook", "engine_figures", "LAYOUT_VERSION"]

LAYOUT_VERSION = 1
MARKER = f"sroi impact map, layout {LAYOUT_VERSION}"

# ---------------------------------------------------------------------------- sheet names

ABOUT, SETTINGS, INPUTS, MAP, YEARS, RESULTS = "About", "Settings", "Inputs", "Impact map", "Year by year", "Results"
DISCOUNTING, WORKINGS, PARAMETERS, SCENARIOS, SOURCES, HOLDERS, GAPS, DEFLATOR = (
    "Discounting", "Workings", "Parameters", "Scenarios", "Sources", "Budget holders", "Gaps", "Deflator")
SHEETS = (ABOUT, SETTINGS, INPUTS, MAP, YEARS, RESULTS, DISCOUNTING, WORKINGS, PARAMETERS, SCENARIOS, SOURCES,
          HOLDERS, GAPS, DEFLATOR)
SCENARIO_COLUMNS = (("name", "Scenario", "a new name starts a scenario", 28, None, "input"),
                    ("description", "Description", "optional", 50, None, "input"),
                    ("source", "Source", "optional", 40, None, "input"),
                    ("parameter", "Parameter", "a name from 'Parameters' column A", 34, None, "input"),
                    ("value", "Value", "replaces the base value", 12, "#,##0.####", "input"))

# ---------------------------------------------------------------------------- formats and styles

MONEY, RATE, FACTOR, RATIO, NUMBER, WHOLE = "#,##0.00", "0.0##%", "0.000000000", "0.000", "#,##0.####", "0"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: typed in, read back on import
FORMULA_FILL = PatternFill("solid", fgColor="E2EFDA")  # pale green: a live formula
REFERENCE_FILL = PatternFill("solid", fgColor="DDEBF7")  # pale blue: reference data or structure
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
INPUT_FONT = Font(color="1F3864")
BOLD, TITLE, NOTE = Font(bold=True), Font(bold=True, size=14), Font(italic=True, color="595959")
THIN = Border(bottom=Side(style="thin", color="808080"))
WRAP = Alignment(wrap_text=True, vertical="top")

# Settings sheet: (key, label, help). The key is the scheme field; the reader finds rows by label.
SETTINGS_ROWS = (
    ("name", "Scheme name", "text"),
    ("place", "Place", "text (optional)"),
    ("description", "Description", "text (optional)"),
    ("price_base", "Price base", "price year of every result: 2024 or '2024-25'"),
    ("currency", "Currency", "ISO 4217 code"),
    ("horizon", "Horizon (years)", "fixed by the export: the year columns of 'Year by year'"),
    ("schedule", "Discount schedule", "green_book | constant | custom"),
    ("convention", "Timing convention", "sroi_guide (value at year end, inputs at start) | green_book (both at start)"),
    ("rate", "Constant discount rate", "a year; schedule 'constant' only"),
    ("discounting_source", "Discounting source", "text (optional)"),
    ("cohort_source", "Cohort source", "text (optional)"),
    ("proxy_tables", "Local proxy tables", "one CSV file per line, relative to the workbook (optional)"),
)
SETTINGS_FIRST = 4

# Impact map columns: (key, header, unit or allowed values, width, number format, style).
I, F, R = "input", "formula", "reference"
OUTCOME_COLUMNS = (
    ("id", "ID", "lower_case_id", 24, None, I),
    ("stakeholder", "Stakeholder", "who experiences the change", 18, None, I),
    ("outcome", "Outcome", "what changes", 40, None, I),
    ("indicator", "Indicator", "how it is measured", 40, None, I),
    ("quantity_basis", "Quantity basis", "count | rate | engagement_success", 18, None, I),
    ("quantity", "Quantity", "count; or rate, or engagement, per participant", 12, NUMBER, I),
    ("success", "Success rate", "engagement_success only", 10, RATE, I),
    ("proxy_description", "Financial proxy", "description", 30, None, I),
    ("proxy_ref", "Proxy library id", "blank for your own value", 26, None, I),
    ("proxy_value", "Value per unit", "in the proxy's price year", 12, MONEY, I),
    ("proxy_unit", "Unit of the proxy", "what one unit is", 20, None, I),
    ("proxy_price_year", "Proxy price year", "2019 or '2019-20'", 10, WHOLE, I),
    ("proxy_source", "Source of the proxy", "publication, table or page", 40, None, I),
    ("proxy_url", "Proxy URL", "optional", 20, None, I),
    ("deadweight", "Deadweight", "rate", 11, RATE, I),
    ("displacement", "Displacement", "rate", 12, RATE, I),
    ("attribution", "Attribution", "rate", 11, RATE, I),
    ("drop_off", "Drop-off", "rate a year, from year 2", 10, RATE, I),
    ("duration", "Duration", "years (a fraction counts pro rata)", 10, NUMBER, I),
    ("start_year", "Start year", "scheme year (from each intake)", 9, WHOLE, I),
    ("beneficiary", "Beneficiary", "budget holder id", 20, None, I),
    ("value_type", "Value type", " | ".join(VALUE_TYPES), 20, None, I),
    ("disbenefit", "Disbenefit?", "TRUE subtracts the value", 11, None, I),
    ("evidence_source", "Evidence: source", "optional", 20, None, I),
    ("evidence_confidence", "Evidence: confidence", "high | medium | low", 12, None, I),
    ("evidence_note", "Evidence: note", "optional", 30, None, I),
    ("note", "Note", "optional", 30, None, I),
    ("rebase", "Rebase factor", "x to price base", 12, FACTOR, F),
    ("impact", "Impact per unit, year 1", "proxy x rebase x (1-dw) x (1-disp) x (1-attr); signed", 16, MONEY, F),
    ("multiplier", "Quantity multiplier", "count, rate, or engagement x success", 12, NUMBER, F),
    ("first_value", "Year-1 value per intake", "multiplier x impact per unit", 16, MONEY, F),
    ("total", "Undiscounted value", "all years", 16, MONEY, F),
    ("pv", "Present value", "all years", 16, MONEY, F),
)
INPUT_COLUMNS = (
    ("id", "ID", "lower_case_id", 22, None, I),
    ("description", "Description", "what is spent", 40, None, I),
    ("funder", "Funder", "budget holder id", 20, None, I),
    ("kind", "Kind", "cash | in_kind | volunteer_time", 14, None, I),
    ("basis", "Basis", "total | per_participant", 15, None, I),
    ("amount", "Amount", "a year; or blank and quantity x unit cost", 13, MONEY, I),
    ("quantity", "Quantity", "units a year", 10, NUMBER, I),
    ("unit", "Unit", "of the quantity", 10, None, I),
    ("unit_cost", "Unit cost", "per unit", 11, MONEY, I),
    ("price_year", "Price year", "2019 or '2019-20'", 10, WHOLE, I),
    ("source", "Source", "optional", 30, None, I),
    ("note", "Note", "optional", 30, None, I),
    ("rebase", "Rebase factor", "x to price base", 12, FACTOR, F),
    ("annual", "Amount in a year of spending", "at the price base, before per-participant", 16, MONEY, F),
    ("total", "Undiscounted inputs", "all years", 16, MONEY, F),
    ("pv", "Present value", "all years", 16, MONEY, F),
)
PARAMETER_COLUMNS = (
    ("name", "Parameter", 30), ("field", "Scheme field", 30), ("cell", "Base value cell", 18),
    ("base", "Base value (live)", 14), ("low", "Low", 11), ("high", "High", 11),
    ("distribution", "Distribution", 13), ("sd", "sd", 9), ("lambda", "lambda (pert)", 9),
    ("source", "Source", 40), ("assumption", "Assumption", 30), ("note", "Note", 30),
)
PARAMETER_META = ("low", "high", "distribution", "sd", "lambda", "source", "assumption", "note")
FIRST_ROW = 5  # first data row of the table sheets (row 3: headers, row 4: units)
DEFLATOR_FIRST = 8
DISCOUNT_BAND_FIRST, CUSTOM_HEADER = 6, 13
STRUCTURE_LABELS = ("Outcome rows", "Input rows", "Year columns", "Intake years")


def col(n: int) -> str:
    return get_column_letter(n)


def q(sheet: str) -> str:
    """A sheet name as written in a formula."""
    return f"'{sheet}'" if not sheet.isalnum() else sheet


@dataclass(frozen=True)
class Layout:
    """Where everything goes, from the counts alone (so the reader can rebuild it).

    ``outcomes``, ``inputs``: rows of the impact map and the inputs sheet;
    ``horizon``: year columns; ``intakes``: intake rows per outcome in the workings
    (the number of cohort years, at least 1); ``periods``: custom-rate rows.
    """

    outcomes: int
    inputs: int
    horizon: int
    intakes: int
    periods: int

    @classmethod
    def of(cls, scheme: Scheme) -> "Layout":
        rates = len(scheme.discounting.rates or ())
        return cls(len(scheme.outcomes), len(scheme.inputs), scheme.horizon, max(1, len(scheme.cohort)),
                   max(scheme.horizon, rates))

    # -- columns ---------------------------------------------------------------------
    @staticmethod
    def out_col(key: str) -> str:
        return col(1 + [c[0] for c in OUTCOME_COLUMNS].index(key))

    @staticmethod
    def in_col(key: str) -> str:
        return col(1 + [c[0] for c in INPUT_COLUMNS].index(key))

    @staticmethod
    def year_col(y: int) -> str:
        """Column of scheme year ``y`` (1-based) on 'Year by year' and 'Workings'."""
        return col(3 + y)

    @staticmethod
    def setting(key: str) -> int:
        return SETTINGS_FIRST + [s[0] for s in SETTINGS_ROWS].index(key)

    @staticmethod
    def out_row(i: int) -> int:
        return FIRST_ROW + i

    in_row = out_row

    # -- Year by year rows -------------------------------------------------------------
    RATE_ROW, DF_START_ROW, DF_END_ROW, VALUE_DF_ROW, INPUT_DF_ROW = 5, 6, 7, 8, 9
    PEOPLE_ROW = 12
    VALUE_FIRST = 15

    def value_row(self, i: int) -> int:
        return self.VALUE_FIRST + i

    @property
    def total_value_row(self) -> int:
        return self.VALUE_FIRST + self.outcomes

    @property
    def pv_value_row(self) -> int:
        return self.total_value_row + 1

    @property
    def inputs_header_row(self) -> int:
        return self.pv_value_row + 2

    def flag_row(self, j: int) -> int:
        return self.inputs_header_row + 1 + 2 * j

    def cost_row(self, j: int) -> int:
        return self.flag_row(j) + 1

    @property
    def total_cost_row(self) -> int:
        return self.inputs_header_row + 1 + 2 * self.inputs

    @property
    def pv_cost_row(self) -> int:
        return self.total_cost_row + 1

    @property
    def npv_row(self) -> int:
        return self.pv_cost_row + 3

    @property
    def cum_npv_row(self) -> int:
        return self.npv_row + 1

    @property
    def cum_cost_row(self) -> int:
        return self.cum_npv_row + 3

    @property
    def cum_value_before_row(self) -> int:
        return self.cum_cost_row + 1

    @property
    def gap_row(self) -> int:
        return self.cum_cost_row + 2

    @property
    def months_row(self) -> int:
        return self.cum_cost_row + 3

    @property
    def done_row(self) -> int:
        return self.cum_cost_row + 4

    # -- Workings rows -----------------------------------------------------------------
    def block_row(self, i: int) -> int:
        """Header row of outcome ``i``'s block on 'Workings'."""
        return 5 + i * (self.intakes + 3)

    def profile_row(self, i: int) -> int:
        return self.block_row(i) + 1

    def intake_row(self, i: int, c: int) -> int:
        """Row of the intake of year ``c`` (1-based) in outcome ``i``'s block."""
        return self.block_row(i) + 1 + c

    # -- Discounting, Results ----------------------------------------------------------
    @staticmethod
    def custom_row(t: int) -> int:
        return CUSTOM_HEADER + t

    HEADLINE = {"present_value": 5, "investment": 6, "npv": 7, "sroi_ratio": 8, "net_sroi_ratio": 9,
                "payback_months": 10}
    LEDGER_HEADER = 13
    LEDGER_KEYS = ("budget_holder", "name", *VALUE_TYPES, "total_value", "spend", "value_per_pound_invested",
                   "value_per_pound_own_spend", "net")

    def ledger_row(self, k: int) -> int:
        return self.LEDGER_HEADER + 1 + k

    def ledger_col(self, key: str) -> str:
        return col(1 + self.LEDGER_KEYS.index(key))


# ---------------------------------------------------------------------------- the writer


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


class _Writer:
    def __init__(self, scheme: Scheme) -> None:
        self.s = scheme
        self.L = Layout.of(scheme)
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.ws = {name: self.wb.create_sheet(name) for name in SHEETS}
        self.params: list[tuple[str, str, str, str, Parameter]] = []  # name, field, sheet, cell, parameter
        self.cur = scheme.currency

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
            c.number_format = fmt
        if font is not None:
            c.font = font

    def param(self, name: str, field: str, sheet: str, ref: str, p: Parameter, fmt: str | None,
              style: str = I) -> None:
        self.put(sheet, ref, p.base, style, fmt)
        self.params.append((name, field, sheet, ref, p))

    def title(self, sheet: str, text: str, note: str) -> None:
        ws = self.ws[sheet]
        self.put(sheet, "A1", text, font=TITLE)
        self.put(sheet, "A2", note, font=NOTE)
        ws.row_dimensions[2].height = 30
        ws["A2"].alignment = Alignment(wrap_text=False, vertical="top")

    def table_header(self, sheet: str, columns, row: int = 3) -> None:
        ws = self.ws[sheet]
        for k, c in enumerate(columns, 1):
            key, header = c[0], c[1]
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

    def validation(self, sheet: str, options, cells: str) -> None:
        dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        self.ws[sheet].add_data_validation(dv)
        dv.add(cells)

    # -- sheets ------------------------------------------------------------------------
    def build(self) -> Workbook:
        self.settings()
        self.inputs()
        self.impact_map()
        self.discounting()
        self.workings()
        self.years()
        self.results()
        self.sources()
        self.holders()
        self.gaps()
        self.deflator()
        self.parameters()  # last: every parameter cell is known by now
        self.scenarios()
        self.about()
        self.wb.calculation.fullCalcOnLoad = True
        return self.wb

    def about(self) -> None:
        s, L, sh = self.s, self.L, ABOUT
        ws = self.ws[sh]
        self.put(sh, "A1", s.name, font=TITLE)
        self.put(sh, "A2", MARKER, font=NOTE)
        rows = [
            ("Written by", f"sroi {__version__} (sroi export); every derived cell is a live formula"),
            ("Money", f"{s.currency}, in {s.price_base} prices (the price base)"),
            ("Horizon", f"{s.horizon} years; discounting: {s.discounting.schedule} schedule, "
                        f"{s.discounting.convention} timing"),
        ]
        for k, (a, b) in enumerate(rows, 4):
            self.put(sh, f"A{k}", a, font=BOLD)
            self.put(sh, f"B{k}", b)
        self.put(sh, "A8", "Legend", font=BOLD)
        legend = [
            (I, "Input", "typed in; change it and every figure recalculates; read back by sroi import"),
            (F, "Formula", "computed from the inputs; do not type over it"),
            (R, "Reference", "data from sroi's bundled library or deflator, or fixed structure; "
                             "not read back by sroi import (see each sheet)"),
        ]
        for k, (style, name, text) in enumerate(legend, 9):
            self.put(sh, f"A{k}", name, style)
            self.put(sh, f"B{k}", text)
        self.put(sh, "A13", "Sheets", font=BOLD)
        guide = [
            (SETTINGS, "the scheme: name, price base, currency, horizon, discounting"),
            (INPUTS, "who pays what (costs), one row per input"),
            (MAP, "the impact map: stakeholders, outcomes, indicators, quantities, financial proxies, "
                  "deadweight, displacement, attribution, drop-off, duration, start"),
            (YEARS, "year by year: discount factors, participants, value by outcome, inputs, NPV, payback"),
            (RESULTS, "present value, investment, NPV, SROI ratio and the budget-holder ledger"),
            (DISCOUNTING, "Green Book rate bands and custom rates by period"),
            (WORKINGS, "value of each outcome by intake year (how cohorts add up)"),
            (PARAMETERS, "every parameter: its range, distribution, source and assumption"),
            (SCENARIOS, "named scenarios: sets of parameter values to try instead of the base values"),
            (SOURCES, "bibliography"), (HOLDERS, "budget holders declared by the scheme"),
            (GAPS, "evidence gaps left open"), (DEFLATOR, "GDP deflator used for rebasing"),
        ]
        for k, (name, text) in enumerate(guide, 14):
            self.put(sh, f"A{k}", name)
            self.put(sh, f"B{k}", text)
        first = 14 + len(guide) + 1
        self.put(sh, f"A{first}", "Structure (fixed by the export)", font=BOLD)
        for k, (label, n) in enumerate(zip(STRUCTURE_LABELS, (L.outcomes, L.inputs, L.horizon, L.intakes)),
                                       first + 1):
            self.put(sh, f"A{k}", label)
            self.put(sh, f"B{k}", n, R)
        ws.column_dimensions["A"].width = 30
        ws.column_dimensions["B"].width = 100

    def settings(self) -> None:
        s, d, sh, L = self.s, self.s.discounting, SETTINGS, self.L
        self.title(sh, "Settings", "The scheme as a whole. Yellow cells are inputs.")
        self.table_header(sh, (("key", "Setting", 28), ("value", "Value", 40), ("help", "Unit / allowed", 70)))
        values = {
            "name": s.name, "place": s.place, "description": s.description, "price_base": s.price_base.to_toml(),
            "currency": s.currency, "horizon": s.horizon, "schedule": d.schedule, "convention": d.convention,
            "rate": None, "discounting_source": d.source, "cohort_source": s.cohort_source,
            "proxy_tables": "\n".join(s.proxy_tables) or None,
        }
        for key, label, help_text in SETTINGS_ROWS:
            r = L.setting(key)
            self.put(sh, f"A{r}", label, font=BOLD)
            self.put(sh, f"C{r}", help_text, font=NOTE)
            if key == "rate":
                if d.rate is not None:
                    self.param("discounting.rate", "discounting.rate", sh, f"B{r}", d.rate, RATE)
                else:
                    self.put(sh, f"B{r}", None, I, RATE)
            elif key == "horizon":
                self.put(sh, f"B{r}", values[key], R, WHOLE)
            else:
                self.put(sh, f"B{r}", values[key], I, WHOLE if key == "price_base" else None)
                self.ws[sh][f"B{r}"].alignment = WRAP
        self.validation(sh, ("green_book", "constant", "custom"), f"B{L.setting('schedule')}")
        self.validation(sh, ("sroi_guide", "green_book"), f"B{L.setting('convention')}")
        self.ws[sh].freeze_panes = "B4"

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

    def inputs(self) -> None:
        s, sh, L = self.s, INPUTS, self.L
        self.title(sh, "Inputs", f"Who pays what, in {s.currency}. The years of spending are the 1s on "
                                 f"'{YEARS}'. Yellow: inputs; green: formulas.")
        self.table_header(sh, INPUT_COLUMNS)
        c = L.in_col
        for j, inp in enumerate(s.inputs):
            r = L.in_row(j)
            at = f"inputs[{j + 1}]"
            row = {"id": inp.id, "description": inp.description, "funder": inp.funder, "kind": inp.kind,
                   "basis": inp.basis, "unit": inp.unit, "price_year": inp.price_year.to_toml(),
                   "source": inp.source, "note": inp.note}
            for key, _h, _u, _w, fmt, style in INPUT_COLUMNS:
                if style == I and key in row:
                    self.put(sh, f"{c(key)}{r}", row[key], I, fmt)
                elif style == I:
                    p = getattr(inp, key)
                    if p is None:
                        self.put(sh, f"{c(key)}{r}", None, I, fmt)
                    else:
                        self.param(f"{inp.id}.{key}", f"{at}.{key}", sh, f"{c(key)}{r}", p, fmt)
            ycols = f"{q(YEARS)}!${L.year_col(1)}{L.cost_row(j)}:${L.year_col(L.horizon)}{L.cost_row(j)}"
            dfs = f"{q(YEARS)}!${L.year_col(1)}${L.INPUT_DF_ROW}:${L.year_col(L.horizon)}${L.INPUT_DF_ROW}"
            formulas = {
                "rebase": self.rebase_formula(f"{c('price_year')}{r}"),
                "annual": f'=IF({c("amount")}{r}="",{c("quantity")}{r}*{c("unit_cost")}{r},{c("amount")}{r})'
                          f"*{c('rebase')}{r}",
                "total": f"=SUM({ycols})",
                "pv": f"=SUMPRODUCT({ycols},{dfs})",
            }
            for key, _h, _u, _w, fmt, style in INPUT_COLUMNS:
                if style == F:
                    self.put(sh, f"{c(key)}{r}", formulas[key], F, fmt)
        last = L.in_row(max(L.inputs, 1) - 1)
        self.validation(sh, ("cash", "in_kind", "volunteer_time"), f"{c('kind')}{FIRST_ROW}:{c('kind')}{last}")
        self.validation(sh, ("total", "per_participant"), f"{c('basis')}{FIRST_ROW}:{c('basis')}{last}")
        self.ws[sh].freeze_panes = f"C{FIRST_ROW}"

    def impact_map(self) -> None:
        s, sh, L = self.s, MAP, self.L
        self.title(sh, "Impact map", f"One row per outcome; values in {s.currency}. Yellow: inputs; green: "
                                     "formulas; blue: from the proxy library (clear the library id to use "
                                     "your own value and source).")
        self.table_header(sh, OUTCOME_COLUMNS)
        c = L.out_col
        for i, o in enumerate(s.outcomes):
            r = L.out_row(i)
            at = f"outcomes[{i + 1}]"
            qk = o.quantity.kind
            pr = o.proxy
            lib = R if pr.ref else I
            text = {
                "id": o.id, "stakeholder": o.stakeholder, "outcome": o.outcome, "indicator": o.indicator,
                "quantity_basis": qk, "proxy_ref": pr.ref, "beneficiary": o.beneficiary,
                "value_type": o.value_type, "disbenefit": o.disbenefit, "evidence_source": o.evidence.source,
                "evidence_confidence": o.evidence.confidence, "evidence_note": o.evidence.note, "note": o.note,
                "start_year": o.start_year,
            }
            for key, value in text.items():
                fmt = WHOLE if key == "start_year" else None
                self.put(sh, f"{c(key)}{r}", value, I, fmt)
            for key, value in (("proxy_description", pr.description), ("proxy_unit", pr.unit),
                               ("proxy_price_year", pr.price_year.to_toml()), ("proxy_source", pr.source),
                               ("proxy_url", pr.url)):
                self.put(sh, f"{c(key)}{r}", value, lib, WHOLE if key == "proxy_price_year" else None)
            first, *second = o.quantity.parts()
            self.param(f"{o.id}.{first[0]}", f"{at}.quantity.{first[0]}", sh, f"{c('quantity')}{r}", first[1],
                       NUMBER if qk == "count" else RATE)
            if second:
                self.param(f"{o.id}.success", f"{at}.quantity.success", sh, f"{c('success')}{r}", second[0][1],
                           RATE)
            else:
                self.put(sh, f"{c('success')}{r}", None, I, RATE)
            self.param(f"{o.id}.proxy", f"{at}.proxy" if pr.ref else f"{at}.proxy.value", sh,
                       f"{c('proxy_value')}{r}", pr.value, MONEY, lib)
            for key in ("deadweight", "displacement", "attribution", "drop_off", "duration"):
                self.param(f"{o.id}.{key}", f"{at}.{key}", sh, f"{c(key)}{r}", getattr(o, key),
                           NUMBER if key == "duration" else RATE)
            cells = {k: f"{c(k)}{r}" for k, *_ in OUTCOME_COLUMNS}
            ycols = f"${L.year_col(1)}{L.value_row(i)}:${L.year_col(L.horizon)}{L.value_row(i)}"
            dfs = f"{q(YEARS)}!${L.year_col(1)}${L.VALUE_DF_ROW}:${L.year_col(L.horizon)}${L.VALUE_DF_ROW}"
            formulas = {
                "rebase": self.rebase_formula(cells["proxy_price_year"]),
                # the engine's order: proxy x (rebase x sign) x (1-dw) x (1-disp) x (1-attr)
                "impact": f"={cells['proxy_value']}*({cells['rebase']}*IF({cells['disbenefit']},-1,1))"
                          f"*(1-{cells['deadweight']})*(1-{cells['displacement']})*(1-{cells['attribution']})",
                "multiplier": f'=IF({cells["quantity_basis"]}="engagement_success",'
                              f'{cells["quantity"]}*{cells["success"]},{cells["quantity"]})',
                "first_value": f"={cells['multiplier']}*{cells['impact']}",
                "total": f"=SUM({q(YEARS)}!{ycols})",
                "pv": f"=SUMPRODUCT({q(YEARS)}!{ycols},{dfs})",
            }
            for key, _h, _u, _w, fmt, style in OUTCOME_COLUMNS:
                if style == F:
                    self.put(sh, cells[key], formulas[key], F, fmt)
        last = L.out_row(max(L.outcomes, 1) - 1)

        def rng(key: str) -> str:
            return f"{c(key)}{FIRST_ROW}:{c(key)}{last}"

        self.validation(sh, ("count", "rate", "engagement_success"), rng("quantity_basis"))
        self.validation(sh, tuple(VALUE_TYPES), rng("value_type"))
        self.validation(sh, ("TRUE", "FALSE"), rng("disbenefit"))
        self.validation(sh, CONFIDENCE_LEVELS, rng("evidence_confidence"))
        self.ws[sh].freeze_panes = f"C{FIRST_ROW}"

    def discounting(self) -> None:
        s, sh, L, d = self.s, DISCOUNTING, self.L, self.s.discounting
        self.title(sh, "Discounting", "Green Book bands (reference: schedule 'green_book') and custom rates "
                                      "by period (inputs: schedule 'custom'). The factors are on "
                                      f"'{YEARS}'.")
        ws = self.ws[sh]
        self.put(sh, "A4", "Green Book social time preference rate (HM Treasury, Green Book Annex 6, "
                           "Table 6.1)", font=BOLD)
        for k, h in enumerate(("First period", "Last period", "Rate"), 1):
            cell = ws.cell(5, k, h)
            cell.font, cell.fill = BOLD, HEADER_FILL
        lower = 0
        for k, (last, rate) in enumerate(GREEN_BOOK_BANDS):
            r = DISCOUNT_BAND_FIRST + k
            self.put(sh, f"A{r}", int(lower + 1), R, WHOLE)
            self.put(sh, f"B{r}", int(last) if last != float("inf") else None, R, WHOLE)
            self.put(sh, f"C{r}", rate, R, RATE)
            lower = last
        self.put(sh, f"A{CUSTOM_HEADER - 1}", "Custom rates (schedule 'custom'): period t runs from time t-1 "
                                              "to time t", font=BOLD)
        for k, h in enumerate(("Period", "Rate"), 1):
            cell = ws.cell(CUSTOM_HEADER, k, h)
            cell.font, cell.fill = BOLD, HEADER_FILL
        rates = d.rates or ()
        for t in range(1, L.periods + 1):
            r = L.custom_row(t)
            self.put(sh, f"A{r}", t, R, WHOLE)
            self.put(sh, f"B{r}", rates[t - 1] if t <= len(rates) else None, I, RATE)
        for k, w in enumerate((14, 14, 10), 1):
            ws.column_dimensions[col(k)].width = w
        if d.source:
            self.put(sh, "E4", "Discounting source is on 'Settings'.", font=NOTE)

    def workings(self) -> None:
        s, sh, L = self.s, WORKINGS, self.L
        self.title(sh, "Workings", "For each outcome: the share of first-year value left k years after it "
                                   "starts, and each intake's value by year (before the year-1 value per "
                                   "intake). All formulas.")
        ws = self.ws[sh]
        self.put(sh, "A3", "Scheme year", font=BOLD)
        self.put(sh, "B3", "Starts in year", font=BOLD)
        self.put(sh, "C3", "Intake", font=BOLD)
        for y in range(1, L.horizon + 1):
            self.put(sh, f"{L.year_col(y)}3", y, font=BOLD)
            ws.column_dimensions[L.year_col(y)].width = 11
        ws.column_dimensions["A"].width = 44
        first, last = L.year_col(1), L.year_col(L.horizon)
        for i, o in enumerate(s.outcomes):
            m = L.out_row(i)

            def mc(key: str) -> str:
                return f"{q(MAP)}!${Layout.out_col(key)}${m}"

            self.put(sh, f"A{L.block_row(i)}", f"{o.id}: {o.outcome}", font=BOLD)
            pr = L.profile_row(i)
            self.put(sh, f"A{pr}", "Share of year-1 value k = year - 1 years after the start")
            for y in range(1, L.horizon + 1):
                k = f"({L.year_col(y)}$3-1)"
                self.put(sh, f"{L.year_col(y)}{pr}",
                         f"=IF({k}=0,1,POWER(1-{mc('drop_off')},{k}))*MIN(1,MAX(0,{mc('duration')}-{k}))", F,
                         FACTOR)
            for c in range(1, L.intakes + 1):
                r = L.intake_row(i, c)
                self.put(sh, f"A{r}", f"Intake of year {c}")
                self.put(sh, f"B{r}", f"={c}+{mc('start_year')}-1", F, WHOLE)
                people = f"{q(YEARS)}!{L.year_col(c)}${L.PEOPLE_ROW}"
                once = "1" if c == 1 else "0"
                self.put(sh, f"C{r}", f'=IF({mc("quantity_basis")}="count",{once},{people})', F, NUMBER)
                for y in range(1, L.horizon + 1):
                    yc = L.year_col(y)
                    self.put(sh, f"{yc}{r}",
                             f"=IF({yc}$3>=$B{r},$C{r}*INDEX(${first}${pr}:${last}${pr},1,{yc}$3-$B{r}+1),0)", F,
                             NUMBER)
        self.put(sh, "E1", "Intake years modelled", font=BOLD)
        self.put(sh, "H1", L.intakes, R, WHOLE)
        ws.freeze_panes = "D4"

    def years(self) -> None:
        s, sh, L = self.s, YEARS, self.L
        d = s.discounting
        self.title(sh, "Year by year", f"Real terms at {s.price_base} prices ({s.currency}). Participants and the "
                                       "1s marking years of spending are inputs; everything else is a formula.")
        ws = self.ws[sh]
        self.put(sh, "A3", "Scheme year", font=BOLD)
        self.put(sh, "B3", "ID", font=BOLD)
        self.put(sh, "C3", "Total", font=BOLD)
        for y in range(1, L.horizon + 1):
            self.put(sh, f"{L.year_col(y)}3", y, font=BOLD)
            ws.column_dimensions[L.year_col(y)].width = 13
        ws.column_dimensions["A"].width = 52
        ws.column_dimensions["B"].width = 22
        ws.column_dimensions["C"].width = 15
        first, last = L.year_col(1), L.year_col(L.horizon)

        def row_range(r: int, absolute: bool = True) -> str:
            return f"${first}${r}:${last}${r}" if absolute else f"{first}{r}:{last}{r}"

        def section(r: int, text: str) -> None:
            self.put(sh, f"A{r}", text, font=BOLD)

        schedule = f"{SETTINGS}!$B${L.setting('schedule')}"
        convention = f"{SETTINGS}!$B${L.setting('convention')}"
        bands = f"{DISCOUNTING}!$A${DISCOUNT_BAND_FIRST}:$A${DISCOUNT_BAND_FIRST + len(GREEN_BOOK_BANDS) - 1}"
        band_rates = f"{DISCOUNTING}!$C${DISCOUNT_BAND_FIRST}:$C${DISCOUNT_BAND_FIRST + len(GREEN_BOOK_BANDS) - 1}"
        section(4, f"Discounting ({d.schedule} schedule, {d.convention} timing)")
        labels = {
            L.RATE_ROW: "Discount rate of the period ending at the end of the year",
            L.DF_START_ROW: "Discount factor at the start of the year (time y-1)",
            L.DF_END_ROW: "Discount factor at the end of the year (time y): DF(t) = DF(t-1)/(1+r)",
            L.VALUE_DF_ROW: "Discount factor for value (by the timing convention)",
            L.INPUT_DF_ROW: "Discount factor for inputs (start of the year)",
        }
        for r, text in labels.items():
            self.put(sh, f"A{r}", text)
        for y in range(1, L.horizon + 1):
            yc = L.year_col(y)
            self.put(sh, f"{yc}{L.RATE_ROW}",
                     f'=IF({schedule}="green_book",LOOKUP({yc}$3,{bands},{band_rates}),'
                     f'IF({schedule}="constant",{SETTINGS}!$B${L.setting("rate")},'
                     f"{DISCOUNTING}!$B${L.custom_row(y)}))", F, RATE)
            start = "=1" if y == 1 else f"={L.year_col(y - 1)}{L.DF_END_ROW}"
            self.put(sh, f"{yc}{L.DF_START_ROW}", start, F, FACTOR)
            self.put(sh, f"{yc}{L.DF_END_ROW}", f"={yc}{L.DF_START_ROW}/(1+{yc}{L.RATE_ROW})", F, FACTOR)
            self.put(sh, f"{yc}{L.VALUE_DF_ROW}",
                     f'=IF({convention}="sroi_guide",{yc}{L.DF_END_ROW},{yc}{L.DF_START_ROW})', F, FACTOR)
            self.put(sh, f"{yc}{L.INPUT_DF_ROW}", f"={yc}{L.DF_START_ROW}", F, FACTOR)

        section(L.PEOPLE_ROW - 1, "Cohort")
        self.put(sh, f"A{L.PEOPLE_ROW}", "Participants joining in the year")
        self.put(sh, f"C{L.PEOPLE_ROW}", f"=SUM({row_range(L.PEOPLE_ROW, False)})", F, NUMBER)
        for y, p in enumerate(s.cohort, 1):
            self.param(f"cohort.year{y}", f"cohort.participants[{y}]", sh, f"{L.year_col(y)}{L.PEOPLE_ROW}", p,
                       NUMBER)
        for y in range(len(s.cohort) + 1, L.intakes + 1):  # a scheme without a cohort: one empty intake
            self.put(sh, f"{L.year_col(y)}{L.PEOPLE_ROW}", None, I, NUMBER)

        section(L.VALUE_FIRST - 1, "Value by outcome (undiscounted; negative for disbenefits)")
        for i, o in enumerate(s.outcomes):
            r, m = L.value_row(i), L.out_row(i)
            self.put(sh, f"A{r}", f"={q(MAP)}!{Layout.out_col('outcome')}{m}", F)
            self.put(sh, f"B{r}", f"={q(MAP)}!{Layout.out_col('id')}{m}", F)
            self.put(sh, f"C{r}", f"=SUM({row_range(r, False)})", F, MONEY)
            top, bottom = L.intake_row(i, 1), L.intake_row(i, L.intakes)
            for y in range(1, L.horizon + 1):
                yc = L.year_col(y)
                self.put(sh, f"{yc}{r}",
                         f"={q(MAP)}!${Layout.out_col('first_value')}${m}*SUM({WORKINGS}!{yc}{top}:{yc}{bottom})",
                         F, MONEY)
        tv, pvv = L.total_value_row, L.pv_value_row
        self.put(sh, f"A{tv}", "Total value", font=BOLD)
        self.put(sh, f"A{pvv}", "Present value of the year's value", font=BOLD)

        section(L.inputs_header_row, "Inputs (undiscounted)")
        for j, inp in enumerate(s.inputs):
            fr, cr, n = L.flag_row(j), L.cost_row(j), L.in_row(j)
            self.put(sh, f"A{fr}", "Spent in this year? (1 = yes)")
            self.put(sh, f"B{fr}", f"={INPUTS}!{Layout.in_col('id')}{n}", F)
            self.put(sh, f"A{cr}", f"={INPUTS}!{Layout.in_col('description')}{n}", F)
            self.put(sh, f"B{cr}", f"={INPUTS}!{Layout.in_col('id')}{n}", F)
            self.put(sh, f"C{cr}", f"=SUM({row_range(cr, False)})", F, MONEY)
            for y in range(1, L.horizon + 1):
                yc = L.year_col(y)
                self.put(sh, f"{yc}{fr}", 1 if y in inp.years else None, I, WHOLE)
                self.put(sh, f"{yc}{cr}",
                         f"={INPUTS}!${Layout.in_col('annual')}${n}*{yc}{fr}"
                         f'*IF({INPUTS}!${Layout.in_col("basis")}${n}="per_participant",{yc}${L.PEOPLE_ROW},1)',
                         F, MONEY)
        tc, pvc = L.total_cost_row, L.pv_cost_row
        self.put(sh, f"A{tc}", "Total inputs", font=BOLD)
        self.put(sh, f"A{pvc}", "Present value of the year's inputs", font=BOLD)

        section(L.npv_row - 1, "Net present value")
        self.put(sh, f"A{L.npv_row}", "Net present value of the year")
        self.put(sh, f"A{L.cum_npv_row}", "Cumulative net present value")
        section(L.cum_cost_row - 1, "Discounted payback: inputs paid at the start of their year, value accruing "
                                    "evenly through it")
        self.put(sh, f"A{L.cum_cost_row}", "Cumulative PV of inputs to the end of the year")
        self.put(sh, f"A{L.cum_value_before_row}", "Cumulative PV of value before the year")
        self.put(sh, f"A{L.gap_row}", "Still to recover at the start of the year, after its inputs")
        self.put(sh, f"A{L.months_row}", "Payback month if reached in this year (from the start of year 1)")
        self.put(sh, f"A{L.done_row}", "Paid back in this year, from the first year of spending?")

        for y in range(1, L.horizon + 1):
            yc = L.year_col(y)
            prev = L.year_col(y - 1) if y > 1 else None
            vals = f"{yc}{L.value_row(0)}:{yc}{L.value_row(L.outcomes - 1)}"
            costs = "+".join(f"{yc}{L.cost_row(j)}" for j in range(L.inputs))
            self.put(sh, f"{yc}{tv}", f"=SUM({vals})", F, MONEY)
            self.put(sh, f"{yc}{pvv}", f"={yc}{tv}*{yc}{L.VALUE_DF_ROW}", F, MONEY)
            self.put(sh, f"{yc}{tc}", f"={costs}", F, MONEY)
            self.put(sh, f"{yc}{pvc}", f"={yc}{tc}*{yc}{L.INPUT_DF_ROW}", F, MONEY)
            self.put(sh, f"{yc}{L.npv_row}", f"={yc}{pvv}-{yc}{pvc}", F, MONEY)
            self.put(sh, f"{yc}{L.cum_npv_row}", f"=SUM(${first}{L.npv_row}:{yc}{L.npv_row})", F, MONEY)
            self.put(sh, f"{yc}{L.cum_cost_row}", f"=SUM(${first}{pvc}:{yc}{pvc})", F, MONEY)
            self.put(sh, f"{yc}{L.cum_value_before_row}", f"=SUM(${first}{pvv}:{prev}{pvv})" if prev else "=0",
                     F, MONEY)
            self.put(sh, f"{yc}{L.gap_row}", f"={yc}{L.cum_cost_row}-{yc}{L.cum_value_before_row}", F, MONEY)
            gap, v = f"{yc}{L.gap_row}", f"{yc}{pvv}"
            self.put(sh, f"{yc}{L.months_row}",
                     f'=IF({gap}<=0,12*({yc}$3-1),IF({v}>0,IF({gap}/{v}<=1,12*({yc}$3-1+{gap}/{v}),""),""))',
                     F, "0.00")
            self.put(sh, f"{yc}{L.done_row}", f'=AND({yc}{L.cum_cost_row}>0,{yc}{L.months_row}<>"")', F)
        for r in (tv, pvv, tc, pvc, L.npv_row):
            self.put(sh, f"C{r}", f"=SUM({row_range(r, False)})", F, MONEY)
        ws.freeze_panes = "D4"

    def results(self) -> None:
        from .results import run

        s, sh, L = self.s, RESULTS, self.L
        self.title(sh, "Results", f"Present values in {s.currency} at {s.price_base} prices. All formulas.")
        ws = self.ws[sh]
        self.put(sh, "A4", "Headline", font=BOLD)
        last_o, last_i = L.out_row(L.outcomes - 1), L.in_row(L.inputs - 1)
        pv_col, in_pv = Layout.out_col("pv"), Layout.in_col("pv")
        h = L.HEADLINE
        first, last = L.year_col(1), L.year_col(L.horizon)
        months = f"{q(YEARS)}!${first}${L.months_row}:${last}${L.months_row}"
        done = f"{q(YEARS)}!${first}${L.done_row}:${last}${L.done_row}"
        pvc = f"{q(YEARS)}!${first}${L.pv_cost_row}:${last}${L.pv_cost_row}"
        rows = [
            ("present_value", "Present value of value (benefits net of disbenefits)",
             f"=SUM({q(MAP)}!${pv_col}${FIRST_ROW}:${pv_col}${last_o})", MONEY),
            ("investment", "Present value of inputs (investment)",
             f"=SUM({INPUTS}!${in_pv}${FIRST_ROW}:${in_pv}${last_i})", MONEY),
            ("npv", "Net present value", f"=B{h['present_value']}-B{h['investment']}", MONEY),
            ("sroi_ratio", "SROI ratio (value per unit of money invested)",
             f"=B{h['present_value']}/B{h['investment']}", RATIO),
            ("net_sroi_ratio", "Net SROI ratio (NPV per unit of money invested)",
             f"=B{h['npv']}/B{h['investment']}", RATIO),
            ("payback_months", "Discounted payback (months from the start of year 1)",
             f'=IF(SUM({pvc})=0,0,IFERROR(INDEX({months},1,MATCH(TRUE(),{done},0)),"not within the horizon"))',
             "0.00"),
        ]
        for key, label, formula, fmt in rows:
            self.put(sh, f"A{h[key]}", label)
            self.put(sh, f"B{h[key]}", formula, F, fmt)
        self.put(sh, f"A{L.LEDGER_HEADER - 1}", "Who pays, who saves: the budget-holder ledger (present values)",
                 font=BOLD)
        one = {"GBP": "£1", "USD": "$1", "EUR": "€1"}.get(s.currency, f"1 {s.currency}")
        headers = ("Budget holder", "Name", *(VALUE_TYPES[v].split(":")[0] for v in VALUE_TYPES),
                   "Total value", "Spend", f"Value per {one} invested", f"Value per {one} of own spend", "Net")
        for k, text in enumerate(headers, 1):
            cell = ws.cell(L.LEDGER_HEADER, k, text)
            cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP
        oc = Layout.out_col
        rng = lambda key: f"{q(MAP)}!${oc(key)}${FIRST_ROW}:${oc(key)}${last_o}"  # noqa: E731
        irng = lambda key: f"{INPUTS}!${Layout.in_col(key)}${FIRST_ROW}:${Layout.in_col(key)}${last_i}"  # noqa
        holders = list(run(s).ledger.index)
        lc = L.ledger_col
        for k, holder in enumerate(holders):
            r = L.ledger_row(k)
            self.put(sh, f"A{r}", holder)
            self.put(sh, f"B{r}", s.holder_name(holder))
            for vt in VALUE_TYPES:
                self.put(sh, f"{lc(vt)}{r}",
                         f'=SUMIFS({rng("pv")},{rng("beneficiary")},$A{r},{rng("value_type")},"{vt}")', F, MONEY)
            types = f"{lc(next(iter(VALUE_TYPES)))}{r}:{lc(list(VALUE_TYPES)[-1])}{r}"
            self.put(sh, f"{lc('total_value')}{r}", f"=SUM({types})", F, MONEY)
            self.put(sh, f"{lc('spend')}{r}", f'=SUMIFS({irng("pv")},{irng("funder")},$A{r})', F, MONEY)
            tv, sp = f"{lc('total_value')}{r}", f"{lc('spend')}{r}"
            self.put(sh, f"{lc('value_per_pound_invested')}{r}", f"={tv}/$B${h['investment']}", F, RATIO)
            self.put(sh, f"{lc('value_per_pound_own_spend')}{r}", f'=IF({sp}=0,"",{tv}/{sp})', F, RATIO)
            self.put(sh, f"{lc('net')}{r}", f"={tv}-{sp}", F, MONEY)
        total = L.ledger_row(len(holders))
        self.put(sh, f"A{total}", "Total", font=BOLD)
        for key in (*VALUE_TYPES, "total_value", "spend", "net"):
            self.put(sh, f"{lc(key)}{total}", f"=SUM({lc(key)}{L.ledger_row(0)}:{lc(key)}{total - 1})", F, MONEY)
        widths = (24, 40, 14, 14, 14, 14, 14, 14, 12, 12, 14)
        for k, w in enumerate(widths, 1):
            ws.column_dimensions[col(k)].width = w
        ws.column_dimensions["A"].width = 52
        ws.freeze_panes = "A4"

    def scenarios(self) -> None:
        sh = SCENARIOS
        self.title(sh, "Scenarios", "Named alternatives to the base case: each replaces some parameters' base "
                                    "values (by the names on 'Parameters'). Not applied to this workbook's figures.")
        self.table_header(sh, SCENARIO_COLUMNS)
        r = FIRST_ROW
        for sc in self.s.scenarios:
            self.put(sh, f"A{r}", sc.name, I)
            self.put(sh, f"B{r}", sc.description, I)
            self.put(sh, f"C{r}", sc.source, I)
            for name, value in sc.overrides or (("", None),):
                self.put(sh, f"D{r}", name or None, I)
                self.put(sh, f"E{r}", value, I, NUMBER)
                r += 1
        self.ws[sh].freeze_panes = f"B{FIRST_ROW}"

    def sources(self) -> None:
        sh = SOURCES
        self.title(sh, "Sources", "The scheme's bibliography. 'source' fields elsewhere start with a source id.")
        self.table_header(sh, (("id", "ID", "", 20, None, I), ("citation", "Citation", "", 80, None, I),
                               ("url", "URL", "optional", 40, None, I), ("note", "Note", "optional", 40, None, I)))
        for k, src in enumerate(self.s.sources):
            r = FIRST_ROW + k
            for n, key in enumerate(("id", "citation", "url", "note")):
                self.put(sh, f"{col(n + 1)}{r}", getattr(src, key), I)
                self.ws[sh][f"{col(n + 1)}{r}"].alignment = WRAP
        self.ws[sh].freeze_panes = f"A{FIRST_ROW}"

    def holders(self) -> None:
        sh = HOLDERS
        self.title(sh, "Budget holders", "Declared by this scheme (inputs, columns A-B); the built-in ones "
                                         "(reference, columns D-E) need no declaration.")
        self.table_header(sh, (("id", "ID", "new id", 24, None, I), ("name", "Name", "", 50, None, I),
                               ("gap", "", "", 4, None, I), ("builtin", "Built-in ID", "", 26, None, R),
                               ("builtin_name", "Built-in name", "", 60, None, R)))
        for k, h in enumerate(self.s.budget_holders):
            self.put(sh, f"A{FIRST_ROW + k}", h.id, I)
            self.put(sh, f"B{FIRST_ROW + k}", h.name, I)
        for k, (hid, name) in enumerate(BUDGET_HOLDERS.items()):
            self.put(sh, f"D{FIRST_ROW + k}", hid, R)
            self.put(sh, f"E{FIRST_ROW + k}", name, R)
        self.ws[sh].freeze_panes = f"A{FIRST_ROW}"

    def gaps(self) -> None:
        sh = GAPS
        self.title(sh, "Evidence gaps", "Gaps left open on purpose; sroi prints them with every run.")
        self.table_header(sh, (("gap", "Evidence gap", "one a row", 140, None, I),))
        for k, g in enumerate(self.s.gaps):
            self.put(sh, f"A{FIRST_ROW + k}", g, I)
            self.ws[sh][f"A{FIRST_ROW + k}"].alignment = WRAP

    def deflator(self) -> None:
        s, sh = self.s, DEFLATOR
        ws = self.ws[sh]
        rows = self.deflator_rows
        if rows:
            d = load_deflator(s.currency)
            self.title(sh, "Deflator", f"{d.publisher}, {d.title} ({d.licence}). Reference data bundled with "
                                       "sroi: rebase = index[price base] / index[price year]. The sheet is "
                                       "protected; sroi import rebases with its bundled series.")
            for k, fiscal in enumerate((False, True)):
                if fiscal in d.series:
                    ser = d.series[fiscal]
                    self.put(sh, f"A{4 + k}", "Financial years" if fiscal else "Calendar years", font=BOLD)
                    self.put(sh, f"B{4 + k}", f"{ser.vintage}; {ser.reference}; {ser.url}", font=NOTE)
        else:
            self.title(sh, "Deflator", f"No deflator is bundled for {s.currency}: every price year equals the "
                                       "price base, so every rebase factor is 1.")
        for k, h in enumerate(("Price year", "Index"), 1):
            cell = ws.cell(DEFLATOR_FIRST - 1, k, h)
            cell.font, cell.fill = BOLD, HEADER_FILL
        for k, (year, index) in enumerate(rows):
            self.put(sh, f"A{DEFLATOR_FIRST + k}", year, R)
            self.put(sh, f"B{DEFLATOR_FIRST + k}", index, R, "0.0000")
        ws.column_dimensions["A"].width = 16
        ws.column_dimensions["B"].width = 12
        ws.protection.sheet = True
        ws.freeze_panes = f"A{DEFLATOR_FIRST}"

    def parameters(self) -> None:
        sh = PARAMETERS
        self.title(sh, "Parameters", "Every numeric field of the scheme: its base value lives in the cell named "
                                     "in column C (live copy in D); range, distribution and evidence here.")
        self.table_header(sh, [(k, h, "", w, None, I) for k, h, w in PARAMETER_COLUMNS])
        for n, (name, field, sheet, ref, p) in enumerate(self.params):
            r = FIRST_ROW + n
            self.put(sh, f"A{r}", name)
            self.put(sh, f"B{r}", field)
            self.put(sh, f"C{r}", f"{sheet}!{ref}", R)
            self.put(sh, f"D{r}", f"={q(sheet)}!{ref}", F, NUMBER)
            dist = p.distribution
            meta = {"low": p.low, "high": p.high, "distribution": dist.kind if dist else None,
                    "sd": dist.get("sd") if dist else None, "lambda": dist.get("lambda") if dist else None,
                    "source": p.source, "assumption": p.assumption, "note": p.note}
            for k, key in enumerate(PARAMETER_META, 5):
                self.put(sh, f"{col(k)}{r}", meta[key], I)
        last = FIRST_ROW + max(len(self.params), 1) - 1
        self.validation(sh, ("fixed", "uniform", "triangular", "pert", "normal", "truncnormal", "lognormal",
                             "gamma", "beta"), f"G{FIRST_ROW}:G{last}")
        self.ws[sh].freeze_panes = f"B{FIRST_ROW}"


def build_workbook(scheme: Scheme) -> Workbook:
    """The impact map of ``scheme`` as an openpyxl :class:`Workbook` (not saved)."""
    return _Writer(scheme).build()


def workbook_bytes(scheme: Scheme) -> bytes:
    """The impact map of ``scheme`` as the bytes of an .xlsx file."""
    buf = io.BytesIO()
    build_workbook(scheme).save(buf)
    return buf.getvalue()


def export_workbook(scheme: Scheme, path: str | Path, *, force: bool = False) -> Path:
    """Write ``scheme`` to ``path`` as an .xlsx impact map with live formulas.

    The file is written atomically and an existing file is never overwritten unless
    ``force`` is true (:class:`~sroi.fileio.OutputExistsError`).
    """
    from .fileio import atomic_write

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise ScenarioError(str(path), "", f"sroi export writes an .xlsx workbook; name the output "
                                           f"'{target.with_suffix('.xlsx').name}'")
    return atomic_write(target, workbook_bytes(scheme), force=force)


def engine_figures(scheme: Scheme) -> Iterator[tuple[str, str, str, float]]:
    """Every computed cell of the exported workbook that the engine also computes:
    ``(what, sheet, cell, engine value)``. Used to check a recalculated workbook."""
    from .results import run

    r = run(scheme)
    L = Layout.of(scheme)
    for y in range(1, L.horizon + 1):
        yc = L.year_col(y)
        yield f"value discount factor, year {y}", YEARS, f"{yc}{L.VALUE_DF_ROW}", float(r.value_df[y - 1])
        yield f"input discount factor, year {y}", YEARS, f"{yc}{L.INPUT_DF_ROW}", float(r.cost_df[y - 1])
        for i, o in enumerate(scheme.outcomes):
            yield f"{o.id}, year {y}", YEARS, f"{yc}{L.value_row(i)}", float(r.value[i, y - 1])
        for j, inp in enumerate(scheme.inputs):
            yield f"{inp.id}, year {y}", YEARS, f"{yc}{L.cost_row(j)}", float(r.cost[j, y - 1])
    by_year = r.by_year
    for y in range(1, L.horizon + 1):
        yc = L.year_col(y)
        row = by_year.loc[y]
        for key, rr in (("value", L.total_value_row), ("inputs", L.total_cost_row),
                        ("pv_value", L.pv_value_row), ("pv_inputs", L.pv_cost_row),
                        ("cumulative_npv", L.cum_npv_row)):
            yield f"{key}, year {y}", YEARS, f"{yc}{rr}", float(row[key])
    for i, o in enumerate(scheme.outcomes):
        yield f"{o.id}: present value", MAP, f"{Layout.out_col('pv')}{L.out_row(i)}", float(r.pv_by_outcome[i])
        yield f"{o.id}: undiscounted", MAP, f"{Layout.out_col('total')}{L.out_row(i)}", float(r.value[i].sum())
    for j, inp in enumerate(scheme.inputs):
        yield f"{inp.id}: present value", INPUTS, f"{Layout.in_col('pv')}{L.in_row(j)}", float(r.pv_by_input[j])
    for key, row in L.HEADLINE.items():
        yield key, RESULTS, f"B{row}", float(getattr(r, key))
    for k, (holder, rec) in enumerate(r.ledger.iterrows()):
        for key in L.LEDGER_KEYS[2:]:
            yield f"ledger {holder} {key}", RESULTS, f"{L.ledger_col(key)}{L.ledger_row(k)}", float(rec[key])
