"""Green Book distributional weights, shown beside the unweighted figures.

HM Treasury's Green Book, annex A3 (A3.13-A3.22): a pound is worth more to a poorer
household, by the marginal utility of income. The weight of value received by a group is

    w = (median equivalised household income / the group's median equivalised income) ** eta

with eta = 1.3 (A3.14, from Layard, Mayraz and Nickell 2008). Weighted estimates are
presented alongside the unweighted ones, which remain the minimum requirement (A3.12,
A3.22). sroi weights each outcome's present value by the income of the people who receive
it (``income_quintile`` or ``recipient_income``); outcomes with neither, and all inputs,
keep a weight of 1 and are listed as unweighted.

The reference income is the scheme's ``reference_income`` or the bundled ONS median
(``data/distributional/ons_income.toml``: FYE 2024, GBP 36,700; poorest fifth 16,800,
richest fifth 71,100). Example: value to the poorest fifth weighs (36,700 / 16,800) ** 1.3
= 2.763.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .model import Scheme
    from .results import Result

__all__ = ["quintile_incomes", "weights", "distributional_summary", "income_data"]


@lru_cache(maxsize=1)
def income_data() -> dict[str, Any]:
    from .resources import data_dir

    return tomllib.loads((data_dir() / "distributional" / "ons_income.toml").read_text(encoding="utf-8"))


def quintile_incomes() -> dict[int, float]:
    """The bundled median equivalised disposable income by quintile (only those verified)."""
    return {int(k): float(v) for k, v in income_data()["quintiles"].items()}


def weights(scheme: "Scheme") -> tuple[np.ndarray, float, float]:
    """Each outcome's weight, the elasticity and the reference income."""
    d = scheme.distributional
    if d is None:
        return np.ones(len(scheme.outcomes)), 0.0, float("nan")
    ref = d.reference_income if d.reference_income is not None else float(income_data()["median"])
    q = quintile_incomes()
    w = []
    for o in scheme.outcomes:
        income = o.recipient_income if o.recipient_income is not None else \
            q[o.income_quintile] if o.income_quintile is not None else None
        w.append(1.0 if income is None else (ref / income) ** d.eta)
    return np.array(w), d.eta, ref


def distributional_summary(result: "Result") -> dict[str, Any] | None:
    """Weighted present value and SROI ratio beside the unweighted ones, or None when the
    scheme asks for no distributional analysis."""
    s = result.scheme
    if s.distributional is None:
        return None
    w, eta, ref = weights(s)
    pv = np.asarray(result.pv_by_outcome, float)
    # A transfer nets to zero unweighted; weighted, the recipients' gain counts w and the
    # payer's loss 1 (the payer taken at the reference income), so it adds (w - 1) x value.
    society = np.asarray(result.model.society, float)
    weighted = float((w * pv * society).sum() + ((w - 1.0) * pv * (1.0 - society)).sum())
    inv = result.investment
    return {
        "eta": eta, "reference_income": ref,
        "reference_source": s.distributional.source or income_data()["source"],
        "weights": {o.id: float(x) for o, x in zip(s.outcomes, w)},
        "unweighted_outcomes": [o.id for o in s.outcomes
                                if o.income_quintile is None and o.recipient_income is None],
        "present_value": result.present_value, "weighted_present_value": weighted,
        "sroi_ratio": result.sroi_ratio, "weighted_sroi_ratio": weighted / inv if inv else float("nan"),
        "note": "inputs carry weight 1; weighted figures are shown beside the unweighted ones (Green Book A3.12)",
    }
