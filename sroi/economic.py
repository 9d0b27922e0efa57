"""The HM Treasury Green Book economic case beside the SROI, and the fiscal case per budget holder.

One scheme, two views. The SROI values what each stakeholder receives. The Green Book
economic case values what society as a whole gains: its net present social value (NPSV)
and benefit-cost ratio (BCR) count a transfer (benefit income moved from DWP to a family,
say) as zero, since one party's gain is another's loss. :func:`economic_case` gathers:

* the NPSV and BCR as modelled, and again after optimism bias by evidence grade (each
  outcome's value lowered by its grade's correction, the Greater Manchester levels in
  ``data/uncertainty/grades.toml``, and inputs raised by ``cost_uplift`` where the analyst
  states one): both are shown, since the correction is a stated convention;
* the transfers left out of the economic case, with who pays and who receives them;
* the distributionally weighted NPSV and BCR beside the unweighted ones (Green Book annex
  A3; 2026 edition paragraphs 7.11-7.15), when the scheme has ``[distributional]``;
* the switching values of the main drivers: how far each must move for the NPSV to reach
  zero, nearest first;
* the fiscal case: for each budget holder, what it spends, what it saves (cashable
  first), what it pays or receives as transfers, and its net position;
* what the figures leave out (the scheme's gaps) and how the Green Book asks them to be
  read: a BCR is not a pass/fail test, and summary metrics compare options that meet the
  same objectives (2026 edition, paragraphs 6.98-6.100), with UK-wide figures beside any
  local ones (paragraph 7.19).

The 2026 edition of the Green Book is read from a PDF-to-text copy of HM Treasury's
document; where it changed a figure sroi uses (the long-horizon discount bands, the health
rate), both editions are offered and the 2022 edition stays the default (see
docs/green-book.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .display import _cut, _setting, _table, money, ratio_text, wrapped
from .fileio import json_ready

if TYPE_CHECKING:
    from .engine import Model
    from .model import Scheme
    from .results import Result

__all__ = ["EconomicCase", "economic_case", "economic_text", "READING_NOTES"]

#: How the Green Book asks a BCR to be read (2026 edition; the 2022 edition says the same in
#: substance). Printed with every economic case.
READING_NOTES = (
    "A BCR is not a pass/fail test: a proposal is not rejected for a BCR below a threshold, and one below 1 can "
    "still be value for money when it has significant benefits that are not monetised (Green Book 2026, "
    "paragraphs 6.98-6.99).",
    "Summary metrics compare options that meet the same objectives, not schemes with different aims "
    "(paragraph 6.100); figures for a local area are shown beside UK-wide ones (paragraph 7.19).",
)


@dataclass(frozen=True)
class EconomicCase:
    """The Green Book economic case of one scheme (see the module docstring). Money is
    in the scheme's currency at its price base, present values."""

    result: "Result"
    edition: str
    present_value_benefits: float
    present_value_costs: float
    optimism_bias: dict[str, Any]
    transfers: list[dict[str, Any]]
    distributional: dict[str, Any] | None
    switching_values: list[dict[str, Any]]
    fiscal_case: list[dict[str, Any]]
    not_valued: list[str]
    health_schedule: list[str] = field(default_factory=list)
    measures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def npsv(self) -> float:
        """Net present social value: benefits less costs, transfers excluded."""
        return self.present_value_benefits - self.present_value_costs

    @property
    def bcr(self) -> float:
        """Benefit-cost ratio: present value of benefits over present value of costs."""
        c = self.present_value_costs
        return self.present_value_benefits / c if c else math.inf

    def to_dict(self) -> dict[str, Any]:
        """The economic case for JSON (``inf``/``NaN`` become ``None``)."""
        return json_ready({
            "view": "economic", "scheme": self.result.scheme.name, "currency": self.result.scheme.currency,
            "price_base": str(self.result.scheme.price_base), "green_book_edition": self.edition,
            "present_value_benefits": self.present_value_benefits, "present_value_costs": self.present_value_costs,
            "npsv": self.npsv, "bcr": self.bcr, "optimism_bias": self.optimism_bias,
            "transfers_excluded": self.transfers, "distributional": self.distributional,
            "switching_values": self.switching_values, "fiscal_case": self.fiscal_case,
            "health_schedule_outcomes": self.health_schedule, "outcomes_valued_in_measures": self.measures,
            "not_valued": self.not_valued, "reading_notes": list(READING_NOTES),
        })

    def text(self) -> str:
        """The economic case as the terminal shows it (fits 100 columns)."""
        return economic_text(self)


def economic_case(scheme: "Scheme | Model | Result", *, cost_uplift: float = 0.0, drivers: int = 5,
                  overrides: dict[str, float] | None = None) -> EconomicCase:
    """The Green Book economic case of ``scheme`` (a scheme, a compiled model or a result).

    ``cost_uplift`` raises every input for optimism bias in the adjusted figures (e.g.
    :func:`sroi.sensitivity.scenarios.green_book_uplift`); outcomes are lowered by their
    evidence grade's correction whatever it is. ``drivers`` is how many switching values
    to show.

    Hand-worked case (tests/schemes/economic_case.toml, arithmetic in tests/test_economic.py),
    Green Book timing: £10,000 a year to a family for two years (10,000 + 10,000 / 1.035 =
    19,661.84), 5 WELLBYs a year for two years on the health rate (80,892.00 x (1 + 1/1.015)
    = 160,588.56), £5,000 of benefit income from DWP (a transfer, left out) and £12,000
    spent in year 1: benefits 180,250.39, NPSV 168,250.39, BCR 15.0209.
    """
    from .results import Result, run
    from .sensitivity.oneway import switching_values
    from .sensitivity.scenarios import optimism_bias

    result = scheme if isinstance(scheme, Result) else run(scheme, overrides=overrides)
    s = result.scheme
    model = result.model
    edition = "2026" if s.discounting.schedule == "green_book_2026" else "2022"

    adjusted = run(optimism_bias(model, cost_uplift=cost_uplift, by_grade=True), overrides=overrides)
    ob = {"method": "outcomes lowered by their evidence grade's optimism-bias correction (Greater Manchester "
                    "levels, data/uncertainty/grades.toml); inputs raised by cost_uplift",
          "cost_uplift": float(cost_uplift),
          "present_value_benefits": adjusted.present_value, "present_value_costs": adjusted.investment,
          "npsv": adjusted.npv, "bcr": adjusted.sroi_ratio,
          "ungraded_outcomes": [o.id for o in s.outcomes if o.evidence.grade is None and not o.is_transfer]}

    transfers = [{"outcome": o.id, "payer": o.payer, "beneficiary": o.beneficiary, "present_value": float(pv)}
                 for o, pv in zip(s.outcomes, result.pv_by_outcome) if o.is_transfer]

    dist = result.distributional
    dist_out = None if dist is None else {
        "eta": dist["eta"], "reference_income": dist["reference_income"],
        "weighted_npsv": dist["weighted_present_value"] - result.investment,
        "weighted_bcr": dist["weighted_sroi_ratio"], "weighted_present_value": dist["weighted_present_value"],
        "unweighted_outcomes": dist["unweighted_outcomes"]}

    sv = switching_values(model, on="npv").table
    found = sv[sv["switching_value"].notna() & sv["change"].notna()].copy()
    found["distance"] = found["change"].abs()
    top = found.sort_values("distance", kind="stable").head(max(0, drivers))
    switching = [{"parameter": name, "base": float(r["base"]), "switching_value": float(r["switching_value"]),
                  "change": float(r["change"])} for name, r in top.iterrows()]

    ledger = result.ledger
    fiscal = []
    for h, r in ledger.iterrows():
        row = {"budget_holder": h, "name": r["name"], "spend": float(r["spend"]),
               "fiscal_cashable": float(r["fiscal_cashable"]), "fiscal_non_cashable": float(r["fiscal_non_cashable"]),
               "transfers": float(r["transfer"]) if "transfer" in ledger.columns else 0.0}
        row["net_fiscal"] = row["fiscal_cashable"] + row["fiscal_non_cashable"] + row["transfers"] - row["spend"]
        row["net_cashable"] = row["fiscal_cashable"] + row["transfers"] - row["spend"]
        fiscal.append(row)

    measures = [{"outcome": o.id, "measure": o.proxy.measure.id, "unit": o.proxy.measure.unit,
                 "amount": o.proxy.value.base,
                 "value_per_unit": o.proxy.measure.money, "price_year": str(o.proxy.price_year),
                 "uprating": o.proxy.measure.uprating}
                for o in s.outcomes if o.proxy.measure is not None]
    return EconomicCase(
        result=result, edition=edition, present_value_benefits=result.present_value,
        present_value_costs=result.investment, optimism_bias=ob, transfers=transfers, distributional=dist_out,
        switching_values=switching, fiscal_case=fiscal, not_valued=list(s.gaps),
        health_schedule=[o.id for o in s.outcomes if o.schedule != "scheme"], measures=measures)


def _change_text(x: float) -> str:
    return f"{100 * x:+.0f}%" if abs(x) < 100 else f"x{1 + x:.3g}"


def economic_text(case: EconomicCase) -> str:
    """The Green Book economic case (:func:`sroi.economic.economic_case`) for the terminal,
    within 100 columns."""
    r = case.result
    s = r.scheme
    cur = s.currency
    ob = case.optimism_bias
    out = [*wrapped(f"{s.name}: Green Book economic case ({case.edition} edition)"), *wrapped(_setting(r)), "",
           "Economic case: value to society, transfers excluded (present values)"]
    label = "optimism bias by grade" + (f", costs +{100 * ob['cost_uplift']:g}%" if ob["cost_uplift"] else "")
    rows = [["Benefits", money(case.present_value_benefits, cur), money(ob["present_value_benefits"], cur)],
            ["Costs", money(case.present_value_costs, cur), money(ob["present_value_costs"], cur)],
            ["NPSV", money(case.npsv, cur), money(ob["npsv"], cur)],
            ["BCR", ratio_text(case.bcr), ratio_text(ob["bcr"])]]
    out += ["  " + line for line in _table(["", "as modelled", label], rows, [False, True, True])]
    if ob["ungraded_outcomes"]:
        out += wrapped(f"Ungraded outcomes take the 40% correction: {', '.join(ob['ungraded_outcomes'])}.", "  ")
    d = case.distributional
    if d is None:
        out += wrapped("No distributional weights: the scheme has no [distributional] table (Green Book annex A3 "
                     "asks for weighted figures beside these).", "  ")
    else:
        out += wrapped(f"Distributionally weighted (eta {d['eta']:g}, reference income {money(d['reference_income'], cur)}"
                     f"): NPSV {money(d['weighted_npsv'], cur)}, BCR {ratio_text(d['weighted_bcr'])}, beside the "
                     "unweighted figures above.", "  ")
    if case.transfers:
        out += ["", "Transfers left out of the economic case (they count in the fiscal case)"]
        out += [line for t in case.transfers for line in wrapped(
            f"{t['outcome']}: {money(t['present_value'], cur)} from {t['payer']} to {t['beneficiary']}", "  - ")]
    if case.health_schedule or case.measures:
        out += ["", "Health and wellbeing valuation"]
        if case.health_schedule:
            out += wrapped(f"On the Green Book health discount schedule: {', '.join(case.health_schedule)}.", "  - ")
        for m in case.measures:
            out += wrapped(f"{m['outcome']}: {m['amount']:g} {m['unit']} per unit of outcome, at "
                         f"{money(m['value_per_unit'], cur)} per {m['unit']} ({m['price_year']} prices, library id "
                         f"{m['measure']}), uprated by {m['uprating'].replace('_', ' ')}.", "  - ")
    out += ["", "Switching values: where the NPSV reaches zero, nearest first"]
    if case.switching_values:
        rows = [[_cut(v["parameter"], 40), f"{v['base']:,.6g}", f"{v['switching_value']:,.6g}",
                 _change_text(v["change"])] for v in case.switching_values]
        out += ["  " + line for line in _table(["parameter", "base", "switches at", "change"], rows,
                                               [False, True, True, True])]
    else:
        out += ["  No parameter reaches zero NPSV within its valid range."]
    out += ["", "Fiscal case by budget holder (present values; transfers paid are negative)"]
    rows = [[_cut(f["budget_holder"], 22), money(f["spend"], cur), money(f["fiscal_cashable"], cur),
             money(f["fiscal_non_cashable"], cur), money(f["transfers"], cur), money(f["net_cashable"], cur),
             money(f["net_fiscal"], cur)] for f in case.fiscal_case]
    out += ["  " + line for line in _table(["budget holder", "spend", "cashable", "non-cashable", "transfers",
                                            "net cashable", "net fiscal"], rows, [False] + [True] * 6)]
    out += ["", "Not valued"]
    out += [line for g in case.not_valued for line in wrapped(g, "  - ")] or ["  Nothing listed in the scheme's gaps."]
    out += ["", "How the Green Book reads these figures"]
    out += [line for n in READING_NOTES for line in wrapped(n, "  - ")]
    return "\n".join(out)
