"""Many schemes side by side, with comparability checks.

A league table of SROI ratios misleads when the figures rest on different price years,
discount schedules, timing conventions, horizons or perspectives. :func:`compare`
rebases what can be rebased (NPVs to a common price base, with the GDP deflator) and
writes every other difference into the table's ``comparability`` column.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .errors import PriceYearError
from .model import Scheme
from .prices import PriceYear, load_deflator
from .results import Result, run
from .scenario import load

__all__ = ["compare", "perspective"]


def perspective(scheme: Scheme) -> str:
    """Which kinds of value the scheme counts: 'fiscal', 'fiscal + economic', ..."""
    kinds = {o.value_type.split("_")[0] for o in scheme.outcomes}
    order = ["fiscal", "economic", "social"]
    return " + ".join(k for k in order if k in kinds)


def _mode(values: list) -> Any:
    return Counter(values).most_common(1)[0][0]


def compare(schemes: Iterable[Scheme | str | Path], *, price_base: str | int | None = None, psa_draws: int = 0,
            seed: int | None = None, interval: float = 0.95, ranges_as: str | None = None) -> pd.DataFrame:
    """A league table of schemes, sorted by SROI ratio.

    Columns: currency, price base, horizon, discounting, perspective, SROI ratio, NPV
    (and ``npv_rebased`` in ``price_base`` prices where the deflator allows), payback,
    cashable share, ``per_pound:<holder>`` (value per pound invested received by each
    budget holder), and, with ``psa_draws``, the probability that the ratio exceeds 1 and
    its central interval. ``ranges_as`` ("triangular", "pert" or "uniform") gives every
    parameter with a range but no distribution that distribution for the PSA (see
    :func:`sroi.sensitivity.ranges_as_distributions`). ``comparability`` lists how each
    scheme differs from the most common setting (or from ``price_base``); an empty cell
    means fully comparable.
    """
    loaded = [s if isinstance(s, Scheme) else load(s) for s in schemes]
    if not loaded:
        raise ValueError("compare needs at least one scheme")
    results: list[Result] = [run(s) for s in loaded]
    target = PriceYear.parse(price_base) if price_base is not None else _mode([s.price_base for s in loaded])
    common = {
        "currency": _mode([s.currency for s in loaded]),
        "discounting": _mode([f"{s.discounting.schedule}/{s.discounting.convention}" for s in loaded]),
        "horizon": _mode([s.horizon for s in loaded]),
        "perspective": _mode([perspective(s) for s in loaded]),
    }
    rows = []
    for s, r in zip(loaded, results):
        flags = []
        if s.currency != common["currency"]:
            flags.append(f"currency {s.currency}")
        d = (s.discounting.schedule, s.discounting.convention)
        if f"{d[0]}/{d[1]}" != common["discounting"]:
            flags.append(f"discounting {d[0]}/{d[1]}")
        if s.horizon != common["horizon"]:
            flags.append(f"horizon {s.horizon} years")
        if perspective(s) != common["perspective"]:
            flags.append(f"counts {perspective(s)} value")
        npv_rebased = math.nan
        if s.price_base == target:
            npv_rebased = r.npv
        else:
            try:
                npv_rebased = r.npv * load_deflator(s.currency).factor(s.price_base, target)
            except PriceYearError:
                flags.append(f"NPV in {s.price_base} prices, not rebasable to {target}")
        row = {"scheme": s.name, "currency": s.currency, "price_base": str(s.price_base), "horizon": s.horizon,
               "discounting": f"{d[0]}/{d[1]}", "perspective": perspective(s), "sroi_ratio": r.sroi_ratio,
               "npv": r.npv, "npv_rebased": npv_rebased, "payback_months": r.payback_months,
               "cashable_share": float(r.summary.loc["cashable_share", "value"])}
        for h, lr in r.ledger.iterrows():
            row[f"per_pound:{h}"] = lr["value_per_pound_invested"]
        if psa_draws:
            from .sensitivity import psa, ranges_as_distributions

            p = psa(ranges_as_distributions(s, ranges_as) if ranges_as else r.model, psa_draws, seed=seed)
            if p.names:
                lo, hi = np.quantile(p.ratio, [(1 - interval) / 2, 1 - (1 - interval) / 2])
                row.update(p_ratio_exceeds_1=p.prob_ratio_exceeds(1.0), ratio_low=lo, ratio_high=hi)
            else:
                flags.append("no uncertain parameters")
                row.update(p_ratio_exceeds_1=math.nan, ratio_low=math.nan, ratio_high=math.nan)
        row["comparability"] = "; ".join(flags)
        rows.append(row)
    df = pd.DataFrame(rows).set_index("scheme")
    per_pound = sorted(c for c in df.columns if c.startswith("per_pound:"))
    lead = [c for c in df.columns if not c.startswith("per_pound:") and c != "comparability"]
    df = df[lead + per_pound + ["comparability"]].sort_values("sroi_ratio", ascending=False, kind="stable")
    df.attrs.update(price_base=str(target), **{k: str(v) for k, v in common.items()})
    return df
