"""Inverse CDFs, designs and seeds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sroi.model import Distribution, Parameter
from sroi.sensitivity.sampling import TABLE_ERROR_BOUND, as_generator, marginal, uniforms

CASES = [
    Parameter(0.2, 0.1, 0.4, Distribution("uniform")),
    Parameter(0.2, 0.1, 0.4, Distribution("triangular")),
    Parameter(0.2, 0.0, 0.5, Distribution("pert")),
    Parameter(0.2, 0.0, 0.5, Distribution("pert", (("lambda", 2.0),))),
    Parameter(1000.0, distribution=Distribution("normal", (("sd", 100.0),))),
    Parameter(50.0, 10.0, 90.0, Distribution("truncnormal", (("sd", 30.0),))),
    Parameter(100.0, distribution=Distribution("lognormal", (("sd", 50.0),))),
    Parameter(1000.0, distribution=Distribution("gamma", (("sd", 400.0),))),
    Parameter(100.0, distribution=Distribution("gamma", (("sd", 300.0),))),  # shape 0.11: very skewed
    Parameter(0.2, distribution=Distribution("beta", (("sd", 0.05),))),
    Parameter(0.01, distribution=Distribution("beta", (("sd", 0.05),))),  # alpha 0.03: very skewed
    Parameter(0.5, distribution=Distribution("beta", (("sd", 0.28),))),
]


@pytest.mark.parametrize("p", CASES, ids=lambda p: f"{p.distribution.kind}-{p.base}")
def test_inverse_cdf_matches_scipy_within_the_stated_error(p):
    """Closed forms are exact to rounding; tabulated ones (beta, gamma, PERT) stay within
    TABLE_ERROR_BOUND x sd of scipy's exact inverse CDF, tails included."""
    m = marginal(p)
    u = np.random.default_rng(7).random(100_000)
    u[:4] = [1e-12, 1 - 1e-12, 1e-9, 0.5]
    err = np.max(np.abs(m.ppf(u) - m.exact_ppf(u))) / m.sd
    assert err <= TABLE_ERROR_BOUND
    if p.distribution.kind not in ("beta", "gamma", "pert"):
        assert err <= 1e-12


@pytest.mark.parametrize("p", CASES, ids=lambda p: f"{p.distribution.kind}-{p.base}")
def test_marginal_moments(p):
    """The stated mean and sd are the scipy distribution's."""
    m = marginal(p)
    assert m.mean == pytest.approx(m.dist.mean(), rel=1e-9)
    assert m.sd == pytest.approx(m.dist.std(), rel=1e-9)
    if p.distribution.kind in ("normal", "lognormal", "gamma", "beta"):
        assert m.mean == pytest.approx(p.base, rel=1e-12)


@pytest.mark.parametrize("p", [c for c in CASES if c.distribution.kind != "normal"],
                         ids=lambda p: f"{p.distribution.kind}-{p.base}")
def test_latin_hypercube_marginals_match(p):
    """With a Latin hypercube of n draws, exactly one draw falls in each probability stratum
    [k/n, (k+1)/n): the sorted values lie between the exact quantiles of their strata."""
    n = 500
    m = marginal(p)
    u = uniforms(3, n, method="lhs", seed=11)
    x = np.sort(m.ppf(u[:, 1]))
    k = np.arange(n)
    lo, hi = m.exact_ppf(k / n), m.exact_ppf((k + 1) / n)
    tol = TABLE_ERROR_BOUND * m.sd + 1e-12
    assert np.all(x >= lo - tol) and np.all(x <= hi + tol)
    assert stats.kstest(x, m.dist.cdf).pvalue > 0.5  # far more even than random draws


def test_seeds():
    a = uniforms(4, 100, method="mc", seed=0)
    assert np.array_equal(a, uniforms(4, 100, method="mc", seed=0))
    assert not np.array_equal(a, uniforms(4, 100, method="mc", seed=1))
    g, s = as_generator(None)
    assert isinstance(s, int)
    with pytest.raises(ValueError, match="seed must be"):
        as_generator(-1)
    sob = uniforms(3, 64, method="sobol", seed=5)
    assert sob.shape == (64, 3) and np.array_equal(sob, uniforms(3, 64, method="sobol", seed=5))


@settings(max_examples=30, deadline=None)
@given(st.floats(0.02, 0.98), st.floats(0.01, 0.2))
def test_beta_table_any_mean(mean, rel_sd):
    sd = rel_sd * np.sqrt(mean * (1 - mean))
    m = marginal(Parameter(mean, distribution=Distribution("beta", (("sd", sd),))))
    u = np.random.default_rng(0).random(5000)
    assert np.max(np.abs(m.ppf(u) - m.exact_ppf(u))) <= TABLE_ERROR_BOUND * sd
