"""The fixed layout of an exported impact map, shared by the writer and the reader.

Sheet names, the columns of the table sheets, the rows of 'Settings', the number
formats and fills, and :class:`Layout`, which places every cell from the counts alone
(outcomes, inputs, horizon, intakes, custom-rate periods). :mod:`sroi.excel.write`
writes by it and :mod:`sroi.excel.read_exported` reads by it, so the two cannot drift.
The layout is documented sheet by sheet in ``docs/excel.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..model import VALUE_TYPES, Scheme

LAYOUT_VERSION = 1
MARKER = f"sroi impact map, layout {LAYOUT_VERSION}"

# ---------------------------------------------------------------------------- sheet names

ABOUT, SETTINGS, INPUTS, MAP, YEARS, RESULTS = "About", "Settings", "Inputs", "Impact map", "Year by year", "Results"
DISCOUNTING, WORKINGS, PARAMETERS, SCENARIOS, SOURCES, HOLDERS, GAPS, DEFLATOR = (
    "Discounting", "Workings", "Parameters", "Scenarios", "Sources", "Budget holders", "Gaps", "Deflator")
CORRELATIONS, REPRODUCTION = "Correlations", "Reproduction"
SHEETS = (ABOUT, SETTINGS, INPUTS, MAP, YEARS, RESULTS, DISCOUNTING, WORKINGS, PARAMETERS, SCENARIOS, CORRELATIONS,
          SOURCES, HOLDERS, GAPS, REPRODUCTION, DEFLATOR)
CORRELATION_COLUMNS = (("a", "Parameter A", "a name from 'Parameters' column A", 34, None, "input"),
                       ("b", "Parameter B", "another uncertain parameter", 34, None, "input"),
                       ("rho", "Rank correlation", "strictly between -1 and 1", 14, "0.00", "input"),
                       ("source", "Source", "optional", 50, None, "input"))
#: 'Reproduction': settings rows (key, label, help), then the figures table below them.
REPRODUCTION_ROWS = (("grade", "Grade", "rebuilt | partial | arithmetic"),
                     ("publication", "Publication", "a source id from 'Sources'"),
                     ("tolerance", "Default tolerance", "relative, e.g. 0.005"),
                     ("tolerance_note", "Why this tolerance", "text"),
                     ("note", "Note", "optional"))
REPRODUCTION_FIGURES_HEADER = 11  # header row of the figures table; figures from the row below
FIGURE_COLUMNS = (("metric", "Metric", "sroi_ratio, outcome.<id>, holder.<id>, ... ('+' sums)", 34, None, "input"),
                  ("published", "Published", "the figure as printed", 14, "#,##0.####", "input"),
                  ("source", "Source", "table or page", 40, None, "input"),
                  ("tolerance", "Tolerance", "relative (optional)", 11, None, "input"),
                  ("abs_tolerance", "Absolute tolerance", "optional", 11, None, "input"),
                  ("scenario", "Scenario", "optional: a name from 'Scenarios'", 24, None, "input"),
                  ("note", "Note", "optional", 40, None, "input"))
SCENARIO_COLUMNS = (("name", "Scenario", "a new name starts a scenario", 28, None, "input"),
                    ("description", "Description", "optional", 50, None, "input"),
                    ("source", "Source", "optional", 40, None, "input"),
                    ("parameter", "Parameter", "a name from 'Parameters' column A", 34, None, "input"),
                    ("value", "Value", "replaces the base value", 12, "#,##0.####", "input"))

#: Rows (and, on sheets printed more than one page across, columns) repeated on every printed page.
PRINT_TITLES = {SETTINGS: ("3:4", None), INPUTS: ("3:4", "A:B"), MAP: ("2:4", "A:C"), YEARS: ("3:3", "A:C"),
                WORKINGS: ("3:3", "A:C"), SCENARIOS: ("3:4", None), CORRELATIONS: ("3:4", None),
                SOURCES: ("3:4", None), HOLDERS: ("3:4", None), GAPS: ("3:4", None), PARAMETERS: ("3:4", "A:A"),
                DEFLATOR: ("7:7", None)}  # the deflator table's header row

# ---------------------------------------------------------------------------- formats and styles

MONEY, RATE, FACTOR, RATIO, NUMBER, WHOLE = "#,##0.00", "0.0##%", "0.000000000", "0.000", "#,##0.####", "0"
CURRENCY_SIGNS = {"GBP": "£", "USD": "$", "EUR": "€"}


def money_format(currency: str) -> str:
    """The number format of money in ``currency``: '"£"#,##0.00' for GBP; the plain MONEY
    format for a currency without a sign here."""
    sign = CURRENCY_SIGNS.get(currency)
    return f'"{sign}"{MONEY}' if sign else MONEY
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: typed in, read back on import
FORMULA_FILL = PatternFill("solid", fgColor="E2EFDA")  # pale green: a live formula
REFERENCE_FILL = PatternFill("solid", fgColor="DDEBF7")  # pale blue: reference data or structure
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
BAND_FILL = PatternFill("solid", fgColor="BFBFBF")  # the stage bands over the impact map
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
    ("uncertainty", "Uncertainty", "declared (only the distributions given) | graded (evidence-graded defaults)"),
    ("payback", "Headline payback", "discounted | sroi_guide (investment / monthly first-year value)"),
    ("distributional_eta", "Distributional eta", "Green Book elasticity (1.3); blank for no distributional analysis"),
    ("distributional_reference_income", "Distributional reference income", "blank: the bundled ONS median"),
    ("distributional_source", "Distributional source", "text (optional)"),
)
SETTINGS_FIRST = 4

#: The stage bands over the impact map's columns, after the SVI value map's stages:
#: (heading, first column key, last column key).
MAP_BANDS = (("Stage 1: stakeholders", "id", "stakeholder"), ("Stage 2: what changes", "outcome", "outcome"),
             ("Stage 3: evidencing outcomes and giving them a value", "indicator", "proxy_url"),
             ("Stage 4: establishing impact", "deadweight", "drop_off"),
             ("Stage 3: how long it lasts", "duration", "start_year"),
             ("Who benefits", "beneficiary", "disbenefit"), ("Evidence and notes", "evidence_source", "note"),
             ("Stage 5: calculating the SROI (formulas)", "rebase", "pv"))

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
    ("evidence_grade", "Evidence: grade", "1 (strongest) to 6", 9, WHOLE, I),
    ("income_quintile", "Recipients' income quintile", "1 or 5 (bundled ONS medians)", 10, WHOLE, I),
    ("recipient_income", "Recipients' median income", "equivalised, a year", 12, MONEY, I),
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
    ("grade", "Evidence grade", "1 (strongest) to 6", 9, WHOLE, I),
    ("rebase", "Rebase factor", "x to price base", 12, FACTOR, F),
    ("annual", "Amount in a year of spending", "at the price base, before per-participant", 16, MONEY, F),
    ("total", "Undiscounted inputs", "all years", 16, MONEY, F),
    ("pv", "Present value", "all years", 16, MONEY, F),
)
PARAMETER_COLUMNS = (
    ("name", "Parameter", 30), ("field", "Scheme field", 30), ("cell", "Base value cell", 18),
    ("base", "Base value (live)", 14), ("low", "Low", 11), ("high", "High", 11),
    ("distribution", "Distribution", 13), ("sd", "sd", 9), ("lambda", "lambda (pert)", 9),
    ("source", "Source", 40), ("assumption", "Assumption", 30), ("note", "Note", 30), ("grade", "Grade", 8),
)
PARAMETER_META = ("low", "high", "distribution", "sd", "lambda", "source", "assumption", "note", "grade")
FIRST_ROW = 5  # first data row of the table sheets (row 3: headers, row 4: units)
DEFLATOR_FIRST = 8
DISCOUNT_BAND_FIRST, CUSTOM_HEADER = 6, 13
STRUCTURE_LABELS = ("Outcome rows", "Input rows", "Year columns", "Intake years")


def col(n: int) -> str:
    return get_column_letter(n)


def q(sheet: str) -> str:
    """A sheet name as written in a formula."""
    return f"'{sheet}'" if not sheet.isalnum() else sheet


def column_range(column: str, first: int, last: int, sheet: str | None = None, absolute: bool = False) -> str:
    """Rows ``first`` to ``last`` of ``column``, such as ``B5:B9`` or ``Inputs!$B$5:$B$9``."""
    d = "$" if absolute else ""
    return f"{q(sheet) + '!' if sheet else ''}{d}{column}{d}{first}:{d}{column}{d}{last}"


class _Below:
    """A row of 'Year by year' a fixed number of rows below another row of the layout."""

    def __init__(self, anchor: str, rows: int) -> None:
        self.anchor, self.rows = anchor, rows

    def __get__(self, layout: Layout | None, owner: type) -> int:
        if layout is None:
            return self  # type: ignore[return-value]  # looked up on the class itself
        return getattr(layout, self.anchor) + self.rows


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

    def year_range(self, row: int, sheet: str | None = None, *, lock_col: bool = True, lock_row: bool = True) -> str:
        """Every year column of ``row``, such as ``$D$5:$F$5``; ``lock_*`` False drops a ``$``."""
        c, r = "$" if lock_col else "", "$" if lock_row else ""
        first, last = self.year_col(1), self.year_col(self.horizon)
        return f"{q(sheet) + '!' if sheet else ''}{c}{first}{r}{row}:{c}{last}{r}{row}"

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

    pv_value_row = _Below("total_value_row", 1)
    inputs_header_row = _Below("pv_value_row", 2)

    def flag_row(self, j: int) -> int:
        return self.inputs_header_row + 1 + 2 * j

    def cost_row(self, j: int) -> int:
        return self.flag_row(j) + 1

    @property
    def total_cost_row(self) -> int:
        return self.inputs_header_row + 1 + 2 * self.inputs

    pv_cost_row = _Below("total_cost_row", 1)
    npv_row = _Below("pv_cost_row", 3)
    cum_npv_row = _Below("npv_row", 1)
    # discounted payback: cumulative PV of inputs, of value before the year, still to recover,
    # payback month if reached in the year, paid back in the year?
    cum_cost_row = _Below("cum_npv_row", 3)
    cum_value_before_row = _Below("cum_cost_row", 1)
    gap_row = _Below("cum_cost_row", 2)
    months_row = _Below("cum_cost_row", 3)
    done_row = _Below("cum_cost_row", 4)

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

