"""The compiled kernel and sampler (sroi.engine.compiled) against the year-by-year
kernel, and the PSA's independence from threads, block sizes and bit generators."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import sroi
from sroi.engine.compiled import outputs
from sroi.engine.outputs import holders
from sroi.sensitivity import psa
from sroi.sensitivity.psa import design_columns, marginals
from sroi.sensitivity.sampling import apply_copula

from .conftest import ROOT, minimal
from .test_sensitivity import uncertain

CASES = {
    "constant": minimal(horizon=8),
    "green_book_40": minimal(horizon=40, discounting={"convention": "sroi_guide"}),
    "green_book_80_gb_timing": minimal(horizon=80, discounting={"convention": "green_book"}),
    "custom": minimal(discounting={"schedule": "custom", "rates": [0.1, 0.05, 0.0], "convention": "sroi_guide"}),
}
CASES["cohort_lag"] = minimal(horizon=12, cohort={"participants": [100, 50, 25]},
                              discounting={"convention": "green_book"})
CASES["cohort_lag"]["outcomes"][0].update(quantity={"rate": 0.4}, start_year=3)
CASES["cohort_lag"]["inputs"].append({"id": "pp", "description": "d", "funder": "nhs", "amount": 50,
                                      "basis": "per_participant"})
# four yearly intakes over a 4-year horizon, the outcome starting in year 3: later intakes
# start after the horizon, where the kernel once read discount factors past its end
CASES["intakes_past_horizon"] = minimal(horizon=4, cohort={"participants": [100, 50, 25, 10]},
                                        discounting={"convention": "sroi_guide"})
CASES["intakes_past_horizon"]["outcomes"][0].update(quantity={"rate": 0.4}, start_year=3)


def _with_health(horizon: int, schedule: str, health: str, convention: str) -> dict:
    """Two outcomes alike but for their schedule: one on the scheme's, one on the health
    schedule, with a cohort (so intakes are discounted too)."""
    case = minimal(horizon=horizon, cohort={"participants": [100, 50, 25]},
                   discounting={"schedule": schedule, "convention": convention})
    case["outcomes"][0].update(quantity={"rate": 0.4}, start_year=2)
    case["outcomes"].append(dict(case["outcomes"][0], id="health_gain", schedule=health))
    return case


CASES["health_2022_short"] = _with_health(12, "green_book", "green_book_health", "sroi_guide")
CASES["health_2022_long"] = _with_health(90, "green_book", "green_book_health", "green_book")
CASES["health_2026_long"] = _with_health(90, "green_book_2026", "green_book_2026_health", "sroi_guide")
SCHEMES = sorted((ROOT / "scenarios").glob("*.toml")) + sorted((ROOT / "scenarios/published").glob("*.toml"))


def shaken(model: sroi.Model, n: int = 300, seed: int = 3) -> np.ndarray:
    """Designs around the base that include drop-off 0 and 1, fractional and over-long
    durations, rates of 0% and 100%, and discount rates of 0%."""
    rng = np.random.default_rng(seed)
    X = np.repeat(model.base[None, :], n, axis=0)
    for k, ref in enumerate(model.refs):
        if ref.name.endswith("drop_off"):
            X[:, k] = rng.choice([0.0, 0.1, 0.5, 1.0], n)
        elif ref.kind == "rate":
            X[:, k] = rng.uniform(0, 1, n)
        elif ref.kind in ("money", "count"):
            X[:, k] *= rng.uniform(0.5, 1.5, n)
        elif ref.kind == "years":
            X[:, k] = rng.choice([0.3, 1.0, 2.5, 3.0, 7.2, 50.0], n)
        elif ref.kind == "discount_rate":
            X[:, k] = rng.choice([0.0, 0.035, 0.2], n)
    return X


def assert_matches_year_by_year(model: sroi.Model, X: np.ndarray) -> None:
    """Outputs equal the year-by-year kernel followed by discounting, to 1e-12, by holder too."""
    ev = model.evaluate(X)
    out = outputs(model, X, chunk_size=64)
    _, out_map, in_map = holders(model)
    scale = max(1.0, float(np.abs(ev.pv_value_by_outcome).max()))
    np.testing.assert_allclose(out.present_value, ev.present_value, rtol=1e-12, atol=1e-12 * scale)
    np.testing.assert_allclose(out.investment, ev.investment, rtol=1e-12, atol=1e-12 * scale)
    np.testing.assert_allclose(out.holder_value, ev.pv_value_by_outcome @ out_map, rtol=1e-12, atol=1e-12 * scale)
    np.testing.assert_allclose(out.holder_spend, ev.pv_cost_by_input @ in_map, rtol=1e-12, atol=1e-12 * scale)


@pytest.mark.parametrize("name", list(CASES))
def test_compiled_kernel_equals_the_year_by_year_kernel(name):
    """Both of the compiled kernel's paths (one sum per outcome at one rate, year by year
    otherwise) agree with Model.evaluate: Green Book bands past 30 years, both timing
    conventions, custom rates, cohorts with lags, per-participant inputs."""
    model = sroi.compile_scheme(sroi.from_dict(CASES[name]))
    X = shaken(model)
    assert_matches_year_by_year(model, X)
    short = np.all(X[:, model.duration_idx] <= 3, axis=1)  # rows that take the one-sum path where it applies
    assert_matches_year_by_year(model, X[short])


@pytest.mark.parametrize("path", SCHEMES, ids=lambda p: p.stem)
def test_compiled_kernel_on_every_bundled_scheme(path):
    model = sroi.compile_scheme(sroi.load(path))
    assert_matches_year_by_year(model, shaken(model, 100))
    assert_matches_year_by_year(model, model.base[None, :])


@pytest.mark.parametrize("method", ["mc", "lhs", "sobol"])
def test_psa_is_the_same_whatever_the_threads_and_blocks(method):
    """Blocks run on several threads and may finish in any order: the result is the same,
    byte for byte, on 1, 2 or 3 threads and with blocks of 100, 256 or 4,096 draws."""
    s = uncertain()
    runs = [psa(s, 1024, seed=9, method=method, threads=t, chunk_size=c) for t, c in ((1, 4096), (2, 100), (3, 256))]
    for r in runs[1:]:
        assert r.ratio.tobytes() == runs[0].ratio.tobytes()
        assert r.design.tobytes() == runs[0].design.tobytes()
        assert r.out.holder_value.tobytes() == runs[0].out.holder_value.tobytes()


def test_psa_draws_are_numpys_uniforms_through_the_tables():
    """The compiled sampler gives the values Marginal.ppf gives for numpy's
    rng.random((n, d)) (the same tables; the tails' logarithms may differ in the last bit),
    and the outputs are the kernel's on that design."""
    s = uncertain()
    model = sroi.compile_scheme(s)
    cols = design_columns(model)
    r = psa(model, 5000, seed=4, chunk_size=700)
    u = np.random.default_rng(4).random((5000, len(cols)))
    expected = np.column_stack([m.ppf(u[:, j]) for j, m in enumerate(marginals(model, cols))])
    np.testing.assert_allclose(r.design, expected, rtol=1e-14, atol=0)
    X = np.repeat(model.base[None, :], 5000, axis=0)
    X[:, cols] = r.design
    np.testing.assert_array_equal(r.ratio, outputs(model, X).ratio)


def test_psa_with_a_generator_that_cannot_jump():
    """MT19937 cannot jump ahead, so its blocks are drawn in order on one thread; the
    draws are still its rng.random((n, d)), and the generator ends where that leaves it."""
    s = uncertain()
    model = sroi.compile_scheme(s)
    cols = design_columns(model)
    g = np.random.Generator(np.random.MT19937(5))
    r = psa(model, 3000, seed=g, chunk_size=512, threads=2)
    ref = np.random.Generator(np.random.MT19937(5))
    u = ref.random((3000, len(cols)))
    expected = np.column_stack([m.ppf(u[:, j]) for j, m in enumerate(marginals(model, cols))])
    np.testing.assert_allclose(r.design, expected, rtol=1e-14, atol=0)
    assert g.random() == ref.random()


def test_a_given_generator_is_left_where_one_draw_of_everything_leaves_it():
    """Blocks copy the generator and jump ahead; the caller's own generator is then moved
    past all n x d uniforms, as if they had been drawn from it in one go."""
    s = uncertain()
    d = len(design_columns(sroi.compile_scheme(s)))
    g = np.random.default_rng(11)
    psa(s, 2500, seed=g, chunk_size=300)
    ref = np.random.default_rng(11)
    ref.random((2500, d))
    assert g.random() == ref.random()


def test_copula_draws_in_blocks_are_the_whole_design_correlated():
    """With a Gaussian copula each block is correlated on its own; as the copula acts
    draw by draw, that is the same as correlating all the uniforms at once."""
    s = uncertain()
    model = sroi.compile_scheme(s)
    cols = design_columns(model)
    names = [model.refs[k].name for k in cols]
    corr = {(names[0], names[1]): 0.6}
    r = psa(model, 2000, seed=8, correlation=corr, chunk_size=300, threads=2)
    from sroi.sensitivity.copula import correlation_factor

    u = apply_copula(np.random.default_rng(8).random((2000, len(cols))), correlation_factor(names, corr))
    expected = np.column_stack([m.ppf(u[:, j]) for j, m in enumerate(marginals(model, cols))])
    np.testing.assert_allclose(r.design, expected, rtol=1e-13, atol=0)


def test_design_width_is_checked():
    model = sroi.compile_scheme(sroi.from_dict(minimal()))
    with pytest.raises(ValueError, match="columns"):
        outputs(model, np.zeros((2, model.base.size + 1)))


def test_special_uniforms_map_as_the_marginals_do():
    """Uniforms at and beyond the edges of each table's pieces (the centre's ends at
    1/32 and 31/32, the tails, 0, 1 and NaN) give what Marginal.ppf gives: the compiled
    sampler clamps every draw into the centre table first and then redoes the others."""
    from sroi.engine.compiled import sample_and_evaluate
    from sroi.engine.tables import P_TAIL

    model = sroi.compile_scheme(uncertain())
    cols = design_columns(model)
    margs = marginals(model, cols)
    special = np.array([0.0, 1.0, np.nan, P_TAIL, 1.0 - P_TAIL, np.nextafter(P_TAIL, 0), np.nextafter(1 - P_TAIL, 1),
                        2.0 ** -53, 1e-300, 1.0 - 2.0 ** -53, 0.5, 0.25, 0.75, 1e-3, 0.999])
    U = np.repeat(special[:, None], len(cols), axis=1)
    with np.errstate(invalid="ignore"):
        _, design = sample_and_evaluate(model, cols, margs, U.shape[0], lambda a, b, buf: U[a:b], block=4,
                                        threads=2, keep_design=True)
        expected = np.column_stack([m.ppf(U[:, j]) for j, m in enumerate(margs)])
    np.testing.assert_allclose(design, expected, rtol=1e-14, atol=0)  # NaN where NaN


def test_blocks_that_fail_stop_the_analysis_and_none_is_left_running():
    """An error in one block reaches the caller after every block that had started has
    finished, so nothing writes into the results once the caller has seen the error."""
    import threading
    import time

    from sroi.engine.compiled import run_blocks

    done, lock = [], threading.Lock()

    def work(a, b):
        if a == 40:
            raise RuntimeError("block failed")
        time.sleep(0.002)
        with lock:
            done.append(a)

    with pytest.raises(RuntimeError, match="block failed"):
        run_blocks(400, 10, work, threads=2)
    seen = len(done)
    time.sleep(0.05)
    assert len(done) == seen < 40


def test_blocks_started_from_a_pool_thread_run_there():
    """A block that itself runs blocks (a user's callback, say) does them in its own
    thread rather than waiting on the pool it occupies."""
    from sroi.engine.compiled import run_blocks

    out = np.zeros(64)

    def inner(a, b):
        out[a:b] += 1

    def outer(a, b):
        run_blocks(64, 8, inner, threads=2)

    run_blocks(4, 1, outer, threads=2)
    assert np.all(out == 4)


def test_psa_in_a_forked_child_after_the_parent_used_its_threads():
    """The thread pool is kept between analyses; a child forked by multiprocessing has
    none of its parent's threads and must start its own (it used to wait forever)."""
    import multiprocessing as mp
    import warnings

    s = uncertain()
    parent = psa(s, 3000, seed=2, threads=2, chunk_size=500)
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Python 3.12+: fork with threads running
        child = ctx.Process(target=_child_psa, args=(queue,))
        child.start()
    child.join(60)
    if child.is_alive():
        child.kill()
        pytest.fail("the PSA in the forked child did not finish within 60 s")
    assert queue.get(timeout=5) == parent.ratio.tobytes()


def _child_psa(queue) -> None:
    queue.put(psa(uncertain(), 3000, seed=2, threads=2, chunk_size=500).ratio.tobytes())


@pytest.mark.skipif(os.environ.get("NUMBA_BOUNDSCHECK") == "1", reason="this is the bounds-checked run")
def test_kernel_reads_no_array_out_of_bounds(tmp_path):
    """This file's tests and the generated equivalence tests once more with numba's bounds
    checks on (and a cache of their own,
    so no unchecked build is loaded): an out-of-bounds read raises IndexError there. The
    kernel once read cohort[0] of a scheme with no cohort, and discount factors past the
    horizon for intakes starting after it; the values were discarded, so no result was
    wrong, but the reads were."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(NUMBA_BOUNDSCHECK="1", SROI_CACHE_DIR=str(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
                           "tests/test_compiled.py", "tests/test_equivalence.py", "-k", "not forked_child"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=1200)
    assert proc.returncode == 0, proc.stdout[-4000:]
