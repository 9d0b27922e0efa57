"""The fast path equals the specification, on schemes and designs hypothesis makes up.

The specification is :meth:`sroi.engine.spec.Model.evaluate` (numpy, year by year); the
fast path is the compiled kernel (:func:`sroi.engine.compiled.outputs`, and the fused
sampler of the PSA). Generated schemes mix what the kernel treats specially: cohorts of
several intakes and none, outcomes starting late (some intakes after the horizon),
fractional and over-long durations, disbenefits, every quantity form, the Green Book's
stepped rates past year 30 (horizons to 120 years), constant and custom schedules, both
timing conventions, per-participant and recurring inputs, and prices rebased from other
years. Present value, investment and every budget holder's value and spend must agree
to 1e-12 relative (of the largest outcome's present value).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sroi
from sroi.engine.compiled import outputs
from sroi.engine.outputs import holders
from sroi.sensitivity import psa

HOLDERS = ["nhs", "la_adult_social_care", "police", "dwp", "participant"]
FY_YEARS = ["2012-13", "2016-17", "2019-20", "2024-25"]


@st.composite
def schemes(draw) -> dict:
    horizon = draw(st.sampled_from([1, 2, 3, 5, 8, 12, 31, 45, 80, 120]))
    cohort = draw(st.one_of(st.none(), st.lists(st.floats(0, 500), min_size=1, max_size=min(horizon, 6))))
    schedule = draw(st.sampled_from(["green_book", "constant", "custom"]))
    disc: dict = {"schedule": schedule, "convention": draw(st.sampled_from(["sroi_guide", "green_book"]))}
    if schedule == "constant":
        disc["rate"] = draw(st.floats(0.0, 0.15))
    elif schedule == "custom":
        disc["rates"] = draw(st.lists(st.floats(0.0, 0.12), min_size=horizon, max_size=horizon))
    outcomes = []
    for i in range(draw(st.integers(1, 4))):
        forms = [st.floats(0, 1e4).map(lambda q: {"count": q})]
        if cohort:
            forms += [st.floats(0, 1).map(lambda r: {"rate": r}),
                      st.tuples(st.floats(0, 1), st.floats(0, 1)).map(lambda t: {"engagement": t[0], "success": t[1]})]
        outcomes.append({
            "id": f"o{i}", "stakeholder": "s", "outcome": "o", "quantity": draw(st.one_of(forms)),
            "proxy": {"value": draw(st.floats(1, 5e4)), "unit": "u", "price_year": draw(st.sampled_from(FY_YEARS)),
                      "source": "generated"},
            "start_year": draw(st.integers(1, horizon)),
            "duration": draw(st.one_of(st.floats(0.1, float(horizon) + 3), st.sampled_from([1.0, 2.5, 200.0]))),
            "drop_off": draw(st.sampled_from([0.0, 0.1, 0.5, 1.0])),
            "deadweight": draw(st.floats(0, 1)), "displacement": draw(st.floats(0, 1)),
            "attribution": draw(st.floats(0, 1)),
            "beneficiary": draw(st.sampled_from(HOLDERS)), "value_type": "economic",
            "disbenefit": draw(st.booleans()),
        })
        if draw(st.integers(0, 3)) == 0:  # a transfer: zero for society, a gain and a loss by holder
            outcomes[-1]["value_type"] = "transfer"
            outcomes[-1]["payer"] = draw(st.sampled_from([h for h in HOLDERS if h != outcomes[-1]["beneficiary"]]))
    inputs = []
    for j in range(draw(st.integers(1, 3))):
        inp = {"id": f"i{j}", "description": "d", "funder": draw(st.sampled_from(HOLDERS)),
               "amount": draw(st.floats(1, 1e6)), "price_year": draw(st.sampled_from(FY_YEARS))}
        if cohort and draw(st.booleans()):
            inp["basis"] = "per_participant"
        else:
            inp["years"] = sorted(set(draw(st.lists(st.integers(1, horizon), min_size=1, max_size=4))))
        inputs.append(inp)
    d = {"name": "generated", "price_base": "2024-25", "horizon": horizon, "discounting": disc,
         "inputs": inputs, "outcomes": outcomes}
    if cohort:
        d["cohort"] = {"participants": cohort}
    return d


def _designs(model: sroi.Model, rng: np.random.Generator, n: int) -> np.ndarray:
    """The base row, then rows moved within each parameter's valid range, with the edges
    (rates 0 and 1, drop-off 1, durations past the horizon) drawn often."""
    X = np.repeat(model.base[None, :], n, axis=0)
    for k, ref in enumerate(model.refs):
        col = X[1:, k]
        if ref.kind == "rate":
            col[:] = np.where(rng.random(n - 1) < 0.3, rng.choice([0.0, 1.0], n - 1), rng.random(n - 1))
        elif ref.kind in ("money", "count"):
            col *= rng.uniform(0.0, 2.0, n - 1)
        elif ref.kind == "years":
            col[:] = rng.choice([0.2, 1.0, 1.7, 4.0, float(model.horizon), model.horizon + 5.5], n - 1)
        elif ref.kind == "discount_rate":
            col[:] = rng.choice([0.0, 0.035, 0.3], n - 1)
    return X


def _assert_equal(model: sroi.Model, X: np.ndarray, out) -> None:
    ev = model.evaluate(X)
    _, out_map, in_map = holders(model)
    scale = max(1.0, float(np.abs(ev.pv_value_by_outcome).max()), float(np.abs(ev.pv_cost_by_input).max()))
    tol = dict(rtol=1e-12, atol=1e-12 * scale)
    np.testing.assert_allclose(out.present_value, ev.present_value, **tol)
    np.testing.assert_allclose(out.investment, ev.investment, **tol)
    np.testing.assert_allclose(out.holder_value, ev.pv_value_by_outcome @ out_map, **tol)
    np.testing.assert_allclose(out.holder_spend, ev.pv_cost_by_input @ in_map, **tol)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(d=schemes(), seed=st.integers(0, 2**32 - 1), block=st.sampled_from([1, 7, 64, 4096]))
def test_compiled_outputs_equal_the_specification(d, seed, block):
    model = sroi.compile_scheme(sroi.from_dict(d))
    X = _designs(model, np.random.default_rng(seed), 40)
    _assert_equal(model, X, outputs(model, X, chunk_size=block, threads=2))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(d=schemes(), seed=st.integers(0, 2**32 - 1))
def test_the_fused_sampler_evaluates_its_draws_as_the_specification_does(d, seed):
    """The PSA samples and evaluates in one compiled pass; its kept draws, run through the
    specification, give the same outputs."""
    for o in d["outcomes"]:
        o["deadweight"] = {"base": min(max(o["deadweight"], 0.05), 0.95), "low": 0.0, "high": 1.0,
                           "distribution": "triangular"}
        o["proxy"]["value"] = {"base": o["proxy"]["value"], "distribution": {"type": "gamma",
                                                                             "sd": o["proxy"]["value"] / 3}}
    d["inputs"][0]["amount"] = {"base": d["inputs"][0]["amount"], "distribution": {"type": "lognormal",
                                                                                  "sd": d["inputs"][0]["amount"] / 5}}
    model = sroi.compile_scheme(sroi.from_dict(d))
    r = psa(model, 300, seed=seed, keep_design=True, chunk_size=64)
    X = np.repeat(model.base[None, :], r.n, axis=0)
    for j, name in enumerate(r.names):
        X[:, model.index(name)] = r.design[:, j]
    _assert_equal(model, X, r.out)


def seeded_scheme(seed: int) -> dict:
    """A scheme made at random from ``seed`` (numpy's generator, so the same seed gives the
    same scheme), with the features :func:`schemes` draws: cohorts, late starts, fractional
    and over-long durations, disbenefits, Green Book bands past year 30, per-participant
    and recurring inputs, prices to rebase. The workbook tests export a few of these and
    have LibreOffice recalculate them."""
    rng = np.random.default_rng(seed)
    horizon = int(rng.choice([3, 8, 35, 45]))
    cohort = [float(round(rng.uniform(10, 400))) for _ in range(int(rng.integers(1, min(horizon, 5) + 1)))]
    disc = {"convention": str(rng.choice(["sroi_guide", "green_book"]))}
    if seed % 3 == 1:
        disc.update(schedule="constant", rate=float(round(rng.uniform(0, 0.1), 4)))
    outcomes = []
    for i in range(int(rng.integers(2, 5))):
        form = i % 3
        quantity = ({"count": float(round(rng.uniform(1, 500)))} if form == 0 else
                    {"rate": float(round(rng.uniform(0, 1), 3))} if form == 1 else
                    {"engagement": float(round(rng.uniform(0, 1), 3)), "success": float(round(rng.uniform(0, 1), 3))})
        outcomes.append({
            "id": f"o{i}", "stakeholder": f"Stakeholder {i}", "outcome": f"Change {i}", "quantity": quantity,
            "proxy": {"value": float(round(rng.uniform(10, 2e4), 2)), "unit": "per person",
                      "price_year": str(rng.choice(FY_YEARS)), "source": "generated"},
            "start_year": int(rng.integers(1, horizon + 1)),
            "duration": float(round(rng.choice([rng.uniform(0.3, 6), horizon + 2.5]), 2)),
            "drop_off": float(rng.choice([0.0, 0.1, 0.35])), "deadweight": float(round(rng.uniform(0, 0.6), 3)),
            "displacement": float(round(rng.uniform(0, 0.3), 3)), "attribution": float(round(rng.uniform(0, 0.5), 3)),
            "beneficiary": str(rng.choice(HOLDERS)), "value_type": "economic", "disbenefit": bool(i == 3),
        })
    inputs = [{"id": "grant", "description": "Grant", "funder": str(rng.choice(HOLDERS)),
               "amount": float(round(rng.uniform(1e4, 5e5), 2)), "price_year": str(rng.choice(FY_YEARS)),
               "years": sorted({int(y) for y in rng.integers(1, horizon + 1, 3)})},
              {"id": "per_person", "description": "Per participant", "funder": str(rng.choice(HOLDERS)),
               "amount": float(round(rng.uniform(50, 2000), 2)), "basis": "per_participant"}]
    return {"name": f"Generated scheme {seed}", "price_base": "2024-25", "horizon": horizon, "discounting": disc,
            "cohort": {"participants": cohort}, "inputs": inputs, "outcomes": outcomes}


@pytest.mark.parametrize("seed", range(12))
def test_seeded_schemes_are_valid_and_the_fast_path_equals_the_specification(seed):
    model = sroi.compile_scheme(sroi.from_dict(seeded_scheme(seed)))
    X = _designs(model, np.random.default_rng(seed), 30)
    _assert_equal(model, X, outputs(model, X))
