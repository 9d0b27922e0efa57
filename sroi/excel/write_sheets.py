"""The sheets of typed-in inputs and reference data in an exported impact map.

'About', 'Settings', 'Inputs', 'Impact map' (with its per-row formulas), 'Discounting',
'Scenarios', 'Sources', 'Budget holders', 'Gaps', 'Deflator' and 'Parameters'. The
sheets of year-by-year formulas are in :mod:`sroi.excel.write_formulas`.
"""

from __future__ import annotations

from .._version import __version__
from ..discounting import GREEN_BOOK_BANDS
from .layout import (
    ABOUT, BOLD, CUSTOM_HEADER, DEFLATOR, DEFLATOR_FIRST, DISCOUNT_BAND_FIRST, DISCOUNTING, FIRST_ROW, GAPS, HOLDERS,
    INPUT_COLUMNS, INPUTS, MAP, MAP_BANDS, MARKER, MONEY, NOTE, NUMBER, OUTCOME_COLUMNS, PARAMETER_COLUMNS, PARAMETER_META,
    CORRELATION_COLUMNS, CORRELATIONS, FIGURE_COLUMNS, REPRODUCTION, REPRODUCTION_FIGURES_HEADER, REPRODUCTION_ROWS,
    PARAMETERS, RATE, RESULTS, SCENARIO_COLUMNS, SCENARIOS, SETTINGS, SETTINGS_ROWS, SOURCES, STRUCTURE_LABELS,
    TITLE, WHOLE, WORKINGS, WRAP, YEARS, F, I, R, col, column_range, q,
)
from .write_cells import SheetWriter
from ..model import BUDGET_HOLDERS, CONFIDENCE_LEVELS, VALUE_TYPES
from ..prices import load_deflator
from ..uncertainty import declared


class InputSheets(SheetWriter):
    """Writes the sheets whose cells are typed in or shown for reference."""

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
            ("Figures shown", "the results stored with the formulas, for previewers and readers that do not "
                              "calculate, were computed by sroi's engine at export; Excel and LibreOffice "
                              "recalculate every formula on opening"),
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
            (CORRELATIONS, "rank correlations between uncertain parameters (probabilistic analysis)"),
            (REPRODUCTION, "for a reproduction of a publication: its grade, tolerance and published figures"),
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
            "proxy_tables": "\n".join(s.proxy_tables) or None, "uncertainty": s.uncertainty,
            "payback": s.payback,
            "distributional_eta": s.distributional.eta if s.distributional else None,
            "distributional_reference_income": s.distributional.reference_income if s.distributional else None,
            "distributional_source": s.distributional.source if s.distributional else None,
        }
        for key, label, help_text in SETTINGS_ROWS:
            r = L.setting(key)
            self.put(sh, f"A{r}", label, font=BOLD)
            self.put(sh, f"C{r}", help_text, font=NOTE)
            if key == "rate":
                self.param("discounting.rate", "discounting.rate", sh, f"B{r}", d.rate, RATE)
            elif key == "horizon":
                self.put(sh, f"B{r}", values[key], R, WHOLE)
            else:
                self.put(sh, f"B{r}", values[key], I, WHOLE if key == "price_base" else None)
                self.ws[sh][f"B{r}"].alignment = WRAP
        self.validation(sh, ("green_book", "constant", "custom"), f"B{L.setting('schedule')}")
        self.validation(sh, ("sroi_guide", "green_book"), f"B{L.setting('convention')}")
        self.validation(sh, ("declared", "graded"), f"B{L.setting('uncertainty')}")
        self.validation(sh, ("discounted", "sroi_guide"), f"B{L.setting('payback')}")
        self.ws[sh].freeze_panes = "B4"

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
                   "source": inp.source, "note": inp.note, "grade": inp.grade}
            for key, _h, _u, _w, fmt, style in INPUT_COLUMNS:
                if style == I and key in row:
                    self.put(sh, f"{c(key)}{r}", row[key], I, fmt)
                elif style == I:
                    self.param(f"{inp.id}.{key}", f"{at}.{key}", sh, f"{c(key)}{r}", getattr(inp, key), fmt)
            ycols = L.year_range(L.cost_row(j), YEARS, lock_row=False)
            dfs = L.year_range(L.INPUT_DF_ROW, YEARS)
            formulas = {
                "rebase": self.rebase_formula(f"{c('price_year')}{r}"),
                "annual": f'=IF({c("amount")}{r}="",{c("quantity")}{r}*{c("unit_cost")}{r},{c("amount")}{r})'
                          f"*{c('rebase')}{r}",
                "total": f"=SUM({ycols})",
                "pv": f"=SUMPRODUCT({ycols},{dfs})",
            }
            self.formula_cells(sh, INPUT_COLUMNS, c, r, formulas)
        last = L.in_row(max(L.inputs, 1) - 1)
        self.validation(sh, ("cash", "in_kind", "volunteer_time"), column_range(c("kind"), FIRST_ROW, last))
        self.validation(sh, ("total", "per_participant"), column_range(c("basis"), FIRST_ROW, last))
        self.ws[sh].freeze_panes = f"C{FIRST_ROW}"

    def impact_map(self) -> None:
        s, sh, L = self.s, MAP, self.L
        self.title(sh, "Impact map", f"One row per outcome; values in {s.currency}. Yellow: inputs; green: "
                                     "formulas; blue: from the proxy library (clear the library id to use "
                                     "your own value and source).")
        ws = self.ws[sh]  # the note goes beside the title: row 2 holds the stage bands
        ws["C1"], ws["A2"] = ws["A2"].value, None
        ws["C1"].font = NOTE
        self.bands(sh, 2, [(text, L.out_col(a), L.out_col(b)) for text, a, b in MAP_BANDS])
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
                "evidence_confidence": o.evidence.confidence, "evidence_note": o.evidence.note,
                "evidence_grade": o.evidence.grade, "note": o.note, "income_quintile": o.income_quintile,
                "recipient_income": o.recipient_income,
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
            self.param(f"{o.id}.success", f"{at}.quantity.success", sh, f"{c('success')}{r}",
                       second[0][1] if second else None, RATE)
            self.param(f"{o.id}.proxy", f"{at}.proxy" if pr.ref else f"{at}.proxy.value", sh,
                       f"{c('proxy_value')}{r}", pr.value, MONEY, lib)
            for key in ("deadweight", "displacement", "attribution", "drop_off", "duration"):
                self.param(f"{o.id}.{key}", f"{at}.{key}", sh, f"{c(key)}{r}", getattr(o, key),
                           NUMBER if key == "duration" else RATE)
            cells = {k: f"{c(k)}{r}" for k, *_ in OUTCOME_COLUMNS}
            ycols = L.year_range(L.value_row(i), YEARS, lock_row=False)
            dfs = L.year_range(L.VALUE_DF_ROW, YEARS)
            formulas = {
                "rebase": self.rebase_formula(cells["proxy_price_year"]),
                # the engine's order: proxy x (rebase x sign) x (1-dw) x (1-disp) x (1-attr)
                "impact": f"={cells['proxy_value']}*({cells['rebase']}*IF({cells['disbenefit']},-1,1))"
                          f"*(1-{cells['deadweight']})*(1-{cells['displacement']})*(1-{cells['attribution']})",
                "multiplier": f'=IF({cells["quantity_basis"]}="engagement_success",'
                              f'{cells["quantity"]}*{cells["success"]},{cells["quantity"]})',
                "first_value": f"={cells['multiplier']}*{cells['impact']}",
                "total": f"=SUM({ycols})",
                "pv": f"=SUMPRODUCT({ycols},{dfs})",
            }
            self.formula_cells(sh, OUTCOME_COLUMNS, c, r, formulas)
        last = L.out_row(max(L.outcomes, 1) - 1)

        def rng(key: str) -> str:
            return column_range(c(key), FIRST_ROW, last)

        self.validation(sh, ("count", "rate", "engagement_success"), rng("quantity_basis"))
        self.validation(sh, tuple(VALUE_TYPES), rng("value_type"))
        self.validation(sh, ("TRUE", "FALSE"), rng("disbenefit"))
        self.validation(sh, CONFIDENCE_LEVELS, rng("evidence_confidence"))
        for key in ("deadweight", "displacement", "attribution", "drop_off", "success"):
            self.rate_validation(sh, rng(key))
        self.ws[sh].freeze_panes = f"C{FIRST_ROW}"

    def discounting(self) -> None:
        sh, L, d = DISCOUNTING, self.L, self.s.discounting
        self.title(sh, "Discounting", "Green Book bands (reference: schedule 'green_book') and custom rates "
                                      "by period (inputs: schedule 'custom'). The factors are on "
                                      f"'{YEARS}'.")
        self.put(sh, "A4", "Green Book social time preference rate (HM Treasury, Green Book Annex 6, "
                           "Table 6.1)", font=BOLD)
        self.header_cells(sh, 5, ("First period", "Last period", "Rate"))
        lower = 0.0
        for k, (last, rate) in enumerate(GREEN_BOOK_BANDS):
            r = DISCOUNT_BAND_FIRST + k
            self.put(sh, f"A{r}", int(lower + 1), R, WHOLE)
            self.put(sh, f"B{r}", int(last) if last != float("inf") else None, R, WHOLE)
            self.put(sh, f"C{r}", rate, R, RATE)
            lower = last
        self.put(sh, f"A{CUSTOM_HEADER - 1}", "Custom rates (schedule 'custom'): period t runs from time t-1 "
                                              "to time t", font=BOLD)
        self.header_cells(sh, CUSTOM_HEADER, ("Period", "Rate"))
        rates = d.rates or ()
        for t in range(1, L.periods + 1):
            r = L.custom_row(t)
            self.put(sh, f"A{r}", t, R, WHOLE)
            self.put(sh, f"B{r}", rates[t - 1] if t <= len(rates) else None, I, RATE)
        self.widths(sh, (14, 14, 10))
        if d.source:
            self.put(sh, "E4", "Discounting source is on 'Settings'.", font=NOTE)

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

    def correlations(self) -> None:
        sh = CORRELATIONS
        self.title(sh, "Correlations", "Rank (Spearman) correlations between uncertain parameters, applied through "
                                       "a Gaussian copula in a probabilistic analysis (names from 'Parameters').")
        self.table_header(sh, CORRELATION_COLUMNS)
        self.table_rows(sh, [(c.parameters[0], c.parameters[1], c.rho, c.source) for c in self.s.correlations], I)
        self.ws[sh].freeze_panes = f"A{FIRST_ROW}"

    def reproduction(self) -> None:
        sh, rep = REPRODUCTION, self.s.reproduction
        self.title(sh, "Reproduction", "How this scheme reproduces a publication: its grade, the tolerance and the "
                                       "published figures (blank when the scheme is not a reproduction).")
        values = {} if rep is None else {"grade": rep.grade, "publication": rep.publication,
                                         "tolerance": rep.tolerance, "tolerance_note": rep.tolerance_note,
                                         "note": rep.note}
        for k, (key, label, help_text) in enumerate(REPRODUCTION_ROWS, 4):
            self.put(sh, f"A{k}", label, font=BOLD)
            self.put(sh, f"B{k}", values.get(key), I)
            self.put(sh, f"C{k}", help_text, font=NOTE)
        self.table_header(sh, FIGURE_COLUMNS, row=REPRODUCTION_FIGURES_HEADER)
        rows = [] if rep is None else [tuple(getattr(f, key) for key, *_ in FIGURE_COLUMNS) for f in rep.figures]
        for k, values_ in enumerate(rows, REPRODUCTION_FIGURES_HEADER + 2):
            for n, v in enumerate(values_):
                self.put(sh, f"{col(n + 1)}{k}", v, I)

    def sources(self) -> None:
        sh = SOURCES
        self.title(sh, "Sources", "The scheme's bibliography. 'source' fields elsewhere start with a source id.")
        self.table_header(sh, (("id", "ID", "", 20, None, I), ("citation", "Citation", "", 80, None, I),
                               ("url", "URL", "optional", 40, None, I), ("note", "Note", "optional", 40, None, I)))
        self.table_rows(sh, [(src.id, src.citation, src.url, src.note) for src in self.s.sources], I, wrap=True)
        self.ws[sh].freeze_panes = f"A{FIRST_ROW}"

    def holders(self) -> None:
        sh = HOLDERS
        self.title(sh, "Budget holders", "Declared by this scheme (inputs, columns A-B); the built-in ones "
                                         "(reference, columns D-E) need no declaration.")
        self.table_header(sh, (("id", "ID", "new id", 24, None, I), ("name", "Name", "", 50, None, I),
                               ("gap", "", "", 4, None, I), ("builtin", "Built-in ID", "", 26, None, R),
                               ("builtin_name", "Built-in name", "", 60, None, R)))
        self.table_rows(sh, [(h.id, h.name) for h in self.s.budget_holders], I)
        self.table_rows(sh, BUDGET_HOLDERS.items(), R, column=4)
        self.ws[sh].freeze_panes = f"A{FIRST_ROW}"

    def gaps(self) -> None:
        sh = GAPS
        self.title(sh, "Evidence gaps", "Gaps left open on purpose; sroi prints them with every run.")
        self.table_header(sh, (("gap", "Evidence gap", "one a row", 140, None, I),))
        self.table_rows(sh, [(g,) for g in self.s.gaps], I, wrap=True)

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
        self.header_cells(sh, DEFLATOR_FIRST - 1, ("Price year", "Index"))
        for k, (year, index) in enumerate(rows):
            self.put(sh, f"A{DEFLATOR_FIRST + k}", year, R)
            self.put(sh, f"B{DEFLATOR_FIRST + k}", index, R, "0.0000")
        self.widths(sh, (16, 12))
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
            p = declared(p)  # as the file has it: graded defaults are filled again on import
            dist = p.distribution
            meta = {"low": p.low, "high": p.high, "distribution": dist.kind if dist else None,
                    "sd": dist.get("sd") if dist else None, "lambda": dist.get("lambda") if dist else None,
                    "source": p.source, "assumption": p.assumption, "note": p.note, "grade": p.grade}
            for k, key in enumerate(PARAMETER_META, 5):
                self.put(sh, f"{col(k)}{r}", meta[key], I)
        last = FIRST_ROW + max(len(self.params), 1) - 1
        self.validation(sh, ("fixed", "uniform", "triangular", "pert", "normal", "truncnormal", "lognormal",
                             "gamma", "beta"), column_range("G", FIRST_ROW, last))
        self.ws[sh].freeze_panes = f"B{FIRST_ROW}"
