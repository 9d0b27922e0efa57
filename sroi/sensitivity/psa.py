"""Probabilistic sensitivity analysis and the value of information.

:func:`psa` draws every uncertain parameter (those with a ``distribution``) together,
by Monte Carlo, Latin hypercube or a scrambled Sobol sequence, optionally correlated
through a Gaussian copula, and evaluates the draws through the kernel in chunks: memory
stays flat as the number of draws grows. The result keeps each draw's outputs (and,
unless it would be too large, the sampled parameter values) for reuse.

Value of information answers the commissioner's question "is it worth paying for a
better evaluation first?". For the decision fund / do not fund at a threshold ratio
``t``, the net benefit of funding is ``NB = PV - t x investment`` (not funding is 0):

* EVPI = E[max(NB, 0)] - max(E[NB], 0), in pounds;
* the partial EVPI of parameter ``i`` replaces NB by its regression on that parameter,
  ``g(x_i) = E[NB | x_i]``, estimated with a cubic regression spline (the
  single-parameter regression method of Strong, Oakley and Brennan, Medical Decision
  Making 2014;34(3):311-326): EVPPI_i = E[max(g, 0)] - max(E[g], 0). A fit that
  breaks a property every conditional expectation has is replaced by a regressogram
  (see :func:`evppi_regression`).
"""

from __future__ import annotations

import html
import math
import os
import sys
import weakref
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..engine import Model, as_model
from ..engine.compiled import default_threads, sample_and_evaluate
from ..engine.outputs import Outputs
from ..errors import ScenarioError
from ..model import Scheme
from ..results import provenance
from .copula import correlation_factor
from .sampling import METHODS, UniformStream, apply_copula, as_generator, marginal

__all__ = ["psa", "PSAResult", "ValueOfInformation", "design_columns", "evppi_regression", "evppi_group_regression",
           "conditional_expectation", "require_uncertainty"]

KEEP_DESIGN_LIMIT = 20_000_000  # values (160 MB); above this the design is not kept by default


_MODEL_MARGINALS: "weakref.WeakKeyDictionary[Model, dict[int, object]]" = weakref.WeakKeyDictionary()


def marginals(model: Model, cols: list[int]) -> list:
    """The marginals of the parameters in ``cols``, kept with the model while it lives.

    :func:`marginal` also caches the last few hundred across models (a notebook that
    rebuilds a scheme reuses them); the model's own cache means a scheme with more
    distinct distributions than that does not rebuild every table on every analysis
    (1,000 of them once took 9.8 s a PSA against 0.6 s at 500)."""
    kept = _MODEL_MARGINALS.setdefault(model, {})
    for k in cols:
        if k not in kept:
            ref = model.refs[k]
            try:
                kept[k] = marginal(ref.parameter)
            except (ValueError, OverflowError, ZeroDivisionError) as exc:  # a distribution too extreme to sample
                raise ScenarioError(model.scheme.path, f"{ref.path}.distribution",
                                    f"cannot be sampled: {exc}") from None
    return [kept[k] for k in cols]


def design_columns(model: Model) -> list[int]:
    """Columns of the uncertain parameters: those with a distribution other than fixed."""
    return [k for k, r in enumerate(model.refs)
            if r.parameter.distribution is not None and r.parameter.distribution.kind != "fixed"]


def require_uncertainty(model: Model, cols: list[int], what: str) -> None:
    """Refuse a probabilistic analysis of a model with nothing uncertain: its probability
    would be 0 or 1 and its interval a point, a certainty the inputs do not carry."""
    if not cols:
        from ..uncertainty import no_uncertainty_message

        raise ScenarioError(model.scheme.path, "", no_uncertainty_message(what))


def correlations(model: Model, extra: Mapping[tuple[str, str], float] | None) -> dict[tuple[str, str], float]:
    """The scheme's ``[[correlations]]`` with ``extra`` (from Python or the command line)
    added; a pair given in both takes ``extra``'s value."""
    out = {c.parameters: c.rho for c in model.scheme.correlations}
    for (a, b), rho in (extra or {}).items():
        out.pop((b, a), None)
        out[(a, b)] = rho
    return out


def _show_progress(progress: bool | None) -> bool:
    if progress is not None:
        return progress
    return sys.stderr.isatty() and "PYTEST_CURRENT_TEST" not in os.environ


@dataclass(frozen=True, eq=False)
class PSAResult:
    """Draws and summaries of a probabilistic sensitivity analysis."""

    model: Model
    names: tuple[str, ...]  # uncertain parameters, in design order
    out: Outputs
    design: np.ndarray | None  # (n, len(names)) sampled values, if kept
    seed: int | None
    method: str
    provenance: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.out.present_value.shape[0]

    @property
    def ratio(self) -> np.ndarray:
        return self.out.ratio

    @property
    def npv(self) -> np.ndarray:
        return self.out.npv

    def prob_ratio_exceeds(self, threshold: float | Sequence[float] | np.ndarray = 1.0) -> float | np.ndarray:
        """P(SROI ratio > threshold): WSIPP's "chance benefits exceed costs" at 1."""
        t = np.atleast_1d(np.asarray(threshold, dtype=float))
        p = (self.ratio[None, :] > t[:, None]).mean(axis=1)
        return float(p[0]) if np.ndim(threshold) == 0 else p

    def probability_curve(self, thresholds: Sequence[float] | np.ndarray | None = None) -> pd.Series:
        """P(ratio > t) for each threshold ``t`` (default 0 to 5 in steps of 0.1)."""
        t = np.round(np.arange(0, 5.0001, 0.1), 10) if thresholds is None else np.asarray(thresholds, float)
        return pd.Series(self.prob_ratio_exceeds(t), index=pd.Index(t, name="threshold"), name="p_ratio_exceeds")

    @cached_property
    def summary(self) -> pd.DataFrame:
        """Mean, median, the central 95% interval and the sd of the ratio, NPV, present
        value, investment and each budget holder's value per pound invested
        (:meth:`summary_at` for another interval)."""
        return self.summary_at(0.95)

    def summary_at(self, interval: float) -> pd.DataFrame:
        """:attr:`summary` with the central ``interval`` instead of 95%."""
        lo, hi = (1 - interval) / 2, 1 - (1 - interval) / 2
        def per_pound(k: int) -> np.ndarray:  # one holder's column at a time: memory of one column, not all
            with np.errstate(divide="ignore", invalid="ignore"):
                return self.out.holder_value[:, k] / self.out.investment

        series: dict[str, Any] = {"sroi_ratio": lambda: self.ratio, "npv": lambda: self.npv,
                                  "present_value": lambda: self.out.present_value,
                                  "investment": lambda: self.out.investment}
        for k, h in enumerate(self.out.holder_names):
            series[f"{h}: value per pound invested"] = lambda k=k: per_pound(k)
        rows = []
        for name, make in series.items():
            x = make()
            same = bool(np.all(x == x[0]))  # then the mean is that value, not a sum's rounding of it
            rows.append({"output": name, "mean": float(x[0]) if same else float(np.mean(x)),
                         "median": float(np.median(x)),
                         f"p{100 * lo:g}": float(np.quantile(x, lo)), f"p{100 * hi:g}": float(np.quantile(x, hi)),
                         "sd": 0.0 if same or x.size < 2 else float(np.std(x, ddof=1))})
        return pd.DataFrame(rows).set_index("output")

    def __repr__(self) -> str:
        return (f"PSAResult({self.n:,} draws, {self.method}, seed {self.seed}, {len(self.names)} uncertain "
                f"parameters; P(SROI ratio > 1) = {self.prob_ratio_exceeds(1.0):.3f})")

    def _repr_html_(self) -> str:
        return (f"<p>{html.escape(repr(self))}</p>" + self.summary.to_html(float_format=lambda v: f"{v:,.4g}"))

    def print_summary(self, file: Any = None) -> None:
        """Print the headline line and the summary table."""
        print(repr(self), file=file)
        print(self.summary.to_string(float_format=lambda v: f"{v:,.4g}"), file=file)

    def plot_distribution(self, *, ax: Any = None, threshold: float = 1.0) -> Any:
        """Histogram of the ratio across draws (:func:`sroi.plots.plot_psa_distribution`)."""
        from ..plots import plot_psa_distribution

        return plot_psa_distribution(self, ax=ax, threshold=threshold)

    def plot_probability_curve(self, *, ax: Any = None) -> Any:
        """P(ratio > t) against t (:func:`sroi.plots.plot_probability_curve`)."""
        from ..plots import plot_probability_curve

        return plot_probability_curve(self, ax=ax)

    def plot_convergence(self, *, ax: Any = None) -> Any:
        """Running mean and probability against draws (:func:`sroi.plots.plot_convergence`)."""
        from ..plots import plot_convergence

        return plot_convergence(self, ax=ax)

    def convergence(self, points: int = 50) -> pd.DataFrame:
        """Running mean of the ratio and running P(ratio > 1) at ``points`` draw counts."""
        n = self.n
        at = np.unique(np.linspace(1, n, min(points, n)).astype(int))
        cm = np.cumsum(self.ratio)[at - 1] / at
        cp = np.cumsum(self.ratio > 1.0)[at - 1] / at
        return pd.DataFrame({"draws": at, "mean_ratio": cm, "p_ratio_exceeds_1": cp}).set_index("draws")

    def net_benefit(self, threshold: float = 1.0) -> np.ndarray:
        """Per-draw net benefit of funding at a threshold ratio: ``PV - threshold x investment``."""
        return self.out.present_value - threshold * self.out.investment

    def evpi(self, threshold: float = 1.0) -> float:
        """Expected value of perfect information (pounds) for fund / do not fund."""
        nb = self.net_benefit(threshold)
        return float(np.mean(np.maximum(nb, 0.0)) - max(np.mean(nb), 0.0))

    def value_of_information(self, threshold: float = 1.0, *, knots: int = 8,
                             progress: bool | None = None) -> ValueOfInformation:
        """The EVPI, every parameter's partial EVPI and the partial EVPI of the standard
        groups (:meth:`parameter_groups`) at ``threshold``, as one result (needs the
        sampled values: ``keep_design``)."""
        s = self.model.scheme
        people = float(sum(p.base for p in s.cohort)) if s.cohort else None
        return ValueOfInformation(self.evpi(threshold), self.evppi(threshold, knots=knots, progress=progress),
                                  threshold, s.currency, self.evppi_groups(threshold, progress=progress), people,
                                  str(s.price_base), s.labels())

    def _design(self) -> np.ndarray:
        if self.design is None:
            raise ValueError("the sampled parameter values were not kept (keep_design=False); rerun psa with "
                             "keep_design=True to compute partial EVPI")
        return self.design

    def evppi(self, threshold: float = 1.0, parameters: Sequence[str] | None = None, *,
              knots: int = 8, progress: bool | None = None) -> pd.Series:
        """Partial EVPI (pounds) of each uncertain parameter, by spline regression."""
        design = self._design()
        nb = self.net_benefit(threshold)
        names = self.names if parameters is None else tuple(parameters)
        values = {}
        for name in _progress(names, progress, "partial EVPI"):
            x = design[:, self.names.index(name)]
            values[name] = evppi_regression(x, nb, knots=knots)
        return pd.Series(values, name="evppi").sort_values(ascending=False)

    def parameter_groups(self) -> dict[str, tuple[str, ...]]:
        """The groups a commissioner asks about, among the uncertain parameters: each
        outcome's effect (its quantity, duration, drop-off, deadweight, displacement and
        attribution), all financial proxies, all adjustments (deadweight, displacement,
        attribution, drop-off), and all costs (inputs and cohort). Empty groups are left out."""
        groups: dict[str, list[str]] = {}
        effect = ("count", "rate", "engagement", "success", "duration", "drop_off", "deadweight", "displacement",
                  "attribution")
        for o in self.model.scheme.outcomes:
            groups[f"effect of {o.id}"] = [n for n in self.names
                                           if n.rsplit(".", 1)[0] == o.id and n.rsplit(".", 1)[-1] in effect]
        groups["all financial proxies"] = [n for n in self.names if n.endswith(".proxy")]
        groups["all adjustments"] = [n for n in self.names
                                     if n.rsplit(".", 1)[-1] in ("deadweight", "displacement", "attribution", "drop_off")]
        inputs = {i.id for i in self.model.scheme.inputs}
        groups["all costs"] = [n for n in self.names if n.split(".", 1)[0] in inputs or n.startswith("cohort.")]
        return {k: tuple(v) for k, v in groups.items() if v}

    def evppi_groups(self, threshold: float = 1.0, groups: Mapping[str, Sequence[str]] | None = None, *,
                     knots: int = 5, progress: bool | None = None) -> pd.Series:
        """Partial EVPI (pounds) of groups of parameters learnt together (default:
        :meth:`parameter_groups`), by :func:`evppi_group_regression`."""
        design = self._design()
        nb = self.net_benefit(threshold)
        groups = self.parameter_groups() if groups is None else groups
        values = {}
        for label, names in _progress(list(groups.items()), progress, "group EVPI"):
            unknown = [n for n in names if n not in self.names]
            if unknown:
                raise ValueError(f"group {label!r} names {', '.join(unknown)}, not uncertain parameters of this PSA")
            X = design[:, [self.names.index(n) for n in names]]
            values[label] = evppi_group_regression(X, nb, knots=knots)
        return pd.Series(values, name="evppi", dtype=float).sort_values(ascending=False)

    def evsi(self, parameter: str, sample_size: int, threshold: float = 1.0, *,
             prior_sample_size: float | None = None, observation_sd: float | None = None,
             knots: int = 8) -> float:
        """Expected value of sample information (pounds) of a study of ``sample_size``
        observations that informs one ``parameter``.

        Gaussian approximation of Jalal and Alarid-Escudero (Medical Decision Making
        2018;38(2):174-188): fit g(x) ~ E[NB | x] as for partial EVPI, then shrink it
        towards its mean by sqrt(n / (n + n0)), the spread of the posterior mean a study of
        n observations would leave when the prior is worth n0 observations, and take
        E[max(g_n, 0)] - max(E[g_n], 0). ``n0`` is ``prior_sample_size``, or sd^2 / var(x)
        for a study measuring x with per-observation ``observation_sd``, or, for a rate
        in (0, 1) with neither given, m (1 - m) / var(x) - 1 (the beta prior's a + b).
        Exact for a net benefit linear in a normal parameter (tested against the closed form).
        """
        design = self._design()
        if parameter not in self.names:
            raise ValueError(f"{parameter!r} is not an uncertain parameter of this PSA")
        if sample_size < 1:
            raise ValueError(f"sample_size must be at least 1, got {sample_size}")
        x = design[:, self.names.index(parameter)]
        var = float(np.var(x))
        if prior_sample_size is None:
            if observation_sd is not None:
                prior_sample_size = observation_sd ** 2 / var
            else:
                m = float(np.mean(x))
                if not (0 < x.min() and x.max() < 1):
                    raise ValueError(f"{parameter} is not a rate in (0, 1): give prior_sample_size or observation_sd")
                prior_sample_size = m * (1 - m) / var - 1
        if not prior_sample_size > 0:
            raise ValueError(f"the prior's effective sample size must be positive, got {prior_sample_size}")
        g = conditional_expectation(x, self.net_benefit(threshold), knots=knots)
        shrunk = g.mean() + (g - g.mean()) * math.sqrt(sample_size / (sample_size + prior_sample_size))
        return float(max(np.mean(np.maximum(shrunk, 0.0)) - max(float(np.mean(shrunk)), 0.0), 0.0))

    def enbs(self, parameter: str, sample_size: int, study_cost: float, threshold: float = 1.0,
             **kwargs: Any) -> float:
        """Expected net benefit of sampling (pounds): :meth:`evsi` less the study's cost. A
        study is worth commissioning, on these numbers, when this is positive."""
        return self.evsi(parameter, sample_size, threshold, **kwargs) - float(study_cost)


@dataclass(frozen=True)
class ValueOfInformation:
    """What perfect information would be worth for a fund / do-not-fund decision at a
    threshold ratio: the EVPI, and each parameter's partial EVPI (:attr:`summary`)."""

    evpi: float
    evppi: pd.Series
    threshold: float
    currency: str
    groups: pd.Series | None = None  # partial EVPI of groups of parameters
    participants: float | None = None  # the scheme's cohort, when it has one
    price_year: str | None = None  # the scheme's price base, for the chart's money axis
    #: Names for people of the parameters (:meth:`sroi.model.Scheme.labels`), used by the chart.
    labels: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def summary(self) -> pd.DataFrame:
        """Partial EVPI by parameter and by group (pounds, for the whole scheme, and per
        participant when the scheme has a cohort), largest first within each."""
        parts = [pd.DataFrame({"kind": "parameter", "evppi": self.evppi})]
        if self.groups is not None:
            parts.append(pd.DataFrame({"kind": "group", "evppi": self.groups}))
        df = pd.concat(parts)
        df.index.name = "parameter or group"
        if self.participants:
            df["evppi_per_participant"] = df["evppi"] / self.participants
        return df

    def __repr__(self) -> str:
        per = (f" ({self.currency} {self.evpi / self.participants:,.2f} per participant of {self.participants:,.0f})"
               if self.participants else "")
        return (f"ValueOfInformation(threshold ratio {self.threshold:g}: EVPI {self.currency} {self.evpi:,.0f}"
                f"{per}; {len(self.evppi)} parameters)")

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(repr(self))}</p>" + self.summary.to_html(float_format=lambda v: f"{v:,.0f}")

    def plot(self, *, ax: Any = None, top: int = 15) -> Any:
        """Partial EVPI by parameter with the EVPI marked (:func:`sroi.plots.plot_evppi`)."""
        from ..plots import plot_evppi

        return plot_evppi(self.evppi, self.evpi, ax=ax, currency=self.currency, top=top, labels=self.labels,
                          price_year=self.price_year)


def _progress(items: Sequence[Any], progress: bool | None, desc: str) -> Sequence[Any]:
    if not _show_progress(progress) or len(items) < 2:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=desc, unit="param")


def conditional_expectation(x: np.ndarray, nb: np.ndarray, *, knots: int = 8) -> np.ndarray:
    """g(x) ~ E[NB | x] at each draw, as :func:`evppi_regression` fits it."""
    x = np.asarray(x, float)
    nb = np.asarray(nb, float)
    order = np.argsort(x, kind="stable")
    xs, ys = x[order], nb[order]
    distinct = np.unique(xs)
    if distinct.size <= knots + 4:
        idx = np.searchsorted(distinct, xs)
        g = (np.bincount(idx, weights=ys) / np.bincount(idx))[idx]
    else:
        inner = np.unique(np.quantile(xs, np.linspace(0, 1, knots + 2)[1:-1]))
        inner = inner[(inner > xs[0]) & (inner < xs[-1])]
        t = np.r_[[xs[0]] * 4, inner, [xs[-1]] * 4]
        from scipy.interpolate import make_lsq_spline

        g = make_lsq_spline(xs, ys, t, k=3)(xs)
        if np.maximum(-g, 0.0).sum() > np.maximum(-ys, 0.0).sum() * (1 + 1e-12):
            g = _regressogram(ys, bins=max(1, round(ys.size ** (1 / 3))))
    out = np.empty_like(g)
    out[order] = g
    return out


def evppi_group_regression(X: np.ndarray, nb: np.ndarray, *, knots: int = 5) -> float:
    """Partial EVPI of the parameters in the columns of ``X`` learnt together.

    E[NB | X] is estimated by least squares on a polynomial basis in the standardised
    parameters: each one's linear, square and cube terms, and every pairwise product, so
    that effects which multiply (a quantity times a proxy times one minus deadweight) are
    caught to second order. This is a regression of the Strong, Oakley and Brennan (2014)
    kind with a smaller basis than their GAM or Gaussian process; the basis is capped at a
    tenth of the draws. Any regression estimate is biased upward by the noise in its fit
    (the convexity of max); this basis was chosen over additive splines with
    interactions because it settles with fewer draws (on the bundled LAC scheme the group
    "all adjustments" read 10.5k at 4,000 draws and 6.8k at 256,000, where splines read
    12.2k at 4,000 and 6.9k at 64,000). As for one parameter, a fit whose negative part
    exceeds NB's own (impossible for a conditional expectation) is not used: the
    estimate falls back to the best single parameter of the group, a lower bound. One
    column is :func:`evppi_regression` with ``knots + 3`` knots.
    """
    X = np.asarray(X, float)
    nb = np.asarray(nb, float)
    n, d = X.shape
    if d == 1:
        return evppi_regression(X[:, 0], nb, knots=knots + 3)
    sd = X.std(axis=0)
    Z = (X[:, sd > 0] - X[:, sd > 0].mean(axis=0)) / sd[sd > 0]
    k = Z.shape[1]
    cols = [np.ones(n)] + [Z[:, j] ** p for p in (1, 2, 3) for j in range(k)]
    cols += [Z[:, a] * Z[:, b] for a in range(k) for b in range(a + 1, k)]
    A = np.column_stack(cols[: max(2, n // 10)])
    coef, *_ = np.linalg.lstsq(A, nb, rcond=None)
    g = A @ coef
    if np.maximum(-g, 0.0).sum() > np.maximum(-nb, 0.0).sum() * (1 + 1e-12):
        return max(evppi_regression(X[:, j], nb) for j in range(d))
    return float(max(float(np.mean(np.maximum(g, 0.0))) - max(float(np.mean(g)), 0.0), 0.0))


def evppi_regression(x: np.ndarray, nb: np.ndarray, *, knots: int = 8) -> float:
    """E[max(g, 0)] - max(E[g], 0), with ``g`` an estimate of E[NB | x].

    ``g`` is the cubic regression spline of ``nb`` on ``x`` (knots at quantiles of ``x``),
    the single-parameter regression method of Strong, Oakley and Brennan. A parameter
    with too few distinct values for a spline uses the mean of ``nb`` at each value.

    A true conditional expectation never has a larger negative part than ``nb`` itself
    (Jensen's inequality), which is what keeps partial EVPI at or below EVPI. A spline
    fitted to few draws can overshoot in a sparse tail and break that; such a fit is not
    an estimate of E[NB | x], so the estimate then uses the regressogram instead: the
    mean of ``nb`` in equal-count bins of ``x`` (about n^(1/3) of them), which keeps the
    property by construction. The result is never negative.
    """
    g = conditional_expectation(x, nb, knots=knots)
    return float(max(float(np.mean(np.maximum(g, 0.0))) - max(float(np.mean(g)), 0.0), 0.0))


def _regressogram(sorted_y: np.ndarray, *, bins: int) -> np.ndarray:
    """Mean of ``sorted_y`` (ordered by the regressor) within equal-count bins, per draw."""
    edges = np.linspace(0, sorted_y.size, bins + 1).astype(int)
    counts = np.diff(edges)
    means = np.add.reduceat(sorted_y, edges[:-1]) / counts
    return np.repeat(means, counts)


def psa(scheme: Scheme | Model, n: int = 10_000, *, seed: int | np.random.Generator | None = None,
        method: str = "mc", correlation: Mapping[tuple[str, str], float] | None = None,
        chunk_size: int = 2048, keep_design: bool | None = None, progress: bool | None = None,
        threads: int | None = None) -> PSAResult:
    """Probabilistic sensitivity analysis over every parameter with a distribution.

    Parameters
    ----------
    n:
        Number of draws.
    seed:
        An int (recorded in the result), a Generator, or None (fresh entropy, recorded).
        The same seed, method and chunk-independent inputs give the same draws.
    method:
        ``"mc"`` (Monte Carlo), ``"lhs"`` (Latin hypercube, drawn whole: memory grows with
        ``n x parameters``) or ``"sobol"`` (scrambled Sobol sequence; best with ``n`` a
        power of two).
    correlation:
        Pairs of parameter names and their rank (Spearman) correlations, applied
        through a Gaussian copula, e.g. ``{("a.deadweight", "b.deadweight"): 0.5}``;
        added to the scheme's ``[[correlations]]`` (a pair in both takes this value).
    keep_design:
        Keep the sampled values (needed for partial EVPI). Default: kept unless
        ``n x parameters`` exceeds 20 million values.
    chunk_size:
        Draws per block. Blocks are drawn and evaluated independently (the uniforms of a
        block are the same whatever the block size), so memory beyond the kept draws stays
        flat and blocks run in parallel.
    progress:
        Show a tqdm bar; default only on an interactive terminal, never under tests.
    threads:
        Threads for the blocks; default every CPU this process may use. The result is the
        same, byte for byte, whatever the number of threads.

    Examples
    --------
    The bundled schemes give every number a distribution from its evidence grade. The same
    seed gives the same draws:

    >>> import sroi
    >>> from sroi.sensitivity import psa
    >>> scheme = sroi.load(sroi.example_path("local_area_coordination"))
    >>> draws = psa(scheme, 1000, seed=7)
    >>> draws.n, bool((draws.ratio == psa(scheme, 1000, seed=7).ratio).all())
    (1000, True)
    >>> list(draws.summary.columns)
    ['mean', 'median', 'p2.5', 'p97.5', 'sd']
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    model = as_model(scheme)
    cols = design_columns(model)
    require_uncertainty(model, cols, "a probabilistic analysis")
    names = tuple(model.refs[k].name for k in cols)
    margs = marginals(model, cols)
    correlation = correlations(model, correlation)
    chol = correlation_factor(names, correlation)
    rng, recorded_seed = as_generator(seed)
    stream = UniformStream(len(cols), n, method=method, rng=rng)
    keep = (n * len(cols) <= KEEP_DESIGN_LIMIT) if keep_design is None else keep_design
    bar = None
    if _show_progress(progress):
        from tqdm.auto import tqdm

        bar = tqdm(total=n, desc="PSA", unit="draw")

    def draws(start: int, stop: int, buffer: np.ndarray) -> np.ndarray:
        return apply_copula(stream.block(start, stop, buffer), chol)

    workers = default_threads() if threads is None else max(1, int(threads))
    out, design = sample_and_evaluate(model, cols, margs, n, draws, block=chunk_size,
                                      threads=workers if stream.parallel else 1, keep_design=keep,
                                      progress=bar.update if bar is not None else None)
    stream.finish()
    if bar is not None:
        bar.close()
    prov = provenance(model, seed=recorded_seed, draws=n, method=method,
                      correlation={f"{a}~{b}": r for (a, b), r in (correlation or {}).items()})
    return PSAResult(model, names, out, design, recorded_seed, method, prov)
