"""What a scheme shows, requirement by requirement, against a reviewer's standard.

``sroi check --standard green-book FILE`` and ``--standard svi FILE`` list each
requirement with ``meets`` / ``lacks`` and why, from the scheme file and its result. The
requirements are sroi's reading of the standards, each with where it comes from:

* **Green Book** (HM Treasury, *The Green Book*, 2022 edition): real prices at a stated
  base year; the STPR discount schedule (3.5% declining; ch. 5 and annex A6); transfers
  netted out of the social case (ch. 6); optimism bias treated (ch. 5, annex A5 and the
  supplementary guidance); distributional analysis beside the unweighted figures (annex
  A3.12-A3.22); sensitivity and switching values for key drivers (ch. 5); uncertainty
  shown (a range, not a point); the benefit-cost ratio shown with the NPV (ch. 5).
* **SVI** (Social Value International, *A guide to Social Return on Investment*, 2012;
  its principles and assurance standard): stakeholders named for every outcome
  (principle 1); outcomes valued with financial proxies that cite a source (principles 2
  and 3); the four impact adjustments considered on every outcome: deadweight,
  displacement, attribution, drop-off, each non-zero or with a reason (principle 5, do not
  over-claim); materiality: what was left out and why (principle 4: the scheme's gaps);
  sensitivity analysis (stage 5); transparency: every number sourced or marked as an
  assumption (principle 6).

A ``lacks`` is not an error: it says what a reviewer will ask for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .results import Result

__all__ = ["Requirement", "assess", "STANDARDS"]

STANDARDS = ("green-book", "svi")


@dataclass(frozen=True)
class Requirement:
    standard: str
    requirement: str
    meets: bool
    detail: str

    def __str__(self) -> str:
        return f"{'meets' if self.meets else 'LACKS'}  {self.requirement}: {self.detail}"


def _reasoned(p) -> bool:
    """Non-zero, or zero with a reason (the test ``sroi check`` applies to zero deadweight)."""
    from .checks import _explained

    return p.base != 0 or _explained(p)


def assess(result: "Result", standard: str) -> list[Requirement]:
    """The requirements of ``standard`` ("green-book" or "svi") and whether the scheme
    meets each."""
    if standard not in STANDARDS:
        raise ValueError(f"standard must be one of {', '.join(STANDARDS)}, got {standard!r}")
    s = result.scheme
    out: list[Requirement] = []

    def req(name: str, ok: bool, detail: str) -> None:
        out.append(Requirement(standard, name, bool(ok), detail))

    uncertain = [r.name for r in result.model.refs
                 if r.parameter.distribution is not None and r.parameter.distribution.kind != "fixed"]
    ranged = [r.name for r in result.model.refs if r.parameter.low is not None and r.parameter.high is not None
              and r.parameter.low < r.parameter.high]
    if standard == "green-book":
        d = s.discounting
        req("real prices at a stated base year", True, f"every figure in {s.price_base} prices, rebased with the "
            "GDP deflator")
        req("STPR discounting (3.5% declining)", d.schedule in ("green_book", "green_book_2026"),
            f"the Green Book schedule ({'2026' if d.schedule == 'green_book_2026' else '2022'} edition)"
            if d.schedule in ("green_book", "green_book_2026") else
            f"the scheme uses a {d.schedule} schedule; set [discounting] schedule = \"green_book\"")
        req("Green Book timing (year 1 is the present)", d.convention == "green_book",
            "value and costs from the start of year 1" if d.convention == "green_book" else
            "the SROI Guide's timing (year 1 discounted once); set convention = \"green_book\" for the economic case")
        transfers = [o.id for o in s.outcomes if o.is_transfer]
        req("transfers netted out of the social case", True,
            f"{len(transfers)} transfer(s) count zero for society: {', '.join(transfers)}" if transfers else
            "no outcome is marked as a transfer; check that no benefit income or fee is entered as value")
        adj = dict(result.model.adjustments).get("optimism_bias")
        req("optimism bias treated", adj is not None,
            f"applied: {adj}" if adj is not None else "no optimism-bias adjustment in this result; apply "
            "sroi.sensitivity.optimism_bias (by_grade=True, or green_book_uplift for costs) and report both")
        req("distributional analysis beside the unweighted figures", s.distributional is not None,
            "weighted figures shown beside the unweighted" if s.distributional is not None else
            "no [distributional] table; add one and mark who receives each outcome (income_quintile)")
        req("sensitivity and switching values for key drivers", bool(ranged) or bool(uncertain),
            f"{len(ranged)} parameters with a range; `sroi sensitivity --switching` gives every switching value"
            if ranged or uncertain else "no parameter has a range or a distribution")
        req("uncertainty shown as a range, not a point", bool(uncertain),
            f"{len(uncertain)} uncertain parameters give an interval and P(ratio > 1)" if uncertain else
            "nothing is uncertain; add uncertainty = \"graded\" or distributions")
        req("NPV shown with the benefit-cost ratio", True, f"NPV {result.npv:,.0f}, ratio {result.sroi_ratio:.2f}")
        return out

    # svi
    req("stakeholders named for every outcome", all(o.stakeholder.strip() for o in s.outcomes),
        f"{len({o.stakeholder for o in s.outcomes})} stakeholder groups")
    unsourced_proxy = [o.id for o in s.outcomes if not (o.proxy.source or o.proxy.value.assumption)]
    req("every outcome valued with a sourced financial proxy", not unsourced_proxy,
        "every proxy cites a source" if not unsourced_proxy else f"no source: {', '.join(unsourced_proxy)}")
    for name, label in (("deadweight", "deadweight"), ("displacement", "displacement"),
                        ("attribution", "attribution"), ("drop_off", "drop-off")):
        missing = [o.id for o in s.outcomes if not _reasoned(getattr(o, name))]
        req(f"{label} considered on every outcome", not missing,
            "non-zero or with a reason on every outcome" if not missing else
            f"zero with no reason on: {', '.join(missing)}")
    req("materiality: what is left out and why", bool(s.gaps),
        f"{len(s.gaps)} gaps stated" if s.gaps else "no gaps listed; say which outcomes were not valued and why")
    req("sensitivity analysis", bool(ranged) or bool(uncertain),
        f"{len(ranged)} parameters with a range, {len(uncertain)} with a distribution" if ranged or uncertain else
        "no parameter has a range or a distribution")
    bad = [w for w in result.warnings if w.code == "unsourced"]
    req("transparency: every number sourced or marked as an assumption", not bad,
        "every number has a source or an assumption" if not bad else f"{len(bad)} numbers have neither")
    return out
