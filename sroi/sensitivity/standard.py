"""The standard set of analyses a commissioner's report shows, computed in one place.

:func:`analyse` runs the scheme and its one-way analysis (base +/- 20% where the scheme
gives no range), switching values, named scenarios and, if asked, a PSA; the report
(:mod:`sroi.report`) only lays out what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

import pandas as pd

from ..compare import Comparison, compare
from ..engine import Model, as_model
from ..model import Scheme
from ..results import Result, run
from .oneway import OneWay, SwitchingValues, one_way, switching_values
from .psa import PSAResult, design_columns, psa
from .scenarios import ranges_as_distributions, run_scenarios

__all__ = ["Analyses", "analyse", "comparison", "REPORT_SPREAD"]

#: How far the report's one-way analysis moves a parameter that has no range.
REPORT_SPREAD = 0.2

if TYPE_CHECKING:
    from ..economic import EconomicCase


@dataclass(frozen=True)
class Analyses:
    """A scheme's result with the analyses computed from it."""

    result: Result
    one_way: OneWay
    switching: SwitchingValues
    scenarios: pd.DataFrame | None
    psa: PSAResult | None
    spread: float = REPORT_SPREAD  # how far one-way moved parameters without a range
    ranges_as: str | None = None  # the distribution low-high ranges were read as for the PSA, if any
    psa_requested: bool = True  # False when psa_draws was 0: no PSA asked for, as against nothing uncertain
    economic: "EconomicCase | None" = None  # the Green Book economic case, which the report shows


def analyse(scheme: Scheme | Model | Result, *, psa_draws: int = 2000, seed: int | None = 1,
            ranges_as: str | None = None, correlation: Mapping[tuple[str, str], float] | None = None) -> Analyses:
    """Run ``scheme`` and the analyses the report shows. ``psa_draws=0`` runs no PSA; a
    scheme with no uncertain parameter gets none either, and the report says so where the
    interval would stand. ``ranges_as`` reads low-high ranges as that distribution for
    the PSA (:func:`ranges_as_distributions`); ``correlation`` adds rank correlations."""
    result = scheme if isinstance(scheme, Result) else run(scheme)
    model = result.model
    scenarios = run_scenarios(model)[0] if result.scheme.scenarios else None
    drawn: Scheme | Model = ranges_as_distributions(result.scheme, ranges_as) if ranges_as else model
    uncertain = psa_draws and design_columns(as_model(drawn))
    from ..economic import economic_case

    return Analyses(result, one_way(model, spread=REPORT_SPREAD), switching_values(model), scenarios,
                    psa(drawn, psa_draws, seed=seed, correlation=correlation) if uncertain else None,
                    ranges_as=ranges_as, psa_requested=bool(psa_draws), economic=economic_case(result))


def comparison(schemes: Iterable[Scheme | str | Path], *, psa_draws: int = 0, seed: int | None = None,
               ranges_as: str | None = None, price_base: str | int | None = None,
               interval: float = 0.95, rank_by: str = "sroi_ratio",
               correlation: Mapping[tuple[str, str], float] | None = None) -> Comparison:
    """Run each scheme (a Scheme or a file) and, with ``psa_draws``, its PSA, then lay
    them side by side with :func:`sroi.compare.compare`. ``ranges_as`` ("triangular",
    "pert" or "uniform") gives every parameter with a range but no distribution that
    distribution for the PSA (:func:`ranges_as_distributions`). A scheme with nothing
    uncertain gets no PSA, and the table says so. ``correlation`` pairs apply to the
    schemes that have both parameters."""
    from ..scenario import load

    loaded = [s if isinstance(s, Scheme) else load(s) for s in schemes]
    results = [run(s) for s in loaded]
    draws: list[PSAResult | None] | None = None
    if psa_draws:
        draws = []
        for s, r in zip(loaded, results):
            model = as_model(ranges_as_distributions(s, ranges_as)) if ranges_as else r.model
            names = {model.refs[k].name for k in design_columns(model)}
            pairs = {k: v for k, v in (correlation or {}).items() if set(k) <= names}
            draws.append(psa(model, psa_draws, seed=seed, correlation=pairs) if names else None)
    return compare(results, psa=draws, price_base=price_base, interval=interval, rank_by=rank_by)
