"""Global sensitivity: Sobol first-order and total indices, through SALib.

SALib draws the Saltelli design (a scrambled Sobol sequence in the unit cube), the
uniforms are mapped through each parameter's inverse CDF exactly as in the PSA, the
kernel evaluates the design in chunks, and SALib's analysis returns the indices with
bootstrap confidence intervals. sample -> evaluate -> analyze stay separate steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..engine import Model, compile_scheme
from ..model import Scheme
from .outputs import outputs
from .psa import design_columns, marginals
from .sampling import as_generator

__all__ = ["sobol", "SobolResult"]


@dataclass(frozen=True)
class SobolResult:
    """Indices per uncertain parameter: ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (95% by
    default), sorted by total index."""

    table: pd.DataFrame
    output: str
    n: int
    evaluations: int
    seed: int | None


def sobol(scheme: Scheme | Model, n: int = 1024, *, seed: int | np.random.Generator | None = None,
          output: str = "ratio", parameters: list[str] | None = None, num_resamples: int = 100,
          conf_level: float = 0.95) -> SobolResult:
    """Sobol indices of the SROI ratio (or ``output="npv"``) over the uncertain parameters.

    ``n`` is the number of base samples (a power of two); the design has
    ``n x (parameters + 2)`` rows. Parameters without a distribution are held at base.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    if output not in ("ratio", "npv"):
        raise ValueError(f"output must be 'ratio' or 'npv', got {output!r}")
    model = scheme if isinstance(scheme, Model) else compile_scheme(scheme)
    cols = design_columns(model)
    if parameters is not None:
        cols = [k for k in cols if model.refs[k].name in parameters]
    names = [model.refs[k].name for k in cols]
    if len(names) < 2:
        raise ValueError("Sobol analysis needs at least two uncertain parameters (parameters with a distribution)")
    rng, recorded = as_generator(seed)
    sample_seed = int(rng.integers(0, 2 ** 31 - 1))
    analyze_seed = int(rng.integers(0, 2 ** 31 - 1))
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    u = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=sample_seed)
    u = np.clip(u, 1e-12, 1 - 1e-12)  # the inverse CDFs of unbounded distributions are infinite at 0 and 1
    X = np.repeat(model.base[None, :], u.shape[0], axis=0)
    for j, (k, m) in enumerate(zip(cols, marginals(model, cols))):
        X[:, k] = m.ppf(u[:, j])
    out = outputs(model, X)
    y = out.ratio if output == "ratio" else out.npv
    res = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=num_resamples,
                                conf_level=conf_level, seed=analyze_seed)
    table = pd.DataFrame({"S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"], "ST_conf": res["ST_conf"]},
                         index=pd.Index(names, name="parameter")).sort_values("ST", ascending=False, kind="stable")
    return SobolResult(table, output, n, int(u.shape[0]), recorded)
