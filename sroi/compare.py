"""Many schemes side by side, with comparability checks.

A league table of SROI ratios misleads when the figures rest on different price years,
discount schedules, timing conventions, horizons or perspectives. :func:`compare`
rebases what can be rebased (NPVs to a common price base, with the GDP deflator) and
writes every other difference into the table's ``comparability`` column.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import numpy as np
import pandas as pd

from .errors import PriceYearError
from .model import KIND_ORDER, Scheme, holder_kind
from .prices import PriceYear, load_deflator
from .results import Result, TableResult
from .uncertainty import illustrative

if TYPE_CHECKING:
    from .sensitivity.psa import PSAResult

__all__ = ["compare", "Comparison", "perspective", "RANK_BY", "NO_INTERVAL"]


def perspective(scheme: Scheme) -> str:
    """Which kinds of value the scheme counts: 'fiscal', 'fiscal + economic', ..."""
    kinds = {o.value_type.split("_")[0] for o in scheme.outcomes}
    order = ["fiscal", "economic", "social"]
    return " + ".join(k for k in order if k in kinds)


def _mode(values: list) -> Any:
    return Counter(values).most_common(1)[0][0]


@dataclass(frozen=True)
class Comparison(TableResult):
    """A league table of schemes (:attr:`summary`, sorted by SROI ratio) and the common
    setting each was checked against."""

    table: pd.DataFrame
    price_base: str  # the NPVs' common price base (``npv_rebased``)
    common: dict[str, str]  # the most common currency, discounting, horizon and perspective
    rank_by: str = "sroi_ratio"
    interval: float = 0.95

    def __repr__(self) -> str:
        flagged = int((self.table["comparability"] != "").sum())
        return (f"Comparison({len(self.table)} schemes, NPVs in {self.price_base} prices; {flagged} differ from "
                f"the common setting)")

    def plot(self, *, ax: Any = None) -> Any:
        """The league chart (:func:`sroi.plots.plot_comparison`)."""
        from .plots import plot_comparison

        return plot_comparison(self.table, ax=ax)

    def plot_forest(self, *, ax: Any = None) -> Any:
        """Each scheme's headline ratio with its PSA interval and P(ratio > 1) (a forest
        plot; :func:`sroi.plots.plot_forest`)."""
        from .plots import plot_forest

        return plot_forest(self.table, ax=ax, interval=self.interval)


#: Statistics a league table may be ranked on.
RANK_BY = ("sroi_ratio", "ratio_mean", "ratio_median", "ratio_low", "p_ratio_exceeds_1", "npv_rebased")

#: Written where an interval would stand for a scheme with no uncertain parameter.
NO_INTERVAL = "no interval: no parameter is uncertain"


def compare(results: Iterable[Result], *, psa: Sequence[PSAResult | None] | None = None,
            price_base: str | int | None = None, interval: float = 0.95,
            rank_by: str = "sroi_ratio") -> Comparison:
    """A league table of computed results, sorted by SROI ratio; it computes nothing
    (:func:`sroi.sensitivity.comparison` runs files and their PSAs, then calls this).

    Columns: currency, price base, horizon, discounting, perspective, SROI ratio, NPV
    (and ``npv_rebased`` in ``price_base`` prices where the deflator allows), payback,
    cashable share, ``per_pound:<holder>`` (value per pound invested received by each
    budget holder), ``per_kind:<kind>`` (the same summed over holders of one kind: NHS,
    local authority, police and justice, central government, participants, community, other;
    :data:`sroi.model.HOLDER_KINDS`; only kinds some scheme's ledger has), ``illustrative`` and ``illustrative_reason``
    (:func:`sroi.uncertainty.illustrative`: the headline rests mostly on assumptions or
    weak evidence), and, with ``psa`` (one result or None per scheme), the probability
    that the ratio exceeds 1, the ratio's mean and median and its central ``interval``
    (``ratio_low``, ``ratio_high``); a None entry is a scheme with nothing uncertain, and
    its ``uncertainty`` cell says so instead of showing a certainty it does not have.
    ``comparability`` lists how each scheme differs from the most common setting (or
    from ``price_base``); an empty cell means fully comparable. Rows are ranked on
    ``rank_by`` (one of :data:`RANK_BY`), largest first; schemes without that statistic
    come last.
    """
    if rank_by not in RANK_BY:
        raise ValueError(f"rank_by must be one of {', '.join(RANK_BY)}, got {rank_by!r}")
    if rank_by.startswith(("ratio_", "p_")) and psa is None:
        raise ValueError(f"ranking on {rank_by} needs a PSA of each scheme")
    results = list(results)
    if not results:
        raise ValueError("compare needs at least one scheme")
    if psa is not None and len(psa) != len(results):
        raise ValueError(f"psa has {len(psa)} entries for {len(results)} results")
    loaded = [r.scheme for r in results]
    target = PriceYear.parse(price_base) if price_base is not None else _mode([s.price_base for s in loaded])
    common = {
        "currency": _mode([s.currency for s in loaded]),
        "discounting": _mode([f"{s.discounting.schedule}/{s.discounting.convention}" for s in loaded]),
        "horizon": _mode([s.horizon for s in loaded]),
        "perspective": _mode([perspective(s) for s in loaded]),
    }
    rows: list[dict[str, Any]] = []
    kinds_seen: set[str] = set()
    for s, r in zip(loaded, results):
        flags = []
        if s.currency != common["currency"]:
            flags.append(f"currency {s.currency}")
        d = (s.discounting.schedule, s.discounting.convention)
        if f"{d[0]}/{d[1]}" != common["discounting"]:
            flags.append(f"discounting {d[0]}/{d[1]}")
        if s.horizon != common["horizon"]:
            flags.append(f"horizon {s.horizon} year{'s' if s.horizon != 1 else ''}")
        if perspective(s) != common["perspective"]:
            flags.append(f"counts {perspective(s)} value")
        npv_rebased = math.nan
        if s.price_base == target:
            npv_rebased = r.npv
        else:
            try:
                deflator = load_deflator(s.currency)
                npv_rebased = r.npv * deflator.factor(s.price_base, target)
                if deflator.bridged(s.price_base, target):
                    flags.append(f"NPV rebased from {s.price_base} through the calendar/financial-year bridge")
            except PriceYearError:
                flags.append(f"NPV in {s.price_base} prices, not rebasable to {target}")
        row = {"scheme": s.name, "currency": s.currency, "price_base": str(s.price_base), "horizon": s.horizon,
               "discounting": f"{d[0]}/{d[1]}", "perspective": perspective(s), "sroi_ratio": r.sroi_ratio,
               "npv": r.npv, "npv_rebased": npv_rebased, "payback_months": r.payback_months,
               "cashable_share": float(r.summary.loc["cashable_share", "value"])}
        row.update({f"per_kind:{k}": 0.0 for k in KIND_ORDER})  # a kind none of its holders belongs to gets 0
        for h, lr in r.ledger.iterrows():
            row[f"per_pound:{h}"] = lr["value_per_pound_invested"]
            key = f"per_kind:{holder_kind(str(h))}"
            row[key] += lr["value_per_pound_invested"]  # NaN (no inputs, no ratio) stays NaN
            kinds_seen.add(holder_kind(str(h)))
        row["illustrative"], row["illustrative_reason"] = illustrative(r)
        if psa is not None:
            p = psa[len(rows)]
            if p is not None and p.names:
                lo, hi = np.quantile(p.ratio, [(1 - interval) / 2, 1 - (1 - interval) / 2])
                row.update(p_ratio_exceeds_1=p.prob_ratio_exceeds(1.0), ratio_mean=float(np.mean(p.ratio)),
                           ratio_median=float(np.median(p.ratio)), ratio_low=lo, ratio_high=hi,
                           uncertainty=f"{len(p.names)} uncertain parameters, {p.n:,} draws")
            else:
                row.update(p_ratio_exceeds_1=math.nan, ratio_mean=math.nan, ratio_median=math.nan,
                           ratio_low=math.nan, ratio_high=math.nan, uncertainty=NO_INTERVAL)
        row["comparability"] = "; ".join(flags)
        rows.append(row)
    df = pd.DataFrame(rows).set_index("scheme")
    per_pound = sorted(c for c in df.columns if c.startswith("per_pound:"))
    per_kind = [f"per_kind:{k}" for k in KIND_ORDER if k in kinds_seen]
    df = df.drop(columns=[f"per_kind:{k}" for k in KIND_ORDER if k not in kinds_seen])
    lead = [c for c in df.columns if not c.startswith(("per_pound:", "per_kind:")) and c != "comparability"]
    df = df[lead + per_kind + per_pound + ["comparability"]].sort_values(rank_by, ascending=False, kind="stable",
                                                              na_position="last")
    return Comparison(df, str(target), {k: str(v) for k, v in common.items()}, rank_by, interval)
