"""The sheets of year-by-year formulas in an exported impact map.

'Workings' (each outcome's value by intake year), 'Year by year' (discount factors,
value and inputs by year, NPV and discounted payback) and 'Results' (the headline
figures and the budget-holder ledger): every cell is a formula over the input sheets
written by :mod:`sroi.excel.write_sheets`, reproducing :mod:`sroi.engine`.
"""

from __future__ import annotations

from ..discounting import GREEN_BOOK_BANDS
from .layout import (
    BOLD, DISCOUNT_BAND_FIRST, DISCOUNTING, FACTOR, FIRST_ROW, INPUTS, MAP, MONEY, NUMBER, RATE, RATIO, RESULTS,
    SETTINGS, WHOLE, WORKINGS, YEARS, F, I, Layout, R, column_range, q,
)
from .write_cells import SheetWriter
from ..model import VALUE_TYPES


class FormulaSheets(SheetWriter):
    """Writes the sheets of year-by-year formulas."""

    def workings(self) -> None:
        s, sh, L = self.s, WORKINGS, self.L
        self.title(sh, "Workings", "For each outcome: the share of first-year value left k years after it "
                                   "starts, and each intake's value by year (before the year-1 value per "
                                   "intake). All formulas.")
        self.year_headings(sh, ("Scheme year", "Starts in year", "Intake"), 11)
        self.widths(sh, (44,))
        for i, o in enumerate(s.outcomes):
            m = L.out_row(i)

            def mc(key: str) -> str:
                return f"{q(MAP)}!${Layout.out_col(key)}${m}"

            self.put(sh, f"A{L.block_row(i)}", f"{o.id}: {o.outcome}", font=BOLD)
            pr = L.profile_row(i)
            profile = L.year_range(pr)
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
                             f"=IF({yc}$3>=$B{r},$C{r}*INDEX({profile},1,{yc}$3-$B{r}+1),0)", F,
                             NUMBER)
        self.put(sh, "E1", "Intake years modelled", font=BOLD)
        self.put(sh, "H1", L.intakes, R, WHOLE)
        self.ws[sh].freeze_panes = "D4"

    def years(self) -> None:
        s, sh, L = self.s, YEARS, self.L
        d = s.discounting
        self.title(sh, "Year by year", f"Real terms at {s.price_base} prices ({s.currency}). Participants and the "
                                       "1s marking years of spending are inputs; everything else is a formula.")
        self.year_headings(sh, ("Scheme year", "ID", "Total"), 13)
        self.widths(sh, (52, 22, 15))
        first = L.year_col(1)

        def row_total(r: int, fmt: str = MONEY) -> None:
            self.put(sh, f"C{r}", f"=SUM({L.year_range(r, lock_col=False, lock_row=False)})", F, fmt)

        def section(r: int, text: str) -> None:
            self.put(sh, f"A{r}", text, font=BOLD)

        schedule = f"{SETTINGS}!$B${L.setting('schedule')}"
        convention = f"{SETTINGS}!$B${L.setting('convention')}"
        last_band = DISCOUNT_BAND_FIRST + len(GREEN_BOOK_BANDS) - 1
        bands = column_range("A", DISCOUNT_BAND_FIRST, last_band, DISCOUNTING, absolute=True)
        band_rates = column_range("C", DISCOUNT_BAND_FIRST, last_band, DISCOUNTING, absolute=True)
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
        row_total(L.PEOPLE_ROW, NUMBER)
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
            row_total(r)
            top, bottom = L.intake_row(i, 1), L.intake_row(i, L.intakes)
            for y in range(1, L.horizon + 1):
                yc = L.year_col(y)
                intakes = column_range(yc, top, bottom, WORKINGS)
                self.put(sh, f"{yc}{r}", f"={q(MAP)}!${Layout.out_col('first_value')}${m}*SUM({intakes})", F, MONEY)
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
            row_total(cr)
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
            vals = column_range(yc, L.value_row(0), L.value_row(L.outcomes - 1))
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
            row_total(r)
        self.ws[sh].freeze_panes = "D4"

    def results(self) -> None:
        from ..results import run

        s, sh, L = self.s, RESULTS, self.L
        self.title(sh, "Results", f"Present values in {s.currency} at {s.price_base} prices. All formulas; the "
                                  "figures stored with them were computed by sroi's engine at export, and Excel "
                                  "or LibreOffice recalculates them on opening.")
        self.put(sh, "A4", "Headline", font=BOLD)
        last_o, last_i = L.out_row(L.outcomes - 1), L.in_row(L.inputs - 1)

        def rng(key: str) -> str:
            return column_range(Layout.out_col(key), FIRST_ROW, last_o, MAP, absolute=True)

        def irng(key: str) -> str:
            return column_range(Layout.in_col(key), FIRST_ROW, last_i, INPUTS, absolute=True)

        h = L.HEADLINE
        months, done, pvc = (L.year_range(r, YEARS) for r in (L.months_row, L.done_row, L.pv_cost_row))
        rows = [
            ("present_value", "Present value of value (benefits net of disbenefits)", f"=SUM({rng('pv')})", MONEY),
            ("investment", "Present value of inputs (investment)", f"=SUM({irng('pv')})", MONEY),
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
        self.header_cells(sh, L.LEDGER_HEADER, headers, wrap=True)
        # a set height: without one, LibreOffice draws the wrapped headings over the first row
        self.ws[sh].row_dimensions[L.LEDGER_HEADER].height = 48
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
            self.put(sh, f"{lc(key)}{total}", f"=SUM({column_range(lc(key), L.ledger_row(0), total - 1)})", F, MONEY)
        self.widths(sh, (52, 40, 14, 14, 14, 14, 14, 14, 12, 12, 14))  # column A: wide for the headline labels
        self.ws[sh].freeze_panes = "A4"
