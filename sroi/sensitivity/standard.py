"""The standard set of analyses a commissioner's report shows, computed in one place.

:func:`analyse` runs the scheme and its one-way analysis (base +/- 20% where the scheme
gives no range), switching values, named scenarios and, if asked, a PSA; the report
(:mod:`sroi.report`) only lays out what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pandas as pd

from ..compare import Comparison, compare
from ..engine import Model
from ..model import Scheme
from ..results import Result, run
from .oneway import OneWay, SwitchingValues, one_way, switching_values
from .psa import PSAResult, design_columns, psa
from .scenarios import ranges_as_distributions, run_scenarios

__all__ = ["Analyses", "analyse", "comparison", "REPORT_SPREAD"]

#: How far the report's one-way analysis moves a parameter that has no range.
REPORT_SPREAD = 0.2


@dataclass(frozen=True)
class Analyses:
    """A scheme's result with the analyses computed from it."""

    result: Result
    one_way: OneWay
    switching: SwitchingValues
    scenarios: pd.DataFrame | None
    psa: PSAResult | None
    spread: float = REPORT_SPREAD  # how far one-way moved parameters without a range


def analyse(scheme: Scheme | Model | Result, *, psa_draws: int = 2000, seed: int | None = 1) -> Analyses:
    """Run ``scheme`` and the analyses the report shows. ``psa_draws=0`` runs no PSA; a
    scheme with no distribution gets none either (nothing would be uncertain)."""
    result = scheme if isinstance(scheme, Result) else run(scheme)
    model = result.model
    scenarios = run_scenarios(model)[0] if result.scheme.scenarios else None
    return Analyses(result, one_way(model, spread=REPORT_SPREAD), switching_values(model), scenarios,
                    psa(model, psa_draws, seed=seed) if psa_draws and design_columns(model) else None)


def comparison(schemes: Iterable[Scheme | str | Path], *, psa_draws: int = 0, seed: int | None = None,
               ranges_as: str | None = None, price_base: str | int | None = None,
               interval: float = 0.95) -> Comparison:
    """Run each scheme (a Scheme or a file) and, with ``psa_draws``, its PSA, then lay
    them side by side with :func:`sroi.compare.compare`. ``ranges_as`` ("triangular",
    "pert" or "uniform") gives every parameter with a range but no distribution that
    distribution for the PSA (:func:`ranges_as_distributions`)."""
    from ..scenario import load

    loaded = [s if isinstance(s, Scheme) else load(s) for s in schemes]
    results = [run(s) for s in loaded]
    draws = None
    if psa_draws:
        draws = [psa(ranges_as_distributions(s, ranges_as) if ranges_as else r.model, psa_draws, seed=seed)
                 for s, r in zip(loaded, results)]
    return compare(results, psa=draws, price_base=price_base, interval=interval)
