"""Global sensitivity: Sobol first-order and total indices, through SALib.

The Saltelli design (a scrambled Sobol sequence in the unit cube, arranged as SALib
arranges it) is mapped through each parameter's inverse CDF exactly as in the PSA, the
kernel evaluates it in chunks, and SALib's analysis returns the indices with bootstrap
confidence intervals. sample -> evaluate -> analyze stay separate steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from ..engine import Model, as_model
from ..engine.compiled import outputs
from ..errors import ScenarioError
from ..model import Scheme
from ..results import TableResult, provenance
from .psa import design_columns, marginals, require_uncertainty
from .sampling import as_generator

__all__ = ["sobol", "SobolResult", "saltelli_design"]


def saltelli_design(d: int, n: int, *, seed: int) -> np.ndarray:
    """The Saltelli design without second-order terms: ``n x (d + 2)`` rows of ``d`` uniforms.

    The same matrix, row for row, as ``SALib.sample.sobol.sample(problem, n,
    calc_second_order=False, scramble=True, seed=seed)`` over the unit cube: for each of
    the ``n`` points of a scrambled ``2d``-dimensional Sobol sequence, the row ``A``
    (first ``d`` coordinates), then ``A`` with its ``k``-th column taken from ``B`` (the
    last ``d``) for each ``k``, then ``B``. SALib fills it with a Python loop over rows;
    this builds it with array operations (the test checks the two are identical).
    """
    base = qmc.Sobol(d=2 * d, scramble=True, seed=seed).random(n)
    A, B = base[:, :d], base[:, d:]
    out = np.repeat(A[:, None, :], d + 2, axis=1)  # (n, d + 2, d)
    k = np.arange(d)
    out[:, 1 + k, k] = B[:, k]
    out[:, d + 1, :] = B
    return out.reshape(n * (d + 2), d)


@dataclass(frozen=True)
class SobolResult(TableResult):
    """Indices per uncertain parameter: ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (95% by
    default), sorted by total index."""

    table: pd.DataFrame
    output: str
    n: int
    evaluations: int
    seed: int | None
    provenance: dict = field(default_factory=dict)
    #: Names for people of the parameters (:meth:`sroi.model.Scheme.labels`), used by the chart.
    labels: dict[str, str] = field(default_factory=dict, repr=False, compare=False)


    def __repr__(self) -> str:
        return (f"SobolResult({len(self.table)} parameters, N = {self.n:,}, {self.evaluations:,} evaluations of "
                f"the {self.output}, seed {self.seed})")

    def plot(self, *, ax: Any = None, top: int = 15) -> Any:
        """First-order and total indices (:func:`sroi.plots.plot_sobol`)."""
        from ..plots import plot_sobol

        return plot_sobol(self, ax=ax, top=top)


def sobol(scheme: Scheme | Model, n: int = 1024, *, seed: int | np.random.Generator | None = None,
          output: str = "ratio", parameters: list[str] | None = None, num_resamples: int = 100,
          conf_level: float = 0.95) -> SobolResult:
    """Sobol indices of the SROI ratio (or ``output="npv"``) over the uncertain parameters.

    ``n`` is the number of base samples (a power of two); the design has
    ``n x (parameters + 2)`` rows. Parameters without a distribution are held at base.
    """
    from SALib.analyze import sobol as sobol_analyze

    if output not in ("ratio", "npv"):
        raise ValueError(f"output must be 'ratio' or 'npv', got {output!r}")
    model = as_model(scheme)
    cols = design_columns(model)
    if parameters is not None:
        cols = [k for k in cols if model.refs[k].name in parameters]
    names = [model.refs[k].name for k in cols]
    require_uncertainty(model, cols, "Sobol analysis")
    if len(names) < 2:
        raise ScenarioError(model.scheme.path, "", f"Sobol analysis needs at least two uncertain parameters "
                            f"(parameters with a distribution); this scheme has {len(names)}: give "
                            "distributions, add uncertainty = \"graded\", or use --ranges to read low-high "
                            "ranges as distributions")
    rng, recorded = as_generator(seed)
    sample_seed = int(rng.integers(0, 2 ** 31 - 1))
    analyze_seed = int(rng.integers(0, 2 ** 31 - 1))
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    u = saltelli_design(len(names), n, seed=sample_seed)
    u = np.clip(u, 1e-12, 1 - 1e-12)  # the inverse CDFs of unbounded distributions are infinite at 0 and 1
    X = np.empty((u.shape[0], model.base.size), order="F")
    X[...] = model.base
    for j, (k, m) in enumerate(zip(cols, marginals(model, cols))):
        X[:, k] = m.ppf(np.ascontiguousarray(u[:, j]))
    out = outputs(model, X)
    y = out.ratio if output == "ratio" else out.npv
    res = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=num_resamples,
                                conf_level=conf_level, seed=analyze_seed)
    table = pd.DataFrame({"S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"], "ST_conf": res["ST_conf"]},
                         index=pd.Index(names, name="parameter")).sort_values("ST", ascending=False, kind="stable")
    prov = provenance(model, seed=recorded, method="sobol (Saltelli design, Jansen estimators via SALib)", n=n,
                      evaluations=int(u.shape[0]), output=output, parameters=names, num_resamples=num_resamples,
                      conf_level=conf_level)
    return SobolResult(table, output, n, int(u.shape[0]), recorded, prov, model.scheme.labels())
